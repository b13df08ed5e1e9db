/**
 * `update` (and `create`): carries out the plan of this run's check (`up --diff` shows it). It deletes only versions
 * that plan named and a fresh plan still selects, oldest first (parents before children with
 * the image graph), paced by the client's write limiter, and records each deletion in state.
 * An image version is read again right before its DELETE, in the DELETE's paced slot, and
 * deleted only while it has the tags that plan showed; one that changed or is gone is
 * reported in `blocked`, and the rest of the run is planned again. GitHub's refusals are
 * recorded too, and not sent again while their versions stay as they were.
 * A failure midway keeps what was already deleted in state (a partial failure); the next run
 * lists again, so nothing is deleted twice and nothing skipped.
 */
import { PackagesApi } from "../github/packages";
import type { BytesFreed } from "./image-bytes";
import { ManifestSource, RegistryError } from "../github/registry";
import { PackageVersionRef, PackageVersionsApi } from "../github/versions";
import { capitalize, describe } from "../shared/messages";
import { assertDeletable } from "../shared/protection";
import { planPackage } from "./check";
import { freedBy } from "./image-plan";
import { VersionDeletion } from "./plan";
import { withUnrecorded } from "./recover";
import { currentPackageId, followPackage } from "./identity";
import { restore } from "./restore";
import { Listing, RetentionSession } from "./session";
import { partialFailure, planOutputOf, RECORD_DAYS, refOf, RetentionRunSummary, sameTags, standingRefusals, VersionRetentionInputs, VersionRetentionState } from "./state";

/** Applies the plan of this run to the package: deletes what it named, or restores what `restore` asks for. */
export async function apply(session: RetentionSession, id: string, inputs: VersionRetentionInputs, olds: VersionRetentionState | undefined): Promise<VersionRetentionState> {
    const now = new Date();
    const state: VersionRetentionState = {
        ...inputs,
        // The whole plan stays in the inputs; the outputs keep what `planOutput` asks for.
        plan: planOutputOf(inputs.plan, inputs.planOutput),
        packageId: olds?.packageId ?? null,
        deleted: (olds?.deleted ?? []).filter((record) => now.getTime() - Date.parse(record.deletedAt) < RECORD_DAYS * 86_400_000),
        restored: (olds?.restored ?? []).filter((record) => now.getTime() - Date.parse(record.restoredAt) < RECORD_DAYS * 86_400_000),
        // GitHub's refusals are remembered across runs (restores included) while their versions stay as they were.
        blocked: standingRefusals(olds?.blocked),
        lastRun: null,
        // A refresh finds broken images; an up cannot mend them, and forgets only those it deleted.
        brokenImages: olds?.brokenImages ?? [],
    };
    if (olds) {
        // A run killed midway deleted versions it could not record: record them first (restore "all" brings them back too).
        state.deleted = (await withUnrecorded(session, { ...state, lastRun: olds.lastRun }, now)).deleted;
    }
    if (inputs.restore !== undefined) {
        return restore(session, id, inputs, state, now);
    }
    const { listing, union } = await relist(session, inputs, session.takeListing(inputs) ?? (await session.list(inputs)));
    // The package's id for the record; read here, where the engine runs resources in parallel, not in check, where it does not.
    // A package deleted and published again since the last run is said, and the old one's records keep its id.
    followPackage(inputs, state, listing.packageId ?? (await currentPackageId(session, inputs)));
    // Versions GitHub refused in an earlier run, unchanged since: blocked, never sent again (the preview's check cannot
    // know them: the engine gives check the old inputs, not these outputs).
    const remembered = new Map(standingRefusals(olds?.blocked, listing.versions).map((r) => [r.versionId, r]));
    const refused = [...remembered.values()].map((r) => ({ versionId: r.versionId, blockedBy: r.blockedBy, reason: rememberedReason(r) }));
    // Counted through what this run's check counted through: a version published since then keeps its place and keeps no other out.
    const context = { now, refused, countedThrough: inputs.plan?.countedThrough };
    const plan = await planPackage(session, inputs, listing, context);
    // A version either list saw can only keep others: what the union's plan keeps is not deleted either.
    const unionDeletes = union ? new Set((await planPackage(session, inputs, union, context)).deletions.map((d) => d.versionId)) : undefined;
    // Only what the plan of this run's check named: a version the rules select since then waits for the next preview.
    const named = new Set((inputs.plan?.delete ?? []).map((d) => d.id));
    const deletions = plan.deletions.filter((d) => named.has(d.versionId) && !remembered.has(d.versionId) && (!unionDeletes || unionDeletes.has(d.versionId)));
    const summary: RetentionRunSummary = { at: now.toISOString(), total: listing.versions.length, deleted: 0, restored: 0, blocked: 0, deletedPackage: false };
    const chosen = new Set(deletions.map((d) => d.versionId));
    summary.skipped = [...named].filter((id) => !chosen.has(id));
    state.lastRun = summary;
    state.blocked = plan.blocked.map((b) => {
        const refusal = remembered.get(b.versionId);
        // A remembered refusal keeps GitHub's reason and when it answered it.
        return refusal ?? { versionId: b.versionId, name: b.name, blockedBy: b.blockedBy, reason: b.reason };
    });
    // Remembered even while the rules do not select them, so a policy change back does not send them again.
    const listed = new Set(state.blocked.map((b) => b.versionId));
    state.blocked.push(...[...remembered.values()].filter((r) => !listed.has(r.versionId)));
    // The whole package only when every version it holds now was named by the preview: nothing published since goes with it.
    if (plan.deletePackage && inputs.plan?.deletePackage && listing.versions.every((v) => named.has(v.versionId))) {
        await deletePackage(session, inputs, listing, state);
        summary.deletedPackage = true;
        summary.deleted = listing.versions.length;
        Object.assign(summary, runBytes(plan.bytes, summary.deleted));
        return state;
    }
    const versions = new PackageVersionsApi(session.github());
    // What the run freed, from the graph its plan read: the versions it deleted gone, every other listed one staying.
    const gone: string[] = [];
    const recordBytes = () => Object.assign(summary, runBytes(plan.graph && freedBy(plan.graph, listing.versions, gone), gone.length));
    // Images: each version is read again right before its DELETE, in its paced slot, and deleted only with the tags the preview showed.
    const guarded = inputs.packageType === "container" || inputs.packageType === "docker";
    const approved = new Map((inputs.plan?.delete ?? []).map((d) => [d.id, d.tags ?? []]));
    let queue = [...deletions];
    for (let deletion = queue.shift(); deletion !== undefined; deletion = queue.shift()) {
        const ref = { ...refOf(inputs), versionId: deletion.versionId };
        const planned = approved.get(deletion.versionId) ?? deletion.tags;
        let outcome;
        try {
            try {
                const ghost = deletion.rule.includes("ghost-image") ? session.manifests(inputs) : undefined;
                outcome = await versions.delete(
                    ref,
                    "report",
                    guarded
                        ? async (retried) => {
                              await recheck(versions, ref, planned, retried);
                              if (ghost && !retried) {
                                  await stillGhost(ghost, deletion.name);
                              }
                          }
                        : undefined,
                );
            } catch (error) {
                if (!(error instanceof NotAsPlanned)) {
                    throw error;
                }
                state.blocked.push({ versionId: deletion.versionId, name: deletion.name, blockedBy: error.blockedBy, reason: error.message });
                // It stays, changed: what the rest may delete is planned again on a fresh list (a kept image keeps its children).
                queue = await stillPlanned(session, inputs, listing, queue, context);
                continue;
            }
        } catch (error) {
            summary.blocked = state.blocked.length;
            recordBytes();
            throw partialFailure(id, state, error, summary.deleted, deletions.length);
        }
        if (outcome === "deleted") {
            gone.push(deletion.name);
            state.deleted.push({ versionId: deletion.versionId, name: deletion.name, tags: deletion.tags, deletedAt: new Date().toISOString(), rule: deletion.rule });
            summary.deleted++;
        } else {
            const refusedAt = outcome === "missing" ? {} : { tags: [...deletion.tags], refusedAt: new Date().toISOString() };
            state.blocked.push({ versionId: deletion.versionId, name: deletion.name, blockedBy: outcome === "missing" ? "missing" : outcome, reason: refusal(outcome), ...refusedAt });
        }
    }
    summary.blocked = state.blocked.length;
    recordBytes();
    const deletedNow = new Set(state.deleted.map((r) => r.versionId));
    state.brokenImages = state.brokenImages.filter((b) => !deletedNow.has(b.versionId));
    session.forget(inputs);
    return state;
}

/** Deletes the whole package (`lastVersion: "delete-package"`), only when it still holds exactly the versions the plan listed. */
async function deletePackage(session: RetentionSession, inputs: VersionRetentionInputs, listing: Listing, state: VersionRetentionState): Promise<void> {
    assertDeletable(inputs, session.lookup, 'delete (retention lastVersion: "delete-package")');
    const api = new PackagesApi(session.github());
    const what = capitalize(describe({ operation: "delete", ...refOf(inputs) }));
    // Read again right before the DELETE, in its paced slot: the same package, holding exactly the versions (and tags) planned.
    await api.delete(inputs, "fail", async () => {
        const current = await api.get(inputs);
        if (!current || listing.packageId === undefined || current.packageId !== listing.packageId) {
            throw new Error(`${what} changed while planning (another package id, or gone); nothing was deleted. Run again.`);
        }
        const now = await new PackageVersionsApi(session.github()).list(inputs, "active");
        const planned = new Map(listing.versions.map((v) => [v.versionId, v.tags]));
        if (now.length !== planned.size || now.some((v) => !planned.has(v.versionId) || !sameTags(v.tags, planned.get(v.versionId)))) {
            throw new Error(`${what} has other versions or tags than the plan named (published, deleted or retagged since); nothing was deleted. Run again.`);
        }
    });
    const at = new Date().toISOString();
    for (const version of listing.versions) {
        state.deleted.push({ versionId: version.versionId, name: version.name, tags: version.tags, deletedAt: at, rule: "lastVersion delete-package", packageId: listing.packageId });
    }
    state.packageId = null;
}

/** A version that is no longer as the plan saw it, found right before its DELETE: it is not deleted. */
class NotAsPlanned extends Error {
    constructor(
        readonly blockedBy: "changed" | "missing",
        message: string,
    ) {
        super(message);
    }
}

/**
 * The check right before an image version's DELETE (one GET, in the DELETE's paced slot): it
 * goes only while it exists with exactly the tags the preview showed. A tag moved onto it (a
 * protected one, or one the rule does not select) or taken off, or the version gone, cancels
 * the DELETE. Gone on a retry is left to the DELETE's 404: the lost attempt deleted it.
 */
async function recheck(versions: PackageVersionsApi, ref: PackageVersionRef, planned: string[], retried: boolean): Promise<void> {
    const current = await versions.get(ref);
    if (current === undefined) {
        if (retried) {
            return;
        }
        throw new NotAsPlanned("missing", "gone before its DELETE (someone else deleted it); not recorded as deleted.");
    }
    if (!sameTags(current.tags, planned)) {
        const list = (tags: string[]) => (tags.length > 0 ? tags.join(", ") : "untagged");
        throw new NotAsPlanned(
            "changed",
            `its tags changed since the plan (planned: ${list(planned)}; now: ${list(current.tags)}); not deleted. The next preview plans it again.`,
        );
    }
}

/**
 * The check before a ghost image's DELETE (`deleteBroken.ghostImages`): its manifest is asked
 * for again with a HEAD (no download counted). Only a second 404 lets it go; a manifest served
 * now (the plan's 404 was transient, as on ghcr.io while a push replicates) or an answer that
 * says nothing cancels the DELETE.
 */
async function stillGhost(manifests: ManifestSource, digest: string): Promise<void> {
    if (manifests.check === undefined) {
        throw new NotAsPlanned("changed", "its manifest cannot be asked for again before the DELETE; a ghost is deleted only after a second 404. Not deleted.");
    }
    try {
        await manifests.check(digest);
    } catch (error) {
        if (error instanceof RegistryError && error.problem === "not-found") {
            return;
        }
        throw new NotAsPlanned("changed", `its manifest could not be asked for again before the DELETE (${error instanceof Error ? error.message : String(error)}); a ghost is deleted only after a second 404. Not deleted.`);
    }
    throw new NotAsPlanned("changed", "the registry serves its manifest again (the plan's 404 was transient); not deleted as a ghost.");
}

/**
 * After a planned version was found changed, what is left of the run: the package is listed
 * again and planned on that list and on its union with the earlier one; a version goes only
 * when both plans still delete it.
 */
async function stillPlanned(
    session: RetentionSession,
    inputs: VersionRetentionInputs,
    earlier: Listing,
    queue: VersionDeletion[],
    context: Parameters<typeof planPackage>[3],
): Promise<VersionDeletion[]> {
    if (queue.length === 0) {
        return queue;
    }
    const again = await new PackageVersionsApi(session.github()).list(inputs, "active");
    const fresh = new Set(again.map((v) => v.versionId));
    const union = { ...earlier, versions: [...again, ...earlier.versions.filter((v) => !fresh.has(v.versionId))] };
    const selects = async (listing: Listing) => new Set((await planPackage(session, inputs, listing, context)).deletions.map((d) => d.versionId));
    const [one, both] = [await selects({ ...earlier, versions: again }), await selects(union)];
    return queue.filter((d) => one.has(d.versionId) && both.has(d.versionId));
}

/**
 * Before a container plan deletes, the package is listed again. The fresh list is planned (a
 * tag moved onto a planned image since the preview keeps it; keep counts count what exists),
 * and so is the union with what only the first list saw: a list paged while another tool
 * deletes can skip a version, and a skipped kept index would make its children look like
 * garbage. A version is deleted only when both plans delete it.
 */
async function relist(session: RetentionSession, inputs: VersionRetentionInputs, listing: Listing): Promise<{ listing: Listing; union?: Listing }> {
    if (inputs.packageType !== "container" || (inputs.plan?.delete ?? []).length === 0) {
        return { listing };
    }
    const again = await new PackageVersionsApi(session.github()).list(inputs, "active");
    const fresh = new Set(again.map((v) => v.versionId));
    return {
        listing: { ...listing, versions: again },
        union: { ...listing, versions: [...again, ...listing.versions.filter((v) => !fresh.has(v.versionId))] },
    };
}

/** A run's `bytesFreed` (and `bytesBound` when a bound): the graph's figure for container packages; 0 when nothing was deleted; else unknown (null). */
function runBytes(freed: BytesFreed | undefined, deleted: number): Pick<RetentionRunSummary, "bytesFreed" | "bytesBound"> {
    if (!freed) {
        return { bytesFreed: deleted === 0 ? 0 : null };
    }
    if (freed.bound === "unknown") {
        return { bytesFreed: null };
    }
    return { bytesFreed: freed.bytes, ...(freed.bound !== "exact" ? { bytesBound: freed.bound } : {}) };
}

/** The reason of a refusal remembered from an earlier run. */
function rememberedReason(record: { reason: string; refusedAt: string }): string {
    return `remembered from ${record.refusedAt.slice(0, 10)}, not sent again while the version keeps its name and tags: ${record.reason}`;
}

/** Why a version the plan named was not deleted, in words. */
function refusal(outcome: "missing" | "last-version" | "undeletable"): string {
    switch (outcome) {
        case "missing":
            return "already deleted when the run reached it (by someone else, or an earlier interrupted run); not recorded as deleted here.";
        case "last-version":
            return "GitHub refused: it is the package's last (tagged) version.";
        case "undeletable":
            return "GitHub refused: a public version with more than 5,000 downloads; protect it with protect.versionIds so that no plan selects it.";
    }
}
