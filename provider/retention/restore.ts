/**
 * `restore`: brings back versions this resource deleted, within GitHub's 30 days, and records
 * them. Checked in `diff` (so the preview fails before anything runs) and carried out in
 * `update`; nothing is deleted while `restore` is set. A version comes back only in the package
 * it was deleted from: records of a package that no longer holds the name are left (`"all"`) or
 * refused (named), with the cause (identity.ts).
 */
import { PackageVersionsApi } from "../github/versions";
import { UserError } from "../shared/messages";
import { currentPackageId, followPackage, ofPackage, restoreCall } from "./identity";
import { RetentionSession } from "./session";
import {
    DeletedVersionRecord,
    partialFailure,
    RECORD_DAYS,
    refOf,
    RESTORE_WINDOW_DAYS,
    RetentionRunSummary,
    VersionRetentionInputs,
    VersionRetentionState,
    withinRestoreWindow,
} from "./state";

/** What the restore checks read of the state: the records, the restore already set, and the package they belong to. */
type RestoreState = Pick<VersionRetentionState, "deleted" | "restored" | "restore" | "packageId" | "org" | "packageType" | "packageName">;

/** Restores what `restore` asks for, one version at a time; a failure midway keeps the restored ones recorded. */
export async function restore(session: RetentionSession, id: string, inputs: VersionRetentionInputs, state: VersionRetentionState, now: Date): Promise<VersionRetentionState> {
    // The package that holds the name now: a replacement since the last run is said, and its records left.
    followPackage(inputs, state, await currentPackageId(session, inputs));
    assertRestorable(state, inputs.restore!, now, state.packageId);
    warnLeft(state, inputs.restore!, state.packageId, now);
    const wanted = pendingRestores(state, inputs.restore!, state.packageId, now);
    const versions = new PackageVersionsApi(session.github());
    const summary: RetentionRunSummary = { at: now.toISOString(), total: 0, deleted: 0, restored: 0, blocked: 0, deletedPackage: false };
    state.lastRun = summary;
    for (const record of wanted) {
        const ref = { ...refOf(inputs), versionId: record.versionId };
        try {
            if ((await versions.get(ref)) === undefined) {
                await versions.restore(ref);
            }
        } catch (error) {
            throw partialFailure(id, state, error, summary.restored, wanted.length, "restored");
        }
        state.deleted = state.deleted.filter((r) => r.versionId !== record.versionId);
        state.restored.push({ versionId: record.versionId, name: record.name, restoredAt: new Date().toISOString() });
        summary.restored++;
    }
    return state;
}

/**
 * Checks `restore` in `diff`, where the preview shows it: reads which package holds the name now
 * (one request), throws what {@link assertRestorable} throws, says in the log which records
 * `"all"` leaves, and tells whether anything is to be restored.
 */
export async function checkRestore(session: RetentionSession, state: RestoreState, restore: number[] | "all", now: Date): Promise<boolean> {
    const current = await currentPackageId(session, state);
    assertRestorable(state, restore, now, current);
    warnLeft(state, restore, current, now);
    return pendingRestores(state, restore, current, now).length > 0;
}

/**
 * Throws unless every version `restore` names is one this resource deleted (in its records),
 * still within GitHub's 30 days and of the package that holds the name now (`current`).
 * `"all"`, newly set, fails when it finds nothing to restore and some records it cannot, naming
 * them (past the 30 days, or of another package). Still set from an earlier run
 * (`state.restore`), it restores what is left and fails on nothing.
 */
export function assertRestorable(state: RestoreState, restore: number[] | "all", now: Date, current: number | null): void {
    const records = state.deleted ?? [];
    const elsewhere = records.filter((r) => !ofPackage(r, state, current));
    if (restore === "all" && state.restore !== "all" && pendingRestores(state, "all", current, now).length === 0) {
        if (elsewhere.length > 0) {
            throw new UserError(`restore: "all" finds no version of ${current === null ? "the package (it is gone)" : `package ${current}`} to restore: ${notHere(state, elsewhere, current)} Nothing was restored; remove restore.`);
        }
        const expired = records.filter((r) => !withinRestoreWindow(r.deletedAt, now));
        if (expired.length > 0) {
            throw new UserError(
                `restore: "all" finds no version this resource deleted within GitHub's ${RESTORE_WINDOW_DAYS} days; ` +
                    `${expired.map((r) => `${r.name} (id ${r.versionId}, deleted ${r.deletedAt})`).join(", ")} cannot be restored any more. ` +
                    `Nothing was restored; remove restore.`,
            );
        }
    }
    if (restore === "all") {
        return;
    }
    // A version restored already stays named in `restore` until the program drops it: that is not an error.
    const restored = new Set((state.restored ?? []).map((r) => r.versionId));
    const unknown = restore.filter((versionId) => !restored.has(versionId) && !records.some((r) => r.versionId === versionId));
    if (unknown.length > 0) {
        throw new UserError(
            `restore names version${unknown.length === 1 ? "" : "s"} ${unknown.join(", ")}, which this resource did not delete (or restore) in the last ${RECORD_DAYS} days ` +
                `(its deleted output lists the ones it did); nothing was restored. Restore other versions with restoreOrgPackageVersion.`,
        );
    }
    const named = elsewhere.filter((r) => restore.includes(r.versionId));
    if (named.length > 0) {
        throw new UserError(`${notHere(state, named, current)} Nothing was restored; remove ${named.length === 1 ? "it" : "them"} from restore.`);
    }
    const expired = records.filter((r) => restore.includes(r.versionId) && !withinRestoreWindow(r.deletedAt, now));
    if (expired.length > 0) {
        throw new UserError(
            `GitHub restores a version only within ${RESTORE_WINDOW_DAYS} days of its deletion; ${expired.map((r) => `${r.name} (id ${r.versionId}, deleted ${r.deletedAt})`).join(", ")} ` +
                `cannot be restored any more. Remove ${expired.length === 1 ? "it" : "them"} from restore; nothing was restored.`,
        );
    }
}

/** The records `restore` asks for that are still deleted: named ones, or for `"all"` those of the package `current` within GitHub's 30 days. */
export function pendingRestores(state: Pick<VersionRetentionState, "deleted" | "packageId">, restore: number[] | "all", current: number | null, now = new Date()): DeletedVersionRecord[] {
    const records = state.deleted ?? [];
    return restore === "all"
        ? records.filter((r) => ofPackage(r, state, current) && withinRestoreWindow(r.deletedAt, now))
        : records.filter((r) => restore.includes(r.versionId));
}

/** Says in the log which records `"all"` leaves because their package no longer holds the name. */
function warnLeft(state: RestoreState, restore: number[] | "all", current: number | null, now: Date): void {
    const left = restore === "all" ? (state.deleted ?? []).filter((r) => !ofPackage(r, state, current) && withinRestoreWindow(r.deletedAt, now)) : [];
    if (left.length > 0) {
        console.warn(`restore: "all" leaves ${left.length === 1 ? "a version" : `${left.length} versions`}: ${notHere(state, left, current)}`);
    }
}

/** Why `records` cannot be restored in the package that holds the name now, and what brings their package back. */
function notHere(ref: RestoreState, records: readonly DeletedVersionRecord[], current: number | null): string {
    const from = [...new Set(records.map((r) => r.packageId ?? ref.packageId))];
    const known = from.filter((id): id is number => id !== null && id !== undefined);
    const list = records.map((r) => `${r.name} (id ${r.versionId})`).join(", ");
    return (
        `${list} ${records.length === 1 ? "was" : "were"} deleted from ${known.length > 0 ? `package ${known.join(", ")}` : "a package"}, which no longer holds the name ` +
        `(${current === null ? "the package is gone" : `it is now package ${current}`}); GitHub restores a version only in its own package.` +
        (known.length > 0 ? ` Within 30 days, while no other package holds the name, ${known.map((id) => restoreCall(ref, id)).join(" or ")} brings that package back; then restore its versions.` : "")
    );
}
