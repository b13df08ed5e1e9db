import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import type { Emulator, PackageKey } from "../../emulator";
import { createEmulator, DEMO_SEED_PATH, readSeedFile } from "../../emulator";
import { TOKENS } from "../emulator/support";
import { createTestStack, REPO_ROOT, TestStack } from "../support/pulumi";

const EXAMPLE = path.join(REPO_ROOT, "examples", "cleanup-policy");
const POLICY_PACK = path.join(REPO_ROOT, "policy");

function exists(emulator: Emulator, key: PackageKey): boolean {
    const org = emulator.admin.snapshot().orgs.find((o) => o.login === key.org);
    return !!org?.packages?.some((p) => p.name === key.name && p.packageType === key.packageType && !p.deletedAt);
}

interface Deletion {
    package: string;
    rule: string;
    reason: string;
}

describe("examples/cleanup-policy (end to end: CLI in the project directory, policy pack, emulator)", () => {
    let emulator: Emulator;
    let test: TestStack;

    beforeEach(async () => {
        // The clock runs at real time here: olderThan compares with the machine's clock.
        emulator = await createEmulator({ seed: readSeedFile(DEMO_SEED_PATH) });
        emulator.admin.publishPackage("acme", { name: "platform/old-sidecar", packageType: "container" });
        emulator.admin.publishPackage("acme", {
            name: "tools/popular",
            packageType: "container",
            visibility: "public",
            versions: [{ name: "sha256:" + "a".repeat(64), downloads: 6000 }],
        });
        test = await createTestStack({
            program: { dir: EXAMPLE },
            config: {
                org: { value: "acme" },
                "github-packages:apiUrl": { value: emulator.url },
                "github-packages:token": { value: TOKENS.admin, secret: true },
                // As the example documents: the provider's protect list covers what the policy pack protects.
                "github-packages:protect": { value: JSON.stringify(["npm/widgets", "container/platform/*"]) },
            },
        });
    });

    afterEach(async () => {
        test.dispose();
        await emulator.close();
    });

    it("previews exactly the deletions with their reasons, then up deletes exactly those", async () => {
        const preview = await test.stack.preview({ diff: true });
        for (const name of ["docker/legacy-service", "container/tools/ci-runner", "container/tools/popular"]) {
            assert.ok(preview.stdout.includes(`cleanup:${name}`), `preview lists ${name}:\n${preview.stdout}`);
        }
        assert.match(preview.stdout, /stale-private: last updated \d{4}-\d{2}-\d{2}, more than 180d ago; private/);
        assert.match(preview.stdout, /orphaned-images: no linked repository/);
        assert.equal(emulator.admin.requests().counts["packages/delete-package-for-org"] ?? 0, 0, "preview deletes nothing");
        assert.ok(!preview.stdout.includes("cleanup:container/platform/old-sidecar"), "keep globs win");

        const up = await test.stack.up();
        const deletions = up.outputs.deletions.value as Deletion[];
        assert.deepEqual(deletions.map((d) => d.package).sort(), ["container/tools/ci-runner", "container/tools/popular", "docker/legacy-service"]);
        assert.deepEqual(up.outputs.kept.value, ["container/platform/old-sidecar"]);
        assert.deepEqual(up.outputs.undeletable.value, ["container/tools/popular"], "a refused delete is reported, not failed");
        assert.equal(exists(emulator, { org: "acme", packageType: "docker", name: "legacy-service" }), false);
        assert.equal(exists(emulator, { org: "acme", packageType: "container", name: "tools/ci-runner" }), false);
        assert.equal(exists(emulator, { org: "acme", packageType: "container", name: "tools/popular" }), true);
        assert.equal(exists(emulator, { org: "acme", packageType: "container", name: "platform/old-sidecar" }), true);
        assert.equal(exists(emulator, { org: "acme", packageType: "npm", name: "widgets" }), true);

        const again = await test.stack.up();
        assert.deepEqual((again.outputs.deletions.value as Deletion[]).map((d) => d.package), ["container/tools/popular"], "converges: only the undeletable one is still matched");
    });

    it("runs with the policy pack as the example documents it (`pulumi preview --policy-pack ../../policy`)", async () => {
        // The example's own policy config protects nothing the cleanup deletes: the preview passes.
        const passing = await test.stack.preview({ policyPacks: [POLICY_PACK], policyPackConfigs: [path.join(EXAMPLE, "policy-config.json")] });
        assert.match(passing.stdout, /github-packages@v[\d.]+ \(local: /, "the pack ran");
        // Protecting a package the cleanup would delete makes the dry run fail, naming it. (What an
        // up under the pack does, --skip-preview and the Automation API included, is tested in
        // tests/policy/skip-preview.test.ts and tests/policy/policy.test.ts.)
        const config = path.join(test.backendDir, "protect-legacy.json");
        writeFileSync(config, JSON.stringify({ "protected-packages": { packages: ["docker/legacy-service"] } }));
        await assert.rejects(
            test.stack.preview({ policyPacks: [POLICY_PACK], policyPackConfigs: [config] }),
            /acme\/docker\/legacy-service is protected/,
        );
        assert.equal(emulator.admin.requests().counts["packages/delete-package-for-org"] ?? 0, 0, "a preview deletes nothing");
        assert.ok(exists(emulator, { org: "acme", packageType: "docker", name: "legacy-service" }));
    });

    it("refuses an over-broad policy before any delete", async () => {
        await test.stack.setConfig("maxDeletions", { value: "1" });
        await assert.rejects(test.stack.up(), /matches 3 packages, more than maxDeletions \(1\); nothing was deleted/);
        assert.equal(emulator.admin.requests().counts["packages/delete-package-for-org"] ?? 0, 0);
    });
});
