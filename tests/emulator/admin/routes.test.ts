import { strict as assert } from "node:assert";
import { Emulator, RateLimitStatus, Seed, SeedPackage, SeedVersion } from "../../../emulator";
import { NOW, Package, TOKENS, call, demoSeed, startDemo } from "../support";

const admin = { token: TOKENS.admin };
const UTILS = "/_emulator/orgs/acme/packages/npm/internal-utils";

describe("emulator/admin/routes", () => {
    let emulator: Emulator;
    beforeEach(async () => {
        emulator = await startDemo();
    });
    afterEach(() => emulator.close());

    it("lists its endpoints and reports health", async () => {
        const index = await call<{ endpoints: string[] }>(emulator, "GET", "/_emulator");
        assert.ok(index.body.endpoints.some((line) => line.startsWith("POST /_emulator/faults")));
        assert.deepEqual((await call(emulator, "GET", "/_emulator/health")).body, { ok: true, now: new Date(NOW).toISOString() });
    });

    it("publishes, changes and deletes packages and versions", async () => {
        const created = await call<SeedPackage>(emulator, "POST", "/_emulator/orgs/acme/packages", {
            body: { name: "platform/worker", packageType: "container", repository: "platform" },
        });
        assert.equal(created.status, 201);
        const worker = "/_emulator/orgs/acme/packages/container/platform%2Fworker";
        const version = await call<SeedVersion>(emulator, "POST", `${worker}/versions`, { body: { tags: ["v2"], downloads: 10 } });
        assert.equal(version.status, 201);
        assert.equal((await call<SeedVersion>(emulator, "PATCH", `${worker}/versions/${version.body.id}`, { body: { downloads: 7000 } })).body.downloads, 7000);
        assert.equal((await call<SeedPackage>(emulator, "PATCH", worker, { body: { visibility: "public" } })).body.visibility, "public");

        const pkg = await call<Package>(emulator, "GET", "/orgs/acme/packages/container/platform%2Fworker", admin);
        assert.equal(pkg.body.version_count, 2);
        assert.equal(pkg.body.repository?.full_name, "acme/platform");
        assert.equal((await call(emulator, "DELETE", "/orgs/acme/packages/container/platform%2Fworker", admin)).status, 400, "public with 7000 downloads");

        assert.equal((await call(emulator, "DELETE", `${worker}/versions/${version.body.id}`)).status, 200);
        const deleted = await call<SeedPackage>(emulator, "DELETE", worker);
        assert.equal(deleted.status, 200);
        assert.ok(deleted.body.restoreToken);
        assert.equal((await call(emulator, "GET", "/orgs/acme/packages/container/platform%2Fworker", admin)).status, 404);
    });

    it("replaces the seed, shows the state and resets", async () => {
        const seed: Seed = { ...demoSeed(), tokens: [{ token: "ghp_new", scopes: ["read:packages"] }] };
        const loaded = await call<Seed>(emulator, "PUT", "/_emulator/seed", { body: seed });
        assert.equal(loaded.status, 200);
        assert.deepEqual(
            loaded.body.tokens.map((token) => token.token),
            ["ghp_new"],
        );
        assert.deepEqual((await call<Seed>(emulator, "GET", "/_emulator/state")).body, loaded.body);
        assert.equal((await call(emulator, "GET", "/orgs/acme/packages?package_type=npm", { token: "ghp_new" })).status, 200);
        assert.equal((await call(emulator, "POST", "/_emulator/reset")).status, 204);
        const bad = await call<{ error: string }>(emulator, "PUT", "/_emulator/seed", { body: { orgs: [] } });
        assert.equal(bad.status, 400);
        assert.match(bad.body.error, /tokens must be an array/);
    });

    it("reads and changes rate limits", async () => {
        await call(emulator, "GET", "/orgs/acme/packages?package_type=npm", admin);
        assert.equal((await call<RateLimitStatus>(emulator, "GET", `/_emulator/rate-limits/${TOKENS.admin}`)).body.used, 1);
        const changed = await call<RateLimitStatus>(emulator, "PUT", `/_emulator/rate-limits/${TOKENS.admin}`, { body: { remaining: 0 } });
        assert.equal(changed.body.remaining, 0);
        assert.equal((await call(emulator, "GET", "/orgs/acme/packages?package_type=npm", admin)).status, 403);
        assert.equal((await call(emulator, "DELETE", "/_emulator/rate-limits")).status, 204);
        assert.equal((await call(emulator, "GET", "/orgs/acme/packages?package_type=npm", admin)).status, 200);
    });

    it("answers errors as { error } with 400, 404, 405 and 409", async () => {
        const expectations: [string, string, unknown, number][] = [
            ["POST", "/_emulator/orgs/acme/packages", { name: "widgets", packageType: "npm" }, 409],
            ["POST", "/_emulator/orgs/initech/packages", { name: "x", packageType: "npm" }, 404],
            ["POST", "/_emulator/orgs/acme/packages", { name: "x", packageType: "pypi" }, 400],
            ["POST", "/_emulator/orgs/acme/packages", [1, 2], 400],
            ["PATCH", UTILS, { visibility: "secret" }, 400],
            ["PATCH", `${UTILS}/versions/abc`, { downloads: 1 }, 400],
            ["GET", "/_emulator/nothing-here", undefined, 404],
            ["PATCH", "/_emulator/clock", { now: "now" }, 405],
        ];
        for (const [method, path, body, status] of expectations) {
            const answer = await call<{ error: string }>(emulator, method, path, { body });
            assert.equal(answer.status, status, `${method} ${path}`);
            assert.equal(typeof answer.body.error, "string");
        }
        const response = await fetch(`${emulator.url}/_emulator/faults`, { method: "POST", body: "{not json" });
        assert.equal(response.status, 400);
    });

    it("requires the admin token when one is set", async () => {
        const guarded = await startDemo({ adminToken: "s3cret" });
        try {
            assert.equal((await call(guarded, "GET", "/_emulator/health")).status, 401);
            assert.equal((await call(guarded, "GET", "/_emulator/health", { token: "wrong" })).status, 401);
            assert.equal((await call(guarded, "GET", "/_emulator/health", { headers: { authorization: "Bearer s3cret" } })).status, 200);
        } finally {
            await guarded.close();
        }
    });
});
