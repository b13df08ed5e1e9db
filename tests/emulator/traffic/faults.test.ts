import { strict as assert } from "node:assert";
import { AdminError, DOCS, Emulator, createEmulator } from "../../../emulator";
import { FaultInjector } from "../../../emulator/traffic/faults";
import { BasicError, NOW, TOKENS, call, demoSeed, startDemo } from "../support";

const GET = "/orgs/acme/packages/npm/widgets";
const GET_OP = "packages/get-package-for-organization";
const admin = { token: TOKENS.admin };

describe("emulator/traffic/faults", () => {
    describe("FaultInjector", () => {
        const target = { method: "GET", path: GET, operation: GET_OP };

        it("fires on the n-th matching request only, once by default", () => {
            const faults = new FaultInjector(1);
            faults.add({ kind: "error", nth: 2 });
            assert.deepEqual([1, 2, 3, 4].map(() => faults.pick(target)?.kind ?? "pass"), ["pass", "error", "pass", "pass"]);
            assert.deepEqual(
                faults.list().map((rule) => [rule.matched, rule.fired]),
                [[4, 1]],
            );
        });

        it("fires `times` times from the n-th request on", () => {
            const faults = new FaultInjector(1);
            faults.add({ kind: "reset", nth: 2, times: 2 });
            assert.deepEqual([1, 2, 3, 4].map(() => faults.pick(target)?.kind ?? "pass"), ["pass", "reset", "reset", "pass"]);
        });

        it("filters by method, operation and path pattern", () => {
            const faults = new FaultInjector(1);
            faults.add({ kind: "error", method: "delete" });
            faults.add({ kind: "timeout", operation: "packages/list-packages-for-organization" });
            faults.add({ kind: "reset", path: "/orgs/*/packages/container/platform%2F*" });
            assert.equal(faults.pick(target), undefined);
            assert.equal(faults.pick({ ...target, method: "DELETE" })?.kind, "error");
            assert.equal(faults.pick({ ...target, operation: "packages/list-packages-for-organization" })?.kind, "timeout");
            assert.equal(faults.pick({ ...target, path: "/orgs/acme/packages/container/platform%2Fapi-gateway" })?.kind, "reset");
        });

        it("draws `rate` from a seeded PRNG: the same seed gives the same failures", () => {
            const pattern = (seed: number): string => {
                const faults = new FaultInjector(seed);
                faults.add({ kind: "error", rate: 0.3 });
                return Array.from({ length: 40 }, () => (faults.pick(target) ? "x" : ".")).join("");
            };
            assert.equal(pattern(7), pattern(7));
            assert.notEqual(pattern(7), pattern(8));
            const failures = pattern(7).split("x").length - 1;
            assert.ok(failures > 4 && failures < 20, `about 30% of 40 fail, got ${failures}`);
        });

        it("rejects faults that make no sense", () => {
            const faults = new FaultInjector(1);
            assert.throws(() => faults.add({ kind: "explode" as "error" }), /kind must be one of/);
            assert.throws(() => faults.add({ kind: "error", rate: 2 }), /rate/);
            assert.throws(() => faults.add({ kind: "error", status: 404 }), /500-599/);
            assert.throws(() => faults.add({ kind: "reset", nth: 0 }), /nth/);
            assert.throws(() => faults.add({ kind: "timeout", delay: 5 } as never), /delay is not a fault field/);
        });
    });

    describe("over HTTP", () => {
        let emulator: Emulator;
        beforeEach(async () => {
            emulator = await startDemo();
        });
        afterEach(() => emulator.close());

        it("answers the n-th matching request with a 5xx and lets the others through", async () => {
            emulator.admin.addFault({ kind: "error", status: 502, operation: GET_OP, nth: 2 });
            const statuses = [];
            for (let i = 0; i < 3; i++) {
                statuses.push((await call(emulator, "GET", GET, admin)).status);
            }
            assert.deepEqual(statuses, [200, 502, 200]);
            assert.equal((await call(emulator, "GET", "/orgs/acme/packages?package_type=npm", admin)).status, 200);
        });

        it("fails a deterministic share of requests with `rate`", async () => {
            const run = async (): Promise<number[]> => {
                const emu = await createEmulator({ seed: demoSeed(), now: NOW, faultSeed: 99 });
                try {
                    emu.admin.addFault({ kind: "error", rate: 0.5, status: 503 });
                    const statuses = [];
                    for (let i = 0; i < 12; i++) {
                        statuses.push((await call(emu, "GET", GET, admin)).status);
                    }
                    return statuses;
                } finally {
                    await emu.close();
                }
            };
            const first = await run();
            assert.deepEqual(await run(), first);
            assert.ok(first.includes(503) && first.includes(200), first.join(","));
        });

        it("holds a request for delayMs, then answers it", async () => {
            emulator.admin.addFault({ kind: "timeout", delayMs: 150 });
            const started = Date.now();
            assert.equal((await call(emulator, "GET", GET, admin)).status, 200);
            assert.ok(Date.now() - started >= 140);
        });

        it("holds a request until the client gives up", async () => {
            emulator.admin.addFault({ kind: "timeout" });
            await assert.rejects(call(emulator, "GET", GET, { ...admin, signal: AbortSignal.timeout(100) }), { name: "TimeoutError" });
            await waitFor(() => emulator.admin.requests().entries[0]?.outcome === "abandoned");
            assert.equal(emulator.admin.requests().entries[0].fault, "fault-1");
        });

        it("resets the connection without an answer", async () => {
            emulator.admin.addFault({ kind: "reset", method: "DELETE" });
            await assert.rejects(call(emulator, "DELETE", "/orgs/acme/packages/npm/internal-utils", admin), TypeError);
            assert.equal(emulator.admin.requests().entries[0].outcome, "reset");
            assert.equal((await call(emulator, "GET", "/orgs/acme/packages/npm/internal-utils", admin)).status, 200, "the reset request changed nothing");
        });

        it("answers a secondary rate limit: 403, retry-after and GitHub's message", async () => {
            emulator.admin.addFault({ kind: "secondary-rate-limit", retryAfterSeconds: 30 });
            const answer = await call<BasicError>(emulator, "GET", GET, admin);
            assert.equal(answer.status, 403);
            assert.equal(answer.headers.get("retry-after"), "30");
            assert.match(answer.body.message ?? "", /^You have exceeded a secondary rate limit/);
            assert.equal(answer.body.documentation_url, DOCS.secondaryRateLimits);
            assert.equal(answer.headers.get("x-ratelimit-remaining"), "5000", "a secondary limit leaves the primary budget alone");

            emulator.admin.clearFaults();
            emulator.admin.addFault({ kind: "secondary-rate-limit", status: 429 });
            assert.equal((await call(emulator, "GET", GET, admin)).status, 429);
        });

        it("is managed over HTTP under /_emulator/faults", async () => {
            const added = await call<{ id: string }>(emulator, "POST", "/_emulator/faults", { body: { kind: "error", nth: 1 } });
            assert.equal(added.status, 201);
            assert.equal((await call(emulator, "GET", GET, admin)).status, 500);
            const listed = await call<{ id: string; matched: number; fired: number }[]>(emulator, "GET", "/_emulator/faults");
            assert.deepEqual(
                listed.body.map((rule) => [rule.id, rule.matched, rule.fired]),
                [[added.body.id, 1, 1]],
            );
            assert.equal((await call(emulator, "DELETE", `/_emulator/faults/${added.body.id}`)).status, 204);
            assert.equal((await call(emulator, "DELETE", `/_emulator/faults/${added.body.id}`)).status, 404);
            assert.equal((await call(emulator, "POST", "/_emulator/faults", { body: { kind: "error", rate: -1 } })).status, 400);
            assert.throws(() => emulator.admin.addFault({ kind: "error", times: 0 }), AdminError);
        });
    });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
        if (Date.now() > deadline) {
            throw new Error("condition not met in time");
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
}
