/**
 * What an inventory reads: the organization, the registries (all six by default) and the
 * `details` globs over `type/name` that select the packages whose versions (and, for container
 * packages, manifests) are read. Checked in full before any request; each failure names the
 * field and the fix. With a retention `policy`, also the policy, with the same validator a
 * `PackageVersionRetention` uses, for every registry whose packages `details` may choose.
 */
import picomatch from "picomatch";
import { checkRetentionPolicy, RetentionPolicy } from "../retention/policy";
import { checkGlobs, isKeyGlob } from "../shared/keys";
import { capitalize } from "../shared/messages";
import { PACKAGE_TYPES, PackageType } from "../shared/types";
import { checkOrg, describeValue, InputFailure, isRecord, oneOf, unknownFields } from "../shared/validate";

/** The arguments of an inventory. */
export interface InventoryOptions {
    /** The organization's login. */
    org: string;
    /** The registries to list; all six when omitted. */
    packageTypes?: PackageType[];
    /**
     * Globs over `type/name` (`container/**`, `npm/app-*`; a star as the registry and a double star as the name choose every package) of the packages whose
     * versions are read for details: ages, untagged versions and, for container packages, the
     * manifests (broken images, orphaned signatures, bytes). None when omitted: the package lists only.
     */
    details?: string[];
    /**
     * A retention policy, the shape of `PackageVersionRetention`'s `policy`: the inventory plans it
     * on each package read in detail (as a first run of that retention would, with the image graph
     * for container packages) and reports what it would delete, block and free. Plans only: nothing is deleted.
     */
    policy?: RetentionPolicy;
}

/** The fields of {@link InventoryOptions}. */
export const INVENTORY_OPTIONS = ["org", "packageTypes", "details", "policy"] as const;

/** Checks an inventory's arguments; every failure names its field. */
export function checkInventoryOptions(options: unknown): InputFailure[] {
    if (!isRecord(options)) {
        return [{ property: "args", reason: `the arguments must be an object { org, packageTypes?, details?, policy? }, got ${describeValue(options)}.` }];
    }
    const failures = [...unknownFields(options, INVENTORY_OPTIONS, "", "an inventory argument"), ...checkOrg(options.org)];
    const types = options.packageTypes;
    if (types !== undefined) {
        if (!Array.isArray(types) || types.length === 0) {
            failures.push({
                property: "packageTypes",
                reason: `packageTypes must be a non-empty list of registries such as ["container", "npm"] (or left out for all six), got ${describeValue(types)}.`,
            });
        } else {
            types.forEach((type, i) => failures.push(...oneOf(type, PACKAGE_TYPES, `packageTypes[${i}]`, true)));
            const repeated = types.filter((type, i) => types.indexOf(type) !== i);
            if (repeated.length > 0) {
                failures.push({ property: "packageTypes", reason: `packageTypes lists ${JSON.stringify(repeated[0])} twice; list each registry once.` });
            }
        }
    }
    const globFailures = checkGlobs(options.details, "details");
    failures.push(...globFailures);
    if (options.policy !== undefined) {
        failures.push(...checkPolicy(options.policy, options.details, globFailures.length === 0 && failures.every((f) => !f.property.startsWith("packageTypes")) ? registriesOf(options as Pick<InventoryOptions, "packageTypes">) : []));
    }
    return failures;
}

/**
 * Checks the policy as a retention's inputs are checked (same validator, same messages), then
 * once more for each registry of `registries` that a `details` glob may choose: a policy that
 * selects by tag fails for npm packages, one without `tagged` for docker images, and so on.
 */
function checkPolicy(policy: unknown, details: unknown, registries: readonly PackageType[]): InputFailure[] {
    const prefixed = (f: InputFailure): InputFailure => ({ property: f.property === "policy" ? "policy" : `policy.${f.property}`, reason: f.reason });
    const general = checkRetentionPolicy(policy).map(prefixed);
    if (general.length > 0) {
        return general;
    }
    const globs = Array.isArray(details) ? (details as string[]) : [];
    if (globs.length === 0) {
        return [
            {
                property: "policy",
                reason: `policy is planned on the packages details chooses (their versions are read); add details, e.g. details: ["container/**"], or remove policy.`,
            },
        ];
    }
    const failures: InputFailure[] = [];
    const unfit = new Map<string, PackageType[]>();
    for (const type of registries.filter((t) => chosenRegistry(globs, t))) {
        // Container packages are planned with the image graph, as PackageVersionRetention plans them.
        const found = checkRetentionPolicy(policy, type, { imageGraph: type === "container" }).map(prefixed);
        failures.push(...found);
        if (found.length > 0) {
            const glob = JSON.stringify(globs.find((g) => chosenRegistry([g], type))!);
            unfit.set(glob, [...(unfit.get(glob) ?? []), type]);
        }
    }
    if (failures.length > 0) {
        // Said once, after the registries' reasons: which glob chose the registries the policy does not fit.
        const chosen = [...unfit].map(([glob, types]) => `details ${glob} chooses ${listed(types)} packages`).join("; ");
        const hint = `${chosen}: narrow details or packageTypes to the registries the policy is for.`;
        if (failures.length === 1) {
            failures[0] = { ...failures[0], reason: `${failures[0].reason} (${hint})` };
        } else {
            failures.push({ property: "policy", reason: capitalize(hint) });
        }
    }
    return failures;
}

/** `npm`, `npm and maven`, `npm, maven and nuget`. */
function listed(items: readonly string[]): string {
    return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** True when a glob of `globs` may choose packages of `type` (its first segment matches the registry). */
function chosenRegistry(globs: readonly string[], type: PackageType): boolean {
    return globs.some((glob) => isKeyGlob(glob) && picomatch(glob.slice(0, glob.indexOf("/")), { nocase: true })(type));
}

/** The registries an inventory lists, in the order GitHub's documentation names them (PACKAGE_TYPES). */
export function registriesOf(options: Pick<InventoryOptions, "packageTypes">): PackageType[] {
    return PACKAGE_TYPES.filter((type) => options.packageTypes === undefined || options.packageTypes.includes(type));
}
