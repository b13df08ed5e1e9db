/**
 * The image graph of a container package: which versions (manifests) a version needs. An
 * index needs its platform manifests and buildx attestation manifests; a manifest needs the
 * OCI 1.1 referrers whose `subject` it is and the cosign signatures tagged after its digest.
 * Holds the graph's types, the links read from manifests and tags, and the reading itself:
 * only the manifests a plan needs, each at most once, failures recorded (the planner then
 * fails closed), and the blobs each manifest read references (for the bytes a plan frees).
 * docs/image-graph.md describes it.
 */
import { INDEX_TYPES, Manifest, ManifestSource, RegistryError } from "../github/registry";
import type { RetentionCandidate } from "./candidate";
import { blobsOf, ManifestBlobs } from "./image-bytes";

/** How a child depends on its parent. */
export type LinkKind = "child" | "attestation" | "signature" | "referrer";

/** One edge of the graph: `child` is needed while `parent` is kept. */
export interface ImageLink {
    /** The digest of the version that needs the child (index, signed or attested manifest). */
    parent: string;
    /** The digest of the needed version. */
    child: string;
    /** How it depends. */
    kind: LinkKind;
    /** In words: the platform of a child (`linux/arm64`), the attested platform, `cosign signature`, or a referrer's artifact type. */
    label: string;
}

/** A manifest that could not be read; its links are unknown. */
export interface UnreadableManifest {
    /** Its digest. */
    digest: string;
    /** Why, in words (the registry's error, without credentials). */
    reason: string;
    /** The registry's problem (`not-found`, `unavailable`, ...), when it said; see RegistryError. */
    problem?: RegistryError["problem"];
}

/** The graph of one package's versions, as the planner takes it (`RetentionOptions.graph`). */
export interface ImageGraph {
    /** Every link found between versions of the package. */
    links: ImageLink[];
    /** Manifests that could not be read: untagged versions are then not deleted (fail closed). */
    unreadable: UnreadableManifest[];
    /** How many manifests were read for it (each read counts as a download on GitHub). */
    manifestsRead: number;
    /** The configs and layers of each manifest read, by its digest (what image-bytes.ts sums); absent when none was read. */
    blobs?: ManifestBlobs;
}

/** buildx's annotation naming an index entry's kind, and the one naming the manifest it attests. */
export const REFERENCE_TYPE = "vnd.docker.reference.type";
export const REFERENCE_DIGEST = "vnd.docker.reference.digest";

/** cosign's tags: `sha256-<hex>.sig`, `.att`, `.sbom`; and the OCI referrers tag schema `sha256-<hex>`. */
const COSIGN_TAG = /^sha256-([0-9a-f]{64})(?:\.(sig|att|sbom))?$/;

const COSIGN_KINDS: Record<string, string> = { sig: "cosign signature", att: "cosign attestation", sbom: "cosign SBOM", "": "referrer tag" };

/** What a tag that only names another manifest says: its subject's digest, and cosign's suffix (`sig`, `att`, `sbom`; `""` for the referrers tag schema). */
export interface SubjectTag {
    /** The digest of the manifest the tag names (`sha256:<hex>`). */
    subject: string;
    /** cosign's suffix, or `""` for a bare `sha256-<hex>` referrers tag. */
    suffix: "sig" | "att" | "sbom" | "";
}

/** The subject a cosign or referrers tag names (`sha256-<hex>.sig` names `sha256:<hex>`), or undefined for any other tag. */
export function subjectOfTag(tag: string): SubjectTag | undefined {
    const match = COSIGN_TAG.exec(tag);
    return match ? { subject: `sha256:${match[1]}`, suffix: (match[2] ?? "") as SubjectTag["suffix"] } : undefined;
}

/** True for a tag that only names another manifest (cosign's `sha256-<hex>.sig`), not an image. */
export function isCosignTag(tag: string): boolean {
    return COSIGN_TAG.test(tag);
}

/** The links a manifest declares: an index's children and attestations, and its own `subject`. */
export function linksOf(manifest: Manifest): ImageLink[] {
    const links: ImageLink[] = [];
    if (INDEX_TYPES.includes(manifest.mediaType)) {
        const platforms = new Map(manifest.manifests.map((d) => [d.digest, platformOf(d.platform)]));
        for (const entry of manifest.manifests) {
            const annotations = entry.annotations ?? {};
            if (annotations[REFERENCE_TYPE] === "attestation-manifest") {
                const attested = annotations[REFERENCE_DIGEST];
                const label = (attested && platforms.get(attested)) || (attested ? short(attested) : "unknown platform");
                links.push({ parent: manifest.digest, child: entry.digest, kind: "attestation", label });
            } else {
                links.push({ parent: manifest.digest, child: entry.digest, kind: "child", label: platformOf(entry.platform) ?? "manifest" });
            }
        }
    }
    if (manifest.subject) {
        links.push({ parent: manifest.subject.digest, child: manifest.digest, kind: "referrer", label: manifest.artifactType ?? "subject" });
    }
    return links.filter((link) => link.parent !== link.child);
}

/** The links cosign's tag convention declares: a version tagged `sha256-<hex>.sig` is needed by `sha256:<hex>`. */
export function tagLinks(versions: readonly RetentionCandidate[]): ImageLink[] {
    const links: ImageLink[] = [];
    for (const version of versions) {
        for (const tag of version.tags) {
            const named = subjectOfTag(tag);
            if (named) {
                links.push({ parent: named.subject, child: version.name, kind: "signature", label: COSIGN_KINDS[named.suffix] });
            }
        }
    }
    return links.filter((link) => link.parent !== link.child);
}

/** A link in words from the child's side, e.g. `child linux/arm64 of kept tag v1.2`. */
export function describeLink(link: ImageLink, parent: RetentionCandidate, state: "kept" | "deleted"): string {
    const of = `${state} ${describeVersion(parent)}`;
    switch (link.kind) {
        case "child":
            return `child ${link.label} of ${of}`;
        case "attestation":
            return `attestation of ${link.label} of ${of}`;
        case "signature":
            return `${link.label} of ${of}`;
        case "referrer":
            return `referrer (subject${link.label === "subject" ? "" : `, ${link.label}`}) of ${of}`;
    }
}

/** A version as reasons name it: `tag v1.2` (its first image tag) or a shortened digest. */
export function describeVersion(version: RetentionCandidate): string {
    const tag = version.tags.find((t) => !isCosignTag(t)) ?? version.tags[0];
    return tag !== undefined ? `tag ${tag}` : `manifest ${short(version.name)}`;
}

/**
 * Reads the graph a plan needs. Nothing when `candidates` (the ids the policy's rules would
 * delete, see `retentionCandidates`) is empty. Otherwise every tagged image (it may be an
 * index whose children must stay), then every other version (an untagged index, an orphan,
 * a referrer's `subject`), except the plain (non-index) children of a tagged image the rules
 * keep: those stay with it whatever their manifests say. Each manifest is read at most once;
 * one that cannot be read is recorded in `unreadable`, and reading goes on.
 */
export async function readImageGraph(versions: readonly RetentionCandidate[], candidates: ReadonlySet<number>, source: ManifestSource): Promise<ImageGraph> {
    const links = tagLinks(versions);
    if (candidates.size === 0) {
        return { links, unreadable: [], manifestsRead: 0 };
    }
    const unreadable: UnreadableManifest[] = [];
    const blobs = new Map<string, ReturnType<typeof blobsOf>>();
    const done = new Set<string>();
    let manifestsRead = 0;
    const readAll = async (batch: readonly RetentionCandidate[]): Promise<Manifest[]> => {
        const digests = [...new Set(batch.map((v) => v.name))].filter((d) => !done.has(d));
        digests.forEach((d) => done.add(d));
        const results = await Promise.all(
            digests.map(async (digest) => {
                manifestsRead++;
                try {
                    return await source.read(digest);
                } catch (error) {
                    unreadable.push({ digest, reason: reasonOf(error), ...(error instanceof RegistryError ? { problem: error.problem } : {}) });
                    return undefined;
                }
            }),
        );
        const read = results.filter((m): m is Manifest => m !== undefined);
        read.forEach((m) => blobs.set(m.digest, blobsOf(m)));
        return read;
    };
    const isImage = (v: RetentionCandidate) => v.tags.some((tag) => !isCosignTag(tag));
    const images = versions.filter(isImage);
    const first = await readAll(images);
    const keptImages = new Set(images.filter((v) => !candidates.has(v.versionId)).map((v) => v.name));
    const plainChildrenOfKept = new Set<string>();
    for (const manifest of first) {
        links.push(...linksOf(manifest));
        if (keptImages.has(manifest.digest)) {
            manifest.manifests.filter((d) => !INDEX_TYPES.includes(d.mediaType)).forEach((d) => plainChildrenOfKept.add(d.digest));
        }
    }
    const rest = versions.filter((v) => !isImage(v) && !plainChildrenOfKept.has(v.name));
    for (const manifest of await readAll(rest)) {
        links.push(...linksOf(manifest));
    }
    unreadable.sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0));
    return { links, unreadable, manifestsRead, blobs };
}

function platformOf(platform: { os?: string; architecture?: string; variant?: string } | undefined): string | undefined {
    if (!platform?.os && !platform?.architecture) {
        return undefined;
    }
    return [platform.os ?? "?", platform.architecture ?? "?", platform.variant].filter((p) => p !== undefined && p !== "").join("/");
}

function short(digest: string): string {
    return digest.startsWith("sha256:") ? digest.slice(0, 19) : digest;
}

function reasonOf(error: unknown): string {
    if (error instanceof RegistryError) {
        return `${error.problem}: ${error.message}`;
    }
    return error instanceof Error ? error.message : String(error);
}
