import parseDuration from "parse-duration";
import picomatch from "picomatch";
import { CleanupMatch, CleanupPlan, CleanupPolicy, CleanupRule, PACKAGE_TYPES, PackageFields, PackageRef, PackageType, Visibility } from "./types";

/** A package as the cleanup rules see it. */
export type Candidate = PackageRef & PackageFields;

/** The number of deletions one run may make when a policy does not say. */
export const DEFAULT_MAX_DELETIONS = 10;

/**
 * Decides which packages a cleanup policy deletes. A package is deleted when at least one
 * rule matches it (every criterion a rule sets must hold) and no `keep` glob matches its
 * name; keep lists always win. Pure: the caller lists the packages.
 */
export function planCleanup(policy: CleanupPolicy, candidates: Candidate[], now: Date): CleanupPlan {
    const problems = checkPolicy(policy);
    if (problems.length > 0) {
        throw new Error(`Invalid cleanup policy: ${problems.join(" ")}`);
    }
    const kept = matcher(policy.keep);
    const rules = policy.rules.map((rule, index) => compile(rule, index));
    const deletions: CleanupMatch[] = [];
    const keptByList: string[] = [];
    for (const candidate of candidates) {
        const reasons = rules.map((rule) => rule(candidate, now)).filter((r): r is CleanupMatch => r !== undefined);
        if (reasons.length === 0) {
            continue;
        }
        if (kept?.(candidate.packageName)) {
            keptByList.push(label(candidate));
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

/** The package types a policy lists, all six when it names none. */
export function policyTypes(policy: CleanupPolicy): PackageType[] {
    const types = new Set<PackageType>();
    for (const rule of policy.rules) {
        for (const type of rule.packageTypes ?? PACKAGE_TYPES) {
            types.add(type);
        }
    }
    return [...types];
}

/** Checks a policy's rules before any API call; each problem names the rule and the field. */
export function checkPolicy(policy: CleanupPolicy): string[] {
    const problems: string[] = [];
    if (!Array.isArray(policy.rules) || policy.rules.length === 0) {
        problems.push("rules: give at least one rule.");
        return problems;
    }
    if (policy.maxDeletions !== undefined && (!Number.isInteger(policy.maxDeletions) || policy.maxDeletions < 0)) {
        problems.push(`maxDeletions must be a whole number >= 0, got ${policy.maxDeletions}.`);
    }
    policy.rules.forEach((rule, index) => {
        const where = `rules[${index}]${rule.name ? ` (${rule.name})` : ""}`;
        if (rule.olderThan !== undefined && !(durationMs(rule.olderThan) > 0)) {
            problems.push(`${where}.olderThan: "${rule.olderThan}" is not a duration such as "180d" or "12w".`);
        }
        for (const type of rule.packageTypes ?? []) {
            if (!PACKAGE_TYPES.includes(type)) {
                problems.push(`${where}.packageTypes: "${type}" is not one of ${PACKAGE_TYPES.join(", ")}.`);
            }
        }
        const criteria = [rule.olderThan, rule.visibility, rule.include, rule.withoutRepository, rule.withoutVersions];
        if (criteria.every((c) => c === undefined)) {
            problems.push(`${where}: a rule needs at least one criterion (olderThan, visibility, include, withoutRepository, withoutVersions); an empty rule would match every package.`);
        }
    });
    return problems;
}

type CompiledRule = (candidate: Candidate, now: Date) => CleanupMatch | undefined;

function compile(rule: CleanupRule, index: number): CompiledRule {
    const name = rule.name ?? `rules[${index}]`;
    const types = rule.packageTypes ? new Set(rule.packageTypes) : undefined;
    const visibilities = rule.visibility === undefined ? undefined : new Set<Visibility>([rule.visibility].flat());
    const include = matcher(rule.include);
    const exclude = matcher(rule.exclude);
    const maxAgeMs = rule.olderThan === undefined ? undefined : durationMs(rule.olderThan);
    return (candidate, now) => {
        if ((types && !types.has(candidate.packageType)) || exclude?.(candidate.packageName)) {
            return undefined;
        }
        const why: string[] = [];
        if (maxAgeMs !== undefined) {
            const idleMs = now.getTime() - Date.parse(candidate.updatedAt);
            if (!(idleMs > maxAgeMs)) {
                return undefined;
            }
            why.push(`not updated for ${Math.floor(idleMs / 86_400_000)} days (more than ${rule.olderThan})`);
        }
        if (visibilities) {
            if (!visibilities.has(candidate.visibility)) {
                return undefined;
            }
            why.push(`${candidate.visibility}`);
        }
        if (include) {
            if (!include(candidate.packageName)) {
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
        return { package: label(candidate), packageType: candidate.packageType, packageName: candidate.packageName, rule: name, reason: why.join("; ") };
    };
}

function matcher(globs: string[] | undefined): ((name: string) => boolean) | undefined {
    return globs && globs.length > 0 ? picomatch(globs, { dot: true }) : undefined;
}

function durationMs(text: string): number {
    return parseDuration(text) ?? Number.NaN;
}

function label(candidate: PackageRef): string {
    return `${candidate.packageType}/${candidate.packageName}`;
}
