import { strict as assert } from "node:assert";
import { Clock, Emulator, formatInstant, parseDuration, parseInstant } from "../../../emulator";
import { NOW, Package, TOKENS, call, startDemo } from "../support";

const T0 = Date.parse(NOW);
const DAY = 86_400_000;

describe("emulator/store/clock", () => {
    it("parses durations with units, signs and plain milliseconds", () => {
        assert.equal(parseDuration("30d"), 30 * DAY);
        assert.equal(parseDuration("-10d"), -10 * DAY);
        assert.equal(parseDuration("+90m"), 90 * 60_000);
        assert.equal(parseDuration("1.5h"), 5_400_000);
        assert.equal(parseDuration("2w"), 14 * DAY);
        assert.equal(parseDuration(1500), 1500);
        assert.throws(() => parseDuration("soon"), /Invalid duration/);
    });

    it("parses instants: ISO 8601, now, and relative to a reference", () => {
        assert.equal(parseInstant("2025-01-01T00:00:00Z", T0), Date.parse("2025-01-01T00:00:00Z"));
        assert.equal(parseInstant("now", T0), T0);
        assert.equal(parseInstant("-10d", T0), T0 - 10 * DAY);
        assert.equal(parseInstant(new Date(5), T0), 5);
        assert.throws(() => parseInstant("yesterday-ish", T0), /Invalid instant/);
    });

    it("formats instants like GitHub: UTC, whole seconds", () => {
        assert.equal(formatInstant(T0 + 999), "2025-06-01T12:00:00Z");
    });

    it("stands still unless set or advanced; with tick it follows real time", () => {
        let real = 1000;
        const frozen = new Clock(T0, false, () => real);
        const ticking = new Clock(T0, true, () => real);
        real += 5000;
        assert.equal(frozen.now(), T0);
        assert.equal(ticking.now(), T0 + 5000);
        assert.equal(frozen.advance("1h"), T0 + 3_600_000);
        assert.equal(frozen.set("-1h"), T0);
        assert.equal(ticking.set("2030-01-01T00:00:00Z"), Date.parse("2030-01-01T00:00:00Z"));
        real += 1000;
        assert.equal(ticking.now(), Date.parse("2030-01-01T00:00:01Z"));
    });

    describe("in the emulator", () => {
        let emulator: Emulator;
        beforeEach(async () => {
            emulator = await startDemo();
        });
        afterEach(() => emulator.close());

        it("starts at `now` and resolves the seed's relative times against it", async () => {
            assert.equal(emulator.admin.now().toISOString(), new Date(NOW).toISOString());
            const widgets = await call<Package>(emulator, "GET", "/orgs/acme/packages/npm/widgets", { token: TOKENS.admin });
            assert.equal(widgets.body.updated_at, formatInstant(T0 - 20 * DAY));
            assert.equal(widgets.body.created_at, formatInstant(T0 - 700 * DAY));
        });

        it("stamps changes with the emulator time", async () => {
            emulator.admin.advance("2d");
            emulator.admin.publishVersion({ org: "acme", packageType: "npm", name: "widgets" }, { name: "1.2.0" });
            const widgets = await call<Package>(emulator, "GET", "/orgs/acme/packages/npm/widgets", { token: TOKENS.admin });
            assert.equal(widgets.body.updated_at, formatInstant(T0 + 2 * DAY));
        });

        it("is read, set and advanced over HTTP", async () => {
            assert.deepEqual((await call(emulator, "GET", "/_emulator/clock")).body, { now: "2025-06-01T12:00:00.000Z" });
            assert.deepEqual((await call(emulator, "POST", "/_emulator/clock/advance", { body: { by: "30d" } })).body, { now: "2025-07-01T12:00:00.000Z" });
            assert.deepEqual((await call(emulator, "POST", "/_emulator/clock/advance", { body: { by: 1500 } })).body, { now: "2025-07-01T12:00:01.500Z" });
            assert.deepEqual((await call(emulator, "PUT", "/_emulator/clock", { body: { now: "2026-01-01T00:00:00Z" } })).body, { now: "2026-01-01T00:00:00.000Z" });
            const invalid = await call<{ error: string }>(emulator, "POST", "/_emulator/clock/advance", { body: { by: "a while" } });
            assert.equal(invalid.status, 400);
            assert.match(invalid.body.error, /Invalid duration/);
            assert.equal((await call(emulator, "PUT", "/_emulator/clock", { body: {} })).status, 400);
        });
    });
});
