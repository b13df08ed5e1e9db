/**
 * Package keys and the globs that select packages by them: one syntax for cleanup's `keep`
 * lists, the provider's protect list, the policy pack's config and every output.
 *
 * A key is `type/name` (`npm/app-web`, `container/platform/api-gateway`). A glob is matched
 * against the key when its first segment is a registry or a pattern (`npm/app-*`,
 * `{npm,maven}/legacy-*`); otherwise, where bare names are allowed (`keep`), against the name alone
 * (`app-*`, `platform/*`). `*` stays within one `/` segment and `**` crosses them, so
 * `container/platform/*` matches `platform/api` but not `platform/api/v2`, and
 * `container/platform/**` matches both. Names compare case-insensitively, as GitHub looks
 * packages up.
 */
import picomatch from "picomatch";
import { PACKAGE_TYPES, PackageRef, PackageType } from "./types";

/** A package as a key names it: its registry and name. */
export type PackageKeyRef = Pick<PackageRef, "packageType" | "packageName">;

/** The key of a package: `type/name`. */
export function packageKey(ref: PackageKeyRef): string {
    return `${ref.packageType}/${ref.packageName}`;
}

/** Options of {@link packageMatcher}. */
export interface MatcherOptions {
    /** Whether a glob without a registry segment matches the bare name (as `keep` allows). Defaults to false. */
    bareNames?: boolean;
}

/** True when the glob's first segment names a registry or is itself a pattern, so it matches `type/name`. */
export function isKeyGlob(glob: string): boolean {
    const slash = glob.indexOf("/");
    if (slash <= 0) {
        return false;
    }
    const first = glob.slice(0, slash);
    return PACKAGE_TYPES.includes(first.toLowerCase() as PackageType) || picomatch.scan(first).isGlob;
}

/**
 * Checks a list of globs; each problem names `property[i]`. Without `bareNames`, every glob
 * must name the registry (`npm/legacy-*`, `{npm,maven}/legacy-*`).
 */
export function checkGlobs(value: unknown, property: string, options: MatcherOptions = {}): string[] {
    if (value === undefined) {
        return [];
    }
    if (!Array.isArray(value)) {
        return [`${property} must be a list of globs such as ["npm/legacy-*"], got ${JSON.stringify(value)}.`];
    }
    const problems: string[] = [];
    value.forEach((glob, i) => {
        if (typeof glob !== "string" || glob.trim() === "") {
            problems.push(`${property}[${i}] must be a non-empty glob, got ${JSON.stringify(glob)}.`);
        } else if (!options.bareNames && !isKeyGlob(glob)) {
            problems.push(
                `${property}[${i}] "${glob}" does not name a registry; write it as type/name, e.g. "npm/${glob}" or "*/${glob}".`,
            );
        }
    });
    return problems;
}

/** A predicate over packages built from globs; undefined when there are no globs. */
export function packageMatcher(globs: readonly string[] | undefined, options: MatcherOptions = {}): ((ref: PackageKeyRef) => boolean) | undefined {
    if (!globs || globs.length === 0) {
        return undefined;
    }
    const keyGlobs = globs.filter(isKeyGlob);
    const nameGlobs = options.bareNames ? globs.filter((g) => !isKeyGlob(g)) : [];
    const byKey = keyGlobs.length > 0 ? picomatch(keyGlobs, { dot: true, nocase: true }) : () => false;
    const byName = nameGlobs.length > 0 ? picomatch(nameGlobs, { dot: true, nocase: true }) : () => false;
    return (ref) => byKey(packageKey(ref)) || byName(ref.packageName);
}

/** The first glob of `globs` that matches the package, for messages; undefined when none does. */
export function firstMatch(globs: readonly string[], ref: PackageKeyRef, options: MatcherOptions = {}): string | undefined {
    return globs.find((glob) => packageMatcher([glob], options)?.(ref));
}
