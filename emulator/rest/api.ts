/**
 * The GitHub side of the emulator, without sockets: turns a request into an answer the way
 * GitHub does: credentials, primary rate limit, route, organization, scopes, handler, then
 * ETag/304 and the headers GitHub sends on every answer. Fault answers are built here too.
 */
import { createHash } from "node:crypto";
import { Identity, canSeeOrg, identify, missingScopes, refusal, scopeHeaders } from "./auth";
import { Clock } from "../store/clock";
import { DOCS, GITHUB, MESSAGES } from "./github";
import { RateLimiter, rateLimitHeaders } from "./ratelimit";
import { GitHubError, Reply, RouteMatch, matchRoute } from "./routes";
import { Store } from "../store/state";
import { ApiRequest, WireReply } from "../traffic/http";
import { FaultRule, RateLimitStatus } from "../types";

export type { ApiRequest, WireReply } from "../traffic/http";

/** What the API needs from the emulator. */
export interface ApiEnvironment {
    /** The current state (replaced when a seed is loaded). */
    store(): Store;
    /** The clock. */
    clock: Clock;
    /** The rate-limit budgets. */
    limiter: RateLimiter;
    /** The emulator's base URL. */
    baseUrl: string;
    /** Requests per hour without a token. */
    anonymousRateLimit: number;
    /** Only `/api/v3/...` answers (GitHub Enterprise Server); other paths get GHES's HTML 404. */
    enterpriseOnly?: boolean;
}

/** Where GitHub Enterprise Server serves the REST API: `https://HOST/api/v3`. */
export const ENTERPRISE_PREFIX = ["api", "v3"] as const;

/** True when `segments` start with `/api/v3`. */
export function isEnterprisePath(segments: readonly string[] | undefined): boolean {
    return segments !== undefined && segments[0] === ENTERPRISE_PREFIX[0] && segments[1] === ENTERPRISE_PREFIX[1];
}

/** The emulated GitHub REST API for organization packages. */
export class GitHubApi {
    constructor(private readonly env: ApiEnvironment) {}

    /** Who sent `request`. */
    identify(request: ApiRequest): Identity {
        return identify(request.authorization, this.env.store());
    }

    /** The route `request` is for, if the emulator serves it. */
    route(request: ApiRequest): RouteMatch | undefined {
        if (request.segments === undefined) {
            return undefined;
        }
        if (isEnterprisePath(request.segments)) {
            return matchRoute(request.method, request.segments.slice(ENTERPRISE_PREFIX.length));
        }
        return this.env.enterpriseOnly ? undefined : matchRoute(request.method, request.segments);
    }

    /** Answers `request`. Synchronous: concurrent requests never interleave inside it. */
    answer(request: ApiRequest, identity: Identity, match: RouteMatch | undefined): WireReply {
        if (this.env.enterpriseOnly && !isEnterprisePath(request.segments)) {
            // GitHub Enterprise Server serves its web interface there: a 404 page, not JSON.
            return { status: 404, headers: { "content-type": "text/html; charset=utf-8" }, body: NOT_FOUND_PAGE };
        }
        const now = this.env.clock.now();
        const budget = this.budget(request, identity);
        const status = this.env.limiter.status(budget.key, budget.limit, now);
        const exhausted = status.remaining === 0;
        let reply: Reply;
        if (identity.kind === "invalid") {
            reply = error(401, MESSAGES.badCredentials, DOCS.rest);
        } else if (exhausted) {
            const userId = identity.kind === "token" ? identity.token.userId : undefined;
            reply = error(403, MESSAGES.rateLimited(userId, request.requestId), DOCS.rateLimits);
        } else {
            reply = this.dispatch(request, identity, match, now);
        }

        const conditional = this.conditional(request, reply);
        // A 304 is free (GitHub: conditional requests answered 304 do not count), and so is a refusal for an empty budget.
        const counted = conditional.status !== 304 && !exhausted;
        const after = counted ? this.env.limiter.consume(budget.key, budget.limit, now) : status;
        const headers: Record<string, string> = { ...commonHeaders(request, conditional.status), ...rateLimitHeaders(after) };
        // GitHub reports OAuth scopes for classic tokens only.
        if (identity.kind === "token" && identity.token.kind === "classic") {
            Object.assign(headers, scopeHeaders(identity.token, match?.route.scopes ?? []));
        }
        return withBody(conditional.status, { ...headers, ...conditional.headers }, conditional.body);
    }

    /** The answer of an `error` fault: a 5xx with a JSON message, rate limit untouched. */
    serverError(request: ApiRequest, identity: Identity, fault: FaultRule): WireReply {
        const status = fault.status ?? 500;
        const body = { message: fault.message ?? MESSAGES.serverError, documentation_url: DOCS.rest, status: String(status) };
        return withBody(status, { ...commonHeaders(request, status), ...rateLimitHeaders(this.peek(request, identity)) }, body);
    }

    /** The answer of a `secondary-rate-limit` fault: 403 (or 429) with `retry-after` and GitHub's message. */
    secondaryRateLimited(request: ApiRequest, identity: Identity, fault: FaultRule): WireReply {
        const status = fault.status ?? 403;
        const body = {
            message: fault.message ?? MESSAGES.secondaryRateLimited(request.requestId),
            documentation_url: DOCS.secondaryRateLimits,
            status: String(status),
        };
        const headers = {
            ...commonHeaders(request, status),
            ...rateLimitHeaders(this.peek(request, identity)),
            "retry-after": String(fault.retryAfterSeconds ?? GITHUB.secondaryRetryAfterSeconds),
        };
        return withBody(status, headers, body);
    }

    /** The rate-limit budget `request` counts against, without counting it. */
    peek(request: ApiRequest, identity: Identity): RateLimitStatus {
        const budget = this.budget(request, identity);
        return this.env.limiter.status(budget.key, budget.limit, this.env.clock.now());
    }

    private budget(request: ApiRequest, identity: Identity): { key: string; limit: number } {
        return identity.kind === "token"
            ? { key: identity.token.token, limit: identity.token.rateLimit }
            : { key: `anonymous:${request.remoteAddress}`, limit: this.env.anonymousRateLimit };
    }

    private dispatch(request: ApiRequest, identity: Identity, match: RouteMatch | undefined, now: number): Reply {
        if (!match) {
            return error(404, MESSAGES.notFound, DOCS.rest);
        }
        const { route, params } = match;
        if (identity.kind !== "token") {
            return error(401, MESSAGES.requiresAuthentication, route.documentationUrl);
        }
        const store = this.env.store();
        // GitHub's order: unknown organization, then scopes, then whether the caller may see it.
        const org = store.org(params.org);
        if (!org) {
            return error(404, MESSAGES.notFound, route.documentationUrl);
        }
        const refused = refusal(identity.token, org, route.need, params, store);
        if (refused) {
            return { ...error(refused.status, refused.message, route.documentationUrl), headers: refused.headers };
        }
        if (identity.token.kind === "classic" && missingScopes(identity.token, route.scopes).length > 0) {
            return error(403, route.forbiddenMessage, route.documentationUrl);
        }
        if (!canSeeOrg(identity.token, org)) {
            return error(404, MESSAGES.notFound, route.documentationUrl);
        }
        try {
            const query = request.url.searchParams;
            const baseUrl = isEnterprisePath(request.segments) ? `${this.env.baseUrl}/${ENTERPRISE_PREFIX.join("/")}` : this.env.baseUrl;
            return route.handle({ params, query, url: request.url, token: identity.token, org, store, now, baseUrl });
        } catch (thrown) {
            if (thrown instanceof GitHubError) {
                return { ...error(thrown.status, thrown.message, thrown.documentationUrl ?? route.documentationUrl), headers: thrown.headers };
            }
            throw thrown;
        }
    }

    /** Adds the ETag to a successful GET and turns it into a 304 when If-None-Match names it. */
    private conditional(request: ApiRequest, reply: Reply): Reply {
        if (request.method !== "GET" || reply.status !== 200) {
            return reply;
        }
        const etag = `W/"${createHash("sha256").update(JSON.stringify(reply.body)).digest("hex")}"`;
        const headers = { ...reply.headers, etag, "cache-control": "private, max-age=60, s-maxage=60" };
        if (request.ifNoneMatch !== undefined && etagMatches(request.ifNoneMatch, etag)) {
            return { status: 304, headers };
        }
        return { ...reply, headers };
    }
}

/** The page GitHub Enterprise Server answers for a path of its web interface that does not exist. */
const NOT_FOUND_PAGE = "<!DOCTYPE html>\n<html><head><title>Page not found · GitHub</title></head><body><h1>404</h1><p>This is not the web page you are looking for.</p></body></html>\n";

function error(status: number, message: string, documentationUrl: string): Reply {
    return { status, body: { message, documentation_url: documentationUrl, status: String(status) } };
}

/** Whether an If-None-Match header names `etag` (weak comparison, as for GET). */
function etagMatches(header: string, etag: string): boolean {
    const strip = (tag: string): string => tag.trim().replace(/^W\//, "");
    return header.split(",").some((candidate) => candidate.trim() === "*" || strip(candidate) === strip(etag));
}

function commonHeaders(request: ApiRequest, status: number): Record<string, string> {
    return {
        "x-github-api-version-selected": GITHUB.apiVersion,
        "x-github-media-type": "github.v3; format=json",
        "x-github-request-id": request.requestId,
        vary: "Accept, Authorization, Cookie, X-GitHub-OTP",
        ...(status === 200 ? {} : { "cache-control": "no-cache" }),
    };
}

function withBody(status: number, headers: Record<string, string>, body: unknown): WireReply {
    if (status === 204 || status === 304 || body === undefined) {
        return { status, headers, body: "" };
    }
    return { status, headers: { ...headers, "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(body) };
}
