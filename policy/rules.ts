/**
 * The logic of the `github-packages` policy pack, apart from CrossGuard so it can be tested
 * alone: strict checks of the pack's config, which declared packages break a rule, and whether
 * the provider's own protect list (`github-packages:protect`) covers the pack's protected globs.
 * Globs are the package keys' (`type/name`, case-insensitive) from `provider/keys.ts`.
 */
import { CONFIG_NAMESPACE, PROTECT_KEY, parseProtectList } from "../provider/config";
import { describeValue } from "../provider/errors";
import { checkGlobs, packageMatcher } from "../provider/keys";
import { PackageType } from "../provider/types";

/** The type token of OrgPackage resources in state. */
export const ORG_PACKAGE_TYPE = "pulumi-nodejs:dynamic/github-packages:OrgPackage";

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

/** The declared packages that match a protected glob yet are declared for deletion. */
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
 * What the provider's protect list misses of the pack's protected globs. The engine's provider
 * for dynamic resources carries the stack config as its props; `pulumi up` deletes through it
 * (or through the one recorded in state) whatever the program no longer declares, so only that
 * list protects a package whose resource left the program.
 */
export function uncoveredGlobs(resources: readonly SeenResource[], globs: readonly string[]): Finding[] {
    if (globs.length === 0 || orgPackages(resources).length === 0) {
        return [];
    }
    const providers = resources.filter((r) => r.type === DYNAMIC_PROVIDER_TYPE);
    if (providers.length === 0) {
        return [{ message: `The stack declares OrgPackages but its ${DYNAMIC_PROVIDER_TYPE} provider is not visible, so ${PROTECT_CONFIG_KEY} cannot be checked.` }];
    }
    const findings: Finding[] = [];
    for (const provider of providers) {
        let list: string[];
        try {
            list = parseProtectList(provider.props[PROTECT_CONFIG_KEY]);
        } catch (error) {
            findings.push({ urn: provider.urn, message: (error as Error).message });
            continue;
        }
        const missing = globs.filter((glob) => !list.some((covering) => covers(covering, glob)));
        if (missing.length > 0) {
            const example = `pulumi config set ${PROTECT_CONFIG_KEY} '${JSON.stringify([...list, ...missing])}'`;
            findings.push({
                urn: provider.urn,
                message:
                    `The provider's protect list (${PROTECT_CONFIG_KEY}: ${JSON.stringify(list)}) does not cover ${missing.map((g) => `"${g}"`).join(", ")}. ` +
                    `This pack only sees resources still in the program; the provider refuses to delete what its protect list names even when a resource ` +
                    `leaves the program or the stack is destroyed. Add them: ${example}`,
            });
        }
    }
    return findings;
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
