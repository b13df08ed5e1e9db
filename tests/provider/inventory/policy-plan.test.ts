import { strict as assert } from "node:assert";
import type { Manifest, ManifestSource } from "../../../provider/github/registry";
import { bytesFreed, planPolicy } from "../../../provider/inventory/policy-plan";
import type { RetentionCandidate } from "../../../provider/retention/candidate";

const NOW = new Date("2025-06-01T00:00:00Z");
const OCI = "application/vnd.oci.image.manifest.v1+json";

function digest(n: number): string {
    return `sha256:${n.toString(16).padStart(64, "0")}`;
}

function version(id: number, tags: string[], daysAgo: number): RetentionCandidate {
    const at = new Date(NOW.getTime() - daysAgo * 86_400_000).toISOString();
    return { versionId: id, name: digest(id), tags, createdAt: at, updatedAt: at };
}

/** An image manifest naming blobs by letter, each with its size (undefined: a descriptor without one). */
function image(id: number, blobs: Record<string, number | undefined>): Manifest {
    const [config, ...layers] = Object.entries(blobs).map(([name, size]) => ({ mediaType: "application/octet-stream", digest: `blob:${name}`, ...(size === undefined ? {} : { size }) }));
    return { digest: digest(id), mediaType: OCI, manifests: [], config, layers };
}

function source(manifests: Map<string, Manifest>): ManifestSource {
    return {
        read: async (d) => {
            const found = manifests.get(d);
            if (!found) {
                throw new Error(`no request may leave this test: ${d}`);
            }
            return found;
        },
        check: async () => undefined,
    };
}

describe("provider/inventory/policy-plan", () => {
    const versions = [version(1, ["pr-1"], 30), version(2, ["pr-2"], 20), version(3, ["v1"], 10)];
    const manifests = new Map([
        [digest(1), image(1, { c1: 100, base: 10_000, a1: 50 })],
        [digest(2), image(2, { c2: 200, base: 10_000, shared: 70 })],
        [digest(3), image(3, { c3: 300, base: 10_000, shared: 70 })],
    ]);

    describe("bytesFreed", () => {
        it("counts the blobs only deleted manifests reference, each once: a blob an image that stays references frees nothing", () => {
            assert.equal(bytesFreed(versions, new Set([1]), { manifests, unreadable: 0 }), 100 + 50);
            assert.equal(bytesFreed(versions, new Set([1, 2]), { manifests, unreadable: 0 }), 100 + 50 + 200, "base and shared stay with v1");
            assert.equal(bytesFreed(versions, new Set([1, 2, 3]), { manifests, unreadable: 0 }), 100 + 50 + 200 + 300 + 10_000 + 70, "everything, the base once");
            assert.equal(bytesFreed(versions, new Set(), { manifests, unreadable: 0 }), 0);
        });

        it("is unknown, never a guess, when a manifest was not read or a freed blob has no size", () => {
            assert.equal(bytesFreed(versions, new Set([1]), { manifests, unreadable: 1 }), null);
            const missing = new Map(manifests);
            missing.delete(digest(3));
            assert.equal(bytesFreed(versions, new Set([1]), { manifests: missing, unreadable: 0 }), null, "v1's manifest might reference a1");
            const sizeless = new Map(manifests);
            sizeless.set(digest(1), image(1, { c1: 100, base: 10_000, a1: undefined }));
            assert.equal(bytesFreed(versions, new Set([1]), { manifests: sizeless, unreadable: 0 }), null);
            assert.equal(bytesFreed(versions, new Set([2]), { manifests: sizeless, unreadable: 0 }), 200, "a sizeless blob that stays does not matter");
        });
    });

    describe("planPolicy", () => {
        const base = { org: "acme", packageName: "api", now: NOW, protect: [] as string[] };

        it("plans with the image graph from the reads given and frees only what deleted images alone hold", async () => {
            const plan = await planPolicy(
                { tagged: { include: ["pr-*"] }, olderThan: "7d" },
                { ...base, packageType: "container", versions, container: { manifests, unreadable: 0, source: source(manifests) } },
            );
            assert.deepEqual(
                plan.deletions.map((d) => d.tags),
                [["pr-1"], ["pr-2"]],
            );
            assert.equal(plan.bytesFreed, 100 + 50 + 200);
            assert.equal(plan.error, null);
        });

        it("reports a plan over its cap as the retention's failure, deleting nothing", async () => {
            const plan = await planPolicy({ olderThan: "1d", maxDeletions: 1 }, { ...base, packageType: "npm", versions: [version(1, [], 30), version(2, [], 20), version(3, [], 10)] });
            assert.equal(plan.deleteCount, 0);
            assert.deepEqual(plan.deletions, []);
            assert.match(plan.error!, /would delete 2 of its 3 versions, more than maxDeletions \(1\); nothing was deleted/);
            assert.equal(plan.bytesFreed, 0, "nothing would be deleted");
        });

        it("applies the provider's protect list to a whole-package deletion, as the resource does", async () => {
            const npm = [version(1, [], 30), version(2, [], 20)];
            const whole = await planPolicy({ olderThan: "1d", lastVersion: "delete-package" }, { ...base, packageType: "npm", versions: npm });
            assert.equal(whole.deletePackage, true);
            assert.equal(whole.deleteCount, 2);
            assert.equal(whole.bytesFreed, null, "npm gives no sizes");
            const kept = await planPolicy({ olderThan: "1d", lastVersion: "delete-package" }, { ...base, packageType: "npm", versions: npm, protect: ["npm/a*"] });
            assert.equal(kept.deleteCount, 0);
            assert.match(kept.error!, /protected by "npm\/a\*"/);
            const versionsOnly = await planPolicy({ olderThan: "25d" }, { ...base, packageType: "npm", versions: npm, protect: ["npm/a*"] });
            assert.equal(versionsOnly.deleteCount, 1, "the protect list is about packages: versions still go, as a retention deletes them");
        });
    });
});
