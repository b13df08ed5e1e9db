/**
 * The retention policy for the versions of one package: its types, its defaults in one place,
 * and its strict validation (unknown fields, globs and regexes, semver ranges, durations, caps,
 * and the container rules), all before any API call; and its warnings (a glob that reads like a regex). The planner is provider/retention/plan.ts; the rules
 * table is docs/retention.md.
 */
import { cutoff, parseDuration } from "../shared/duration";
import semver from "semver";
import { patternProblem, regexLookingGlob } from "./patterns";
import { isRecord, unknownFields } from "../shared/validate";
import { InputFailure } from "../shared/validate";
import { PackageType } from "../shared/types";

/** Which timestamp `olderThan` compares with: the version's publication or its last update. */
export const AGE_FIELDS = ["createdAt", "updatedAt"] as const;

/** A timestamp of a version that `olderThan` can compare with. */
export type AgeField = (typeof AGE_FIELDS)[number];

/** What happens when a plan would delete every version (GitHub refuses to delete the last one). */
export const LAST_VERSION_ACTIONS = ["never", "keep-newest", "delete-package"] as const;

/**
 * `never` (default): the newest selected version is not planned and is reported blocked;
 * `keep-newest`: it is kept, reported as kept; `delete-package`: the whole package is deleted instead.
 */
export type LastVersionAction = (typeof LAST_VERSION_ACTIONS)[number];

/** Selects tagged versions (container and docker images); a version is selected only when every one of its tags matches. */
export interface TaggedRule {
    /** Globs (or `/regex/flags`) a tag must match (any one); all tags when omitted. Matched on tags, never on digests. */
    include?: string[];
    /** Globs (or `/regex/flags`) a tag must not match. */
    exclude?: string[];
    /** Keep the N most recent of the tagged versions the rules select (this rule, `olderThan`, ...); `keepLatestTagged` ranks all tagged versions. */
    keepLatest?: number;
}

/** Selects untagged versions; for container packages only with the image graph (planImageRetention), refused for docker. */
export interface UntaggedRule {
    /** Keep the N most recent of the untagged versions the rules select (`olderThan`, ...). */
    keepLatest?: number;
}

/** Selects versions by name (npm, maven, rubygems, nuget; container names are digests, so not there). */
export interface NameRule {
    /** Globs (or `/regex/flags`) the version name must match (any one), e.g. `1.*`, `*-SNAPSHOT`, `/^\\d+\\.0\\.0$/`. */
    include?: string[];
    /** Globs (or `/regex/flags`) the version name must not match. */
    exclude?: string[];
    /** A semver range the name must satisfy (pre-releases included), e.g. `<2.0.0`; names that are not semver are never selected. */
    semver?: string;
    /** Only pre-releases, as the registry names them: semver for npm, NuGet's labels, Maven's qualifiers (`-SNAPSHOT`, `-rc`), RubyGems' letters (`.pre`). */
    prereleaseOnly?: boolean;
    /** Keep the N most recent of the versions the rules select (this rule, `olderThan`, ...). */
    keepLatest?: number;
}

/** Selects versions by id or exact name: only these may be deleted (still subject to the other rules, protect lists, the image graph and the cap). */
export interface ExplicitSelection {
    /** GitHub version ids. */
    versionIds?: number[];
    /** Exact version names (for images, digests). */
    names?: string[];
}

/**
 * Broken images a container policy (planned with the image graph) also deletes, each opt-in: what
 * dataaxiom's `delete-ghost-images`, `delete-partial-images` and `delete-orphaned-images` do. Protect
 * lists still apply, and nothing a kept image needs is deleted.
 */
export interface BrokenImageRule {
    /** Versions GitHub lists whose manifest the registry does not have (404), while it serves others of the package. */
    ghostImages?: boolean;
    /** Indexes that list a manifest the registry does not have (a platform image or attestation gone). */
    partialImages?: boolean;
    /** cosign signatures, attestations, SBOMs (`sha256-….sig`) and OCI referrers whose subject is no longer a version of the package. */
    orphanedReferrers?: boolean;
}

/** Versions no rule may delete. */
export interface ProtectList {
    /** Globs (or `/regex/flags`) on tags: a version with any matching tag is kept. */
    tags?: string[];
    /** Globs (or `/regex/flags`) on version names. */
    versions?: string[];
    /** Exact manifest digests (`sha256:` and 64 hex digits). */
    digests?: string[];
    /** GitHub version ids. */
    versionIds?: number[];
}

/** What to delete from the versions of one package. Every rule is optional; docs/retention.md has the table of how they combine. */
export interface RetentionPolicy {
    /** Keep the N most recent versions of the package (by creation time, version id as tie-break), whatever the rules select. */
    keepLatest?: number;
    /** Keep the N most recent tagged versions of the package (images), selected or not: what `tagged.keepLatest` meant before 0.2. */
    keepLatestTagged?: number;
    /** Select only versions older than this: a whole number and a unit of h, d, w, mo or y (`90d`, `6mo`, `1y`). */
    olderThan?: string;
    /** Which timestamp `olderThan` compares. Defaults to `createdAt`. */
    ageFrom?: AgeField;
    /** Select only tagged versions matching this rule (with `untagged`, either kind). */
    tagged?: TaggedRule;
    /** Select only untagged versions (with `tagged`, either kind). */
    untagged?: UntaggedRule;
    /** Select only versions whose name matches this rule. */
    names?: NameRule;
    /** Select only these versions, by id or exact name. */
    select?: ExplicitSelection;
    /** Versions never deleted. */
    protect?: ProtectList;
    /** The most versions of the package one plan may delete: a whole number, or a percentage of its versions (`"20%"`). Defaults to 100. */
    maxDeletions?: number | string;
    /** What happens when the plan would delete every version. Defaults to `never`. */
    lastVersion?: LastVersionAction;
    /** Over `maxDeletions`, delete the oldest versions up to the cap and leave the rest for the next runs, instead of failing. Defaults to false. */
    drain?: boolean;
    /** Container images planned with the image graph: also delete broken images (ghost, partial, orphaned referrers). Each defaults to false. */
    deleteBroken?: BrokenImageRule;
    /** Container images planned with the image graph: also delete the untagged children (platform manifests, attestations, signatures, referrers) no kept version reaches once their parents go. Defaults to true. */
    deleteOrphanedChildren?: boolean;
}

/** How a policy is checked. */
export interface PolicyCheckOptions {
    /** True when the plan reads the image graph (planImageRetention): container policies may then select untagged versions. */
    imageGraph?: boolean;
}

/** The defaults of the optional settings, in one place. */
export const RETENTION_DEFAULTS = {
    ageFrom: "createdAt",
    maxDeletions: 100,
    lastVersion: "never",
    deleteOrphanedChildren: true,
    drain: false,
} as const satisfies Partial<RetentionPolicy>;

/** Registries whose versions are images with tags, and whose untagged versions may be children of multi-arch images. */
export const IMAGE_TYPES: readonly PackageType[] = ["container", "docker"];

const POLICY_FIELDS = [
    "keepLatest",
    "keepLatestTagged",
    "olderThan",
    "ageFrom",
    "tagged",
    "untagged",
    "names",
    "select",
    "protect",
    "maxDeletions",
    "lastVersion",
    "drain",
    "deleteOrphanedChildren",
    "deleteBroken",
] as const;
const BROKEN_FIELDS = ["ghostImages", "partialImages", "orphanedReferrers"] as const;
const TAGGED_FIELDS = ["include", "exclude", "keepLatest"] as const;
const UNTAGGED_FIELDS = ["keepLatest"] as const;
const NAME_FIELDS = ["include", "exclude", "semver", "prereleaseOnly", "keepLatest"] as const;
const SELECT_FIELDS = ["versionIds", "names"] as const;
const PROTECT_FIELDS = ["tags", "versions", "digests", "versionIds"] as const;

/** A manifest digest as GitHub names container versions. */
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** A percentage cap such as `20%`. */
const PERCENT = /^(\d{1,3}(?:\.\d+)?)%$/;

/** The instant (ms) before which a version is older than a valid `olderThan` (see {@link checkRetentionPolicy}), in calendar units. */
export function olderThanCutoff(text: string, now: Date): number {
    return cutoff(parseDuration(text), now).getTime();
}

/** The cap for a package of `total` versions: the absolute number, or the percentage rounded down. */
export function resolveMaxDeletions(maxDeletions: number | string | undefined, total: number): number {
    const cap = maxDeletions ?? RETENTION_DEFAULTS.maxDeletions;
    if (typeof cap === "number") {
        return cap;
    }
    const match = PERCENT.exec(cap);
    if (!match) {
        throw new Error(`maxDeletions "${cap}" is not a whole number or a percentage such as "20%".`);
    }
    return Math.floor((total * Number(match[1])) / 100);
}

/**
 * Checks a retention policy before any call; each failure names the field and the fix.
 * With `packageType`, also the rules of that registry: container and docker policies must
 * select tagged versions only (container policies planned with the image graph may select
 * untagged versions too), other registries have no tags to select by.
 */
export function checkRetentionPolicy(policy: unknown, packageType?: PackageType, options: PolicyCheckOptions = {}): InputFailure[] {
    if (!isRecord(policy)) {
        return [{ property: "policy", reason: `a retention policy must be an object such as { keepLatest: 10 }, got ${show(policy)}.` }];
    }
    const p = policy as Record<keyof RetentionPolicy, unknown>;
    const failures: InputFailure[] = [...unknownFields(policy, POLICY_FIELDS, "", "a retention policy field")];
    failures.push(...count(p.keepLatest, "keepLatest"));
    failures.push(...count(p.keepLatestTagged, "keepLatestTagged"));
    if (p.olderThan !== undefined) {
        const problem = typeof p.olderThan !== "string" ? `olderThan must be text such as "90d", got ${show(p.olderThan)}.` : durationProblem(p.olderThan);
        if (problem) {
            failures.push({ property: "olderThan", reason: problem });
        }
    }
    failures.push(...oneOf(p.ageFrom, AGE_FIELDS, "ageFrom"));
    if (p.ageFrom !== undefined && p.olderThan === undefined) {
        failures.push({ property: "ageFrom", reason: "ageFrom only applies with olderThan; set olderThan or remove ageFrom." });
    }
    failures.push(...section(p.tagged, "tagged", TAGGED_FIELDS, (rule) => [
        ...globs(rule.include, "tagged.include"),
        ...globs(rule.exclude, "tagged.exclude"),
        ...count(rule.keepLatest, "tagged.keepLatest"),
    ]));
    failures.push(...section(p.untagged, "untagged", UNTAGGED_FIELDS, (rule) => count(rule.keepLatest, "untagged.keepLatest")));
    failures.push(...section(p.names, "names", NAME_FIELDS, (rule) => [
        ...globs(rule.include, "names.include"),
        ...globs(rule.exclude, "names.exclude"),
        ...semverRange(rule.semver),
        ...(rule.prereleaseOnly === undefined || typeof rule.prereleaseOnly === "boolean"
            ? []
            : [{ property: "names.prereleaseOnly", reason: `names.prereleaseOnly must be true or false, got ${show(rule.prereleaseOnly)}.` }]),
        ...count(rule.keepLatest, "names.keepLatest"),
    ]));
    failures.push(...section(p.select, "select", SELECT_FIELDS, (rule) => [
        ...versionIds(rule.versionIds, "select.versionIds"),
        ...exactNames(rule.names),
        ...(rule.versionIds === undefined && rule.names === undefined
            ? [{ property: "select", reason: "select must name versions: select: { versionIds: [123] } or select: { names: [\"1.0.0\"] }." }]
            : []),
    ]));
    failures.push(...section(p.protect, "protect", PROTECT_FIELDS, (list) => [
        ...globs(list.tags, "protect.tags"),
        ...globs(list.versions, "protect.versions"),
        ...digests(list.digests),
        ...versionIds(list.versionIds, "protect.versionIds"),
    ]));
    failures.push(...oneOf(p.lastVersion, LAST_VERSION_ACTIONS, "lastVersion"));
    failures.push(...cap(p.maxDeletions));
    if (p.drain !== undefined && typeof p.drain !== "boolean") {
        failures.push({ property: "drain", reason: `drain must be true or false, got ${show(p.drain)}.` });
    }
    failures.push(...section(p.deleteBroken, "deleteBroken", BROKEN_FIELDS, (rule) =>
        BROKEN_FIELDS.flatMap((field) =>
            rule[field] === undefined || typeof rule[field] === "boolean"
                ? []
                : [{ property: `deleteBroken.${field}`, reason: `deleteBroken.${field} must be true or false, got ${show(rule[field])}.` }],
        ),
    ));
    if (p.deleteOrphanedChildren !== undefined && typeof p.deleteOrphanedChildren !== "boolean") {
        failures.push({ property: "deleteOrphanedChildren", reason: `deleteOrphanedChildren must be true or false, got ${show(p.deleteOrphanedChildren)}.` });
    }
    if (!hasRule(p)) {
        failures.push({
            property: "policy",
            reason: "a retention policy needs at least one rule (keepLatest, olderThan, tagged, untagged, names or select); without one it would select every version.",
        });
    }
    if (packageType !== undefined) {
        failures.push(...registryRules(p, packageType, options.imageGraph === true));
    }
    return failures;
}

/** True when the policy sets a rule that selects versions (keep counts and deleteBroken aside). */
export function hasSelectingRule(p: Partial<Record<keyof RetentionPolicy, unknown>>): boolean {
    return [p.olderThan, p.tagged, p.untagged, p.names, p.select].some((rule) => rule !== undefined);
}

/** True when the policy sets a rule that selects or counts versions. */
function hasRule(p: Record<keyof RetentionPolicy, unknown>): boolean {
    return (
        [p.olderThan, p.tagged, p.untagged, p.names, p.select].some((rule) => rule !== undefined) ||
        [p.keepLatest, p.keepLatestTagged].some((n) => typeof n === "number" && n > 0) ||
        (isRecord(p.deleteBroken) && Object.values(p.deleteBroken).some((flag) => flag === true))
    );
}

function registryRules(p: Record<keyof RetentionPolicy, unknown>, packageType: PackageType, imageGraph: boolean): InputFailure[] {
    const failures: InputFailure[] = [];
    // Only container images have a graph the provider reads (the container registry); docker's legacy registry has none.
    const graphAware = imageGraph && packageType === "container";
    if (p.deleteOrphanedChildren !== undefined && packageType !== "container") {
        failures.push({
            property: "deleteOrphanedChildren",
            reason: `deleteOrphanedChildren applies to container images planned with the image graph; ${packageType} versions have no children. Remove it.`,
        });
    }
    if (p.deleteBroken !== undefined && !graphAware) {
        failures.push({
            property: "deleteBroken",
            reason:
                packageType === "container"
                    ? "deleteBroken needs the image graph: plan with planImageRetention (PackageVersionRetention does), or remove deleteBroken."
                    : `deleteBroken applies to container images planned with the image graph; ${packageType} versions have no manifests the provider reads. Remove it.`,
        });
    }
    if (IMAGE_TYPES.includes(packageType)) {
        if (p.untagged !== undefined && !graphAware) {
            const fix =
                packageType === "container"
                    ? "Plan with planImageRetention, which reads the image graph from the registry and keeps every manifest a kept image needs (issue 15), or remove untagged"
                    : "docker packages live in the legacy registry, whose manifests the provider does not read; remove untagged (or move the images to the container registry)";
            failures.push({
                property: "untagged",
                reason:
                    `untagged ${packageType} versions cannot be selected yet: GitHub lists the per-platform child manifests of a multi-arch image as untagged versions, ` +
                    `and deleting one breaks the tagged image ("manifest unknown"). ${fix}; tagged versions (whole images) may be deleted.`,
            });
        }
        if (p.tagged === undefined && !graphAware) {
            failures.push({
                property: "tagged",
                reason:
                    `a ${packageType} policy must set tagged (e.g. tagged: {} or tagged: { include: ["pr-*"] }) so that it selects tagged images only: ` +
                    `untagged versions may be children of multi-arch images, and deleting one breaks the tagged image.` +
                    (packageType === "container" ? " (planImageRetention reads the image graph and lifts this.)" : ""),
            });
        }
        const names = isRecord(p.names) ? p.names : {};
        if (names.include !== undefined || names.semver !== undefined || names.prereleaseOnly !== undefined) {
            failures.push({
                property: "names",
                reason: `${packageType} version names are manifest digests, not tags; select images by tag with tagged.include, and protect digests with protect.digests.`,
            });
        }
    } else {
        for (const field of ["tagged", "untagged"] as const) {
            if (p[field] !== undefined) {
                failures.push({
                    property: field,
                    reason: `${packageType} versions have no tags (only container and docker images do); select ${packageType} versions by names, olderThan or keepLatest.`,
                });
            }
        }
    }
    return failures;
}

function section<F extends string>(
    value: unknown,
    property: string,
    known: readonly F[],
    check: (rule: Partial<Record<F, unknown>>) => InputFailure[],
): InputFailure[] {
    if (value === undefined) {
        return [];
    }
    if (!isRecord(value)) {
        return [{ property, reason: `${property} must be an object with the fields ${known.join(", ")}, got ${show(value)}.` }];
    }
    return [...unknownFields(value, known, `${property}.`, `a field of ${property}`), ...check(value as Partial<Record<F, unknown>>)];
}

function count(value: unknown, property: string): InputFailure[] {
    return value === undefined || (Number.isInteger(value) && (value as number) >= 0)
        ? []
        : [{ property, reason: `${property} must be a whole number >= 0, got ${show(value)}.` }];
}

function globs(value: unknown, property: string): InputFailure[] {
    if (value === undefined) {
        return [];
    }
    if (!Array.isArray(value)) {
        return [{ property, reason: `${property} must be a list of globs such as ["pr-*"], got ${show(value)}.` }];
    }
    const failures: InputFailure[] = [];
    value.forEach((glob, i) => {
        if (typeof glob !== "string" || glob.trim() === "") {
            failures.push({ property: `${property}[${i}]`, reason: `${property}[${i}] must be a non-empty glob, got ${show(glob)}.` });
            return;
        }
        const problem = patternProblem(glob);
        if (problem !== undefined) {
            const what = glob.startsWith("/") && glob.length > 1 ? "regular expression" : "glob";
            failures.push({ property: `${property}[${i}]`, reason: `${property}[${i}] ${JSON.stringify(glob)} is not a valid ${what}: ${problem}.` });
        }
    });
    return failures;
}

function semverRange(value: unknown): InputFailure[] {
    if (value === undefined || (typeof value === "string" && value.trim() !== "" && semver.validRange(value) !== null)) {
        return [];
    }
    return [{ property: "names.semver", reason: `names.semver must be a semver range such as "<2.0.0" or "1.x || 2.x", got ${show(value)}.` }];
}

function digests(value: unknown): InputFailure[] {
    if (value === undefined) {
        return [];
    }
    if (!Array.isArray(value)) {
        return [{ property: "protect.digests", reason: `protect.digests must be a list of digests, got ${show(value)}.` }];
    }
    return value.flatMap((digest, i) =>
        typeof digest === "string" && DIGEST.test(digest)
            ? []
            : [{ property: `protect.digests[${i}]`, reason: `protect.digests[${i}] must be a manifest digest "sha256:" and 64 lowercase hex digits, got ${show(digest)}.` }],
    );
}

function versionIds(value: unknown, property: string): InputFailure[] {
    if (value === undefined) {
        return [];
    }
    if (!Array.isArray(value)) {
        return [{ property, reason: `${property} must be a list of GitHub version ids, got ${show(value)}.` }];
    }
    return value.flatMap((id, i) =>
        Number.isInteger(id) && id > 0
            ? []
            : [{ property: `${property}[${i}]`, reason: `${property}[${i}] must be a GitHub version id (a whole number > 0), got ${show(id)}.` }],
    );
}

function exactNames(value: unknown): InputFailure[] {
    if (value === undefined) {
        return [];
    }
    if (!Array.isArray(value)) {
        return [{ property: "select.names", reason: `select.names must be a list of exact version names, got ${show(value)}.` }];
    }
    return value.flatMap((name, i) =>
        typeof name === "string" && name.trim() !== ""
            ? []
            : [{ property: `select.names[${i}]`, reason: `select.names[${i}] must be a version name such as "1.2.0" (or a digest), got ${show(name)}.` }],
    );
}

/**
 * What in a valid policy is probably not what its author meant, in words naming the field: a
 * glob that reads like a regular expression (as a glob it means something else).
 */
export function policyWarnings(policy: RetentionPolicy): string[] {
    const lists: [string, readonly string[] | undefined][] = [
        ["tagged.include", policy.tagged?.include],
        ["tagged.exclude", policy.tagged?.exclude],
        ["names.include", policy.names?.include],
        ["names.exclude", policy.names?.exclude],
        ["protect.tags", policy.protect?.tags],
        ["protect.versions", policy.protect?.versions],
    ];
    return lists.flatMap(([property, patterns]) =>
        (patterns ?? []).flatMap((pattern, i) => {
            const warning = typeof pattern === "string" ? regexLookingGlob(pattern, `${property}[${i}]`) : undefined;
            return warning === undefined ? [] : [warning];
        }),
    );
}

function cap(value: unknown): InputFailure[] {
    if (value === undefined) {
        return [];
    }
    const percent = typeof value === "string" ? PERCENT.exec(value) : null;
    const valid = (Number.isInteger(value) && (value as number) >= 0) || (percent !== null && Number(percent[1]) <= 100);
    if (!valid) {
        return [{ property: "maxDeletions", reason: `maxDeletions must be a whole number >= 0 or a percentage of the package's versions such as "20%", got ${show(value)}.` }];
    }
    if (value === 0 || (percent !== null && Number(percent[1]) === 0)) {
        return [{
            property: "maxDeletions",
            reason: `maxDeletions ${show(value)} allows no deletion, but the policy's rules delete versions; raise maxDeletions, or remove the policy to delete nothing.`,
        }];
    }
    return [];
}

function oneOf(value: unknown, allowed: readonly string[], property: string): InputFailure[] {
    return value === undefined || (typeof value === "string" && allowed.includes(value))
        ? []
        : [{ property, reason: `${property} must be one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${show(value)}.` }];
}

function show(value: unknown): string {
    return value === undefined ? "nothing" : JSON.stringify(value);
}

/** Why `text` is not an `olderThan` duration (bare numbers, m/M and zero are refused), or undefined. */
function durationProblem(text: string): string | undefined {
    try {
        parseDuration(text);
        return undefined;
    } catch (error) {
        return `olderThan: ${(error as Error).message}`;
    }
}
