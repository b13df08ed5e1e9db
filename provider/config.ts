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
};

/** Where each setting comes from: a key under {@link CONFIG_NAMESPACE}, then an environment variable. */
const SOURCES: { [K in keyof ClientConfig]-?: { key: string; env: string } } = {
    token: { key: "token", env: "GITHUB_TOKEN" },
    baseUrl: { key: "apiUrl", env: "GITHUB_API_URL" },
    retries: { key: "retries", env: "GITHUB_PACKAGES_RETRIES" },
    retryBaseMs: { key: "retryBaseMs", env: "GITHUB_PACKAGES_RETRY_BASE_MS" },
    requestTimeoutMs: { key: "requestTimeoutMs", env: "GITHUB_PACKAGES_REQUEST_TIMEOUT_MS" },
    rateLimitRetries: { key: "rateLimitRetries", env: "GITHUB_PACKAGES_RATE_LIMIT_RETRIES" },
    rateLimitMaxWaitSeconds: { key: "rateLimitMaxWaitSeconds", env: "GITHUB_PACKAGES_RATE_LIMIT_MAX_WAIT_SECONDS" },
};

/** Looks a setting up by its key under {@link CONFIG_NAMESPACE}; undefined when unset. */
export type ConfigLookup = (key: string) => string | undefined;

/**
 * Resolves the client settings from Pulumi config (through `lookup`) and the environment.
 * Call it when a request is about to be made, never at module load: a token read at load
 * time would be captured in the serialized provider and written to state.
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
        const parsed = Number(value);
        if (!Number.isInteger(parsed) || parsed < 0) {
            throw new Error(
                `${CONFIG_NAMESPACE}:${SOURCES[name].key} (or ${SOURCES[name].env}) must be a whole number >= 0, got "${value}".`,
            );
        }
        return parsed;
    };
    return {
        token: raw("token"),
        baseUrl: (raw("baseUrl") ?? DEFAULTS.baseUrl).replace(/\/+$/, ""),
        retries: count("retries"),
        retryBaseMs: count("retryBaseMs"),
        requestTimeoutMs: count("requestTimeoutMs"),
        rateLimitRetries: count("rateLimitRetries"),
        rateLimitMaxWaitSeconds: count("rateLimitMaxWaitSeconds"),
    };
}
