import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { Emulator, PackageKey } from "../../emulator";
import { startDemo, TOKENS } from "../emulator/support";
import { outcome } from "../support/e2e";
import { createTestStack, REPO_ROOT, TestStack } from "../support/pulumi";
import { createRunner, runStep, workflowStep } from "../support/workflow";

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
        // The second test runs this very step's script against the emulator.
        assert.match(workflowStep(WORKFLOW, "drift", "pulumi preview").run!, /^pulumi preview --refresh --expect-no-changes --diff .*--stack "\$STACK"/);
        assert.match(workflow, /GITHUB_TOKEN: \$\{\{ secrets\.PACKAGES_READ_TOKEN \}\}/, "a read-only PAT, not the workflow's own token");
        assert.match(workflow, /schedule:/);
        assert.equal(workflowStep(WORKFLOW, "drift", "The drift in the job summary").if, "always()", "the summary is written when the check fails too");
    });

    it("a clean stack passes; a package made public fails the check (the workflow's steps write the drift to the job summary) until it is private again, as declared", async () => {
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
        // The workflow's own steps: the check, then the summary step (if: always()) with the check's outcome.
        const workflowRun = async () => {
            const runner = createRunner();
            try {
                const env = { ...s.workspace.envVars, STACK: s.name };
                const check = await runStep(workflowStep(WORKFLOW, "drift", "pulumi preview"), runner, DIR, env);
                const outcome = check.code === 0 ? "success" : "failure";
                const summary = await runStep(workflowStep(WORKFLOW, "drift", "The drift in the job summary"), runner, DIR, { ...env, OUTCOME: outcome });
                assert.equal(summary.code, 0, summary.output);
                return { code: check.code, output: check.output, summary: runner.readSummary() };
            } finally {
                runner.dispose();
            }
        };
        const clean = await workflowRun();
        assert.equal(clean.code, 0, `a clean stack passes: ${clean.output}`);
        assert.match(clean.summary, /^## Drift check of .*: no drift\n/);
        emulator.admin.setVisibility(gateway, "public");
        const drift = await workflowRun();
        assert.notEqual(drift.code, 0, "the drift fails the check step, so the job");
        assert.match(drift.summary, /^## Drift check of .*: drift, or the check failed/);
        assert.match(drift.summary, /visibility\s*: "private" => "public"/, "the job summary shows the changed property, old and new");
        assert.match(drift.summary, /^```\n[\s\S]*\n```\n$/m);
        const up = await outcome(() => s.up({ refresh: true }));
        assert.match(String(up), /is public, but the stack expects it private/);
        assert.match(String(up), /platform%2Fapi-gateway\/settings/);
        assert.ok(await outcome(ci), "the stack holds the line: still failing");
        emulator.admin.setVisibility(gateway, "private");
        assert.equal(await outcome(ci), undefined, "fixed on GitHub: the check passes again");
        assert.equal(emulator.admin.requests().counts["packages/delete-package-for-org"] ?? 0, 0);
    });
});
