/**
 * The messages for the tokens users hold, against the emulator: each says what happened and
 * the next step, carries no stack lines, and nothing is deleted (read from the emulator's state).
 */
import { strict as assert } from "node:assert";
import type { Emulator, PackageKey } from "../../../emulator";
import { createClient } from "../../../provider/github/client";
import { PackagesApi } from "../../../provider/github/packages";
import { PackageVersionsApi } from "../../../provider/github/versions";
import { resolveClientConfig } from "../../../provider/shared/config";
import { checkRef } from "../../../provider/shared/validate";
import { OrgPackageProvider } from "../../../provider/org-package/provider";
import { VersionRetentionProvider } from "../../../provider/retention/provider";
import { VersionRetentionInputs } from "../../../provider/retention/state";
import { PackageRef } from "../../../provider/shared/types";
import { startDemo, TOKENS } from "../../emulator/support";
import { providerFor, rejection } from "../../support/provider";

const runner: PackageRef = { org: "acme", packageType: "container", packageName: "tools/ci-runner" };
const gateway: PackageRef = { org: "acme", packageType: "container", packageName: "platform/api-gateway" };
const FINE_GRAINED = "github_pat_11AAAAAAA0bbbbbbbbbbbbbb_cccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";

function apiFor(emulator: Emulator, token: string, apiUrl = emulator.url): PackagesApi {
    const config = resolveClientConfig(undefined, { GITHUB_TOKEN: token, GITHUB_API_URL: apiUrl, GITHUB_PACKAGES_RETRY_BASE_MS: "5" });
    return new PackagesApi(createClient(config));
}

function key(ref: PackageRef): PackageKey {
    return { org: ref.org, packageType: ref.packageType, name: ref.packageName };
}

/** The active packages of acme, from the emulator's own state. */
function active(emulator: Emulator): string[] {
    return (emulator.admin.snapshot().orgs.find((o) => o.login === "acme")?.packages ?? [])
        .filter((p) => !p.deletedAt)
        .map((p) => `${p.packageType}/${p.name}`)
        .sort();
}

/** A user-facing error: its stack has no `at ...` lines. */
function assertNoStack(error: Error): void {
    assert.doesNotMatch(String(error.stack), /\n\s+at /);
}

describe("provider/github: messages for the tokens users hold", () => {
    let emulator: Emulator;
    let before: string[];
    beforeEach(async () => {
        emulator = await startDemo();
        before = active(emulator);
    });
    afterEach(() => emulator.close());

    it("a fine-grained token: says fine-grained, asks for a classic token and its scopes; nothing deleted", async () => {
        emulator.admin.addToken({ token: FINE_GRAINED, scopes: [] });
        const error = await rejection(apiFor(emulator, FINE_GRAINED).delete(runner));
        assert.match(error.message, /fine-grained personal access token/);
        assert.match(error.message, /accepts only a personal access token \(classic\)/);
        assert.match(error.message, /read:packages, delete:packages/);
        assert.doesNotMatch(error.message, /matching permission/, "not the old scopes advice");
        assert.ok(!error.message.includes(FINE_GRAINED), "the token is not in the message");
        assertNoStack(error);
        assert.deepEqual(active(emulator), before);
    });

    it("SAML SSO: shows the authorization URL from X-GitHub-SSO; nothing deleted", async () => {
        emulator.admin.setSamlSso("acme", true);
        const error = await rejection(apiFor(emulator, TOKENS.admin).delete(runner));
        assert.match(error.message, /not authorized for the SAML single sign-on of organization "acme"/);
        assert.match(error.message, /https:\/\/github\.com\/orgs\/acme\/sso\?authorization_request=\S+/);
        assert.doesNotMatch(error.message, /It needs the scopes/);
        assertNoStack(error);
        assert.deepEqual(active(emulator), before);
    });

    it("a workflow token without access: points to the package's Manage Actions access settings page; nothing deleted", async () => {
        const { token } = emulator.admin.issueInstallationToken({ repository: "acme/platform" });
        const api = apiFor(emulator, token);
        const read = await rejection(api.get(runner));
        assert.match(read.message, /Manage Actions access/);
        assert.match(read.message, /https:\/\/github\.com\/orgs\/acme\/packages\/container\/tools%2Fci-runner\/settings/);
        assert.match(read.message, /role read/);
        emulator.admin.setActionsAccess(key(runner), "platform", "read");
        const deletion = await rejection(api.delete(runner));
        assert.match(deletion.message, /role admin/);
        assert.match(deletion.message, /https:\/\/github\.com\/orgs\/acme\/packages\/container\/tools%2Fci-runner\/settings/);
        assertNoStack(deletion);
        assert.deepEqual(active(emulator), before);
    });

    it("a workflow token cannot list: names the token kind and what to use instead, before any deletion", async () => {
        const { token } = emulator.admin.issueInstallationToken({ repository: "acme/platform" });
        const api = apiFor(emulator, token);
        const error = await rejection(api.list({ org: "acme", packageType: "container" }));
        assert.match(error.message, /GitHub App installation token, which Actions' GITHUB_TOKEN is/);
        assert.match(error.message, /OrgPackage or PackageVersionRetention/);
        assert.match(error.message, /personal access token \(classic\) with read:packages and delete:packages for PackageCleanup, VersionRetention globs and listOrgPackages/);
        assert.equal(await api.canList("acme", "container"), false);
        assert.equal((await api.get(gateway))?.name, "platform/api-gateway", "a GET of its own package works");
        assert.deepEqual(active(emulator), before);
        assert.equal(emulator.admin.requests().counts["packages/delete-package-for-org"] ?? 0, 0);
    });

    it("OrgPackage works with a workflow token: reads fall back to one GET per package, and it deletes what its repository administers", async () => {
        const { token } = emulator.admin.issueInstallationToken({ repository: "acme/platform" });
        const provider = await providerFor(emulator, token);
        const { outs } = await provider.create(gateway);
        assert.equal(outs?.status, "present");
        emulator.admin.setActionsAccess(key(runner), "platform", "admin");
        const absent = await (provider as OrgPackageProvider).create({ ...runner, ensure: "absent" });
        assert.equal(absent.outs?.status, "absent");
        assert.deepEqual(active(emulator), before.filter((name) => name !== "container/tools/ci-runner"));
    });

    it("GitHub Enterprise Server without /api/v3: says how to fix apiUrl, and the web page's 404 never reads as gone", async () => {
        await emulator.close();
        emulator = await startDemo({ enterpriseOnly: true });
        const api = apiFor(emulator, TOKENS.admin);
        const read = await rejection(api.get(runner));
        assert.match(read.message, /web page, not GitHub's JSON API/);
        assert.match(read.message, /must end in \/api\/v3/);
        assert.doesNotMatch(read.message, /token cannot see/);
        const deletion = await rejection(api.delete(runner));
        assert.match(deletion.message, /must end in \/api\/v3/, "a 404 web page is not 'already gone'");
        assertNoStack(read);
        const provider = await providerFor(emulator, TOKENS.admin);
        const refresh = await rejection(provider.read!("acme/container/tools/ci-runner", { ...runner, ensure: "present" } as never));
        assert.match(refresh.message, /\/api\/v3/);
        const versions = new PackageVersionsApi(createClient(resolveClientConfig(undefined, { GITHUB_TOKEN: TOKENS.admin, GITHUB_API_URL: emulator.url })));
        const listing = await rejection(versions.list(gateway, "active"));
        assert.match(listing.message, /must end in \/api\/v3/, "a version listing's web-page 404 is not 'package gone'");
        // A retention's check says the same, not "does not exist", and without stack lines.
        const retention = await providerFor(emulator, TOKENS.admin, {}, () => new VersionRetentionProvider());
        const checked = await rejection(retention.check({} as VersionRetentionInputs, { ...gateway, policy: { keepLatest: 1 } } as VersionRetentionInputs));
        assert.match(checked.message, /must end in \/api\/v3/);
        assert.doesNotMatch(checked.message, /does not exist/);
        assertNoStack(checked);
        assert.deepEqual(active(emulator), before);
        assert.equal((await apiFor(emulator, TOKENS.admin, `${emulator.url}/api/v3`).get(runner))?.name, "tools/ci-runner", "with /api/v3 it works");
    });

    it("restore past 30 days: leads with the 30-day cause, the token hint comes after", async () => {
        const error = await rejection(apiFor(emulator, TOKENS.admin).restore({ org: "acme", packageType: "maven", packageName: "com.acme.legacy-auth" }));
        assert.match(error.message, /^GitHub has no deleted package acme\/maven\/com\.acme\.legacy-auth it can restore/);
        assert.ok(error.message.indexOf("30 days") < error.message.indexOf("SSO"), "the 30-day cause comes first");
        assertNoStack(error);
        assert.deepEqual(active(emulator), before);
    });

    it("restore 409 with several deleted packages of the name: points to restoreOrgPackage with the restore token, which works", async () => {
        const dashboard = { org: "acme", packageType: "npm" as const, packageName: "old-dashboard" };
        emulator.admin.publishPackage("acme", { name: "old-dashboard", packageType: "npm" });
        emulator.admin.deletePackage(key(dashboard));
        const api = apiFor(emulator, TOKENS.admin);
        const error = await rejection(api.restore(dashboard));
        assert.match(error.message, /Several deleted packages are named acme\/npm\/old-dashboard/);
        assert.match(error.message, /restoreOrgPackage\(\{ org: "acme", packageType: "npm", packageName: "old-dashboard", token \}\)/);
        assert.doesNotMatch(error.message, /only while no other package holds its name/);
        assert.deepEqual(active(emulator), before);
        const restoreToken = emulator.admin.snapshot().orgs[0].packages?.find((p) => p.name === "old-dashboard" && p.deletedAt)?.restoreToken;
        await api.restore(dashboard, restoreToken);
        assert.ok(active(emulator).includes("npm/old-dashboard"));
    });

    it("a maven name written groupId:artifactId: says the groupId.artifactId form", () => {
        const failures = checkRef({ org: "acme", packageType: "maven", packageName: "com.acme:lib" });
        assert.equal(failures.length, 1);
        assert.match(failures[0].reason, /groupId\.artifactId: "com\.acme\.lib"/);
        assert.doesNotMatch(failures[0].reason, /URL-encode/);
    });
});
