import { strict as assert } from "node:assert";
import { DOCS, Emulator, createEmulator } from "../../../emulator";
import { RateLimiter } from "../../../emulator/rest/ratelimit";
import { BasicError, NOW, TOKENS, call, demoSeed, startDemo } from "../support";

const LIST = "/orgs/acme/packages?package_type=npm";
const nowSeconds = Date.parse(NOW) / 1000;

describe("emulator/rest/ratelimit", () => {
    describe("RateLimiter", () => {
        it("opens an hour-long window at the first request and starts over after it", () => {
            const limiter = new RateLimiter(3_600_000);
            const start = Date.parse(NOW);
            assert.deepEqual(limiter.consume("k", 2, start), { limit: 2, remaining: 1, used: 1, reset: nowSeconds + 3600, resource: "core" });
            assert.equal(limiter.consume("k", 2, start + 1000).remaining, 0);
            assert.equal(limiter.status("k", 2, start + 3_599_999).remaining, 0);
            assert.deepEqual(limiter.status("k", 2, start + 3_600_000), { limit: 2, remaining: 2, used: 0, reset: nowSeconds + 7200, resource: "core" });
        });

        it("keeps one budget per key and applies overrides", () => {
            const limiter = new RateLimiter(3_600_000);
            limiter.consume("a", 10, 0);
            assert.equal(limiter.status("b", 10, 0).used, 0);
            assert.equal(limiter.override("a", 10, { remaining: 0 }, 0).remaining, 0);
            assert.equal(limiter.override("a", 10, { limit: 20 }, 0).remaining, 10);
        });
    });

    describe("over HTTP", () => {
        let emulator: Emulator;
        beforeEach(async () => {
            emulator = await startDemo();
        });
        afterEach(() => emulator.close());

        it("reports x-ratelimit-* on every answer, per token", async () => {
            const first = await call(emulator, "GET", LIST, { token: TOKENS.admin });
            assert.equal(first.headers.get("x-ratelimit-limit"), "5000");
            assert.equal(first.headers.get("x-ratelimit-remaining"), "4999");
            assert.equal(first.headers.get("x-ratelimit-used"), "1");
            assert.equal(first.headers.get("x-ratelimit-reset"), String(nowSeconds + 3600));
            assert.equal(first.headers.get("x-ratelimit-resource"), "core");
            for (const [method, path] of [
                ["GET", "/orgs/acme/packages/npm/nope"],
                ["DELETE", "/orgs/acme/packages/npm/widgets"],
                ["GET", "/nowhere"],
            ]) {
                const answer = await call(emulator, method, path, { token: TOKENS.admin });
                assert.ok(answer.status >= 400);
                assert.ok(answer.headers.has("x-ratelimit-remaining"), `${method} ${path}`);
            }
            assert.equal(emulator.admin.rateLimit(TOKENS.admin).used, 4);
            assert.equal((await call(emulator, "GET", LIST, { token: TOKENS.readonly })).headers.get("x-ratelimit-used"), "1");
        });

        it("gives anonymous callers their own budget of 60", async () => {
            const answer = await call(emulator, "GET", LIST);
            assert.equal(answer.status, 401);
            assert.equal(answer.headers.get("x-ratelimit-limit"), "60");
            assert.equal(answer.headers.get("x-ratelimit-remaining"), "59");
        });

        it("answers 403 with remaining 0 and GitHub's message once the budget is spent, until the window resets", async () => {
            const seed = demoSeed();
            seed.tokens = [{ token: "ghp_small", userId: 42, scopes: ["read:packages"], rateLimit: 2 }];
            emulator.admin.loadSeed(seed);
            assert.equal((await call(emulator, "GET", LIST, { token: "ghp_small" })).status, 200);
            assert.equal((await call(emulator, "GET", LIST, { token: "ghp_small" })).status, 200);
            const limited = await call<BasicError>(emulator, "GET", LIST, { token: "ghp_small" });
            assert.equal(limited.status, 403);
            assert.equal(limited.headers.get("x-ratelimit-remaining"), "0");
            assert.equal(limited.headers.get("x-ratelimit-used"), "2");
            assert.match(limited.body.message ?? "", /^API rate limit exceeded for user ID 42\./);
            assert.equal(limited.body.documentation_url, DOCS.rateLimits);

            emulator.admin.advance("1h");
            const again = await call(emulator, "GET", LIST, { token: "ghp_small" });
            assert.equal(again.status, 200);
            assert.equal(again.headers.get("x-ratelimit-remaining"), "1");
        });

        it("lets the admin spend or change a budget", async () => {
            emulator.admin.setRateLimit(TOKENS.admin, { remaining: 0 });
            assert.equal((await call(emulator, "GET", LIST, { token: TOKENS.admin })).status, 403);
            emulator.admin.resetRateLimits();
            assert.equal((await call(emulator, "GET", LIST, { token: TOKENS.admin })).status, 200);
            assert.equal(emulator.admin.setRateLimit(TOKENS.admin, { limit: 10 }).remaining, 9);
        });

        it("takes limits from the options", async () => {
            const custom = await createEmulator({ seed: demoSeed(), now: NOW, defaultRateLimit: 100, anonymousRateLimit: 5 });
            try {
                assert.equal((await call(custom, "GET", LIST, { token: TOKENS.admin })).headers.get("x-ratelimit-limit"), "100");
                assert.equal((await call(custom, "GET", LIST)).headers.get("x-ratelimit-limit"), "5");
            } finally {
                await custom.close();
            }
        });
    });
});
