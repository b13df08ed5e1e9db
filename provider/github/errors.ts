/**
 * GitHub's answers as the provider explains them: a failed call becomes a `PackageError` that
 * says what happened and the next step (scopes, SSO, rate limits, the 30-day restore window),
 * and the predicates that read an answer (`isNotFound`, `isUndeletable`, `statusOf`).
 */
import { RequestError } from "@octokit/request-error";
import { describe, ErrorContext, Operation } from "../shared/messages";
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
export class PackageError extends Error {
    override readonly name = "PackageError";

    constructor(
        message: string,
        /** The context of the failed call. */
        readonly context: ErrorContext,
        /** GitHub's HTTP status, or undefined when no response came. */
        readonly status: number | undefined,
        /** The request that failed, as `METHOD /path`. */
        readonly request: string | undefined,
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

/** True when `error` is GitHub's 404: the package (or org) does not exist or cannot be seen. */
export function isNotFound(error: unknown): boolean {
    return statusOf(error) === 404;
}

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
        `that the token has read:packages and access to ${org} (a fine-grained token must have ${org} as its resource owner), ` +
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
    } else if (status === 403) {
        message = `The token may not ${context.operation} ${target} (403: ${said}). It needs the scopes ${scopes.join(", ")} and, for ${context.operation === "read" || context.operation === "list" ? "reading" : "changing"} packages, the matching permission in the organization.`;
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
    return new PackageError(message, context, status, requestLine(error));
}

function requiredScopes(context: ErrorContext): string[] {
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

function githubMessage(error: unknown): string {
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
