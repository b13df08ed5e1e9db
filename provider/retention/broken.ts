/**
 * The broken images a container policy deletes on request (`deleteBroken`), read off the image
 * graph the plan already has: ghost images (GitHub lists the version, the registry answers 404
 * for its manifest while it serves others of the package), partial images (an index listing a
 * manifest the package no longer has, or a ghost), and orphaned referrers (cosign `sha256-….sig`,
 * `.att`, `.sbom` tags and OCI referrers whose subject is no longer a version). Pure; the planner
 * applies protect lists and the graph's keep rule on top (nothing a kept image needs goes).
 */
import { RetentionCandidate } from "./candidate";
import { ImageGraph, isCosignTag } from "./image-graph";
import { RetentionPolicy } from "./policy";

/** Why a version is broken, as a plan's rule and reason. */
export interface BrokenVersion {
    /** `ghost-image`, `partial-image` or `orphaned-referrer`. */
    rule: "ghost-image" | "partial-image" | "orphaned-referrer";
    /** In words, naming the option. */
    reason: string;
}

/**
 * The versions `policy.deleteBroken` asks to delete, by id. Ghosts are only trusted when the
 * registry served at least one manifest of the package (a wrong registry answers 404 to all).
 */
export function brokenVersions(policy: RetentionPolicy, versions: readonly RetentionCandidate[], graph: ImageGraph): Map<number, BrokenVersion> {
    const wanted = policy.deleteBroken ?? {};
    const found = new Map<number, BrokenVersion>();
    const byDigest = new Map(versions.map((v) => [v.name, v]));
    const ghosts = ghostDigests(graph);
    if (wanted.ghostImages) {
        for (const v of versions.filter((v) => ghosts.has(v.name))) {
            found.set(v.versionId, {
                rule: "ghost-image",
                reason: `ghost image: the registry has no manifest ${short(v.name)} (404) while GitHub lists the version (deleteBroken.ghostImages).`,
            });
        }
    }
    if (wanted.partialImages) {
        for (const link of graph.links) {
            const parent = byDigest.get(link.parent);
            if (parent === undefined || found.has(parent.versionId) || link.kind === "signature" || link.kind === "referrer") {
                continue;
            }
            if (!byDigest.has(link.child) || ghosts.has(link.child)) {
                found.set(parent.versionId, {
                    rule: "partial-image",
                    reason: `partial image: it lists ${link.label} ${short(link.child)}, which the package no longer has (deleteBroken.partialImages).`,
                });
            }
        }
    }
    if (wanted.orphanedReferrers) {
        const incoming = new Map<string, typeof graph.links>();
        for (const link of graph.links) {
            incoming.set(link.child, [...(incoming.get(link.child) ?? []), link]);
        }
        for (const v of versions) {
            if (found.has(v.versionId) || !v.tags.every(isCosignTag)) {
                continue;
            }
            const links = incoming.get(v.name) ?? [];
            const subjects = links.filter((l) => l.kind === "signature" || l.kind === "referrer");
            // An orphan: it refers to a subject, and no version of the package holds it any more.
            if (subjects.length > 0 && links.every((l) => !byDigest.has(l.parent))) {
                found.set(v.versionId, {
                    rule: "orphaned-referrer",
                    reason: `${subjects[0].label} of ${short(subjects[0].parent)}, which is no longer a version of the package (deleteBroken.orphanedReferrers).`,
                });
            }
        }
    }
    return found;
}

/** The digests the registry answered 404 for, when it served some other manifest of the package (else none: a wrong registry is not a ghost). */
export function ghostDigests(graph: ImageGraph): Set<string> {
    const served = graph.manifestsRead - graph.unreadable.length;
    return new Set(served > 0 ? graph.unreadable.filter((u) => u.problem === "not-found").map((u) => u.digest) : []);
}

function short(digest: string): string {
    return digest.startsWith("sha256:") ? `${digest.slice(0, 19)}…` : digest;
}
