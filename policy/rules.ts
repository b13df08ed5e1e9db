/**
 * The logic of the `github-packages` policy pack, apart from CrossGuard so it can be tested
 * alone: strict checks of the pack's config, which declared packages break a rule, and whether
 * the provider's own protect list (`github-packages:protect`) covers the pack's protected globs.
 * Globs are the package keys' (`type/name`, case-insensitive) from `provider/shared/keys.ts`.
 */
import { CONFIG_NAMESPACE, PROTECT_KEY, parseProtectList } from "../provider/shared/config";
import { describeValue } from "../provider/shared/messages";
import { checkGlobs, packageMatcher } from "../provider/shared/keys";
import { UNKNOWN_VALUE } from "../provider/shared/validate";
import { planRetention } from "../provider/retention/plan";
import { RetentionPolicy } from "../provider/retention/policy";
import { PackageType } from "../provider/shared/types";

/** The type token of OrgPackage resources in state. */
export const ORG_PACKAGE_TYPE = "pulumi-nodejs:dynamic/github-packages:OrgPackage";

/** The type token of PackageVersionRetention resources in state. */
export const RETENTION_TYPE = "pulumi-nodejs:dynamic/github-packages:PackageVersionRetention";

/** The type token of the engine's provider for dynamic resources; its props are the stack config. */
export const DYNAMIC_PROVIDER_TYPE = "pulumi:providers:pulumi-nodejs";

/** The stack config key of the provider's protect list, as it appears in the provider's props. */
export const PROTECT_CONFIG_KEY = `${CONFIG_NAMESPACE}:${PROTECT_KEY}`;

/** The properties of an OrgPackage the policies read (inputs, and outputs once known). */
export interface OrgPackageProps {
    /** The organization. */
    org: string;
    /** The registry. */
    packageType: string;
    /** The package's name. */
    packageName: string;
    /** `present` or `absent`. */
    ensure?: string;
    /** Whether destroy deletes the package. */
    deleteOnDestroy?: boolean;
    /** Who can see the package (an output). */
    visibility?: string;
    /** The linked repository (an output). */
    repository?: string | null;
    /** When the package was last updated (an output). */
    updatedAt?: string;
}

/** A resource as stack validation shows it. */
export interface SeenResource {
    /** The type token. */
    type: string;
    /** The URN, for reports. */
    urn: string;
    /** Inputs, and outputs once known. */
    props: Record<string, unknown>;
}

/** Config of `protected-packages`: globs over `type/name` of packages that must never be deleted. */
export interface ProtectedConfig {
    /** The globs, e.g. `["npm/widgets", "container/platform/**"]`. */
    packages: string[];
}

/** Config of `stale-packages`: how many days without an update make a package stale. */
export interface StaleConfig {
    /** The number of days. */
    maxIdleDays: number;
}

/** One problem a policy reports, with the resource it is about when there is one. */
export interface Finding {
    /** The message. */
    message: string;
    /** The URN of the resource, when the finding is about one. */
    urn?: string;
}

/** `org/type/name`, as the messages name a package. */
export function label(props: OrgPackageProps): string {
    return `${props.org}/${props.packageType}/${props.packageName}`;
}

/**
 * Checks a policy's config strictly: every key must be one the policy knows, with the type it
 * expects. `known` maps each key to a check that returns problems. Returns messages naming
 * `policy.key` and the fix.
 */
export function checkConfig(policy: string, config: unknown, known: Record<string, (value: unknown, property: string) => string[]>): string[] {
    if (typeof config !== "object" || config === null || Array.isArray(config)) {
        return [`${policy}: the config must be an object with the keys ${Object.keys(known).join(", ")}, got ${describeValue(config)}.`];
    }
    const problems: string[] = [];
    for (const [key, value] of Object.entries(config)) {
        // CrossGuard adds the enforcement level to each policy's config.
        if (key === "enforcementLevel") {
            continue;
        }
        const check = known[key];
        if (!check) {
            problems.push(`${policy}.${key} is not a setting of this policy; it has ${Object.keys(known).join(", ")}.`);
        } else {
            problems.push(...check(value, `${policy}.${key}`));
        }
    }
    return problems;
}

/** The config checks of `protected-packages`: `packages` is a list of `type/name` globs. */
export const PROTECTED_CONFIG = {
    packages: (value: unknown, property: string): string[] => checkGlobs(value, property).map((p) => p.reason),
};

/** The config checks of `stale-packages`: `maxIdleDays` is a whole number >= 1. */
export const STALE_CONFIG = {
    maxIdleDays: (value: unknown, property: string): string[] =>
        typeof value === "number" && Number.isInteger(value) && value >= 1 ? [] : [`${property} must be a whole number of days >= 1 such as 180, got ${describeValue(value)}.`],
};

/** The OrgPackages among the resources. */
export function orgPackages(resources: readonly SeenResource[]): (SeenResource & { props: OrgPackageProps })[] {
    return resources.filter((r) => r.type === ORG_PACKAGE_TYPE) as (SeenResource & { props: OrgPackageProps })[];
}

/** The root stack resource's type token: the engine registers it before any resource of the program. */
export const STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * Whether the engine can delete a package through this resource, now or later: an OrgPackage
 * declared `ensure: "absent"` (deleted when the step runs) or `deleteOnDestroy: true` (deleted
 * when it leaves the program, replaced or destroyed, without any policy seeing it then), or a
 * retention whose `lastVersion: "delete-package"` deletes the whole package.
 */
export function canDelete(resource: SeenResource): boolean {
    if (resource.type === ORG_PACKAGE_TYPE) {
        return resource.props.ensure === "absent" || resource.props.deleteOnDestroy === true;
    }
    if (resource.type === RETENTION_TYPE) {
        return (resource.props as unknown as RetentionProps).policy?.lastVersion === "delete-package";
    }
    return false;
}

/** The resources that match a protected glob yet are declared for deletion (OrgPackages) or can delete the whole package (retentions). */
export function protectedDeletions(resources: readonly SeenResource[], globs: readonly string[]): Finding[] {
    const isProtected = packageMatcher(globs);
    if (!isProtected) {
        return [];
    }
    const findings: Finding[] = [];
    for (const { urn, props } of orgPackages(resources)) {
        if (!isProtected({ packageType: props.packageType as PackageType, packageName: props.packageName })) {
            continue;
        }
        if (props.ensure === "absent") {
            findings.push({ urn, message: `${label(props)} is protected and must not be declared ensure: "absent".` });
        } else if (props.deleteOnDestroy) {
            findings.push({ urn, message: `${label(props)} is protected; deleteOnDestroy must stay false.` });
        }
    }
    for (const resource of resources.filter((r) => r.type === RETENTION_TYPE && canDelete(r))) {
        const props = resource.props as unknown as RetentionProps;
        if (isProtected({ packageType: props.packageType as PackageType, packageName: props.packageName })) {
            findings.push({ urn: resource.urn, message: `${label(props)} is protected; its retention must not set lastVersion: "delete-package".` });
        }
    }
    return findings;
}

/**
 * True when the provider's protect glob `covering` protects at least every package `glob`
 * does: the same glob (case-insensitive), `**`, a `prefix/**` over it, or a glob matching
 * `glob` when that names a single package. Conservative: other pairs count as not covered.
 */
export function covers(covering: string, glob: string): boolean {
    const a = covering.toLowerCase();
    const b = glob.toLowerCase();
    if (a === b || a === "**" || a === "*/**") {
        return true;
    }
    if (a.endsWith("/**") && !/[*?[\]{}()!+@]/.test(a.slice(0, -3)) && b.startsWith(a.slice(0, -2))) {
        return true;
    }
    const literal = !/[*?[\]{}()!+@]/.test(b);
    const slash = b.indexOf("/");
    return literal && slash > 0 && (packageMatcher([covering])?.({ packageType: b.slice(0, slash) as PackageType, packageName: glob.slice(slash + 1) }) ?? false);
}

/**
 * What the protect list of a provider for dynamic resources misses of the pack's protected
 * globs. Its props are the stack config (the engine gives the dynamic provider all of it); it
 * deletes whatever the program no longer declares, and only its list protects those packages.
 * `subject`, when given, is the resource the finding is about (one that can delete), else the
 * provider itself.
 */
export function uncoveredGlobs(provider: SeenResource, globs: readonly string[], subject?: SeenResource): Finding[] {
    if (globs.length === 0) {
        return [];
    }
    const urn = subject?.urn ?? provider.urn;
    let list: string[];
    try {
        list = parseProtectList(provider.props[PROTECT_CONFIG_KEY]);
    } catch (error) {
        return [{ urn, message: (error as Error).message }];
    }
    const missing = globs.filter((glob) => !list.some((covering) => covers(covering, glob)));
    if (missing.length === 0) {
        return [];
    }
    const example = `pulumi config set ${PROTECT_CONFIG_KEY} '${JSON.stringify([...list, ...missing])}'`;
    const what = subject ? `${label(subject.props as unknown as OrgPackageProps)} can be deleted through this resource, and the` : "The";
    return [
        {
            urn,
            message:
                `${what} provider's protect list (${PROTECT_CONFIG_KEY}: ${JSON.stringify(list)}) does not cover ${missing.map((g) => `"${g}"`).join(", ")}. ` +
                `This pack only sees resources still in the program; the provider refuses to delete what its protect list names even when a resource ` +
                `leaves the program or the stack is destroyed. Add them: ${example}`,
        },
    ];
}

/**
 * `protected-packages` on one resource, as the engine shows it to a resource policy before it
 * acts on it (`provider` is the resource's provider, as the engine shows it too):
 * - the provider for dynamic resources must protect every glob of the pack (registered before
 *   the first dynamic resource, so a violation stops the update before any step, also before the
 *   deletions of resources that left the program, which run last);
 * - a protected package must not be declared for deletion;
 * - a resource that can delete must run on a provider whose list covers the globs (the same
 *   check, in case its provider was not shown on its own).
 */
export function protectedPackageFindings(resource: SeenResource, provider: SeenResource | undefined, globs: readonly string[]): Finding[] {
    if (resource.type === DYNAMIC_PROVIDER_TYPE) {
        return uncoveredGlobs(resource, globs);
    }
    if (!canDelete(resource)) {
        return [];
    }
    const declared = protectedDeletions([resource], globs);
    if (declared.length > 0) {
        return declared;
    }
    if (!provider || provider.type !== DYNAMIC_PROVIDER_TYPE) {
        return globs.length === 0 ? [] : [{ urn: resource.urn, message: `${label(resource.props as unknown as OrgPackageProps)} can be deleted through this resource, but its ${DYNAMIC_PROVIDER_TYPE} provider is not visible, so ${PROTECT_CONFIG_KEY} cannot be checked.` }];
    }
    return uncoveredGlobs(provider, globs, resource);
}

/** The public packages that link no repository. */
export function publicWithoutRepository(resources: readonly SeenResource[]): Finding[] {
    return orgPackages(resources)
        .filter(({ props }) => props.ensure !== "absent" && props.visibility === "public" && !props.repository)
        .map(({ urn, props }) => ({ urn, message: `${label(props)} is public but linked to no repository; link one, make it private, or declare it absent.` }));
}

/** The packages kept present that have not been updated for more than `maxIdleDays` days at `now`. */
export function stalePackages(resources: readonly SeenResource[], maxIdleDays: number, now: number): Finding[] {
    const findings: Finding[] = [];
    for (const { urn, props } of orgPackages(resources)) {
        const updated = props.updatedAt ? Date.parse(props.updatedAt) : Number.NaN;
        const idleDays = Math.floor((now - updated) / 86_400_000);
        if (props.ensure !== "absent" && idleDays > maxIdleDays) {
            findings.push({ urn, message: `${label(props)} has not been updated for ${idleDays} days (more than ${maxIdleDays}); consider a cleanup rule.` });
        }
    }
    return findings;
}

/** Config of `retention-guardrails`: what every retention policy of the stack must respect. */
export interface RetentionGuardrailsConfig {
    /** The largest absolute `maxDeletions` a policy may set. */
    maxDeletions: number;
    /** The largest percentage `maxDeletions` (`"20%"`) a policy may set. */
    maxPercent: number;
    /** Example tags no rule may select (`latest`, a release such as `v1.2.3`): a policy must protect or exclude each. */
    protectedTags: string[];
    /** Whether a policy may delete a whole package (`lastVersion: "delete-package"`). */
    allowDeletePackage: boolean;
}

/** The defaults of `retention-guardrails`. */
export const RETENTION_GUARDRAILS_DEFAULTS: RetentionGuardrailsConfig = {
    maxDeletions: 100,
    maxPercent: 50,
    protectedTags: ["latest", "stable", "v1.2.3", "1.2.3"],
    allowDeletePackage: false,
};

/** The config checks of `retention-guardrails`. */
export const RETENTION_GUARDRAILS_CONFIG = {
    maxDeletions: (value: unknown, property: string): string[] =>
        Number.isInteger(value) && (value as number) >= 1 ? [] : [`${property} must be a whole number >= 1 such as 100, got ${describeValue(value)}.`],
    maxPercent: (value: unknown, property: string): string[] =>
        typeof value === "number" && value > 0 && value <= 100 ? [] : [`${property} must be a percentage between 1 and 100 such as 50, got ${describeValue(value)}.`],
    protectedTags: (value: unknown, property: string): string[] =>
        Array.isArray(value) && value.every((tag) => typeof tag === "string" && /^[\w][\w.-]{0,127}$/.test(tag))
            ? []
            : [`${property} must be a list of example tags (not globs) such as ["latest", "v1.2.3"], got ${describeValue(value)}.`],
    allowDeletePackage: (value: unknown, property: string): string[] =>
        typeof value === "boolean" ? [] : [`${property} must be true or false, got ${describeValue(value)}.`],
};

/** The properties of a PackageVersionRetention the guardrails read. */
interface RetentionProps {
    org: string;
    packageType: string;
    packageName: string;
    policy?: RetentionPolicy;
}


/**
 * The retention policies that break the guardrails: every policy sets an explicit cap within the
 * configured bounds, keeps at least one version (`keepLatest`, `names.keepLatest`, or
 * `keepLatestTagged` or `tagged.keepLatest` for images), deletes no whole package unless allowed, and selects none of the protected example
 * tags (checked with the planner itself, on synthetic images carrying each tag).
 */
export function retentionViolations(resources: readonly SeenResource[], config: RetentionGuardrailsConfig): Finding[] {
    const findings: Finding[] = [];
    for (const { urn, props } of resources.filter((r) => r.type === RETENTION_TYPE) as (SeenResource & { props: RetentionProps })[]) {
        const policy = props.policy;
        if (!policy || JSON.stringify(policy).includes(UNKNOWN_VALUE)) {
            continue;
        }
        const name = `${props.org}/${props.packageType}/${props.packageName}`;
        const add = (message: string) => findings.push({ urn, message: `Retention of ${name}: ${message}` });
        const cap = policy.maxDeletions;
        if (cap === undefined) {
            add(`the policy sets no maxDeletions (the default is 100); set one, at most ${config.maxDeletions} or "${config.maxPercent}%".`);
        } else if (typeof cap === "number" && cap > config.maxDeletions) {
            add(`maxDeletions ${cap} is more than the ${config.maxDeletions} the guardrails allow.`);
        } else if (typeof cap === "string" && Number.parseFloat(cap) > config.maxPercent) {
            add(`maxDeletions "${cap}" is more than the ${config.maxPercent}% the guardrails allow.`);
        }
        const images = props.packageType === "container" || props.packageType === "docker";
        // A nested count keeps the newest version the rules select, so the package's newest version stays whatever is selected.
        const keeps = (policy.keepLatest ?? 0) >= 1 || (policy.names?.keepLatest ?? 0) >= 1 || (images && ((policy.tagged?.keepLatest ?? 0) >= 1 || (policy.keepLatestTagged ?? 0) >= 1));
        if (!keeps) {
            add(
                `the policy keeps no version by count; set keepLatest >= 1${images ? " (or tagged.keepLatest or keepLatestTagged >= 1)" : " (or names.keepLatest >= 1)"} ` +
                    `so a package never loses its newest version.`,
            );
        }
        if (policy.lastVersion === "delete-package" && !config.allowDeletePackage) {
            add(`lastVersion: "delete-package" deletes the whole package; the guardrails do not allow it (allowDeletePackage).`);
        }
        if (images) {
            const selected = config.protectedTags.filter((tag) => selectsTag(policy, props.packageType as PackageType, tag));
            if (selected.length > 0) {
                add(
                    `its rules can delete images tagged ${selected.map((t) => `"${t}"`).join(", ")}; add them to protect.tags (or tagged.exclude), ` +
                        `e.g. protect: { tags: ["latest", "v*"] }.`,
                );
            }
        }
    }
    return findings;
}

/**
 * Whether the policy's rules (keep counts aside) delete an image tagged only `tag`: planned on
 * two ancient images carrying it and a newer image under a tag no rule names, so the last-tagged
 * rule does not mask the answer.
 */
function selectsTag(policy: RetentionPolicy, packageType: PackageType, tag: string): boolean {
    const { keepLatest: _all, keepLatestTagged: _tagged, drain: _drain, ...rest } = policy;
    const probe: RetentionPolicy = {
        ...rest,
        ...(policy.names ? { names: { ...policy.names, keepLatest: undefined } } : {}),
        ...(policy.tagged ? { tagged: { ...policy.tagged, keepLatest: undefined } } : {}),
        ...(policy.untagged ? { untagged: { ...policy.untagged, keepLatest: undefined } } : {}),
        maxDeletions: "100%",
        lastVersion: "never",
    };
    const old = "1970-01-01T00:00:00Z";
    const versions = [
        { versionId: 1, name: `sha256:${"1".repeat(64)}`, tags: [tag], createdAt: old, updatedAt: old },
        { versionId: 2, name: `sha256:${"2".repeat(64)}`, tags: [tag], createdAt: old, updatedAt: old },
        { versionId: 3, name: `sha256:${"3".repeat(64)}`, tags: ["guardrail-probe"], createdAt: new Date().toISOString(), updatedAt: new Date().toISOString() },
    ];
    try {
        // Container retentions plan with the image graph; an empty one (no manifests linking the probes) lets untagged rules through.
        const graph = packageType === "container" ? { links: [], unreadable: [], manifestsRead: 0 } : undefined;
        return planRetention(probe, versions, { packageType, now: new Date(), graph }).deletions.some((d) => d.versionId === 1);
    } catch {
        // A policy the planner refuses fails the resource's own check, with a clearer message.
        return false;
    }
}
