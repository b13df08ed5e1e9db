import { strict as assert } from "node:assert";
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
            assert.ok(!err.includes(token), err);
            const broken = await run(["inventory", "--org", "acme"], { GITHUB_TOKEN: `${TOKENS.admin}\n`, GITHUB_API_URL: emulator.url });
            assert.equal(broken.code, 1);
            assert.match(broken.err, /GITHUB_TOKEN.*line break at its end; the value is not shown/s);
            assert.ok(!broken.err.includes(TOKENS.admin));
        });
    });
});
