import { strict as assert } from "node:assert";
import { ORG_PACKAGE_TYPE } from "pulumi-github-packages";
import type { Emulator } from "../../emulator";
import { installPackage, InstalledPackage, InstalledStack } from "../../scripts/installed";
import { startDemo, TOKENS } from "../emulator/support";

/**
 * The package as users install it from npm (packed, installed with its own @pulumi/pulumi, the
 * program in that project's process): the serialized provider in state is a `require` of the
 * shim, and the engine's provider host loads the implementation from the user's node_modules.
 */
describe("e2e: the installed package with the real engine", function () {
    let installed: InstalledPackage;
    let emulator: Emulator;
    let stack: InstalledStack;

    before(function () {
        this.timeout(300_000);
        installed = installPackage();
    });

    after(() => installed?.dispose());

    beforeEach(async () => {
        emulator = await startDemo();
        stack = await installed.openStack({
            config: {
                "github-packages:apiUrl": { value: emulator.url },
                "github-packages:token": { value: TOKENS.admin, secret: true },
            },
            packages: {
                widgets: { org: "acme", packageType: "npm", packageName: "widgets" },
                gateway: { org: "acme", packageType: "container", packageName: "platform/api-gateway", deleteOnDestroy: true },
            },
        });
    });

    afterEach(async () => {
        await stack?.close();
        await emulator?.close();
    });

    it("stores a require of the shim, stays under 4 KB per resource, and reads, refreshes and deletes", async () => {
        const up = await stack.up();
        assert.equal((up.outputs?.gateway.value as { visibility: string }).visibility, "private");
        const deployment = await stack.exportDeployment();
        const packages = deployment.resources.filter((r) => r.type === ORG_PACKAGE_TYPE);
        assert.equal(packages.length, 2);
        const provider = packages[0].outputs?.__provider as string;
        assert.match(provider, /require\("pulumi-github-packages\/shim"\)/);
        const perResource = JSON.stringify(packages).length / packages.length;
        console.log(`      serialized provider ${provider.length} B; state ${Math.round(perResource)} B per resource`);
        assert.ok(perResource < 4096, `state is ${perResource} B per resource`);
        // The export shows secrets decrypted (the engine keeps the provider config encrypted); the resources hold none.
        assert.ok(!JSON.stringify(packages).includes(TOKENS.admin), "the token must not reach the resources' state");

        emulator.admin.setVisibility({ org: "acme", packageType: "container", name: "platform/api-gateway" }, "public");
        await stack.refresh();
        const refreshed = (await stack.exportDeployment()).resources.find((r) => r.id === "acme/container/platform/api-gateway");
        assert.equal(refreshed?.outputs?.visibility, "public", "the installed provider read the drift");

        await stack.destroy();
        const gateway = emulator.admin.snapshot().orgs.find((o) => o.login === "acme")?.packages?.find((p) => p.name === "platform/api-gateway");
        assert.ok(gateway?.deletedAt, "deleteOnDestroy deleted the package through the installed provider");
    });
});
