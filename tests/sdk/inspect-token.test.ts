import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { Emulator } from "../../emulator";
import { inspectToken } from "../../sdk/functions";
import { startDemo, TOKENS } from "../emulator/support";

describe("sdk/functions inspectToken: what a token can do, before a run", () => {
    let emulator: Emulator;
    beforeEach(async () => {
        emulator = await startDemo();
    });
    afterEach(async () => {
        pulumi.runtime.setAllConfig({});
        await emulator.close();
    });

    function use(token: string, apiUrl = emulator.url): void {
        pulumi.runtime.setAllConfig({ "github-packages:apiUrl": apiUrl, "github-packages:token": token, "github-packages:retries": "0" }, ["github-packages:token"]);
    }

    it("a classic token: its scopes, and per registry what they allow", async () => {
        use(TOKENS.noDelete);
        const report = await inspectToken({ org: "acme", packageTypes: ["npm", "maven"] });
        assert.equal(report.kind, "classic");
        assert.deepEqual(report.scopes, ["read:packages", "write:packages", "repo"]);
        assert.equal(report.orgVisible, true);
        assert.equal(report.sso, "ok");
        assert.deepEqual({ ...report.registries.npm, advice: undefined }, { list: true, delete: "no", restore: "yes", advice: undefined });
        assert.match(report.registries.npm?.advice ?? "", /lacks delete:packages/);
        assert.deepEqual(Object.keys(report.registries), ["npm", "maven"]);
    });

    it("an installation token: cannot list, deletes per package; a fine-grained token: nothing; SSO: the URL", async () => {
        const { token } = emulator.admin.issueInstallationToken({ repository: "acme/platform" });
        use(token);
        const workflow = await inspectToken({ org: "acme", packageTypes: ["container"] });
        assert.equal(workflow.kind, "installation");
        assert.deepEqual({ ...workflow.registries.container, advice: undefined }, { list: false, delete: "per-package", restore: "per-package", advice: undefined });
        assert.match(workflow.registries.container?.advice ?? "", /Manage Actions access/);

        emulator.admin.addToken({ token: "github_pat_11ZZZZ_inspect", scopes: [] });
        use("github_pat_11ZZZZ_inspect");
        const fine = await inspectToken({ org: "acme", packageTypes: ["npm"] });
        assert.equal(fine.kind, "fine-grained");
        assert.equal(fine.registries.npm?.delete, "no");
        assert.match(fine.registries.npm?.advice ?? "", /classic/);

        emulator.admin.setSamlSso("acme", true);
        use(TOKENS.admin);
        const sso = await inspectToken({ org: "acme", packageTypes: ["npm"] });
        assert.equal(sso.sso, "authorization-required");
        assert.match(sso.ssoUrl ?? "", /^https:\/\/github\.com\/orgs\/acme\/sso\?authorization_request=/);
    });

    it("an organization the token cannot see, and bad arguments before any call", async () => {
        use(TOKENS.globexOnly);
        const report = await inspectToken({ org: "acme", packageTypes: ["npm"] });
        assert.equal(report.orgVisible, false);
        await assert.rejects(inspectToken({ org: "acme", packageTypes: ["pypi" as never] }), /packageTypes must be a list of/);
        await assert.rejects(inspectToken({ org: "acme", types: ["npm"] } as never), /types/);
    });
});
