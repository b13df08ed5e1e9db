/**
 * Issue 20, with the real engine against the emulator: ghost manifests (the REST API lists the
 * version, the registry answers 404) fail closed and are broken images; versions GitHub refused
 * are not DELETEd again; `restore: "all"` past 30 days says which records it cannot restore.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { PackageVersionRetention, PACKAGE_VERSION_RETENTION_TYPE, RetentionPolicy } from "pulumi-github-packages";
import type { Emulator, PackageKey } from "../../emulator";
import { E2E, failure, outcome, startE2E, StateResource } from "../support/e2e";
import { printedEntries } from "../support/plan";

const image = { org: "acme", name: "apps/web" };
const web: PackageKey = { org: "acme", packageType: "container", name: "apps/web" };
const npm: PackageKey = { org: "acme", packageType: "npm", name: "retained" };

/** A retention of `retention-package` (container apps/web or npm retained), its policy and restore from the stack config. */
async function program() {
    const config = new pulumi.Config();
    const args = config.requireObject<{ policy: RetentionPolicy; restore?: number[] | "all" }>("retention");
    const key = config.require("retention-package") === "npm" ? npm : web;
    const retention = new PackageVersionRetention("retained", { org: key.org, packageType: key.packageType, packageName: key.name, ...args });
    return { plan: retention.plan, deleted: retention.deleted, blocked: retention.blocked, brokenImages: retention.brokenImages };
}

function deleteRequests(emulator: Emulator): number[] {
    return emulator.admin
        .requests()
        .entries.filter((e) => e.method === "DELETE" && e.operation === "packages/delete-package-version-for-org")
        .map((e) => Number(e.path.split("/").pop()));
}

function active(emulator: Emulator, key: PackageKey): Map<number, string[]> {
    const org = emulator.admin.snapshot().orgs.find((o) => o.login === key.org)!;
    const found = org.packages!.find((p) => p.name === key.name && p.packageType === key.packageType && !p.deletedAt)!;
    return new Map(found.versions!.filter((v) => !v.deletedAt).map((v) => [v.id!, v.tags ?? []]));
}

async function retentionState(e2e: E2E): Promise<Record<string, unknown>> {
    const state = await e2e.test.stack.exportStack();
    const found = ((state.deployment.resources ?? []) as StateResource[]).find((r) => r.type === PACKAGE_VERSION_RETENTION_TYPE);
    assert.ok(found, "the retention is in state");
    return found.outputs;
}

describe("e2e: retention fails closed on ghosts, remembers refusals, and says what it cannot restore", function () {
    let e2e: E2E;

    beforeEach(async () => {
        e2e = await startE2E(program);
    });

    afterEach(async () => e2e?.dispose());

    const configure = async (kind: "container" | "npm", value: { policy: RetentionPolicy; restore?: number[] | "all" }) => {
        await e2e.test.stack.setConfig("retention-package", { value: kind });
        await e2e.test.stack.setConfig("retention", { value: JSON.stringify(value) });
    };

    it("a kept index whose manifest answers 404 keeps its platform child tagged pr-5-arm64, and blocks the package's deletions", async () => {
        e2e.emulator.admin.setNow(new Date(Date.now() - 60 * 86_400_000));
        const v5 = e2e.emulator.admin.pushIndex(image, { tags: ["v5"], platforms: ["linux/amd64", "linux/arm64"] });
        const arm64 = v5.children.find((c) => c.platform === "linux/arm64")!;
        e2e.emulator.admin.tagImage(image, arm64.digest, "pr-5-arm64");
        const pr6 = e2e.emulator.admin.pushImage(image, { tags: ["pr-6"] });
        e2e.emulator.admin.setNow(new Date());
        // The registry lost v5's index; the REST API still lists the version.
        e2e.emulator.admin.setManifestState(image, v5.digest, "missing");
        assert.ok(active(e2e.emulator, web).has(v5.versionId));
        await configure("container", { policy: { tagged: { include: ["pr-*"] }, olderThan: "30d", maxDeletions: 10 } });

        const preview = await e2e.test.stack.preview({ diff: true });
        const entries = printedEntries(preview.stdout);
        const child = entries.find((e) => e.id === arm64.versionId);
        assert.equal(child?.rule, "unreadable-manifest", preview.stdout);
        assert.match(child!.reason, new RegExp(`manifest of ${v5.digest.slice(0, 19)}… could not be read`));
        assert.equal(entries.find((e) => e.id === pr6.versionId)?.rule, "unreadable-manifest", "a 404 of a kept image blocks tagged deletions too");

        await e2e.test.stack.up();
        assert.deepEqual(deleteRequests(e2e.emulator), [], "no DELETE while a kept index answers 404");
        for (const id of [v5.versionId, arm64.versionId, pr6.versionId, ...v5.children.map((c) => c.versionId)]) {
            assert.ok(active(e2e.emulator, web).has(id), `version ${id} is still there`);
        }
        // Served again, the index keeps every platform; the PR image goes.
        e2e.emulator.admin.setManifestState(image, v5.digest, "present");
        await e2e.test.stack.up();
        assert.deepEqual(deleteRequests(e2e.emulator), [pr6.versionId]);
        assert.ok(active(e2e.emulator, web).has(arm64.versionId), "the child tagged pr-5-arm64 stays with v5");
    });

    it("every manifest answering 404 on a registry that knows the repository blocks (ghosts); an unknown repository fails naming the setting", async () => {
        e2e.emulator.admin.setNow(new Date(Date.now() - 60 * 86_400_000));
        const v1 = e2e.emulator.admin.pushImage(image, { tags: ["v1"] });
        const pr1 = e2e.emulator.admin.pushImage(image, { tags: ["pr-1"] });
        e2e.emulator.admin.setNow(new Date());
        e2e.emulator.admin.setManifestState(image, v1.digest, "missing");
        e2e.emulator.admin.setManifestState(image, pr1.digest, "missing");
        await configure("container", { policy: { tagged: { include: ["pr-*"] }, olderThan: "30d", maxDeletions: 10 } });
        await e2e.test.stack.up();
        assert.deepEqual(deleteRequests(e2e.emulator), [], "ghosts are unknown, not absent: nothing is deleted");
        const blocked = (await retentionState(e2e)).blocked as { versionId: number; blockedBy: string }[];
        assert.deepEqual(blocked.map((b) => [b.versionId, b.blockedBy]), [[pr1.versionId, "unreadable-manifest"]]);

        // A registry URL that answers 404 to everything (here a path the emulator does not serve, like the REST API's URL): a settings error.
        e2e.emulator.admin.setManifestState(image, v1.digest, "present");
        e2e.emulator.admin.setManifestState(image, pr1.digest, "present");
        await e2e.test.stack.setConfig("github-packages:registryUrl", { value: `${e2e.emulator.url}/elsewhere` });
        const message = await failure(e2e.test.stack.up());
        assert.match(message, /read none of its \d+ manifests from the container registry http:\/\/127\.0\.0\.1:\d+\/elsewhere \(github-packages:registryUrl\); nothing was deleted/);
        assert.deepEqual(deleteRequests(e2e.emulator), []);
    });

    it("refresh reports a kept image whose platform manifest the registry answers 404 for, though its REST version exists", async () => {
        const v1 = e2e.emulator.admin.pushIndex(image, { tags: ["v1"], platforms: ["linux/amd64", "linux/arm64"] });
        await configure("container", { policy: { tagged: { include: ["pr-*"] }, olderThan: "30d", maxDeletions: 10 } });
        await e2e.test.stack.up();
        assert.equal(await outcome(() => e2e.test.stack.preview({ refresh: true, expectNoChanges: true })), undefined, "healthy: no drift");

        const arm64 = v1.children.find((c) => c.platform === "linux/arm64")!;
        e2e.emulator.admin.setManifestState(image, arm64.digest, "missing");
        assert.ok(active(e2e.emulator, web).has(arm64.versionId), "the REST version is still there");
        const downloads = e2e.emulator.admin.manifest(image, arm64.digest).downloads;
        assert.ok(await outcome(() => e2e.test.stack.preview({ refresh: true, expectNoChanges: true })), "the drift check fails");
        await e2e.test.stack.refresh();
        const broken = (await retentionState(e2e)).brokenImages as { versionId: number; tags: string[]; problem: string; missing: string[]; reason: string }[];
        assert.deepEqual(broken.map((b) => [b.versionId, b.problem, b.missing]), [[v1.versionId, "missing-children", [arm64.digest]]]);
        assert.match(broken[0].reason, /pulling v1 fails/);
        assert.equal(e2e.emulator.admin.manifest(image, arm64.digest).downloads, downloads, "children are checked with HEAD: no download counted");
        assert.deepEqual(deleteRequests(e2e.emulator), []);

        e2e.emulator.admin.setManifestState(image, arm64.digest, "present");
        await e2e.test.stack.refresh();
        assert.deepEqual((await retentionState(e2e)).brokenImages, []);
    });

    it("a version GitHub refused (public, over 5,000 downloads) is not DELETEd again while it stays as it was", async () => {
        e2e.emulator.admin.setNow(new Date(Date.now() - 100 * 86_400_000));
        e2e.emulator.admin.publishPackage(npm.org, { name: npm.name, packageType: "npm", visibility: "public", versions: [{ name: "1.0.0", downloads: 6000 }] });
        for (const name of ["1.1.0", "1.2.0", "1.3.0", "1.4.0"]) {
            e2e.emulator.admin.advance("10d");
            e2e.emulator.admin.publishVersion(npm, { name });
        }
        e2e.emulator.admin.setNow(new Date());
        const ids = [...active(e2e.emulator, npm).keys()].sort((a, b) => a - b);
        const popular = ids[0];
        await configure("npm", { policy: { keepLatest: 3, maxDeletions: 5 } });

        await e2e.test.stack.up();
        assert.deepEqual(deleteRequests(e2e.emulator), [popular, ids[1]], "the first run tries it once");
        let state = await retentionState(e2e);
        assert.deepEqual((state.blocked as { versionId: number; blockedBy: string }[]).map((b) => [b.versionId, b.blockedBy]), [[popular, "undeletable"]]);

        // Later runs, a refresh and the drift checks: no DELETE of the refused version, no noise.
        assert.equal(await outcome(() => e2e.test.stack.refresh({ expectNoChanges: true })), undefined);
        assert.equal(await outcome(() => e2e.test.stack.preview({ expectNoChanges: true })), undefined);
        e2e.emulator.admin.publishVersion(npm, { name: "1.5.0" });
        // 1.5.0 counts from the run after the one that first lists it: that run deletes nothing.
        await e2e.test.stack.up();
        assert.deepEqual(deleteRequests(e2e.emulator), [popular, ids[1]]);
        const preview = await e2e.test.stack.preview({ diff: true });
        assert.ok(printedEntries(preview.stdout).some((e) => e.id === ids[2]), preview.stdout);
        await e2e.test.stack.up();
        assert.deepEqual(deleteRequests(e2e.emulator), [popular, ids[1], ids[2]], "the refused version is never sent again");
        state = await retentionState(e2e);
        const blocked = state.blocked as { versionId: number; blockedBy: string; reason: string }[];
        assert.deepEqual(blocked.map((b) => [b.versionId, b.blockedBy]), [[popular, "undeletable"]]);
        assert.match(blocked[0].reason, /refused/);
        assert.equal(await outcome(() => e2e.test.stack.preview({ refresh: true, expectNoChanges: true })), undefined);
    });

    it("restore: \"all\" with every record past 30 days fails, naming the records", async () => {
        e2e.emulator.admin.setNow(new Date(Date.now() - 100 * 86_400_000));
        e2e.emulator.admin.publishPackage(npm.org, { name: npm.name, packageType: "npm", versions: [{ name: "1.0.0" }] });
        for (const name of ["1.1.0", "1.2.0"]) {
            e2e.emulator.admin.advance("10d");
            e2e.emulator.admin.publishVersion(npm, { name });
        }
        e2e.emulator.admin.setNow(new Date());
        await configure("npm", { policy: { keepLatest: 2, maxDeletions: 5 } });
        await e2e.test.stack.up();
        const state = await retentionState(e2e);
        const records = state.deleted as { versionId: number; name: string; deletedAt: string }[];
        assert.equal(records.length, 1);
        // Age the record past GitHub's 30 days (the provider reads the real clock): rewrite it in state.
        const exported = await e2e.test.stack.exportStack();
        const resource = ((exported.deployment.resources ?? []) as StateResource[]).find((r) => r.type === PACKAGE_VERSION_RETENTION_TYPE)!;
        (resource.outputs.deleted as { deletedAt: string }[])[0].deletedAt = new Date(Date.now() - 35 * 86_400_000).toISOString();
        await e2e.test.stack.importStack(exported);

        await configure("npm", { policy: { keepLatest: 2, maxDeletions: 5 }, restore: "all" });
        e2e.emulator.admin.resetRequests();
        const message = await failure(e2e.test.stack.up());
        assert.match(message, new RegExp(`1\\.0\\.0 \\(id ${records[0].versionId}, deleted `));
        assert.match(message, /cannot be restored any more/);
        const restores = e2e.emulator.admin.requests().entries.filter((e) => e.operation === "packages/restore-package-version-for-org");
        assert.deepEqual(restores, []);
    });
});
