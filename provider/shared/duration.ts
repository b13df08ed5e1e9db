/**
 * Cleanup durations (`olderThan`): whole numbers of unambiguous units, largest first, e.g.
 * `180d`, `26w`, `6mo`, `1y6mo`, `36h`. No minutes, no bare numbers, no ISO 8601: `6m`, `6M`,
 * `180` and `P6M` are refused rather than read as minutes or milliseconds. Months and years
 * are calendar months and years in UTC (whatever the machine's time zone), counted back from
 * now by date-fns.
 */
import { utc } from "@date-fns/utc";
import { sub } from "date-fns";

/** A parsed duration: how many of each unit. */
export interface Duration {
    /** Calendar years. */
    years: number;
    /** Calendar months. */
    months: number;
    /** Weeks of 7 days. */
    weeks: number;
    /** Days. */
    days: number;
    /** Hours (short enough for tests). */
    hours: number;
}

/** The units, largest first, with their names for messages. */
export const DURATION_UNITS = [
    { unit: "y", field: "years", name: "years" },
    { unit: "mo", field: "months", name: "months" },
    { unit: "w", field: "weeks", name: "weeks" },
    { unit: "d", field: "days", name: "days" },
    { unit: "h", field: "hours", name: "hours" },
] as const satisfies readonly { unit: string; field: keyof Duration; name: string }[];

/** The grammar: each unit at most once, largest first, each a whole number. */
const GRAMMAR = new RegExp(`^${DURATION_UNITS.map(({ unit }) => `(?:(\\d{1,6})${unit})?`).join("")}$`);

/** What the accepted units are, for messages. */
export const DURATION_HELP =
    `whole numbers of ${DURATION_UNITS.map(({ unit, name }) => `${unit} (${name})`).join(", ")}, largest first, ` +
    `e.g. "180d", "26w", "6mo", "1y6mo" or "36h"`;

/** Parses a duration; throws an error saying what is wrong and what is accepted. */
export function parseDuration(text: string): Duration {
    const match = GRAMMAR.exec(text);
    if (text === "" || !match) {
        throw new Error(`"${text}" is not a duration: ${hint(text)}write ${DURATION_HELP}.`);
    }
    const duration: Duration = { years: 0, months: 0, weeks: 0, days: 0, hours: 0 };
    DURATION_UNITS.forEach(({ field }, i) => {
        duration[field] = Number(match[i + 1] ?? 0);
    });
    if (DURATION_UNITS.every(({ field }) => duration[field] === 0)) {
        throw new Error(`"${text}" is zero, which would match every package; write ${DURATION_HELP}.`);
    }
    return duration;
}

/** The instant `duration` before `now`: packages not updated since then are older than the duration. */
export function cutoff(duration: Duration, now: Date): Date {
    return new Date(sub(now, duration, { in: utc }).getTime());
}

function hint(text: string): string {
    if (/^\s*[\d.]+\s*$/.test(text)) {
        return "a bare number has no unit; ";
    }
    if (/^P/i.test(text)) {
        return "ISO 8601 durations are not accepted; ";
    }
    if (/\d\s*m(?!o)/i.test(text)) {
        return `"m" is ambiguous (minutes or months): for months write "mo"; `;
    }
    if (/[A-Z]/.test(text)) {
        return "units are lower case; ";
    }
    if (/\s/.test(text)) {
        return "spaces are not allowed; ";
    }
    return "";
}
