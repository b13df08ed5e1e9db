/**
 * The retention planner: given a retention policy, the active versions of one package and
 * `now`, decides which versions to delete (each with its rule and reason), which are kept and
 * why, and which are blocked (GitHub's predictable refusals). Pure: no calls, no clock. The
 * caps are checked on the whole plan; a plan over its cap fails before anything is deleted,
 * unless the policy drains (then the oldest versions up to the cap are planned). Keep counts
 * rank in one place, {@link keepRanks}. The rules table is docs/retention.md.
 */
import { UserError } from "../shared/messages";
import semver from "semver";
import { assertValid } from "../shared/validate";
import { PackageType } from "../shared/types";
import { brokenVersions, ghostDigests } from "./broken";
import { RetentionCandidate } from "./candidate";
import { describeLink, ImageGraph, ImageLink, isCosignTag } from "./image-graph";
import { firstMatching, listMatcher } from "./patterns";
import {
    checkRetentionPolicy,
    olderThanCutoff,
    IMAGE_TYPES,
    policyWarnings,
    RETENTION_DEFAULTS,
    resolveMaxDeletions,
    RetentionPolicy,
} from "./policy";
import { isPrerelease, PRERELEASE_CONVENTIONS } from "./prerelease";

/** Why a version a rule selected is kept. */
export type KeepReason =
    | "protect-id"
    | "protect-digest"
    | "protect-version"
    | "protect-tag"
    | "keep-latest"
    | "keep-latest-all-tagged"
    | "keep-latest-tagged"
    | "keep-latest-untagged"
    | "keep-latest-names"
    | "partial-tag-match"
    | "last-version"
    | "image-graph"
    | "published-since-last-run";

/** Why a version the plan would delete is not planned: a refusal GitHub would answer with. */
export type BlockReason = "last-version" | "undeletable" | "unreadable-manifest";

/** One version to delete. */
export interface VersionDeletion extends RetentionCandidate {
    /** The rules that selected it, e.g. `olderThan and tagged`. */
    rule: string;
    /** What about the version matched, in words. */
    reason: string;
}

/** One version a rule selected (or partly selected) that is kept. */
export interface KeptVersion extends RetentionCandidate {
    /** What kept it. */
    keptBy: KeepReason;
    /** Why, in words. */
    reason: string;
}

/** One version the rules would delete that GitHub would refuse to delete. */
export interface BlockedVersion extends RetentionCandidate {
    /** The refusal. */
    blockedBy: BlockReason;
    /** Why, in words. */
    reason: string;
}

/** What a retention policy decided for one package. */
export interface RetentionPlan {
    /** How many active versions the package has. */
    total: number;
    /** The versions to delete, oldest first (an interrupted run leaves the newest); with the image graph, a parent before its children. */
    deletions: VersionDeletion[];
    /** Versions a rule selected but a keep rule saved, and tagged versions only some of whose tags matched. */
    kept: KeptVersion[];
    /** Versions the rules select that GitHub would refuse to delete. */
    blocked: BlockedVersion[];
    /** True when the policy's `lastVersion: "delete-package"` applies: every version is selected, so the package is deleted instead. */
    deletePackage: boolean;
    /** The cap this plan was checked against, resolved to a number of versions. */
    maxDeletions: number;
    /** With `drain`, how many deletions of the whole plan wait for the next runs because the cap was reached (0 otherwise). */
    deferred: number;
    /** What in the policy is probably not what its author meant (a glob that reads like a regex), in words naming the field. */
    warnings: string[];
}

/** The context of a plan. */
export interface RetentionOptions {
    /** The registry of the package; decides the container rules. */
    packageType: PackageType;
    /** The instant ages are measured from. */
    now: Date;
    /** Version ids GitHub refused to delete before (5,000 downloads), e.g. from state; reported blocked instead of planned. */
    undeletable?: readonly number[];
    /** Refusals GitHub answered before that still hold (the retention resource's state): reported blocked, with their reason, instead of planned. */
    refused?: readonly { versionId: number; blockedBy: "undeletable" | "last-version"; reason: string }[];
    /** How messages name the package, e.g. `acme/container/api`. Defaults to `the package`. */
    subject?: string;
    /** The image graph of a container package (planImageRetention reads it): allows untagged rules and keeps what kept images need. */
    graph?: ImageGraph;
    /**
     * The newest version the last run listed. Versions newer (created later; in the same second, a higher id) are kept and
     * not counted by keep counts, so a version published between a preview and its update never pushes another out.
     */
    countedThrough?: ListingMark;
}

/** A place in a package's newest-first order: versions after it were published later. */
export interface ListingMark {
    /** The version's creation time, as GitHub gives it (seconds). */
    createdAt: string;
    /** Its id, which orders versions created in the same second. */
    versionId: number;
}

/** True when `version` comes after `mark` in publication order (the order keep counts rank in). */
export function publishedAfter(version: RetentionCandidate, mark: ListingMark): boolean {
    const [a, b] = [Date.parse(version.createdAt), Date.parse(mark.createdAt)];
    return a > b || (a === b && version.versionId > mark.versionId);
}

/** A plan that would delete more versions than its cap allows; nothing may be deleted. */
export class RetentionCapError extends UserError {
    override readonly name = "RetentionCapError";

    constructor(
        message: string,
        /** How many versions the plan would delete. */
        readonly planned: number,
        /** The cap. */
        readonly maxDeletions: number,
        /** How many active versions the package has. */
        readonly total: number,
    ) {
        super(message);
    }
}

/**
 * Plans the retention of one package's active versions. Throws on an invalid policy (naming
 * each field), on a version list with a duplicate id, and with {@link RetentionCapError}
 * when the plan deletes more than `maxDeletions`. With `options.graph` (container images, see
 * planImageRetention), no version a kept one needs is deleted, orphaned children of deleted
 * images are deleted too (`deleteOrphanedChildren`), and an incomplete graph blocks every
 * untagged deletion.
 */
export function planRetention(policy: RetentionPolicy, versions: readonly RetentionCandidate[], options: RetentionOptions): RetentionPlan {
    const full = planOnce(policy, versions, options);
    const maxDeletions = resolveMaxDeletions(policy.maxDeletions, versions.length);
    const plannedOf = (plan: RetentionPlan) => (plan.deletePackage ? versions.length : plan.deletions.length);
    if (plannedOf(full.plan) <= maxDeletions) {
        return full.plan;
    }
    if (policy.drain ?? RETENTION_DEFAULTS.drain) {
        if (!options.graph && !full.plan.deletePackage) {
            // Without the graph each deletion stands alone: the oldest up to the cap (oldest first already).
            return { ...full.plan, deletions: full.plan.deletions.slice(0, maxDeletions), deferred: full.plan.deletions.length - maxDeletions };
        }
        // The most of the oldest selected versions whose plan (their orphaned children included) fits the cap; 0 always does.
        // Each selected version is usually one deletion or more, so the answer is most often below the cap: try it first.
        let [fits, over] = [0, full.selected];
        let best = planOnce(policy, versions, options, 0);
        if (maxDeletions < full.selected) {
            const atCap = planOnce(policy, versions, options, maxDeletions);
            if (plannedOf(atCap.plan) <= maxDeletions) {
                [fits, best] = [maxDeletions, atCap];
            } else {
                over = maxDeletions;
            }
        }
        while (over - fits > 1) {
            const middle = Math.floor((fits + over) / 2);
            const attempt = planOnce(policy, versions, options, middle);
            if (plannedOf(attempt.plan) <= maxDeletions) {
                [fits, best] = [middle, attempt];
            } else {
                over = middle;
            }
        }
        if (plannedOf(best.plan) === 0) {
            // Nothing fits: find the oldest selected versions that delete anything at all (the oldest may be kept by the graph).
            let first = best;
            for (let k = 1; k <= full.selected && plannedOf(first.plan) === 0; k++) {
                first = planOnce(policy, versions, options, k);
            }
            if (plannedOf(first.plan) <= maxDeletions) {
                best = first;
            } else {
                // Not even the oldest image that can go fits: no run would ever delete anything, so say so instead of waiting for ever.
                throw new RetentionCapError(
                    `Retention of ${options.subject ?? "the package"} drains, but its oldest selected image alone takes ${plannedOf(first.plan)} deletions ` +
                        `(${first.plan.deletions.map((d) => d.name).slice(0, 5).join(", ")}: an image goes with the children only it needs), more than maxDeletions (${maxDeletions}); ` +
                        `no run could delete it, and nothing was deleted. Raise maxDeletions to at least ${plannedOf(first.plan)}, or narrow the rules.`,
                    plannedOf(full.plan),
                    maxDeletions,
                    versions.length,
                );
            }
        }
        return { ...best.plan, deferred: plannedOf(full.plan) - plannedOf(best.plan) };
    }
    const { deletions, deletePackage } = full.plan;
    const planned = plannedOf(full.plan);
    const subject = options.subject ?? "the package";
    const capText = typeof policy.maxDeletions === "string" ? `${policy.maxDeletions} of ${versions.length} = ${maxDeletions}` : `${maxDeletions}`;
    const sample = deletions.slice(0, 5).map((d) => d.name).join(", ");
    throw new RetentionCapError(
        `Retention of ${subject} would delete ${planned} of its ${versions.length} versions${deletePackage ? " (the whole package)" : ""}, ` +
            `more than maxDeletions (${capText}); nothing was deleted. Narrow the rules, protect versions, raise maxDeletions, ` +
            `or set drain: true to delete the oldest ${maxDeletions} this run and the rest in the next runs. Oldest selected: ${sample}.`,
        planned,
        maxDeletions,
        versions.length,
    );
}

/**
 * One plan, not checked against the cap: `limit` (drain) plans only the oldest `limit` versions the rules select,
 * the others wait as if unselected. Also returns how many versions the rules selected before the limit.
 */
function planOnce(policy: RetentionPolicy, versions: readonly RetentionCandidate[], options: RetentionOptions, limit?: number): { plan: RetentionPlan; selected: number } {
    const base = selectVersions(policy, versions, options, options.graph !== undefined, limit, options.graph);
    const { newestFirst, ranks, selected, kept, blocked } = base;
    const subject = options.subject ?? "the package";
    const lastVersion = policy.lastVersion ?? RETENTION_DEFAULTS.lastVersion;
    const images = IMAGE_TYPES.includes(options.packageType);
    // GitHub's last-tagged-version refusal counts every tagged version, signatures too.
    const taggedCount = versions.filter((v) => v.tags.length > 0).length;
    // Versions kept or blocked as the package's last (tagged) version; the graph treats them as kept.
    const pinned = new Map<number, { kept?: KeptVersion; blocked?: BlockedVersion }>();
    let deletePackage = false;
    let outcome: GraphOutcome;
    // Ghost images the plan deletes are known to have no manifest: they hide no children, so they block nothing.
    const ghosts = options.graph ? ghostDigests(options.graph) : new Set<string>();
    const goneGhosts = new Set([...base.selected.values()].filter((d) => d.rule === "ghost-image" && ghosts.has(d.name)).map((d) => d.name));
    const graph = options.graph && { ...options.graph, unreadable: options.graph.unreadable.filter((u) => !goneGhosts.has(u.digest)) };
    for (;;) {
        outcome = graph
            ? resolveGraph(graph, base, pinned, policy, subject)
            : { deletions: newestFirst.flatMap((v) => (selected.has(v.versionId) && !pinned.has(v.versionId) ? [selected.get(v.versionId)!] : [])), kept: [], blocked: [] };
        const current = outcome.deletions;
        const emptied = current.length === versions.length && versions.length > 0;
        const untagsAll = images && taggedCount > 0 && current.filter((v) => v.tags.length > 0).length === taggedCount;
        // Fail closed: with a manifest unread, the package's versions are not all known to be garbage, so it is not deleted whole.
        const graphComplete = !options.graph || options.graph.unreadable.length === 0;
        if (emptied && lastVersion === "delete-package" && graphComplete) {
            deletePackage = true;
            break;
        }
        if (!emptied && !untagsAll) {
            break;
        }
        // `current` is newest first: its first (tagged, for images) entry is the package's last version.
        const last = current[Math.max(0, current.findIndex((v) => !images || v.tags.length > 0))];
        const what = images && !emptied ? "last tagged version" : "last version";
        if (lastVersion === "keep-newest") {
            pinned.set(last.versionId, {
                kept: { ...pick(last), keptBy: "last-version", reason: `the package's ${what} (lastVersion: "keep-newest"); the rules selected every other one.` },
            });
        } else {
            const advice =
                lastVersion === "delete-package"
                    ? graphComplete
                        ? "The package keeps untagged versions, so it is not deleted as a whole."
                        : "A manifest of the package could not be read, so it is not deleted as a whole this run."
                    : `Set lastVersion: "keep-newest" to keep it without this report, or "delete-package" to delete the whole package.`;
            pinned.set(last.versionId, {
                blocked: {
                    ...pick(last),
                    blockedBy: "last-version",
                    reason: `the rules select every ${images && !emptied ? "tagged " : ""}version, but GitHub refuses to delete a package's ${what}; it is kept. ${advice}`,
                },
            });
        }
    }
    for (const entry of pinned.values()) {
        if (entry.kept) {
            kept.push(entry.kept);
        }
        if (entry.blocked) {
            blocked.push(entry.blocked);
        }
    }
    kept.push(...outcome.kept);
    blocked.push(...outcome.blocked);

    const oldestFirst = [...outcome.deletions].reverse();
    const deletions = outcome.parentsFirst ? outcome.parentsFirst(oldestFirst) : oldestFirst;
    const maxDeletions = resolveMaxDeletions(policy.maxDeletions, versions.length);
    const byRank = (a: RetentionCandidate, b: RetentionCandidate) => ranks.all.get(a.versionId)! - ranks.all.get(b.versionId)!;
    return {
        plan: { total: versions.length, deletions, kept: kept.sort(byRank), blocked: blocked.sort(byRank), deletePackage, maxDeletions, deferred: 0, warnings: [...policyWarnings(policy), ...selectWarnings(policy, versions)] },
        selected: base.selectedBeforeLimit,
    };
}

/**
 * The ids of the versions the policy's rules would delete before the image graph and the
 * last-version rule are applied: what planImageRetention must read the graph around. Checks
 * the policy and the list like {@link planRetention} (`graphAware`: container policies may select untagged versions).
 */
export function retentionCandidates(policy: RetentionPolicy, versions: readonly RetentionCandidate[], options: Omit<RetentionOptions, "graph">, graphAware = false): Set<number> {
    return new Set(selectVersions(policy, versions, options, graphAware).selected.keys());
}

/** What the rules decided before the graph and the last-version rule: the selected versions (in newest-first order), the kept and the blocked. */
interface BaseSelection {
    newestFirst: RetentionCandidate[];
    ranks: KeepRanks;
    /** How many versions the rules selected before a drain's limit. */
    selectedBeforeLimit: number;
    selected: Map<number, VersionDeletion>;
    kept: KeptVersion[];
    blocked: BlockedVersion[];
    keep: (version: RetentionCandidate) => Pick<KeptVersion, "keptBy" | "reason"> | undefined;
    /** Versions GitHub refused before (`undeletable`, `refused` options), selected or not. */
    refusedIds: ReadonlySet<number>;
}

/** Checks the policy and the version list, then applies the selecting and keep rules. */
function selectVersions(
    policy: RetentionPolicy,
    versions: readonly RetentionCandidate[],
    options: Omit<RetentionOptions, "graph">,
    imageGraph: boolean,
    limit?: number,
    graph?: ImageGraph,
): BaseSelection {
    assertValid(checkRetentionPolicy(policy, options.packageType, { imageGraph }), "retention policy");
    const subject = options.subject ?? "the package";
    const ids = new Set<number>();
    for (const version of versions) {
        if (typeof (version as { deletedAt?: unknown }).deletedAt === "string") {
            throw new Error(`Version ${version.versionId} of ${subject} is deleted; plan the active versions only (listOrgPackageVersions with state "active").`);
        }
        if (ids.has(version.versionId)) {
            throw new Error(`The version list of ${subject} has version ${version.versionId} twice (pages shifted while listing?); nothing was planned. List again.`);
        }
        ids.add(version.versionId);
    }
    const newestFirst = sortNewestFirst(versions);
    const through = options.countedThrough;
    const published = (v: RetentionCandidate) => through !== undefined && publishedAfter(v, through);
    // Keep counts count what the last run listed: the same set in a preview and in its update, whatever is published between.
    const select = selector(policy, options.now, options.packageType);
    const selections = new Map(newestFirst.map((v) => [v.versionId, select(v)]));
    // deleteBroken: a broken image no other rule selects is selected by its own rule (keep rules still apply).
    const broken = graph && policy.deleteBroken ? brokenVersions(policy, newestFirst, graph) : new Map<number, { rule: string; reason: string }>();
    const protects = protector(policy);
    const ranks = keepRanks(newestFirst, { counted: (v) => !published(v), selected: (v) => selections.get(v.versionId)!.kind === "all" && protects(v) === undefined }, imageGraph);
    const keep = keeper(policy, ranks, protects, published, options.countedThrough);
    const undeletable = new Set(options.undeletable ?? []);
    const refused = new Map((options.refused ?? []).map((r) => [r.versionId, r]));

    const selected = new Map<number, VersionDeletion>();
    const kept: KeptVersion[] = [];
    const blocked: BlockedVersion[] = [];
    for (const version of newestFirst) {
        const fault = broken.get(version.versionId);
        const ruled = selections.get(version.versionId)!;
        const selection: Selection = ruled.kind === "none" && fault ? { kind: "all", rule: fault.rule, reason: fault.reason } : ruled;
        if (selection.kind === "none") {
            continue;
        }
        if (selection.kind === "partial") {
            kept.push({ ...pick(version), keptBy: "partial-tag-match", reason: selection.reason });
            continue;
        }
        const saved = keep(version);
        const refusal = refused.get(version.versionId);
        if (saved) {
            kept.push({ ...pick(version), ...saved });
        } else if (refusal) {
            blocked.push({ ...pick(version), blockedBy: refusal.blockedBy, reason: refusal.reason });
        } else if (undeletable.has(version.versionId)) {
            blocked.push({
                ...pick(version),
                blockedBy: "undeletable",
                reason: `GitHub refused to delete it before: a public version with more than 5,000 downloads (only GitHub Support can delete it); selected by ${selection.rule}.`,
            });
        } else {
            selected.set(version.versionId, { ...pick(version), rule: selection.rule, reason: selection.reason });
        }
    }
    const selectedBeforeLimit = selected.size;
    if (limit !== undefined) {
        // Drain: the newest selected versions wait for the next runs, as if unselected (newest first, so the first ones go).
        for (const id of [...selected.keys()].slice(0, Math.max(0, selected.size - limit))) {
            selected.delete(id);
        }
    }
    return { newestFirst, ranks, selectedBeforeLimit, selected, kept, blocked, keep, refusedIds: new Set([...undeletable, ...refused.keys()]) };
}

/** What the graph decided on top of the rules: the deletions (newest first), and the versions it kept or blocked. */
interface GraphOutcome {
    deletions: VersionDeletion[];
    kept: KeptVersion[];
    blocked: BlockedVersion[];
    /** Reorders deletions so that a deleted parent comes before its children (an interrupted run leaves orphans, never a broken image). */
    parentsFirst?: (deletions: VersionDeletion[]) => VersionDeletion[];
}

/**
 * Applies the image graph. Roots are the versions not deleted on their own: not selected, or
 * kept, blocked or pinned. Untagged children (and cosign-tagged ones) are not roots when
 * `deleteOrphanedChildren` is on: they live while a parent does. Everything reachable from a
 * root is kept; a selected version reached is kept (`image-graph`), and an unreached child is
 * deleted as an orphan. When a manifest could not be read, no untagged version is deleted
 * (and no version at all when the unreadable manifest is one that stays): those that would
 * be are blocked and count as roots.
 */
function resolveGraph(
    graph: ImageGraph,
    base: BaseSelection,
    pinned: ReadonlyMap<number, unknown>,
    policy: RetentionPolicy,
    subject: string,
): GraphOutcome {
    const { newestFirst, selected, keep } = base;
    const byDigest = new Map<string, RetentionCandidate[]>();
    for (const version of newestFirst) {
        listIn(byDigest, version.name).push(version);
    }
    type Edge = { link: ImageLink; other: RetentionCandidate };
    const children = new Map<number, Edge[]>();
    const parents = new Map<number, Edge[]>();
    for (const link of graph.links) {
        for (const parent of byDigest.get(link.parent) ?? []) {
            for (const child of byDigest.get(link.child) ?? []) {
                if (parent.versionId !== child.versionId) {
                    listIn(children, parent.versionId).push({ link, other: child });
                    listIn(parents, child.versionId).push({ link, other: parent });
                }
            }
        }
    }
    const orphaning = policy.deleteOrphanedChildren ?? RETENTION_DEFAULTS.deleteOrphanedChildren;
    // Blocked versions, and those GitHub refused before, stay whatever their parents do: roots, never orphans planned again.
    const refused = new Set([...base.blocked.map((b) => b.versionId), ...base.refusedIds]);
    const follows = (v: RetentionCandidate) =>
        orphaning &&
        parents.has(v.versionId) &&
        !selected.has(v.versionId) &&
        !refused.has(v.versionId) &&
        (v.tags.length === 0 || v.tags.every(isCosignTag)) &&
        keep(v) === undefined;

    const reach = (extraRoots: ReadonlySet<number>) => {
        const via = new Map<number, Edge | null>();
        const queue: RetentionCandidate[] = [];
        for (const v of newestFirst) {
            const id = v.versionId;
            const root = pinned.has(id) || extraRoots.has(id) || (!selected.has(id) && !follows(v));
            if (root) {
                via.set(id, null);
                queue.push(v);
            }
        }
        for (let i = 0; i < queue.length; i++) {
            const parent = queue[i];
            for (const edge of children.get(parent.versionId) ?? []) {
                if (!via.has(edge.other.versionId)) {
                    via.set(edge.other.versionId, { link: edge.link, other: parent });
                    queue.push(edge.other);
                }
            }
        }
        return { via, dead: newestFirst.filter((v) => !via.has(v.versionId)) };
    };

    let { via, dead } = reach(new Set());
    let blockedUntagged: RetentionCandidate[] = [];
    // What the plan would delete with a complete graph: the parents named in the reasons of blocked orphans.
    const wouldDelete = new Set(dead.map((v) => v.versionId));
    // A manifest of a version that stays and could not be read may need any version, tagged ones too (a platform
    // manifest also tagged pr-*): then nothing of the package is deleted this run. A 404 counts: the REST API lists the
    // version, so its manifest is unknown, not absent (on ghcr.io a 404 can be transient), and it may be served again.
    const unreadableStays = graph.unreadable.some((u) => (byDigest.get(u.digest) ?? []).some((v) => !wouldDelete.has(v.versionId)));
    if (graph.unreadable.length > 0) {
        blockedUntagged = dead.filter((v) => unreadableStays || v.tags.length === 0);
        if (blockedUntagged.length > 0) {
            ({ via, dead } = reach(new Set(blockedUntagged.map((v) => v.versionId))));
        }
    }
    const deadIds = new Set(dead.map((v) => v.versionId));
    const orphanReason = (v: RetentionCandidate, among: ReadonlySet<number>): string => {
        const edge = (parents.get(v.versionId) ?? []).find((e) => among.has(e.other.versionId));
        return edge ? describeLink(edge.link, edge.other, "deleted") : "a child whose parents are all deleted";
    };

    const kept: KeptVersion[] = [];
    for (const v of newestFirst) {
        const edge = via.get(v.versionId);
        if (selected.has(v.versionId) && !pinned.has(v.versionId) && edge) {
            kept.push({ ...pick(v), keptBy: "image-graph", reason: `${describeLink(edge.link, edge.other, "kept")}.` });
        }
    }
    const deletions = dead.map((v) =>
        selected.get(v.versionId) ?? { ...pick(v), rule: "image-graph", reason: `${orphanReason(v, deadIds)} (deleteOrphanedChildren).` },
    );
    // Digests shortened (`sha256:` and 12 hex digits, as `docker images` shows them): the preview cuts reasons past 150 bytes.
    const unreadable = graph.unreadable.slice(0, 3).map((u) => `${u.digest.slice(0, 19)}…`).join(", ") + (graph.unreadable.length > 3 ? ` and ${graph.unreadable.length - 3} more` : "");
    const blocked: BlockedVersion[] = blockedUntagged.map((v) => {
        const rule = selected.get(v.versionId)?.rule;
        const why = rule !== undefined ? `selected by ${rule}` : `${orphanReason(v, wouldDelete)}`;
        return {
            ...pick(v),
            blockedBy: "unreadable-manifest",
            reason:
                `manifest of ${unreadable} could not be read, so no ${unreadableStays ? "" : "untagged "}version of ${subject} is deleted this run ` +
                `(it may be a child of ${unreadableStays ? "that manifest, which stays" : "an image that stays"}); ${why}. Run again when the registry answers.`,
        };
    });
    const parentsFirst = (list: VersionDeletion[]): VersionDeletion[] => {
        const planned = new Map(list.map((d) => [d.versionId, d]));
        const ordered: VersionDeletion[] = [];
        const placed = new Set<number>();
        const place = (d: VersionDeletion) => {
            if (placed.has(d.versionId)) {
                return;
            }
            placed.add(d.versionId);
            for (const edge of parents.get(d.versionId) ?? []) {
                const parent = planned.get(edge.other.versionId);
                if (parent) {
                    place(parent);
                }
            }
            ordered.push(d);
        };
        list.forEach(place);
        return ordered;
    };
    return { deletions, kept, blocked, parentsFirst };
}

/** The list under `key`, created empty when missing. */
function listIn<K, V>(map: Map<K, V[]>, key: K): V[] {
    let list = map.get(key);
    if (!list) {
        list = [];
        map.set(key, list);
    }
    return list;
}

/** Newest first: by creation time, then by version id (GitHub's ids grow). Parses each time once. */
function sortNewestFirst(versions: readonly RetentionCandidate[]): RetentionCandidate[] {
    return versions
        .map((version) => ({ version, time: Date.parse(version.createdAt) }))
        .sort((a, b) => b.time - a.time || b.version.versionId - a.version.versionId)
        .map((entry) => entry.version);
}

/** Version id to 0-based rank in a newest-first list. */
function rankOf(list: readonly RetentionCandidate[]): Map<number, number> {
    return new Map(list.map((v, i) => [v.versionId, i]));
}

function pick(version: RetentionCandidate): RetentionCandidate {
    return { versionId: version.versionId, name: version.name, tags: [...version.tags], createdAt: version.createdAt, updatedAt: version.updatedAt };
}

/** The outcome of the selecting rules for one version. */
type Selection = { kind: "none" } | { kind: "partial"; reason: string } | { kind: "all"; rule: string; reason: string };

/**
 * `select` entries that match no active version: a typo, another package's id, or a version an
 * earlier run deleted. They select nothing; the plan says so rather than ignore them.
 */
export function selectWarnings(policy: RetentionPolicy, versions: readonly RetentionCandidate[]): string[] {
    const ids = new Set(versions.map((v) => v.versionId));
    const names = new Set(versions.map((v) => v.name));
    return [
        ...(policy.select?.versionIds ?? []).flatMap((id, i) => (ids.has(id) ? [] : [`select.versionIds[${i}] (${id}) is no active version of the package (a typo, or deleted already): it selects nothing.`])),
        ...(policy.select?.names ?? []).flatMap((name, i) => (names.has(name) ? [] : [`select.names[${i}] ("${name}") is no active version of the package (a typo, or deleted already): it selects nothing.`])),
    ];
}

/** Builds the selecting rules (olderThan, tagged/untagged, names, select): every rule the policy sets must hold. */
function selector(policy: RetentionPolicy, now: Date, packageType: PackageType): (version: RetentionCandidate) => Selection {
    const limit = policy.olderThan === undefined ? undefined : olderThanCutoff(policy.olderThan, now);
    const ageFrom = policy.ageFrom ?? RETENTION_DEFAULTS.ageFrom;
    const tagged = policy.tagged;
    const tagIncluded = listMatcher(tagged?.include);
    const tagExcluded = listMatcher(tagged?.exclude);
    const names = policy.names;
    const nameIncluded = listMatcher(names?.include);
    const nameExcluded = listMatcher(names?.exclude);
    const explicitIds = new Set(policy.select?.versionIds ?? []);
    const explicitNames = new Set(policy.select?.names ?? []);
    const byTags = tagged !== undefined || policy.untagged !== undefined;
    const counts = countReasons(policy);
    const onlyBroken = policy.deleteBroken !== undefined && !((policy.keepLatest ?? 0) > 0 || (policy.keepLatestTagged ?? 0) > 0);

    return (version) => {
        const rules: string[] = [];
        const why: string[] = [];
        if (policy.select !== undefined) {
            if (explicitIds.has(version.versionId)) {
                why.push(`version id ${version.versionId} is in select.versionIds`);
            } else if (explicitNames.has(version.name)) {
                why.push(`name ${version.name} is in select.names`);
            } else {
                return { kind: "none" };
            }
            rules.push("select");
        }
        if (limit !== undefined) {
            const at = Date.parse(version[ageFrom]);
            if (!(at < limit)) {
                return { kind: "none" };
            }
            const ageMs = now.getTime() - at;
            rules.push("olderThan");
            why.push(`${ageFrom === "createdAt" ? "created" : "updated"} ${Math.floor(ageMs / 86_400_000)} days ago (olderThan ${policy.olderThan})`);
        }
        if (names !== undefined) {
            if ((nameIncluded && !nameIncluded(version.name)) || nameExcluded?.(version.name)) {
                return { kind: "none" };
            }
            if (names.semver !== undefined) {
                const parsed = semver.parse(version.name);
                if (!parsed || !semver.satisfies(parsed, names.semver, { includePrerelease: true })) {
                    return { kind: "none" };
                }
            }
            if (names.prereleaseOnly && !isPrerelease(packageType, version.name)) {
                return { kind: "none" };
            }
            rules.push("names");
            why.push(nameReason(version.name, names, packageType));
        }
        let partial: string | undefined;
        if (byTags) {
            if (version.tags.length === 0) {
                if (policy.untagged === undefined) {
                    return { kind: "none" };
                }
                rules.push("untagged");
                why.push("untagged");
            } else {
                if (tagged === undefined) {
                    return { kind: "none" };
                }
                const matches = (tag: string) => (!tagIncluded || tagIncluded(tag)) && !tagExcluded?.(tag);
                const matching = version.tags.filter(matches);
                const other = version.tags.filter((tag) => !matches(tag));
                if (matching.length === 0) {
                    return { kind: "none" };
                }
                if (other.length > 0) {
                    partial = `tags ${list(matching)} match the tagged rule but ${list(other)} do${other.length === 1 ? "es" : ""} not; an image is deleted only when every tag matches.`;
                } else {
                    rules.push("tagged");
                    why.push(tagged.include || tagged.exclude ? `every tag matches (${list(version.tags)})` : `tagged ${list(version.tags)}`);
                }
            }
        }
        if (partial !== undefined) {
            return { kind: "partial", reason: partial };
        }
        why.push(...counts(version));
        if (rules.length === 0 && onlyBroken) {
            // deleteBroken without another rule: only broken images are selected (by their own rule).
            return { kind: "none" };
        }
        // Only keep counts set: every version is selected, and the counts keep the newest.
        return { kind: "all", rule: rules.length === 0 ? "keepLatest" : rules.join(" and "), reason: why.join("; ") };
    };
}

/** The keep counts a deleted version was not among, in words naming the set each ranks in. */
function countReasons(policy: RetentionPolicy): (version: RetentionCandidate) => string[] {
    return (version) => {
        const tagged = version.tags.length > 0;
        const why: string[] = [];
        if ((policy.keepLatest ?? 0) > 0) {
            why.push(`not among the ${policy.keepLatest} most recent versions`);
        }
        if (tagged && (policy.keepLatestTagged ?? 0) > 0) {
            why.push(`not among the ${policy.keepLatestTagged} most recent tagged versions`);
        }
        const nested = tagged ? policy.tagged?.keepLatest : policy.untagged?.keepLatest;
        if ((nested ?? 0) > 0) {
            why.push(`not among the ${nested} most recent ${tagged ? "tagged" : "untagged"} versions ${selectedSet(policy, tagged ? "tagged" : "untagged")}`);
        }
        if ((policy.names?.keepLatest ?? 0) > 0) {
            why.push(`not among the ${policy.names!.keepLatest} most recent versions ${selectedSet(policy, "any")}`);
        }
        return why;
    };
}

/** The set a nested keep count ranks in, in words: `selected by olderThan and tagged` (a tagged count leaves out the untagged rule). */
function selectedSet(policy: RetentionPolicy, kind: "tagged" | "untagged" | "any"): string {
    const rules = (["select", "olderThan", "names", "tagged", "untagged"] as const).filter(
        (rule) => policy[rule] !== undefined && !(kind === "tagged" && rule === "untagged") && !(kind === "untagged" && rule === "tagged"),
    );
    return `selected by ${rules.join(" and ")}`;
}

/** Newest-first ranks (0-based) of the versions each keep count ranks in. Versions published since the last run are in `all` only. */
export interface KeepRanks {
    /** Every listed version: orders the plan's lists. */
    all: Map<number, number>;
    /** The versions counted (the last run's listing): `keepLatest`. */
    counted: Map<number, number>;
    /** The counted tagged versions (with the graph, images: a version tagged only `sha256-….sig` is a signature): `keepLatestTagged`. */
    taggedAll: Map<number, number>;
    /** The counted tagged versions the rules select and no protect list keeps: `tagged.keepLatest`. */
    selectedTagged: Map<number, number>;
    /** The counted untagged versions the rules select and no protect list keeps: `untagged.keepLatest`. */
    selectedUntagged: Map<number, number>;
    /** The counted versions the rules select and no protect list keeps: `names.keepLatest`. */
    selected: Map<number, number>;
}

/** What {@link keepRanks} needs to know of each version. */
export interface RankingRules {
    /** True when keep counts count the version (it was listed by the last run). */
    counted: (version: RetentionCandidate) => boolean;
    /** True when every selecting rule selects the version (every tag matches) and no protect list keeps it. */
    selected: (version: RetentionCandidate) => boolean;
}

/**
 * The one ranking of keep counts: the package-wide counts (`keepLatest`, `keepLatestTagged`) rank
 * the counted versions, a count nested in a rule ranks only the versions the rules select, as the
 * cleanup tools users migrate from do (snok's `keep-n-most-recent`, dataaxiom's `keep-n-tagged`,
 * actions' `min-versions-to-keep`). `imageGraph`: tagged counts count images, not their signatures.
 */
export function keepRanks(newestFirst: readonly RetentionCandidate[], rules: RankingRules, imageGraph: boolean): KeepRanks {
    const counted = newestFirst.filter(rules.counted);
    const isTagged = (v: RetentionCandidate) => (imageGraph ? v.tags.some((tag) => !isCosignTag(tag)) : v.tags.length > 0);
    const selected = counted.filter(rules.selected);
    return {
        all: rankOf(newestFirst),
        counted: rankOf(counted),
        taggedAll: rankOf(counted.filter(isTagged)),
        selectedTagged: rankOf(selected.filter(isTagged)),
        selectedUntagged: rankOf(selected.filter((v) => v.tags.length === 0)),
        selected: rankOf(selected),
    };
}

/** The protect lists: why a version is protected, or undefined. */
function protector(policy: RetentionPolicy): (version: RetentionCandidate) => Pick<KeptVersion, "keptBy" | "reason"> | undefined {
    const protect = policy.protect ?? {};
    const ids = new Set(protect.versionIds ?? []);
    const digests = new Set(protect.digests ?? []);
    const versionGlob = listMatcher(protect.versions);
    const tagGlob = listMatcher(protect.tags);
    return (version) => {
        if (ids.has(version.versionId)) {
            return { keptBy: "protect-id", reason: `version id ${version.versionId} is in protect.versionIds.` };
        }
        if (digests.has(version.name)) {
            return { keptBy: "protect-digest", reason: `digest ${version.name} is in protect.digests.` };
        }
        if (versionGlob?.(version.name)) {
            return { keptBy: "protect-version", reason: `name ${version.name} matches ${firstMatching(protect.versions!, version.name)} in protect.versions.` };
        }
        const protectedTag = tagGlob ? version.tags.find((tag) => tagGlob(tag)) : undefined;
        if (protectedTag !== undefined) {
            return { keptBy: "protect-tag", reason: `tag ${protectedTag} matches ${firstMatching(protect.tags!, protectedTag)} in protect.tags.` };
        }
        return undefined;
    };
}

/** Builds the keep rules, in the order they are reported: published since the last run, protect lists, then keep counts. */
function keeper(
    policy: RetentionPolicy,
    ranks: KeepRanks,
    protects: (version: RetentionCandidate) => Pick<KeptVersion, "keptBy" | "reason"> | undefined,
    published: (version: RetentionCandidate) => boolean,
    countedThrough: ListingMark | undefined,
): (version: RetentionCandidate) => Pick<KeptVersion, "keptBy" | "reason"> | undefined {
    const within = (rank: number | undefined, count: number | undefined): rank is number => rank !== undefined && count !== undefined && rank < count;
    return (version) => {
        if (published(version)) {
            return {
                keptBy: "published-since-last-run",
                reason: `created ${version.createdAt.slice(0, 16)}, after the newest version the last run listed (${countedThrough!.createdAt.slice(0, 16)}); counted and planned from the next run.`,
            };
        }
        const saved = protects(version);
        if (saved) {
            return saved;
        }
        const id = version.versionId;
        const rank = ranks.counted.get(id);
        if (within(rank, policy.keepLatest)) {
            return { keptBy: "keep-latest", reason: `one of the ${policy.keepLatest} most recent versions (number ${rank + 1}).` };
        }
        const taggedRank = ranks.taggedAll.get(id);
        if (within(taggedRank, policy.keepLatestTagged)) {
            return { keptBy: "keep-latest-all-tagged", reason: `one of the ${policy.keepLatestTagged} most recent tagged versions of the package (number ${taggedRank + 1}; keepLatestTagged).` };
        }
        const selectedTagged = ranks.selectedTagged.get(id);
        if (within(selectedTagged, policy.tagged?.keepLatest)) {
            return { keptBy: "keep-latest-tagged", reason: `one of the ${policy.tagged!.keepLatest} most recent tagged versions ${selectedSet(policy, "tagged")} (number ${selectedTagged + 1}).` };
        }
        const selectedUntagged = ranks.selectedUntagged.get(id);
        if (within(selectedUntagged, policy.untagged?.keepLatest)) {
            return { keptBy: "keep-latest-untagged", reason: `one of the ${policy.untagged!.keepLatest} most recent untagged versions ${selectedSet(policy, "untagged")} (number ${selectedUntagged + 1}).` };
        }
        const selected = ranks.selected.get(id);
        if (within(selected, policy.names?.keepLatest)) {
            return { keptBy: "keep-latest-names", reason: `one of the ${policy.names!.keepLatest} most recent versions ${selectedSet(policy, "any")} (number ${selected + 1}).` };
        }
        return undefined;
    };
}

function nameReason(name: string, rule: NonNullable<RetentionPolicy["names"]>, packageType: PackageType): string {
    const parts: string[] = [];
    if (rule.include) {
        parts.push(`name ${name} matches ${firstMatching(rule.include, name)}`);
    }
    if (rule.semver !== undefined) {
        parts.push(`${name} satisfies ${rule.semver}`);
    }
    if (rule.prereleaseOnly) {
        parts.push(packageType === "npm" ? `${name} is a pre-release` : `${name} is ${PRERELEASE_CONVENTIONS[packageType]}`);
    }
    if (parts.length === 0) {
        parts.push(rule.exclude ? `name ${name} matches no names.exclude pattern` : `name ${name}`);
    }
    return parts.join("; ");
}

function list(items: readonly string[]): string {
    return items.join(", ");
}
