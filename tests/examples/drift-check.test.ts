import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { Emulator, PackageKey } from "../../emulator";
import { startDemo, TOKENS } from "../emulator/support";
import { outcome } from "../support/e2e";
import { createTestStack, REPO_ROOT, TestStack } from "../support/pulumi";

const DIR = path.join(REPO_ROOT, "examples", "drift-check");
const WORKFLOW = path.join(DIR, ".github", "workflows", "drift-check.yml");
const gateway: PackageKey = { org: "acme", packageType: "container", name: "platform/api-gateway" };


describe("examples/drift-check (end to end, real engine, emulator; workflow checked by actionlint)", () => {
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

    it("the workflow is valid for actionlint and runs exactly the check this test proves", () => {
        execFileSync("bash", [path.join(REPO_ROOT, "scripts", "actionlint.sh"), WORKFLOW], { stdio: "pipe" });
        const workflow = readFileSync(WORKFLOW, "utf8");
        assert.match(workflow, /uses: pulumi\/actions@v\d+/);
        assert.match(workflow, /command: preview\n/);
        assert.match(workflow, /refresh: true\n/);
        assert.match(workflow, /expect-no-changes: true\n/);
        assert.match(workflow, /GITHUB_TOKEN: \$\{\{ secrets\.PACKAGES_READ_TOKEN \}\}/, "a read-only PAT, not the workflow's own token");
        assert.match(workflow, /schedule:/);
    });

    it("a clean stack passes; a package made public fails the check until it is private again, as declared", async () => {
        test = await createTestStack({
            program: { dir: DIR },
            config: {
                "github-packages:apiUrl": { value: emulator.url },
                "github-packages:token": { value: TOKENS.readonly, secret: true },
                org: { value: "acme" },
                packages: { value: JSON.stringify(["npm/widgets", "container/platform/api-gateway"]) },
                private: { value: JSON.stringify(["container/platform/api-gateway"]) },
            },
        });
        const s = test.stack;
        await s.up();
        const ci = () => s.preview({ refresh: true, expectNoChanges: true, diff: true });
        assert.equal(await outcome(ci), undefined, "a clean stack passes");
        emulator.admin.setVisibility(gateway, "public");
        const drift = await outcome(ci);
        assert.match(String(drift), /visibility\s*: "private" => "public"/);
        const up = await outcome(() => s.up({ refresh: true }));
        assert.match(String(up), /is public, but the stack expects it private/);
        assert.match(String(up), /platform%2Fapi-gateway\/settings/);
        assert.ok(await outcome(ci), "the stack holds the line: still failing");
        emulator.admin.setVisibility(gateway, "private");
        assert.equal(await outcome(ci), undefined, "fixed on GitHub: the check passes again");
        assert.equal(emulator.admin.requests().counts["packages/delete-package-for-org"] ?? 0, 0);
    });
});
