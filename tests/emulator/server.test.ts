import { strict as assert } from "node:assert";
import { createServer } from "node:net";
import { SeedError, createEmulator } from "../../emulator";
import { TOKENS, call, startDemo } from "./support";

describe("emulator/server", () => {
    it("listens on 127.0.0.1, on an ephemeral port by default", async () => {
        const emulator = await startDemo();
        try {
            assert.match(emulator.url, /^http:\/\/127\.0\.0\.1:\d+$/);
            assert.ok(emulator.port > 0);
            assert.equal(emulator.url, `http://127.0.0.1:${emulator.port}`);
            assert.equal((await call(emulator, "GET", "/_emulator/health")).status, 200);
        } finally {
            await emulator.close();
        }
    });

    it("listens on a given port", async () => {
        const port = await freePort();
        const emulator = await startDemo({ port });
        try {
            assert.equal(emulator.port, port);
        } finally {
            await emulator.close();
        }
    });

    it("refuses an invalid seed before listening", async () => {
        await assert.rejects(createEmulator({ seed: { orgs: [{ login: "" }], tokens: [] } }), SeedError);
    });

    it("applies concurrent requests one at a time: one delete wins, the rest find nothing", async () => {
        const emulator = await startDemo();
        try {
            const answers = await Promise.all(
                Array.from({ length: 20 }, () => call(emulator, "DELETE", "/orgs/acme/packages/npm/internal-utils", { token: TOKENS.admin })),
            );
            const statuses = answers.map((answer) => answer.status).sort();
            assert.deepEqual(statuses, [204, ...Array<number>(19).fill(404)]);
            assert.equal(emulator.admin.rateLimit(TOKENS.admin).used, 20);
            assert.equal(emulator.admin.requests().total, 20);
        } finally {
            await emulator.close();
        }
    });

    it("closes promptly even with a request held open", async () => {
        const emulator = await startDemo();
        emulator.admin.addFault({ kind: "timeout" });
        const pending = call(emulator, "GET", "/orgs/acme/packages/npm/widgets", { token: TOKENS.admin }).catch((error: Error) => error);
        await new Promise((resolve) => setTimeout(resolve, 50));
        const started = Date.now();
        await emulator.close();
        assert.ok(Date.now() - started < 1000);
        assert.ok((await pending) instanceof Error);
    });
});

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const probe = createServer();
        probe.once("error", reject);
        probe.listen(0, "127.0.0.1", () => {
            const address = probe.address();
            const port = typeof address === "object" && address ? address.port : 0;
            probe.close(() => resolve(port));
        });
    });
}
