import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { createEmulator, Emulator, Seed } from "../../emulator";
import { listOrgPackages } from "../../sdk/functions";

const TOKEN = "t";

/** Org `mega` with `count` npm packages, every `privateEvery`-th one private, the rest public. */
function seed(count: number, privateEvery: number): Seed {
    return {
        orgs: [
            {
                login: "mega",
                packages: Array.from({ length: count }, (_, i) => ({
                    name: `p-${String(i).padStart(5, "0")}`,
                    packageType: "npm" as const,
                    visibility: i % privateEvery === 0 ? ("private" as const) : ("public" as const),
                })),
            },
        ],
        tokens: [{ token: TOKEN, scopes: ["read:packages"], rateLimit: 1_000_000 }],
    };
}

describe("sdk/functions listOrgPackages past 10,000 packages", function () {
    this.timeout(300_000);
    let emulator: Emulator | undefined;

    async function start(s: Seed): Promise<void> {
        emulator = await createEmulator({ seed: s });
        pulumi.runtime.setAllConfig({ "github-packages:apiUrl": emulator.url, "github-packages:token": TOKEN }, ["github-packages:token"]);
    }

    afterEach(async () => {
        pulumi.runtime.setAllConfig({});
        await emulator?.close();
    });

    it("returns every package of a registry of 10,100, each once", async () => {
        await start(seed(10_100, 2));
        const packages = await listOrgPackages({ org: "mega", packageType: "npm" });
        assert.equal(new Set(packages.map((p) => p.packageName)).size, 10_100);
        assert.ok(packages.every((p) => p.org === "mega" && p.packageType === "npm"));
    });

    it("fails, naming org, registry and count, when one visibility has more than 10,000", async () => {
        await start(seed(10_200, 1));
        await assert.rejects(listOrgPackages({ org: "mega", packageType: "npm" }), /mega\/npm.*between 10,101 and 10,200 private npm packages/);
    });
});
