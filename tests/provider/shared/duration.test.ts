import { strict as assert } from "node:assert";
import { cutoff, parseDuration } from "../../../provider/shared/duration";

describe("provider/shared/duration", () => {
    it("parses whole units, largest first", () => {
        assert.deepEqual(parseDuration("180d"), { years: 0, months: 0, weeks: 0, days: 180, hours: 0 });
        assert.deepEqual(parseDuration("1y6mo"), { years: 1, months: 6, weeks: 0, days: 0, hours: 0 });
        assert.deepEqual(parseDuration("2w3d12h"), { years: 0, months: 0, weeks: 2, days: 3, hours: 12 });
    });

    it("counts months and years on the calendar", () => {
        const now = new Date("2026-06-01T00:00:00Z");
        assert.equal(cutoff(parseDuration("6mo"), now).toISOString(), "2025-12-01T00:00:00.000Z");
        assert.equal(cutoff(parseDuration("1y"), now).toISOString(), "2025-06-01T00:00:00.000Z");
        assert.equal(cutoff(parseDuration("26w"), now).toISOString(), "2025-12-01T00:00:00.000Z");
        assert.equal(cutoff(parseDuration("36h"), now).toISOString(), "2026-05-30T12:00:00.000Z");
    });

    const refused: [string, RegExp][] = [
        ["6M", /"m" is ambiguous/],
        ["6m", /"m" is ambiguous/],
        ["90min", /"m" is ambiguous/],
        ["P6M", /ISO 8601/],
        ["180", /bare number/],
        ["1.5d", /bare number|not a duration/],
        ["6 mo", /spaces/],
        ["180D", /lower case/],
        ["6mo1y", /largest first/],
        ["1d1d", /not a duration/],
        ["0d", /is zero/],
        ["", /not a duration/],
        ["-1d", /not a duration/],
    ];
    for (const [text, message] of refused) {
        it(`refuses ${JSON.stringify(text)}, listing the accepted units`, () => {
            assert.throws(() => parseDuration(text), (error: Error) => {
                assert.match(error.message, message);
                assert.match(error.message, /y \(years\), mo \(months\), w \(weeks\), d \(days\), h \(hours\)/);
                return true;
            });
        });
    }
});
