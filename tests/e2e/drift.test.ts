import { strict as assert } from "node:assert";
import { ORG_PACKAGE_TYPE } from "pulumi-github-packages";
import type { Emulator } from "../../emulator";
import { E2E, keyOf as key, outcome, Ref, startE2E } from "../support/e2e";

const gateway = { org: "acme", packageType: "container", packageName: "platform/api-gateway" } as const;
const widgets = { org: "acme", packageType: "npm", packageName: "widgets" } as const;
const stale = { org: "acme", packageType: "docker", packageName: "legacy-service" } as const;



function active(emulator: Emulator, ref: Ref) {
    const org = emulator.admin.snapshot().orgs.find((o) => o.login === ref.org);
    return org?.packages?.find((p) => p.name === ref.packageName && p.packageType === ref.packageType && !p.deletedAt);
}


/** One out-of-band change and what the checks must show of it. */
interface DriftCase {
    /** What happened on GitHub. */
    name: string;
    /** Makes the change through the emulator's admin interface. */
    change(emulator: Emulator): void;
    /** What `preview --refresh --diff` must print. */
    shows: RegExp;
    /** Whether `pulumi up` accepts the drift, after which both checks pass again. */
    accepted: boolean;
}

const CASES: DriftCase[] = [
    {
        name: "a private package made public",
        change: (emulator) => emulator.admin.setVisibility(key(gateway), "public"),
        shows: /visibility\s*: "private" => "public"/,
        accepted: true,
    },
    {
        name: "a version published",
        change: (emulator) => emulator.admin.publishVersion(key(gateway), { name: "sha256:feedface" }),
        shows: /versionCount\s*: 2 => 3/,
        accepted: true,
    },
    {
        name: "a version deleted",
        change: (emulator) => emulator.admin.deleteVersion(key(gateway), active(emulator, gateway)!.versions![0].id!),
        shows: /versionCount\s*: 2 => 1/,
        accepted: true,
    },
    {
        name: "the repository link removed",
        change: (emulator) => emulator.admin.setRepository(key(gateway), null),
        shows: /- repository\s*: "acme\/platform"/,
        accepted: true,
    },
    {
        name: "the package deleted",
        change: (emulator) => emulator.admin.deletePackage(key(gateway)),
        shows: /OrgPackage: \(refresh\)[\s\S]*platform\/api-gateway/,
        accepted: false,
    },
    {
        name: "the package replaced by another one under the name",
        change: (emulator) => {
            emulator.admin.deletePackage(key(gateway));
            emulator.admin.publishPackage("acme", { name: gateway.packageName, packageType: gateway.packageType });
        },
        shows: /packageId\s*: 100003 => 1\d+[\s\S]*status\s*: "present" => "replaced"/,
        accepted: true,
    },
];

describe("e2e: drift fails the CI checks (preview --refresh and refresh, --expect-no-changes)", function () {
    let e2e: E2E;

    beforeEach(async () => {
        e2e = await startE2E();
        await e2e.declare([
            { resource: "gateway", args: { ...gateway, deleteOnDestroy: true } },
            { resource: "widgets", args: widgets },
            { resource: "stale", args: { ...stale, ensure: "absent" } },
        ]);
        await e2e.test.stack.up();
    });

    afterEach(async () => e2e?.dispose());

    const previewCheck = () => e2e.test.stack.preview({ refresh: true, expectNoChanges: true, diff: true });
    const refreshCheck = () => e2e.test.stack.refresh({ expectNoChanges: true });

    it("passes both checks on a clean stack, twice", async () => {
        for (let i = 0; i < 2; i++) {
            assert.equal(await outcome(previewCheck), undefined);
            assert.equal(await outcome(refreshCheck), undefined);
        }
    });

    for (const drift of CASES) {
        it(`${drift.name}: both checks fail with the property's old and new values, until up ${drift.accepted ? "accepts it" : "is run"}`, async () => {
            drift.change(e2e.emulator);
            const preview = await outcome(previewCheck);
            assert.ok(preview, "preview --refresh --expect-no-changes must fail");
            assert.match(preview, drift.shows);
            const refresh = await outcome(refreshCheck);
            assert.ok(refresh, "refresh --expect-no-changes must fail");
            if (!drift.accepted) {
                return;
            }
            assert.ok(await outcome(refreshCheck), "a second refresh still reports the drift: state keeps the baseline");
            const before = active(e2e.emulator, gateway)?.id;
            await e2e.test.stack.up();
            assert.equal(active(e2e.emulator, gateway)?.id, before, "up never deletes the package it found under the name");
            assert.equal(await outcome(previewCheck), undefined, "up accepted the drift");
            assert.equal(await outcome(refreshCheck), undefined);
            const state = await e2e.test.stack.exportStack();
            const resource = state.deployment.resources.find((r: { type: string; id?: string }) => r.type === ORG_PACKAGE_TYPE && r.id?.endsWith("platform/api-gateway"));
            assert.equal(resource.outputs.packageId, before, "the package GitHub shows now is the accepted one");
            assert.deepEqual(resource.outputs.baseline, {}, "nothing differs from the baseline, so state stores none of it");
            assert.equal(resource.outputs.status, "present");
        });
    }

    it("a package published again under a name declared absent fails the checks, and up deletes it", async () => {
        const republished = e2e.emulator.admin.publishPackage("acme", { name: stale.packageName, packageType: stale.packageType });
        const preview = await outcome(previewCheck);
        assert.match(String(preview), /status\s*: "absent" => "present"/);
        assert.ok(await outcome(refreshCheck));
        await e2e.test.stack.up();
        assert.equal(active(e2e.emulator, stale), undefined, `the republished package ${republished.id} is gone again`);
        assert.equal(await outcome(previewCheck), undefined);
    });
});

describe("e2e: drift beside the stack's own retention (watchVersions: false)", function () {
    let e2e: E2E;

    afterEach(async () => e2e?.dispose());

    const utils = { org: "acme", packageType: "npm", packageName: "internal-utils" } as const;

    it("both checks pass after up deleted versions through the retention; a visibility change still fails them", async () => {
        e2e = await startE2E(async () => {
            const { OrgPackage, PackageVersionRetention } = await import("pulumi-github-packages");
            new OrgPackage("utils", { ...utils, watchVersions: false });
            new PackageVersionRetention("utils-versions", { ...utils, policy: { keepLatest: 1, maxDeletions: 10 } });
        });
        const versions = () => active(e2e.emulator, utils)!.versions!.filter((v) => !v.deletedAt).length;
        const before = versions();
        const up = await e2e.test.stack.up();
        assert.equal(versions(), 1, `the retention kept 1 of ${before}: ${up.stdout}`);
        assert.equal(await outcome(() => e2e.test.stack.preview({ refresh: true, expectNoChanges: true, diff: true })), undefined, "the stack's own deletions are not drift");
        assert.equal(await outcome(() => e2e.test.stack.refresh({ expectNoChanges: true })), undefined);
        e2e.emulator.admin.setVisibility(key(utils), "public");
        const drift = await outcome(() => e2e.test.stack.preview({ refresh: true, expectNoChanges: true, diff: true }));
        assert.match(String(drift), /visibility\s*: "private" => "public"/);
    });
});
