import { strict as assert } from "node:assert";
import { DOCS, Emulator, MESSAGES, Seed } from "../../../emulator";
import { credentialOf } from "../../../emulator/rest/auth";
import { BasicError, TOKENS, call, demoSeed, startDemo } from "../support";

const GET_PACKAGE = "/orgs/acme/packages/npm/widgets";
const DOCS_GET = "https://docs.github.com/rest/packages/packages#get-a-package-for-an-organization";

describe("emulator/rest/auth", () => {
    let emulator: Emulator;
    beforeEach(async () => {
        emulator = await startDemo();
    });
    afterEach(() => emulator.close());

    describe("authentication", () => {
        it("answers 401 Requires authentication without credentials", async () => {
            const answer = await call<BasicError>(emulator, "GET", GET_PACKAGE);
            assert.equal(answer.status, 401);
            assert.deepEqual(answer.body, { message: MESSAGES.requiresAuthentication, documentation_url: DOCS_GET, status: "401" });
        });

        it("answers 401 Bad credentials for an unknown token or a malformed header", async () => {
            for (const authorization of ["token ghp_unknown", "Bearer", "Digest x y"]) {
                const answer = await call<BasicError>(emulator, "GET", GET_PACKAGE, { headers: { authorization } });
                assert.equal(answer.status, 401, authorization);
                assert.deepEqual(answer.body, { message: MESSAGES.badCredentials, documentation_url: DOCS.rest, status: "401" });
            }
        });

        it("accepts token, Bearer and Basic credentials", async () => {
            const basic = Buffer.from(`x-access-token:${TOKENS.readonly}`).toString("base64");
            for (const authorization of [`token ${TOKENS.readonly}`, `Bearer ${TOKENS.readonly}`, `bearer ${TOKENS.readonly}`, `Basic ${basic}`]) {
                assert.equal((await call(emulator, "GET", GET_PACKAGE, { headers: { authorization } })).status, 200, authorization);
            }
        });

        it("reads credentials the way GitHub does", () => {
            assert.equal(credentialOf(undefined), undefined);
            assert.equal(credentialOf("token abc"), "abc");
            assert.equal(credentialOf("BEARER abc"), "abc");
            assert.equal(credentialOf("Basic " + Buffer.from("user:abc").toString("base64")), "abc");
            assert.equal(credentialOf("abc"), null);
        });
    });

    describe("scopes", () => {
        it("answers 403 naming the missing scope, with the scope headers", async () => {
            const answer = await call<BasicError>(emulator, "DELETE", GET_PACKAGE, { token: TOKENS.readonly });
            assert.equal(answer.status, 403);
            assert.equal(answer.body.message, "You need at least delete:packages and read:packages scopes to delete a package.");
            assert.equal(answer.headers.get("x-oauth-scopes"), "read:packages");
            assert.equal(answer.headers.get("x-accepted-oauth-scopes"), "read:packages, delete:packages");
        });

        it("needs write:packages to restore and delete:packages to delete", async () => {
            const restore = await call<BasicError>(emulator, "POST", "/orgs/acme/packages/npm/old-dashboard/restore", { token: TOKENS.readonly });
            assert.equal(restore.status, 403);
            assert.match(restore.body.message ?? "", /write:packages and read:packages/);
            assert.equal((await call(emulator, "DELETE", "/orgs/acme/packages/npm/internal-utils", { token: TOKENS.noDelete })).status, 403);
            assert.equal((await call(emulator, "POST", "/orgs/acme/packages/npm/old-dashboard/restore", { token: TOKENS.noDelete })).status, 204);
        });

        it("needs read:packages to read", async () => {
            emulator.admin.loadSeed(withToken(demoSeed(), { token: "ghp_repo_only", scopes: ["repo"] }));
            const answer = await call<BasicError>(emulator, "GET", "/orgs/acme/packages?package_type=npm", { token: "ghp_repo_only" });
            assert.equal(answer.status, 403);
            assert.equal(answer.body.message, "You need at least read:packages scope to list packages.");
        });

        it("also needs repo to delete or restore in registries with repository-scoped permissions only", async () => {
            emulator.admin.loadSeed(withToken(demoSeed(), { token: "ghp_no_repo", scopes: ["read:packages", "write:packages", "delete:packages"] }));
            const noRepo = { token: "ghp_no_repo" };
            const maven = await call<BasicError>(emulator, "DELETE", "/orgs/acme/packages/maven/com.acme.billing", noRepo);
            assert.equal(maven.status, 403);
            assert.match(maven.body.message ?? "", /repo scope/);
            assert.equal(maven.headers.get("x-accepted-oauth-scopes"), "read:packages, delete:packages, repo");
            assert.equal((await call(emulator, "DELETE", "/orgs/acme/packages/docker/legacy-service", noRepo)).status, 403);
            assert.equal((await call(emulator, "DELETE", "/orgs/acme/packages/nuget/Acme.Sdk", noRepo)).status, 204, "granular registries do not need repo");
            assert.equal((await call(emulator, "GET", "/orgs/acme/packages/maven/com.acme.billing", noRepo)).status, 200);
            assert.equal((await call(emulator, "DELETE", "/orgs/acme/packages/maven/com.acme.billing", { token: TOKENS.admin })).status, 204);
            assert.equal((await call(emulator, "POST", "/orgs/acme/packages/maven/com.acme.billing/restore", noRepo)).status, 403);
        });
    });

    describe("organizations", () => {
        it("answers 404 Not Found for an unknown organization", async () => {
            const answer = await call<BasicError>(emulator, "GET", "/orgs/initech/packages?package_type=npm", { token: TOKENS.admin });
            assert.equal(answer.status, 404);
            assert.equal(answer.body.message, MESSAGES.notFound);
        });

        it("answers 404 for an organization the token cannot see, as for an unknown one", async () => {
            const hidden = await call<BasicError>(emulator, "GET", "/orgs/acme/packages?package_type=npm", { token: TOKENS.globexOnly });
            assert.equal(hidden.status, 404);
            assert.equal(hidden.body.message, MESSAGES.notFound);
            assert.equal((await call(emulator, "GET", "/orgs/globex/packages?package_type=container", { token: TOKENS.globexOnly })).status, 200);
        });

        it("matches organization logins case-insensitively", async () => {
            assert.equal((await call(emulator, "GET", "/orgs/ACME/packages/npm/widgets", { token: TOKENS.admin })).status, 200);
        });
    });
});

function withToken(seed: Seed, token: Seed["tokens"][number]): Seed {
    return { ...seed, tokens: [...seed.tokens, token] };
}
