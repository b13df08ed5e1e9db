/**
 * The bytes a container plan frees, from the manifests' descriptors (no blob is read): the
 * configs and layers referenced by manifests the plan deletes and by no manifest that stays.
 * A blob shared by two deleted manifests counts once; a blob shared with a manifest that stays
 * frees nothing. What the reads could not tell makes the figure a bound, never a confident
 * number: a manifest that stays unread (it may share layers) makes it "at most", a deleted
 * manifest unread or a descriptor without a valid size "at least", both "size unknown".
 * Also the figure of many packages (a `VersionRetention`) and the words and units the plan
 * shows. The inventory sums a package's bytes the same way (`blobsOf`, `formatBytes`).
 * docs/retention.md ("Bytes freed") describes it.
 */
import { Manifest } from "../github/registry";

/** A config or layer a manifest references: its digest and size (undefined when the descriptor gives no valid size). */
export interface BlobSize {
    /** The blob's digest. */
    digest: string;
    /** Its size in bytes, from the descriptor; undefined when missing, negative or not an integer. */
    size: number | undefined;
}

/** The blobs of each manifest read, by manifest digest (an index references manifests, not blobs: none). */
export type ManifestBlobs = ReadonlyMap<string, readonly BlobSize[]>;

/** How far the figure can be trusted: `exact`, an upper bound, a lower bound, or neither (`unknown`). */
export type BytesBound = "exact" | "at-most" | "at-least" | "unknown";

/** What a plan frees. */
export interface BytesFreed {
    /** The sum of the known sizes of the blobs freed (each blob once). */
    bytes: number;
    /** How far `bytes` can be trusted. */
    bound: BytesBound;
    /**
     * By deleted manifest digest, what its deletion frees in the plan's order: its blobs no manifest that stays and no
     * later deletion references (a blob shared by deleted manifests counts with the last of them), so the figures add up
     * to `bytes` and each prefix is what a run stopped there freed. Undefined for a manifest that could not be read.
     */
    byVersion: Map<string, number | undefined>;
    /** Manifests that stay and were not read (their blobs may be shared): when any, `bytes` is at most. */
    unreadStaying: number;
    /** Deleted manifests that were not read: when any, `bytes` is at least. */
    unreadDeleted: number;
    /** Blobs freed whose descriptors give no valid size: when any, `bytes` is at least. */
    unsized: number;
}

/** The figure of many packages (a `VersionRetention`): the known figures summed, and how many packages gave none. */
export interface BytesTotal {
    /** The sum of the packages' figures; null when no figure bounds it (an upper and a lower bound mixed). */
    bytes: number | null;
    /** How far `bytes` can be trusted (`unknown` with `bytes` null). */
    bound: BytesBound;
    /** How many packages' plans were summed. */
    packages: number;
    /** How many of them give no figure (a registry without sizes, or a size unknown): the total is then at least. */
    unknown: number;
}

/** The config and layers a manifest references, with their descriptors' sizes; none for an index. */
export function blobsOf(manifest: Manifest): BlobSize[] {
    return [...(manifest.config ? [manifest.config] : []), ...(manifest.layers ?? [])].map((d) => ({ digest: d.digest, size: validSize(d.size) }));
}

/**
 * What deleting `deleted` (manifest digests, in the order the plan deletes them) frees while
 * `staying` (every other active version's digest) stays, from the blobs of the manifests read.
 * A manifest in neither list counts as staying only if listed; list every active version.
 */
export function bytesFreed(deleted: readonly string[], staying: Iterable<string>, blobs: ManifestBlobs): BytesFreed {
    const gone = new Set(deleted);
    const kept = new Set<string>();
    let unreadStaying = 0;
    for (const digest of new Set(staying)) {
        if (gone.has(digest)) {
            continue;
        }
        const read = blobs.get(digest);
        if (read === undefined) {
            unreadStaying++;
        } else {
            read.forEach((b) => kept.add(b.digest));
        }
    }
    // Each blob of a deleted manifest, with the last deletion that references it and the first valid size given.
    const last = new Map<string, string>();
    const sizes = new Map<string, number | undefined>();
    const byVersion = new Map<string, number | undefined>();
    let unreadDeleted = 0;
    for (const digest of gone) {
        const read = blobs.get(digest);
        if (read === undefined) {
            unreadDeleted++;
            byVersion.set(digest, undefined);
            continue;
        }
        byVersion.set(digest, 0);
        for (const blob of read) {
            last.set(blob.digest, digest);
            sizes.set(blob.digest, sizes.get(blob.digest) ?? blob.size);
        }
    }
    let bytes = 0;
    let unsized = 0;
    let freed = 0;
    for (const [blob, owner] of last) {
        if (kept.has(blob)) {
            continue;
        }
        freed++;
        const size = sizes.get(blob);
        if (size === undefined) {
            unsized++;
            continue;
        }
        bytes += size;
        byVersion.set(owner, byVersion.get(owner)! + size);
    }
    // Nothing a deleted manifest references can be freed: then no manifest that stays changes the figure.
    const upper = unreadStaying > 0 && freed > 0;
    const lower = unreadDeleted > 0 || unsized > 0;
    return { bytes, bound: boundOf(upper, lower), byVersion, unreadStaying, unreadDeleted, unsized };
}

/**
 * The total of many packages' figures (each `{ bytes, bound }`, or null for a package whose
 * registry gives no sizes): the known figures summed; a package without a figure makes it at least.
 */
export function totalBytes(figures: readonly ({ bytes: number | null; bound?: BytesBound } | null | undefined)[]): BytesTotal {
    let bytes = 0;
    let unknown = 0;
    let upper = false;
    let lower = false;
    for (const figure of figures) {
        if (!figure || figure.bytes === null || figure.bound === "unknown") {
            unknown++;
            lower = true;
            continue;
        }
        bytes += figure.bytes;
        upper ||= figure.bound === "at-most";
        lower ||= figure.bound === "at-least";
    }
    const bound = boundOf(upper, lower);
    return { bytes: bound === "unknown" ? null : bytes, bound, packages: figures.length, unknown };
}

/**
 * The figure of many packages' plans (a `VersionRetention`) and its line: versions deleted and bytes freed, e.g.
 * `3 packages: delete 12 versions, frees at least 1.2 MiB; size unknown for 2 of 3 packages`. A plan without
 * `bytesFreed` (none yet, or made before the field existed) counts as unknown.
 */
export function planBytesTotal(
    plans: readonly ({ delete: readonly unknown[]; deletePackage?: boolean; bytesFreed?: number | null; bytesBound?: "at-most" | "at-least" } | undefined)[],
): { total: BytesTotal; summary: string } {
    const total = totalBytes(plans.map((p) => (p && p.bytesFreed !== undefined ? { bytes: p.bytesFreed, bound: p.bytesBound ?? "exact" } : null)));
    const versions = plans.reduce((n, p) => n + (p?.delete.length ?? 0), 0);
    const whole = plans.filter((p) => p?.deletePackage).length;
    const unknown = total.unknown > 0 ? `size unknown for ${total.unknown} of ${count(total.packages, "package")}` : "";
    // "frees at least 0 B" says nothing the unknown count does not: a figure only when some package frees something known.
    const figure = total.bytes === null || (total.bytes === 0 && total.unknown > 0) ? "" : describeFreed({ bytes: total.bytes, bound: total.bound });
    const freed = [figure, unknown].filter((w) => w !== "").join("; ");
    const deleting = `delete ${count(versions, "version")}${whole > 0 ? ` (${count(whole, "package")} whole)` : ""}`;
    return { total, summary: `${count(total.packages, "package")}: ${deleting}, ${freed}` };
}

/** The figure in words for a summary line, short (the preview cuts strings past 150 bytes): `frees 12.3 MiB`, `frees at most 12.3 MiB`, `size unknown`. */
export function describeFreed(figure: Pick<BytesFreed, "bytes" | "bound">): string {
    switch (figure.bound) {
        case "exact":
            return `frees ${formatBytes(figure.bytes)}`;
        case "at-most":
            return `frees at most ${formatBytes(figure.bytes)}`;
        case "at-least":
            return `frees at least ${formatBytes(figure.bytes)}`;
        case "unknown":
            return "size unknown";
    }
}

/** Why a figure is a bound, in words (`20 staying manifests unread, 1 blob without a size`); empty when exact. */
export function boundReason(figure: Partial<Pick<BytesFreed, "unreadStaying" | "unreadDeleted" | "unsized">>): string {
    return [
        figure.unreadStaying ? `${count(figure.unreadStaying, "staying manifest")} unread (may share layers)` : "",
        figure.unreadDeleted ? `${count(figure.unreadDeleted, "deleted manifest")} unread` : "",
        figure.unsized ? `${count(figure.unsized, "blob")} without a size` : "",
    ]
        .filter((w) => w !== "")
        .join(", ");
}

/** Bytes in binary units: `512 B`, `1.5 KiB`, `3.2 MiB`, `1.1 GiB` (as the inventory writes them). */
export function formatBytes(bytes: number): string {
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit++;
    }
    return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** A size as descriptors give it: a non-negative safe integer, else undefined. */
export function validSize(size: unknown): number | undefined {
    return typeof size === "number" && Number.isSafeInteger(size) && size >= 0 ? size : undefined;
}

function boundOf(upper: boolean, lower: boolean): BytesBound {
    return upper && lower ? "unknown" : upper ? "at-most" : lower ? "at-least" : "exact";
}

function count(n: number, singular: string): string {
    return `${n} ${singular}${n === 1 ? "" : "s"}`;
}
