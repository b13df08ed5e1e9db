/**
 * The provider's errors and their messages: a failed GitHub call explained as what happened
 * and the next step (`PackageError`), a bad setting named as a configuration error
 * (`ConfigError`), and the scrubbing that keeps the token out of every message and stack.
 */
import { RequestError } from "@octokit/request-error";
import { PackageType } from "./types";

/** The provider's operations on GitHub, as they are named in messages. */
export type Operation = "read" | "list" | "delete" | "restore";

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

/** What a failed GitHub call was about. */
export interface ErrorContext {
    /** The operation that failed. */
    operation: Operation;
    /** The organization. */
    org: string;
    /** The registry. */
    packageType: PackageType;
    /** The package, when the operation is about one. */
    packageName?: string;
}

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

/** A setting (stack config or environment variable) that cannot be used; raised before any API call. */
export class ConfigError extends Error {
    override readonly name = "ConfigError";

    constructor(
        /** The config key, e.g. `github-packages:apiUrl`. */
        readonly key: string,
        /** The environment variable that can also set it, e.g. `GITHUB_API_URL`; undefined when only config can. */
        readonly env: string | undefined,
        /** What is wrong and how to fix it; must not contain a secret value. */
        problem: string,
    ) {
        super(`Configuration error: ${key}${env ? ` (or ${env})` : ""} ${problem}`);
    }
}

/** Renders a value for a message with its type, e.g. `"5" (a string)`; one implementation, in validate.ts. */
export { describeValue } from "./validate";

/** What a message says instead of a secret. */
export const REDACTED = "[redacted]";

/**
 * Replaces every occurrence of each secret in `text` (the whole value, and each run of it
 * between whitespace, so a token with a stray newline is caught however a message cut it).
 */
export function scrub(text: string, secrets: readonly (string | undefined)[]): string {
    const needles = new Set<string>();
    for (const secret of secrets) {
        if (!secret) {
            continue;
        }
        // No GitHub token is shorter than 8 characters; shorter needles (test tokens) would mangle every message.
        for (const part of [secret, ...secret.split(/[\s\p{Cc}]+/u)]) {
            if (part.length >= 8) {
                needles.add(part);
            }
        }
    }
    let result = text;
    for (const needle of [...needles].sort((a, b) => b.length - a.length)) {
        result = result.split(needle).join(REDACTED);
    }
    return result;
}

/**
 * Removes every secret from an error's message and stack (the stack repeats the message as it
 * was when the error was made) and from its causes, in place; returns the error.
 */
export function scrubError<E>(error: E, secrets: readonly (string | undefined)[]): E {
    if (!secrets.some((s) => s)) {
        return error;
    }
    const seen = new Set<unknown>();
    let current: unknown = error;
    while (current instanceof Error && !seen.has(current)) {
        seen.add(current);
        for (const key of ["message", "stack"] as const) {
            const text = current[key];
            if (typeof text === "string") {
                const clean = scrub(text, secrets);
                if (clean !== text) {
                    Object.defineProperty(current, key, { value: clean, writable: true, configurable: true });
                }
            }
        }
        scrubResponse(current, secrets);
        current = current.cause;
    }
    return error;
}

/** Cleans the string fields of GitHub's error body (a `RequestError`'s `response.data`), which messages quote. */
function scrubResponse(error: Error, secrets: readonly (string | undefined)[]): void {
    const response = (error as Error & { response?: { data?: unknown } }).response;
    const data = response?.data;
    if (response && typeof data === "string") {
        response.data = scrub(data, secrets);
    } else if (typeof data === "object" && data !== null) {
        for (const [key, value] of Object.entries(data)) {
            if (typeof value === "string") {
                (data as Record<string, unknown>)[key] = scrub(value, secrets);
            }
        }
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

/** The text with its first letter upper-case, for messages that start with {@link describe}. */
export function capitalize(text: string): string {
    return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Renders a package reference the way messages name it: `org/type/name`. */
export function describe(context: ErrorContext): string {
    const what = `${context.org}/${context.packageType}`;
    return context.packageName === undefined ? `packages ${what}` : `package ${what}/${context.packageName}`;
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
