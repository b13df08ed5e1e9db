/**
 * Fault injection: rules that make matching GitHub API requests fail (5xx, held, reset, or
 * secondary-rate-limited). Rules are checked in the order they were added; the first that
 * fires decides. `rate` draws from a seeded PRNG, so a run repeats exactly.
 */
import { prng } from "../store/random";
import { FAULT_KINDS, FaultRule, FaultSpec } from "../types";

/** A fault spec that makes no sense; the admin interface answers 400 with the message. */
export class FaultSpecError extends Error {
    override readonly name = "FaultSpecError";
}

/** What a fault rule is matched against. */
export interface FaultTarget {
    /** HTTP method. */
    method: string;
    /** Raw path, without the query. */
    path: string;
    /** OpenAPI operation id, or `unknown`. */
    operation: string;
}

interface InstalledRule {
    rule: FaultRule;
    path: RegExp | undefined;
    /** How many fires the rule has left. */
    budget: number;
}

/** The installed fault rules. */
export class FaultInjector {
    private rules: InstalledRule[] = [];
    private nextId = 1;
    private random: () => number;

    /** @param seed the seed of the PRNG behind `rate` */
    constructor(private readonly seed: number) {
        this.random = prng(seed);
    }

    /** Installs a rule; throws {@link FaultSpecError} when `spec` is invalid. */
    add(spec: FaultSpec): FaultRule {
        validate(spec);
        const rule: FaultRule = { ...spec, id: `fault-${this.nextId++}`, matched: 0, fired: 0 };
        const budget = spec.times ?? (spec.nth !== undefined && spec.rate === undefined ? 1 : Infinity);
        this.rules.push({ rule, path: spec.path === undefined ? undefined : globToRegExp(spec.path), budget });
        return { ...rule };
    }

    /** Removes the rule `id`; false when there is none. */
    remove(id: string): boolean {
        const before = this.rules.length;
        this.rules = this.rules.filter((installed) => installed.rule.id !== id);
        return this.rules.length < before;
    }

    /** Removes every rule and restarts the PRNG, so a cleared injector behaves like a new one. */
    clear(): void {
        this.rules = [];
        this.nextId = 1;
        this.random = prng(this.seed);
    }

    /** The installed rules with their counters. */
    list(): FaultRule[] {
        return this.rules.map((installed) => ({ ...installed.rule }));
    }

    /** Counts `target` against every matching rule and returns the rule that fires for it, if any. */
    pick(target: FaultTarget): FaultRule | undefined {
        let firing: FaultRule | undefined;
        for (const installed of this.rules) {
            const { rule } = installed;
            if (!matches(installed, target)) {
                continue;
            }
            rule.matched++;
            if (firing || rule.fired >= installed.budget || rule.matched < (rule.nth ?? 1)) {
                continue;
            }
            // Draw only for eligible requests, so one rule's draws do not depend on other traffic.
            if (rule.rate !== undefined && !(this.random() < rule.rate)) {
                continue;
            }
            rule.fired++;
            firing = { ...rule };
        }
        return firing;
    }
}

function matches(installed: InstalledRule, target: FaultTarget): boolean {
    const { rule } = installed;
    return (
        (rule.method === undefined || rule.method.toUpperCase() === target.method.toUpperCase()) &&
        (rule.operation === undefined || rule.operation === target.operation) &&
        (installed.path === undefined || installed.path.test(target.path))
    );
}

/** A pattern where `*` matches any run of characters and everything else matches itself. */
function globToRegExp(pattern: string): RegExp {
    const escaped = pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
    return new RegExp(`^${escaped.join(".*")}$`);
}

const SPEC_KEYS: readonly (keyof FaultSpec)[] = [
    "kind",
    "method",
    "path",
    "operation",
    "nth",
    "rate",
    "times",
    "status",
    "message",
    "delayMs",
    "retryAfterSeconds",
];

function validate(spec: FaultSpec): void {
    const problem = (message: string): never => {
        throw new FaultSpecError(message);
    };
    if (typeof spec !== "object" || spec === null) {
        problem("A fault must be an object");
    }
    const unknownKey = Object.keys(spec).find((key) => !SPEC_KEYS.includes(key as keyof FaultSpec));
    if (unknownKey !== undefined) {
        problem(`${unknownKey} is not a fault field (expected one of: ${SPEC_KEYS.join(", ")})`);
    }
    if (!FAULT_KINDS.includes(spec.kind)) {
        problem(`kind must be one of ${FAULT_KINDS.join(", ")}`);
    }
    const positiveInteger = (value: number | undefined, name: string, min: number): void => {
        if (value !== undefined && !(Number.isInteger(value) && value >= min)) {
            problem(`${name} must be a whole number >= ${min}`);
        }
    };
    positiveInteger(spec.nth, "nth", 1);
    positiveInteger(spec.times, "times", 1);
    positiveInteger(spec.delayMs, "delayMs", 0);
    positiveInteger(spec.retryAfterSeconds, "retryAfterSeconds", 0);
    if (spec.rate !== undefined && !(typeof spec.rate === "number" && spec.rate >= 0 && spec.rate <= 1)) {
        problem("rate must be a number from 0 to 1");
    }
    for (const key of ["method", "path", "operation", "message"] as const) {
        if (spec[key] !== undefined && typeof spec[key] !== "string") {
            problem(`${key} must be a string`);
        }
    }
    if (spec.status !== undefined) {
        if (spec.kind === "error" && !(Number.isInteger(spec.status) && spec.status >= 500 && spec.status <= 599)) {
            problem("status of an error fault must be 500-599");
        }
        if (spec.kind !== "error" && !(spec.kind === "secondary-rate-limit" && [403, 429].includes(spec.status))) {
            problem("status only applies to error (5xx) and secondary-rate-limit (403 or 429) faults");
        }
    }
}
