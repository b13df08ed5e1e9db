import { strict as assert } from "node:assert";
import type { Emulator } from "../../emulator";
import { E2E, failure, startE2E } from "../support/e2e";

const utils = { org: "acme", packageType: "npm", packageName: "internal-utils" } as const;
const FINE_GRAINED = "github_pat_11E2EFINE0aaaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

function present(emulator: Emulator): boolean {
    return !!emulator.admin.snapshot().orgs.find((o) => o.login === "acme")?.packages?.some((p) => p.name === utils.packageName && p.packageType === "npm" && !p.deletedAt);
}

/**
 * The tokens users hold, through the real engine: a refresh refused for SAML SSO or a
 * fine-grained token says why and what to do, shows no stack lines, and deletes nothing.
 */
describe("e2e: refresh with a token GitHub refuses: the message, no stack lines, nothing deleted", function () {
    let e2e: E2E;

    before(async () => {
        e2e = await startE2E();
        e2e.emulator.admin.addToken({ token: FINE_GRAINED, scopes: [] });
        await e2e.declare([{ resource: "utils", args: { ...utils } }]);
        await e2e.test.stack.up();
    });

    after(async () => e2e?.dispose());

    it("SAML SSO: the authorization URL from X-GitHub-SSO, then fine-grained: a classic token", async () => {
        e2e.emulator.admin.setSamlSso("acme", true);
        const refresh = await failure(e2e.test.stack.refresh());
        assert.match(refresh, /https:\/\/github\.com\/orgs\/acme\/sso\?authorization_request=/);
        assert.doesNotMatch(refresh, /\n\s+at \S+ \(/, "a refresh error carries no stack lines");
        // Declared absent now: an up would delete it. The refusal comes first.
        await e2e.declare([{ resource: "utils", args: { ...utils, ensure: "absent" } }]);
        const sso = await failure(e2e.test.stack.up());
        assert.match(sso, /not authorized for the SAML single sign-on of organization "acme"/);
        assert.match(sso, /https:\/\/github\.com\/orgs\/acme\/sso\?authorization_request=/);
        assert.doesNotMatch(sso, /\n\s+at \S+ \(.*errors\.js/, "no stack lines");
        assert.ok(present(e2e.emulator), "nothing deleted");

        e2e.emulator.admin.setSamlSso("acme", false);
        await e2e.test.stack.setConfig("github-packages:token", { value: FINE_GRAINED, secret: true });
        const fine = await failure(e2e.test.stack.up());
        assert.match(fine, /fine-grained personal access token/);
        assert.match(fine, /personal access token \(classic\)/);
        assert.doesNotMatch(fine, /\n\s+at \S+ \(/, "no stack lines");
        assert.ok(!fine.includes(FINE_GRAINED), "the token is not printed");
        assert.ok(present(e2e.emulator), "nothing deleted");
    });
});
