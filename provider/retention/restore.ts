/**
 * `restore`: brings back versions this resource deleted, within GitHub's 30 days, and records
 * them. Checked in `diff` (so the preview fails before anything runs) and carried out in
 * `update`; nothing is deleted while `restore` is set.
 */
import { PackagesApi } from "../github/packages";
import { PackageVersionsApi } from "../github/versions";
import { capitalize, describe } from "../shared/messages";
import type { PackageRef } from "../shared/types";
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

/** Restores what `restore` asks for, one version at a time; a failure midway keeps the restored ones recorded. */
export async function restore(session: RetentionSession, id: string, inputs: VersionRetentionInputs, state: VersionRetentionState, now: Date): Promise<VersionRetentionState> {
    assertRestorable(state, inputs.restore!, now);
    const wanted = pendingRestores(state, inputs.restore!);
    const versions = new PackageVersionsApi(session.github());
    // The versions come back only in the package they were deleted from: one replaced since the last run is said, not asked of GitHub.
    const current = state.packageId === null ? undefined : await new PackagesApi(session.github()).get(refOf(inputs));
    if (state.packageId !== null && current?.packageId !== state.packageId) {
        throw new Error(
            `${capitalize(describe({ operation: "restore", ...refOf(inputs) }))}: the versions were deleted from package ${state.packageId}, which no longer holds the name ` +
                `(${current ? `it is now package ${current.packageId}, published out of band` : "it is gone"}); GitHub restores a version only in its own package. Nothing was restored. ` +
                `Within 30 days, while no other package holds the name, ${restoreCall(inputs, state.packageId)} brings the whole package back.`,
        );
    }
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
 * Throws unless every version `restore` names is one this resource deleted (in its records) and
 * still within GitHub's 30 days; checked in `diff`, so the preview fails before anything runs.
 * `"all"`, newly set, fails when every record it finds is past the 30 days, naming them (some
 * within: those are restored). Still set from an earlier run (`state.restore`), it restores what
 * is left and fails on nothing.
 */
export function assertRestorable(state: Pick<VersionRetentionState, "deleted" | "restored" | "restore" | "packageId" | "org" | "packageType" | "packageName">, restore: number[] | "all", now: Date): void {
    const elsewhere = (state.deleted ?? []).filter((r) => !ofPackage(r, state));
    const named = restore === "all" ? [] : elsewhere.filter((r) => restore.includes(r.versionId));
    if (named.length > 0 || (restore === "all" && state.restore !== "all" && elsewhere.length > 0 && pendingRestores(state, "all", now).length === 0)) {
        const records = named.length > 0 ? named : elsewhere;
        const from = [...new Set(records.map((r) => r.packageId))].join(", ");
        throw new Error(
            `${records.map((r) => `${r.name} (id ${r.versionId})`).join(", ")} ${records.length === 1 ? "was" : "were"} deleted from package ${from}, ` +
                `which no longer holds the name (${state.packageId === null ? "the package is gone" : `it is now package ${state.packageId}`}); GitHub restores a version only in its own package. ` +
                `Nothing was restored; remove ${records.length === 1 ? "it" : "them"} from restore. Within 30 days, while no other package holds the name, ` +
                `${restoreCall(state, records[0].packageId!)} brings the whole package back.`,
        );
    }
    if (restore === "all" && state.restore !== "all") {
        const expired = (state.deleted ?? []).filter((r) => ofPackage(r, state) && !withinRestoreWindow(r.deletedAt, now));
        if (expired.length > 0 && pendingRestores(state, "all", now).length === 0) {
            throw new Error(
                `restore: "all" finds no version this resource deleted within GitHub's ${RESTORE_WINDOW_DAYS} days; ` +
                    `${expired.map((r) => `${r.name} (id ${r.versionId}, deleted ${r.deletedAt})`).join(", ")} cannot be restored any more. ` +
                    `Nothing was restored; remove restore.`,
            );
        }
    }
    const records = state.deleted ?? [];
    // A version restored already stays named in `restore` until the program drops it: that is not an error.
    const restored = new Set((state.restored ?? []).map((r) => r.versionId));
    const unknown = restore === "all" ? [] : restore.filter((versionId) => !restored.has(versionId) && !records.some((r) => r.versionId === versionId));
    if (unknown.length > 0) {
        throw new Error(
            `restore names version${unknown.length === 1 ? "" : "s"} ${unknown.join(", ")}, which this resource did not delete (or restore) in the last ${RECORD_DAYS} days ` +
                `(its deleted output lists the ones it did); nothing was restored. Restore other versions with restoreOrgPackageVersion.`,
        );
    }
    const expired = pendingRestores(state, restore).filter((r) => !withinRestoreWindow(r.deletedAt, now));
    if (expired.length > 0) {
        throw new Error(
            `GitHub restores a version only within ${RESTORE_WINDOW_DAYS} days of its deletion; ${expired.map((r) => `${r.name} (id ${r.versionId}, deleted ${r.deletedAt})`).join(", ")} ` +
                `cannot be restored any more. Remove ${expired.length === 1 ? "it" : "them"} from restore; nothing was restored.`,
        );
    }
}

/** The records `restore` asks for that are still deleted: named ones, or for `"all"` those within GitHub's 30 days. */
export function pendingRestores(state: Pick<VersionRetentionState, "deleted" | "packageId">, restore: number[] | "all", now = new Date()): DeletedVersionRecord[] {
    // `"all"` leaves the records of a package that no longer holds the name (named ones fail in assertRestorable).
    const records = (state.deleted ?? []).filter((r) => restore !== "all" || ofPackage(r, state));
    return restore === "all"
        ? records.filter((r) => withinRestoreWindow(r.deletedAt, now))
        : records.filter((r) => restore.includes(r.versionId));
}

/** Whether `record` is a version of the package the resource manages now (records without a package id are). */
function ofPackage(record: DeletedVersionRecord, state: Pick<VersionRetentionState, "packageId">): boolean {
    return record.packageId === undefined || record.packageId === state.packageId;
}

/** The `restoreOrgPackage` call that brings package `packageId` back under the name of `ref`. */
function restoreCall(ref: PackageRef, packageId: number): string {
    return `restoreOrgPackage({ org: "${ref.org}", packageType: "${ref.packageType}", packageName: "${ref.packageName}", packageId: ${packageId} })`;
}
