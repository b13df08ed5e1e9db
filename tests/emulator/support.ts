/** Helpers of the emulator tests: the demo seed at a fixed time, and plain HTTP calls with typed bodies. */
import type { components } from "@octokit/openapi-types";
import { DEMO_SEED_PATH, Emulator, EmulatorOptions, Seed, createEmulator, readSeedFile } from "../../emulator";

/** GitHub's package object. */
export type Package = components["schemas"]["package"];
/** GitHub's package version object. */
export type PackageVersion = components["schemas"]["package-version"];
/** GitHub's error body. */
export type BasicError = components["schemas"]["basic-error"];

/** The instant the tests pin the clock to, so relative seed times resolve the same way every run. */
export const NOW = "2025-06-01T12:00:00Z";

/** The demo seed's tokens. */
export const TOKENS = {
    admin: "ghp_emulator_admin",
    readonly: "ghp_emulator_readonly",
    noDelete: "ghp_emulator_nodelete",
    globexOnly: "ghp_emulator_globex",
} as const;

/** A fresh copy of the demo seed. */
export function demoSeed(): Seed {
    return readSeedFile(DEMO_SEED_PATH);
}

/** Starts an emulator with the demo seed at {@link NOW} on an ephemeral port. */
export function startDemo(options: EmulatorOptions = {}): Promise<Emulator> {
    return createEmulator({ seed: demoSeed(), now: NOW, ...options });
}

/** An answer of the emulator. */
export interface Answer<T> {
    /** HTTP status. */
    status: number;
    /** Response headers. */
    headers: Headers;
    /** The parsed JSON body (undefined when empty). */
    body: T;
    /** The raw body. */
    text: string;
}

/** Options of {@link call}. */
export interface CallOptions {
    /** A token, sent as `Authorization: token <token>`. */
    token?: string;
    /** More headers. */
    headers?: Record<string, string>;
    /** A JSON body. */
    body?: unknown;
    /** Aborts the request. */
    signal?: AbortSignal;
}

/** Sends one request to the emulator and reads the whole answer. */
export async function call<T = unknown>(emulator: Emulator, method: string, path: string, options: CallOptions = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) {
        headers.authorization = `token ${options.token}`;
    }
    if (options.body !== undefined) {
        headers["content-type"] = "application/json";
    }
    const response = await fetch(`${emulator.url}${path}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text === "" ? undefined : JSON.parse(text)) as T, text };
}

/** A seed with one organization (`big`), `count` npm packages (`pkg-000`...) and an all-scopes token `t`. */
export function bigSeed(count: number): Seed {
    return {
        orgs: [
            {
                login: "big",
                packages: Array.from({ length: count }, (_, i) => ({
                    name: `pkg-${String(i).padStart(3, "0")}`,
                    packageType: "npm" as const,
                    visibility: i % 3 === 0 ? ("public" as const) : ("private" as const),
                    createdAt: `-${count - i}h`,
                })),
            },
        ],
        tokens: [{ token: "t", scopes: ["read:packages", "write:packages", "delete:packages", "repo"] }],
    };
}
