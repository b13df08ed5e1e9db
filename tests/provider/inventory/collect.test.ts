import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { Emulator, Seed, SeedPackage } from "../../../emulator";
import { collectInventory } from "../../../provider/inventory/collect";
import { runInventory } from "../../../provider/inventory/run";
import type { Inventory, PackageInventory } from "../../../provider/inventory/schema";
import { clientFor } from "../../../provider/github/client";
import { resolveClientConfig } from "../../../provider/shared/config";
import { bigSeed, NOW, startDemo, TOKENS } from "../../emulator/support";

const WEB = { org: "acme", name: "apps/web" };
const BASE = { org: "acme", name: "apps/base" };
const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

function sha(text: string): string {
    return `sha256:${createHash("sha256").update(text).digest("hex")}`;
}

/** An image manifest whose config and layers are descriptors only (the inventory never reads blobs). */
function manifest(config: [string, number], layers: [string, number][]) {
    return {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: sha(config[0]), size: config[1] },
        layers: layers.map(([name, size]) => ({ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: sha(name), size })),
    };
}

/** Adds `apps/base` to acme: three images over one base layer, the third also sharing the second's app layer. */
function withSharedLayers(emulator: Emulator): void {
    const seed = emulator.admin.snapshot();
    const acme = seed.orgs.find((o) => o.login === "acme")!;
    const base: SeedPackage = {
        name: BASE.name,
        packageType: "container",
        visibility: "private",
        createdAt: "2025-05-01T00:00:00Z",
        versions: [
            { tags: ["v1"], createdAt: "2025-05-01T00:00:00Z", manifest: manifest(["config-1", 1_200], [["base-os", 30_000_000], ["app-1", 4_000]]) },
            { tags: ["v2"], createdAt: "2025-05-10T00:00:00Z", manifest: manifest(["config-2", 1_300], [["base-os", 30_000_000], ["app-2", 5_000]]) },
            { tags: [], createdAt: "2025-05-20T00:00:00Z", manifest: manifest(["config-3", 1_400], [["base-os", 30_000_000], ["app-2", 5_000], ["patch-3", 700]]) },
        ],
    };
    acme.packages = [...(acme.packages ?? []), base];
    emulator.admin.loadSeed(seed as Seed);
}

/** The bytes the emulator's own manifests of a package reference, each distinct config and layer once. */
function bytesInEmulator(emulator: Emulator, name: string): { bytes: number; naive: number } {
    const pkg = activePackage(emulator, "container", name)!;
    const blobs = new Map<string, number>();
    let naive = 0;
    for (const version of pkg.versions!.filter((v) => !v.deletedAt)) {
        const json = version.manifest as { config?: { digest: string; size: number }; layers?: { digest: string; size: number }[] } | undefined;
        for (const d of [...(json?.config ? [json.config] : []), ...(json?.layers ?? [])]) {
            blobs.set(d.digest, d.size);
            naive += d.size;
        }
    }
    return { bytes: [...blobs.values()].reduce((a, b) => a + b, 0), naive };
}

function activePackage(emulator: Emulator, type: string, name: string): SeedPackage | undefined {
    return emulator.admin
        .snapshot()
        .orgs.find((o) => o.login === "acme")!
        .packages!.find((p) => p.packageType === type && p.name === name && !p.deletedAt);
}

function find(inventory: Inventory, key: string): PackageInventory {
    const found = inventory.registries.flatMap((r) => r.packages).find((p) => p.key === key);
    assert.ok(found, `${key} is in the inventory`);
    return found;
}

/** The organization's state without the download counts (a manifest read counts as a download). */
function state(emulator: Emulator): unknown {
    return JSON.parse(JSON.stringify(emulator.admin.snapshot().orgs, (key, value) => (key === "downloads" ? undefined : value)));
}

function envFor(emulator: Emulator): NodeJS.ProcessEnv {
    return { GITHUB_TOKEN: TOKENS.admin, GITHUB_API_URL: emulator.url, GITHUB_PACKAGES_REGISTRY_URL: emulator.url };
}

describe("provider/inventory/collect", () => {
    let emulator: Emulator;

    beforeEach(async () => {
        emulator = await startDemo();
    });

    afterEach(() => emulator.close());

    it("lists every registry once and gives each package's fields as the emulator holds them, with no other request", async () => {
        const inventory = await runInventory({ org: "acme" }, () => undefined, envFor(emulator), new Date(NOW));
        const counts = emulator.admin.requests().counts;
        assert.deepEqual(counts, { "packages/list-packages-for-organization": 6 }, "one page per registry, nothing else");
        assert.equal(inventory.schemaVersion, 1);
        const held = emulator.admin.snapshot().orgs.find((o) => o.login === "acme")!.packages!.filter((p) => !p.deletedAt);
        assert.equal(inventory.totals.packages, held.length);
        for (const pkg of held) {
            const entry = find(inventory, `${pkg.packageType}/${pkg.name}`);
            const active = pkg.versions!.filter((v) => !v.deletedAt);
            assert.equal(entry.versionCount, active.length, `${entry.key} version count`);
            assert.equal(entry.visibility, pkg.visibility);
            assert.equal(entry.repository, pkg.repository ? `acme/${pkg.repository}` : null, `${entry.key} repository`);
            assert.equal(entry.details, null, "no details without details globs");
        }
        assert.equal(inventory.totals.versions, held.reduce((n, p) => n + p.versions!.filter((v) => !v.deletedAt).length, 0));
        for (const registry of inventory.registries) {
            const mine = held.filter((p) => p.packageType === registry.packageType);
            assert.equal(registry.packageCount, mine.length);
            assert.equal(registry.visibility.public + registry.visibility.private + registry.visibility.internal, mine.length);
            assert.deepEqual(
                registry.packages.map((p) => p.name),
                mine.map((p) => p.name).sort(),
            );
        }
    });

    it("reads details only for the packages the globs choose: ages and untagged versions from the version list, one request each", async () => {
        const inventory = await runInventory({ org: "acme", details: ["npm/widgets", "docker/**"] }, () => undefined, envFor(emulator), new Date(NOW));
        const counts = emulator.admin.requests().counts;
        assert.equal(counts["packages/get-all-package-versions-for-package-owned-by-org"], 2);
        assert.equal(Object.keys(counts).filter((k) => k.startsWith("registry/")).length, 0, "no container package chosen: no registry request");
        const widgets = find(inventory, "npm/widgets");
        const versions = activePackage(emulator, "npm", "widgets")!.versions!.filter((v) => !v.deletedAt);
        const times = versions.map((v) => Date.parse(v.createdAt as string)).sort((a, b) => a - b);
        assert.equal(widgets.details!.activeVersions, versions.length);
        assert.equal(Date.parse(widgets.details!.oldestVersion!.createdAt), times[0]);
        assert.equal(Date.parse(widgets.details!.newestVersion!.createdAt), times[times.length - 1]);
        assert.equal(widgets.details!.newestVersion!.ageDays, Math.floor((Date.parse(NOW) - times[times.length - 1]) / 86_400_000));
        assert.equal(widgets.details!.untaggedVersions, null, "npm versions have no tags");
        assert.equal(widgets.details!.container, null);
        const legacy = find(inventory, "docker/legacy-service");
        const dockerVersions = activePackage(emulator, "docker", "legacy-service")!.versions!.filter((v) => !v.deletedAt);
        assert.equal(legacy.details!.untaggedVersions, dockerVersions.filter((v) => (v.tags ?? []).length === 0).length);
        assert.equal(find(inventory, "npm/internal-utils").details, null);
        assert.deepEqual(inventory.unmatchedDetails, []);
    });

    it("names the details globs that matched no package: `*` does not cross the `/` of a container name", async () => {
        const inventory = await runInventory({ org: "acme", packageTypes: ["container"], details: ["container/*", "container/platform/*"] }, () => undefined, envFor(emulator), new Date(NOW));
        assert.deepEqual(inventory.unmatchedDetails, ["container/*"]);
        assert.equal(inventory.totals.detailedPackages, 1);
    });

    it("sums the bytes of each distinct config and layer once: a shared base layer counts once", async () => {
        withSharedLayers(emulator);
        const inventory = await runInventory({ org: "acme", packageTypes: ["container"], details: ["container/apps/*"] }, () => undefined, envFor(emulator), new Date(NOW));
        const base = find(inventory, "container/apps/base").details!.container!;
        const expected = bytesInEmulator(emulator, BASE.name);
        assert.equal(base.bytes, expected.bytes);
        assert.ok(expected.naive - base.bytes >= 2 * 30_000_000, "the base layer, held by three manifests, is counted once");
        assert.equal(base.blobs, 3 + 4, "three configs, four distinct layers");
        assert.equal(base.bytesComplete, true);
        assert.equal(find(inventory, "container/apps/base").details!.untaggedVersions, 1);
        assert.equal(base.unreferencedUntagged, 1, "the untagged image is listed by no index");
        assert.equal(inventory.registries[0].bytes, base.bytes);
        assert.equal(inventory.totals.bytes, base.bytes);
        // The generated images of the demo carry real configs and layers: their bytes agree with the emulator's manifests too.
        const gateway = find(inventory, "container/platform/api-gateway");
        assert.equal(gateway.details, null, "platform/api-gateway is not under apps/");
    });

    it("finds broken images, orphaned signatures and unreadable manifests, reads each manifest once, sends no HEAD, and deletes nothing", async () => {
        const release = emulator.admin.pushIndex(WEB, { tags: ["v1"], attestations: true });
        const partial = emulator.admin.pushIndex(WEB, { tags: ["v2"] });
        const gone = emulator.admin.pushImage(WEB, { tags: ["old"] });
        emulator.admin.pushSignature(WEB, release.digest);
        const orphan = emulator.admin.pushSignature(WEB, gone.digest);
        const ghost = emulator.admin.pushImage(WEB, { tags: ["ghost"] });
        emulator.admin.deleteVersion({ org: "acme", packageType: "container", name: WEB.name }, gone.versionId);
        emulator.admin.deleteVersion({ org: "acme", packageType: "container", name: WEB.name }, partial.children[0].versionId);
        emulator.admin.setManifestState(WEB, ghost.digest, "missing");
        withSharedLayers(emulator);
        emulator.admin.resetRequests();
        const before = state(emulator);
        const requestsBefore = emulator.admin.requests().counts;
        const inventory = await runInventory({ org: "acme", packageTypes: ["container"], details: ["container/**"] }, () => undefined, envFor(emulator), new Date(NOW));
        const counts = emulator.admin.requests().counts;
        const delta = (op: string) => (counts[op] ?? 0) - (requestsBefore[op] ?? 0);
        const containers = emulator.admin
            .snapshot()
            .orgs.find((o) => o.login === "acme")!
            .packages!.filter((p) => p.packageType === "container" && !p.deletedAt);
        const activeVersions = containers.reduce((n, p) => n + p.versions!.filter((v) => !v.deletedAt).length, 0);
        assert.equal(delta("registry/get-manifest"), activeVersions, "one GET per active version, each once");
        assert.equal(inventory.totals.manifestsRead, activeVersions);
        assert.equal(delta("registry/head-manifest"), 0, "a child's health comes from its read");
        assert.equal(delta("packages/get-all-package-versions-for-package-owned-by-org"), containers.length);
        assert.equal(delta("packages/list-packages-for-organization"), 1);
        assert.deepEqual(
            Object.keys(counts).filter((op) => /delete|restore/.test(op)),
            [],
            "no delete or restore was sent",
        );
        assert.deepEqual(state(emulator), before, "nothing changed in the organization");

        const web = find(inventory, `container/${WEB.name}`).details!.container!;
        assert.deepEqual(
            web.brokenImages.map((b) => [b.tags, b.problem]).sort(),
            [
                [["ghost"], "unreadable"],
                [["v2"], "missing-children"],
            ],
        );
        assert.deepEqual(web.brokenImages.find((b) => b.problem === "missing-children")!.missing, [partial.children[0].digest]);
        assert.deepEqual(
            web.orphanedSignatures.map((o) => [o.versionId, o.subject, o.kind]),
            [[orphan.versionId, gone.digest, "signature"]],
        );
        assert.deepEqual(web.unreadable, [{ digest: ghost.digest, problem: "not-found" }]);
        assert.equal(web.bytesComplete, false, "a manifest was not read: bytes are a lower bound");
        assert.equal(web.bytes, bytesInEmulator(emulator, WEB.name).bytes - blobBytesOf(emulator, WEB.name, ghost.digest));
        const untagged = activePackage(emulator, "container", WEB.name)!.versions!.filter((v) => !v.deletedAt && (v.tags ?? []).length === 0);
        assert.equal(find(inventory, `container/${WEB.name}`).details!.untaggedVersions, untagged.length);
        assert.equal(web.unreferencedUntagged, 0, "every untagged version is a child or attestation of an index");
    });

    it("with a policy, reports per package what it would delete and the bytes only deleted manifests reference, sending no write", async () => {
        withSharedLayers(emulator);
        emulator.admin.resetRequests();
        const before = state(emulator);
        // v1 and the untagged image go; v2 stays and shares the base layer with both, and app-2 with the untagged image.
        const policy = { olderThan: "1d", tagged: {}, untagged: {}, protect: { tags: ["v2"] } };
        const inventory = await runInventory({ org: "acme", packageTypes: ["container"], details: ["container/apps/*"], policy }, () => undefined, envFor(emulator), new Date(NOW));
        const versions = activePackage(emulator, "container", BASE.name)!.versions!.filter((v) => !v.deletedAt);
        const byTag = (tag: string | undefined) => versions.find((v) => (tag === undefined ? (v.tags ?? []).length === 0 : (v.tags ?? []).includes(tag)))!;
        const plan = find(inventory, "container/apps/base").details!.policy!;
        assert.deepEqual(plan.deletions.map((d) => d.name).sort(), [byTag("v1").name, byTag(undefined).name].sort());
        assert.equal(plan.deleteCount, 2);
        assert.equal(plan.error, null);
        assert.equal(plan.kept, 1, "v2 is protected");
        // config-1 and app-1 (v1 only), config-3 and patch-3 (the untagged image only); base-os and app-2 stay with v2.
        assert.equal(plan.bytesFreed, 1_200 + 4_000 + 1_400 + 700);
        assert.equal(plan.bytesFreed, blobBytesOf(emulator, BASE.name, byTag("v1").name!, byTag(undefined).name!), "the same sum from the emulator's manifests");
        assert.deepEqual(inventory.policy, {
            policy,
            packages: 1,
            deletions: 2,
            packagesDeleted: 0,
            blocked: 0,
            failed: 0,
            bytesFreed: plan.bytesFreed,
            bytesFreedComplete: true,
        });
        const writes = emulator.admin.requests().entries.filter((e) => e.method !== "GET" && e.method !== "HEAD");
        assert.deepEqual(writes, [], "no DELETE, POST or other write in the traffic log");
        assert.deepEqual(state(emulator), before, "nothing changed in the organization");
    });

    it("with a policy: the provider's protect list refuses a whole-package deletion, a plan over its cap fails, other registries' bytes are unknown", async () => {
        const env = { ...envFor(emulator), GITHUB_PACKAGES_PROTECT: JSON.stringify(["npm/internal-utils"]) };
        const whole = { olderThan: "1d", lastVersion: "delete-package" as const };
        const inventory = await runInventory({ org: "acme", packageTypes: ["npm"], details: ["npm/**"], policy: whole }, () => undefined, env, new Date(NOW));
        const widgets = find(inventory, "npm/widgets").details!.policy!;
        assert.equal(widgets.deletePackage, true);
        assert.equal(widgets.deleteCount, 2);
        assert.equal(widgets.bytesFreed, null, "npm gives no sizes: unknown, never 0");
        const utils = find(inventory, "npm/internal-utils").details!.policy!;
        assert.match(utils.error!, /protected by "npm\/internal-utils" in github-packages:protect \(or GITHUB_PACKAGES_PROTECT\): the retention would refuse, and delete nothing/);
        assert.equal(utils.deleteCount, 0);
        assert.deepEqual(utils.deletions, []);
        assert.equal(inventory.policy!.failed, 1);
        assert.equal(inventory.policy!.packagesDeleted, 1, "widgets only");
        assert.equal(inventory.policy!.bytesFreed, null);
        assert.equal(inventory.policy!.bytesFreedComplete, false);

        const capped = await runInventory({ org: "acme", packageTypes: ["npm"], details: ["npm/widgets"], policy: { ...whole, maxDeletions: 1 } }, () => undefined, envFor(emulator), new Date(NOW));
        const over = find(capped, "npm/widgets").details!.policy!;
        assert.match(over.error!, /would delete 2 of its 2 versions \(the whole package\), more than maxDeletions \(1\)/);
        assert.equal(over.deleteCount, 0);
        const kept = await runInventory({ org: "acme", packageTypes: ["npm"], details: ["npm/widgets"], policy: { olderThan: "30d" } }, () => undefined, envFor(emulator), new Date(NOW));
        assert.deepEqual(find(kept, "npm/widgets").details!.policy!.deletions.map((d) => d.name), ["1.0.0"]);
        assert.equal(emulator.admin.requests().entries.filter((e) => e.method !== "GET" && e.method !== "HEAD").length, 0);
    });

    it("checks the policy with the retention's validator before any request: unknown fields, registries details chooses, details required", async () => {
        const refusals: [object, RegExp][] = [
            [{ details: ["container/**"], policy: { olderThan: "30d", tagged: {}, keepLatests: 3 } }, /policy\.keepLatests|keepLatests is not a retention policy field; did you mean "keepLatest"/],
            [{ details: ["container/**", "npm/**"], policy: { tagged: { include: ["pr-*"] } } }, /npm versions have no tags.*details "npm\/\*\*" chooses npm packages/],
            [{ details: ["docker/**"], policy: { untagged: {} } }, /untagged docker versions cannot be selected/],
            [{ policy: { keepLatest: 3 } }, /policy is planned on the packages details chooses.*add details/],
            [{ details: ["npm/**"], policy: { olderThan: "30" } }, /olderThan/],
        ];
        for (const [args, message] of refusals) {
            await assert.rejects(runInventory({ org: "acme", ...args } as never, () => undefined, envFor(emulator)), message);
        }
        await assert.rejects(
            runInventory({ org: "acme", details: ["npm/**"], policy: { keepLatest: 1 } }, () => undefined, { ...envFor(emulator), GITHUB_PACKAGES_PROTECT: "npm/x" }),
            /GITHUB_PACKAGES_PROTECT.*must be a JSON list/,
        );
        assert.equal(emulator.admin.requests().total, 0);
    });

    it("reads a 5,000-package registry in 50 requests", async function () {
        this.timeout(120_000);
        emulator.admin.loadSeed(bigSeed(5_000));
        const config = resolveClientConfig(() => undefined, { GITHUB_TOKEN: "t", GITHUB_API_URL: emulator.url });
        const inventory = await collectInventory({ org: "big", packageTypes: ["npm"] }, { github: clientFor(config) });
        assert.equal(inventory.totals.packages, 5_000);
        assert.equal(inventory.registries[0].visibility.public, Math.ceil(5_000 / 3));
        assert.deepEqual(emulator.admin.requests().counts, { "packages/list-packages-for-organization": 50 });
    });

    it("has no write path: no module of provider/inventory calls a delete, restore or write", () => {
        const dir = path.join(__dirname, "../../../provider/inventory");
        for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
            const code = readFileSync(path.join(dir, file), "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
            // `deletePackage` is also a field of a plan (a boolean); what may not appear is a call.
            assert.doesNotMatch(code, /\.(delete|restore)\w*\(|\bdeletePackage\s*\(|\brestorePackage\s*\(|method:\s*"(DELETE|POST|PUT|PATCH)"/, file);
        }
    });

    it("refuses bad arguments before any request, naming each field", async () => {
        const bad = { org: "-acme", packageTypes: ["npm", "pypi"], details: ["widgets"], detail: [] } as never;
        await assert.rejects(runInventory(bad, () => undefined, envFor(emulator)), (error: Error) => {
            assert.match(error.message, /org must be a GitHub organization login/);
            assert.match(error.message, /packageTypes\[1\] must be one of "npm"/);
            assert.match(error.message, /details\[0\] "widgets" does not name a registry/);
            assert.match(error.message, /detail is not an inventory argument; did you mean "details"/);
            return true;
        });
        assert.equal(emulator.admin.requests().total, 0);
    });
});

/** The bytes of the blobs only the manifests `digests` reference in the package. */
function blobBytesOf(emulator: Emulator, name: string, ...digests: string[]): number {
    const versions = activePackage(emulator, "container", name)!.versions!.filter((v) => !v.deletedAt);
    const blobsOf = (json: unknown) => {
        const m = json as { config?: { digest: string; size: number }; layers?: { digest: string; size: number }[] } | undefined;
        return [...(m?.config ? [m.config] : []), ...(m?.layers ?? [])];
    };
    const others = new Set(versions.filter((v) => !digests.includes(v.name!)).flatMap((v) => blobsOf(v.manifest).map((d) => d.digest)));
    const only = new Map(versions.filter((v) => digests.includes(v.name!)).flatMap((v) => blobsOf(v.manifest)).filter((d) => !others.has(d.digest)).map((d) => [d.digest, d.size]));
    return [...only.values()].reduce((n, size) => n + size, 0);
}
