import type { Octokit, OctokitOptions } from "@octokit/core";
import { RequestError } from "@octokit/request-error";

declare module "@octokit/core" {
    interface OctokitOptions {
        /** How long one attempt may take, in milliseconds; 0 or unset disables the limit. */
        requestTimeoutMs?: number;
    }
}

/**
 * An Octokit plugin that abandons an attempt that takes longer than `requestTimeoutMs`.
 * The timeout surfaces as a 504 `RequestError` that carries the request, so the retry
 * plugin (registered after this one, hence around it) retries it like any other 5xx.
 */
export function requestTimeout(octokit: Octokit, options: OctokitOptions): void {
    const ms = options.requestTimeoutMs ?? 0;
    if (ms <= 0) {
        return;
    }
    octokit.hook.wrap("request", async (request, requestOptions) => {
        const signal = AbortSignal.timeout(ms);
        try {
            return await request({ ...requestOptions, request: { ...requestOptions.request, signal } });
        } catch (error) {
            if (signal.aborted && !(error instanceof RequestError)) {
                throw new RequestError(`no response within ${ms} ms`, 504, { request: requestOptions as never });
            }
            throw error;
        }
    });
}
