import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { Emulator, PackageKey, PushedImage } from "../../emulator";
import { createEmulator, DEMO_SEED_PATH, pullImage, readSeedFile } from "../../emulator";
import { outcome } from "../support/e2e";
import { createTestStack, REPO_ROOT, TestStack } from "../support/pulumi";
import { createRunner, Runner, runStep, workflowStep } from "../support/workflow";
import { TOKENS } from "../emulator/support";

const DIR = path.join(REPO_ROOT, "examples", "retention-workflow");
const WORKFLOW = path.join(DIR, ".github", "workflows", "retention.yml");
const gateway: PackageKey = { org: "acme", packageType: "container", name: "platform/api-gateway" };
const ciRunner: PackageKey = { org: "acme", packageType: "container", name: "tools/ci-runner" };

/** Tags (or the digest, untagged) of the package's active versions, read through the emulator's admin interface. */
function active(emulator: Emulator, key: PackageKey): string[] {
    const org = emulator.admin.snapshot().orgs.find((o) => o.login === key.org)!;
    const found = org.packages!.find((p) => p.name === key.name && p.packageType === key.packageType && !p.deletedAt)!;
    return found.versions!.filter((v) => !v.deletedAt).map((v) => (v.tags?.length ? v.tags.join(",") : v.name!));
}

describe("examples/retention-workflow (end to end with the emulator's installation token; workflow checked by actionlint)", () => {
    let emulator: Emulator;
    let test: TestStack | undefined;
    let token: string;
    let prs: PushedImage[];
    let leftover: PushedImage;

    beforeEach(async () => {
        // The clock runs at real time: olderThan compares with the machine's clock.
        emulator = await createEmulator({ seed: readSeedFile(DEMO_SEED_PATH) });
        const image = { org: "acme", name: "platform/api-gateway" };
        emulator.admin.setNow(new Date(Date.now() - 30 * 86_400_000));
        emulator.admin.pushImage(image, { tags: ["v1.0.0"] });
        leftover = emulator.admin.pushImage(image, {});
        prs = [];
        for (let i = 1; i <= 6; i++) {
            emulator.admin.advance("3d");
            prs.push(emulator.admin.pushImage(image, { tags: [`pr-${i}`] }));
        }
        emulator.admin.setNow(new Date());
        // The workflow's GITHUB_TOKEN: a ghs_ token of about 520 characters for the repository that publishes the gateway.
        token = emulator.admin.issueInstallationToken({ repository: "acme/platform" }).token;
    });

    let runner: Runner | undefined;

    afterEach(async () => {
        runner?.dispose();
        runner = undefined;
        test?.dispose();
        test = undefined;
        await emulator.close();
    });

    it("the workflow is valid for actionlint: GITHUB_TOKEN with packages: write, preview --diff on pull requests, up on schedule, the job summary", () => {
        execFileSync("bash", [path.join(REPO_ROOT, "scripts", "actionlint.sh"), WORKFLOW], { stdio: "pipe" });
        const workflow = readFileSync(WORKFLOW, "utf8");
        assert.match(workflow, /packages: write/);
        assert.match(workflow, /GITHUB_TOKEN: \$\{\{ secrets\.GITHUB_TOKEN \}\}/);
        assert.match(workflow, /schedule:/);
        assert.match(workflow, /pull_request:/);
        assert.match(workflow, /pulumi preview --diff/);
        assert.match(workflow, /pulumi up --yes/);
        assert.match(workflow, /pulumi stack output summary .*>> "\$GITHUB_STEP_SUMMARY"/);
        for (const step of ["The preview in the job summary", "The plan and what was deleted in the job summary", "The inventory with the policy"]) {
            assert.match(workflowStep(WORKFLOW, "retention", step).if!, /!cancelled\(\)/, `${step}: also when the step before failed`);
        }
        assert.match(workflowStep(WORKFLOW, "retention", "The inventory with the policy").env!.INVENTORY_TOKEN, /secrets\.PACKAGES_READ_TOKEN/, "a classic token: the workflow's cannot list");
    });

    it("runs with the installation token: an image without Actions access stops the preview, deleting nothing; with it, up deletes old PR images and leftovers, and every kept tag pulls", async () => {
        test = await createTestStack({
            program: { dir: DIR },
            env: { GITHUB_TOKEN: token },
            config: {
                org: { value: "acme" },
                images: { value: JSON.stringify(["platform/api-gateway", "tools/ci-runner"]) },
                "github-packages:apiUrl": { value: emulator.url },
                "github-packages:registryUrl": { value: emulator.url },
                "github-packages:writesPerMinute": { value: "150" },
            },
        });
        const gatewayBefore = active(emulator, gateway);
        const runnerBefore = active(emulator, ciRunner);

        const refused = String(await outcome(() => test!.stack.preview({ diff: true })));
        assert.match(refused, /Manage Actions access/);
        assert.match(refused, /needs the role read on the package/, "reading versions needs read");
        assert.match(refused, /https:\/\/github\.com\/orgs\/acme\/packages\/container\/tools%2Fci-runner\/settings/);
        assert.doesNotMatch(refused, /\n\s+at \S+ \(/, "no stack lines");
        assert.deepEqual(active(emulator, gateway), gatewayBefore);

        emulator.admin.setActionsAccess(ciRunner, "platform", "admin");
        // The workflow's own steps on a pull request: the preview, then the job summary.
        runner = createRunner();
        const env = { ...test.stack.workspace.envVars, STACK: test.stack.name, GITHUB_TOKEN: token };
        const preview = await runStep(workflowStep(WORKFLOW, "retention", "pulumi preview --diff"), runner, DIR, env);
        assert.equal(preview.code, 0, preview.output);
        assert.match(preview.output, /pr-1/);
        assert.equal((await runStep(workflowStep(WORKFLOW, "retention", "The preview in the job summary"), runner, DIR, env)).code, 0);
        assert.match(runner.readSummary(), /^## Image retention: preview \(nothing deleted\)\n\n```\n[\s\S]*pr-1[\s\S]*\n```\n$/, "the plan, with what it deletes, in the job summary");
        assert.equal(emulator.admin.requests().counts["packages/delete-package-version-for-org"] ?? 0, 0, "the preview deletes nothing");
        // The optional inventory: skipped without a classic token, which the workflow's cannot replace; with one, the same policy's plan.
        const inventoryStep = workflowStep(WORKFLOW, "retention", "The inventory with the policy");
        const skipped = createRunner();
        try {
            assert.equal((await runStep(inventoryStep, skipped, DIR, { ...env, INVENTORY_TOKEN: "" })).code, 0);
            assert.match(skipped.readSummary(), /^\nInventory skipped: .*this workflow's GITHUB_TOKEN cannot do\.\nAdd the secret PACKAGES_READ_TOKEN/, "after a blank line: Markdown would fold it into the last list item of the summary above");
        } finally {
            skipped.dispose();
        }
        const inventoryRun = await runStep(inventoryStep, runner, DIR, {
            ...env,
            INVENTORY_TOKEN: TOKENS.readonly,
            GITHUB_API_URL: emulator.url,
            GITHUB_PACKAGES_REGISTRY_URL: emulator.url,
        });
        assert.equal(inventoryRun.code, 0, inventoryRun.output);
        const inventoryMarkdown = runner.readSummary();
        assert.match(inventoryMarkdown, /^### Retention policy: what it would delete$/m);
        const inventoryRow = (key: string) => inventoryMarkdown.split("\n").find((l) => l.startsWith(`| \`${key}\` |`))!.split(" | ");
        assert.equal(emulator.admin.requests().entries.filter((e) => e.method !== "GET" && e.method !== "HEAD").length, 0, "the inventory sends no write");

        const up = await test.stack.up();
        const left = active(emulator, gateway);
        for (const gone of ["pr-1", "pr-2", "pr-3", leftover.digest]) {
            assert.ok(!left.includes(gone), `${gone} was deleted: ${left.join(" ")}`);
        }
        for (const kept of ["v1.0.0", "pr-6"]) {
            assert.ok(left.some((tags) => tags.split(",").includes(kept)), `${kept} is kept: ${left.join(" ")}`);
        }
        assert.deepEqual(active(emulator, ciRunner), runnerBefore, "nothing of the runner matched the policy");
        assert.equal(inventoryRow("container/platform/api-gateway")[2], String(gatewayBefore.length - left.length), "the inventory said how many up would delete");
        assert.equal(inventoryRow("container/tools/ci-runner")[2], "0");
        assert.ok(up.outputs.summary.value);
        // The workflow's summary step after up: the plan and what was deleted.
        const afterUp = createRunner();
        try {
            const written = await runStep(workflowStep(WORKFLOW, "retention", "The plan and what was deleted"), afterUp, DIR, { ...env, OUTCOME: "success" });
            assert.equal(written.code, 0, written.output);
            const summary = afterUp.readSummary();
            assert.match(summary, /^## Image retention/);
            assert.match(summary, /### acme\/platform\/api-gateway/);
            assert.match(summary, /^This run: \d+ active versions: delete \d+/m, "the plan this run applied");
            assert.match(summary, /- pr-1 \(/, "the summary lists what was deleted");
        } finally {
            afterUp.dispose();
        }
        // A night with nothing to do keeps the outputs of the last run that deleted: the summary must not repeat its plan as this run's.
        await test.stack.up();
        const quiet = createRunner();
        try {
            const written = await runStep(workflowStep(WORKFLOW, "retention", "The plan and what was deleted"), quiet, DIR, { ...env, OUTCOME: "success" });
            assert.equal(written.code, 0, written.output);
            const summary = quiet.readSummary();
            assert.match(summary, /^This run changed nothing\. The last run that did \(/m, summary);
            assert.doesNotMatch(summary, /^This run: /m);
        } finally {
            quiet.dispose();
        }

        // Every kept tag pulls completely with the workflow's token; the deleted ones do not.
        const keptTags = left.filter((t) => !t.startsWith("sha256:")).flatMap((t) => t.split(","));
        for (const tag of keptTags) {
            const pull = await pullImage(emulator.url, "acme", "platform/api-gateway", tag, { token });
            assert.ok(pull.ok, `${tag} pulls: ${JSON.stringify(pull.failures)}`);
        }
        for (const gone of ["pr-1", "pr-2", "pr-3"]) {
            assert.equal((await pullImage(emulator.url, "acme", "platform/api-gateway", gone, { token })).ok, false, `${gone} is gone`);
        }
        assert.ok(prs.length === 6);
    });
});
