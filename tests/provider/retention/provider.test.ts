import { strict as assert } from "node:assert";
import type { Emulator, PackageKey } from "../../../emulator";
import { checkRetentionInputs } from "../../../provider/retention/inputs";
import { VersionRetentionInputs, VersionRetentionState } from "../../../provider/retention/state";
import { VersionRetentionProvider } from "../../../provider/retention/provider";
import { viewOf } from "../../../provider/retention/check";
import { planRetention } from "../../../provider/retention/plan";
import { PackageVersionsApi } from "../../../provider/github/versions";
import { startDemo, TOKENS } from "../../emulator/support";
import { providerFor, rejection } from "../../support/provider";

const pkg: PackageKey = { org: "acme", packageType: "npm", name: "retained" };
const ref = { org: "acme", packageType: "npm", packageName: "retained" } as const;

/** Publishes `count` versions 1.0.0, 1.0.1, ... one day apart, ending now (real time: the provider plans with it). */
function publish(emulator: Emulator, count: number): Map<string, number> {
    emulator.admin.setNow(new Date(Date.now() - count * 86_400_000));
    emulator.admin.publishPackage(pkg.org, { name: pkg.name, packageType: "npm", versions: [{ name: "1.0.0" }] });
    for (let i = 1; i < count; i++) {
        emulator.admin.advance("1d");
        emulator.admin.publishVersion(pkg, { name: `1.0.${i}` });
    }
    emulator.admin.setNow(new Date());
    return active(emulator);
}

function active(emulator: Emulator): Map<string, number> {
    const org = emulator.admin.snapshot().orgs.find((o) => o.login === pkg.org)!;
    const found = org.packages!.find((p) => p.name === pkg.name && p.packageType === "npm" && !p.deletedAt);
    return new Map((found?.versions ?? []).filter((v) => !v.deletedAt).map((v) => [v.name!, v.id!]));
}

/** Runs `run` with console.warn captured: its result and what it warned, a line each. */
async function capturingWarnings<T>(run: () => Promise<T>): Promise<{ result: T; warnings: string }> {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (message: string) => warnings.push(message);
    try {
        return { result: await run(), warnings: warnings.join("\n") };
    } finally {
        console.warn = warn;
    }
}

/** GitHub's id of the active package under the name. */
function activePackageId(emulator: Emulator): number {
    return emulator.admin.snapshot().orgs.find((o) => o.login === pkg.org)!.packages!.find((p) => p.name === pkg.name && p.packageType === "npm" && !p.deletedAt)!.id!;
}

function deletes(emulator: Emulator): number {
    return emulator.admin.requests().counts["packages/delete-package-version-for-org"] ?? 0;
}

/** `count` npm versions 1.0.0, 1.0.1, ... an hour apart from 2025-01-01. */
function hourlyVersions(count: number) {
    return Array.from({ length: count }, (_, i) => ({
        versionId: i + 1,
        name: `1.0.${i}`,
        tags: [],
        createdAt: new Date(Date.UTC(2025, 0, 1) + i * 3_600_000).toISOString(),
        updatedAt: new Date(Date.UTC(2025, 0, 1)).toISOString(),
    }));
}

describe("provider/retention/provider", () => {
    describe("checkRetentionInputs", () => {
        const cases: [string, Record<string, unknown>, RegExp][] = [
            ["an unknown input, naming the nearest", { ...ref, policy: { keepLatest: 1 }, polcy: {} }, /polcy is not an input of PackageVersionRetention; did you mean "policy"/],
            ["a missing policy", { ...ref }, /policy is required/],
            ["a policy field with its path", { ...ref, policy: { keepLatest: -1 } }, /keepLatest must be a whole number >= 0/],
            ["the registry's rules (tags on npm)", { ...ref, policy: { tagged: {} } }, /npm versions have no tags/],
            ["restore that is not a list of ids", { ...ref, policy: { keepLatest: 1 }, restore: [0] }, /restore must be "all" or a non-empty list of version ids/],
            ["an empty restore", { ...ref, policy: { keepLatest: 1 }, restore: [] }, /restore must be "all"/],
            ["a bad org", { ...ref, org: "-acme", policy: { keepLatest: 1 } }, /org/],
        ];
        for (const [what, inputs, message] of cases) {
            it(`refuses ${what}`, () => {
                const failures = checkRetentionInputs(inputs as unknown as VersionRetentionInputs);
                assert.ok(failures.some((f) => message.test(f.reason)), JSON.stringify(failures));
            });
        }

        it("prefixes policy failures with policy.", () => {
            const [failure] = checkRetentionInputs({ ...ref, policy: { keepLatest: 1, olderThan: "6m" } });
            assert.equal(failure.property, "policy.olderThan");
        });

        it("accepts the outputs the SDK registers as undefined, and checks values not yet known at up", () => {
            const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
            assert.deepEqual(checkRetentionInputs({ ...ref, policy: { keepLatest: 1 }, deleted: undefined, lastRun: undefined } as unknown as VersionRetentionInputs), []);
            assert.deepEqual(checkRetentionInputs({ ...ref, packageName: unknown, policy: { keepLatest: 1 } }), []);
            assert.deepEqual(checkRetentionInputs({ ...ref, policy: { keepLatest: 1, olderThan: unknown } as never }), []);
        });
    });

    describe("viewOf", () => {
        it("lists every deletion and at most 10 kept versions, protect rules first; the summary counts them all", () => {
            const versions = hourlyVersions(120);
            const view = viewOf(
                planRetention({ keepLatest: 60, maxDeletions: 60, protect: { versions: ["1.0.3"] } }, versions, { packageType: "npm", now: new Date(Date.UTC(2025, 1, 1)) }),
            );
            assert.deepEqual(view.delete.map((d) => d.id), [1, 2, 3, ...Array.from({ length: 56 }, (_, i) => i + 5)], "every deletion, oldest first");
            assert.deepEqual(view.delete[0], { id: 1, version: "1.0.0", rule: "keepLatest", reason: "not among the 60 most recent versions" });
            assert.equal(view.keep.length, 10);
            assert.deepEqual([view.keep[0].version, view.keep[0].rule], ["1.0.3", "protect-version"]);
            assert.match(view.summary, /^120 active versions: delete 59 \(size unknown\), keep 61 \(60 keep-latest, 1 protect-version\), the first 10 listed, blocked 0; cap 60\.$/);
            assert.equal(view.bytesFreed, null, "no sizes for npm: unknown, never 0");
            assert.ok(view.delete.every((d) => !("bytes" in d)));
            const none = viewOf(planRetention({ keepLatest: 200 }, versions, { packageType: "npm", now: new Date(Date.UTC(2025, 1, 1)) }), versions);
            assert.deepEqual([none.bytesFreed, /delete 0 \(frees 0 B\)/.test(none.summary)], [0, true], "deleting nothing frees nothing, in any registry");
        });

        it("says how many versions a drain leaves for the next runs, and shows the policy's warnings", () => {
            const versions = hourlyVersions(30);
            const view = viewOf(
                planRetention({ keepLatest: 5, maxDeletions: 10, drain: true, protect: { versions: ["^1\\.0\\.3$"] } }, versions, { packageType: "npm", now: new Date(Date.UTC(2025, 1, 1)) }),
            );
            assert.deepEqual(view.delete.map((d) => d.id), Array.from({ length: 10 }, (_, i) => i + 1), "the 10 oldest");
            assert.equal(view.deferred, 15);
            assert.match(view.summary, /; cap 10; drain: 15 more wait for the next runs\. Warning: protect\.versions\[0\] "\^1\\\.0\\\.3\$" is a glob that reads like a regular expression/);
            assert.equal(view.warnings?.length, 1);
        });
    });

    describe("with the emulator", () => {
        let emulator: Emulator;
        let provider: VersionRetentionProvider;

        beforeEach(async () => {
            emulator = await startDemo();
            provider = await providerFor(emulator, TOKENS.admin, { writesPerMinute: "150" }, () => new VersionRetentionProvider());
        });

        afterEach(() => emulator.close());

        /** check then create, as `pulumi up` does. */
        async function up(inputs: VersionRetentionInputs, olds?: VersionRetentionState): Promise<VersionRetentionState> {
            const checked = await provider.check({} as VersionRetentionInputs, inputs);
            assert.deepEqual(checked.failures ?? [], []);
            return olds ? (await provider.update("id", olds, checked.inputs!)).outs! : (await provider.create(checked.inputs!)).outs!;
        }

        it("lists the package once per check and update together, one request per page of 100", async () => {
            publish(emulator, 250);
            const before = emulator.admin.requests().counts;
            await up({ ...ref, policy: { keepLatest: 248, maxDeletions: 5 } });
            const counts = emulator.admin.requests().counts;
            const listed = (counts["packages/get-all-package-versions-for-package-owned-by-org"] ?? 0) - (before["packages/get-all-package-versions-for-package-owned-by-org"] ?? 0);
            const listings = emulator.admin
                .requests()
                .entries.filter((e) => e.operation === "packages/get-all-package-versions-for-package-owned-by-org")
                .map((e) => `${e.query} ${e.status ?? e.outcome}`);
            assert.equal(listed, 3, `250 versions: 3 pages, listed by check and reused by update; listed: ${listings.join(", ")}`);
            const gets = (counts["packages/get-package-for-organization"] ?? 0) - (before["packages/get-package-for-organization"] ?? 0);
            assert.equal(gets, 1, "the package's id is read once, by update");
            assert.equal(deletes(emulator), 2);
        });

        it("a package replaced out of band: the policy follows the new one, and restore refuses the old one's versions with the cause, before any restore request", async () => {
            publish(emulator, 3);
            const policy = { keepLatest: 1 };
            const first = await up({ ...ref, policy });
            assert.equal(first.deleted.length, 2);
            const oldId = first.packageId!;
            // Deleted and published again out of band: the name now holds another package.
            emulator.admin.deletePackage(pkg);
            emulator.admin.publishPackage(pkg.org, { name: pkg.name, packageType: "npm", versions: [{ name: "2.0.0" }] });
            const newId = activePackageId(emulator);
            const restores = () => emulator.admin.requests().counts["packages/restore-package-version-for-org"] ?? 0;
            // A refresh follows the new package and says so; the old records keep their package's id.
            const refreshed = await capturingWarnings(() => provider.read("id", first));
            assert.equal(refreshed.result.props!.packageId, newId);
            assert.deepEqual(refreshed.result.props!.deleted.map((r) => r.packageId), [oldId, oldId]);
            assert.match(refreshed.warnings, new RegExp(`another package than at the last run \\(GitHub id ${newId}, was ${oldId}`));
            assert.equal(first.deleted[0].packageId, undefined, "the state read is not changed in place");
            // A restore set right after the replacement fails the preview's diff (it reads which package holds the name)...
            const restoring = await provider.check(first as unknown as VersionRetentionInputs, { ...ref, policy, restore: "all" });
            const refusedNow = await rejection(provider.diff("id", first, restoring.inputs!));
            assert.match(refusedNow.message, new RegExp(`restore: "all" finds no version of package ${newId} to restore: .* were deleted from package ${oldId}, which no longer holds the name \\(it is now package ${newId}\\).*Nothing was restored; remove restore`));
            assert.equal(refusedNow.stack, "", "a user error: no stack frames");
            // ...and an update that meets it anyway (the package replaced after the preview) restores nothing into the new package.
            const left = await capturingWarnings(() => provider.update("id", first, restoring.inputs!));
            assert.match(left.warnings, new RegExp(`another package than at the last run \\(GitHub id ${newId}, was ${oldId}`));
            assert.match(left.warnings, /restore: "all" leaves 2 versions/);
            assert.equal(left.result.outs!.lastRun!.restored, 0);
            assert.equal(restores(), 0);
            // A run without restore follows the new package, says so, and keeps the old records marked with their package.
            const { result: second, warnings } = await capturingWarnings(() => up({ ...ref, policy }, first));
            assert.equal(second.packageId, newId);
            assert.match(warnings, new RegExp(`another package than at the last run \\(GitHub id ${newId}, was ${oldId}.*the 2 versions this resource deleted from package ${oldId} are not restored by it`));
            assert.deepEqual(second.deleted.map((r) => r.packageId), [oldId, oldId]);
            // Naming an old version fails the preview's diff; "all" finds nothing of the new package to restore and says why.
            const named = await rejection(provider.diff("id", second, { ...ref, policy, restore: [second.deleted[0].versionId] }));
            assert.match(named.message, new RegExp(`1\\.0\\.0 \\(id ${second.deleted[0].versionId}\\) was deleted from package ${oldId}, which no longer holds the name \\(it is now package ${newId}\\).*restoreOrgPackage\\(\\{ org: "acme", packageType: "npm", packageName: "retained", packageId: ${oldId} \\}\\)`));
            const all = await rejection(provider.diff("id", second, { ...ref, policy, restore: "all" }));
            assert.match(all.message, /1\.0\.0 \(id \d+\), 1\.0\.1 \(id \d+\) were deleted from package/);
            assert.equal(restores(), 0);
            assert.deepEqual([...active(emulator).keys()], ["2.0.0"], "the new package's only version is kept");
        });

        it("deletes only versions the checked plan named, even when more are selected by update time", async () => {
            const before = publish(emulator, 6);
            const checked = await provider.check({} as VersionRetentionInputs, { ...ref, policy: { keepLatest: 4, maxDeletions: 5 } });
            assert.deepEqual(checked.inputs!.plan!.delete.map((d) => d.id), [before.get("1.0.0"), before.get("1.0.1")]);
            // Two more versions are published after the preview: 1.0.2 and 1.0.3 fall out of the newest 4.
            emulator.admin.publishVersion(pkg, { name: "1.0.6" });
            emulator.admin.publishVersion(pkg, { name: "1.0.7" });
            // The update lists again (no listing kept for another provider), plans, and deletes the intersection.
            const fresh = await providerFor(emulator, TOKENS.admin, { writesPerMinute: "150" }, () => new VersionRetentionProvider());
            const { outs } = await fresh.create(checked.inputs!);
            assert.deepEqual(outs!.deleted.map((d) => d.name), ["1.0.0", "1.0.1"]);
            assert.ok(active(emulator).has("1.0.2") && active(emulator).has("1.0.3"), "not named by the preview: kept for the next run");
        });

        it("reports a version someone else deleted first as missing, and never records it as its own", async () => {
            const before = publish(emulator, 5);
            const checked = await provider.check({} as VersionRetentionInputs, { ...ref, policy: { keepLatest: 2, maxDeletions: 5 } });
            emulator.admin.deleteVersion(pkg, before.get("1.0.1")!);
            const { outs } = await provider.create(checked.inputs!);
            assert.deepEqual(outs!.deleted.map((d) => d.name), ["1.0.0", "1.0.2"]);
            assert.deepEqual(outs!.blocked.map((b) => [b.name, b.blockedBy]), [["1.0.1", "missing"]]);
        });

        it("reports GitHub's 5,000-downloads refusal as blocked and carries on with the rest", async () => {
            const before = publish(emulator, 5);
            emulator.admin.setVisibility(pkg, "public");
            emulator.admin.setDownloads(pkg, before.get("1.0.1")!, 5001);
            const state = await up({ ...ref, policy: { keepLatest: 2, maxDeletions: 5 } });
            assert.deepEqual(state.deleted.map((d) => d.name), ["1.0.0", "1.0.2"]);
            assert.deepEqual(state.blocked.map((b) => [b.name, b.blockedBy]), [["1.0.1", "undeletable"]]);
            assert.match(state.blocked[0].reason, /protect it with protect\.versionIds/);
            assert.ok(active(emulator).has("1.0.1"));
        });

        it("remembers GitHub's refusal: the next runs send no DELETE for it while it stays as it was, and diff sees nothing pending", async () => {
            const before = publish(emulator, 5);
            emulator.admin.setVisibility(pkg, "public");
            emulator.admin.setDownloads(pkg, before.get("1.0.1")!, 5001);
            const policy = { keepLatest: 2, maxDeletions: 5 };
            const first = await up({ ...ref, policy });
            const refusal = first.blocked.find((b) => b.name === "1.0.1")!;
            assert.equal(refusal.blockedBy, "undeletable");
            assert.ok(refusal.refusedAt, "the refusal is dated");
            assert.deepEqual(refusal.tags, []);
            const sent = deletes(emulator);
            // The preview's check cannot see the state: it plans 1.0.1 again; diff and update know better.
            const checked = await provider.check({} as VersionRetentionInputs, { ...ref, policy });
            assert.deepEqual(checked.inputs!.plan!.delete.map((d) => d.version), ["1.0.1"]);
            assert.equal((await provider.diff("id", first, checked.inputs!)).changes, false);
            const second = (await provider.update("id", first, checked.inputs!)).outs!;
            assert.equal(deletes(emulator), sent, "no DELETE sent for the refused version");
            assert.deepEqual(second.blocked.map((b) => [b.name, b.blockedBy, b.refusedAt]), [["1.0.1", "undeletable", refusal.refusedAt]]);
            // Not selected any more (the policy keeps it), the memory stays: selected again later, it is still not sent.
            const third = await up({ ...ref, policy: { keepLatest: 4, maxDeletions: 5 } }, second);
            assert.deepEqual(third.blocked.map((b) => b.name), ["1.0.1"]);
            await up({ ...ref, policy }, third);
            assert.equal(deletes(emulator), sent);
            // Older records (no refusedAt) are tried again, once.
            await up({ ...ref, policy }, { ...third, blocked: third.blocked.map(({ refusedAt: _r, ...b }) => b) });
            assert.equal(deletes(emulator), sent + 1);
        });

        it("never plans the last version: blocked by default, kept with keep-newest", async () => {
            publish(emulator, 3);
            const state = await up({ ...ref, policy: { olderThan: "1h", maxDeletions: 5 } });
            assert.deepEqual(state.blocked.map((b) => [b.name, b.blockedBy]), [["1.0.2", "last-version"]]);
            assert.deepEqual([...active(emulator).keys()], ["1.0.2"], "two deleted, the newest left");
            const kept = await up({ ...ref, policy: { olderThan: "1h", maxDeletions: 5, lastVersion: "keep-newest" }, planOutput: "full" }, state);
            assert.deepEqual(kept.blocked, []);
            assert.deepEqual([kept.plan!.keep![0].version, kept.plan!.keep![0].rule], ["1.0.2", "last-version"]);
            assert.equal(deletes(emulator), 2);
        });

        it("deletes the whole package with lastVersion delete-package, unless the provider's protect list names it", async () => {
            publish(emulator, 3);
            const guarded = await providerFor(emulator, TOKENS.admin, { writesPerMinute: "150", protect: JSON.stringify(["npm/retained"]) }, () => new VersionRetentionProvider());
            const checked = await guarded.check({} as VersionRetentionInputs, { ...ref, policy: { olderThan: "1h", lastVersion: "delete-package", maxDeletions: 5 } });
            assert.equal(checked.inputs!.plan!.deletePackage, true);
            assert.match(checked.inputs!.plan!.summary, /^3 active versions: delete the whole package \(3 versions; size unknown\), keep 0/);
            const error = await rejection(guarded.create(checked.inputs!));
            assert.match(error.message, /protected by "npm\/retained"/);
            assert.equal(active(emulator).size, 3, "nothing deleted");

            const state = await up({ ...ref, policy: { olderThan: "1h", lastVersion: "delete-package", maxDeletions: 5 } });
            assert.equal(state.packageId, null);
            assert.equal(state.deleted.length, 3);
            assert.equal(active(emulator).size, 0);
        });

        it("after delete-package and a restore of the package by hand, a refresh follows it back: a fresh plan to delete it is pending, and restore \"all\" is possible", async () => {
            publish(emulator, 3);
            const policy = { olderThan: "1h", lastVersion: "delete-package", maxDeletions: 5 } as const;
            const state = await up({ ...ref, policy });
            const packageId = state.deleted[0].packageId!;
            assert.equal(state.packageId, null);
            assert.deepEqual(state.deleted.map((r) => r.packageId), [packageId, packageId, packageId], "the records name the package deleted with them");
            // Restoring versions of a package that is gone fails the preview, naming the call that brings the package back.
            const gone = await rejection(provider.diff("id", state, { ...ref, policy, restore: "all" }));
            assert.match(gone.message, new RegExp(`restoreOrgPackage\\(\\{ org: "acme", packageType: "npm", packageName: "retained", packageId: ${packageId} \\}\\)`));
            const response = await fetch(`${emulator.url}/orgs/acme/packages/npm/retained/restore`, { method: "POST", headers: { authorization: `token ${TOKENS.admin}` } });
            assert.equal(response.status, 204);
            // A refresh follows the package back: a fresh plan deleting it again is then a pending change (the preview shows it).
            const refreshed = (await provider.read("id", state)).props!;
            assert.equal(refreshed.packageId, packageId);
            const fresh = await provider.check(state as unknown as VersionRetentionInputs, { ...ref, policy });
            assert.equal(fresh.inputs!.plan!.deletePackage, true);
            assert.equal((await provider.diff("id", refreshed, fresh.inputs!)).changes, true);
            // Restore "all" passes the preview and finds the versions active (they came back with the package).
            assert.equal((await provider.diff("id", refreshed, { ...ref, policy, restore: "all" })).changes, true);
            const checked = await provider.check(refreshed as unknown as VersionRetentionInputs, { ...ref, policy, restore: "all" });
            const restored = (await provider.update("id", refreshed, checked.inputs!)).outs!;
            assert.equal(restored.deleted.length, 0);
            assert.equal(restored.restored.length, 3);
            assert.equal(emulator.admin.requests().counts["packages/restore-package-version-for-org"] ?? 0, 0, "active already: no version restore sent");
        });

        it("lists a container package again before deleting untagged versions: a kept index the first list skipped still keeps its children", async () => {
            const image = { org: "acme", name: "apps/web" };
            const web: PackageKey = { org: "acme", packageType: "container", name: "apps/web" };
            emulator.admin.setNow(new Date(Date.now() - 60 * 86_400_000));
            const release = emulator.admin.pushIndex(image, { tags: ["v1"], platforms: ["linux/amd64", "linux/arm64"] });
            const garbage = emulator.admin.pushImage(image, {});
            emulator.admin.setNow(new Date());
            emulator.admin.pushImage(image, { tags: ["v2"] });
            const graphProvider = await providerFor(emulator, TOKENS.admin, { writesPerMinute: "150", registryUrl: emulator.url }, () => new VersionRetentionProvider());
            const inputs: VersionRetentionInputs = { org: "acme", packageType: "container", packageName: "apps/web", policy: { untagged: {}, olderThan: "30d", maxDeletions: 10 } };
            // The first list skips the release index, as a page shifted by a deletion elsewhere would.
            const original = PackageVersionsApi.prototype.list;
            let calls = 0;
            PackageVersionsApi.prototype.list = async function (this: PackageVersionsApi, ...args: Parameters<PackageVersionsApi["list"]>) {
                const versions = await original.apply(this, args);
                return calls++ === 0 ? versions.filter((v) => v.versionId !== release.versionId) : versions;
            };
            try {
                const checked = await graphProvider.check({} as VersionRetentionInputs, inputs);
                const planned = checked.inputs!.plan!.delete.map((d) => d.id);
                assert.deepEqual(planned.sort(), [...release.children.map((c) => c.versionId), garbage.versionId].sort(), "the skipped list made the children look like garbage");
                const { outs } = await graphProvider.create(checked.inputs!);
                assert.deepEqual(outs!.deleted.map((d) => d.versionId), [garbage.versionId], "only the garbage went");
            } finally {
                PackageVersionsApi.prototype.list = original;
            }
            const left = new Set(emulator.admin.snapshot().orgs.find((o) => o.login === "acme")!.packages!.find((p) => p.name === web.name)!.versions!.filter((v) => !v.deletedAt).map((v) => v.id));
            assert.ok(release.children.every((c) => left.has(c.versionId)), "v1's children are still there");
        });

        it("a tag moved onto a planned container image between the preview and the delete keeps it", async () => {
            const image = { org: "acme", name: "apps/web" };
            emulator.admin.setNow(new Date(Date.now() - 60 * 86_400_000));
            const pr = emulator.admin.pushImage(image, { tags: ["pr-1"] });
            emulator.admin.setNow(new Date());
            emulator.admin.pushImage(image, { tags: ["v2"] });
            const graphProvider = await providerFor(emulator, TOKENS.admin, { writesPerMinute: "150", registryUrl: emulator.url }, () => new VersionRetentionProvider());
            const checked = await graphProvider.check({} as VersionRetentionInputs, {
                org: "acme",
                packageType: "container",
                packageName: "apps/web",
                policy: { tagged: { include: ["pr-*"] }, olderThan: "30d", protect: { tags: ["v*"] }, maxDeletions: 10 },
            });
            assert.deepEqual(checked.inputs!.plan!.delete.map((d) => d.id), [pr.versionId]);
            // Someone releases the PR image as v1.9 after the preview.
            emulator.admin.tagImage(image, pr.digest, "v1.9");
            const { outs } = await graphProvider.create(checked.inputs!);
            assert.deepEqual(outs!.deleted, [], "the image, now a release, stays");
        });

        describe("the check right before an image's DELETE", () => {
            const image = { org: "acme", name: "apps/web" };
            const inputs: VersionRetentionInputs = {
                org: "acme",
                packageType: "container",
                packageName: "apps/web",
                policy: { tagged: { include: ["pr-*"] }, olderThan: "30d", protect: { tags: ["v*"] }, maxDeletions: 10 },
            };
            let pr: { versionId: number; digest: string };
            let solo: { versionId: number; digest: string };
            let graphProvider: VersionRetentionProvider;

            beforeEach(async () => {
                emulator.admin.setNow(new Date(Date.now() - 60 * 86_400_000));
                pr = emulator.admin.pushImage(image, { tags: ["pr-1"] });
                solo = emulator.admin.pushImage({ org: "acme", name: "apps/solo" }, { tags: ["pr-9"] });
                emulator.admin.setNow(new Date());
                emulator.admin.pushImage(image, { tags: ["v2"] });
                graphProvider = await providerFor(emulator, TOKENS.admin, { writesPerMinute: "150", registryUrl: emulator.url }, () => new VersionRetentionProvider());
            });

            it("a ghost (deleteBroken.ghostImages) goes only after a second 404 in its slot: a registry that fails then keeps it", async () => {
                const ghostInputs: VersionRetentionInputs = { ...inputs, policy: { deleteBroken: { ghostImages: true }, maxDeletions: 10 } };
                emulator.admin.setManifestState(image, pr.digest, "missing");
                // Each run with its own registry client (the process keeps the manifests it read; a new setting makes a new client).
                const planned = async (retryBaseMs: string) => {
                    graphProvider = await providerFor(emulator, TOKENS.admin, { writesPerMinute: "150", registryUrl: emulator.url, retryBaseMs }, () => new VersionRetentionProvider());
                    const checked = await graphProvider.check({} as VersionRetentionInputs, ghostInputs);
                    assert.deepEqual(checked.inputs!.plan!.delete.map((d) => [d.id, d.rule]), [[pr.versionId, "ghost-image"]]);
                    return checked.inputs!;
                };
                // The registry fails when asked again in the DELETE's slot: unknown, not a ghost.
                const first = await planned("11");
                emulator.admin.addFault({ kind: "error", status: 503, path: "/v2/acme/apps/web/manifests/*", method: "HEAD" });
                const unknown = (await graphProvider.create(first)).outs!;
                emulator.admin.clearFaults();
                assert.deepEqual(unknown.deleted, []);
                assert.match(unknown.blocked.find((b) => b.versionId === pr.versionId)!.reason, /could not be asked for again before the DELETE/);
                // Still 404 in its slot: deleted.
                const second = await planned("12");
                const gone = (await graphProvider.create(second)).outs!;
                assert.deepEqual(gone.deleted.map((d) => d.versionId), [pr.versionId]);
                assert.equal(deletes(emulator), 1, "one DELETE, the confirmed ghost's");
            });

            it("a ghost whose manifest is served again before the update is not deleted", async () => {
                emulator.admin.setManifestState(image, pr.digest, "missing");
                const checked = await graphProvider.check({} as VersionRetentionInputs, { ...inputs, policy: { deleteBroken: { ghostImages: true }, maxDeletions: 10 } });
                assert.deepEqual(checked.inputs!.plan!.delete.map((d) => d.id), [pr.versionId]);
                emulator.admin.setManifestState(image, pr.digest, "present");
                const state = (await graphProvider.create(checked.inputs!)).outs!;
                assert.deepEqual(state.deleted, []);
                assert.deepEqual(state.lastRun!.skipped, [pr.versionId]);
                assert.equal(deletes(emulator), 0);
            });

            it("a GET that fails sends no DELETE: the run fails, nothing deleted", async () => {
                const checked = await graphProvider.check({} as VersionRetentionInputs, inputs);
                assert.deepEqual(checked.inputs!.plan!.delete.map((d) => d.id), [pr.versionId]);
                emulator.admin.addFault({ kind: "error", status: 502, operation: "packages/get-package-version-for-organization" });
                const error = await rejection(graphProvider.create(checked.inputs!));
                assert.match(error.message, /Retention stopped after it deleted 0 of 1 versions/);
                assert.equal(deletes(emulator), 0, "no DELETE was sent");
            });

            it("the whole-package deletion is read again in its slot: a tag moved onto its image after the relist keeps the package", async () => {
                const checked = await graphProvider.check({} as VersionRetentionInputs, {
                    ...inputs,
                    packageName: "apps/solo",
                    policy: { tagged: { include: ["pr-*"] }, olderThan: "30d", lastVersion: "delete-package", maxDeletions: 10 },
                });
                assert.equal(checked.inputs!.plan!.deletePackage, true, JSON.stringify(checked.inputs!.plan));
                // The package GET right before its DELETE is held; the tag moves meanwhile, after the update's relist.
                emulator.admin.addFault({ kind: "timeout", operation: "packages/get-package-for-organization", delayMs: 300 });
                const created = rejection(graphProvider.create(checked.inputs!));
                while (emulator.admin.faults()[0].matched < 1) {
                    await new Promise((resolve) => setTimeout(resolve, 5));
                }
                emulator.admin.tagImage({ org: "acme", name: "apps/solo" }, solo.digest, "latest");
                const error = await created;
                assert.match(error.message, /has other versions or tags than the plan named/);
                assert.equal(emulator.admin.requests().counts["packages/delete-package-for-org"] ?? 0, 0, "no package DELETE was sent");
            });

            it("a retried DELETE whose first answer was lost finds the version gone, and records it as its own", async () => {
                const checked = await graphProvider.check({} as VersionRetentionInputs, inputs);
                emulator.admin.addFault({ kind: "timeout", operation: "packages/delete-package-version-for-org", delayMs: 2500, nth: 1 });
                const { outs } = await graphProvider.create(checked.inputs!);
                assert.deepEqual(outs!.deleted.map((d) => d.versionId), [pr.versionId]);
                assert.deepEqual(outs!.blocked, []);
            });
        });

        it("records a version as its own when a retried DELETE finds it gone (the first answer was lost)", async () => {
            const before = publish(emulator, 4);
            // The first DELETE is answered after the client gave up (2 s): it deleted the version; the retry gets a 404.
            emulator.admin.addFault({ kind: "timeout", operation: "packages/delete-package-version-for-org", delayMs: 2500, nth: 1 });
            const state = await up({ ...ref, policy: { keepLatest: 3, maxDeletions: 5 } });
            assert.deepEqual(state.deleted.map((d) => d.versionId), [before.get("1.0.0")]);
            assert.deepEqual(state.blocked, []);
        });

        it("deletes a package whole only when it holds exactly the versions the preview named", async () => {
            publish(emulator, 3);
            const checked = await provider.check({} as VersionRetentionInputs, { ...ref, policy: { olderThan: "1h", lastVersion: "delete-package", maxDeletions: 5 } });
            assert.equal(checked.inputs!.plan!.deletePackage, true);
            emulator.admin.publishVersion(pkg, { name: "1.1.0" });
            const error = await rejection(provider.create(checked.inputs!));
            assert.match(error.message, /has other versions or tags than the plan named \(published, deleted or retagged since\); nothing was deleted/);
            assert.equal(active(emulator).size, 4);
        });

        it("a container package whose manifests all answer 404 (ghost images) plans, blocking, instead of blaming the settings", async () => {
            const image = { org: "acme", name: "apps/ghost" };
            emulator.admin.setNow(new Date(Date.now() - 60 * 86_400_000));
            const ghost = emulator.admin.pushImage(image, { tags: ["v1"] });
            emulator.admin.pushImage(image, {});
            emulator.admin.setNow(new Date());
            emulator.admin.setManifestState(image, ghost.digest, "missing");
            const graphProvider = await providerFor(emulator, TOKENS.admin, { registryUrl: emulator.url }, () => new VersionRetentionProvider());
            const checked = await graphProvider.check({} as VersionRetentionInputs, {
                org: "acme",
                packageType: "container",
                packageName: "apps/ghost",
                policy: { untagged: {}, olderThan: "30d", maxDeletions: 5 },
            });
            assert.deepEqual(checked.failures ?? [], []);
        });

        it("stores the plan once: the outputs keep the compact view unless planOutput is full, and a new planOutput is a change", async () => {
            publish(emulator, 4);
            const policy = { keepLatest: 2, maxDeletions: 5 };
            const checked = await provider.check({} as VersionRetentionInputs, { ...ref, policy });
            const whole = checked.inputs!.plan!;
            assert.equal(whole.keep.length, 2, "the inputs keep the whole plan: the preview shows it");
            const state = (await provider.create(checked.inputs!)).outs!;
            assert.deepEqual(Object.keys(state.plan!).sort(), Object.keys(whole).filter((k) => !["keep", "blocked", "countedThrough", "listedThrough"].includes(k)).sort());
            assert.deepEqual(state.plan!.delete, whole.delete, "the deletions stay in the outputs");
            assert.equal(state.plan!.summary, whole.summary);
            assert.equal(deletes(emulator), 2);
            // The last up's own plan, read back by a refresh, is not pending (compared compact on both sides).
            assert.equal((await provider.diff("id", state, checked.inputs!)).changes, false);
            // Asking for the whole plan is a change; the update deletes nothing more and keeps the whole plan.
            const full = await provider.check(checked.inputs!, { ...ref, policy, planOutput: "full" });
            assert.equal((await provider.diff("id", state, full.inputs!)).changes, true);
            const after = (await provider.update("id", state, full.inputs!)).outs!;
            assert.deepEqual(after.plan, full.inputs!.plan);
            assert.equal(deletes(emulator), 2);
            const wrong = await provider.check({} as VersionRetentionInputs, { ...ref, policy, planOutput: "summary" as never });
            assert.deepEqual(wrong.failures?.map((f) => f.property), ["planOutput"]);
            assert.match(wrong.failures![0].reason, /planOutput must be "compact" .* or "full" .*got "summary"/);
        });

        it("fails a missing package at check, saying how to name it", async () => {
            const error = await rejection(provider.check({} as VersionRetentionInputs, { ...ref, packageName: "acme-retained", policy: { keepLatest: 1 } }));
            assert.match(error.message, /does not exist \(or the token cannot see it\); its retention did nothing\. Give the package's name without an owner or repository prefix/);
            assert.equal(deletes(emulator), 0);
        });

        it("fails a package of an organization the token cannot see with that cause, not \"does not exist\"", async () => {
            const stranger = await providerFor(emulator, TOKENS.globexOnly, {}, () => new VersionRetentionProvider());
            const error = await rejection(stranger.check({} as VersionRetentionInputs, { ...ref, policy: { keepLatest: 1 } }));
            assert.match(error.message, /the token cannot list the npm packages of "acme" either, so the provider cannot tell whether the package exists/);
            assert.doesNotMatch(error.message, /does not exist/);
            assert.equal(deletes(emulator), 0);
        });

        it("restore: \"all\" takes the records within 30 days and ignores older ones; a refresh after refusals shows no pending change", async () => {
            const day = 86_400_000;
            const record = (versionId: number, daysAgo: number) => ({ versionId, name: `1.0.${versionId}`, tags: [], deletedAt: new Date(Date.now() - daysAgo * day).toISOString(), rule: "keepLatest" });
            publish(emulator, 1);
            const olds = { ...ref, policy: { keepLatest: 1 }, deleted: [record(1, 40), record(2, 5)], restored: [], blocked: [{ versionId: 9, name: "1.0.9", blockedBy: "last-version", reason: "" }], lastRun: null, brokenImages: [], packageId: activePackageId(emulator) } as unknown as VersionRetentionState;
            const restoring = await provider.diff("id", olds, { ...ref, policy: { keepLatest: 1 }, restore: "all" });
            assert.equal(restoring.changes, true);
            // A refresh diffs against the last up's inputs: its plan named 2 (deleted) and 9 (refused): nothing pending.
            const plan = { summary: "", delete: [2, 9].map((id) => ({ id, version: `1.0.${id}`, rule: "keepLatest", reason: "" })), keep: [], blocked: [], deletePackage: false };
            const refreshed = await provider.diff("id", { ...olds, plan }, { ...ref, policy: { keepLatest: 1 }, plan });
            assert.equal(refreshed.changes, false);
            // The same ids in a fresh plan (a preview's check after the cause of a refusal went away) are pending again.
            const fresh = await provider.diff("id", { ...olds, plan }, { ...ref, policy: { keepLatest: 1 }, plan: { ...plan, summary: "fresh" } });
            assert.equal(fresh.changes, true);
        });

        it("refuses in diff a restore of versions it did not delete, or deleted more than 30 days ago", async () => {
            publish(emulator, 1);
            const old = { ...ref, packageId: activePackageId(emulator), deleted: [{ versionId: 7, name: "1.0.0", tags: [], deletedAt: new Date(Date.now() - 31 * 86_400_000).toISOString(), rule: "keepLatest" }] } as unknown as VersionRetentionState;
            const inputs = { ...ref, policy: { keepLatest: 1 } };
            assert.match((await rejection(provider.diff("id", old, { ...inputs, restore: [8] }))).message, /restore names version 8, which this resource did not delete/);
            assert.match((await rejection(provider.diff("id", old, { ...inputs, restore: [7] }))).message, /only within 30 days of its deletion; 1\.0\.0 \(id 7/);
            // "all" newly set with every record past 30 days fails, naming them; still set from an earlier run, it does not.
            assert.match((await rejection(provider.diff("id", old, { ...inputs, restore: "all" }))).message, /restore: "all" finds no version .* 1\.0\.0 \(id 7, deleted .*cannot be restored any more/);
            await provider.diff("id", { ...old, restore: "all" } as VersionRetentionState, { ...inputs, restore: "all" });
        });
    });
});
