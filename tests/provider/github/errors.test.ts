import { strict as assert } from "node:assert";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { inspect } from "node:util";
import type { Emulator } from "../../../emulator";
import { createClient } from "../../../provider/github/client";
import { resolveClientConfig } from "../../../provider/shared/config";
import { PackageError } from "../../../provider/github/errors";
import { PackagesApi } from "../../../provider/github/packages";
import { ClientConfig, PackageRef } from "../../../provider/shared/types";
import { startDemo, TOKENS } from "../../emulator/support";
import { providerFor, rejection } from "../../support/provider";
import { REPO_ROOT } from "../../support/pulumi";

/** A client config for the emulator; `token` goes in unchecked, as a caller bypassing config could. */
function clientConfig(emulator: Emulator, token: string | undefined, overrides: Partial<ClientConfig> = {}): ClientConfig {
    return { ...resolveClientConfig(undefined, { GITHUB_API_URL: emulator.url, GITHUB_PACKAGES_RETRY_BASE_MS: "5", GITHUB_PACKAGES_REQUEST_TIMEOUT_MS: "300" }), token, ...overrides };
}

function apiFor(emulator: Emulator, token: string | undefined, overrides: Partial<ClientConfig> = {}): PackagesApi {
    return new PackagesApi(createClient(clientConfig(emulator, token, overrides)));
}

const utils: PackageRef = { org: "acme", packageType: "npm", packageName: "internal-utils" };

describe("provider/github/errors", () => {
    describe("messages against the emulator", () => {
        let emulator: Emulator;
        beforeEach(async () => {
            emulator = await startDemo();
        });
        afterEach(() => emulator.close());

        it("a secondary rate limit says secondary and GitHub's own wait, not the hourly reset", async () => {
            emulator.admin.addFault({ kind: "secondary-rate-limit", retryAfterSeconds: 1 });
            const error = await rejection(apiFor(emulator, TOKENS.admin, { rateLimitRetries: 0 }).get(utils));
            assert.ok(error instanceof PackageError);
            assert.match(error.message, /secondary rate limit/);
            assert.match(error.message, /GitHub asks to wait 1 second \(retry-after\)/);
            assert.doesNotMatch(error.message, /higher limit|until \d{4}-/);
        });

        it("a spent primary limit names the hourly budget and its reset", async () => {
            emulator.admin.setRateLimit(TOKENS.admin, { remaining: 0 });
            const error = await rejection(apiFor(emulator, TOKENS.admin, { rateLimitRetries: 0 }).get(utils));
            assert.match(error.message, /The token's rate limit of 5000 requests an hour is spent until \d{4}-\d\d-\d\dT/);
            assert.match(error.message, /higher limit/);
            assert.doesNotMatch(error.message, /secondary/);
        });

        it("a 404 of an organization the token cannot see names the organization, the token's access and SSO", async () => {
            const error = await rejection(apiFor(emulator, TOKENS.globexOnly).list({ org: "acme", packageType: "npm" }));
            assert.match(error.message, /404/);
            assert.match(error.message, /cannot see organization "acme"/);
            assert.match(error.message, /organization name/);
            assert.match(error.message, /SSO/);
            // The Packages API refuses fine-grained tokens: the hint asks for a classic one, never a fine-grained token's settings.
            assert.match(error.message, /personal access token \(classic\) with read:packages/);
            assert.doesNotMatch(error.message, /resource owner/);
        });

        it("a 5xx says 'after N attempts' only when it was retried", async () => {
            emulator.admin.addFault({ kind: "error", status: 502 });
            const once = await rejection(apiFor(emulator, TOKENS.admin, { retries: 0 }).get(utils));
            assert.match(once.message, /GitHub failed to read package acme\/npm\/internal-utils \(502/);
            assert.doesNotMatch(once.message, /after|retr/i);
            assert.equal(emulator.admin.requests().total, 1);

            emulator.admin.resetRequests();
            const thrice = await rejection(apiFor(emulator, TOKENS.admin, { retries: 2 }).get(utils));
            assert.match(thrice.message, /GitHub failed to read package acme\/npm\/internal-utils after 3 attempts \(502/);
            assert.equal(emulator.admin.requests().total, 3);
        });

        it("a request that got no answer says so", async () => {
            emulator.admin.addFault({ kind: "timeout" });
            const error = await rejection(apiFor(emulator, TOKENS.admin, { retries: 0, requestTimeoutMs: 100 }).get(utils));
            assert.match(error.message, /no answer came/);
        });

        it("a 401 gives the command that sets the token and the one that applies a rotated one", async () => {
            const error = await rejection(apiFor(emulator, "ghp_not_a_known_token_123").get(utils));
            assert.match(error.message, /401/);
            assert.match(error.message, /pulumi config set --secret github-packages:token/);
            assert.match(error.message, /--run-program/);
        });
    });

    describe("no error path prints the token", () => {
        let emulator: Emulator;
        beforeEach(async () => {
            emulator = await startDemo();
        });
        afterEach(() => emulator.close());

        /** Everything a user could see of an error: message, stack, causes and every property, deeply. */
        function visible(error: Error): string {
            return [error.message, error.stack ?? "", String(error), inspect(error, { depth: 8, showHidden: true })].join("\n");
        }

        function assertClean(error: Error, token: string, what: string): void {
            const text = visible(error);
            for (const part of [token, token.trim(), ...token.split(/\s+/).filter((p) => p.length >= 8)]) {
                assert.ok(!text.includes(part), `${what}: the token leaked in\n${text}`);
            }
        }

        const paths: { what: string; token: string; run(emulator: Emulator, token: string): Promise<unknown> }[] = [
            { what: "401 bad credentials", token: "ghp_unknownTokenUnknownToken", run: (e, t) => apiFor(e, t).get(utils) },
            { what: "403 missing scope", token: TOKENS.readonly, run: (e, t) => apiFor(e, t).delete(utils) },
            { what: "404 organization not visible", token: TOKENS.globexOnly, run: (e, t) => apiFor(e, t).list({ org: "acme", packageType: "npm" }) },
            { what: "409 restore of an active package", token: TOKENS.admin, run: (e, t) => apiFor(e, t).restore(utils) },
            { what: "400 undeletable", token: TOKENS.admin, run: (e, t) => apiFor(e, t).delete({ org: "acme", packageType: "npm", packageName: "widgets" }) },
            {
                what: "5xx after retries",
                token: TOKENS.admin,
                run: (e, t) => {
                    e.admin.addFault({ kind: "error", status: 503, message: `echo ${t}` });
                    return apiFor(e, t, { retries: 1 }).get(utils);
                },
            },
            {
                what: "timeout",
                token: TOKENS.admin,
                run: (e, t) => {
                    e.admin.addFault({ kind: "timeout" });
                    return apiFor(e, t, { retries: 0, requestTimeoutMs: 100 }).get(utils);
                },
            },
            {
                what: "connection reset",
                token: TOKENS.admin,
                run: (e, t) => {
                    e.admin.addFault({ kind: "reset" });
                    return apiFor(e, t, { retries: 0 }).get(utils);
                },
            },
            {
                what: "secondary rate limit",
                token: TOKENS.admin,
                run: (e, t) => {
                    e.admin.addFault({ kind: "secondary-rate-limit", retryAfterSeconds: 1 });
                    return apiFor(e, t, { rateLimitRetries: 0 }).get(utils);
                },
            },
            {
                what: "primary rate limit",
                token: TOKENS.admin,
                run: (e, t) => {
                    e.admin.setRateLimit(t, { remaining: 0 });
                    return apiFor(e, t, { rateLimitRetries: 0 }).get(utils);
                },
            },
            { what: "unreachable API", token: TOKENS.admin, run: (_e, t) => apiFor(_e, t, { baseUrl: "http://127.0.0.1:9", retries: 0 }).get(utils) },
            { what: "a token with a line break past config (fetch refuses the header)", token: `${TOKENS.admin}\nsecond-line`, run: (e, t) => apiFor(e, t, { retries: 0 }).get(utils) },
            { what: "a token with a NUL past config", token: `ghp_nul\u0000${TOKENS.admin}`, run: (e, t) => apiFor(e, t, { retries: 0 }).get(utils) },
            {
                what: "the provider's create with a newline token in config",
                token: `${TOKENS.admin}\n`,
                run: async (e, t) => (await providerFor(e, t)).create({ ...utils }),
            },
            {
                what: "the provider's delete with a revoked token",
                token: "ghp_revokedRevokedRevoked",
                run: async (e, t) => (await providerFor(e, t)).delete("acme/npm/internal-utils", { ...utils, deleteOnDestroy: true, status: "present" } as never),
            },
            {
                what: "the provider's read through an unreachable apiUrl",
                token: TOKENS.admin,
                run: async (e, t) => (await providerFor(e, t, { apiUrl: "http://127.0.0.1:9", retries: "0" })).read("acme/npm/internal-utils", undefined),
            },
            {
                what: "credentials in apiUrl",
                token: "ghp_inUrlInUrlInUrl",
                run: async (e, t) => (await providerFor(e, t, { apiUrl: `https://x:${t}@127.0.0.1:9` })).read("acme/npm/internal-utils", undefined),
            },
        ];

        for (const { what, token, run } of paths) {
            it(what, async () => {
                const error = await rejection(run(emulator, token));
                assertClean(error, token, what);
            });
        }
    });

    describe("stack traces point into shipped files", () => {
        const dist = path.join(REPO_ROOT, "dist", "provider");

        it("the compiled provider carries no source map to sources the package does not ship", () => {
            const compiled = readdirSync(dist, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".js"));
            assert.ok(compiled.length > 5, "run `tsc -p tsconfig.build.json` first");
            for (const file of compiled) {
                assert.doesNotMatch(readFileSync(path.join(dist, file), "utf8"), /sourceMappingURL=(?!data:)/, `${file} points at a separate map`);
            }
        });

        it("an error raised by the compiled provider names dist/ files that exist; a user-facing one carries no frames", () => {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const config = require(path.join(dist, "shared", "config.js")) as typeof import("../../../provider/shared/config");
            const userFacing = (() => {
                try {
                    config.resolveClientConfig((key) => (key === "apiUrl" ? "127.0.0.1:9" : undefined), {});
                } catch (e) {
                    return e as Error;
                }
                throw new Error("expected a ConfigError");
            })();
            assert.equal(userFacing.name, "ConfigError");
            assert.doesNotMatch(userFacing.stack ?? "", /\n\s+at /, "a UserError shows its message without stack lines");
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const validate = require(path.join(dist, "shared", "validate.js")) as typeof import("../../../provider/shared/validate");
            const error = (() => {
                try {
                    validate.assertValid([{ property: "org", reason: "org is missing." }], "test arguments");
                } catch (e) {
                    return e as Error;
                }
                throw new Error("expected an error");
            })();
            const frames = (error.stack ?? "")
                .split("\n")
                .map((line) => /\((.*?):\d+:\d+\)$|at (\/.*?):\d+:\d+$/.exec(line.trim()))
                .filter((m): m is RegExpExecArray => m !== null)
                .map((m) => m[1] ?? m[2])
                .filter((file) => file.startsWith(REPO_ROOT) && !file.includes("node_modules") && !file.includes(`${path.sep}tests${path.sep}`));
            assert.ok(frames.length > 0, error.stack);
            for (const file of frames) {
                assert.ok(file.startsWith(path.join(REPO_ROOT, "dist") + path.sep), `${file} is not a shipped file`);
                assert.ok(existsSync(file), `${file} does not exist`);
            }
        });
    });
});
