/**
 * The patterns of retention policies: globs (picomatch) and regular expressions written
 * `/regex/flags`, as the cleanup tools users migrate from accept them. Both compile to one
 * matcher; each pattern is checked before any call (an invalid glob, an invalid regex, or a
 * regex open to catastrophic backtracking is a failure naming the field), and a glob that
 * reads like a regex (`^v\d+`, `.*`) is a warning, since as a glob it matches almost nothing.
 */
import picomatch from "picomatch";
import { isSafe } from "redos-detector";

/** The flags a pattern's regex may carry: `g` and `y` are refused (they make `test` stateful). */
const FLAGS = /^[imsu]*$/;

/** A pattern written as a regex: `/source/flags`. */
const REGEX = /^\/(.+)\/([a-z]*)$/s;

/**
 * What in a glob reads like a regex: anchors, character classes, `.+` anywhere, `.*` at the start
 * or after a letter or `-` (`v.*`, `pr-.*`; not `1.0.*` or `*.*`, which are globs), groups, quantified classes.
 */
const REGEX_LOOKING = /^\^|[^\\]\$$|^\.[*+]|[A-Za-z_-]\.\*|\.\+|\\[dDwWsSbB]|\(\?|\]\+|\]\{\d|\)\+|\)\*|\\\./;

/** The longest a regex check may take before the pattern is refused as too complex to prove safe. */
const CHECK_TIMEOUT_MS = 2_000;

/** True when `pattern` is written `/regex/flags`. */
export function isRegexPattern(pattern: string): boolean {
    return REGEX.test(pattern);
}

/** The regex of a `/regex/flags` pattern; throws (with the reason) when it is not one, not valid, or not safe. */
export function compileRegex(pattern: string): RegExp {
    const match = REGEX.exec(pattern);
    if (!match) {
        throw new Error(`it is not written /regex/flags`);
    }
    const [, source, flags] = match;
    if (!FLAGS.test(flags)) {
        throw new Error(`flags "${flags}" are not allowed; use only i, m, s or u`);
    }
    let regex: RegExp;
    try {
        regex = new RegExp(source, flags);
    } catch (error) {
        throw new Error(`it is not a valid regular expression (${(error as Error).message})`);
    }
    let verdict: ReturnType<typeof isSafe>;
    try {
        // Checked anchored at the start: names and tags are short, so trying each start position multiplies the cost by
        // their length at most; what is refused is backtracking that explodes within one attempt, such as /(a+)+$/.
        verdict = isSafe(new RegExp(`^(?:${source})`, flags), { timeout: CHECK_TIMEOUT_MS });
    } catch (error) {
        throw new Error(`it could not be checked for catastrophic backtracking (${(error as Error).message}); write a simpler pattern`);
    }
    if (!verdict.safe) {
        throw new Error(
            `it is open to catastrophic backtracking (ReDoS: ${verdict.error}), which could stall the plan; ` +
                `rewrite it without nested or overlapping repetition, e.g. /^[a-z0-9-]+$/ instead of /^([a-z0-9]+-?)+$/`,
        );
    }
    return regex;
}

const problems = new Map<string, string | undefined>();

/** Why `pattern` is not a valid pattern (glob or `/regex/flags`), or undefined; each pattern is checked once per process. */
export function patternProblem(pattern: string): string | undefined {
    if (!problems.has(pattern)) {
        problems.set(pattern, check(pattern));
    }
    return problems.get(pattern);
}

function check(pattern: string): string | undefined {
    try {
        if (isRegexPattern(pattern)) {
            compileRegex(pattern);
        } else {
            picomatch.makeRe(pattern, { strictBrackets: true });
        }
        return undefined;
    } catch (error) {
        return (error as Error).message;
    }
}

/** A warning when the glob `pattern` reads like a regex (it would match almost nothing as a glob), or undefined. */
export function regexLookingGlob(pattern: string, property: string): string | undefined {
    if (isRegexPattern(pattern) || !REGEX_LOOKING.test(pattern)) {
        return undefined;
    }
    // Anchored: a regex matches anywhere in a name, which would widen what the pattern selects.
    const anchored = `/^${pattern.replace(/^\^/, "").replace(/(?<!\\)\$$/, "")}$/`;
    return (
        `${property} "${pattern}" is a glob that reads like a regular expression: as a glob, "." is a literal dot, "*" any run of characters, ` +
        `and "^", "$", "\\d" or "+" do not mean what they mean in a regex, so it may match other names than you think. ` +
        `Write ${anchored} to match it as a regex (anchored: a regex matches anywhere in a name), or a glob such as "v*".`
    );
}

const cache = new Map<string, (text: string) => boolean>();

/** The matcher of one pattern (a regex written `/regex/flags`, else a glob), compiled once per process. */
export function patternMatcher(pattern: string): (text: string) => boolean {
    let match = cache.get(pattern);
    if (!match) {
        if (isRegexPattern(pattern)) {
            const regex = compileRegex(pattern);
            match = (text) => regex.test(text);
        } else {
            match = picomatch(pattern, { dot: true });
        }
        cache.set(pattern, match);
    }
    return match;
}

/** The matcher of a list of patterns (any one matches), or undefined for no list or an empty one. */
export function listMatcher(patterns: readonly string[] | undefined): ((text: string) => boolean) | undefined {
    if (!patterns || patterns.length === 0) {
        return undefined;
    }
    const matchers = patterns.map(patternMatcher);
    return (text) => matchers.some((match) => match(text));
}

/** The first of `patterns` that matches `text`, quoted, for reasons. */
export function firstMatching(patterns: readonly string[], text: string): string {
    return JSON.stringify(patterns.find((p) => patternMatcher(p)(text)) ?? patterns[0]);
}
