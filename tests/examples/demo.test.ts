import { strict as assert } from "node:assert";
import * as path from "node:path";
import { ORG_PACKAGE_TYPE } from "pulumi-github-packages";
import type { Emulator, PackageKey } from "../../emulator";
import { startDemo, TOKENS } from "../emulator/support";
import { cliStack, CliStack, eventually } from "../support/cli";
import { REPO_ROOT } from "../support/pulumi";

function active(emulator: Emulator, key: PackageKey): boolean {
    const org = emulator.admin.snapshot().orgs.find((o) => o.login === key.org);
    return !!org?.packages?.some((p) => p.name === key.name && p.packageType === key.packageType && !p.deletedAt);
}

interface Row {
    package: string;
    status: string;
    lastAction: string;
    visibility: string;
}

/**
 * The root project exactly as a user runs it: `cd examples/demo && pulumi up --yes` with the CLI
 * (which finds the root Pulumi.yaml, main: examples/demo/index.ts), the Node.js language host
 * next to the CLI and @pulumi/pulumi/cmd/run with examples/demo/tsconfig.json.
 */
describe("root project: `pulumi` in examples/demo (CLI, language host, emulator)", () => {
    let emulator: Emulator;
    let cli: CliStack;

    before(async () => {
        emulator = await startDemo();
        cli = await cliStack(path.join(REPO_ROOT, "examples", "demo"), {
            "github-packages:apiUrl": { value: emulator.url },
            "github-packages:token": { value: TOKENS.admin, secret: true },
        });
    });

    after(async () => {
        cli?.dispose();
        await emulator?.close();
    });

    it("up adopts, deletes and restores; preview then shows no changes", async () => {
        const up = await cli.ok("up", "--yes");
        assert.match(up.stdout, /\+ 9 created/);
        const rows = (await cli.outputs()).packages as Row[];
        assert.deepEqual(
            rows.map((r) => [r.package, r.lastAction]),
            [
                ["npm/widgets", "adopted"],
                ["npm/internal-utils", "adopted"],
                ["container/platform/api-gateway", "adopted"],
                ["maven/com.acme.billing", "adopted"],
                ["rubygems/acme-cli", "adopted"],
                ["nuget/Acme.Sdk", "adopted"],
                ["docker/legacy-service", "deleted"],
                ["npm/old-dashboard", "restored"],
            ],
        );
        assert.equal(active(emulator, { org: "acme", packageType: "docker", name: "legacy-service" }), false);
        assert.equal(active(emulator, { org: "acme", packageType: "npm", name: "old-dashboard" }), true);
        assert.equal(emulator.admin.requests().counts["packages/delete-package-for-org"], 1, "exactly the declared deletion");

        const preview = await cli.ok("preview", "--diff");
        assert.match(preview.stdout, /9 unchanged/);
        assert.doesNotMatch(preview.stdout, /to create|to delete|to update/);
    });

    it("refresh reads drift into state", async () => {
        emulator.admin.setVisibility({ org: "acme", packageType: "container", name: "platform/api-gateway" }, "public");
        await cli.ok("refresh", "--yes");
        const state = await cli.deployment();
        const gateway = state.resources?.find((r) => r.type === ORG_PACKAGE_TYPE && r.id === "acme/container/platform/api-gateway");
        assert.equal(gateway?.outputs?.visibility, "public");
    });

    it("destroy empties the stack and deletes no package on GitHub", async () => {
        const deletesBefore = emulator.admin.requests().counts["packages/delete-package-for-org"];
        await cli.ok("destroy", "--yes");
        const state = await cli.deployment();
        assert.equal((state.resources ?? []).filter((r) => r.type === ORG_PACKAGE_TYPE).length, 0);
        assert.equal(emulator.admin.requests().counts["packages/delete-package-for-org"], deletesBefore, "deleteOnDestroy is off");
        for (const name of ["widgets", "internal-utils", "old-dashboard"]) {
            assert.ok(active(emulator, { org: "acme", packageType: "npm", name }), `npm/${name} is still published`);
        }
        await eventually("no process of the runs is left", () => cli.leftovers().length === 0, 20_000, () => cli.leftovers());
    });
});
