/**
 * Migrating from the cleanup tools (docs/migrating.md), end to end: for each tool, a typical
 * configuration translated as the guide says runs on a seeded package with the real engine, and
 * the versions gone from the emulator are exactly those the tool's documented semantics delete,
 * computed here from the tool's own rules (its README and source), not from this planner.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { PackageVersionRetention, RetentionPolicy, VersionRetention } from "pulumi-github-packages";
import type { Emulator, PackageKey } from "../../emulator";
import { E2E, failure, startE2E } from "../support/e2e";
import { printedEntries } from "../support/plan";

const DAY = 86_400_000;

/** The retention the program declares, from the stack config `retention`. */
const program: PulumiFn = async () => {
    const args = new pulumi.Config().requireObject<{ packageType: "npm" | "container"; packageName: string; policy: RetentionPolicy }>("retention");
    // The kept list is asserted after up: the outputs keep it only with planOutput "full".
    const retention = new PackageVersionRetention("migrated", { org: "acme", planOutput: "full", ...args });
    return { plan: retention.plan };
};

/** A version as the tools see it: id, name, tags, creation time. */
interface Listed {
    id: number;
    name: string;
    tags: string[];
    createdAt: number;
}

/** The package's active versions as the emulator holds them. */
function listed(emulator: Emulator, key: PackageKey): Listed[] {
    const org = emulator.admin.snapshot().orgs.find((o) => o.login === key.org)!;
    const found = org.packages!.find((p) => p.name === key.name && p.packageType === key.packageType && !p.deletedAt)!;
    return found.versions!.filter((v) => !v.deletedAt).map((v) => ({ id: v.id!, name: v.name!, tags: v.tags ?? [], createdAt: Date.parse(v.createdAt!) }));
}

const oldestFirst = (a: Listed, b: Listed) => a.createdAt - b.createdAt || a.id - b.id;
const ids = (versions: readonly { id: number }[]) => versions.map((v) => v.id).sort((a, b) => a - b);

/** snok's and dataaxiom's tag globs: `*` is any run of characters. */
function glob(pattern: string): RegExp {
    return new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
}

describe("e2e: migrating from the cleanup tools (docs/migrating.md)", function () {
    let e2e: E2E;

    beforeEach(async () => {
        e2e = await startE2E(program);
        await e2e.test.stack.setConfig("github-packages:registryUrl", { value: e2e.emulator.url });
    });

    afterEach(async () => e2e?.dispose());

    const run = async (packageType: "npm" | "container", packageName: string, policy: RetentionPolicy) => {
        await e2e.test.stack.setConfig("retention", { value: JSON.stringify({ packageType, packageName, policy }) });
        return e2e.test.stack.up();
    };

    it("actions/delete-package-versions: num-old-versions-to-delete drains, min-versions-to-keep ranks what ignore-versions leaves, package-version-ids selects", async () => {
        const key: PackageKey = { org: "acme", packageType: "npm", name: "migrated-actions" };
        const names = ["1.0.0", "1.0.1", "1.1.0-beta.1", "1.1.0", "2.0.0-rc.1", "2.0.0", "2.0.1", "2.1.0-beta.1", "2.1.0-beta.2", "2.1.0", "3.0.0", "3.0.1-rc.1"];
        e2e.emulator.admin.setNow(new Date(Date.now() - 120 * DAY));
        e2e.emulator.admin.publishPackage(key.org, { name: key.name, packageType: "npm", versions: [{ name: names[0] }] });
        for (const name of names.slice(1)) {
            e2e.emulator.admin.advance("5d");
            e2e.emulator.admin.publishVersion(key, { name });
        }
        e2e.emulator.admin.setNow(new Date());
        // ignore-versions: '^(0|[1-9]\d*)\.0\.0$' (the README's example: never delete a major release).
        const ignore = /^(0|[1-9]\d*)\.0\.0$/;
        const ignoreAsPattern = `/${ignore.source}/`;

        // Step 1, num-old-versions-to-delete: 3 with ignore-versions. The action: sort oldest first, drop the ignored, delete the first 3.
        let before = listed(e2e.emulator, key);
        let expected = before.sort(oldestFirst).filter((v) => !ignore.test(v.name)).slice(0, 3);
        // The guide: names.exclude selects what is not ignored; drain with maxDeletions 3 deletes the 3 oldest and leaves the rest.
        const up = await run("npm", key.name, { names: { exclude: [ignoreAsPattern] }, maxDeletions: 3, drain: true });
        assert.match(String((up.outputs.plan.value as { summary: string }).summary), /delete 3 \(size unknown\), .*cap 3; drain: \d+ more wait for the next runs\./);
        assert.deepEqual(ids(before.filter((v) => !listed(e2e.emulator, key).some((l) => l.id === v.id))), ids(expected));

        // Step 2, min-versions-to-keep: 3 with ignore-versions (the guide's worked example): of the versions not ignored,
        // all but the 3 newest go (at most 100).
        before = listed(e2e.emulator, key);
        const candidates = before.sort(oldestFirst).filter((v) => !ignore.test(v.name));
        expected = candidates.slice(0, Math.min(candidates.length - 3, 100));
        await run("npm", key.name, { names: { exclude: ["/^(0|[1-9]\\d*)\\.0\\.0$/"], keepLatest: 3 }, maxDeletions: 100, drain: true });
        let after = listed(e2e.emulator, key);
        assert.deepEqual(ids(before.filter((v) => !after.some((l) => l.id === v.id))), ids(expected));
        assert.ok(after.some((v) => v.name === "1.0.0") && after.some((v) => v.name === "2.0.0"), "the ignored majors stay");

        // Step 3, package-version-ids: those versions and no other.
        before = after;
        const chosen = before.filter((v) => v.name === "3.0.0");
        await run("npm", key.name, { select: { versionIds: chosen.map((v) => v.id) }, maxDeletions: 100 });
        after = listed(e2e.emulator, key);
        assert.deepEqual(ids(before.filter((v) => !after.some((l) => l.id === v.id))), ids(chosen));
    });

    it("snok/container-retention-policy v3: keep-n-most-recent keeps the newest of the selected images, after the cut-off", async () => {
        const image = { org: "acme", name: "migrated/snok" };
        const key: PackageKey = { org: "acme", packageType: "container", name: image.name };
        const push = (daysAgo: number, tags: string[]) => {
            e2e.emulator.admin.setNow(new Date(Date.now() - daysAgo * DAY));
            e2e.emulator.admin.pushImage(image, { tags });
        };
        // PR images over a month, releases newer than them, untagged leftovers, and a PR image also tagged latest.
        push(40, ["pr-1"]);
        push(36, []);
        push(35, ["pr-2"]);
        push(30, ["pr-3"]);
        push(25, ["pr-4", "latest"]);
        push(20, ["pr-5"]);
        push(15, ["pr-6"]);
        push(12, []);
        push(10, ["v1.0.0"]);
        push(3, ["pr-7"]);
        push(2, []);
        push(1, ["v1.1.0"]);
        e2e.emulator.admin.setNow(new Date());
        const before = listed(e2e.emulator, key);
        // image-tags: "pr-*", tag-selection: both, cut-off: 1w, keep-n-most-recent: 2, timestamp-to-use: created_at.
        // snok: versions older than the cut-off; tagged ones selected when every tag matches a positive filter; untagged all;
        // of the tagged selected, the 2 newest stay.
        const cutOff = Date.now() - 7 * DAY;
        const old = before.filter((v) => v.createdAt < cutOff);
        const tagged = old.filter((v) => v.tags.length > 0 && v.tags.every((t) => glob("pr-*").test(t))).sort(oldestFirst);
        const expected = [...tagged.slice(0, Math.max(0, tagged.length - 2)), ...old.filter((v) => v.tags.length === 0)];
        const up = await run("container", image.name, { tagged: { include: ["pr-*"], keepLatest: 2 }, untagged: {}, olderThan: "7d", ageFrom: "createdAt", maxDeletions: 50 });
        const after = listed(e2e.emulator, key);
        assert.deepEqual(ids(before.filter((v) => !after.some((l) => l.id === v.id))), ids(expected));
        // The two newest old PR images stay although releases are newer: the count ranks what the rules select.
        assert.deepEqual(after.filter((v) => v.tags.includes("pr-5") || v.tags.includes("pr-6")).length, 2);
        const view = up.outputs.plan.value as { keep: { rule: string; reason: string }[] };
        assert.ok(view.keep.some((k) => k.rule === "keep-latest-tagged" && /tagged versions selected by olderThan and tagged \(number 1\)/.test(k.reason)), JSON.stringify(view.keep));
    });

    it("dataaxiom/ghcr-cleanup-action: use-regex delete-tags with keep-n-tagged, exclude-tags, older-than", async () => {
        const image = { org: "acme", name: "migrated/dataaxiom" };
        const key: PackageKey = { org: "acme", packageType: "container", name: image.name };
        const push = (daysAgo: number, tags: string[]) => {
            e2e.emulator.admin.setNow(new Date(Date.now() - daysAgo * DAY));
            e2e.emulator.admin.pushImage(image, { tags });
        };
        push(50, ["v1.0"]);
        push(45, ["pr-10"]);
        push(40, ["pr-11"]);
        push(35, ["pr-11-debug"]);
        push(30, ["pr-12"]);
        push(28, []);
        push(25, ["pr-13"]);
        push(20, ["v1.1"]);
        push(4, ["pr-14"]);
        push(1, ["v1.2"]);
        e2e.emulator.admin.setNow(new Date());
        const before = listed(e2e.emulator, key);
        // use-regex: true, delete-tags: '^pr-\d+$', exclude-tags: '^v\d', keep-n-tagged: 2, older-than: 7 days.
        // dataaxiom: older-than restricts every rule; exclude-tags wins over every rule; keep-n-tagged keeps the newest N
        // of the images delete-tags selects; untagged images stay (delete-untagged is not set).
        const [deleteTags, excludeTags] = [/^pr-\d+$/, /^v\d/];
        const old = before.filter((v) => v.createdAt < Date.now() - 7 * DAY);
        const selected = old.filter((v) => v.tags.length > 0 && v.tags.every((t) => deleteTags.test(t)) && !v.tags.some((t) => excludeTags.test(t))).sort(oldestFirst);
        const expected = selected.slice(0, Math.max(0, selected.length - 2));
        const preview = await (async () => {
            await e2e.test.stack.setConfig("retention", {
                value: JSON.stringify({
                    packageType: "container",
                    packageName: image.name,
                    policy: { tagged: { include: ["/^pr-\\d+$/"], keepLatest: 2 }, protect: { tags: ["/^v\\d/"] }, olderThan: "7d", maxDeletions: 50 },
                }),
            });
            return e2e.test.stack.preview({ diff: true });
        })();
        const listedIds = new Set(printedEntries(preview.stdout).filter((e) => /every tag matches/.test(e.reason)).map((e) => e.id));
        assert.deepEqual([...listedIds].sort((a, b) => a - b), ids(expected), "the preview lists them");
        await e2e.test.stack.up();
        const after = listed(e2e.emulator, key);
        assert.deepEqual(ids(before.filter((v) => !after.some((l) => l.id === v.id))), ids(expected));
        assert.ok(after.some((v) => v.tags.includes("pr-11-debug")), "the regex is anchored: pr-11-debug does not match");
    });

    it("dataaxiom's delete-ghost-images, delete-partial-images, delete-orphaned-images: deleteBroken removes each, previewed with its reason", async () => {
        const image = { org: "acme", name: "migrated/broken" };
        const key: PackageKey = { org: "acme", packageType: "container", name: image.name };
        e2e.emulator.admin.setNow(new Date(Date.now() - 30 * DAY));
        const release = e2e.emulator.admin.pushIndex(image, { tags: ["v1"], platforms: ["linux/amd64", "linux/arm64"] });
        const releaseSig = e2e.emulator.admin.pushSignature(image, release.digest);
        // A ghost: GitHub lists it, the registry lost its manifest.
        const ghost = e2e.emulator.admin.pushImage(image, { tags: ["v0"] });
        e2e.emulator.admin.setManifestState(image, ghost.digest, "missing");
        // A partial image: one of its platform manifests is gone.
        const partial = e2e.emulator.admin.pushIndex(image, { tags: ["v0.9"], platforms: ["linux/amd64", "linux/arm64"] });
        e2e.emulator.admin.deleteVersion(key, partial.children[0].versionId);
        // An orphaned signature: its image was deleted by another tool.
        const gone = e2e.emulator.admin.pushImage(image, { tags: ["pr-1"] });
        const orphan = e2e.emulator.admin.pushSignature(image, gone.digest);
        e2e.emulator.admin.deleteVersion(key, gone.versionId);
        e2e.emulator.admin.setNow(new Date());
        const before = listed(e2e.emulator, key);
        await e2e.test.stack.setConfig("retention", {
            value: JSON.stringify({
                packageType: "container",
                packageName: image.name,
                policy: { deleteBroken: { ghostImages: true, partialImages: true, orphanedReferrers: true }, maxDeletions: 10 },
            }),
        });
        const preview = await e2e.test.stack.preview({ diff: true });
        const rules = new Map(printedEntries(preview.stdout).map((e) => [e.id, e.rule]));
        assert.equal(rules.get(ghost.versionId), "ghost-image");
        assert.equal(rules.get(partial.versionId), "partial-image");
        assert.equal(rules.get(orphan.versionId), "orphaned-referrer");
        await e2e.test.stack.up();
        const after = listed(e2e.emulator, key);
        const expected = [ghost, partial, partial.children[1], orphan];
        assert.deepEqual(ids(before.filter((v) => !after.some((l) => l.id === v.id))), ids(expected.map((v) => ({ id: v.versionId }))));
        for (const kept of [release, ...release.children, releaseSig]) {
            assert.ok(after.some((v) => v.id === kept.versionId), `${kept.digest} of the release stays`);
        }
    });

    it("a regex that could backtrack catastrophically is refused before any call, naming the field", async () => {
        await e2e.test.stack.setConfig("retention", {
            value: JSON.stringify({ packageType: "container", packageName: "apps/web", policy: { tagged: { include: ["/^([a-z0-9]+-?)+$/"] }, maxDeletions: 5 } }),
        });
        const error = await failure(e2e.test.stack.preview());
        assert.match(error, /policy\.tagged\.include\[0\]/);
        assert.match(error, /catastrophic backtracking/);
        assert.equal(e2e.emulator.admin.requests().counts["packages/get-all-package-versions-for-package-owned-by-org"] ?? 0, 0, "nothing was listed");
    });
});

describe("e2e: VersionRetention over container globs (snok's image-names: \"migrated/*\")", function () {
    let e2e: E2E;

    beforeEach(async () => {
        e2e = await startE2E(async () => {
            const retention = new VersionRetention("migrated", {
                org: "acme",
                packages: ["container/migrated/*"],
                policy: { tagged: { include: ["pr-*"], keepLatest: 1 }, untagged: {}, olderThan: "7d", protect: { tags: ["latest", "v*"] }, maxDeletions: 20 },
            });
            return { packages: retention.packages };
        });
        await e2e.test.stack.setConfig("github-packages:registryUrl", { value: e2e.emulator.url });
    });

    afterEach(async () => e2e?.dispose());

    it("plans each matched package with its image graph: kept images keep their children, deleted ones take theirs; other packages untouched", async () => {
        const push = (name: string, daysAgo: number, tags: string[]) => {
            e2e.emulator.admin.setNow(new Date(Date.now() - daysAgo * DAY));
            return e2e.emulator.admin.pushIndex({ org: "acme", name }, { tags, platforms: ["linux/amd64", "linux/arm64"], attestations: true });
        };
        const images: Record<string, ReturnType<typeof push>[]> = {};
        for (const name of ["migrated/api", "migrated/web", "elsewhere/api"]) {
            images[name] = [push(name, 40, ["v1"]), push(name, 30, ["pr-1"]), push(name, 20, ["pr-2"]), push(name, 1, ["latest"])];
        }
        e2e.emulator.admin.setNow(new Date());
        const versionsOf = (name: string) => listed(e2e.emulator, { org: "acme", packageType: "container", name });
        const before = Object.fromEntries(Object.keys(images).map((name) => [name, versionsOf(name)]));
        const up = await e2e.test.stack.up();
        assert.deepEqual([...(up.outputs.packages.value as string[])].sort(), ["container/migrated/api", "container/migrated/web"]);
        for (const name of ["migrated/api", "migrated/web"]) {
            const [release, pr1, pr2, latest] = images[name];
            const left = new Set(versionsOf(name).map((v) => v.id));
            // pr-1 goes with its platform manifests and attestations; pr-2 is the newest PR image selected (keepLatest 1).
            for (const gone of [pr1, ...pr1.children]) {
                assert.ok(!left.has(gone.versionId), `${name}: ${gone.digest} of pr-1 is deleted`);
            }
            for (const kept of [release, pr2, latest].flatMap((image) => [image, ...image.children])) {
                assert.ok(left.has(kept.versionId), `${name}: ${kept.digest} stays`);
            }
        }
        assert.deepEqual(ids(versionsOf("elsewhere/api")), ids(before["elsewhere/api"]), "a package the globs do not match is untouched");
    });
});
