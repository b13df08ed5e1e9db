import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Emulator } from "../../emulator";
import { main, parseCommandLine, USAGE } from "../../sdk/cli";
import { startDemo, TOKENS } from "../emulator/support";

/** Runs the command in process; what it wrote and its exit code. */
async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const code = await main(argv, env, (t) => (out += t), (t) => (err += t));
    return { code, out, err };
}

describe("sdk/cli", () => {
    describe("parseCommandLine", () => {
        it("reads the flags, repeated ones as lists", () => {
            const line = parseCommandLine(["inventory", "--org", "acme", "--format", "json", "--type", "npm", "--type", "container", "--details", "container/**", "--registry-url", "http://127.0.0.1:1"]);
            assert.deepEqual(line, {
                options: { org: "acme", packageTypes: ["npm", "container"], details: ["container/**"] },
                format: "json",
                registryUrl: "http://127.0.0.1:1",
                help: false,
            });
            assert.equal(parseCommandLine(["inventory", "--org=acme"]).format, "markdown");
            assert.equal(parseCommandLine(["inventory", "--help"]).help, true);
        });

        describe("--policy", () => {
            let dir: string;
            const file = (name: string, text: string) => {
                const at = path.join(dir, name);
                writeFileSync(at, text);
                return at;
            };
            before(() => {
                dir = mkdtempSync(path.join(tmpdir(), "pgp-cli-"));
            });
            after(() => rmSync(dir, { recursive: true, force: true }));

            it("reads the policy from a JSON file", () => {
                const policy = { olderThan: "14d", tagged: { include: ["pr-*"] }, untagged: {} };
                const at = file("policy.json", JSON.stringify(policy));
                assert.deepEqual(parseCommandLine(["inventory", "--org", "acme", "--details", "container/**", "--policy", at]).options, { org: "acme", details: ["container/**"], policy });
            });

            it("refuses a missing file, a file that is not JSON, an unknown field, a policy wrong for a registry and a policy without --details, naming the flag", () => {
                const refusals: [string[], RegExp][] = [
                    [["--details", "npm/**", "--policy", path.join(dir, "nope.json")], /--policy .*nope\.json cannot be read \(ENOENT\)/],
                    [["--details", "npm/**", "--policy", file("bad.json", "{ olderThan: 3 }")], /--policy .*bad\.json is not JSON/],
                    [["--details", "npm/**", "--policy", file("typo.json", '{"olderThan":"30d","keepLatests":2}')], /--policy .*typo\.json: .*keepLatests.*did you mean "keepLatest"/],
                    [["--details", "npm/**", "--policy", file("tags.json", '{"tagged":{}}')], /npm versions have no tags.*\(--details "npm\/\*\*" chooses npm packages: narrow --details or --type to/],
                    [["--policy", file("ok.json", '{"keepLatest":3}')], /add --details, e\.g\. --details "container\/\*\*"/],
                ];
                for (const [flags, message] of refusals) {
                    assert.throws(() => parseCommandLine(["inventory", "--org", "acme", ...flags]), message);
                }
            });

            it("puts a policy that fits none of several registries one registry per line, with the --details hint once", () => {
                const at = file("tags-all.json", '{"tagged":{}}');
                assert.throws(
                    () => parseCommandLine(["inventory", "--org", "acme", "--details", "*/**", "--policy", at]),
                    (error: Error) => {
                        const lines = error.message.split("\n");
                        assert.equal(lines[0], `--policy ${at}: 5 problems:`);
                        assert.deepEqual(
                            lines.slice(1, 5).map((l) => /^ {2}- (\w+) versions have no tags/.exec(l)?.[1]),
                            ["npm", "maven", "rubygems", "nuget"],
                        );
                        assert.equal(lines[5], `  - --details "*/**" chooses npm, maven, rubygems and nuget packages: narrow --details or --type to the registries the policy is for.`);
                        assert.equal(error.message.split("chooses").length, 2, "the hint is said once");
                        return true;
                    },
                );
            });
        });

        const refusals: [string, string[], RegExp][] = [
            ["no command", [], /a command is missing: run "pulumi-github-packages inventory --org <login>"/],
            ["an unknown command", ["inventroy"], /unknown command "inventroy": the only command is "inventory"/],
            ["an unknown flag, listing the flags", ["inventory", "--org", "acme", "--typ", "npm"], /unknown flag --typ; the flags are --org, --format, --type, --details/],
            ["a flag without its value", ["inventory", "--org"], /--org needs a value/],
            ["a missing --org", ["inventory", "--type", "npm"], /--org is required: name the organization, e.g. --org acme/],
            ["a value that looks like a flag", ["inventory", "--org", "-acme"], /--org is followed by a value starting with "-"; if it is the value, write --org=<value>/],
            ["a bad organization", ["inventory", "--org=-acme"], /--org must be a GitHub organization login/],
            ["a bad format", ["inventory", "--org", "acme", "--format", "yaml"], /--format must be markdown or json, got "yaml"/],
            ["a bad registry", ["inventory", "--org", "acme", "--type", "pypi"], /--type must be one of "npm", .*got "pypi"/],
            ["a glob without a registry", ["inventory", "--org", "acme", "--details", "web"], /--details "web" does not name a registry; write it as type\/name/],
            ["a stray argument", ["inventory", "--org", "acme", "container"], /unexpected argument container: every value follows its flag/],
        ];
        for (const [what, argv, message] of refusals) {
            it(`refuses ${what}`, () => assert.throws(() => parseCommandLine(argv), message));
        }
    });

    describe("main, against the emulator", () => {
        let emulator: Emulator;

        beforeEach(async () => {
            emulator = await startDemo();
        });

        afterEach(() => emulator.close());

        it("prints the Markdown report and exits 0", async () => {
            const { code, out, err } = await run(["inventory", "--org", "acme"], { GITHUB_TOKEN: TOKENS.readonly, GITHUB_API_URL: emulator.url });
            assert.equal(err, "");
            assert.equal(code, 0);
            assert.match(out, /^## Packages of acme\n/);
            assert.match(out, /```mermaid\npie showData\n/);
        });

        it("with --policy, reports what the policy would delete in each package read in detail, and sends no write", async () => {
            const dir = mkdtempSync(path.join(tmpdir(), "pgp-cli-"));
            try {
                const policy = path.join(dir, "policy.json");
                writeFileSync(policy, JSON.stringify({ olderThan: "30d" }));
                const env = { GITHUB_TOKEN: TOKENS.readonly, GITHUB_API_URL: emulator.url };
                const { code, out, err } = await run(["inventory", "--org", "acme", "--type", "npm", "--details", "npm/**", "--policy", policy, "--format", "json"], env);
                assert.equal(err, "");
                assert.equal(code, 0);
                const report = JSON.parse(out);
                const widgets = report.registries[0].packages.find((p: { name: string }) => p.name === "widgets");
                assert.deepEqual(widgets.details.policy.deletions.map((d: { name: string }) => d.name), ["1.0.0"], "the version 700 days old");
                assert.equal(report.policy.deletions, 2, "every version is older than 30 days by the machine's clock: the newest of each package is blocked (GitHub keeps a last version)");
                assert.equal(report.policy.blocked, 2);
                const markdown = await run(["inventory", "--org", "acme", "--type", "npm", "--details", "npm/**", "--policy", policy], env);
                assert.match(markdown.out, /^### Retention policy: what it would delete$/m);
                assert.match(markdown.out, /^\| `npm\/widgets` \| 2 \| 1 \| 0 \| 1 \| size unknown \|$/m);
                assert.equal(emulator.admin.requests().entries.filter((e) => e.method !== "GET" && e.method !== "HEAD").length, 0, "no DELETE or POST");
            } finally {
                rmSync(dir, { recursive: true, force: true });
            }
        });

        it("prints usage with --help, and a usage error with exit code 2 before any request", async () => {
            assert.deepEqual(await run(["inventory", "-h"], {}), { code: 0, out: USAGE, err: "" });
            const bad = await run(["inventory", "--org", "acme", "--format", "yml"], { GITHUB_TOKEN: TOKENS.readonly, GITHUB_API_URL: emulator.url });
            assert.equal(bad.code, 2);
            assert.match(bad.err, /^pulumi-github-packages: --format must be markdown or json/);
            for (const token of [undefined, "", "  "]) {
                const unset = await run(["inventory", "--org", "acme"], { GITHUB_TOKEN: token, GITHUB_API_URL: emulator.url });
                assert.equal(unset.code, 2);
                assert.match(unset.err, /GITHUB_TOKEN is not set: export a personal access token \(classic\) with read:packages/);
            }
            assert.equal(emulator.admin.requests().total, 0);
        });

        it("exits 1 with GitHub's error explained and never prints the token", async () => {
            const token = "ghp_notAValidTokenForTheEmulator0000000000";
            const { code, out, err } = await run(["inventory", "--org", "acme", "--type", "npm"], { GITHUB_TOKEN: token, GITHUB_API_URL: emulator.url });
            assert.equal(code, 1);
            assert.equal(out, "");
            assert.match(err, /^pulumi-github-packages inventory: .*(401|credentials|token)/is);
            assert.match(err, /Export a valid personal access token \(classic\) as GITHUB_TOKEN/, "what to export, not the stack config");
            assert.doesNotMatch(err, /github-packages:|pulumi config|pulumi refresh/);
            assert.ok(!err.includes(token), err);
            const broken = await run(["inventory", "--org", "acme"], { GITHUB_TOKEN: `${TOKENS.admin}\n`, GITHUB_API_URL: emulator.url });
            assert.equal(broken.code, 1);
            assert.match(broken.err, /GITHUB_TOKEN.*line break at its end; the value is not shown/s);
            assert.doesNotMatch(broken.err, /github-packages:|pulumi config/);
            assert.ok(!broken.err.includes(TOKENS.admin));
        });
    });
});
