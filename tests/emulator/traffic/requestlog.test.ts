import { strict as assert } from "node:assert";
import { Emulator, RequestLogSnapshot } from "../../../emulator";
import { RequestLog } from "../../../emulator/traffic/requestlog";
import { NOW, TOKENS, call, startDemo } from "../support";

describe("emulator/traffic/requestlog", () => {
    it("keeps the newest entries but exact counts", () => {
        const log = new RequestLog(2);
        for (let i = 0; i < 3; i++) {
            log.start({ api: "rest", at: NOW, method: "GET", path: `/p${i}`, query: "", operation: "op" });
        }
        const snapshot = log.snapshot();
        assert.equal(snapshot.total, 3);
        assert.deepEqual(snapshot.counts, { op: 3 });
        assert.deepEqual(
            snapshot.entries.map((entry) => entry.seq),
            [2, 3],
        );
    });

    it("counts the requests still in flight when each one arrives", () => {
        const log = new RequestLog(10);
        const start = () => log.start({ api: "rest", at: NOW, method: "GET", path: "/p", query: "", operation: "op" });
        const first = start();
        const second = start();
        log.finish(first, "answered", 200);
        const third = start();
        log.finish(second, "reset");
        log.finish(third, "answered", 200);
        const fourth = start();
        assert.deepEqual([first, second, third, fourth].map((e) => e.inFlight), [0, 1, 1, 0]);
    });

    describe("over HTTP", () => {
        let emulator: Emulator;
        beforeEach(async () => {
            emulator = await startDemo();
        });
        afterEach(() => emulator.close());

        it("counts requests per OpenAPI operation and records how each ended", async () => {
            const admin = { token: TOKENS.admin };
            await call(emulator, "GET", "/orgs/acme/packages?package_type=npm&per_page=1", admin);
            await call(emulator, "GET", "/orgs/acme/packages?package_type=npm&page=2&per_page=1", admin);
            await call(emulator, "GET", "/orgs/acme/packages/container/platform%2Fapi-gateway", admin);
            await call(emulator, "DELETE", "/orgs/acme/packages/npm/widgets", admin);
            await call(emulator, "POST", "/orgs/acme/packages/npm/old-dashboard/restore");
            await call(emulator, "GET", "/user", admin);
            await call(emulator, "GET", "/_emulator/health");

            const log = (await call<RequestLogSnapshot>(emulator, "GET", "/_emulator/requests")).body;
            assert.equal(log.total, 6, "admin requests are not logged");
            assert.deepEqual(log.counts, {
                "packages/list-packages-for-organization": 2,
                "packages/get-package-for-organization": 1,
                "packages/delete-package-for-org": 1,
                "packages/restore-package-for-org": 1,
                unknown: 1,
            });
            const [list, , get, del, restore] = log.entries;
            assert.deepEqual(
                { method: list.method, path: list.path, query: list.query, status: list.status, outcome: list.outcome, login: list.login, at: list.at },
                {
                    method: "GET",
                    path: "/orgs/acme/packages",
                    query: "package_type=npm&per_page=1",
                    status: 200,
                    outcome: "answered",
                    login: "acme-admin",
                    at: new Date(NOW).toISOString(),
                },
            );
            assert.equal(get.path, "/orgs/acme/packages/container/platform%2Fapi-gateway");
            assert.equal(del.status, 400);
            assert.equal(restore.status, 401);
            assert.equal(restore.login, undefined);
        });

        it("is reset over HTTP and in process", async () => {
            await call(emulator, "GET", "/orgs/acme/packages?package_type=npm", { token: TOKENS.admin });
            assert.equal((await call(emulator, "DELETE", "/_emulator/requests")).status, 204);
            assert.deepEqual(emulator.admin.requests(), { total: 0, counts: {}, entries: [] });
            await call(emulator, "GET", "/orgs/acme/packages?package_type=npm", { token: TOKENS.admin });
            emulator.admin.resetRequests();
            assert.equal(emulator.admin.requests().total, 0);
        });
    });
});
