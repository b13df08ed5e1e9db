/**
 * What a retention policy would do to a package the inventory read in detail: the retention
 * planner (retention/plan.ts; for container packages with the image graph, retention/image-plan.ts)
 * run on the versions already listed and the manifests already read, as a first run of a
 * `PackageVersionRetention` with that policy would plan it; the provider's protect list refuses a
 * whole-package deletion as the resource does; and the bytes the deletions would free, from the
 * descriptors of the manifests read. Plans only: nothing here sends a request that writes.
 */
import { Manifest, ManifestSource } from "../github/registry";
import { RetentionCandidate } from "../retention/candidate";
import { blobsOf, bytesFreed as planBytesFreed } from "../retention/image-bytes";
import { planImageRetention } from "../retention/image-plan";
import { planRetention, RetentionCapError, RetentionPlan } from "../retention/plan";
import { RetentionPolicy } from "../retention/policy";
import { CONFIG_NAMESPACE, PROTECT_ENV, PROTECT_KEY } from "../shared/config";
import { firstMatch } from "../shared/keys";
import { PackageType } from "../shared/types";
import { PolicyPlan } from "./schema";

/** What a plan of one package is made from. */
export interface PolicyContext {
    /** The organization. */
    org: string;
    /** The package's registry. */
    packageType: PackageType;
    /** The package's name. */
    packageName: string;
    /** Its active versions, as listed. */
    versions: readonly RetentionCandidate[];
    /** The instant ages count from (the inventory's `generatedAt`). */
    now: Date;
    /** The provider's protect list (`github-packages:protect` and `GITHUB_PACKAGES_PROTECT`): a package it matches is never deleted whole. */
    protect: readonly string[];
    /** For a container package: its manifests as read (digest to manifest), how many could not be read, and the source the image graph reads through (answered from those reads). */
    container?: { manifests: ReadonlyMap<string, Manifest>; unreadable: number; source: ManifestSource };
}

/**
 * Plans `policy` on one package. A plan over its cap, or a whole-package deletion the protect
 * list refuses, is reported in `error` with nothing planned, as the retention would fail.
 */
export async function planPolicy(policy: RetentionPolicy, context: PolicyContext): Promise<PolicyPlan> {
    const { org, packageType, packageName, versions, now } = context;
    const options = { packageType, now, subject: `${org}/${packageType}/${packageName}` };
    let plan: RetentionPlan;
    try {
        plan = context.container ? await planImageRetention(policy, versions, options, context.container.source) : planRetention(policy, versions, options);
    } catch (error) {
        if (error instanceof RetentionCapError) {
            return failed(error.message, error.maxDeletions);
        }
        throw error;
    }
    const glob = plan.deletePackage ? firstMatch(context.protect, { packageType, packageName }) : undefined;
    if (glob !== undefined) {
        return failed(
            `The policy would delete the whole package ${options.subject} (lastVersion: "delete-package"), but it is protected by "${glob}" in ` +
                `${CONFIG_NAMESPACE}:${PROTECT_KEY} (or ${PROTECT_ENV}): the retention would refuse, and delete nothing.`,
            plan.maxDeletions,
            plan,
        );
    }
    const deleted = plan.deletePackage ? versions : plan.deletions;
    return {
        deleteCount: deleted.length,
        deletePackage: plan.deletePackage,
        deletions: (plan.deletePackage ? versions.map((v) => ({ ...v, rule: "lastVersion", reason: `the rules select every version; lastVersion: "delete-package" deletes the package.` })) : plan.deletions).map(
            (d) => ({ versionId: d.versionId, name: d.name, tags: [...d.tags], createdAt: d.createdAt, rule: d.rule, reason: d.reason }),
        ),
        kept: plan.kept.length,
        blocked: plan.blocked.map((b) => ({ versionId: b.versionId, name: b.name, tags: [...b.tags], blockedBy: b.blockedBy, reason: b.reason })),
        deferred: plan.deferred,
        maxDeletions: plan.maxDeletions,
        bytesFreed: context.container ? bytesFreed(versions, new Set(deleted.map((v) => v.versionId)), context.container) : null,
        error: null,
        warnings: [...plan.warnings],
    };
}

/** A plan the retention would refuse: nothing deleted, the reason in `error`. */
function failed(error: string, maxDeletions: number, plan?: RetentionPlan): PolicyPlan {
    return {
        deleteCount: 0,
        deletePackage: false,
        deletions: [],
        kept: plan?.kept.length ?? 0,
        blocked: [],
        deferred: 0,
        maxDeletions,
        bytesFreed: 0,
        error,
        warnings: plan ? [...plan.warnings] : [],
    };
}

/**
 * The bytes deleting the versions `deleted` frees, as a retention's plan counts them
 * (retention/image-bytes.ts: the configs and layers no manifest that stays references, each blob
 * once). The inventory states a figure only when it is exact: null when a manifest of the
 * package was not read (a blob it references might stay) or a freed blob's descriptor has no size.
 */
export function bytesFreed(
    versions: readonly RetentionCandidate[],
    deleted: ReadonlySet<number>,
    container: { manifests: ReadonlyMap<string, Manifest>; unreadable: number },
): number | null {
    if (deleted.size === 0) {
        return 0;
    }
    if (container.unreadable > 0) {
        return null;
    }
    const blobs = new Map([...container.manifests].map(([digest, manifest]) => [digest, blobsOf(manifest)]));
    const gone = versions.filter((v) => deleted.has(v.versionId)).map((v) => v.name);
    const figure = planBytesFreed(gone, versions.map((v) => v.name), blobs);
    return figure.bound === "exact" ? figure.bytes : null;
}
