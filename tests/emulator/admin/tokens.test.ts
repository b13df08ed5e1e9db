import { strict as assert } from "node:assert";
import { Emulator } from "../../../emulator";
import { call, startDemo, TOKENS } from "../support";

describe("emulator/admin/tokens: token kinds, Actions access and SAML SSO", () => {
    let emulator: Emulator;
    beforeEach(async () => {
        emulator = await startDemo();
    });
    afterEach(() => emulator.close());

    const gateway = "/orgs/acme/packages/container/platform%2Fapi-gateway";
    const runner = "/orgs/acme/packages/container/tools%2Fci-runner";

    it("issues a ghs_ installation token of about 520 characters for a repository, through HTTP too", async () => {
        const issued = emulator.admin.issueInstallationToken({ repository: "acme/platform" });
        assert.match(issued.token, /^ghs_[0-9a-f]+$/);
        assert.equal(issued.token.length, 520);
        assert.equal(issued.kind, "installation");
        const overHttp = await call<{ token: string; kind: string }>(emulator, "POST", "/_emulator/tokens/installation", { body: { repository: "acme/platform" } });
        assert.equal(overHttp.status, 201);
        assert.notEqual(overHttp.body.token, issued.token);
        assert.equal((await call(emulator, "GET", gateway, { token: overHttp.body.token })).status, 200);
        const bad = await call<{ error: string }>(emulator, "POST", "/_emulator/tokens/installation", { body: {} });
        assert.equal(bad.status, 400);
        assert.match(bad.body.error, /repository/);
    });

    it("an installation token cannot list the organization's packages: 400 Invalid argument.", async () => {
        const { token } = emulator.admin.issueInstallationToken({ repository: "acme/platform" });
        const answer = await call<{ message: string }>(emulator, "GET", "/orgs/acme/packages?package_type=container", { token });
        assert.equal(answer.status, 400);
        assert.equal(answer.body.message, "Invalid argument.");
        assert.equal(answer.headers.get("x-oauth-scopes"), null, "no OAuth scopes for an installation token");
    });

    it("an installation token reads and deletes the packages of its repository (admin), and nothing else without Actions access", async () => {
        const { token } = emulator.admin.issueInstallationToken({ repository: "acme/platform" });
        assert.equal((await call(emulator, "GET", `${gateway}/versions`, { token })).status, 200);
        const refused = await call<{ message: string }>(emulator, "GET", runner, { token });
        assert.equal(refused.status, 403);
        assert.equal(refused.body.message, "Resource not accessible by integration");
        assert.equal((await call(emulator, "GET", "/orgs/globex/packages/container/site", { token })).status, 404, "another organization");

        emulator.admin.setActionsAccess({ org: "acme", packageType: "container", name: "tools/ci-runner" }, "platform", "read");
        assert.equal((await call(emulator, "GET", runner, { token })).status, 200);
        const noAdmin = await call<{ message: string }>(emulator, "DELETE", runner, { token });
        assert.equal(noAdmin.status, 403);
        assert.equal(noAdmin.body.message, "Resource not accessible by integration");
        assert.ok(emulator.admin.snapshot().orgs[0].packages?.some((p) => p.name === "tools/ci-runner" && !p.deletedAt), "nothing deleted");

        const put = await call(emulator, "PUT", "/_emulator/orgs/acme/packages/container/tools%2Fci-runner/actions-access/platform", { body: { role: "admin" } });
        assert.equal(put.status, 204);
        assert.equal((await call(emulator, "DELETE", runner, { token })).status, 204);
        assert.equal((await call(emulator, "POST", `${runner}/restore`, { token })).status, 204, "admin restores too");
        const removed = await call(emulator, "DELETE", "/_emulator/orgs/acme/packages/container/tools%2Fci-runner/actions-access/platform");
        assert.equal(removed.status, 204);
        assert.equal((await call(emulator, "GET", runner, { token })).status, 403);
        const snapshot = emulator.admin.snapshot();
        assert.deepEqual(snapshot.orgs[0].packages?.find((p) => p.name === "tools/ci-runner")?.actionsAccess, undefined);
    });

    it("keeps Actions access and token kinds in snapshots, so loading one gives the same answers", async () => {
        const issued = emulator.admin.issueInstallationToken({ repository: "acme/platform" });
        emulator.admin.setActionsAccess({ org: "acme", packageType: "container", name: "tools/ci-runner" }, "platform", "write");
        emulator.admin.setSamlSso("acme", true);
        emulator.admin.loadSeed(emulator.admin.snapshot());
        assert.equal((await call(emulator, "GET", runner, { token: issued.token })).status, 200);
        assert.equal((await call(emulator, "DELETE", runner, { token: issued.token })).status, 403);
        assert.equal((await call(emulator, "GET", runner, { token: TOKENS.admin })).status, 403, "SSO still enforced");
    });

    it("a fine-grained token is refused on every package operation with GitHub's message", async () => {
        emulator.admin.addToken({ token: "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", scopes: [] });
        for (const [method, path] of [
            ["GET", "/orgs/acme/packages?package_type=npm"],
            ["GET", gateway],
            ["DELETE", gateway],
        ]) {
            const answer = await call<{ message: string }>(emulator, method, path, { token: "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz" });
            assert.equal(answer.status, 403, `${method} ${path}`);
            assert.equal(answer.body.message, "Resource not accessible by personal access token");
        }
        assert.ok(emulator.admin.snapshot().orgs[0].packages?.some((p) => p.name === "platform/api-gateway" && !p.deletedAt));
    });

    it("SAML SSO: a personal token not authorized gets 403 with X-GitHub-SSO, then works once authorized", async () => {
        await call(emulator, "PUT", "/_emulator/orgs/acme/saml-sso", { body: { enforced: true } });
        const refused = await call<{ message: string }>(emulator, "GET", gateway, { token: TOKENS.admin });
        assert.equal(refused.status, 403);
        assert.match(refused.body.message, /SAML enforcement/);
        assert.match(refused.headers.get("x-github-sso") ?? "", /^required; url=https:\/\/github\.com\/orgs\/acme\/sso\?authorization_request=/);
        const authorized = await call(emulator, "POST", "/_emulator/sso-authorizations", { body: { token: TOKENS.admin, org: "acme" } });
        assert.equal(authorized.status, 204);
        assert.equal((await call(emulator, "GET", gateway, { token: TOKENS.admin })).status, 200);
        const { token } = emulator.admin.issueInstallationToken({ repository: "acme/platform" });
        assert.equal((await call(emulator, "GET", gateway, { token })).status, 200, "installation tokens are not subject to SSO");
    });

    it("refuses bad admin input naming the field", async () => {
        assert.throws(() => emulator.admin.addToken({ token: "ghs_x", scopes: [] }), /token\.repository must name the repository/);
        assert.throws(() => emulator.admin.addToken({ token: "ghp_x", scopes: [], kind: "robot" as never }), /token\.kind/);
        assert.throws(() => emulator.admin.setActionsAccess({ org: "acme", packageType: "npm", name: "widgets" }, "platform", "owner" as never), /role must be one of/);
        assert.throws(() => emulator.admin.setActionsAccess({ org: "acme", packageType: "npm", name: "nope" }, "platform", "read"), /No package/);
        assert.throws(() => emulator.admin.authorizeSso("ghp_unknown", "acme"), /No such token/);
    });
});
