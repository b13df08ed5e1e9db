/**
 * GitHub's answers as the provider explains them: a failed call becomes a `PackageError` that
 * says what happened and the next step (scopes, SSO, rate limits, the 30-day restore window),
 * and the predicates that read an answer (`isNotFound`, `isUndeletable`, `statusOf`).
 */
import { RequestError } from "@octokit/request-error";
import { describe, ErrorContext, Operation, packageSettingsUrl, UserError } from "../shared/messages";
import { PackageType } from "../shared/types";

/** Registries whose packages only support repository-scoped permissions, so tokens also need `repo`. */
export const REPOSITORY_SCOPED_TYPES: readonly PackageType[] = ["maven", "docker"];

/** The token scopes each operation needs, as GitHub documents them. */
export const REQUIRED_SCOPES: Record<Operation, readonly string[]> = {
    read: ["read:packages"],
    list: ["read:packages"],
    delete: ["read:packages", "delete:packages"],
    restore: ["read:packages", "write:packages"],
};

/** The command that makes `pulumi refresh` and `pulumi destroy` use a token rotated in stack config. */
export const ROTATION_HINT =
    "If you rotated github-packages:token since the last `pulumi up`: refresh and destroy authenticate with the token stored (encrypted) " +
    "with the stack's provider until the program runs again; run `pulumi refresh --run-program` once to apply the new token (or set PULUMI_RUN_PROGRAM=true).";

/**
 * A GitHub call the provider could not complete. The message names the package and says
 * what to do; `status` and `request` (method and path, never headers or query) carry the detail.
 */
export class PackageError extends UserError {
    override readonly name = "PackageError";

    constructor(
        message: string,
        /** The context of the failed call. */
        readonly context: ErrorContext,
        /** GitHub's HTTP status, or undefined when no response came. */
        readonly status: number | undefined,
        /** The request that failed, as `METHOD /path`. */
        readonly request: string | undefined,
        /** The token problem GitHub's answer showed, if any (a web page's 404 is `not-the-api`, never "gone"). */
        readonly problem?: TokenProblem,
    ) {
        super(request ? `${message} [${request}]` : message);
    }
}


const attempts = new WeakMap<object, number>();

/** Records how many times the client sent the request that failed with `error`. */
export function recordAttempts(error: unknown, count: number): void {
    if (typeof error === "object" && error !== null) {
        attempts.set(error, count);
    }
}

/** How many times the request that failed with `error` was sent; 1 when unrecorded. */
export function attemptsOf(error: unknown): number {
    return typeof error === "object" && error !== null ? (attempts.get(error) ?? 1) : 1;
}

/**
 * True when `error` is GitHub's 404: the package (or org) does not exist or cannot be seen. A
 * 404 that is a web page (an `apiUrl` without `/api/v3` on GitHub Enterprise Server) is not.
 */
export function isNotFound(error: unknown): boolean {
    return statusOf(error) === 404 && !isWebPage(error);
}

/** True when the answer is not GitHub's JSON API: an HTML (or other text) body, e.g. GHES's web interface. */
export function isWebPage(error: unknown): boolean {
    if (error instanceof PackageError) {
        return error.problem === "not-the-api";
    }
    if (!(error instanceof RequestError)) {
        return false;
    }
    const type = String(error.response?.headers?.["content-type"] ?? "");
    const data = error.response?.data;
    return (type !== "" && !/json/i.test(type)) || (typeof data === "string" && data.trim() !== "");
}

/** The token problems GitHub's answers show, each with its own message (see {@link explain}). */
export type TokenProblem = "fine-grained" | "sso" | "integration" | "cannot-list" | "not-the-api";

/**
 * Which token problem an answer shows: a fine-grained token (GitHub Packages takes classic
 * tokens only), a token not authorized for SAML SSO (`X-GitHub-SSO`), a workflow token whose
 * repository lacks a role on the package, a token that cannot list (GitHub answers 400 to an
 * installation token), or an API URL that serves web pages; undefined for anything else.
 */
export function tokenProblemOf(error: unknown): TokenProblem | undefined {
    if (!(error instanceof RequestError)) {
        return undefined;
    }
    const said = githubMessage(error);
    if (error.status === 404 && isWebPage(error)) {
        return "not-the-api";
    }
    if (error.status === 403 && ssoUrlOf(error) !== undefined) {
        return "sso";
    }
    if (error.status === 403 && /not accessible by personal access token/i.test(said)) {
        return "fine-grained";
    }
    if (error.status === 403 && /not accessible by integration/i.test(said)) {
        return "integration";
    }
    if (error.status === 400 && /^invalid argument\.?$/i.test(said.trim()) && /\/packages$/.test(requestLine(error) ?? "")) {
        return "cannot-list";
    }
    return undefined;
}

/** The authorization URL of an `X-GitHub-SSO: required; url=...` header, if the answer has one. */
export function ssoUrlOf(error: unknown): string | undefined {
    if (!(error instanceof RequestError)) {
        return undefined;
    }
    const header = String(error.response?.headers?.["x-github-sso"] ?? "");
    return /\brequired;\s*url=(\S+)/i.exec(header)?.[1];
}

/** What to use instead when a token cannot list an organization's packages. */
export const LIST_ALTERNATIVES =
    "Name the packages one by one with OrgPackage or PackageVersionRetention (they read each package with one GET and work with the workflow's GITHUB_TOKEN), " +
    "or use a personal access token (classic) with read:packages and delete:packages for PackageCleanup, VersionRetention globs and listOrgPackages.";

/** True when `error` is GitHub's refusal to delete a public package with a version over 5,000 downloads. */
export function isUndeletable(error: unknown): boolean {
    const status = statusOf(error);
    return (status === 400 || status === 403 || status === 422) && /download/i.test(githubMessage(error));
}

/** The HTTP status of an Octokit error, or undefined. */
export function statusOf(error: unknown): number | undefined {
    if (error instanceof PackageError) {
        return error.status;
    }
    return error instanceof RequestError ? error.status : undefined;
}

/**
 * What a 404 may mean besides "gone": GitHub answers 404 for an organization the token cannot
 * see, so the message lists what to check.
 */
export function tokenVisibilityHint(org: string): string {
    return (
        `GitHub also answers 404 when the token cannot see organization "${org}": check the organization name, ` +
        `that the token is a personal access token (classic) with read:packages of a member of ${org} (the Packages API refuses fine-grained tokens), ` +
        `and that the token is authorized for SSO if ${org} uses SAML single sign-on.`
    );
}

/**
 * Turns an error from Octokit into a {@link PackageError} whose message names the package
 * and the fix. Errors that are not GitHub responses (bugs) are passed through unchanged.
 */
export function explain(error: unknown, context: ErrorContext): Error {
    if (error instanceof PackageError || !(error instanceof RequestError)) {
        return error instanceof Error ? error : new Error(String(error));
    }
    const status = error.status;
    const said = githubMessage(error);
    const target = describe(context);
    const headers = error.response?.headers ?? {};
    const scopes = requiredScopes(context);
    const limit = rateLimitKind(error);
    let message: string;
    if (status === 401) {
        message =
            `GitHub rejected the token while trying to ${context.operation} ${target} (401: ${said}). ` +
            `Set a valid token with \`pulumi config set --secret github-packages:token\` or the GITHUB_TOKEN environment variable. ${ROTATION_HINT}`;
    } else if (isUndeletable(error)) {
        message = `GitHub refused to delete ${target}: it is public and a version has more than 5,000 downloads (${status}: ${said}). Only GitHub Support can delete it; keep it (ensure: "present", deleteOnDestroy: false) or set onUndeletable: "report".`;
    } else if (limit === "secondary") {
        const after = Number(headers["retry-after"]);
        const wait = Number.isFinite(after) && after >= 0 ? `GitHub asks to wait ${after} second${after === 1 ? "" : "s"} (retry-after)` : "GitHub asks to wait at least a minute";
        message =
            `GitHub's secondary rate limit (too many requests in a short time, or too many at once) stopped the ${context.operation} of ${target} (${status}: ${said}). ` +
            `${wait}; run again after that, and if it recurs, run fewer operations at once (pulumi up --parallel 2) or let the provider wait longer ` +
            `(github-packages:rateLimitRetries, github-packages:rateLimitMaxWaitSeconds).`;
    } else if (limit === "primary") {
        const reset = Number(headers["x-ratelimit-reset"]);
        const quota = headers["x-ratelimit-limit"] !== undefined ? ` of ${String(headers["x-ratelimit-limit"])} requests an hour` : "";
        const when = Number.isFinite(reset) && reset > 0 ? ` until ${new Date(reset * 1000).toISOString()}` : "";
        message =
            `The token's rate limit${quota} is spent${when}; it stopped the ${context.operation} of ${target} (${status}: ${said}). ` +
            `Run again after the reset, or use a token with a higher limit (a GitHub App installation token gets more than a personal token).`;
    } else if (tokenProblemOf(error) !== undefined) {
        message = tokenMessage(tokenProblemOf(error) as TokenProblem, error, context, status, said);
    } else if (status === 403) {
        message = `The token may not ${context.operation} ${target} (403: ${said}). It needs the scopes ${scopes.join(", ")} and, for ${context.operation === "read" || context.operation === "list" ? "reading" : "changing"} packages, the matching permission in the organization. inspectToken({ org: "${context.org}" }) tells what the token can do.`;
    } else if (status === 404) {
        message = `GitHub found no ${target} (404: ${said}). Check the org, type and name. ${tokenVisibilityHint(context.org)}`;
    } else if (status >= 500) {
        const tries = attemptsOf(error);
        const retried = tries > 1 ? ` after ${tries} attempts` : "";
        const reached = error.response ? "" : " (no answer came: a timeout, a reset connection or an unreachable API URL)";
        message = `GitHub failed to ${context.operation} ${target}${retried}${reached} (${status}: ${said}). Nothing was changed in state; run again later.`;
    } else {
        message = `GitHub refused to ${context.operation} ${target} (${status}: ${said}).`;
    }
    return new PackageError(message, context, status, requestLine(error), tokenProblemOf(error));
}

/** The message for a token problem: what happened, and the next step. */
function tokenMessage(problem: TokenProblem, error: RequestError, context: ErrorContext, status: number, said: string): string {
    const target = describe(context);
    switch (problem) {
        case "fine-grained":
            return (
                `GitHub refused to ${context.operation} ${target} (${status}: ${said}): the token is a fine-grained personal access token, and GitHub's ` +
                `Packages API accepts only a personal access token (classic). Create a classic token with the scopes ${requiredScopes(context).join(", ")} ` +
                `(plus delete:packages and write:packages to delete and restore) and set it with \`pulumi config set --secret github-packages:token\` ` +
                `or GITHUB_TOKEN; in a GitHub Actions workflow, the workflow's own GITHUB_TOKEN (permissions: packages: write) also works for the packages its repository has access to.`
            );
        case "sso":
            return (
                `The token is not authorized for the SAML single sign-on of organization "${context.org}", so GitHub refused to ${context.operation} ${target} ` +
                `(${status}: ${said}). Open ${ssoUrlOf(error)} to authorize it (or Configure SSO next to the token in your settings), then run again. Nothing was changed.`
            );
        case "integration":
            return (
                `The workflow's token (GITHUB_TOKEN, or a GitHub App installation token) may not ${context.operation} ${target} (${status}: ${said}): ` +
                `its repository needs the role ${context.operation === "delete" || context.operation === "restore" ? "admin" : "read"} on the package. Add the workflow's repository under "Manage Actions access" at ` +
                `${packageSettingsUrl(context.org, context.packageType, context.packageName ?? "PACKAGE")} (read to read, admin to delete or restore), then run again. Nothing was changed.`
            );
        case "cannot-list":
            return (
                `GitHub does not let this token list ${target} (${status}: ${said}): a GitHub App installation token, which Actions' GITHUB_TOKEN is, ` +
                `may only use the packages its repository has access to, one at a time. ${LIST_ALTERNATIVES} Nothing was deleted.`
            );
        case "not-the-api":
            return (
                `The API URL answered the ${context.operation} of ${target} with a web page, not GitHub's JSON API (${status}). For GitHub Enterprise Server, ` +
                `github-packages:apiUrl (or GITHUB_API_URL) must end in /api/v3, e.g. https://github.example.com/api/v3. Nothing was changed.`
            );
    }
}

/** The classic-token scopes an operation on a registry needs: {@link REQUIRED_SCOPES}, plus `repo` where packages are repository-scoped. */
export function requiredScopes(context: Pick<ErrorContext, "operation" | "packageType">): string[] {
    const scopes = [...REQUIRED_SCOPES[context.operation]];
    if (REPOSITORY_SCOPED_TYPES.includes(context.packageType)) {
        scopes.push("repo");
    }
    return scopes;
}

/**
 * Which of GitHub's rate limits an error is: the secondary limit (abuse detection: a
 * `retry-after` header or GitHub's "secondary rate limit" message) or the primary hourly
 * budget (`x-ratelimit-remaining: 0`); undefined when it is neither.
 */
export function rateLimitKind(error: unknown): "primary" | "secondary" | undefined {
    if (!(error instanceof RequestError) || (error.status !== 403 && error.status !== 429)) {
        return undefined;
    }
    const headers = error.response?.headers ?? {};
    if (headers["retry-after"] !== undefined || /secondary rate limit/i.test(githubMessage(error))) {
        return "secondary";
    }
    if (headers["x-ratelimit-remaining"] === "0" || error.status === 429) {
        return "primary";
    }
    return undefined;
}

/** GitHub's own message in an error's body (`message`), else the error's. */
export function githubMessage(error: unknown): string {
    if (!(error instanceof RequestError)) {
        return error instanceof Error ? error.message : String(error);
    }
    const data = error.response?.data as { message?: unknown } | undefined;
    return typeof data?.message === "string" ? data.message : error.message;
}

function requestLine(error: RequestError): string | undefined {
    const { method, url } = error.request;
    if (!url) {
        return undefined;
    }
    try {
        return `${method} ${new URL(url).pathname}`;
    } catch {
        return method;
    }
}
