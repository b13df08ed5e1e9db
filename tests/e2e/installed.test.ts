import { strict as assert } from "node:assert";
import { ORG_PACKAGE_TYPE, PACKAGE_VERSION_RETENTION_TYPE } from "pulumi-github-packages";
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

    it("runs a version retention from the installed package: a require of its shim in state, the previewed versions deleted", async () => {
        await stack.close();
        const web = { org: "acme", name: "apps/web" };
        emulator.admin.setNow(new Date(Date.now() - 60 * 86_400_000));
        const release = emulator.admin.pushIndex(web, { tags: ["v1"], platforms: ["linux/amd64", "linux/arm64"] });
        const pr = emulator.admin.pushIndex(web, { tags: ["pr-1"], platforms: ["linux/amd64"] });
        emulator.admin.setNow(new Date());
        stack = await installed.openStack({
            config: {
                "github-packages:apiUrl": { value: emulator.url },
                "github-packages:registryUrl": { value: emulator.url },
                "github-packages:token": { value: TOKENS.admin, secret: true },
                "github-packages:writesPerMinute": { value: "150" },
            },
            packages: {},
            retentions: {
                web: {
                    org: "acme",
                    packageType: "container",
                    packageName: "apps/web",
                    policy: { tagged: { include: ["pr-*"] }, untagged: {}, olderThan: "30d", maxDeletions: 10 },
                },
            },
        });
        const up = await stack.up();
        const deleted = (up.outputs?.web.value as { deleted: { versionId: number }[] }).deleted.map((d) => d.versionId).sort();
        assert.deepEqual(deleted, [pr.versionId, ...pr.children.map((c) => c.versionId)].sort(), "the PR image and its child, not the release's children");
        const retention = (await stack.exportDeployment()).resources.find((r) => r.type === PACKAGE_VERSION_RETENTION_TYPE);
        assert.match(retention?.outputs?.__provider as string, /require\("pulumi-github-packages\/retention-shim"\)/);
        const left = new Set(emulator.admin.snapshot().orgs.find((o) => o.login === "acme")!.packages!.find((p) => p.name === "apps/web")!.versions!.filter((v) => !v.deletedAt).map((v) => v.id));
        assert.ok([release.versionId, ...release.children.map((c) => c.versionId)].every((id) => left.has(id)), "the release and its children stay");
    });
});
