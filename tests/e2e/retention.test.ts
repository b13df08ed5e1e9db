import { strict as assert } from "node:assert";
import { Octokit } from "@octokit/rest";
import * as pulumi from "@pulumi/pulumi";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { PackageCleanup, PackageVersionRetention, PACKAGE_VERSION_RETENTION_TYPE, RetentionPolicy, VersionRetention } from "pulumi-github-packages";
import type { Emulator, PackageKey } from "../../emulator";
import { pullImage } from "../../emulator";
import { E2E, E2E_TOKEN, failure, outcome, startE2E, StateResource } from "../support/e2e";
import { eventually } from "../support/cli";
import { printed, printedEntries } from "../support/plan";
import { activeTags, assertPulls, blobsOnlyIn } from "../support/pulls";
import { formatBytes } from "../../provider/retention/image-bytes";

/** The package the tests publish: ten releases over 100 days, then pre-releases. */
const pkg: PackageKey = { org: "acme", packageType: "npm", name: "retained" };
const ref = { org: pkg.org, packageType: pkg.packageType, packageName: pkg.name } as const;

/** The retention the program declares, from the stack config `retention` (policy and restore). */
const program: PulumiFn = async () => {
    const config = new pulumi.Config();
    const args = config.requireObject<{ policy: RetentionPolicy; restore?: number[] | "all" }>("retention");
    const retention = new PackageVersionRetention("retained", { ...ref, ...args });
    return { plan: retention.plan, deleted: retention.deleted, blocked: retention.blocked, lastRun: retention.lastRun };
};

/** Publishes the package with versions spread over the last 100 days of the real clock (the provider plans with it). */
function publish(emulator: Emulator): Map<string, number> {
    emulator.admin.setNow(new Date(Date.now() - 100 * 86_400_000));
    const names = ["1.0.0", "1.1.0-beta.1", "1.1.0", "1.2.0-rc.1", "1.2.0-rc.2", "1.2.0", "2.0.0-alpha.1", "2.0.0-beta.1", "2.0.0"];
    emulator.admin.publishPackage(pkg.org, { name: pkg.name, packageType: "npm", versions: [{ name: names[0] }] });
    for (const name of names.slice(1)) {
        emulator.admin.advance("10d");
        emulator.admin.publishVersion(pkg, { name });
    }
    emulator.admin.setNow(new Date());
    return activeVersions(emulator);
}

/** The package's active versions, name to id, as the emulator holds them. */
function activeVersions(emulator: Emulator): Map<string, number> {
    const org = emulator.admin.snapshot().orgs.find((o) => o.login === pkg.org)!;
    const found = org.packages!.find((p) => p.name === pkg.name && p.packageType === pkg.packageType && !p.deletedAt)!;
    return new Map(found.versions!.filter((v) => !v.deletedAt).map((v) => [v.name!, v.id!]));
}

function deleteRequests(emulator: Emulator): string[] {
    return emulator.admin
        .requests()
        .entries.filter((e) => e.method === "DELETE" && e.operation === "packages/delete-package-version-for-org")
        .map((e) => e.path.split("/").pop()!);
}

async function retentionState(e2e: E2E): Promise<Record<string, unknown>> {
    const state = await e2e.test.stack.exportStack();
    const found = ((state.deployment.resources ?? []) as StateResource[]).find((r) => r.type === PACKAGE_VERSION_RETENTION_TYPE);
    assert.ok(found, "the retention is in state");
    return found.outputs;
}

describe("e2e: PackageVersionRetention with the real engine", function () {
    let e2e: E2E;

    beforeEach(async () => {
        e2e = await startE2E(program);
    });

    afterEach(async () => e2e?.dispose());

    const setRetention = (value: { policy: RetentionPolicy; restore?: number[] | "all" }) =>
        e2e.test.stack.setConfig("retention", { value: JSON.stringify(value) });

    it("previews the plan, deletes exactly it (pre-releases, keeping the newest), records it, then has nothing to do", async () => {
        const before = publish(e2e.emulator);
        const policy: RetentionPolicy = { names: { prereleaseOnly: true }, olderThan: "35d", maxDeletions: 10 };
        await setRetention({ policy });

        const preview = await e2e.test.stack.preview({ diff: true });
        for (const name of ["1.1.0-beta.1", "1.2.0-rc.1", "1.2.0-rc.2", "2.0.0-alpha.1"]) {
            const entry = printed(preview.stdout, before.get(name));
            assert.equal(entry.version, name);
            assert.equal(entry.rule, "olderThan and names");
            assert.match(entry.reason, new RegExp(`^created \\d+ days ago \\(olderThan 35d\\); ${name.replace(/\./g, "\\.")} is a pre-release$`));
        }
        // 2.0.0-beta.1 is 30 days old: not selected, not in the plan.
        assert.equal(printedEntries(preview.stdout).filter((e) => e.version === "2.0.0-beta.1").length, 0);
        assert.deepEqual(activeVersions(e2e.emulator), before, "a preview deletes nothing");
        assert.deepEqual(deleteRequests(e2e.emulator), []);

        const up = await e2e.test.stack.up();
        const expected = ["1.1.0-beta.1", "1.2.0-rc.1", "1.2.0-rc.2", "2.0.0-alpha.1"];
        const after = activeVersions(e2e.emulator);
        assert.deepEqual([...after.keys()].sort(), [...before.keys()].filter((n) => !expected.includes(n)).sort(), "exactly the planned versions are gone");
        assert.deepEqual(deleteRequests(e2e.emulator), expected.map((n) => String(before.get(n))), "each planned version deleted once, oldest first");
        const state = await retentionState(e2e);
        assert.deepEqual((state.deleted as { name: string }[]).map((d) => d.name), expected);
        assert.equal((up.outputs.lastRun.value as { deleted: number }).deleted, 4);
        assert.doesNotMatch(JSON.stringify(state), new RegExp(E2E_TOKEN), "no token in state");
        // The plan is stored once: whole in the inputs (what the preview showed), compact in the outputs (planOutput's default).
        const stored = ((await e2e.test.stack.exportStack()).deployment.resources as StateResource[]).find((r) => r.type === PACKAGE_VERSION_RETENTION_TYPE)!;
        const whole = stored.inputs!.plan as Record<string, unknown>;
        const kept = state.plan as Record<string, unknown>;
        assert.ok(Array.isArray(whole.keep) && Array.isArray(whole.blocked) && whole.listedThrough !== undefined, "the inputs keep the whole plan the preview showed");
        assert.deepEqual([kept.keep, kept.blocked, kept.listedThrough], [undefined, undefined, undefined], "the outputs do not repeat it");
        assert.deepEqual([kept.summary, kept.delete], [whole.summary, whole.delete], "the outputs keep the summary and the deletions");

        // Right after the up, a refresh diffs against that up's inputs, whose plan is done: no drift.
        assert.equal(await outcome(() => e2e.test.stack.refresh({ expectNoChanges: true })), undefined);
        assert.equal(await outcome(() => e2e.test.stack.preview({ refresh: true, expectNoChanges: true })), undefined);

        const again = await e2e.test.stack.up();
        assert.equal(again.summary.resourceChanges?.update ?? 0, 0, again.stdout);
        assert.equal(deleteRequests(e2e.emulator).length, 4, "the second run deletes nothing");
        assert.equal(await outcome(() => e2e.test.stack.preview({ expectNoChanges: true })), undefined);
        assert.equal(((await retentionState(e2e)).deleted as unknown[]).length, 4, "the records stay");
    });

    it("fails over the cap before deleting anything, naming the counts", async () => {
        const before = publish(e2e.emulator);
        await setRetention({ policy: { keepLatest: 2, maxDeletions: 3 } });
        const message = await failure(e2e.test.stack.up());
        assert.match(message, /would delete 7 of its 9 versions, more than maxDeletions \(3\); nothing was deleted/);
        assert.deepEqual(activeVersions(e2e.emulator), before);
        assert.deepEqual(deleteRequests(e2e.emulator), []);
    });

    it("refuses bad input naming the field, before any request", async () => {
        await setRetention({ policy: { keepLatest: 2, olderThan: "6m", tagged: {} } as RetentionPolicy });
        const message = await failure(e2e.test.stack.preview());
        assert.match(message, /policy\.olderThan/);
        assert.match(message, /npm versions have no tags/);
        assert.equal(e2e.emulator.admin.requests().total, 0, "no request reached GitHub");
        await setRetention({ policy: { keepLast: 2 } as unknown as RetentionPolicy });
        assert.match(await failure(e2e.test.stack.preview()), /keepLast is not a retention policy field; did you mean "keepLatest"/);
    });

    it("keeps what it deleted when a delete fails midway, and the next run carries on: nothing twice, nothing skipped", async () => {
        const before = publish(e2e.emulator);
        await e2e.test.stack.setConfig("github-packages:retries", { value: "0" });
        await setRetention({ policy: { keepLatest: 4, maxDeletions: 10 } });
        const planned = ["1.0.0", "1.1.0-beta.1", "1.1.0", "1.2.0-rc.1", "1.2.0-rc.2"];
        // The third DELETE fails with a 502 (retries are off): the run stops there.
        e2e.emulator.admin.addFault({ kind: "error", status: 502, operation: "packages/delete-package-version-for-org", nth: 3 });
        const message = await failure(e2e.test.stack.up());
        assert.match(message, /Retention stopped after it deleted 2 of 5 versions/);
        assert.deepEqual([...activeVersions(e2e.emulator).keys()].filter((n) => planned.includes(n)), planned.slice(2));
        const partial = await retentionState(e2e);
        assert.deepEqual((partial.deleted as { name: string }[]).map((d) => d.name), planned.slice(0, 2), "the partial failure kept the records");

        await e2e.test.stack.up();
        assert.deepEqual([...activeVersions(e2e.emulator).keys()].sort(), ["1.2.0", "2.0.0-alpha.1", "2.0.0-beta.1", "2.0.0"].sort());
        const deletes = deleteRequests(e2e.emulator);
        const ids = planned.map((n) => String(before.get(n)));
        // The failed request for the third version is the only repeat.
        assert.deepEqual(deletes, [ids[0], ids[1], ids[2], ids[2], ids[3], ids[4]]);
        assert.deepEqual(((await retentionState(e2e)).deleted as { name: string }[]).map((d) => d.name), planned);
    });

    it("restores what it deleted, deletes nothing while restoring, and refuses versions it did not delete", async () => {
        const before = publish(e2e.emulator);
        await setRetention({ policy: { keepLatest: 7, maxDeletions: 5 } });
        await e2e.test.stack.up();
        assert.equal(activeVersions(e2e.emulator).size, 7);

        await setRetention({ policy: { keepLatest: 7, maxDeletions: 5 }, restore: [before.get("2.0.0")!] });
        assert.match(await failure(e2e.test.stack.up()), /which this resource did not delete/);

        await setRetention({ policy: { keepLatest: 7, maxDeletions: 5 }, restore: "all" });
        const preview = await e2e.test.stack.preview({ diff: true });
        assert.match(preview.stdout, /no version is deleted while restore is set/);
        await e2e.test.stack.up();
        assert.deepEqual(activeVersions(e2e.emulator), before, "every version is back, with its id");
        const state = await retentionState(e2e);
        assert.deepEqual(state.deleted, []);
        assert.deepEqual((state.restored as { name: string }[]).map((r) => r.name).sort(), ["1.0.0", "1.1.0-beta.1"]);

        // Restore by id, then keep the setting: later runs neither fail nor restore again.
        await setRetention({ policy: { keepLatest: 7, maxDeletions: 5 } });
        await e2e.test.stack.up();
        const again = ((await retentionState(e2e)).deleted as { versionId: number; name: string }[]).map((d) => d.versionId);
        await setRetention({ policy: { keepLatest: 7, maxDeletions: 5 }, restore: again });
        await e2e.test.stack.up();
        assert.deepEqual(activeVersions(e2e.emulator), before);
        assert.equal(await outcome(() => e2e.test.stack.refresh({ expectNoChanges: true })), undefined, "a refresh with restore still set finds nothing to do");
        await e2e.test.stack.up();
        assert.equal(await outcome(() => e2e.test.stack.preview({ expectNoChanges: true })), undefined);

        // Without restore, and without protecting them, the policy deletes them again: the preview says so first.
        await setRetention({ policy: { keepLatest: 7, maxDeletions: 5, protect: { versions: ["1.0.0"] } } });
        const next = await e2e.test.stack.preview({ diff: true });
        assert.equal(printed(next.stdout, before.get("1.1.0-beta.1")).rule, "keepLatest");
        assert.equal(printed(next.stdout, before.get("1.0.0")).rule, "protect-version");
    });

    it("paces deletions at github-packages:writesPerMinute, one at a time", async function () {
        publish(e2e.emulator);
        await e2e.test.stack.setConfig("github-packages:writesPerMinute", { value: "120" });
        await setRetention({ policy: { keepLatest: 3, maxDeletions: 10 } });
        await e2e.test.stack.up();
        const started = e2e.emulator.admin
            .requests()
            .entries.filter((e) => e.method === "DELETE" && e.operation === "packages/delete-package-version-for-org")
            .map((e) => e.arrivedMs);
        assert.equal(started.length, 6);
        const gaps = started.slice(1).map((t, i) => t - started[i]);
        // The client starts them 500 ms apart; their arrival may slip by a busy event loop, so one
        // gap may read short, but the run as a whole keeps the pace and none comes in a burst.
        const span = started.at(-1)! - started[0];
        assert.ok(span >= 5 * 500 - 50, `6 DELETEs at 120 a minute take at least 2.5 s (took ${span} ms; gaps ${gaps.join(", ")} ms)`);
        assert.ok(gaps.every((gap) => gap >= 250), `no two DELETEs in a burst (gaps ${gaps.join(", ")} ms)`);
        const overlapping = e2e.emulator.admin.requests().entries.filter((e) => e.method === "DELETE" && e.inFlight > 0);
        assert.deepEqual(overlapping, [], "never two DELETEs at once");
    });
});

describe("e2e: components whose outputs the program never reads", function () {
    let e2e: E2E;

    afterEach(async () => e2e?.dispose());

    it("VersionRetention and PackageCleanup still register every resource before the program ends", async () => {
        e2e = await startE2E(async () => {
            // Neither component's outputs are used: the run must still wait for their listings.
            new VersionRetention("libs", { org: "acme", packages: ["npm/*"], policy: { keepLatest: 100, maxDeletions: 1 }, planOutput: "full" });
            new PackageCleanup("cleanup", { org: "acme", rules: [{ name: "legacy", packageTypes: ["docker"], include: ["legacy-*"] }] });
        });
        // The package lists answer slowly, so the listings outlast the program's own code.
        e2e.emulator.admin.addFault({ kind: "timeout", operation: "packages/list-packages-for-organization", delayMs: 500 });
        const up = await e2e.test.stack.up();
        const state = await e2e.test.stack.exportStack();
        const types = ((state.deployment.resources ?? []) as StateResource[]).map((r) => r.type);
        const npmPackages = e2e.emulator.admin.snapshot().orgs.find((o) => o.login === "acme")!.packages!.filter((p) => p.packageType === "npm" && !p.deletedAt).length;
        assert.equal(types.filter((t) => t === PACKAGE_VERSION_RETENTION_TYPE).length, npmPackages, up.stdout);
        assert.equal(types.filter((t) => t.endsWith(":OrgPackage")).length, 1, up.stdout);
        // The first retention names the packages checked after it; they are listed in the background, once each,
        // and the hint is not stored.
        const listedNpm = e2e.emulator.admin
            .requests()
            .entries.filter((e) => e.operation === "packages/get-all-package-versions-for-package-owned-by-org" && e.path.includes("/npm/"))
            .map((e) => e.path.split("/")[5]);
        assert.equal(listedNpm.length, new Set(listedNpm).size, `each npm package listed once: ${listedNpm}`);
        assert.equal(listedNpm.length, npmPackages);
        const retentions = ((state.deployment.resources ?? []) as StateResource[]).filter((r) => r.type === PACKAGE_VERSION_RETENTION_TYPE);
        assert.ok(retentions.every((r) => !("prefetch" in (r.inputs ?? {})) && !("prefetch" in r.outputs)), "no prefetch hint in state");
        // planOutput reaches every retention: their outputs keep the whole plan.
        assert.ok(retentions.every((r) => r.inputs?.planOutput === "full" && JSON.stringify(r.outputs.plan) === JSON.stringify(r.inputs.plan)), "the whole plan in the outputs");
    });
});

describe("e2e: broken images as drift (container retention, emulator registry)", function () {
    let e2e: E2E;
    const image = { org: "acme", name: "apps/web" };
    const web: PackageKey = { org: "acme", packageType: "container", name: "apps/web" };

    beforeEach(async () => {
        e2e = await startE2E(async () => {
            const retention = new PackageVersionRetention("web", {
                org: "acme",
                packageType: "container",
                packageName: "apps/web",
                policy: { tagged: { include: ["pr-*"] }, untagged: {}, olderThan: "30d", keepLatest: 2, maxDeletions: 5 },
            });
            return { brokenImages: retention.brokenImages, plan: retention.plan, lastRun: retention.lastRun };
        });
        await e2e.test.stack.setConfig("github-packages:registryUrl", { value: e2e.emulator.url });
        e2e.emulator.admin.setNow(new Date());
    });

    afterEach(async () => e2e?.dispose());

    it("an unreadable manifest of a kept image blocks the package's deletions, naming the digest; readable again, they go on", async () => {
        e2e.emulator.admin.setNow(new Date(Date.now() - 60 * 86_400_000));
        const release = e2e.emulator.admin.pushIndex(image, { tags: ["v1"], platforms: ["linux/amd64", "linux/arm64"] });
        const pr = e2e.emulator.admin.pushIndex(image, { tags: ["pr-1"], platforms: ["linux/amd64"] });
        const leftover = e2e.emulator.admin.pushImage(image, {});
        e2e.emulator.admin.setNow(new Date());
        e2e.emulator.admin.pushImage(image, { tags: ["v2"] });
        e2e.emulator.admin.pushImage(image, { tags: ["v3"] });
        // The release index cannot be read: its children could be any version (a tagged one too), so none may go.
        e2e.emulator.admin.setManifestState(image, release.digest, "corrupt");
        const preview = await e2e.test.stack.preview({ diff: true });
        const blocked = printedEntries(preview.stdout).filter((e) => e.rule === "unreadable-manifest");
        assert.ok(blocked.some((e) => e.id === leftover.versionId && e.reason.includes(release.digest.slice(0, 19))), JSON.stringify(blocked));
        assert.ok(blocked.some((e) => e.id === pr.versionId), JSON.stringify(blocked));
        await e2e.test.stack.up();
        assert.deepEqual((await retentionState(e2e)).deleted, [], "nothing deleted while a kept index is unreadable");
        const active = () => new Set(e2e.emulator.admin.snapshot().orgs.find((o) => o.login === "acme")!.packages!.find((p) => p.name === "apps/web")!.versions!.filter((v) => !v.deletedAt).map((v) => v.id));
        let left = active();
        for (const version of [leftover, pr, ...release.children, ...pr.children]) {
            assert.ok(left.has(version.versionId), `${version.digest} is still there`);
        }
        // Readable again: the PR image, its orphaned child and the leftover go; the release keeps its children.
        e2e.emulator.admin.setManifestState(image, release.digest, "present");
        await e2e.test.stack.up();
        left = active();
        for (const version of [leftover, pr, ...pr.children]) {
            assert.ok(!left.has(version.versionId), `${version.digest} is deleted`);
        }
        for (const version of [release, ...release.children]) {
            assert.ok(left.has(version.versionId), `${version.digest} of the release is still there`);
        }
        // Every kept tag still pulls completely (index, children, configs, layers); the deleted images do not.
        assert.deepEqual(activeTags(e2e.emulator, "acme", "apps/web").sort(), ["v1", "v2", "v3"]);
        await assertPulls(e2e.emulator, image, E2E_TOKEN, {
            kept: ["v1", "v2", "v3", ...release.children.map((child) => child.digest)],
            gone: ["pr-1", pr.digest, leftover.digest, ...pr.children.map((child) => child.digest)],
        });
    });

    it("states the bytes a plan frees: layers shared with images that stay are not counted; the preview, plan and lastRun agree with the registry", async () => {
        // Images built FROM one base share its layer: two PR images and a leftover on alpine, the releases on alpine and debian.
        e2e.emulator.admin.setNow(new Date(Date.now() - 60 * 86_400_000));
        const prs = [1, 2].map((n) => e2e.emulator.admin.pushImage(image, { tags: [`pr-${n}`], base: "alpine-3.20" }));
        const leftover = e2e.emulator.admin.pushImage(image, { base: "alpine-3.20" });
        e2e.emulator.admin.setNow(new Date());
        e2e.emulator.admin.pushImage(image, { tags: ["v2"], base: "alpine-3.20" });
        e2e.emulator.admin.pushImage(image, { tags: ["v3"], base: "debian-12" });
        const gone = [...prs, leftover];
        // What the registry holds that only the deleted images reference: their configs and own layers, not the base v2 shares.
        const expected = blobsOnlyIn(e2e.emulator, image, gone.map((g) => g.digest));
        assert.equal(expected.shared.length, 1, "the alpine base is shared with v2");
        assert.equal(expected.blobs.length, 6);

        const preview = await e2e.test.stack.preview({ diff: true });
        assert.match(preview.stdout, new RegExp(`delete 3 \\(frees ${formatBytes(expected.bytes).replace(".", "\\.")}\\)`), preview.stdout);
        const up = await e2e.test.stack.up();
        const plan = up.outputs.plan.value as { bytesFreed: number; bytesBound?: string; delete: { id: number; bytes: number }[] };
        assert.deepEqual([plan.bytesFreed, plan.bytesBound], [expected.bytes, undefined], "exact: every image that stays was read");
        assert.deepEqual(new Set(plan.delete.map((d) => d.id)), new Set(gone.map((g) => g.versionId)));
        assert.equal(plan.delete.reduce((sum, d) => sum + d.bytes, 0), expected.bytes, "the per-version figures add up");
        assert.deepEqual([(up.outputs.lastRun.value as { bytesFreed: number }).bytesFreed, (up.outputs.lastRun.value as { deleted: number }).deleted], [expected.bytes, 3]);
        // The images that stay pull completely, shared base included; the deleted ones do not, and their own blobs are gone.
        await assertPulls(e2e.emulator, image, E2E_TOKEN, { kept: ["v2", "v3"], gone: ["pr-1", "pr-2", ...gone.map((g) => g.digest)] });
        const pull = await pullImage(e2e.emulator.url, "acme", "apps/web", "v2", { token: E2E_TOKEN });
        assert.ok(pull.blobs.includes(expected.shared[0]), "the shared base is still served");
        for (const blob of expected.blobs) {
            const answer = await fetch(`${e2e.emulator.url}/v2/acme/apps/web/blobs/${blob}`, { headers: { authorization: `Bearer ${Buffer.from(E2E_TOKEN).toString("base64")}` } });
            assert.equal(answer.status, 404, `${blob} only the deleted images referenced is gone`);
        }
    });

    it("a registry URL that answers no manifest fails the preview and the up, naming the setting; nothing is deleted", async () => {
        e2e.emulator.admin.setNow(new Date(Date.now() - 60 * 86_400_000));
        e2e.emulator.admin.pushIndex(image, { tags: ["v1"], platforms: ["linux/amd64"] });
        const pr = e2e.emulator.admin.pushIndex(image, { tags: ["pr-1"], platforms: ["linux/amd64"] });
        e2e.emulator.admin.setNow(new Date());
        e2e.emulator.admin.pushImage(image, { tags: ["v2"] });
        e2e.emulator.admin.pushImage(image, { tags: ["v3"] });
        // A typo'd port: nothing answers there.
        await e2e.test.stack.setConfig("github-packages:registryUrl", { value: "http://127.0.0.1:1" });
        await e2e.test.stack.setConfig("github-packages:retries", { value: "0" });
        for (const run of [() => e2e.test.stack.preview({ diff: true }), () => e2e.test.stack.up()]) {
            const message = await failure(run());
            assert.match(message, /read none of its \d+ manifests from the container registry http:\/\/127\.0\.0\.1:1 \(github-packages:registryUrl\); nothing was deleted/);
            assert.match(message, /Check github-packages:registryUrl/);
            assert.ok(!message.includes(E2E_TOKEN), "the token is not in the error");
        }
        assert.equal(e2e.emulator.admin.requests().counts["packages/delete-package-version-for-org"] ?? 0, 0, "nothing was deleted");
        // The right URL again: the PR image goes.
        await e2e.test.stack.setConfig("github-packages:registryUrl", { value: e2e.emulator.url });
        await e2e.test.stack.up();
        assert.deepEqual(((await retentionState(e2e)).deleted as { versionId: number }[]).map((d) => d.versionId).includes(pr.versionId), true);
    });

    it("a refresh whose registry answers 503 fails naming the setting, and reports no image as broken", async () => {
        e2e.emulator.admin.pushIndex(image, { tags: ["v1"], platforms: ["linux/amd64"] });
        await e2e.test.stack.up();
        // The registry answers 503 to every manifest request (refresh configures the provider from state, so a config change would not apply).
        e2e.emulator.admin.addFault({ kind: "error", status: 503, operation: "registry/get-manifest" });
        const message = await failure(e2e.test.stack.refresh());
        assert.match(message, /could not check its images: The registry failed to give manifest sha256:[0-9a-f]{64} after \d+ attempts: it answered 503/);
        assert.match(message, /Nothing was changed in state\. Check github-packages:registryUrl \(now http:\/\/127\.0\.0\.1:\d+\)/);
        assert.deepEqual((await retentionState(e2e)).brokenImages, [], "a registry that does not answer is not drift");
    });

    it("refresh reports an image whose child another tool deleted, and a tag whose manifest is gone; fixed, the drift clears", async () => {
        const v1 = e2e.emulator.admin.pushIndex(image, { tags: ["v1"], platforms: ["linux/amd64", "linux/arm64"] });
        const v2 = e2e.emulator.admin.pushImage(image, { tags: ["v2"] });
        await e2e.test.stack.up();
        assert.equal(await outcome(() => e2e.test.stack.preview({ refresh: true, expectNoChanges: true })), undefined, "healthy: no drift");

        // Another tool deletes the arm64 child of v1, and v2's manifest goes missing from the registry.
        const arm64 = v1.children.find((c) => c.platform === "linux/arm64")!;
        e2e.emulator.admin.deleteVersion(web, arm64.versionId);
        e2e.emulator.admin.setManifestState(image, v2.digest, "missing");
        const drift = await outcome(() => e2e.test.stack.preview({ refresh: true, expectNoChanges: true }));
        assert.ok(drift, "the drift check fails");
        await e2e.test.stack.refresh();
        const broken = (await retentionState(e2e)).brokenImages as { tags: string[]; problem: string; missing: string[]; reason: string }[];
        assert.deepEqual(
            broken.map((b) => [b.tags, b.problem, b.missing]),
            [
                [["v1"], "missing-children", [arm64.digest]],
                [["v2"], "unreadable", []],
            ],
        );
        assert.match(broken[0].reason, /pulling v1 fails with "manifest unknown"/);
        assert.equal(e2e.emulator.admin.requests().counts["packages/delete-package-version-for-org"] ?? 0, 0, "nothing was deleted by the checks");

        // Mended (the child restored, the manifest pushed again): a refresh clears the drift.
        await new Octokit({ auth: E2E_TOKEN, baseUrl: e2e.emulator.url }).rest.packages.restorePackageVersionForOrg({
            org: "acme",
            package_type: "container",
            package_name: "apps/web",
            package_version_id: arm64.versionId,
        });
        e2e.emulator.admin.setManifestState(image, v2.digest, "present");
        await e2e.test.stack.refresh();
        assert.deepEqual((await retentionState(e2e)).brokenImages, []);
        await e2e.test.stack.up();
        assert.equal(await outcome(() => e2e.test.stack.preview({ expectNoChanges: true })), undefined);
    });
});

describe("e2e: one retention policy per package", function () {
    let e2e: E2E;

    afterEach(async () => e2e?.dispose());

    it("a VersionRetention skips a package with its own retention; two retentions of one package fail the run, naming both", async () => {
        e2e = await startE2E(async () => {
            const mode = new pulumi.Config().require("mode");
            // widgets keeps everything here; the glob's policy would delete its old versions.
            new PackageVersionRetention("widgets", { org: "acme", packageType: "npm", packageName: pulumi.output("widgets"), policy: { keepLatest: 100, maxDeletions: 1 } });
            const all = new VersionRetention("all-npm", { org: "acme", packages: ["npm/*"], policy: { keepLatest: 1, maxDeletions: 5 } });
            if (mode === "twice") {
                new PackageVersionRetention("widgets-again", { org: "acme", packageType: "npm", packageName: "widgets", policy: { keepLatest: 1, maxDeletions: 5 } });
            }
            return { skipped: all.skipped, packages: all.packages };
        });
        await e2e.test.stack.setConfig("mode", { value: "once" });
        const preview = await e2e.test.stack.preview();
        assert.match(preview.stdout, /all-npm:npm\/internal-utils/);
        assert.doesNotMatch(preview.stdout, /all-npm:npm\/widgets/, "widgets is left to its own retention");
        await e2e.test.stack.setConfig("mode", { value: "twice" });
        e2e.emulator.admin.resetRequests();
        const message = await failure(e2e.test.stack.preview());
        assert.match(message, /Package acme\/npm\/widgets has two retentions in this stack: "widgets-again" and "widgets"/);
        // The retention declared first is refused too: neither deletes anything.
        assert.match(message, /nothing is deleted from it until one is removed/);
        await assert.rejects(e2e.test.stack.up());
        const widgetsRequests = e2e.emulator.admin.requests().entries.filter((e) => e.path.includes("/npm/widgets/"));
        assert.deepEqual(widgetsRequests, [], "neither retention of widgets even listed it");
    });
});

describe("e2e: each image version is read again right before its DELETE (paced run, emulator registry)", function () {
    let e2e: E2E;
    const image = { org: "acme", name: "apps/api" };
    const api: PackageKey = { org: "acme", packageType: "container", name: "apps/api" };
    const active = () =>
        new Map(
            e2e.emulator.admin
                .snapshot()
                .orgs.find((o) => o.login === "acme")!
                .packages!.find((p) => p.name === api.name && p.packageType === "container")!
                .versions!.filter((v) => !v.deletedAt)
                .map((v) => [v.id!, v]),
        );
    const deletesOf = () =>
        e2e.emulator.admin
            .requests()
            .entries.filter((e) => e.method === "DELETE" && e.operation === "packages/delete-package-version-for-org")
            .map((e) => Number(e.path.split("/").pop()));

    beforeEach(async () => {
        e2e = await startE2E(async () => {
            const retention = new PackageVersionRetention("api", {
                org: "acme",
                packageType: "container",
                packageName: "apps/api",
                policy: { tagged: { include: ["pr-*"] }, protect: { tags: ["latest", "v*"] }, maxDeletions: 20 },
            });
            return { blocked: retention.blocked, lastRun: retention.lastRun };
        });
        await e2e.test.stack.setConfig("github-packages:registryUrl", { value: e2e.emulator.url });
        // One DELETE a second: the last one acts on a plan several seconds old.
        await e2e.test.stack.setConfig("github-packages:writesPerMinute", { value: "60" });
    });

    afterEach(async () => e2e?.dispose());

    it("latest moved onto a planned image after the first DELETE: that image and its children stay, reported; the rest go", async () => {
        const release = e2e.emulator.admin.pushImage(image, { tags: ["v1", "latest"] });
        const prs = [1, 2, 3, 4].map((n) => e2e.emulator.admin.pushImage(image, { tags: [`pr-${n}`] }));
        const pr6 = e2e.emulator.admin.pushIndex(image, { tags: ["pr-6"], platforms: ["linux/amd64", "linux/arm64"] });
        const up = e2e.test.stack.up();
        await eventually("the first DELETE reached the emulator", () => deletesOf().length >= 1, 60_000);
        e2e.emulator.admin.tagImage(image, pr6.digest, "latest");
        await up;

        const left = active();
        assert.deepEqual([...(left.get(pr6.versionId)?.tags ?? [])].sort(), ["latest", "pr-6"], "pr-6 carries latest and is not deleted");
        for (const kept of [release, pr6, ...pr6.children]) {
            assert.ok(left.has(kept.versionId), `${kept.digest} stays`);
        }
        for (const gone of prs) {
            assert.ok(!left.has(gone.versionId), `${gone.digest} is deleted`);
        }
        const sent = deletesOf();
        assert.deepEqual(
            sent.filter((id) => [pr6, ...pr6.children].some((v) => v.versionId === id)),
            [],
            "no DELETE was sent for pr-6 or its children",
        );
        assert.deepEqual(sent.sort(), prs.map((p) => p.versionId).sort());
        // What stays pulls completely, pr-6 with both platforms; the deleted PR images do not.
        assert.deepEqual(activeTags(e2e.emulator, "acme", "apps/api").sort(), ["latest", "pr-6", "v1"]);
        await assertPulls(e2e.emulator, image, E2E_TOKEN, { kept: ["v1", "latest", "pr-6"], gone: ["pr-1", "pr-2", "pr-3", "pr-4", ...prs.map((p) => p.digest)] });
        // Each DELETE went right after one GET of the same version: the check is in the DELETE's paced slot.
        const log = e2e.emulator.admin.requests().entries.filter((e) => e.path.includes("/versions/"));
        log.forEach((entry, i) => {
            if (entry.method === "DELETE") {
                assert.deepEqual([log[i - 1]?.method, log[i - 1]?.path], ["GET", entry.path], JSON.stringify(log.slice(Math.max(0, i - 2), i + 1)));
            }
        });
        const state = await retentionState(e2e);
        const blocked = state.blocked as { versionId: number; blockedBy: string; reason: string }[];
        const found = blocked.find((b) => b.versionId === pr6.versionId);
        assert.equal(found?.blockedBy, "changed", JSON.stringify(blocked));
        assert.match(found!.reason, /tags changed since the plan \(planned: pr-6; now: (latest, pr-6|pr-6, latest)\)/);
    });

    it("a planned image someone else deleted meanwhile is not DELETEd, and is reported missing", async () => {
        const prs = [1, 2, 3].map((n) => e2e.emulator.admin.pushImage(image, { tags: [`pr-${n}`] }));
        e2e.emulator.admin.pushImage(image, { tags: ["v1", "latest"] });
        const up = e2e.test.stack.up();
        await eventually("the first DELETE reached the emulator", () => deletesOf().length >= 1, 60_000);
        e2e.emulator.admin.deleteVersion(api, prs[2].versionId);
        await up;
        assert.deepEqual(deletesOf().sort(), [prs[0].versionId, prs[1].versionId].sort(), "no DELETE for the version already gone");
        const blocked = (await retentionState(e2e)).blocked as { versionId: number; blockedBy: string; reason: string }[];
        assert.deepEqual(
            blocked.map((b) => [b.versionId, b.blockedBy]),
            [[prs[2].versionId, "missing"]],
        );
        assert.match(blocked[0].reason, /gone before its DELETE/);
    });
});
