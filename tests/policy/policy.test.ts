import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { E2E, startE2E } from "../support/e2e";
import { REPO_ROOT } from "../support/pulumi";

const POLICY_PACK = path.join(REPO_ROOT, "policy");

describe("policy pack (real `pulumi preview --policy-pack`)", () => {
    let e2e: E2E;
    let configFile: string;

    beforeEach(async () => {
        e2e = await startE2E();
        configFile = path.join(e2e.test.backendDir, "policy-config.json");
        writeFileSync(configFile, JSON.stringify({ "protected-packages": { packages: ["npm/widgets", "container/platform/*"] } }));
    });

    afterEach(async () => e2e?.dispose());

    async function previewWithPolicies(): Promise<{ ok: boolean; output: string }> {
        try {
            const result = await e2e.test.stack.preview({ policyPacks: [POLICY_PACK], policyPackConfigs: [configFile] });
            return { ok: true, output: result.stdout };
        } catch (error) {
            return { ok: false, output: String((error as Error).message) };
        }
    }

    it("blocks deleting a protected package", async () => {
        await e2e.declare([{ resource: "widgets", args: { org: "acme", packageType: "npm", packageName: "widgets", ensure: "absent" } }]);
        const { ok, output } = await previewWithPolicies();
        assert.equal(ok, false, output);
        assert.match(output, /protected-packages/);
        assert.match(output, /acme\/npm\/widgets is protected/);
        assert.equal(e2e.emulator.admin.requests().counts["packages/delete-package-for-org"] ?? 0, 0);
    });

    it("blocks a public package without a repository, and advises on stale ones", async () => {
        await e2e.declare([
            { resource: "runner", args: { org: "acme", packageType: "container", packageName: "tools/ci-runner" } },
            { resource: "legacy", args: { org: "acme", packageType: "docker", packageName: "legacy-service" } },
        ]);
        await e2e.test.stack.up();
        const { ok, output } = await previewWithPolicies();
        assert.equal(ok, false, output);
        assert.match(output, /no-public-packages-without-repository/);
        assert.match(output, /acme\/container\/tools\/ci-runner is public but linked to no repository/);
        assert.match(output, /stale-packages/);
        assert.match(output, /acme\/docker\/legacy-service has not been updated for \d+ days/);
    });

    it("passes a compliant stack", async () => {
        await e2e.declare([{ resource: "gateway", args: { org: "acme", packageType: "container", packageName: "platform/api-gateway" } }]);
        await e2e.test.stack.up();
        const { ok, output } = await previewWithPolicies();
        assert.equal(ok, true, output);
        assert.match(output, /github-packages/);
    });
});
