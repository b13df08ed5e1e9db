import { strict as assert } from "node:assert";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { restoreOrgPackage } from "pulumi-github-packages";
import type { PackageKey } from "../../emulator";
import { E2E, E2E_TOKEN, failure, packagesInState, readTree, startE2E, StateResource } from "../support/e2e";

const widgets = { org: "acme", packageType: "npm", packageName: "widgets" } as const;
const gateway = { org: "acme", packageType: "container", packageName: "platform/api-gateway" } as const;
const cli = { org: "acme", packageType: "rubygems", packageName: "acme-cli" } as const;
const stale = { org: "acme", packageType: "docker", packageName: "legacy-service" } as const;
const utils = { org: "acme", packageType: "npm", packageName: "internal-utils" } as const;
const sdk = { org: "acme", packageType: "nuget", packageName: "Acme.Sdk" } as const;
const recentlyDeleted = { org: "acme", packageType: "npm", packageName: "old-dashboard" } as const;
const longDeleted = { org: "acme", packageType: "maven", packageName: "com.acme.legacy-auth" } as const;

type Ref = { org: string; packageType: PackageKey["packageType"]; packageName: string };

function key(ref: Ref): PackageKey {
    return { org: ref.org, packageType: ref.packageType, name: ref.packageName };
}

function exists(e2e: E2E, ref: Ref): boolean {
    const org = e2e.emulator.admin.snapshot().orgs.find((o) => o.login === ref.org);
    return !!org?.packages?.some((p) => p.name === ref.packageName && p.packageType === ref.packageType && !p.deletedAt);
}

/** What a refresh may not change when it fails: which resources exist and their outputs. */
async function snapshot(e2e: E2E): Promise<Array<Pick<StateResource, "id" | "outputs">>> {
    return (await packagesInState(e2e)).map(({ id, outputs }) => ({ id, outputs }));
}

async function stateOf(e2e: E2E, id: string): Promise<Record<string, unknown> | undefined> {
    return (await packagesInState(e2e)).find((r) => r.id === id)?.outputs;
}


describe("e2e: OrgPackage with the real engine", function () {
    let e2e: E2E;

    beforeEach(async () => {
        e2e = await startE2E();
    });

    afterEach(async () => e2e?.dispose());

    it("adopts packages, shows drift on refresh, and keeps the token out of state and logs", async () => {
        await e2e.declare([
            { resource: "widgets", args: widgets },
            { resource: "gateway", args: gateway },
            { resource: "cli", args: cli },
        ]);
        const up = await e2e.test.stack.up();
        assert.equal(up.summary.resourceChanges?.create, 4, up.stdout);
        assert.equal(up.outputs.gateway.value.status, "present");
        assert.equal(up.outputs.gateway.value.lastAction, "adopted");
        assert.equal(up.outputs.gateway.value.visibility, "private");
        assert.equal(up.outputs.widgets.value.versionCount, 2);
        assert.equal((await packagesInState(e2e)).length, 3);
        const [resource] = await packagesInState(e2e);
        assert.equal(typeof resource.outputs.__provider, "string");
        console.log(`      serialized provider in state: ${(resource.outputs.__provider as string).length} bytes per resource`);

        e2e.emulator.admin.setVisibility(key(gateway), "public");
        e2e.emulator.admin.publishVersion(key(widgets), { name: "1.2.0" });
        e2e.emulator.admin.deletePackage(key(cli));
        const preview = await e2e.test.stack.preview({ refresh: true, diff: true });
        assert.match(preview.stdout, /visibility\s*:\s*"private"\s*=>\s*"public"/, preview.stdout);
        const refresh = await e2e.test.stack.refresh();
        assert.equal((await stateOf(e2e, "acme/container/platform/api-gateway"))?.visibility, "public");
        assert.equal((await stateOf(e2e, "acme/npm/widgets"))?.versionCount, 3);
        assert.equal(await stateOf(e2e, "acme/rubygems/acme-cli"), undefined, "a 404 removes the package from state");
        assert.equal(refresh.summary.resourceChanges?.delete, 1, refresh.stdout);

        const everything = [up.stdout, up.stderr, preview.stdout, preview.stderr, refresh.stdout, refresh.stderr, readTree(e2e.test.backendDir)].join("\n");
        assert.ok(!everything.includes(E2E_TOKEN), "the token must not appear in state, logs or the backend");
    });

    it("deletes packages declared absent, and destroys only what it may", async () => {
        await e2e.declare([
            { resource: "stale", args: { ...stale, ensure: "absent" } },
            { resource: "utils", args: utils },
            { resource: "sdk", args: { ...sdk, deleteOnDestroy: true } },
        ]);
        const up = await e2e.test.stack.up();
        assert.equal(up.outputs.stale.value.status, "absent");
        assert.equal(up.outputs.stale.value.lastAction, "deleted");
        assert.equal(exists(e2e, stale), false);
        assert.equal(exists(e2e, utils), true);

        const again = await e2e.test.stack.up();
        assert.equal(again.summary.resourceChanges?.same, 4, "a second up changes nothing");

        await e2e.test.stack.destroy();
        assert.equal(exists(e2e, utils), true, "deleteOnDestroy defaults to false: the package stays");
        assert.equal(exists(e2e, sdk), false, "deleteOnDestroy: true deletes the package");
    });

    it("restores a recently deleted package and fails clearly outside the window", async () => {
        await e2e.declare([{ resource: "dashboard", args: { ...recentlyDeleted, restoreIfDeleted: true } }]);
        const up = await e2e.test.stack.up();
        assert.equal(up.outputs.dashboard.value.lastAction, "restored");
        assert.equal(exists(e2e, recentlyDeleted), true);

        await e2e.declare([
            { resource: "dashboard", args: { ...recentlyDeleted, restoreIfDeleted: true } },
            { resource: "auth", args: { ...longDeleted, restoreIfDeleted: true } },
        ]);
        const message = await failure(e2e.test.stack.up());
        assert.match(message, /acme\/maven\/com\.acme\.legacy-auth/);
        assert.match(message, /30 days/);
        assert.deepEqual((await packagesInState(e2e)).map((r) => r.id), ["acme/npm/old-dashboard"]);
    });

    it("explains a refused explicit restore after a new package took the name, naming both ids", async () => {
        await e2e.dispose();
        e2e = await startE2E(async () => {
            const restored = await restoreOrgPackage({ ...recentlyDeleted, packageId: deletedId });
            return { versions: restored.versionCount };
        });
        const deletedId = e2e.emulator.admin
            .snapshot()
            .orgs.find((o) => o.login === "acme")!
            .packages!.find((p) => p.name === recentlyDeleted.packageName && p.deletedAt)!.id!;
        const newcomer = e2e.emulator.admin.publishPackage("acme", { name: recentlyDeleted.packageName, packageType: recentlyDeleted.packageType });
        const message = await failure(e2e.test.stack.up());
        assert.match(message, /acme\/npm\/old-dashboard/);
        assert.match(message, new RegExp(`package ${deletedId} .*GitHub id ${newcomer.id}.* now holds the name`), "the advice names both packages");
        assert.ok(!message.includes(E2E_TOKEN));
    });

    it("restoreOrgPackage in a program is idempotent: the next up finds it present and restores nothing", async () => {
        const program: PulumiFn = async () => {
            const restored = await restoreOrgPackage(recentlyDeleted);
            return { restored: restored.restored, id: restored.packageId };
        };
        await e2e.dispose();
        e2e = await startE2E(program);
        const first = await e2e.test.stack.up();
        assert.equal(first.outputs.restored.value, true);
        const second = await e2e.test.stack.up();
        assert.equal(second.outputs.restored.value, false, second.stdout);
        assert.equal(second.outputs.id.value, first.outputs.id.value);
        assert.equal(exists(e2e, recentlyDeleted), true);
        assert.equal(e2e.emulator.admin.requests().counts["packages/restore-package-for-org"], 1);
    });

    it("restores on up a package deleted out of band, when asked", async () => {
        await e2e.declare([{ resource: "gateway", args: { ...gateway, restoreIfDeleted: true } }]);
        await e2e.test.stack.up();
        e2e.emulator.admin.deletePackage(key(gateway));
        await e2e.test.stack.refresh();
        const up = await e2e.test.stack.up();
        assert.equal(up.outputs.gateway.value.lastAction, "restored");
        assert.equal(exists(e2e, gateway), true);
    });

    it("keeps state and package when GitHub refuses a delete (over 5,000 downloads)", async () => {
        await e2e.declare([{ resource: "widgets", args: { ...widgets, deleteOnDestroy: true } }]);
        await e2e.test.stack.up();
        const message = await failure(e2e.test.stack.destroy());
        assert.match(message, /acme\/npm\/widgets/);
        assert.match(message, /5,000 downloads/);
        assert.equal(exists(e2e, widgets), true);
        assert.equal((await packagesInState(e2e)).length, 1, "the resource stays in state");

        await e2e.declare([{ resource: "widgets", args: { ...widgets, ensure: "absent", onUndeletable: "report" } }]);
        const up = await e2e.test.stack.up();
        assert.equal(up.outputs.widgets.value.status, "undeletable");
        assert.equal(exists(e2e, widgets), true);
    });

    it("leaves state correct when GitHub fails during refresh and up", async () => {
        await e2e.declare([
            { resource: "gateway", args: gateway },
            { resource: "utils", args: utils },
        ]);
        await e2e.test.stack.up();
        const before = await snapshot(e2e);

        const fault = e2e.emulator.admin.addFault({ kind: "error", status: 502 });
        const refreshMessage = await failure(e2e.test.stack.refresh());
        assert.match(refreshMessage, /502/);
        assert.deepEqual(await snapshot(e2e), before, "a failed refresh changes nothing in state");
        e2e.emulator.admin.removeFault(fault.id);

        e2e.emulator.admin.setRateLimit(E2E_TOKEN, { remaining: 0 });
        await e2e.declare([
            { resource: "gateway", args: gateway },
            { resource: "utils", args: { ...utils, ensure: "absent" } },
        ]);
        const upMessage = await failure(e2e.test.stack.up());
        assert.match(upMessage, /rate limit/i);
        assert.equal(exists(e2e, utils), true);
        assert.equal((await stateOf(e2e, "acme/npm/internal-utils"))?.status, "present", "state still says present");

        e2e.emulator.admin.resetRateLimits();
        e2e.emulator.admin.addFault({ kind: "error", status: 500, nth: 1, times: 2 });
        const up = await e2e.test.stack.up();
        assert.equal(up.outputs.utils.value.status, "absent", "transient 5xx are retried");
        assert.equal(exists(e2e, utils), false);
    });

    it("rejects bad inputs with the property name before any API call", async () => {
        await e2e.declare([{ resource: "bad", args: { org: "acme", packageType: "pypi" as never, packageName: "../etc" } }]);
        e2e.emulator.admin.resetRequests();
        const message = await failure(e2e.test.stack.up());
        assert.match(message, /packageType/);
        assert.match(message, /packageName/);
        assert.equal(e2e.emulator.admin.requests().total, 0);
    });
});
