/**
 * What a retention leaves behind, checked the way users meet it: every kept tag pulls
 * completely (manifests, every child of an index, every config and layer, each digest and size
 * checked) with the emulator's pull client, and every deleted image does not.
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
