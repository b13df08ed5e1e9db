/**
 * The emulator's clock. Every timestamp the emulator writes or compares (deletion times,
 * the 30-day restore window, rate-limit windows) comes from it, so tests can move time.
 */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

const DURATION = /^([+-]?)(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;

/** Parses a duration such as `30d`, `-10d`, `90m` or `1500ms` (a number is milliseconds); throws on anything else. */
export function parseDuration(value: string | number): number {
    if (typeof value !== "number" && typeof value !== "string") {
        throw new Error(`Invalid duration: ${String(value)}`);
    }
    if (typeof value === "number") {
        if (!Number.isFinite(value)) {
            throw new Error(`Invalid duration: ${value}`);
        }
        return value;
    }
    const match = DURATION.exec(value.trim());
    if (!match) {
        throw new Error(`Invalid duration "${value}": use a number and a unit (ms, s, m, h, d, w), e.g. 30d`);
    }
    const ms = Number(match[2]) * UNIT_MS[match[3]];
    return match[1] === "-" ? -ms : ms;
}

/**
 * Parses an instant: a Date, epoch milliseconds, an ISO 8601 date-time, `now`, or a duration
 * relative to `reference` (`-10d` is ten days before it). Throws on anything else.
 */
export function parseInstant(value: Date | number | string, reference: number): number {
    if (value instanceof Date || typeof value === "number") {
        const ms = value instanceof Date ? value.getTime() : value;
        if (!Number.isFinite(ms)) {
            throw new Error(`Invalid instant: ${String(value)}`);
        }
        return ms;
    }
    if (typeof value !== "string") {
        throw new Error(`Invalid instant: ${String(value)}`);
    }
    const text = value.trim();
    if (text === "now") {
        return reference;
    }
    if (DURATION.test(text)) {
        return reference + parseDuration(text);
    }
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) {
        throw new Error(`Invalid instant "${value}": use an ISO 8601 date-time, "now" or a relative duration such as -10d`);
    }
    return ms;
}

/** Formats epoch milliseconds the way GitHub writes timestamps: ISO 8601 in UTC, whole seconds. */
export function formatInstant(ms: number): string {
    return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** A clock that stands still (or, with `tick`, also moves with real time) and can be set and advanced. */
export class Clock {
    private base: number;
    private realBase: number;

    /**
     * @param start where the clock starts, epoch milliseconds
     * @param tick whether it also moves with real time
     * @param realNow the real clock, replaceable in tests
     */
    constructor(
        start: number,
        private readonly tick = false,
        private readonly realNow: () => number = Date.now,
    ) {
        this.base = start;
        this.realBase = realNow();
    }

    /** The current emulator time, epoch milliseconds. */
    now(): number {
        return this.tick ? this.base + (this.realNow() - this.realBase) : this.base;
    }

    /** Sets the clock to `instant` (see {@link parseInstant}); returns the new time. */
    set(instant: Date | number | string): number {
        this.base = parseInstant(instant, this.now());
        this.realBase = this.realNow();
        return this.base;
    }

    /** Moves the clock by `duration` (see {@link parseDuration}; negative goes back); returns the new time. */
    advance(duration: string | number): number {
        return this.set(this.now() + parseDuration(duration));
    }
}
