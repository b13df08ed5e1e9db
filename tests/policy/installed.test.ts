import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import type { Emulator } from "../../emulator";
import { localBackend, LocalBackend } from "../../scripts/backend";
import { installPackage, InstalledPackage } from "../../scripts/installed";
import { startDemo, TOKENS } from "../emulator/support";

const run = promisify(execFile);

/** The program of the scratch project, in plain JavaScript as a user might write it: one OrgPackage per entry of the `packages` config. */
const PROGRAM = `const pulumi = require("@pulumi/pulumi");
const { OrgPackage } = require("pulumi-github-packages");
const packages = new pulumi.Config().requireObject("packages");
for (const [name, args] of Object.entries(packages)) {
    new OrgPackage(name, args);
}
`;

/**
 * The policy pack where users put it: the repository packed (`npm pack`) and installed into a
 * scratch project outside the repository, then `pulumi preview --policy-pack
 * node_modules/pulumi-github-packages/policy` run there by the real CLI and language host, as
 * docs/policy.md says.
 */
describe("policy pack installed from the packed package (real CLI, outside the repository)", function () {
    let installed: InstalledPackage;
    let emulator: Emulator;
    let backend: LocalBackend;
    let env: NodeJS.ProcessEnv;

    before(function () {
        this.timeout(300_000);
        installed = installPackage();
        writeFileSync(path.join(installed.dir, "Pulumi.yaml"), "name: installed-policy\nruntime: nodejs\n");
        writeFileSync(path.join(installed.dir, "index.js"), PROGRAM);
    });

    after(() => installed?.dispose());

    beforeEach(async () => {
        emulator = await startDemo();
        backend = localBackend("policy", "policy-passphrase-not-a-secret");
        env = { ...process.env, ...backend.envVars, PULUMI_HOME: path.join(backend.dir, ".pulumi-home") };
        await run("pulumi", ["stack", "init", backend.stackName, "--non-interactive"], { cwd: installed.dir, env });
        await pulumi("config", "set", "github-packages:apiUrl", emulator.url);
        await pulumi("config", "set", "--secret", "github-packages:token", TOKENS.admin);
        await pulumi("config", "set", "packages", JSON.stringify({ widgets: { org: "acme", packageType: "npm", packageName: "widgets" } }));
    });

    afterEach(async () => {
        backend?.dispose();
        await emulator?.close();
    });

    function pulumi(...args: string[]): Promise<{ stdout: string; stderr: string }> {
        return run("pulumi", [...args, "--non-interactive", "--stack", backend.stackName], { cwd: installed.dir, env, maxBuffer: 16 * 1024 * 1024 });
    }

    async function preview(config: object): Promise<{ ok: boolean; output: string }> {
        const configFile = path.join(backend.dir, "policy-config.json");
        writeFileSync(configFile, JSON.stringify(config));
        try {
            const { stdout, stderr } = await pulumi("preview", "--policy-pack", "node_modules/pulumi-github-packages/policy", "--policy-pack-config", configFile);
            return { ok: true, output: stdout + stderr };
        } catch (error) {
            const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
            return { ok: false, output: stdout + stderr };
        }
    }

    it("ships the pack: PulumiPolicy.yaml, its package.json and the compiled JavaScript, no TypeScript", () => {
        const pack = path.join(installed.dir, "node_modules", "pulumi-github-packages");
        for (const file of ["policy/PulumiPolicy.yaml", "policy/package.json", "dist/policy/index.js", "dist/policy/rules.js", "dist/provider/shared/keys.js"]) {
            assert.ok(existsSync(path.join(pack, file)), `${file} is not in the package`);
        }
        assert.ok(!existsSync(path.join(pack, "policy", "index.ts")), "the pack must not depend on compiling TypeScript in the user's project");
    });

    it("runs and passes a compliant stack", async () => {
        await pulumi("config", "set", "github-packages:protect", JSON.stringify(["npm/widgets"]));
        const { ok, output } = await preview({ "protected-packages": { packages: ["npm/widgets"] } });
        assert.equal(ok, true, output);
        assert.match(output, /github-packages@v0\.1\.0 \(local: .*node_modules\/pulumi-github-packages\/policy\)/);
        assert.doesNotMatch(output, /TypeError|is not a function/);
    });

    it("runs and blocks what it must: a protected package declared absent, and a provider protect list that misses a glob", async () => {
        await pulumi("config", "set", "packages", JSON.stringify({ widgets: { org: "acme", packageType: "npm", packageName: "widgets", ensure: "absent" } }));
        const { ok, output } = await preview({ "protected-packages": { packages: ["npm/widgets"] } });
        assert.equal(ok, false, output);
        assert.match(output, /acme\/npm\/widgets is protected and must not be declared ensure: "absent"/);
        assert.match(output, /\(github-packages:protect: \[\]\) does not cover "npm\/widgets"/);
        assert.equal(emulator.admin.requests().counts["packages/delete-package-for-org"] ?? 0, 0, "a preview deletes nothing");
    });

    it("stops `pulumi up --skip-preview` before the DELETE of a package it protects", async () => {
        const utils = { org: "acme", packageType: "npm", packageName: "internal-utils" };
        await pulumi("config", "set", "packages", JSON.stringify({ utils: { ...utils, ensure: "absent" } }));
        const configFile = path.join(backend.dir, "policy-config.json");
        writeFileSync(configFile, JSON.stringify({ "protected-packages": { packages: ["npm/internal-utils"] } }));
        const result = await pulumi("up", "--yes", "--skip-preview", "--policy-pack", "node_modules/pulumi-github-packages/policy", "--policy-pack-config", configFile).then(
            () => undefined,
            (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ""}${error.stderr ?? ""}`,
        );
        assert.ok(result !== undefined, "the update must fail");
        assert.match(result, /protected-packages/);
        assert.equal(emulator.admin.requests().counts["packages/delete-package-for-org"] ?? 0, 0, "no DELETE was sent");
        assert.ok(emulator.admin.snapshot().orgs.find((o) => o.login === "acme")?.packages?.some((p) => p.name === "internal-utils" && !p.deletedAt));
    });
});
