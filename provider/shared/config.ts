/**
 * The provider's settings: the client settings (where each comes from: stack config under
 * `github-packages:`, then an environment variable, then a default), the container registry's
 * URL (read by the image graph) and the protect list (stack config only), each checked before
 * any call to GitHub. A bad value is a `ConfigError` naming the key and the fix; the token's
 * value never appears in one.
 */
import { ConfigError, describeValue, scrubError } from "./messages";
import { checkGlobs } from "./keys";
import { ClientConfig } from "./types";

/** The Pulumi config namespace of this package: `pulumi config set github-packages:apiUrl ...`. */
export const CONFIG_NAMESPACE = "github-packages";

/** The client settings used when neither config nor environment says otherwise. */
export const DEFAULTS: Readonly<ClientConfig> = {
    baseUrl: "https://api.github.com",
    retries: 3,
    retryBaseMs: 1000,
    requestTimeoutMs: 30_000,
    rateLimitRetries: 2,
    rateLimitMaxWaitSeconds: 60,
    writesPerMinute: 60,
};

/** The most writes per minute allowed: under GitHub's secondary limit (900 points a minute per endpoint, 5 per DELETE = 180), with a margin. */
export const MAX_WRITES_PER_MINUTE = 150;

/** Where each setting comes from: a key under {@link CONFIG_NAMESPACE}, then an environment variable. */
export const SOURCES: { readonly [K in keyof ClientConfig]-?: { readonly key: string; readonly env: string } } = {
    token: { key: "token", env: "GITHUB_TOKEN" },
    baseUrl: { key: "apiUrl", env: "GITHUB_API_URL" },
    retries: { key: "retries", env: "GITHUB_PACKAGES_RETRIES" },
    retryBaseMs: { key: "retryBaseMs", env: "GITHUB_PACKAGES_RETRY_BASE_MS" },
    requestTimeoutMs: { key: "requestTimeoutMs", env: "GITHUB_PACKAGES_REQUEST_TIMEOUT_MS" },
    rateLimitRetries: { key: "rateLimitRetries", env: "GITHUB_PACKAGES_RATE_LIMIT_RETRIES" },
    rateLimitMaxWaitSeconds: { key: "rateLimitMaxWaitSeconds", env: "GITHUB_PACKAGES_RATE_LIMIT_MAX_WAIT_SECONDS" },
    writesPerMinute: { key: "writesPerMinute", env: "GITHUB_PACKAGES_WRITES_PER_MINUTE" },
};

/** Looks a setting up by its key under {@link CONFIG_NAMESPACE}; undefined when unset. */
export type ConfigLookup = (key: string) => string | undefined;

/**
 * Resolves the client settings from Pulumi config (through `lookup`) and the environment, and
 * checks them, throwing a {@link ConfigError} for the first bad one. Call it when a request is
 * about to be made, never at module load: a token read at load time would be captured in the
 * serialized provider and written to state.
 */
export function resolveClientConfig(lookup: ConfigLookup = () => undefined, env: NodeJS.ProcessEnv = process.env): ClientConfig {
    const raw = (name: keyof ClientConfig): string | undefined => {
        const { key, env: variable } = SOURCES[name];
        const value = lookup(key) ?? env[variable];
        return value === undefined || value === "" ? undefined : value;
    };
    const count = (name: Exclude<keyof ClientConfig, "token" | "baseUrl">): number => {
        const value = raw(name);
        if (value === undefined) {
            return DEFAULTS[name];
        }
        const parsed = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
        if (!Number.isSafeInteger(parsed)) {
            throw configError(name, `must be a whole number >= 0 such as "${DEFAULTS[name]}", got ${describeValue(value)}.`);
        }
        return parsed;
    };
    const token = raw("token");
    try {
        checkToken(token);
        return {
            token,
            baseUrl: checkApiUrl(raw("baseUrl") ?? DEFAULTS.baseUrl),
            retries: count("retries"),
            retryBaseMs: count("retryBaseMs"),
            requestTimeoutMs: count("requestTimeoutMs"),
            rateLimitRetries: count("rateLimitRetries"),
            rateLimitMaxWaitSeconds: count("rateLimitMaxWaitSeconds"),
            writesPerMinute: writesPerMinute(count("writesPerMinute")),
        };
    } catch (error) {
        // A message quotes the bad value; should the token have been pasted into another setting, it goes unseen.
        throw scrubError(error, [token]);
    }
}

/**
 * Refuses a token with whitespace or control characters (a trailing newline from a file, a
 * pasted `token ` prefix), which GitHub would never accept and which `fetch` would print in
 * its own error. The message says where the bad character is, never what the token is.
 */
export function checkToken(token: string | undefined): void {
    if (token === undefined) {
        return;
    }
    const bad = /[\s\p{Cc}\p{Cf}]/u.exec(token);
    if (bad) {
        const where = bad.index === token.length - 1 ? "at its end" : bad.index === 0 ? "at its start" : `at character ${bad.index + 1} of ${token.length}`;
        const what = /[\r\n]/.test(bad[0]) ? "a line break" : /\s/u.test(bad[0]) ? "whitespace" : "a control character";
        throw configError(
            "token",
            `contains ${what} ${where}; the value is not shown. A GitHub token is one word: set it again without it, ` +
                `e.g. \`tr -d '[:space:]' < token.txt | pulumi config set --secret github-packages:token\` or GITHUB_TOKEN="$(tr -d '[:space:]' < token.txt)".`,
        );
    }
}

/**
 * Checks the REST API base URL: an absolute `http(s)` URL without credentials, query or
 * fragment, e.g. `https://api.github.com` or `https://ghe.example.com/api/v3`. Returns it
 * without trailing slashes.
 */
export function checkApiUrl(value: string): string {
    return checkUrl(value, SOURCES.baseUrl, `such as "https://api.github.com" or "https://github.example.com/api/v3"`);
}

/** The container registry used when neither config nor environment says otherwise (GitHub Enterprise Server has its own). */
export const REGISTRY_URL_DEFAULT = "https://ghcr.io";

/** Where the container registry's URL comes from: `github-packages:registryUrl`, then `GITHUB_PACKAGES_REGISTRY_URL`. */
export const REGISTRY_URL_SOURCE = { key: "registryUrl", env: "GITHUB_PACKAGES_REGISTRY_URL" } as const;

/**
 * Resolves the container registry's base URL (read by the image graph, provider/github/registry.ts)
 * from Pulumi config, then the environment, then {@link REGISTRY_URL_DEFAULT}, checked like
 * `apiUrl`: an absolute http(s) URL without credentials, query or fragment, trailing slashes removed.
 */
export function resolveRegistryUrl(lookup: ConfigLookup = () => undefined, env: NodeJS.ProcessEnv = process.env): string {
    const value = lookup(REGISTRY_URL_SOURCE.key) ?? env[REGISTRY_URL_SOURCE.env];
    if (value !== undefined && value !== "") {
        return checkRegistryUrl(value);
    }
    // ghcr.io is github.com's registry: the token goes there only when the API is github.com's too.
    const api = lookup(SOURCES.baseUrl.key) ?? env[SOURCES.baseUrl.env];
    if (api !== undefined && api !== "" && checkApiUrl(api) !== DEFAULTS.baseUrl) {
        throw new ConfigError(
            `${CONFIG_NAMESPACE}:${REGISTRY_URL_SOURCE.key}`,
            REGISTRY_URL_SOURCE.env,
            `is not set, and ${CONFIG_NAMESPACE}:apiUrl is ${checkApiUrl(api)}, not github.com's API: the container registry cannot be guessed, and the token ` +
                `is not sent to ${REGISTRY_URL_DEFAULT} for another host. Set it, e.g. "https://containers.github.example.com" on GitHub Enterprise Server.`,
        );
    }
    return checkRegistryUrl(REGISTRY_URL_DEFAULT);
}

/** Checks a container registry base URL such as `https://ghcr.io` or `https://containers.github.example.com`; returns it without trailing slashes. */
export function checkRegistryUrl(value: string): string {
    return checkUrl(value, REGISTRY_URL_SOURCE, `such as "https://ghcr.io" or "https://containers.github.example.com"`);
}

/** Checks an absolute http(s) base URL without credentials, query or fragment; errors name the setting's key and variable. */
function checkUrl(value: string, source: { readonly key: string; readonly env: string }, example: string): string {
    const fail = (problem: string) => new ConfigError(`${CONFIG_NAMESPACE}:${source.key}`, source.env, problem);
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        throw fail(`must be an absolute http(s) URL ${example}, got ${describeValue(value)}: it is not a URL (the scheme is missing?).`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw fail(`must be an absolute http(s) URL ${example}, got ${describeValue(value)}: the scheme "${url.protocol}" is not http or https.`);
    }
    if (url.username || url.password) {
        throw fail(`must not contain credentials (user:password@); the value is not shown. Set the token with github-packages:token or GITHUB_TOKEN instead.`);
    }
    if (url.search || url.hash) {
        throw fail(`must be a base URL without a query or fragment ${example}, got ${describeValue(value)}.`);
    }
    return value.replace(/\/+$/, "");
}

/** Checks the write pace: at least one a minute, at most {@link MAX_WRITES_PER_MINUTE}. */
function writesPerMinute(value: number): number {
    if (value < 1 || value > MAX_WRITES_PER_MINUTE) {
        throw configError(
            "writesPerMinute",
            `must be between 1 and ${MAX_WRITES_PER_MINUTE}, got ${value}: GitHub's secondary rate limit allows about 180 deletions a minute per endpoint, and ${MAX_WRITES_PER_MINUTE} keeps a margin for other clients of the token.`,
        );
    }
    return value;
}

function configError(name: keyof ClientConfig, problem: string): ConfigError {
    const { key, env } = SOURCES[name];
    return new ConfigError(`${CONFIG_NAMESPACE}:${key}`, env, problem);
}

/** The config key (under {@link CONFIG_NAMESPACE}) of the packages the provider refuses to delete. */
export const PROTECT_KEY = "protect";

/** The environment variable that adds to the protect list (both apply). */
export const PROTECT_ENV = "GITHUB_PACKAGES_PROTECT";

/**
 * Parses the protect list, `github-packages:protect`: a JSON list of `type/name` globs (the
 * syntax of `keys.ts`), e.g. `["npm/widgets", "container/platform/**"]`. Unset is an empty
 * list; anything else that is not such a list is a {@link ConfigError} naming the fix. Accepts
 * the list itself too, for callers that see the config already parsed.
 */
export function parseProtectList(value: unknown): string[] {
    if (value === undefined || value === "") {
        return [];
    }
    const key = `${CONFIG_NAMESPACE}:${PROTECT_KEY}`;
    const fix = `set it with \`pulumi config set ${key} '["npm/widgets", "container/platform/**"]'\``;
    let list: unknown = value;
    if (typeof value === "string") {
        try {
            list = JSON.parse(value);
        } catch {
            throw new ConfigError(key, PROTECT_ENV, `must be a JSON list of type/name globs, got ${describeValue(value)}, which is not JSON; ${fix}.`);
        }
    }
    const problems = checkGlobs(list, key);
    if (!Array.isArray(list) || problems.length > 0) {
        throw new ConfigError(key, PROTECT_ENV, `must be a JSON list of type/name globs: ${problems.map((p) => p.reason).join(" ")} ${fix}.`);
    }
    return list as string[];
}
