/**
 * `createEmulator`: the HTTP server on 127.0.0.1. It sends `/_emulator/...` to the admin
 * interface, `/token` and `/v2/...` to the container registry and everything else to the
 * emulated GitHub REST API, logging each API request and applying fault rules (5xx, held
 * requests, socket resets, secondary rate limits) first and delaying answers by the
 * configured latency.
 */
import { IncomingMessage, Server, ServerResponse, createServer } from "node:http";
import { AddressInfo } from "node:net";
import { EmulatorAdmin } from "./admin/admin";
import { handleAdminRequest } from "./admin/routes";
import { RegistryApi, isRegistryPath } from "./registry/api";
import { GitHubApi } from "./rest/api";
import { EmulatorCore } from "./core";
import { ADMIN_PREFIX, HOST, withDefaults } from "./defaults";
import { DOCS, MESSAGES } from "./rest/github";
import { ApiRequest, WireReply, pathSegments, send } from "./traffic/http";
import { prng } from "./store/random";
import { EmulatorOptions, FaultRule, RequestLogEntry } from "./types";

/** A running emulator. */
export interface Emulator {
    /** The base URL, `http://127.0.0.1:<port>`: Octokit's `baseUrl`. */
    readonly url: string;
    /** The port it listens on. */
    readonly port: number;
    /** The in-process admin interface (the same operations as `/_emulator/...`). */
    readonly admin: EmulatorAdmin;
    /** Stops listening, drops held requests and open connections. */
    close(): Promise<void>;
}

/**
 * Starts an emulator on 127.0.0.1 (port 0 = a free one) and resolves once it listens.
 * Throws `SeedError` when `options.seed` is invalid.
 */
export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
    const settings = withDefaults(options);
    const core = new EmulatorCore(settings);
    const admin = new EmulatorAdmin(core);
    const server = createServer();
    const port = await listen(server, settings.port);
    const url = `http://${HOST}:${port}`;
    const api = new GitHubApi({
        store: () => core.store(),
        clock: core.clock,
        limiter: core.limiter,
        baseUrl: url,
        anonymousRateLimit: settings.anonymousRateLimit,
        enterpriseOnly: settings.enterpriseOnly,
    });
    const registry = new RegistryApi({ store: () => core.store(), clock: core.clock, tokens: core.registryTokens, baseUrl: url });
    const held = new Set<NodeJS.Timeout>();
    // Its own stream of the fault seed, so latency never shifts which requests `rate` faults hit.
    const jitter = prng(settings.faultSeed ^ LATENCY_STREAM);
    let requestCount = 0;

    server.on("request", (request: IncomingMessage, response: ServerResponse) => {
        const path = (request.url ?? "/").split("?")[0];
        if (path === ADMIN_PREFIX || path.startsWith(`${ADMIN_PREFIX}/`)) {
            void handleAdminRequest(request, response, admin, settings.adminToken);
            return;
        }
        try {
            handleApiRequest(request, response);
        } catch (error) {
            // A bug must cost one answer, not the whole emulator.
            process.emitWarning(`emulator: ${(error as Error).stack ?? String(error)}`);
            if (!response.headersSent) {
                send(response, 500, { "content-type": "application/json; charset=utf-8" }, JSON.stringify(serverErrorBody()));
            }
        }
    });

    function handleApiRequest(request: IncomingMessage, response: ServerResponse): void {
        request.resume();
        const requestUrl = new URL(`${url}${request.url?.startsWith("/") ? request.url : "/"}`);
        const method = (request.method ?? "GET").toUpperCase();
        const apiRequest: ApiRequest = {
            method,
            url: requestUrl,
            segments: pathSegments(requestUrl.pathname),
            authorization: request.headers.authorization,
            ifNoneMatch: request.headers["if-none-match"],
            accept: request.headers.accept,
            remoteAddress: request.socket.remoteAddress ?? "unknown",
            requestId: requestIdFor(++requestCount),
        };
        const served = servedApi(apiRequest);
        const login = served.login(apiRequest);
        const entry = core.log.start({
            api: served.api,
            at: new Date(core.clock.now()).toISOString(),
            method,
            path: requestUrl.pathname,
            query: requestUrl.search.slice(1),
            operation: served.operation,
            ...(login !== undefined ? { login } : {}),
        });
        const fault = core.faults.pick({ method, path: requestUrl.pathname, operation: served.operation });
        if (fault) {
            entry.fault = fault.id;
        }
        const proceed = (): void => (fault ? applyFault(fault, served, apiRequest, response, entry) : answer(served, apiRequest, response, entry));
        const delayMs = latency();
        if (delayMs > 0) {
            wait(delayMs, proceed, response, entry);
        } else {
            proceed();
        }
    }

    /** This answer's latency: the fixed part plus seeded jitter. */
    function latency(): number {
        return settings.latencyMs + (settings.latencyJitterMs > 0 ? Math.floor(jitter() * (settings.latencyJitterMs + 1)) : 0);
    }

    /** Runs `then` after `delayMs`, unless the client gives up or the emulator closes first. */
    function wait(delayMs: number, then: () => void, response: ServerResponse, entry: RequestLogEntry): void {
        const pending = setTimeout(() => {
            held.delete(pending);
            then();
        }, delayMs);
        held.add(pending);
        response.on("close", () => {
            if (!response.writableEnded && held.delete(pending)) {
                clearTimeout(pending);
                core.log.finish(entry, "abandoned");
            }
        });
    }

    /** The API a request is for: the registry (`/token`, `/v2/...`) or the REST API, with what the log and faults need. */
    function servedApi(apiRequest: ApiRequest): ServedApi {
        if (isRegistryPath(apiRequest.url.pathname)) {
            return {
                api: "registry",
                operation: registry.operation(apiRequest),
                login: (request) => registry.login(request),
                answer: (request) => registry.answer(request),
                serverError: (_request, fault) => registry.serverError(fault),
                rateLimited: (_request, fault) => registry.rateLimited(fault),
            };
        }
        return {
            api: "rest",
            operation: api.route(apiRequest)?.route.operation ?? "unknown",
            login: (request) => {
                const identity = api.identify(request);
                return identity.kind === "token" ? identity.token.login : undefined;
            },
            answer: (request) => api.answer(request, api.identify(request), api.route(request)),
            serverError: (request, fault) => api.serverError(request, api.identify(request), fault),
            rateLimited: (request, fault) => api.secondaryRateLimited(request, api.identify(request), fault),
        };
    }

    /** Answers with the API's current view (a held request sees the state at the time it is answered). */
    function answer(served: ServedApi, apiRequest: ApiRequest, response: ServerResponse, entry: RequestLogEntry): void {
        let reply: WireReply;
        try {
            reply = served.answer(apiRequest);
        } catch (error) {
            process.emitWarning(`emulator: ${(error as Error).stack ?? String(error)}`);
            reply = { status: 500, headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(serverErrorBody()) };
        }
        write(response, entry, reply);
    }

    function applyFault(fault: FaultRule, served: ServedApi, apiRequest: ApiRequest, response: ServerResponse, entry: RequestLogEntry): void {
        switch (fault.kind) {
            case "reset":
                core.log.finish(entry, "reset");
                response.socket?.destroy();
                return;
            case "error":
                write(response, entry, served.serverError(apiRequest, fault));
                return;
            case "secondary-rate-limit":
                write(response, entry, served.rateLimited(apiRequest, fault));
                return;
            case "timeout":
                hold(fault.delayMs, served, apiRequest, response, entry);
                return;
        }
    }

    /** Holds a request: answers it after `delayMs`, or never (until the client gives up or the emulator closes). */
    function hold(delayMs: number | undefined, served: ServedApi, apiRequest: ApiRequest, response: ServerResponse, entry: RequestLogEntry): void {
        let timer: NodeJS.Timeout | undefined;
        if (delayMs !== undefined) {
            const pending = setTimeout(() => {
                held.delete(pending);
                answer(served, apiRequest, response, entry);
            }, delayMs);
            held.add(pending);
            timer = pending;
        }
        response.on("close", () => {
            if (!response.writableEnded) {
                if (timer) {
                    clearTimeout(timer);
                    held.delete(timer);
                }
                core.log.finish(entry, "abandoned");
            }
        });
    }

    function write(response: ServerResponse, entry: RequestLogEntry, reply: WireReply): void {
        core.log.finish(entry, "answered", reply.status);
        if (!response.destroyed) {
            send(response, reply.status, reply.headers, reply.body);
        }
    }

    return {
        url,
        port,
        admin,
        close: () =>
            new Promise<void>((resolve, reject) => {
                for (const timer of held) {
                    clearTimeout(timer);
                }
                held.clear();
                server.close((error) => (error ? reject(error) : resolve()));
                server.closeAllConnections();
            }),
    };
}

/** One of the two APIs on the server, as the request pipeline (log, faults, latency) sees it. */
interface ServedApi {
    /** Which API. */
    api: "rest" | "registry";
    /** The operation for the log and the fault filters. */
    operation: string;
    /** The caller's login, if a known PAT is behind the request. */
    login(request: ApiRequest): string | undefined;
    /** The answer, from the state at the time it is called. */
    answer(request: ApiRequest): WireReply;
    /** The answer of an `error` fault. */
    serverError(request: ApiRequest, fault: FaultRule): WireReply;
    /** The answer of a `secondary-rate-limit` fault. */
    rateLimited(request: ApiRequest, fault: FaultRule): WireReply;
}

/** Mixed into the fault seed for the latency jitter's PRNG. */
const LATENCY_STREAM = 0x1a7e9c;

/** GitHub's body for an internal error. */
function serverErrorBody(): { message: string; documentation_url: string; status: string } {
    return { message: MESSAGES.serverError, documentation_url: DOCS.rest, status: "500" };
}

/** A request id in the shape GitHub uses (`XXXX:XXXX:XXXXXX:XXXXXX:XXXXXXXX`), from the request's sequence number. */
function requestIdFor(seq: number): string {
    const hex = seq.toString(16).toUpperCase().padStart(8, "0");
    return `E0E0:E0E0:${hex.slice(0, 6)}:${hex.slice(2, 8)}:${hex}`;
}

function listen(server: Server, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, HOST, () => {
            server.off("error", reject);
            resolve((server.address() as AddressInfo).port);
        });
    });
}
