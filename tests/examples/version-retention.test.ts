import { strict as assert } from "node:assert";
import * as path from "node:path";
import type { Emulator, PackageKey, PushedImage } from "../../emulator";
import { createEmulator, DEMO_SEED_PATH, readSeedFile } from "../../emulator";
import { TOKENS } from "../emulator/support";
import { craneFor, installCrane, CRANE_INSTALL_TIMEOUT_MS } from "../support/crane";
import { printed, printedEntries } from "../support/plan";
import { activeTags, assertPulls, blobsOnlyIn } from "../support/pulls";
import { formatBytes } from "../../provider/retention/image-bytes";
import { createTestStack, REPO_ROOT, TestStack } from "../support/pulumi";

const EXAMPLE = path.join(REPO_ROOT, "examples", "version-retention");
const widgets: PackageKey = { org: "acme", packageType: "npm", name: "widgets" };
const gateway: PackageKey = { org: "acme", packageType: "container", name: "platform/api-gateway" };
const image = { org: "acme", name: "platform/api-gateway" };

/** Name (or tags, for tagged images) to id of the package's active versions, read through the emulator's admin interface. */
function active(emulator: Emulator, key: PackageKey): Map<string, number> {
    const org = emulator.admin.snapshot().orgs.find((o) => o.login === key.org)!;
    const found = org.packages!.find((p) => p.name === key.name && p.packageType === key.packageType && !p.deletedAt)!;
    return new Map(found.versions!.filter((v) => !v.deletedAt).map((v) => [v.tags?.length ? v.tags.join(",") : v.name!, v.id!]));
}

/** Every digest of a push: the top manifest and its children. */
function digests(pushed: PushedImage): string[] {
    return [pushed.digest, ...pushed.children.map((c) => c.digest)];
}

describe("examples/version-retention (end to end: CLI in the project directory, emulator with its registry)", () => {
    let emulator: Emulator;
    let test: TestStack;
    let release: PushedImage;
    let referrer: PushedImage;
    let prs: PushedImage[];
    let garbage: PushedImage;

    before(async function () {
        this.timeout(CRANE_INSTALL_TIMEOUT_MS);
        await installCrane();
    });

    beforeEach(async () => {
        // The clock runs at real time here: olderThan compares with the machine's clock.
        emulator = await createEmulator({ seed: readSeedFile(DEMO_SEED_PATH) });
        // Eight pre-releases of widgets, ten days apart, the newest 10 days old.
        emulator.admin.setNow(new Date(Date.now() - 80 * 86_400_000));
        for (let i = 1; i <= 8; i++) {
            emulator.admin.publishVersion(widgets, { name: `2.0.0-beta.${i}` });
            emulator.admin.advance("10d");
        }
        // The gateway, a month ago: a multi-arch release with buildx attestations, its cosign signature and an SBOM referrer;
        // then six multi-arch pull-request images a day apart (pr-1 also tagged as a release candidate), and one untagged leftover.
        emulator.admin.setNow(new Date(Date.now() - 30 * 86_400_000));
        // Every image is built FROM one base, whose layer (per platform) they share.
        release = emulator.admin.pushIndex(image, { tags: ["v4.0.0"], platforms: ["linux/amd64", "linux/arm64"], attestations: true, base: "alpine-3.20" });
        emulator.admin.pushSignature(image, release.digest);
        referrer = emulator.admin.pushReferrer(image, release.digest);
        garbage = emulator.admin.pushImage(image, { base: "alpine-3.20" });
        prs = [];
        for (let i = 1; i <= 6; i++) {
            emulator.admin.advance("1d");
            prs.push(
                emulator.admin.pushIndex(image, { tags: i === 1 ? ["pr-1", "v4.1.0-rc.1"] : [`pr-${i}`], platforms: ["linux/amd64", "linux/arm64"], attestations: true, base: "alpine-3.20" }),
            );
        }
        emulator.admin.setNow(new Date());
        test = await createTestStack({
            program: { dir: EXAMPLE },
            config: {
                org: { value: "acme" },
                "github-packages:apiUrl": { value: emulator.url },
                "github-packages:registryUrl": { value: emulator.url },
                "github-packages:token": { value: TOKENS.admin, secret: true },
                "github-packages:writesPerMinute": { value: "150" },
            },
        });
    });

    afterEach(async () => {
        test.dispose();
        await emulator.close();
    });

    it("previews each package's plan with rules and reasons, then up deletes exactly it; every kept tag still pulls", async () => {
        const widgetsBefore = active(emulator, widgets);
        const gatewayBefore = active(emulator, gateway);
        const preview = await test.stack.preview({ diff: true });
        // widgets: 10 versions, beta.1 to beta.8 ten days apart, the newest 10 days old. The five newest are kept
        // (beta.8, beta.7, 1.1.0, beta.6, beta.5); the pre-releases older than 30 days before them go.
        for (const beta of [1, 2, 3, 4]) {
            const entry = printed(preview.stdout, widgetsBefore.get(`2.0.0-beta.${beta}`));
            assert.equal(entry.rule, "olderThan and names");
            assert.match(entry.reason, new RegExp(`2\\.0\\.0-beta\\.${beta} is a pre-release; not among the 5 most recent versions$`));
        }
        // gateway: tagged.keepLatest ranks the PR images the rules select (older than 14 days, every tag pr-*): pr-6, pr-5
        // and pr-4 stay, whatever newer releases there are; pr-2 and pr-3 go with their children; pr-1 also carries a
        // release tag (a partial match), so it stays with its children.
        const pr2 = printed(preview.stdout, prs[1].versionId);
        assert.deepEqual([pr2.rule, pr2.tags], ["olderThan and tagged", ["pr-2"]]);
        assert.match(pr2.reason, /^created \d+ days ago \(olderThan 14d\); every tag matches \(pr-2\); not among the 3 most recent tagged versions selected by olderThan and tagged$/);
        // Its children are untagged and old, so the untagged rule selects them; the graph lets them go because pr-2 goes.
        const orphan = printed(preview.stdout, prs[1].children[1].versionId);
        assert.equal(orphan.rule, "olderThan and untagged");
        // The children of images that stay are kept by the graph, with the reason (the preview lists 10 kept versions).
        const graphKept = printedEntries(preview.stdout).filter((e) => e.rule === "image-graph");
        assert.ok(graphKept.length > 0 && graphKept.every((e) => / of kept tag (pr-1|pr-4|pr-5|pr-6|v4\.0\.0)/.test(e.reason)), JSON.stringify(graphKept));
        assert.match(preview.stdout, /keep \d+ \(3 keep-latest-tagged, \d+ image-graph, 1 partial-tag-match\)/);
        // pr-1 is kept as a partial match (counted in the summary; the preview lists the first 10 kept), never deleted.
        assert.ok(printedEntries(preview.stdout).every((e) => e.id !== prs[0].versionId || e.rule === "partial-tag-match"));
        const garbageEntry = printed(preview.stdout, garbage.versionId);
        assert.equal(garbageEntry.rule, "olderThan and untagged");
        assert.equal(emulator.admin.requests().counts["packages/delete-package-version-for-org"] ?? 0, 0, "the preview deletes nothing");
        // Bytes: the kept images are multi-arch, and the graph does not read their platform images (they stay whatever they
        // hold), so the figure is an upper bound, said so: it counts the alpine base, which kept platform images share.
        const expected = [...digests(prs[1]), ...digests(prs[2]), garbage.digest];
        const truth = blobsOnlyIn(emulator, image, expected);
        assert.ok(truth.shared.length >= 2, "the deleted images share the base with images that stay");
        const summary = /summary\s*: "\d+ active versions: delete \d+ \(frees at most ([\d.]+ \w+)\), keep/.exec(preview.stdout);
        assert.ok(summary, preview.stdout);
        assert.match(preview.stdout, /bytesNote\s*: "20 staying manifests unread \(may share layers\)"/, "the platform images and attestations of the 5 kept multi-arch images");
        // The npm packages: GitHub gives no sizes; the VersionRetention's line says so, and counts what it cannot size.
        assert.match(preview.stdout, /delete 4 \(size unknown\)/);
        const npmSummary = /npmSummary\s*: "(.*)"/.exec(preview.stdout)?.[1];
        assert.match(npmSummary ?? "", /^\d+ packages: delete 4 versions, size unknown for 1 of \d+ packages$/, preview.stdout);

        const up = await test.stack.up();
        assert.deepEqual(
            [...widgetsBefore.keys()].filter((n) => !active(emulator, widgets).has(n)),
            ["2.0.0-beta.1", "2.0.0-beta.2", "2.0.0-beta.3", "2.0.0-beta.4"],
        );
        // The component's retentions, one per npm package, each with its own outputs.
        const npmDeleted = up.outputs.npmDeleted.value as Record<string, string[]>;
        assert.deepEqual(Object.keys(npmDeleted).sort(), (up.outputs.npmPackages.value as string[]).slice().sort(), "a retention per npm package");
        assert.deepEqual(
            Object.fromEntries(Object.entries(npmDeleted).filter(([, names]) => names.length > 0).map(([key, names]) => [key, [...names].sort()])),
            { "npm/widgets": ["2.0.0-beta.1", "2.0.0-beta.2", "2.0.0-beta.3", "2.0.0-beta.4"] },
        );
        const deleted = (up.outputs.gatewayDeleted.value as { name: string }[]).map((d) => d.name).sort();
        assert.deepEqual(deleted, [...expected].sort(), "the deleted PR images, their children and the leftover, nothing else");
        const plan = up.outputs.gatewayPlan.value as { bytesFreed: number; bytesBound?: string; summary: string; delete: { bytes: number }[] };
        assert.equal(plan.bytesBound, "at-most");
        assert.equal(formatBytes(plan.bytesFreed), summary[1], "the summary writes the figure in binary units");
        assert.ok(plan.bytesFreed > truth.bytes, `at most ${plan.bytesFreed}: over what only the deleted images hold (${truth.bytes}), the bases they share counted`);
        assert.equal(plan.delete.reduce((sum, d) => sum + d.bytes, 0), plan.bytesFreed, "the per-version figures add up");
        // The bound holds every blob only the deleted images referenced and adds no more than the shared bases.
        assert.equal(plan.bytesFreed, truth.bytes + truth.sharedBytes);
        const left = new Set([...active(emulator, gateway).values()]);
        assert.deepEqual(
            [...gatewayBefore.values()].filter((id) => !left.has(id)).length,
            expected.length,
            "the organization agrees with the outputs",
        );

        // Every tag still there pulls completely: index, every child, every config and layer (like `docker pull
        // --all-platforms`), with the emulator's pull and with crane; the deleted images do not pull.
        const tags = activeTags(emulator, "acme", "platform/api-gateway");
        assert.ok(tags.includes("v4.0.0") && tags.includes("pr-5") && tags.includes("pr-4") && tags.includes("pr-1") && tags.includes("latest"), tags.join(" "));
        const gone = ["pr-2", "pr-3", ...expected];
        // The shared bases are still served for the kept images.
        for (const base of truth.shared) {
            const answer = await fetch(`${emulator.url}/v2/acme/platform/api-gateway/blobs/${base}`, { headers: { authorization: `Bearer ${Buffer.from(TOKENS.readonly).toString("base64")}` } });
            assert.equal(answer.status, 200, `shared base ${base} still served`);
        }
        await assertPulls(emulator, image, TOKENS.readonly, { kept: tags, gone });
        const crane = craneFor(emulator.url, TOKENS.readonly);
        try {
            // crane validates each platform image of the kept image tags: digests, sizes, diff ids. (Not the index as a
            // whole: crane v0.22.1 takes buildx attestation and cosign manifests for images and fails them, as it does on
            // ghcr.io; google/go-containerregistry#2409. The emulator's pull above covers those.)
            for (const tag of tags.filter((t) => !t.startsWith("sha256-"))) {
                const multiArch = [release, ...prs].some((pushed) => pushed.tags.includes(tag));
                for (const platform of multiArch ? ["linux/amd64", "linux/arm64"] : ["linux/amd64"]) {
                    const validate = await crane.run("validate", "--platform", platform, `--remote=${crane.registry}/acme/platform/api-gateway:${tag}`);
                    assert.equal(validate.code, 0, `crane validates ${tag} ${platform}: ${validate.stderr}`);
                }
            }
            for (const reference of [":pr-2", `@${prs[1].digest}`, `@${prs[1].children[0].digest}`]) {
                const refused = await crane.run("manifest", `${crane.registry}/acme/platform/api-gateway${reference}`);
                assert.notEqual(refused.code, 0, `crane cannot pull ${reference}`);
                assert.match(refused.stderr, /MANIFEST_UNKNOWN/);
            }
        } finally {
            crane.dispose();
        }
        assert.ok([...active(emulator, gateway).values()].includes(referrer.versionId), "the referrer of the kept release stays");

        const again = await test.stack.preview({ expectNoChanges: true });
        assert.equal(again.changeSummary?.update ?? 0, 0, "converged: the next preview has nothing to delete");
    });
});
