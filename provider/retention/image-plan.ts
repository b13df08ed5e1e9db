/**
 * Retention of a container package with its image graph: reads the manifests the plan needs
 * (image-graph.ts, through a registry client) and plans with them (planRetention with
 * `graph`), with the bytes the plan frees. The one async step between a version list and a
 * graph-aware plan.
 */
import { BytesFreed, bytesFreed } from "./image-bytes";
import { ImageGraph, readImageGraph, UnreadableManifest } from "./image-graph";
import { ManifestSource } from "../github/registry";
import { RetentionCandidate } from "./candidate";
import { planRetention, retentionCandidates, RetentionOptions, RetentionPlan } from "./plan";
import { RetentionPolicy } from "./policy";

/** A plan made with the image graph, and what reading the graph took. */
export interface ImageRetentionPlan extends RetentionPlan {
    /** How many manifests were read (each counts as a download on GitHub; a process reads a manifest at most once). */
    manifestsRead: number;
    /** Manifests that could not be read; when any, no untagged version was planned for deletion. */
    unreadable: UnreadableManifest[];
    /** The configs and layers the plan frees, from the descriptors of the manifests read (image-bytes.ts). */
    bytes: BytesFreed;
    /** The graph the plan was made with (its blobs tell what another set of deletions frees, see {@link freedBy}). */
    graph: ImageGraph;
}

/**
 * Plans the retention of a container package's active versions with its image graph: no
 * version a kept image needs (platform manifests, attestations, signatures, referrers) is
 * deleted, untagged children of deleted images are deleted too (`deleteOrphanedChildren`,
 * default true), and a manifest that cannot be read blocks every untagged deletion of the
 * package for this run. The policy is checked before any read; the cap counts every deletion.
 * `manifests` reads the package's manifests, e.g. `registryClientFor(...).forPackage(org, name)`.
 */
export async function planImageRetention(
    policy: RetentionPolicy,
    versions: readonly RetentionCandidate[],
    options: Omit<RetentionOptions, "graph">,
    manifests: ManifestSource,
): Promise<ImageRetentionPlan> {
    if (options.packageType !== "container") {
        throw new Error(
            `planImageRetention reads the container registry, and ${options.subject ?? "the package"} is a ${options.packageType} package` +
                (options.packageType === "docker"
                    ? `: docker packages live in the legacy registry, whose manifests the provider does not read. Plan it with planRetention (tagged images only).`
                    : `, which has no images. Plan it with planRetention.`),
        );
    }
    // deleteBroken looks at every manifest (a ghost or an orphan is found only by reading it or its neighbours).
    const candidates = policy.deleteBroken ? new Set(versions.map((v) => v.versionId)) : retentionCandidates(policy, versions, options, true);
    const graph: ImageGraph = await readImageGraph(versions, candidates, manifests);
    const plan = planRetention(policy, versions, { ...options, graph });
    const deleted = plan.deletePackage ? versions.map((v) => v.name) : plan.deletions.map((d) => d.name);
    return { ...plan, manifestsRead: graph.manifestsRead, unreadable: graph.unreadable, bytes: freedBy(graph, versions, deleted), graph };
}

/** What deleting `deleted` (digests, in deletion order) frees from the package's `versions`, every other one staying, as `graph` read them. */
export function freedBy(graph: ImageGraph, versions: readonly RetentionCandidate[], deleted: readonly string[]): BytesFreed {
    return bytesFreed(deleted, versions.map((v) => v.name), graph.blobs ?? new Map());
}
