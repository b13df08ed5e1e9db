import { strict as assert } from "node:assert";
import type { Emulator } from "../../../emulator";
import { DEFAULTS, checkApiUrl, checkToken, resolveClientConfig } from "../../../provider/shared/config";
import { ConfigError } from "../../../provider/shared/messages";
import { startDemo, TOKENS } from "../../emulator/support";
import { providerFor, rejection } from "../../support/provider";

describe("provider/shared/config", () => {
    it("prefers stack config over the environment", () => {
        const config = resolveClientConfig((key) => ({ token: "from-config", apiUrl: "http://127.0.0.1:1/" })[key], {
            GITHUB_TOKEN: "from-env",
            GITHUB_API_URL: "http://127.0.0.1:2",
        });
        assert.equal(config.token, "from-config");
        assert.equal(config.baseUrl, "http://127.0.0.1:1");
    });

    it("falls back to the environment, then to the defaults", () => {
        const config = resolveClientConfig(undefined, { GITHUB_TOKEN: "from-env", GITHUB_PACKAGES_RETRIES: "5" });
        assert.equal(config.token, "from-env");
        assert.equal(config.retries, 5);
        assert.equal(config.baseUrl, DEFAULTS.baseUrl);
        assert.equal(config.requestTimeoutMs, DEFAULTS.requestTimeoutMs);
    });

    describe("numbers", () => {
        const cases: [string, string][] = [
            ["many", `got "many" (a string)`],
            ["-1", `got "-1" (a string)`],
            ["1.5", `got "1.5" (a string)`],
            ["0x10", `got "0x10" (a string)`],
            ["1e3", `got "1e3" (a string)`],
            ["99999999999999999999", `got "99999999999999999999" (a string)`],
        ];
        for (const [value, said] of cases) {
            it(`refuses retries=${JSON.stringify(value)}, naming the key, the variable and the value with its type`, () => {
                assert.throws(
                    () => resolveClientConfig((key) => (key === "retries" ? value : undefined), {}),
                    (e: Error) =>
                        e instanceof ConfigError &&
                        e.message.startsWith("Configuration error: github-packages:retries (or GITHUB_PACKAGES_RETRIES) must be a whole number >= 0") &&
                        e.message.includes(said),
                );
            });
        }
        it("never quotes the token, even pasted into another setting", () => {
            const token = "ghp_PastedIntoRetries0123";
            assert.throws(
                () => resolveClientConfig((key) => ({ token, retries: token })[key], {}),
                (e: Error) => e instanceof ConfigError && /github-packages:retries/.test(e.message) && !e.message.includes(token) && !(e.stack ?? "").includes(token),
            );
        });
        it("accepts 0 and surrounding spaces", () => {
            assert.equal(resolveClientConfig(undefined, { GITHUB_PACKAGES_RETRIES: " 0 " }).retries, 0);
        });
    });

    describe("writesPerMinute", () => {
        it("defaults to 60 and accepts 1 to 150, from config or GITHUB_PACKAGES_WRITES_PER_MINUTE", () => {
            assert.equal(resolveClientConfig(undefined, {}).writesPerMinute, 60);
            assert.equal(resolveClientConfig((key) => (key === "writesPerMinute" ? "150" : undefined), {}).writesPerMinute, 150);
            assert.equal(resolveClientConfig(undefined, { GITHUB_PACKAGES_WRITES_PER_MINUTE: "1" }).writesPerMinute, 1);
        });

        for (const value of ["0", "151", "1000"]) {
            it(`refuses writesPerMinute=${value}: past GitHub's secondary limit, or no writes at all`, () => {
                assert.throws(
                    () => resolveClientConfig((key) => (key === "writesPerMinute" ? value : undefined), {}),
                    (e: Error) => e instanceof ConfigError && /github-packages:writesPerMinute \(or GITHUB_PACKAGES_WRITES_PER_MINUTE\) must be between 1 and 150, got \d+: GitHub's secondary rate limit/.test(e.message),
                );
            });
        }
    });

    describe("token", () => {
        const secret = "ghp_S3cretTokenValue0123456789";
        const cases: [string, string, RegExp][] = [
            ["a trailing newline (read from a file)", `${secret}\n`, /a line break at its end/],
            ["a trailing CRLF", `${secret}\r\n`, /a line break at character \d+ of \d+/],
            ["a leading space", ` ${secret}`, /whitespace at its start/],
            ["a 'token ' prefix", `token ${secret}`, /whitespace at character 6 of \d+/],
            ["a tab inside", `${secret.slice(0, 10)}\t${secret.slice(10)}`, /whitespace at character 11/],
            ["a NUL byte", `${secret}\u0000`, /a control character at its end/],
            ["an escape character", `\u001b${secret}`, /a control character at its start/],
            ["a zero-width space", `${secret}\u200b`, /(whitespace|control character) at its end/],
            ["a non-breaking space", `${secret}\u00a0`, /whitespace at its end/],
        ];
        for (const [what, token, where] of cases) {
            it(`refuses a token with ${what}, without echoing it`, () => {
                for (const source of ["config", "env"] as const) {
                    const error = (() => {
                        try {
                            resolveClientConfig(source === "config" ? (key) => (key === "token" ? token : undefined) : undefined, source === "env" ? { GITHUB_TOKEN: token } : {});
                        } catch (e) {
                            return e as Error;
                        }
                        throw new Error("expected a ConfigError");
                    })();
                    assert.ok(error instanceof ConfigError, String(error));
                    assert.match(error.message, /^Configuration error: github-packages:token \(or GITHUB_TOKEN\) contains /);
                    assert.match(error.message, where);
                    assert.match(error.message, /the value is not shown/);
                    for (const text of [error.message, error.stack ?? "", String(error)]) {
                        assert.ok(!text.includes(secret.slice(0, 8)), `the token leaked: ${text}`);
                        assert.ok(!text.includes(secret.slice(-8)), `the token leaked: ${text}`);
                    }
                }
            });
        }
        it("accepts an ordinary token and no token", () => {
            assert.doesNotThrow(() => checkToken(secret));
            assert.doesNotThrow(() => checkToken(undefined));
            assert.equal(resolveClientConfig(undefined, {}).token, undefined);
        });
    });

    describe("apiUrl", () => {
        const bad: [string, RegExp][] = [
            ["127.0.0.1:9", /got "127\.0\.0\.1:9" \(a string\): it is not a URL \(the scheme is missing\?\)/],
            ["api.github.com", /got "api\.github\.com" \(a string\): it is not a URL/],
            ["localhost:8787", /the scheme "localhost:" is not http or https/],
            ["ftp://127.0.0.1/", /the scheme "ftp:" is not http or https/],
            ["http://127.0.0.1:8787/?x=1", /without a query or fragment/],
            ["http://127.0.0.1:8787/#top", /without a query or fragment/],
        ];
        for (const [value, message] of bad) {
            it(`names ${JSON.stringify(value)} a configuration error`, () => {
                assert.throws(
                    () => resolveClientConfig((key) => (key === "apiUrl" ? value : undefined), {}),
                    (e: Error) => e instanceof ConfigError && e.message.startsWith("Configuration error: github-packages:apiUrl (or GITHUB_API_URL) must") && message.test(e.message),
                );
            });
        }
        it("refuses credentials in the URL without showing them", () => {
            assert.throws(() => checkApiUrl("https://x-access-token:ghp_InUrl12345678@api.github.com"), (e: Error) => {
                assert.ok(e instanceof ConfigError);
                assert.match(e.message, /must not contain credentials/);
                assert.ok(!e.message.includes("ghp_InUrl12345678") && !(e.stack ?? "").includes("ghp_InUrl12345678"));
                return true;
            });
        });
        it("accepts GitHub, GitHub Enterprise Server and the emulator, without trailing slashes", () => {
            assert.equal(checkApiUrl("https://api.github.com/"), "https://api.github.com");
            assert.equal(checkApiUrl("https://ghe.example.com/api/v3"), "https://ghe.example.com/api/v3");
            assert.equal(checkApiUrl("http://127.0.0.1:8787"), "http://127.0.0.1:8787");
        });
    });

    describe("checked before any call", () => {
        let emulator: Emulator;
        beforeEach(async () => {
            emulator = await startDemo();
        });
        afterEach(() => emulator.close());

        const ref = { org: "acme", packageType: "npm", packageName: "internal-utils" } as const;

        it("a malformed apiUrl fails the provider's read as a configuration error, not as a GitHub failure", async () => {
            const provider = await providerFor(emulator, TOKENS.admin, { apiUrl: "127.0.0.1:9" });
            const error = await rejection(provider.read("acme/npm/internal-utils", undefined));
            assert.ok(error instanceof ConfigError, String(error));
            assert.doesNotMatch(error.message, /run again later|500/);
        });

        it("a token with a newline fails before a request reaches GitHub", async () => {
            const provider = await providerFor(emulator, `${TOKENS.admin}\n`);
            const error = await rejection(provider.create({ ...ref }));
            assert.ok(error instanceof ConfigError, String(error));
            assert.ok(!error.message.includes(TOKENS.admin));
            assert.equal(emulator.admin.requests().total, 0);
        });
    });
});
