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

/** Renders a package reference the way messages name it: `org/type/name`. */
export function describe(context: ErrorContext): string {
    const what = `${context.org}/${context.packageType}`;
    return context.packageName === undefined ? `packages ${what}` : `package ${what}/${context.packageName}`;
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
    let message: string;
    if (status === 401) {
        message = `GitHub rejected the token while trying to ${context.operation} ${target} (401: ${said}). Set a valid token with \`pulumi config set --secret github-packages:token\` or the GITHUB_TOKEN environment variable.`;
    } else if (isUndeletable(error)) {
        message = `GitHub refused to delete ${target}: it is public and a version has more than 5,000 downloads (${status}: ${said}). Only GitHub Support can delete it; keep it (ensure: "present", deleteOnDestroy: false) or set onUndeletable: "report".`;
    } else if (isRateLimited(error)) {
        const reset = Number(headers["x-ratelimit-reset"]);
        const when = Number.isFinite(reset) && reset > 0 ? ` until ${new Date(reset * 1000).toISOString()}` : "";
        message = `GitHub's rate limit stopped the ${context.operation} of ${target}${when} (${status}: ${said}). Wait and run again, or use a token with a higher limit.`;
    } else if (status === 403) {
        message = `The token may not ${context.operation} ${target} (403: ${said}). It needs the scopes ${scopes.join(", ")} and, for ${context.operation === "read" || context.operation === "list" ? "reading" : "changing"} packages, the matching permission in the organization.`;
    } else if (status === 404) {
        message = `GitHub found no ${target} (404: ${said}). Check the org, type and name; an organization the token cannot see also answers 404.`;
    } else if (status >= 500) {
        message = `GitHub failed to ${context.operation} ${target} after retries (${status}: ${said}). Nothing was changed in state; run again later.`;
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

function isRateLimited(error: RequestError): boolean {
    const headers = error.response?.headers ?? {};
    return (
        error.status === 429 ||
        (error.status === 403 && (headers["x-ratelimit-remaining"] === "0" || headers["retry-after"] !== undefined))
    );
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
