import { strict as assert } from "node:assert";
import { RequestError } from "@octokit/request-error";
import { forCommandLine } from "../../../provider/github/command-line";
import { explain } from "../../../provider/github/errors";
import { ErrorContext } from "../../../provider/shared/messages";
import { parseProtectList, resolveClientConfig, resolveRegistryUrl } from "../../../provider/shared/config";

const LIST: ErrorContext = { operation: "list", org: "acme", packageType: "container" };

/** GitHub's answer as Octokit raises it. */
function answer(status: number, message: string, headers: Record<string, string> = {}, data: unknown = { message }): RequestError {
    return new RequestError(message, status, {
        request: { method: "GET", url: "https://api.github.com/orgs/acme/packages?package_type=container", headers: {} },
        response: { status, url: "https://api.github.com/orgs/acme/packages", headers: { "content-type": "application/json", ...headers }, data },
    });
}

/** The message of the error `f` throws. */
function thrown(f: () => unknown): string {
    try {
        f();
    } catch (error) {
        return (error as Error).message;
    }
    assert.fail("expected an error");
}

/** Pulumi advice a command's message must not give. */
const PULUMI_ADVICE = /github-packages:|pulumi (config|up|refresh|destroy)|PULUMI_RUN_PROGRAM|OrgPackage|PackageVersionRetention|inspectToken/;

describe("provider/github/command-line", () => {
    // Each message built by the provider's own code, and what the command must say instead.
    const cases: [string, string, RegExp][] = [
        ["a rejected token (401)", explain(answer(401, "Bad credentials"), LIST).message, /Export a valid personal access token \(classic\) as GITHUB_TOKEN/],
        ["a fine-grained token", explain(answer(403, "Resource not accessible by personal access token"), LIST).message, /and export it as GITHUB_TOKEN \(in a GitHub Actions workflow, from a secret/],
        ["the workflow's token, which cannot list", explain(answer(400, "Invalid argument"), LIST).message, /export GITHUB_TOKEN with a personal access token \(classic\) with read:packages/],
        [
            "an API URL that serves web pages",
            explain(answer(404, "Not Found", { "content-type": "text/html" }, "<html>"), LIST).message,
            /GITHUB_API_URL must end in \/api\/v3/,
        ],
        [
            "GitHub's secondary rate limit",
            explain(answer(403, "You have exceeded a secondary rate limit", { "retry-after": "5" }), LIST).message,
            /let the command wait longer \(GITHUB_PACKAGES_RATE_LIMIT_RETRIES, GITHUB_PACKAGES_RATE_LIMIT_MAX_WAIT_SECONDS\)/,
        ],
        ["a token with a line break", thrown(() => resolveClientConfig(() => undefined, { GITHUB_TOKEN: "ghp_abcdefgh\n" })), /^Configuration error: GITHUB_TOKEN contains a line break at its end.*e\.g\. export GITHUB_TOKEN="\$\(tr/s],
        ["a bad API URL", thrown(() => resolveClientConfig(() => undefined, { GITHUB_API_URL: "api.github.com" })), /^Configuration error: GITHUB_API_URL must be an absolute http\(s\) URL/],
        ["credentials in the API URL", thrown(() => resolveClientConfig(() => undefined, { GITHUB_API_URL: "https://u:p@x.example" })), /Export the token as GITHUB_TOKEN instead\./],
        ["a bad retry count", thrown(() => resolveClientConfig(() => undefined, { GITHUB_PACKAGES_RETRIES: "many" })), /^Configuration error: GITHUB_PACKAGES_RETRIES must be a whole number/],
        [
            "no registry for another host",
            thrown(() => resolveRegistryUrl(() => undefined, { GITHUB_API_URL: "https://ghe.example.com/api/v3" })),
            /^Configuration error: --registry-url \(or GITHUB_PACKAGES_REGISTRY_URL\) is not set, and GITHUB_API_URL is https:\/\/ghe\.example\.com\/api\/v3/,
        ],
        ["a bad protect list", thrown(() => parseProtectList("npm/x")), /^Configuration error: GITHUB_PACKAGES_PROTECT must be a JSON list.*set it with `export GITHUB_PACKAGES_PROTECT='\["npm\/widgets"/s],
        [
            "a token without the scope",
            explain(answer(403, "Must have admin rights to Repository."), LIST).message,
            /GitHub lists a classic token's scopes in the X-OAuth-Scopes header.*grep -i x-oauth-scopes\. \[GET /,
        ],
        ["the registry's refusal", "The registry refused a pull token for repository:acme/api:pull (401). Check github-packages:token (read:packages) and the token's access to the package.", /Check GITHUB_TOKEN \(read:packages\)/],
    ];

    for (const [what, message, expected] of cases) {
        it(`says what to export or pass for ${what}; the provider's own message is unchanged`, () => {
            assert.match(message, /github-packages:|pulumi config|OrgPackage|inspectToken/, "the provider's message advises a Pulumi program");
            const command = forCommandLine(message);
            assert.doesNotMatch(command, PULUMI_ADVICE, command);
            assert.doesNotMatch(command, /inspectToken|Nothing was (deleted|changed)/, "a read-only command names no program function and no deletion");
            assert.match(command, expected);
        });
    }

    it("leaves a message that names no setting as it is, but for a deletion note (SAML SSO, a workflow token without a role on the package)", () => {
        for (const message of [
            explain(answer(403, "Resource protected by organization SAML enforcement.", { "x-github-sso": "required; url=https://github.com/orgs/acme/sso?x=1" }), LIST).message,
            explain(answer(403, "Resource not accessible by integration"), { ...LIST, packageName: "api" }).message,
        ]) {
            assert.equal(forCommandLine(message), message.replace(" Nothing was changed.", ""), "only the deletion note a read-only command never needs goes");
        }
    });
});
