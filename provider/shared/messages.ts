/**
 * The words every message of the provider is made of, free of secrets: how a package is named
 * (`describe`), the operations (`Operation`, `ErrorContext`), a bad setting (`ConfigError`), and
 * the scrubbing that keeps the token out of every message, stack and quoted response body.
 */
import { PackageType } from "./types";

/** The provider's operations on GitHub, as they are named in messages. */
export type Operation = "read" | "list" | "delete" | "restore";

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
 * An error meant for the user, not for a debugger: its message says what happened and the next
 * step, and it has no stack lines. Its `stack` is empty: the Pulumi host prints an error as
 * `${error}: ${error.stack}`, so the CLI shows the name and message once, and code that falls
 * back from `stack` to `message` shows the message.
 */
export class UserError extends Error {
    constructor(message: string) {
        super(message);
        Object.defineProperty(this, "stack", { value: "", writable: true, configurable: true, enumerable: false });
    }
}

/** The settings page of a package where "Manage Actions access" gives a repository's workflows a role on it. */
export function packageSettingsUrl(org: string, packageType: string, packageName: string): string {
    return `https://github.com/orgs/${org}/packages/${packageType}/${encodeURIComponent(packageName)}/settings`;
}

/** A setting (stack config or environment variable) that cannot be used; raised before any API call. */
export class ConfigError extends UserError {
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
/** The text with its first letter upper-case, for messages that start with {@link describe}. */
export function capitalize(text: string): string {
    return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Renders a package reference the way messages name it: `org/type/name`. */
export function describe(context: ErrorContext): string {
    const what = `${context.org}/${context.packageType}`;
    return context.packageName === undefined ? `packages ${what}` : `package ${what}/${context.packageName}`;
}
