import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { OrgPackage, PackageCleanup, VersionRetention } from "pulumi-github-packages";
import type { Emulator } from "../../emulator";
import { TOKENS } from "../emulator/support";
import { activeId, E2E, failure, keyOf as key, packagesInState, startE2E } from "../support/e2e";

const gateway = { org: "acme", packageType: "container", packageName: "platform/api-gateway" } as const;
const runner = { org: "acme", packageType: "container", packageName: "tools/ci-runner" } as const;
const stale = { org: "acme", packageType: "docker", packageName: "legacy-service" } as const;
const cli = { org: "acme", packageType: "rubygems", packageName: "acme-cli" } as const;



/** The GitHub id of the active package under the name, read through the emulator's admin interface. */

/** A JavaScript stack frame line ("    at main (/x/index.ts:3:9)"), which a program's own mistake should not print. */
const STACK_FRAME = /^\s+at .*:\d+:\d+\)?$/m;

function deletes(emulator: Emulator): number {
    return emulator.admin.requests().counts["packages/delete-package-for-org"] ?? 0;
}


describe("e2e: never delete the wrong package", function () {
    let e2e: E2E;

    beforeEach(async () => {
        e2e = await startE2E();
    });

    afterEach(async () => e2e?.dispose());

    it("destroy with deleteOnDestroy leaves a package that took the name after the adopted one was deleted", async () => {
        await e2e.declare([{ resource: "stale", args: { ...stale, deleteOnDestroy: true } }]);
        await e2e.test.stack.up();
        const adopted = activeId(e2e.emulator, stale);
        e2e.emulator.admin.deletePackage(key(stale));
        const newcomer = e2e.emulator.admin.publishPackage("acme", { name: stale.packageName, packageType: stale.packageType, visibility: "public" });
        const destroy = await e2e.test.stack.destroy();
        assert.match(destroy.stdout, new RegExp(`different package \\(GitHub id ${newcomer.id}; the stack adopted ${adopted}\\)`));
        assert.equal(activeId(e2e.emulator, stale), newcomer.id);
        assert.equal(deletes(e2e.emulator), 0);
        assert.equal((await packagesInState(e2e)).length, 0);
    });

    it("renaming a resource (no alias) with deleteOnDestroy keeps the package and state agrees", async () => {
        await e2e.declare([{ resource: "old-name", args: { ...stale, deleteOnDestroy: true } }]);
        await e2e.test.stack.up();
        const id = activeId(e2e.emulator, stale);
        await e2e.declare([{ resource: "new-name", args: { ...stale, deleteOnDestroy: true } }]);
        const up = await e2e.test.stack.up();
        assert.equal(up.summary.resourceChanges?.create, 1, up.stdout);
        assert.equal(up.summary.resourceChanges?.delete, 1, up.stdout);
        assert.match(up.stdout, /still declared present/);
        assert.equal(activeId(e2e.emulator, stale), id, "the package is still there, same id");
        assert.equal(deletes(e2e.emulator), 0);
        const state = await packagesInState(e2e);
        assert.deepEqual(state.map((r) => r.urn.split("::").pop()), ["new-name"]);
        assert.equal(state[0].outputs.status, "present");
        assert.equal(state[0].outputs.packageId, id);
    });

    it("the provider's protect list stops a delete when a protected resource leaves the program, and on destroy", async () => {
        await e2e.declare([
            { resource: "runner", args: { ...runner, deleteOnDestroy: true } },
            { resource: "cli", args: cli },
        ]);
        await e2e.test.stack.up();
        await e2e.test.stack.setConfig("github-packages:protect", { value: JSON.stringify(["container/tools/**"]) });
        await e2e.declare([{ resource: "cli", args: cli }]);
        const up = await failure(e2e.test.stack.up());
        assert.match(up, /protected by "container\/tools\/\*\*"/);
        assert.ok(activeId(e2e.emulator, runner));
        const destroy = await failure(e2e.test.stack.destroy());
        assert.match(destroy, /protected/);
        assert.ok(activeId(e2e.emulator, runner));
        assert.equal(deletes(e2e.emulator), 0);
        assert.ok((await packagesInState(e2e)).some((r) => r.id === "acme/container/tools/ci-runner"), "state keeps the resource the delete was refused for");
    });

    it("two declarations of one package fail the preview, naming both resources, before anything is deleted", async () => {
        await e2e.declare([
            { resource: "keep-it", args: cli },
            { resource: "drop-it", args: { ...cli, packageName: "ACME-CLI", ensure: "absent" } },
        ]);
        const preview = await failure(e2e.test.stack.preview());
        assert.match(preview, /declared twice in this stack: by "keep-it" \(ensure: "present"\) and by "drop-it" \(ensure: "absent"\)/);
        assert.doesNotMatch(preview, STACK_FRAME);
        const up = await failure(e2e.test.stack.up());
        assert.match(up, /declared twice/);
        assert.ok(activeId(e2e.emulator, cli));
        assert.equal(deletes(e2e.emulator), 0);
    });

    it("an invalid VersionRetention argument fails the preview naming the field and the fix, without stack frames, before any request", async () => {
        await e2e.dispose();
        e2e = await startE2E(async () => {
            new VersionRetention("images", { org: "acme", packages: ["container/**"], policy: { keepLatest: 2 }, planOutput: "verbose" as never });
        });
        e2e.emulator.admin.resetRequests();
        const preview = await failure(e2e.test.stack.preview());
        assert.match(preview, /Invalid VersionRetention "images" arguments \(1 problem\), nothing was called:\n\s+- planOutput must be "compact"/);
        assert.doesNotMatch(preview, STACK_FRAME);
        assert.equal(e2e.emulator.admin.requests().total, 0);
    });

    it("an absent declaration waits for a present one with Output inputs, and neither acts", async () => {
        const program: PulumiFn = async () => {
            new OrgPackage("drop-it", { ...cli, ensure: "absent" });
            const holder = new OrgPackage("holder", gateway);
            new OrgPackage("keep-it", { ...cli, org: holder.org });
        };
        await e2e.dispose();
        e2e = await startE2E(program);
        const up = await failure(e2e.test.stack.up());
        assert.match(up, /declared twice/);
        assert.ok(activeId(e2e.emulator, cli), "the absent resource did not delete it");
        assert.equal(deletes(e2e.emulator), 0);
    });

    it("two resources of one name under different parents are two declarations", async () => {
        const program: PulumiFn = async () => {
            const a = new pulumi.ComponentResource("test:index:Group", "a");
            const b = new pulumi.ComponentResource("test:index:Group", "b");
            new OrgPackage("same", cli, { parent: a });
            new OrgPackage("same", { ...cli, ensure: "absent" }, { parent: b });
        };
        await e2e.dispose();
        e2e = await startE2E(program);
        const up = await failure(e2e.test.stack.up());
        assert.match(up, /declared twice/);
        assert.ok(activeId(e2e.emulator, cli));
        assert.equal(deletes(e2e.emulator), 0);
    });

    it("two declarations with Output inputs fail too", async () => {
        const program: PulumiFn = async () => {
            const first = new OrgPackage("first", cli);
            new OrgPackage("second", { ...cli, packageName: first.packageName, ensure: "absent" });
        };
        await e2e.dispose();
        e2e = await startE2E(program);
        const up = await failure(e2e.test.stack.up());
        assert.match(up, /declared twice in this stack: by "first"/);
        assert.ok(activeId(e2e.emulator, cli));
        assert.equal(deletes(e2e.emulator), 0);
    });

    it("an absent package named by Outputs and declared once is deleted: its gate does not wait for itself", async () => {
        const program: PulumiFn = async () => {
            const holder = new OrgPackage("holder", gateway);
            new OrgPackage("drop-it", { ...cli, org: holder.org, packageName: pulumi.output(cli.packageName), ensure: "absent" });
        };
        await e2e.dispose();
        e2e = await startE2E(program);
        const id = activeId(e2e.emulator, cli);
        await e2e.test.stack.up();
        assert.equal(activeId(e2e.emulator, cli), undefined, "deleted");
        assert.ok(id !== undefined && deletes(e2e.emulator) === 1);
    });

    it("with another organization's token a refresh fails and keeps every resource; ensure absent records nothing", async () => {
        await e2e.declare([
            { resource: "gateway", args: gateway },
            { resource: "stale", args: { ...stale, ensure: "absent" } },
        ]);
        e2e.emulator.admin.publishPackage("acme", { name: "tmp-absent", packageType: "npm" });
        await e2e.test.stack.up();
        const before = await packagesInState(e2e);
        await e2e.test.stack.setConfig("github-packages:token", { value: TOKENS.globexOnly, secret: true });
        // --run-program: the refresh uses the stack's config as it is now, not as the last up left it.
        const refresh = await failure(e2e.test.stack.refresh({ runProgram: true }));
        assert.match(refresh, /cannot list the (container|docker) packages of "acme"/);
        assert.deepEqual(await packagesInState(e2e), before, "state unchanged");
        await e2e.declare([
            { resource: "gateway", args: gateway },
            { resource: "stale", args: { ...stale, ensure: "absent" } },
            { resource: "tmp", args: { org: "acme", packageType: "npm", packageName: "tmp-absent", ensure: "absent" } },
        ]);
        const up = await failure(e2e.test.stack.up());
        assert.match(up, /cannot list the npm packages of "acme"/);
        assert.ok(!(await packagesInState(e2e)).some((r) => r.id === "acme/npm/tmp-absent"), "no absent recorded for a package it could not see");
        assert.ok(activeId(e2e.emulator, { org: "acme", packageType: "npm", packageName: "tmp-absent" }));
    });

    it("a cleanup rule never plans a package an OrgPackage of the stack declares present: no delete-restore loop", async () => {
        const program: PulumiFn = async () => {
            new OrgPackage("utils", { org: "acme", packageType: "npm", packageName: "internal-utils", restoreIfDeleted: true });
            const cleanup = new PackageCleanup("cleanup", { org: "acme", rules: [{ name: "sweep", packageTypes: ["npm"], olderThan: "36h" }], keep: ["npm/widgets"] });
            return { deletions: cleanup.deletions, kept: cleanup.kept };
        };
        await e2e.dispose();
        e2e = await startE2E(program);
        const utils = { org: "acme", packageType: "npm", packageName: "internal-utils" } as const;
        const id = activeId(e2e.emulator, utils);
        for (let run = 0; run < 2; run++) {
            const up = await e2e.test.stack.up();
            assert.deepEqual(up.outputs.deletions.value, []);
            assert.deepEqual((up.outputs.kept.value as string[]).sort(), ["npm/internal-utils", "npm/widgets"]);
        }
        assert.equal(activeId(e2e.emulator, utils), id);
        assert.equal(deletes(e2e.emulator), 0);
        assert.equal(e2e.emulator.admin.requests().counts["packages/restore-package-for-org"] ?? 0, 0);
    });

    it("an unknown OrgPackage argument fails the preview, naming the nearest known one, before any request", async () => {
        await e2e.declare([{ resource: "stale", args: { ...stale, ensrue: "absent" } as never }]);
        const preview = await failure(e2e.test.stack.preview());
        assert.match(preview, /ensrue/);
        assert.match(preview, /did you mean "ensure"/);
        assert.equal(e2e.emulator.admin.requests().total, 0);
        assert.ok(activeId(e2e.emulator, stale));
    });
});
