import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import type { Emulator } from "../../emulator";
import { startDemo, TOKENS } from "../emulator/support";
import { cliStack, CliResult, CliStack } from "../support/cli";
import { activeId, Ref } from "../support/e2e";
import { REPO_ROOT } from "../support/pulumi";

/** The pack as the repository holds it: policy/ runs the compiled dist/policy (`tsc -p tsconfig.build.json` first). */
const POLICY_PACK = path.join(REPO_ROOT, "policy");

/** A project run by the CLI in its directory: OrgPackages from config `packages`, a PackageCleanup from config `cleanup`. */
const FIXTURE = path.join(__dirname, "fixtures", "guarded");

// Protected by the pack (both deletable on GitHub: private, few downloads).
const UTILS: Ref = { org: "acme", packageType: "npm", packageName: "internal-utils" };
const LEGACY: Ref = { org: "acme", packageType: "docker", packageName: "legacy-service" };
const PROTECTED = ["npm/internal-utils", "docker/legacy-service"];
// Not protected.
const GATEWAY: Ref = { org: "acme", packageType: "container", packageName: "platform/api-gateway" };
const BILLING: Ref = { org: "acme", packageType: "maven", packageName: "com.acme.billing" };
const RUNNER: Ref = { org: "acme", packageType: "container", packageName: "tools/ci-runner" };
const CLI: Ref = { org: "acme", packageType: "rubygems", packageName: "acme-cli" };

/**
 * `pulumi up --skip-preview` with the policy pack, as a CI job runs it, in a project directory
 * through the real CLI and language host: the pack must stop a deletion of a package it protects
 * before the provider sends the DELETE, whether the program declares it absent, a
 * PackageCleanup plans it, or a resource with deleteOnDestroy leaves the program; and it must
 * let deletions of packages it does not protect through.
 */
describe("policy pack under `pulumi up --skip-preview` (real CLI, project directory, emulator)", () => {
    let emulator: Emulator;
    let stack: CliStack;
    let configFile: string;

    beforeEach(async () => {
        emulator = await startDemo();
        stack = await cliStack(FIXTURE, {
            "github-packages:apiUrl": { value: emulator.url },
            "github-packages:token": { value: TOKENS.admin, secret: true },
            "github-packages:retryBaseMs": { value: "5" },
        });
        configFile = path.join(path.dirname(stack.env.PULUMI_HOME as string), "policy-config.json");
        writeFileSync(configFile, JSON.stringify({ "protected-packages": { packages: PROTECTED } }));
    });

    afterEach(async () => {
        stack?.dispose();
        await emulator?.close();
    });

    const deletes = () => emulator.admin.requests().counts["packages/delete-package-for-org"] ?? 0;
    const exists = (ref: Ref) => activeId(emulator, ref) !== undefined;

    async function declare(packages: Record<string, object>, cleanup?: object): Promise<void> {
        await stack.ok("config", "set", "packages", JSON.stringify(packages));
        if (cleanup) {
            await stack.ok("config", "set", "cleanup", JSON.stringify(cleanup));
        } else {
            await stack.run("config", "rm", "cleanup");
        }
    }

    /** `pulumi up --yes --skip-preview`, with the pack unless `pack` is false. */
    function up(pack = true): Promise<CliResult> {
        return stack.run("up", "--yes", "--skip-preview", ...(pack ? ["--policy-pack", POLICY_PACK, "--policy-pack-config", configFile] : []));
    }

    function refused(result: CliResult): string {
        const output = result.stdout + result.stderr;
        assert.notEqual(result.code, 0, `the update must fail:\n${output}`);
        assert.match(output, /protected-packages/, output);
        return output;
    }

    it("a protected package declared ensure: absent: refused before the step, no DELETE", async () => {
        await declare({ utils: { ...UTILS, ensure: "absent" } });
        const output = refused(await up());
        // Resource policies run on the engine's provider for dynamic resources too, when it is registered: before any OrgPackage.
        assert.match(output, /protected-packages {2}\(pulumi:providers:pulumi-nodejs: default\)/);
        assert.match(output, /\(github-packages:protect: \[\]\) does not cover "npm\/internal-utils", "docker\/legacy-service"/);
        assert.equal(deletes(), 0, output);
        assert.ok(exists(UTILS), "the protected package is still there");
    });

    it("a protected package a PackageCleanup plans: refused before the step, no DELETE", async () => {
        await declare({}, { org: "acme", rules: [{ name: "retired", include: ["docker/legacy-service"] }], maxDeletions: 5 });
        const output = refused(await up());
        assert.equal(deletes(), 0, output);
        assert.ok(exists(LEGACY), "the protected package is still there");
    });

    it("a protected package whose resource (deleteOnDestroy) leaves the program: refused, no DELETE", async () => {
        // Adopted before the stack ran the pack, with deleteOnDestroy; another package stays declared.
        await declare({ utils: { ...UTILS, deleteOnDestroy: true }, gateway: GATEWAY });
        const adopt = await up(false);
        assert.equal(adopt.code, 0, adopt.stdout + adopt.stderr);
        // Now the pack runs and the program drops the resource: the engine would delete it
        // without showing it to any resource policy, and a stack policy runs only after.
        await declare({ gateway: GATEWAY });
        const output = refused(await up());
        assert.match(output, /does not cover "npm\/internal-utils"/);
        assert.equal(deletes(), 0, output);
        assert.ok(exists(UTILS), "the protected package is still there");
    });

    it("a protected package declared with deleteOnDestroy under the pack, then dropped: refused both times, no DELETE", async () => {
        await declare({ utils: { ...UTILS, deleteOnDestroy: true }, gateway: GATEWAY });
        refused(await up());
        await declare({ gateway: GATEWAY });
        const output = refused(await up());
        assert.equal(deletes(), 0, output);
        assert.ok(exists(UTILS), "the protected package is still there");
    });

    it("lets deletions of packages it does not protect through, once the provider's list covers its globs", async () => {
        await stack.ok("config", "set", "github-packages:protect", JSON.stringify(PROTECTED));
        await declare(
            { gateway: GATEWAY, cli: { ...CLI, deleteOnDestroy: true }, billing: { ...BILLING, ensure: "absent" } },
            { org: "acme", rules: [{ name: "runners", include: ["container/tools/*"] }], maxDeletions: 5 },
        );
        const first = await up();
        assert.equal(first.code, 0, first.stdout + first.stderr);
        assert.equal(exists(BILLING), false, "declared absent: deleted");
        assert.equal(exists(RUNNER), false, "planned by the cleanup: deleted");
        assert.equal(deletes(), 2, first.stdout);
        // The deleteOnDestroy resource leaves the program: deleted too.
        await declare({ gateway: GATEWAY });
        const second = await up();
        assert.equal(second.code, 0, second.stdout + second.stderr);
        assert.equal(exists(CLI), false, "left the program with deleteOnDestroy: deleted");
        assert.equal(deletes(), 3, second.stdout);
        assert.ok(exists(UTILS) && exists(LEGACY) && exists(GATEWAY), "the protected packages, and the one kept, stay");
    });
});
