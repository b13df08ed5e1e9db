import { strict as assert } from "node:assert";
import { Emulator } from "../../../emulator";
import { TOKENS, call, startDemo } from "../support";

const GET_PACKAGE = "/orgs/acme/packages/npm/internal-utils";
const admin = { token: TOKENS.admin };

describe("emulator/rest/api", () => {
    let emulator: Emulator;
    beforeEach(async () => {
        emulator = await startDemo();
    });
    afterEach(() => emulator.close());

    describe("conditional requests", () => {
        it("sends a weak ETag and answers a matching If-None-Match with an empty 304 that does not count", async () => {
            const first = await call(emulator, "GET", GET_PACKAGE, admin);
            const etag = first.headers.get("etag") ?? "";
            assert.match(etag, /^W\/"[0-9a-f]{64}"$/);

            const cached = await call(emulator, "GET", GET_PACKAGE, { ...admin, headers: { "if-none-match": etag } });
            assert.equal(cached.status, 304);
            assert.equal(cached.text, "");
            assert.equal(cached.headers.get("etag"), etag);
            assert.equal(cached.headers.get("x-ratelimit-used"), "1", "a 304 does not count against the rate limit");
            assert.equal(emulator.admin.rateLimit(TOKENS.admin).used, 1);
        });

        it("matches strong and wildcard validators, and not stale ones", async () => {
            const etag = (await call(emulator, "GET", GET_PACKAGE, admin)).headers.get("etag") ?? "";
            const strong = etag.replace(/^W\//, "");
            assert.equal((await call(emulator, "GET", GET_PACKAGE, { ...admin, headers: { "if-none-match": `"other", ${strong}` } })).status, 304);
            assert.equal((await call(emulator, "GET", GET_PACKAGE, { ...admin, headers: { "if-none-match": "*" } })).status, 304);

            emulator.admin.publishVersion({ org: "acme", packageType: "npm", name: "internal-utils" }, { name: "2.5.0" });
            const changed = await call(emulator, "GET", GET_PACKAGE, { ...admin, headers: { "if-none-match": etag } });
            assert.equal(changed.status, 200);
            assert.notEqual(changed.headers.get("etag"), etag);
        });

        it("sends ETags on lists too, and none on errors or writes", async () => {
            const list = await call(emulator, "GET", "/orgs/acme/packages?package_type=npm", admin);
            const etag = list.headers.get("etag") ?? "";
            assert.ok(etag);
            assert.equal((await call(emulator, "GET", "/orgs/acme/packages?package_type=npm", { ...admin, headers: { "if-none-match": etag } })).status, 304);
            assert.equal((await call(emulator, "GET", "/orgs/acme/packages/npm/nope", admin)).headers.get("etag"), null);
            assert.equal((await call(emulator, "DELETE", GET_PACKAGE, admin)).headers.get("etag"), null);
        });
    });

    describe("headers and unknown paths", () => {
        it("sends GitHub's API headers", async () => {
            const answer = await call(emulator, "GET", GET_PACKAGE, admin);
            assert.equal(answer.headers.get("content-type"), "application/json; charset=utf-8");
            assert.equal(answer.headers.get("x-github-api-version-selected"), "2022-11-28");
            assert.match(answer.headers.get("x-github-request-id") ?? "", /^[0-9A-F]{4}:[0-9A-F]{4}:[0-9A-F]{6}:[0-9A-F]{6}:[0-9A-F]{8}$/);
            assert.equal(answer.headers.get("x-accepted-oauth-scopes"), "read:packages");
        });

        it("answers 404 Not Found for paths and methods it does not serve", async () => {
            for (const [method, path] of [
                ["GET", "/user"],
                ["PUT", GET_PACKAGE],
                ["GET", "/orgs/acme/packages/npm/internal-utils/extra/segments/here"],
            ]) {
                const answer = await call<{ message: string }>(emulator, method, path, admin);
                assert.equal(answer.status, 404, `${method} ${path}`);
                assert.equal(answer.body.message, "Not Found");
            }
        });
    });
});
