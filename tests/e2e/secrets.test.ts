import { strict as assert } from "node:assert";
import type { LocalWorkspace } from "@pulumi/pulumi/automation";
import type { Emulator } from "../../emulator";
import { E2E, failure, packagesProgram, readTree, startE2E } from "../support/e2e";
import { createTestStack, TestStack } from "../support/pulumi";
import { startDemo } from "../emulator/support";

/** The tokens of these tests: the one a stack starts with and the one it rotates to. */
const OLD = { token: "ghp_rotationOldTokenOldToken01", login: "old-bot" };
const NEW = { token: "ghp_rotationNewTokenNewToken02", login: "new-bot" };
const SCOPES = ["read:packages", "write:packages", "delete:packages", "repo"] as const;

const utils = { org: "acme", packageType: "npm", packageName: "internal-utils" } as const;

/** Adds the rotation tokens to the emulator, optionally revoking the old one. */
function setTokens(emulator: Emulator, tokens: (typeof OLD)[]): void {
    const seed = emulator.admin.snapshot();
    seed.tokens = [...(seed.tokens ?? []).filter((t) => t.token !== OLD.token && t.token !== NEW.token), ...tokens.map((t) => ({ ...t, scopes: [...SCOPES] }))];
    emulator.admin.loadSeed(seed);
}

/** The logins that called GitHub since the last call, then an empty log. */
function logins(emulator: Emulator): string[] {
    const seen = [...new Set(emulator.admin.requests().entries.map((e) => e.login ?? "(none)"))];
    emulator.admin.resetRequests();
    return seen;
}

function deleted(emulator: Emulator): boolean {
    const pkg = emulator.admin.snapshot().orgs.find((o) => o.login === "acme")?.packages?.find((p) => p.name === utils.packageName && p.packageType === "npm");
    return !!pkg?.deletedAt;
}


/**
 * Where the token lives and how a rotation reaches refresh and destroy (docs/configuration.md).
 * Measured: the engine keeps the stack config (the token encrypted) as the inputs of its
 * provider for dynamic resources, and a plain refresh or destroy configures that provider from
 * state; `pulumi refresh --run-program` (like `up`) configures it from the current config and
 * stores that.
 */
describe("e2e: the token in config and in the environment, and its rotation", function () {
    describe("config token (pulumi config set --secret github-packages:token)", () => {
        let e2e: E2E;

        beforeEach(async () => {
            e2e = await startE2E();
            setTokens(e2e.emulator, [OLD, NEW]);
            await e2e.test.stack.setConfig("github-packages:token", { value: OLD.token, secret: true });
            await e2e.declare([{ resource: "utils", args: { ...utils, deleteOnDestroy: true } }]);
        });

        afterEach(async () => e2e?.dispose());

        it("a rotation reaches refresh and destroy once `pulumi refresh --run-program` ran; the 401 before it names that command", async () => {
            const up = await e2e.test.stack.up();
            assert.deepEqual(logins(e2e.emulator), [OLD.login]);

            await e2e.test.stack.setConfig("github-packages:token", { value: NEW.token, secret: true });
            setTokens(e2e.emulator, [NEW]); // the old token is revoked
            const refused = await failure(e2e.test.stack.refresh());
            assert.match(refused, /401/);
            assert.match(refused, /pulumi refresh --run-program/);
            assert.deepEqual(logins(e2e.emulator), ["(none)"], "the plain refresh authenticated with the old token");
            assert.doesNotMatch(refused, /provider\/[\w/-]+\.(js|ts):\d+/, "a user-facing error carries no stack lines (it ended with `at explain (...errors.js:...)`)");

            const checked = await e2e.test.stack.preview({ refresh: true, runProgram: true });
            assert.deepEqual(logins(e2e.emulator), [NEW.login], "preview --refresh --run-program (a drift check) refreshes with the current config");

            const applied = await e2e.test.stack.refresh({ runProgram: true });
            assert.deepEqual(logins(e2e.emulator), [NEW.login], "refresh --run-program configures the provider from the current config");
            const plain = await e2e.test.stack.refresh();
            assert.deepEqual(logins(e2e.emulator), [NEW.login], "and stores it: later plain refreshes use the new token");

            const destroy = await e2e.test.stack.destroy();
            assert.deepEqual(logins(e2e.emulator), [NEW.login]);
            assert.ok(deleted(e2e.emulator), "destroy deleted the package with the new token");

            const everything = [up.stdout, up.stderr, refused, checked.stdout, checked.stderr, applied.stdout, applied.stderr, plain.stdout, destroy.stdout, destroy.stderr, readTree(e2e.test.backendDir)].join("\n");
            for (const token of [OLD.token, NEW.token]) {
                assert.ok(!everything.includes(token), "no token text in any output or file of the backend");
            }
        });
    });

    describe("GITHUB_TOKEN in the environment, no config token", () => {
        let emulator: Emulator;
        let test: TestStack;

        beforeEach(async () => {
            emulator = await startDemo();
            setTokens(emulator, [OLD, NEW]);
            test = await createTestStack({
                program: packagesProgram,
                env: { GITHUB_TOKEN: OLD.token },
                config: {
                    "github-packages:apiUrl": { value: emulator.url },
                    "github-packages:retryBaseMs": { value: "5" },
                    packages: { value: JSON.stringify([{ resource: "utils", args: { ...utils, deleteOnDestroy: true } }]) },
                },
            });
        });

        afterEach(async () => {
            test?.dispose();
            await emulator?.close();
        });

        it("is stored nowhere, and a rotation applies to the next plain refresh and destroy", async () => {
            await test.stack.up();
            assert.deepEqual(logins(emulator), [OLD.login]);
            const exported = JSON.stringify(await test.stack.exportStack());
            assert.ok(!exported.includes(OLD.token), "not even encrypted: the environment is not stack config");

            (test.stack.workspace as LocalWorkspace).envVars.GITHUB_TOKEN = NEW.token;
            setTokens(emulator, [NEW]);
            await test.stack.refresh();
            assert.deepEqual(logins(emulator), [NEW.login]);
            await test.stack.destroy();
            assert.deepEqual(logins(emulator), [NEW.login]);
            assert.ok(deleted(emulator));
            assert.ok(!readTree(test.backendDir).includes(NEW.token));
        });
    });
});
