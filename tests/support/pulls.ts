/**
 * What a retention leaves behind, checked the way users meet it: every kept tag pulls
 * completely (manifests, every child of an index, every config and layer, each digest and size
 * checked) with the emulator's pull client, and every deleted image does not; and what deleting
 * images frees, from the manifests the emulator holds.
 */
import { strict as assert } from "node:assert";
import type { Emulator } from "../../emulator";
import { pullImage } from "../../emulator";

/** The tags of the active versions of a container package, as the emulator holds them. */
export function activeTags(emulator: Emulator, org: string, name: string): string[] {
    const found = emulator.admin
        .snapshot()
        .orgs.find((o) => o.login.toLowerCase() === org.toLowerCase())
        ?.packages?.find((p) => p.name === name && p.packageType === "container" && !p.deletedAt);
    return (found?.versions ?? []).filter((v) => !v.deletedAt).flatMap((v) => v.tags ?? []);
}

/**
 * Asserts that each of `kept` (tags or digests) pulls completely with `token`, with at least one
 * blob per image, and that each of `gone` answers `MANIFEST_UNKNOWN`.
 */
export async function assertPulls(emulator: Emulator, image: { org: string; name: string }, token: string, expected: { kept: string[]; gone: string[] }): Promise<void> {
    assert.ok(expected.kept.length > 0, "something must be kept to pull");
    for (const reference of expected.kept) {
        const pull = await pullImage(emulator.url, image.org, image.name, reference, { token });
        assert.ok(pull.ok, `${image.name}:${reference} pulls completely: ${JSON.stringify(pull.failures)}`);
        assert.ok(pull.blobs.length >= 2, `${image.name}:${reference} pulled its config and layers (${pull.blobs.length} blobs)`);
    }
    for (const reference of expected.gone) {
        const pull = await pullImage(emulator.url, image.org, image.name, reference, { token });
        assert.equal(pull.ok, false, `${image.name}:${reference} no longer pulls`);
        assert.equal(pull.failures[0]?.code, "MANIFEST_UNKNOWN", `${image.name}:${reference}: ${JSON.stringify(pull.failures)}`);
    }
}

/** The digests of the active versions of a container package, as the emulator holds them. */
export function activeDigests(emulator: Emulator, org: string, name: string): string[] {
    const found = emulator.admin
        .snapshot()
        .orgs.find((o) => o.login.toLowerCase() === org.toLowerCase())
        ?.packages?.find((p) => p.name === name && p.packageType === "container" && !p.deletedAt);
    return (found?.versions ?? []).filter((v) => !v.deletedAt).map((v) => v.name!);
}

/**
 * The configs and layers that only the manifests `deleted` reference among the package's active
 * versions (read from the manifests the emulator holds, before the deletion), and their sizes summed:
 * what deleting them frees. A blob another active manifest references is not counted: it is in `shared`.
 */
export function blobsOnlyIn(emulator: Emulator, image: { org: string; name: string }, deleted: readonly string[]): { bytes: number; blobs: string[]; shared: string[]; sharedBytes: number } {
    type Blobs = { config?: { digest: string; size: number }; layers?: { digest: string; size: number }[] };
    const blobsOf = (digest: string) => {
        const json = emulator.admin.manifest(image, digest).json as Blobs;
        return [...(json.config ? [json.config] : []), ...(json.layers ?? [])];
    };
    const gone = new Set(deleted);
    const staying = new Set(activeDigests(emulator, image.org, image.name).filter((d) => !gone.has(d)).flatMap((d) => blobsOf(d).map((b) => b.digest)));
    const sizes = new Map(deleted.flatMap((d) => blobsOf(d)).map((b) => [b.digest, b.size]));
    const only = [...sizes.keys()].filter((b) => !staying.has(b));
    const shared = [...sizes.keys()].filter((b) => staying.has(b));
    const sum = (list: string[]) => list.reduce((total, b) => total + sizes.get(b)!, 0);
    return { bytes: sum(only), blobs: only, shared, sharedBytes: sum(shared) };
}
