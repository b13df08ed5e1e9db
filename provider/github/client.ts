/**
 * The Octokit client the provider talks to GitHub with: REST methods, pagination, retries,
 * throttling and a per-request timeout, shared per configuration in a process. Every error it
 * raises has the token scrubbed from its message, stack and causes, and records how many
 * attempts were made, so messages can say whether the call was retried.
 */
import type { Octokit as OctokitCore } from "@octokit/core";
import { Octokit } from "@octokit/rest";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import Bottleneck from "bottleneck";
import { recordAttempts } from "./errors";
import { scrubError } from "../shared/messages";
import { fetchWithTimeout } from "./timeout";
import { ClientConfig } from "../shared/types";

const sent = new WeakMap<object, number>();

/**
 * Counts the attempts of each call. Registered before the retry and throttling plugins, its
 * hook is the innermost, so it runs once per attempt; they pass the same options object each time.
 */
function countAttempts(octokit: OctokitCore): void {
    octokit.hook.wrap("request", (request, options) => {
        sent.set(options, (sent.get(options) ?? 0) + 1);
        return request(options);
    });
}

/**
 * A check a write makes right before it is sent: `options.request.beforeSend`, called with
 * `retried` (an earlier attempt of this write was sent). It runs inside the write limiter's
 * slot (this hook is inside the throttling plugin's), so what it reads is as fresh as the
 * write; an error it throws cancels the write and reaches the caller as {@link WriteCancelled}.
 */
export type BeforeSend = (retried: boolean) => Promise<void>;

/** The error of a write its {@link BeforeSend} check cancelled: nothing was sent; `cause` is what the check threw. */
export class WriteCancelled extends Error {
    constructor(override readonly cause: unknown) {
        super(`the write was not sent: ${cause instanceof Error ? cause.message : String(cause)}`);
        this.name = "WriteCancelled";
    }
}

function checkBeforeSend(octokit: OctokitCore): void {
    octokit.hook.wrap("request", async (request, options) => {
        const check = (options.request as { beforeSend?: BeforeSend; retryCount?: number } | undefined)?.beforeSend;
        if (check) {
            try {
                await check(((options.request as { retryCount?: number }).retryCount ?? 0) > 0);
            } catch (error) {
                throw new WriteCancelled(error);
            }
        }
        return request(options);
    });
}

/** The Octokit class the provider talks to GitHub with: REST methods, pagination, retries and throttling. */
export const GitHubClient = Octokit.plugin(countAttempts, checkBeforeSend, throttling, retry);

/** An Octokit instance with the provider's plugins. */
export type GitHub = InstanceType<typeof GitHubClient>;

/** Statuses a retry cannot fix: the retry plugin's own list plus 409, GitHub's answer to a restore whose name is taken. */
const DO_NOT_RETRY = [400, 401, 403, 404, 409, 410, 422, 451];

const clients = new Map<string, GitHub>();

const writeGroups = new Map<number, Bottleneck.Group>();

/**
 * The limiter of write requests at `perMinute`, one per pace in a process: one write at a time,
 * evenly spaced, so a large retention stays under GitHub's secondary limit (a DELETE costs 5 of
 * 900 points a minute per endpoint) whatever the number of resources deleting at once.
 */
function writeGroup(perMinute: number): Bottleneck.Group {
    let group = writeGroups.get(perMinute);
    if (!group) {
        group = new Bottleneck.Group({ id: `pulumi-github-packages-write-${perMinute}`, maxConcurrent: 1, minTime: Math.ceil(60_000 / perMinute) });
        writeGroups.set(perMinute, group);
    }
    return group;
}

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
    const client = new GitHubClient({
        auth: config.token,
        baseUrl: config.baseUrl,
        userAgent: "pulumi-github-packages",
        request: { fetch: fetchWithTimeout(config.requestTimeoutMs) },
        retry: { retries: config.retries, retryAfterBaseValue: config.retryBaseMs, doNotRetry: DO_NOT_RETRY },
        throttle: {
            write: writeGroup(config.writesPerMinute),
            retryAfterBaseValue: config.retryBaseMs,
            onRateLimit: (after, _options, _octokit, retryCount) => allowRetry(after, retryCount),
            onSecondaryRateLimit: (after, _options, _octokit, retryCount) => allowRetry(after, retryCount),
        },
        log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    });
    // Registered last, this hook is the outermost: it sees the error the caller will get.
    client.hook.wrap("request", async (request, options) => {
        try {
            return await request(options);
        } catch (error) {
            recordAttempts(error, sent.get(options) ?? 1);
            throw scrubError(error, [config.token]);
        }
    });
    return client;
}
