/**
 * GitHub's primary rate limit: a budget of requests per hour for each token (and for each
 * address without one). A window opens at the first request and lasts an hour on the
 * emulator clock; `x-ratelimit-*` headers report it on every answer.
 */
import { RateLimitOverride, RateLimitStatus } from "../types";

interface Bucket {
    limit: number;
    used: number;
    /** When the window ends, epoch milliseconds. */
    resetAt: number;
}

/** The rate-limit budgets, by key (a token secret, or `anonymous:<address>`). */
export class RateLimiter {
    private readonly buckets = new Map<string, Bucket>();

    /** @param windowMs how long a window lasts */
    constructor(private readonly windowMs: number) {}

    /** The budget of `key` at `now`; `limit` applies unless an override set another. */
    status(key: string, limit: number, now: number): RateLimitStatus {
        return statusOf(this.bucket(key, limit, now));
    }

    /** Counts one request against `key`'s budget; returns the budget after it. */
    consume(key: string, limit: number, now: number): RateLimitStatus {
        const bucket = this.bucket(key, limit, now);
        bucket.used++;
        return statusOf(bucket);
    }

    /** Changes `key`'s limit or what is left of its current window. */
    override(key: string, limit: number, change: RateLimitOverride, now: number): RateLimitStatus {
        const bucket = this.bucket(key, limit, now);
        if (change.limit !== undefined) {
            bucket.limit = change.limit;
        }
        if (change.remaining !== undefined) {
            bucket.used = Math.max(0, bucket.limit - change.remaining);
        }
        return statusOf(bucket);
    }

    /** Forgets every budget (and every override). */
    reset(): void {
        this.buckets.clear();
    }

    private bucket(key: string, limit: number, now: number): Bucket {
        let bucket = this.buckets.get(key);
        if (!bucket) {
            bucket = { limit, used: 0, resetAt: now + this.windowMs };
            this.buckets.set(key, bucket);
        } else if (now >= bucket.resetAt) {
            bucket.used = 0;
            bucket.resetAt = now + this.windowMs;
        }
        return bucket;
    }
}

function statusOf(bucket: Bucket): RateLimitStatus {
    return {
        limit: bucket.limit,
        remaining: Math.max(0, bucket.limit - bucket.used),
        used: bucket.used,
        reset: Math.ceil(bucket.resetAt / 1000),
        resource: "core",
    };
}

/** The `x-ratelimit-*` headers reporting `status`. */
export function rateLimitHeaders(status: RateLimitStatus): Record<string, string> {
    return {
        "x-ratelimit-limit": String(status.limit),
        "x-ratelimit-remaining": String(status.remaining),
        "x-ratelimit-reset": String(status.reset),
        "x-ratelimit-used": String(status.used),
        "x-ratelimit-resource": status.resource,
    };
}
