/**
 * A `fetch` for Octokit's `request.fetch` option that abandons an attempt after `ms`
 * milliseconds. Octokit turns the abort into a `RequestError` with status 500 that carries
 * the request, so the retry plugin retries it like any other 5xx; 0 disables the limit.
 */
export function fetchWithTimeout(ms: number, base: typeof fetch = fetch): typeof fetch {
    if (ms <= 0) {
        return base;
    }
    return (input, init) => {
        const timeout = AbortSignal.timeout(ms);
        const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
        return base(input, { ...init, signal });
    };
}
