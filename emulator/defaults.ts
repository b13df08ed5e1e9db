/** The defaults of `createEmulator`'s options, the interface it listens on and the admin prefix. */
import { EmulatorOptions } from "./types";

/** The options of `createEmulator` that have defaults, with those defaults. */
export type DefaultedOptions = Required<Pick<EmulatorOptions, "port" | "tick" | "faultSeed" | "defaultRateLimit" | "anonymousRateLimit" | "requestLogLimit" | "latencyMs" | "latencyJitterMs">>;

/** The defaults of the emulator's options, in one place. */
export const DEFAULT_OPTIONS: Readonly<DefaultedOptions> = {
    port: 0,
    tick: false,
    faultSeed: 1,
    // GitHub's documented primary limits: 5,000 an hour per token, 60 an hour per address without one.
    defaultRateLimit: 5000,
    anonymousRateLimit: 60,
    requestLogLimit: 10_000,
    // Answers come at once unless asked; GitHub's API answers CI runners in about 100-500 ms.
    latencyMs: 0,
    latencyJitterMs: 0,
};

/** The only interface the emulator listens on. */
export const HOST = "127.0.0.1";

/** The path prefix of the admin interface; nothing GitHub serves starts with it. */
export const ADMIN_PREFIX = "/_emulator";

/** The largest admin request body accepted, in bytes. */
export const MAX_ADMIN_BODY_BYTES = 10 * 1024 * 1024;

/** Fills in the defaults of `options` (an explicit `undefined` counts as unset). */
export function withDefaults(options: EmulatorOptions): EmulatorOptions & DefaultedOptions {
    return {
        ...options,
        port: options.port ?? DEFAULT_OPTIONS.port,
        tick: options.tick ?? DEFAULT_OPTIONS.tick,
        faultSeed: options.faultSeed ?? DEFAULT_OPTIONS.faultSeed,
        defaultRateLimit: options.defaultRateLimit ?? DEFAULT_OPTIONS.defaultRateLimit,
        anonymousRateLimit: options.anonymousRateLimit ?? DEFAULT_OPTIONS.anonymousRateLimit,
        requestLogLimit: options.requestLogLimit ?? DEFAULT_OPTIONS.requestLogLimit,
        latencyMs: options.latencyMs ?? DEFAULT_OPTIONS.latencyMs,
        latencyJitterMs: options.latencyJitterMs ?? DEFAULT_OPTIONS.latencyJitterMs,
    };
}
