/**
 * What an inventory reads: the organization, the registries (all six by default) and the
 * `details` globs over `type/name` that select the packages whose versions (and, for container
 * packages, manifests) are read. Checked in full before any request; each failure names the
 * field and the fix.
 */
import { checkGlobs } from "../shared/keys";
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
}

/** The fields of {@link InventoryOptions}. */
export const INVENTORY_OPTIONS = ["org", "packageTypes", "details"] as const;

/** Checks an inventory's arguments; every failure names its field. */
export function checkInventoryOptions(options: unknown): InputFailure[] {
    if (!isRecord(options)) {
        return [{ property: "args", reason: `the arguments must be an object { org, packageTypes?, details? }, got ${describeValue(options)}.` }];
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
    failures.push(...checkGlobs(options.details, "details"));
    return failures;
}

/** The registries an inventory lists, in the order GitHub's documentation names them (PACKAGE_TYPES). */
export function registriesOf(options: Pick<InventoryOptions, "packageTypes">): PackageType[] {
    return PACKAGE_TYPES.filter((type) => options.packageTypes === undefined || options.packageTypes.includes(type));
}
