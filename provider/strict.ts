/**
 * Strict object checks for the version functions and the retention policy: unknown fields are
 * errors that name the nearest known field. A small local helper until the shared one in
 * provider/validate.ts lands; then this module should delegate to it.
 */
import { InputFailure } from "./validate";

/**
 * One failure per field of `value` not in `known`, naming the nearest known field when one is
 * close (`keepLast` -> `keepLatest`). Property names are prefixed with `prefix` (e.g. `protect.`).
 */
export function unknownFields(value: object, known: readonly string[], prefix = ""): InputFailure[] {
    return Object.keys(value)
        .filter((key) => !known.includes(key))
        .map((key) => {
            const nearest = nearestName(key, known);
            const hint = nearest === undefined ? `known fields are ${known.join(", ")}` : `did you mean "${nearest}"?`;
            return { property: `${prefix}${key}`, reason: `${prefix}${key} is not a known field; ${hint}` };
        });
}

/** True when `value` is a plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The known name closest to `name` (case-insensitive edit distance at most a third of its length, at least 2), or undefined. */
export function nearestName(name: string, known: readonly string[]): string | undefined {
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const candidate of known) {
        const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
        if (distance < bestDistance) {
            best = candidate;
            bestDistance = distance;
        }
    }
    return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[b.length];
}
