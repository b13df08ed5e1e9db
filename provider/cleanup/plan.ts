/**
 * Cleanup planning: checks a cleanup policy (every field, before any API call) and decides
 * which listed packages it deletes, which a keep glob saves, and why. Pure: the caller lists.
 */
import { cutoff, DURATION_HELP, parseDuration } from "../shared/duration";
import { checkGlobs, packageKey, packageMatcher } from "../shared/keys";
import { CleanupMatch, CleanupPlan, CleanupPolicy, CleanupRule, PACKAGE_TYPES, PackageFields, PackageRef, PackageType, Visibility, VISIBILITIES } from "../shared/types";
import { assertValid, checkFlag, checkOrg, describeValue, InputFailure, oneOf, unknownFields } from "../shared/validate";

/** A package as the cleanup rules see it. */
export type Candidate = PackageRef & PackageFields;

/** The number of deletions one run may make when a policy does not say. */
export const DEFAULT_MAX_DELETIONS = 10;

/** The fields of a cleanup policy; any other is refused. */
export const CLEANUP_POLICY_FIELDS = ["org", "rules", "keep", "maxDeletions"] as const satisfies readonly (keyof CleanupPolicy)[];

/** The fields of a cleanup rule; any other is refused. */
export const CLEANUP_RULE_FIELDS = [
    "name",
    "packageTypes",
    "olderThan",
    "visibility",
    "include",
    "exclude",
    "withoutRepository",
    "withoutVersions",
] as const satisfies readonly (keyof CleanupRule)[];

/** The rule fields that select packages; a rule needs at least one, or it would match every package. */
const CRITERIA = ["olderThan", "visibility", "include", "withoutRepository", "withoutVersions"] as const satisfies readonly (keyof CleanupRule)[];

/**
 * Decides which packages a cleanup policy deletes. A package is deleted when at least one
 * rule matches it (every criterion a rule sets must hold) and no `keep` glob matches it
 * (`type/name` or the bare name); keep lists always win. Throws on an invalid policy and on
 * more matches than `maxDeletions`, before the caller deletes anything.
 */
export function planCleanup(policy: CleanupPolicy, candidates: Candidate[], now: Date): CleanupPlan {
    assertValid(checkPolicy(policy), "cleanup policy");
    const kept = packageMatcher(policy.keep, { protective: true });
    const rules = policy.rules.map((rule, index) => compile(rule, index, now));
    const deletions: CleanupMatch[] = [];
    const keptByList: string[] = [];
    for (const candidate of candidates) {
        const reasons = rules.map((rule) => rule(candidate, now)).filter((r): r is CleanupMatch => r !== undefined);
        if (reasons.length === 0) {
            continue;
        }
        if (kept?.(candidate)) {
            keptByList.push(packageKey(candidate));
            continue;
        }
        deletions.push(reasons[0]);
    }
    const maxDeletions = policy.maxDeletions ?? DEFAULT_MAX_DELETIONS;
    if (deletions.length > maxDeletions) {
        const sample = deletions.slice(0, 5).map((d) => d.package).join(", ");
        throw new Error(
            `Cleanup policy for ${policy.org} matches ${deletions.length} packages, more than maxDeletions (${maxDeletions}); ` +
                `nothing was deleted. Narrow the rules, add keep globs, or raise maxDeletions. First matches: ${sample}.`,
        );
    }
    return { deletions, kept: keptByList };
}

/** The package types a policy lists, all six when a rule names none. */
export function policyTypes(policy: CleanupPolicy): PackageType[] {
    const types = new Set<PackageType>();
    for (const rule of policy.rules) {
        for (const type of rule.packageTypes ?? PACKAGE_TYPES) {
            types.add(type);
        }
    }
    return [...types];
}

/**
 * Checks every field of a policy and its rules before any API call. Each failure names the
 * field by its path (`rules[1].olderThan`), quotes the bad value with its type and says what
 * to write; unknown fields name the nearest known one.
 */
export function checkPolicy(policy: unknown): InputFailure[] {
    if (!isRecord(policy)) {
        return [{ property: "policy", reason: `a cleanup policy must be an object { org, rules, keep?, maxDeletions? }, got ${describeValue(policy)}.` }];
    }
    const failures: InputFailure[] = [
        ...unknownFields(policy, CLEANUP_POLICY_FIELDS, "", "a cleanup policy field"),
        ...checkOrg(policy.org),
        ...checkGlobs(policy.keep, "keep", { protective: true }),
    ];
    const { maxDeletions, rules } = policy;
    if (maxDeletions !== undefined && !(typeof maxDeletions === "number" && Number.isSafeInteger(maxDeletions) && maxDeletions >= 0)) {
        failures.push({
            property: "maxDeletions",
            reason: `maxDeletions must be a whole number >= 0 (the most packages one run may delete; default ${DEFAULT_MAX_DELETIONS}), got ${describeValue(maxDeletions)}.`,
        });
    }
    if (!Array.isArray(rules) || rules.length === 0) {
        failures.push({ property: "rules", reason: `rules must be a list of at least one rule such as [{ olderThan: "180d" }], got ${describeValue(rules)}.` });
        return failures;
    }
    rules.forEach((rule, index) => failures.push(...checkRule(rule, `rules[${index}]`)));
    return failures;
}

function checkRule(rule: unknown, where: string): InputFailure[] {
    if (!isRecord(rule)) {
        return [{ property: where, reason: `${where} must be a rule object such as { olderThan: "180d" }, got ${describeValue(rule)}.` }];
    }
    const failures: InputFailure[] = [...unknownFields(rule, CLEANUP_RULE_FIELDS, `${where}.`, "a cleanup rule field")];
    if (rule.name !== undefined && (typeof rule.name !== "string" || rule.name.trim() === "")) {
        failures.push({ property: `${where}.name`, reason: `${where}.name must be non-empty text, got ${describeValue(rule.name)}.` });
    }
    failures.push(...listOf(rule.packageTypes, `${where}.packageTypes`, PACKAGE_TYPES, "registries", `["npm", "container"]`));
    failures.push(...checkDuration(rule.olderThan, `${where}.olderThan`));
    if (Array.isArray(rule.visibility)) {
        failures.push(...listOf(rule.visibility, `${where}.visibility`, VISIBILITIES, "visibilities", `["private", "internal"]`));
    } else {
        failures.push(...oneOf(rule.visibility, VISIBILITIES, `${where}.visibility`, false));
    }
    failures.push(...checkGlobs(rule.include, `${where}.include`, { bareNames: true }));
    if (Array.isArray(rule.include) && rule.include.length === 0) {
        failures.push({ property: `${where}.include`, reason: `${where}.include is empty, which would select no name; give globs such as ["legacy-*"] or leave it out.` });
    }
    failures.push(...checkGlobs(rule.exclude, `${where}.exclude`, { protective: true }));
    for (const field of ["withoutRepository", "withoutVersions"] as const) {
        const property = `${where}.${field}`;
        failures.push(...checkFlag(rule[field], property));
        if (rule[field] === false) {
            failures.push({
                property,
                reason: `${property}: false is not a criterion (it does not select packages that have ${field === "withoutRepository" ? "a repository" : "versions"}, and would match any); leave it out or set it to true.`,
            });
        }
    }
    if (CRITERIA.every((field) => rule[field] === undefined)) {
        failures.push({
            property: where,
            reason: `${where}${typeof rule.name === "string" ? ` (${rule.name})` : ""} needs at least one criterion (${CRITERIA.join(", ")}); a rule of only packageTypes or exclude would match nearly every package.`,
        });
    }
    return failures;
}

function checkDuration(value: unknown, property: string): InputFailure[] {
    if (value === undefined) {
        return [];
    }
    if (typeof value !== "string") {
        return [{ property, reason: `${property} must be a duration text, ${DURATION_HELP}; got ${describeValue(value)}.` }];
    }
    try {
        parseDuration(value);
        return [];
    } catch (error) {
        return [{ property, reason: `${property}: ${(error as Error).message}` }];
    }
}

/** A non-empty list whose items are each one of `allowed`. */
function listOf(value: unknown, property: string, allowed: readonly string[], what: string, example: string): InputFailure[] {
    if (value === undefined) {
        return [];
    }
    const choices = allowed.map((a) => `"${a}"`).join(", ");
    if (!Array.isArray(value) || value.length === 0) {
        const hint = typeof value === "string" ? ` Put a single one in a list: [${JSON.stringify(value)}].` : "";
        return [{ property, reason: `${property} must be a non-empty list of ${what} (${choices}) such as ${example}, got ${describeValue(value)}.${hint}` }];
    }
    return value.flatMap((item, i) =>
        typeof item === "string" && allowed.includes(item)
            ? []
            : [{ property: `${property}[${i}]`, reason: `${property}[${i}] must be one of ${choices}, got ${describeValue(item)}.` }],
    );
}

type CompiledRule = (candidate: Candidate, now: Date) => CleanupMatch | undefined;

function compile(rule: CleanupRule, index: number, now: Date): CompiledRule {
    const name = rule.name ?? `rules[${index}]`;
    const types = rule.packageTypes ? new Set(rule.packageTypes) : undefined;
    const visibilities = rule.visibility === undefined ? undefined : new Set<Visibility>([rule.visibility].flat());
    const include = packageMatcher(rule.include, { bareNames: true });
    const exclude = packageMatcher(rule.exclude, { protective: true });
    const notSince = rule.olderThan === undefined ? undefined : cutoff(parseDuration(rule.olderThan), now).getTime();
    return (candidate, at) => {
        if ((types && !types.has(candidate.packageType)) || exclude?.(candidate)) {
            return undefined;
        }
        const why: string[] = [];
        if (notSince !== undefined) {
            const updated = Date.parse(candidate.updatedAt);
            // An unreadable date never matches: a package is only deleted for an age it provably has.
            if (!(updated < notSince)) {
                return undefined;
            }
            // Stable from run to run (no day count), so a clean cleanup stack passes --expect-no-changes.
            why.push(`last updated ${candidate.updatedAt.slice(0, 10)}, more than ${rule.olderThan} ago`);
        }
        if (visibilities) {
            if (!visibilities.has(candidate.visibility)) {
                return undefined;
            }
            why.push(`${candidate.visibility}`);
        }
        if (include) {
            if (!include(candidate)) {
                return undefined;
            }
            why.push(`name matches ${rule.include!.join(" or ")}`);
        }
        if (rule.withoutRepository) {
            if (candidate.repository) {
                return undefined;
            }
            why.push("no linked repository");
        }
        if (rule.withoutVersions) {
            if (candidate.versionCount > 0) {
                return undefined;
            }
            why.push("no versions");
        }
        return { package: packageKey(candidate), packageType: candidate.packageType, packageName: candidate.packageName, rule: name, reason: why.join("; ") };
    };
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
