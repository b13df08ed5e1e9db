import { strict as assert } from "node:assert";
import { Emulator } from "../../emulator";
import { TOKENS, call, startDemo } from "./support";

const admin = { token: TOKENS.admin };
const WIDGETS = "/orgs/acme/packages/npm/widgets";

/** Milliseconds `run` took. */
async function elapsed(run: () => Promise<unknown>): Promise<number> {
    const start = performance.now();
    await run();
    return performance.now() - start;
}

describe("emulator latency", () => {
    let emulator: Emulator;
    let closed = false;

    beforeEach(() => (closed = false));
    afterEach(() => (closed ? undefined : emulator.close()));

    it("delays every API answer by latencyMs plus jitter, and answers the same", async () => {
        emulator = await startDemo({ latencyMs: 150, latencyJitterMs: 40 });
        for (let i = 0; i < 3; i++) {
            let status = 0;
            const took = await elapsed(async () => (status = (await call(emulator, "GET", WIDGETS, admin)).status));
            assert.equal(status, 200);
            assert.ok(took >= 149, `answered after ${took.toFixed(0)} ms`);
        }
        const error = await elapsed(() => call(emulator, "GET", "/orgs/acme/packages/npm/nope", admin));
        assert.ok(error >= 149, "errors wait too");
    });

    it("never delays the admin interface", async () => {
        emulator = await startDemo({ latencyMs: 400 });
        const order: string[] = [];
        const api = call(emulator, "GET", WIDGETS, admin).then(() => order.push("api"));
        await new Promise((resolve) => setTimeout(resolve, 20));
        await call(emulator, "GET", "/_emulator/health").then(() => order.push("admin"));
        await api;
        assert.deepEqual(order, ["admin", "api"]);
    });

    it("logs overlapping requests: each entry counts the requests still unanswered when it arrived", async () => {
        emulator = await startDemo({ latencyMs: 100 });
        await Promise.all([0, 1, 2].map(() => call(emulator, "GET", WIDGETS, admin)));
        await call(emulator, "GET", WIDGETS, admin);
        assert.deepEqual(
            emulator.admin.requests().entries.map((e) => [e.inFlight, e.outcome, e.status]),
            [
                [0, "answered", 200],
                [1, "answered", 200],
                [2, "answered", 200],
                [0, "answered", 200],
            ],
        );
    });

    it("logs a request the client gives up on while it waits as abandoned", async () => {
        emulator = await startDemo({ latencyMs: 5_000 });
        await assert.rejects(call(emulator, "GET", WIDGETS, { ...admin, signal: AbortSignal.timeout(100) }));
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.deepEqual(emulator.admin.requests().entries.map((e) => e.outcome), ["abandoned"]);
    });

    it("closes at once with answers still waiting", async () => {
        emulator = await startDemo({ latencyMs: 60_000 });
        const pending = call(emulator, "GET", WIDGETS, admin).then(
            () => "answered",
            () => "cut",
        );
        await new Promise((resolve) => setTimeout(resolve, 50));
        const took = await elapsed(() => emulator.close());
        closed = true;
        assert.equal(await pending, "cut");
        assert.ok(took < 30_000, `close took ${took.toFixed(0)} ms`);
    });
});
