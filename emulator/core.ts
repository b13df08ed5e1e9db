/**
 * The emulator's moving parts, without sockets: the state, the clock, rate limits, faults and
 * the request log, plus loading a seed and going back to the start. The GitHub REST API (rest/api.ts),
 * the admin interface (admin/admin.ts) and the server (server.ts) all work on one of these.
 */
import { BlobStore } from "./store/blobs";
import { Clock, parseInstant } from "./store/clock";
import { DefaultedOptions } from "./defaults";
import { FaultInjector } from "./traffic/faults";
import { GITHUB } from "./rest/github";
import { RateLimiter } from "./rest/ratelimit";
import { RegistryTokens } from "./registry/tokens";
import { RequestLog } from "./traffic/requestlog";
import { buildStore, validateSeed } from "./store/seed";
import { Store } from "./store/state";
import { EmulatorOptions, Seed } from "./types";

/** An emulator with no organizations and no tokens. */
export const EMPTY_SEED: Seed = { orgs: [], tokens: [] };

/** The state and machinery of one emulator. */
export class EmulatorCore {
    /** The clock. */
    readonly clock: Clock;
    /** The rate-limit budgets. */
    readonly limiter = new RateLimiter(GITHUB.rateLimitWindowMs);
    /** The fault rules. */
    readonly faults: FaultInjector;
    /** The request log. */
    readonly log: RequestLog;
    /** The container registry's bearer tokens. */
    readonly registryTokens = new RegistryTokens();
    /** The blobs manifests point at, kept across resets and seeds (a digest names one content for good). */
    readonly blobs = new BlobStore();
    private current: Store;
    private seed: Seed;
    private start: number;

    /** Builds the state from `options.seed`, with the clock at `options.now`, else the seed's `now`, else the real time. */
    constructor(private readonly options: EmulatorOptions & DefaultedOptions) {
        this.seed = validateSeed(options.seed ?? EMPTY_SEED);
        const realNow = Date.now();
        this.start = parseInstant(options.now ?? this.seed.now ?? realNow, realNow);
        this.clock = new Clock(this.start, options.tick);
        this.faults = new FaultInjector(options.faultSeed);
        this.log = new RequestLog(options.requestLogLimit);
        this.current = buildStore(this.seed, this.start, options.defaultRateLimit, this.blobs);
    }

    /** Requests per hour of tokens that set no rate limit. */
    get defaultRateLimit(): number {
        return this.options.defaultRateLimit;
    }

    /** The current state. */
    store(): Store {
        return this.current;
    }

    /**
     * Replaces the state with `seed` (validated first). A seed with `now` sets the clock;
     * relative instants resolve against the clock. Rate-limit budgets start over; faults and
     * the request log stay. {@link reset} comes back to this seed at this time.
     */
    loadSeed(seed: unknown): void {
        const valid = validateSeed(seed);
        if (valid.now !== undefined) {
            this.clock.set(valid.now);
        }
        this.current = buildStore(valid, this.clock.now(), this.options.defaultRateLimit, this.blobs);
        this.seed = valid;
        this.start = this.clock.now();
        this.limiter.reset();
        this.registryTokens.clear();
    }

    /** Goes back to the state of a fresh start with the last seed: state, clock, rate limits, faults and request log. */
    reset(): void {
        this.clock.set(this.start);
        this.current = buildStore(this.seed, this.start, this.options.defaultRateLimit, this.blobs);
        this.limiter.reset();
        this.registryTokens.clear();
        this.faults.clear();
        this.log.reset();
    }
}
