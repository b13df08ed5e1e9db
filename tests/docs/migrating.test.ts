/**
 * docs/migrating.md holds: every option of the three cleanup tools (their action.yml inputs) has
 * a row, every row an equivalent (or why there is none) and, for an equivalent, a test file that
 * exists; and every TypeScript example of the guide declares retentions whose inputs validate.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { checkRetentionInputs } from "../../provider/retention/inputs";
import { VersionRetentionInputs } from "../../provider/retention/state";

const ROOT = path.resolve(__dirname, "..", "..");
const GUIDE = fs.readFileSync(path.join(ROOT, "docs", "migrating.md"), "utf8");

/** Each tool's inputs as its action.yml declares them (actions v5, snok v3.1.0, dataaxiom main, 2026), and outputs where the guide maps them. */
const OPTIONS: Record<string, string[]> = {
    "actions/delete-package-versions (v5)": [
        "package-version-ids",
        "owner",
        "package-name",
        "package-type",
        "num-old-versions-to-delete",
        "min-versions-to-keep",
        "ignore-versions",
        "delete-only-pre-release-versions",
        "delete-only-untagged-versions",
        "token",
    ],
    "snok/container-retention-policy (v3)": [
        "account",
        "token",
        "cut-off",
        "image-names",
        "image-tags",
        "skip-shas",
        "tag-selection",
        "keep-n-most-recent",
        "timestamp-to-use",
        "dry-run",
        "rust-log",
        "output deleted",
        "output failed",
    ],
    "dataaxiom/ghcr-cleanup-action": [
        "token",
        "owner",
        "repository",
        "package",
        "packages",
        "expand-packages",
        "delete-tags",
        "tags",
        "exclude-tags",
        "keep-n-untagged",
        "keep-n-tagged",
        "delete-untagged",
        "delete-ghost-images",
        "delete-partial-images",
        "delete-orphaned-images",
        "older-than",
        "use-regex",
        "validate",
        "dry-run",
        "log-level",
        "registry-url",
        "github-api-url",
    ],
};

/** The section of the guide under the heading `## title`. */
function section(title: string): string {
    const start = GUIDE.indexOf(`\n## ${title}\n`);
    assert.ok(start >= 0, `the guide has a section "${title}"`);
    const end = GUIDE.indexOf("\n## ", start + 1);
    return GUIDE.slice(start, end < 0 ? undefined : end);
}

/** The rows of the first table of a section: option, default, equivalent, tested in. */
function rows(text: string): string[][] {
    return text
        .split("\n")
        .filter((line) => line.startsWith("| ") && !line.startsWith("| option") && !line.startsWith("| ---"))
        .map((line) =>
            line
                .split(/(?<!\\)\|/)
                .slice(1, -1)
                .map((cell) => cell.trim()),
        );
}

/** Runs a TypeScript example with `pulumi-github-packages` stubbed, returning the inputs of each retention it declares. */
function declared(code: string): Record<string, unknown>[] {
    const inputs: Record<string, unknown>[] = [];
    class Retention {
        constructor(_name: string, args: Record<string, unknown>) {
            inputs.push(args);
        }
    }
    const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    const require = (name: string) => {
        assert.equal(name, "pulumi-github-packages", "examples import the package only");
        return { PackageVersionRetention: Retention };
    };
    new Function("require", "exports", "module", js)(require, {}, { exports: {} });
    return inputs;
}

describe("docs/migrating.md", () => {
    for (const [tool, options] of Object.entries(OPTIONS)) {
        describe(tool, () => {
            const table = rows(section(tool));

            it("has a row for every option of the tool, and no other", () => {
                assert.deepEqual(table.map((row) => row[0].replace(/`/g, "")).sort(), [...options].sort());
            });

            it("gives each option an equivalent or says why there is none, and names the test of each equivalent", () => {
                for (const [option, , equivalent, tested] of table) {
                    assert.ok(equivalent !== undefined && equivalent.length > 0, `${option} has an equivalent column`);
                    if (equivalent.startsWith("none") && !equivalent.startsWith("none needed")) {
                        assert.match(equivalent, /^none( yet)?: ./, `${option} says why there is none`);
                        continue;
                    }
                    if (tested === "none") {
                        assert.match(equivalent, /^none needed/, `${option}: an equivalent without a test`);
                        continue;
                    }
                    const file = /^`(tests\/[^`]+\.test\.ts)`$/.exec(tested ?? "");
                    assert.ok(file, `${option} names its test file, got ${tested}`);
                    assert.ok(fs.existsSync(path.join(ROOT, file[1])), `${file[1]} exists`);
                }
            });
        });
    }

    it("every TypeScript example declares retentions whose inputs validate, before any call", () => {
        const blocks = [...GUIDE.matchAll(/```ts\n([^]*?)```/g)].map((m) => m[1]);
        assert.equal(blocks.length, 4, "three worked examples and the drain");
        for (const block of blocks) {
            const inputs = declared(block);
            assert.equal(inputs.length, 1, block);
            assert.deepEqual(checkRetentionInputs(inputs[0] as unknown as VersionRetentionInputs), [], block);
        }
    });

    it("the end-to-end test runs each worked example's policy", () => {
        const e2e = fs.readFileSync(path.join(ROOT, "tests", "e2e", "retention-migrate.test.ts"), "utf8");
        const compact = (text: string) => text.replace(/\s+/g, "");
        for (const block of [...GUIDE.matchAll(/```ts\n([^]*?)```/g)].map((m) => m[1]).slice(0, 3)) {
            const policy = /policy: (\{.*\}),\n/.exec(block)![1];
            // The guide's maxDeletions may differ from the test's; every rule must be the same.
            assert.ok(compact(e2e).includes(compact(policy).replace(/,maxDeletions:\d+,drain:true\}$|,maxDeletions:\d+\}$/, "")), `the e2e test runs ${policy}`);
        }
    });
});
