import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import type { Emulator } from "../../emulator";
import { inventory, inventoryOutput } from "../../sdk";
import { startDemo, TOKENS } from "../emulator/support";

describe("sdk/inventory", () => {
    let emulator: Emulator;
    const saved = { ...process.env };

    beforeEach(async () => {
        emulator = await startDemo();
    });

    afterEach(async () => {
        pulumi.runtime.setAllConfig({});
        process.env = { ...saved };
        await emulator.close();
    });

    it("takes the stack's github-packages config in a program, registry included", async () => {
        pulumi.runtime.setAllConfig(
            { "github-packages:apiUrl": emulator.url, "github-packages:token": TOKENS.readonly, "github-packages:registryUrl": emulator.url },
            ["github-packages:token"],
        );
        const report = await inventory({ org: "acme", packageTypes: ["container"], details: ["container/**"] });
        const held = emulator.admin
            .snapshot()
            .orgs.find((o) => o.login === "acme")!
            .packages!.filter((p) => p.packageType === "container" && !p.deletedAt);
        assert.equal(report.totals.packages, held.length);
        assert.equal(report.totals.manifestsRead, held.reduce((n, p) => n + p.versions!.filter((v) => !v.deletedAt).length, 0));
        assert.ok(report.totals.bytes! > 0);
        assert.equal(emulator.admin.requests().entries.filter((e) => e.method !== "GET" && e.method !== "HEAD").length, 0, "reads only");
    });

    it("outside a program, takes GITHUB_TOKEN and GITHUB_API_URL", async () => {
        process.env.GITHUB_TOKEN = TOKENS.readonly;
        process.env.GITHUB_API_URL = emulator.url;
        const report = await inventory({ org: "acme", packageTypes: ["npm"] });
        assert.deepEqual(
            report.registries[0].packages.map((p) => p.name),
            ["internal-utils", "widgets"],
        );
    });

    it("has an Output form", async () => {
        process.env.GITHUB_TOKEN = TOKENS.readonly;
        process.env.GITHUB_API_URL = emulator.url;
        const names = await new Promise<string[]>((resolve) =>
            inventoryOutput(pulumi.output({ org: "acme", packageTypes: ["nuget" as const] })).apply((r) => resolve(r.registries[0].packages.map((p) => p.name))),
        );
        assert.deepEqual(names, ["Acme.Sdk"]);
    });

    it("asks for the container registry before any request when details may choose a container package on another host", async () => {
        process.env.GITHUB_TOKEN = TOKENS.readonly;
        process.env.GITHUB_API_URL = emulator.url;
        delete process.env.GITHUB_PACKAGES_REGISTRY_URL;
        await assert.rejects(inventory({ org: "acme", details: ["container/**"] }), /github-packages:registryUrl.*GITHUB_PACKAGES_REGISTRY_URL|GITHUB_PACKAGES_REGISTRY_URL.*registryUrl/s);
        await inventory({ org: "acme", details: ["npm/**"], packageTypes: ["npm"] });
        assert.equal(emulator.admin.requests().counts["packages/list-packages-for-organization"], 1, "only the call that needed no registry was sent");
    });
});
