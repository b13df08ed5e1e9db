/**
 * What the preview shows: `check` validates the inputs, lists the package and plans, and the
 * plan becomes the `plan` input, which `pulumi preview --diff` prints version by version;
 * `diff` says whether the plan still has something to do. A plan over its cap fails here,
 * naming the counts, before anything is deleted.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { ManifestSource } from "../github/registry";
import { CONFIG_NAMESPACE } from "../shared/config";
import { RetentionCandidate } from "./candidate";
import { boundReason, BytesFreed, describeFreed } from "./image-bytes";
import { ImageRetentionPlan, planImageRetention } from "./image-plan";
import { hasUnknown, checkRetentionInputs } from "./inputs";
import { ListingMark, planRetention, publishedAfter, RetentionCapError, RetentionOptions, RetentionPlan } from "./plan";
import { checkRestore } from "./restore";
import { Listing, RetentionSession } from "./session";
import {
    LISTED_LIMIT,
    PlannedVersion,
    planOutputOf,
    RetentionPlanView,
    retentionId,
    sameVersion,
    standingRefusals,
    VersionRetentionInputs,
    VersionRetentionState,
} from "./state";

/**
 * Validates the inputs before any call, then lists the package and plans: the plan becomes
 * the `plan` input, which `pulumi preview --diff` shows line by line. A plan over its cap
 * fails here, naming the counts, before anything is deleted.
 */
export async function check(
    session: RetentionSession,
    olds: Partial<VersionRetentionInputs> | undefined,
    news: VersionRetentionInputs,
): Promise<dynamic.CheckResult<VersionRetentionInputs>> {
    const failures = checkRetentionInputs(news);
    if (failures.length > 0) {
        return { failures };
    }
    // The packages checked after this one are listed in the background; the hint is not stored.
    const { prefetch, ...inputs } = news;
    news = inputs;
    if (hasUnknown(news)) {
        return { inputs: { ...news, plan: undefined } };
    }
    session.prefetch(news, Array.isArray(prefetch) ? prefetch : []);
    // Keep counts count what the last run listed (its check's inputs are the old inputs, also after a run that changed nothing).
    const countedThrough = samePackage(olds, news) ? olds?.plan?.listedThrough : undefined;
    if (news.restore !== undefined) {
        return { inputs: { ...news, plan: { ...suspendedPlan(news.restore), ...(countedThrough ? { countedThrough, listedThrough: countedThrough } : {}) } } };
    }
    const listing = await session.list(news);
    try {
        const plan = await planPackage(session, news, listing, { now: new Date(), countedThrough });
        return { inputs: { ...news, plan: viewOf(plan, listing.versions, countedThrough) } };
    } catch (error) {
        if (error instanceof RetentionCapError) {
            return { failures: [{ property: "policy.maxDeletions", reason: error.message }] };
        }
        throw error;
    }
}

/**
 * Changes when the plan deletes or restores something, the package, policy or `planOutput` changed, or a
 * refresh found broken images (so `--expect-no-changes` fails until they are fixed).
 */
export async function diff(session: RetentionSession, olds: VersionRetentionState, news: VersionRetentionInputs): Promise<dynamic.DiffResult> {
    const replaces = (["org", "packageType", "packageName"] as const).filter((k) => olds[k] !== news[k]);
    // A refresh diffs the fresh read against the inputs of the last up, whose plan that up carried out: its
    // deletions are done, refused or skipped, not pending. A fresh plan (a preview's check) is pending as it is.
    // The outputs keep the plan as `planOutput` asked (state written before it kept the whole plan): compared compact.
    const lastPlan = news.plan !== undefined && JSON.stringify(planOutputOf(news.plan, "compact")) === JSON.stringify(planOutputOf(olds.plan, "compact"));
    const done = new Set([
        ...(olds.deleted ?? []).map((r) => r.versionId),
        ...(lastPlan ? (olds.blocked ?? []).map((r) => r.versionId) : []),
        ...(lastPlan ? (olds.lastRun?.skipped ?? []) : []),
    ]);
    // A version GitHub refused before, unchanged, is not sent again (update skips it): not a pending change either.
    const refusals = standingRefusals(olds.blocked);
    const refused = (d: PlannedVersion) => refusals.some((r) => r.versionId === d.id && sameVersion(r, { name: d.version, tags: d.tags }));
    const planned =
        news.plan === undefined || news.plan.delete.some((d) => !done.has(d.id) && !refused(d)) || (news.plan.deletePackage && olds.packageId !== null);
    // Checked against the package that holds the name now (one request), so the preview fails as the update would.
    const restoring = news.restore !== undefined && (await checkRestore(session, olds, news.restore, new Date()));
    const policyChanged = JSON.stringify(olds.policy) !== JSON.stringify(news.policy);
    // The outputs keep the plan as `planOutput` asks: a new choice rewrites them (and deletes only what the plan names).
    const outputChanged = (olds.planOutput ?? "compact") !== (news.planOutput ?? "compact");
    const broken = (olds.brokenImages ?? []).length > 0;
    return { changes: replaces.length > 0 || planned || restoring || policyChanged || outputChanged || broken, replaces, deleteBeforeReplace: false };
}

/**
 * Plans the package's retention: a container package with its image graph, read from the
 * registry (each manifest at most once per process), every other one from its version list.
 * `refused`: GitHub's earlier refusals that still hold (from state), blocked instead of planned.
 * A container plan also says what it frees (`bytes`) and carries the graph it was made with.
 */
export async function planPackage(
    session: RetentionSession,
    inputs: VersionRetentionInputs,
    listing: Listing,
    context: Pick<RetentionOptions, "now" | "refused" | "countedThrough">,
): Promise<RetentionPlan & Partial<Pick<ImageRetentionPlan, "bytes" | "graph">>> {
    const options = { packageType: inputs.packageType, subject: retentionId(inputs), ...context };
    if (inputs.packageType !== "container") {
        return planRetention(inputs.policy, listing.versions, options);
    }
    const manifests = session.manifests(inputs);
    const plan = await planImageRetention(inputs.policy, listing.versions, options, manifests);
    // Not one manifest readable: a wrong registry or token, not a broken image. Fail (nothing deleted) naming the settings,
    // rather than a plan whose blocked reasons the preview cuts before the cause. When every answer was a 404, the
    // registry's tag list tells ghost images (the repository is known: the plan blocks, as the graph says) from a
    // registry that is not the package's (say, the REST API's URL, which answers 404 to everything).
    if (plan.manifestsRead > 0 && plan.unreadable.length === plan.manifestsRead) {
        const ghosts = plan.unreadable.every((u) => u.problem === "not-found") && (await knownRepository(manifests));
        if (!ghosts) {
            throw new Error(
                `Retention of ${options.subject} read none of its ${plan.manifestsRead} manifests from the container registry ${session.registryUrl()} ` +
                    `(${CONFIG_NAMESPACE}:registryUrl); nothing was deleted. First failure: ${plan.unreadable[0].reason} ` +
                    `Check ${CONFIG_NAMESPACE}:registryUrl (https://ghcr.io on GitHub.com, https://containers.HOST on GitHub Enterprise Server) ` +
                    `and that ${CONFIG_NAMESPACE}:token has read:packages, then run again.`,
            );
        }
    }
    return plan;
}

/** True when the registry's tag list of the package answers; a source that cannot tell, or a failed probe, says no (fail). */
async function knownRepository(manifests: ManifestSource): Promise<boolean> {
    try {
        return (await manifests.knowsRepository?.()) ?? false;
    } catch {
        return false;
    }
}

/** The plan while `restore` is set: nothing is deleted, so a restored version is not deleted again in the same run. */
function suspendedPlan(restore: number[] | "all"): RetentionPlanView {
    const what = restore === "all" ? "every version this resource deleted within 30 days" : `version${restore.length === 1 ? "" : "s"} ${restore.join(", ")}`;
    return {
        summary: `restoring ${what}; no version is deleted while restore is set. Protect the restored versions in the policy before removing restore, or the next run deletes them again.`,
        delete: [],
        keep: [],
        blocked: [],
        deletePackage: false,
        // Nothing is deleted, so nothing is freed, in any registry.
        bytesFreed: 0,
    };
}

/** True when the old inputs are of the same package (not a replacement, not a create). */
function samePackage(olds: Partial<VersionRetentionInputs> | undefined, news: VersionRetentionInputs): boolean {
    return olds !== undefined && olds.org === news.org && olds.packageType === news.packageType && olds.packageName === news.packageName;
}

/**
 * The plan as the preview shows it. `versions`: the versions it was planned on, whose newest the next run counts keep
 * counts through; `countedThrough`: the mark this plan counted through (the last run's). A container plan's `bytes`
 * (planImageRetention) gives what it frees in total and per deletion; any other plan that deletes something frees a
 * size unknown (null), never 0. The summary keeps the figure short (the preview cuts strings past 150 bytes); why a
 * figure is a bound is in `bytesNote`.
 */
export function viewOf(
    plan: RetentionPlan & { bytes?: BytesFreed },
    versions: readonly RetentionCandidate[] = [],
    countedThrough?: ListingMark,
): RetentionPlanView {
    const bytes = plan.bytes;
    const entry = (v: RetentionCandidate, rule: string, reason: string, freed?: number | null): PlannedVersion => ({
        id: v.versionId,
        version: v.name,
        ...(v.tags.length > 0 ? { tags: [...v.tags] } : {}),
        rule,
        reason,
        ...(freed !== undefined ? { bytes: freed } : {}),
    });
    const counts = new Map<string, number>();
    for (const kept of plan.kept) {
        counts.set(kept.keptBy, (counts.get(kept.keptBy) ?? 0) + 1);
    }
    const keptText = [...counts].map(([why, n]) => `${n} ${why}`).join(", ");
    const deleting = plan.deletePackage ? `the whole package` : `${plan.deletions.length}`;
    const nothing = !plan.deletePackage && plan.deletions.length === 0;
    // What the plan frees: a container plan's figure (a bound says so); nothing deleted frees 0; any other registry gives no sizes.
    const freed = bytes ? (bytes.bound === "unknown" ? null : bytes.bytes) : nothing ? 0 : null;
    const freedText = bytes ? describeFreed(bytes) : nothing ? "frees 0 B" : "size unknown";
    // Why a container figure is a bound (other registries: `bytesFreed` null says it, docs/retention.md says why; no note, to keep state small).
    const note = bytes ? boundReason(bytes) : "";
    const listed = (n: number) => (n > LISTED_LIMIT ? `, the first ${LISTED_LIMIT} listed` : "");
    const deferred = plan.deferred > 0 ? `; drain: ${plan.deferred} more wait for the next runs` : "";
    const warnings = plan.warnings.length > 0 ? ` Warning: ${plan.warnings.join(" Warning: ")}` : "";
    return {
        summary:
            `${plan.total} active versions: delete ${deleting} (${plan.deletePackage ? `${plan.total} versions; ` : ""}${freedText}), keep ${plan.kept.length}${keptText ? ` (${keptText})` : ""}${listed(plan.kept.length)}, ` +
            `blocked ${plan.blocked.length}${listed(plan.blocked.length)}; cap ${plan.maxDeletions}${deferred}.${warnings}`,
        delete: plan.deletions.map((d) => entry(d, d.rule, d.reason, bytes ? (bytes.byVersion.get(d.name) ?? null) : undefined)),
        // Versions kept by a count are the least telling: listed after those a protect rule or the graph kept.
        keep: [...plan.kept.filter((k) => !k.keptBy.startsWith("keep-latest")), ...plan.kept.filter((k) => k.keptBy.startsWith("keep-latest"))]
            .slice(0, LISTED_LIMIT)
            .map((k) => entry(k, k.keptBy, k.reason)),
        blocked: plan.blocked.slice(0, LISTED_LIMIT).map((b) => entry(b, b.blockedBy, b.reason)),
        deletePackage: plan.deletePackage,
        bytesFreed: freed,
        ...(freed !== null && bytes && bytes.bound !== "exact" ? { bytesBound: bytes.bound as "at-most" | "at-least" } : {}),
        ...(note ? { bytesNote: note } : {}),
        ...(plan.deferred > 0 ? { deferred: plan.deferred } : {}),
        ...(plan.warnings.length > 0 ? { warnings: [...plan.warnings] } : {}),
        ...(countedThrough ? { countedThrough } : {}),
        ...newestCreated(versions, countedThrough),
    };
}

/** `listedThrough`: the newest of the listed versions, never before the last run's mark. */
function newestCreated(listed: readonly RetentionCandidate[], countedThrough: ListingMark | undefined): Pick<RetentionPlanView, "listedThrough"> {
    let newest = countedThrough;
    for (const v of listed) {
        if (newest === undefined || publishedAfter(v, newest)) {
            newest = { createdAt: v.createdAt, versionId: v.versionId };
        }
    }
    return newest ? { listedThrough: newest } : {};
}
