import { strict as assert } from "node:assert";
import * as path from "node:path";
import type { Emulator, PackageKey } from "../../emulator";
import { startDemo, TOKENS } from "../emulator/support";
import { createTestStack, REPO_ROOT, TestStack } from "../support/pulumi";

function example(name: string): { dir: string } {
    return { dir: path.join(REPO_ROOT, "examples", name) };
}

function exists(emulator: Emulator, key: PackageKey): boolean {
    const org = emulator.admin.snapshot().orgs.find((o) => o.login === key.org);
    return !!org?.packages?.some((p) => p.name === key.name && p.packageType === key.packageType && !p.deletedAt);
}

/** Each example as a project directory: the CLI runs it through its Pulumi.yaml, the language host and cmd/run. */
describe("examples (end to end: CLI in the project directory, emulator)", () => {
    let emulator: Emulator;
    let test: TestStack | undefined;

    beforeEach(async () => {
        emulator = await startDemo();
    });

    afterEach(async () => {
        test?.dispose();
        test = undefined;
        await emulator.close();
    });

    /** `pulumi refresh` then `pulumi destroy`: the stack ends empty and neither deletes a package on GitHub. */
    async function refreshAndDestroy(s: TestStack["stack"]): Promise<void> {
        const deletes = () => emulator.admin.requests().counts["packages/delete-package-for-org"] ?? 0;
        const before = deletes();
        await s.refresh();
        const destroyed = await s.destroy();
        assert.ok((destroyed.summary.resourceChanges?.delete ?? 0) > 0, "destroy removed the stack's resources");
        const left = (await s.exportStack()).deployment.resources ?? [];
        assert.deepEqual(left, [], "the stack is empty after destroy");
        assert.equal(deletes(), before, "neither refresh nor destroy deletes a package (deleteOnDestroy is off)");
    }

    async function stack(name: string, config: Record<string, unknown>): Promise<TestStack> {
        const values: Record<string, { value: string; secret?: boolean }> = {
            "github-packages:apiUrl": { value: emulator.url },
            "github-packages:token": { value: TOKENS.admin, secret: true },
        };
        for (const [key, value] of Object.entries(config)) {
            values[key] = { value: typeof value === "string" ? value : JSON.stringify(value) };
        }
        test = await createTestStack({ program: example(name), config: values });
        return test;
    }

    it("adopt-and-refresh: adopts, then refresh shows a visibility flip", async () => {
        const { stack: s } = await stack("adopt-and-refresh", { org: "acme", packages: ["npm/widgets", "container/platform/api-gateway"] });
        const up = await s.up();
        const adopted = up.outputs.packages.value as Array<{ entry: string; visibility: string }>;
        assert.deepEqual(adopted.map((p) => [p.entry, p.visibility]), [
            ["npm/widgets", "public"],
            ["container/platform/api-gateway", "private"],
        ]);
        emulator.admin.setVisibility({ org: "acme", packageType: "container", name: "platform/api-gateway" }, "public");
        const preview = await s.preview({ refresh: true, diff: true });
        assert.match(preview.stdout, /visibility\s*:\s*"private"\s*=>\s*"public"/);
        assert.equal(emulator.admin.requests().counts["packages/delete-package-for-org"] ?? 0, 0, "adoption never writes");
        await refreshAndDestroy(s);
        assert.ok(exists(emulator, { org: "acme", packageType: "container", name: "platform/api-gateway" }));
    });

    it("restore: the declarative path and the explicit function", async () => {
        const { stack: s } = await stack("restore", { org: "acme", keep: ["npm/old-dashboard"], restoreNow: [] });
        const up = await s.up();
        assert.equal((up.outputs.kept.value as Array<{ lastAction: string }>)[0].lastAction, "restored");
        assert.ok(exists(emulator, { org: "acme", packageType: "npm", name: "old-dashboard" }));

        emulator.admin.deletePackage({ org: "acme", packageType: "container", name: "tools/ci-runner" });
        await s.setConfig("restoreNow", { value: JSON.stringify(["container/tools/ci-runner"]) });
        const preview = await s.preview();
        assert.ok(!exists(emulator, { org: "acme", packageType: "container", name: "tools/ci-runner" }), "preview never restores");
        assert.ok(preview.stdout.length > 0);
        const again = await s.up();
        assert.equal((again.outputs.restoredNow.value as Array<{ entry: string }>)[0].entry, "container/tools/ci-runner");
        assert.ok(exists(emulator, { org: "acme", packageType: "container", name: "tools/ci-runner" }));
        await refreshAndDestroy(s);
        assert.ok(exists(emulator, { org: "acme", packageType: "npm", name: "old-dashboard" }));
    });

    it("all-packages: manages every package listOrgPackages finds, and picks up new ones", async () => {
        const { stack: s } = await stack("all-packages", { org: "acme" });
        const up = await s.up();
        const names = (up.outputs.packages.value as Array<{ package: string }>).map((p) => p.package).sort();
        assert.deepEqual(names, [
            "container/platform/api-gateway",
            "container/tools/ci-runner",
            "docker/legacy-service",
            "maven/com.acme.billing",
            "npm/internal-utils",
            "npm/widgets",
            "nuget/Acme.Sdk",
            "rubygems/acme-cli",
        ]);
        emulator.admin.publishPackage("acme", { name: "fresh", packageType: "npm" });
        const again = await s.up();
        assert.equal(again.summary.resourceChanges?.create, 1);
        await refreshAndDestroy(s);
        assert.ok(exists(emulator, { org: "acme", packageType: "npm", name: "fresh" }));
    });
});
