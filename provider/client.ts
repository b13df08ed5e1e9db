import { Octokit } from "@octokit/rest";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { requestTimeout } from "./timeout";
import { ClientConfig } from "./types";

/** The Octokit class the provider talks to GitHub with: REST methods, pagination, timeouts, retries, throttling. */
export const GitHubClient = Octokit.plugin(requestTimeout, throttling, retry);

/** An Octokit instance with the provider's plugins. */
export type GitHub = InstanceType<typeof GitHubClient>;

const clients = new Map<string, GitHub>();

/**
 * Returns the client for `config`, one per distinct configuration in this process, so that
 * every resource shares one throttle (GitHub counts requests per token, not per resource).
 */
export function clientFor(config: ClientConfig): GitHub {
    const key = JSON.stringify(config);
    let client = clients.get(key);
    if (!client) {
        client = createClient(config);
        clients.set(key, client);
    }
    return client;
}

/** Builds a new client for `config`. Prefer {@link clientFor}, which shares throttling state. */
export function createClient(config: ClientConfig): GitHub {
    const allowRetry = (retryAfterSeconds: number, retryCount: number): boolean =>
        retryCount < config.rateLimitRetries && retryAfterSeconds <= config.rateLimitMaxWaitSeconds;
    return new GitHubClient({
        auth: config.token,
        baseUrl: config.baseUrl,
        userAgent: "pulumi-github-packages",
        requestTimeoutMs: config.requestTimeoutMs,
        retry: { retries: config.retries, retryAfterBaseValue: config.retryBaseMs },
        throttle: {
            retryAfterBaseValue: config.retryBaseMs,
            onRateLimit: (after, _options, _octokit, retryCount) => allowRetry(after, retryCount),
            onSecondaryRateLimit: (after, _options, _octokit, retryCount) => allowRetry(after, retryCount),
        },
        log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    });
}
