/**
 * Package keys and the globs that select packages by them: one syntax for cleanup's `keep`,
 * `include` and `exclude` lists, the provider's protect list, the policy pack's config and
 * every output.
 *
 * A key is `type/name` (`npm/app-web`, `container/platform/api-gateway`). A glob is matched
 * against the key when its first segment is a registry or a pattern (`npm/app-*`,
 * `{npm,maven}/legacy-*`); otherwise, where bare names are allowed, against the name alone
 * (`app-*`, `platform/*`). Lists that protect packages (`keep`, `exclude`) match a glob both
 * ways, so a container named `npm/tools` is kept by `npm/*` as well: keeping more is the safe
 * side. `*` stays within one `/` segment and `**` crosses them, so `container/platform/*`
 * matches `platform/api` but not `platform/api/v2`, and `container/platform/**` matches both.
 * Names compare case-insensitively, as GitHub looks packages up.
 *
 * A resource id is `org/type/name` (`packageId`): the id of an `OrgPackage` and of a retention.
 */
import picomatch from "picomatch";
import { describeValue } from "./validate";
import { PACKAGE_TYPES, PackageRef, PackageType } from "./types";

/** A package as a key names it: its registry and name. */
export type PackageKeyRef = Pick<PackageRef, "packageType" | "packageName">;

/** The key of a package: `type/name`. */
export function packageKey(ref: PackageKeyRef): string {
    return `${ref.packageType}/${ref.packageName}`;
}

/** Options of {@link packageMatcher} and {@link checkGlobs}. */
export interface MatcherOptions {
    /** Whether a glob without a registry segment matches the bare name (`keep`, `include`, `exclude`). Defaults to false. */
    bareNames?: boolean;
    /** Whether a `type/name` glob also matches the bare name (protective lists: `keep`, `exclude`). Implies `bareNames`. Defaults to false. */
    protective?: boolean;
}

/** One problem with a glob list: the property (`keep[2]`) and what to do. */
export interface GlobProblem {
    /** The list or list entry that is wrong, e.g. `keep[2]`. */
    property: string;
    /** What is wrong and how to fix it. */
    reason: string;
}

/** How picomatch reads every glob here: `.` is an ordinary character, case does not matter. */
const GLOB_OPTIONS = { dot: true, nocase: true } as const;

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
 * Checks a list of globs; each problem names `property` or `property[i]`. Refuses what would
 * silently match nothing or everything: malformed patterns (`[z-a]`, an unclosed `{`),
 * negations (`!x`), surrounding spaces and empty segments. Without `bareNames`, every glob
 * must name the registry (`npm/legacy-*`, `{npm,maven}/legacy-*`).
 */
export function checkGlobs(value: unknown, property: string, options: MatcherOptions = {}): GlobProblem[] {
    if (value === undefined) {
        return [];
    }
    const example = options.bareNames || options.protective ? `["npm/legacy-*", "platform/*"]` : `["npm/legacy-*"]`;
    if (!Array.isArray(value)) {
        const hint = typeof value === "string" ? ` Put a single glob in a list: [${JSON.stringify(value)}].` : "";
        return [{ property, reason: `${property} must be a list of globs such as ${example}, got ${describeValue(value)}.${hint}` }];
    }
    const problems: GlobProblem[] = [];
    value.forEach((glob, i) => {
        const reason = globProblem(glob, `${property}[${i}]`, options);
        if (reason) {
            problems.push({ property: `${property}[${i}]`, reason });
        }
    });
    return problems;
}

/** A predicate over packages built from globs (checked with {@link checkGlobs}); undefined when there are no globs. */
export function packageMatcher(globs: readonly string[] | undefined, options: MatcherOptions = {}): ((ref: PackageKeyRef) => boolean) | undefined {
    if (!globs || globs.length === 0) {
        return undefined;
    }
    const bare = options.bareNames || options.protective;
    const keyGlobs = globs.filter(isKeyGlob);
    const nameGlobs = options.protective ? [...globs] : bare ? globs.filter((g) => !isKeyGlob(g)) : [];
    const byKey = keyGlobs.length > 0 ? picomatch(keyGlobs, GLOB_OPTIONS) : () => false;
    const byName = nameGlobs.length > 0 ? picomatch(nameGlobs, GLOB_OPTIONS) : () => false;
    return (ref) => byKey(packageKey(ref)) || byName(ref.packageName);
}

/** The first glob of `globs` that matches the package, for messages; undefined when none does. */
export function firstMatch(globs: readonly string[], ref: PackageKeyRef, options: MatcherOptions = {}): string | undefined {
    return globs.find((glob) => packageMatcher([glob], options)?.(ref));
}

function globProblem(glob: unknown, property: string, options: MatcherOptions): string | undefined {
    if (typeof glob !== "string" || glob.trim() === "") {
        return `${property} must be a non-empty glob such as "npm/legacy-*", got ${describeValue(glob)}.`;
    }
    if (glob !== glob.trim()) {
        return `${property} ${JSON.stringify(glob)} has spaces around it, which no package name has; write ${JSON.stringify(glob.trim())}.`;
    }
    if (glob.startsWith("!")) {
        return `${property} ${JSON.stringify(glob)} is a negation, which would match every other package; list what to match instead (or use exclude).`;
    }
    if (glob.startsWith("/") || glob.endsWith("/") || glob.includes("//")) {
        return `${property} ${JSON.stringify(glob)} has an empty segment, so no package matches it; write type/name, e.g. "container/platform/*", without leading, trailing or doubled "/".`;
    }
    try {
        // strictBrackets and debug make picomatch throw where it would otherwise match nothing.
        picomatch.makeRe(glob, { ...GLOB_OPTIONS, strictBrackets: true, debug: true });
    } catch (error) {
        return `${property} ${JSON.stringify(glob)} is not a valid glob (${(error as Error).message}); escape literal brackets with "\\".`;
    }
    if (!options.bareNames && !options.protective && !isKeyGlob(glob)) {
        return `${property} ${JSON.stringify(glob)} does not name a registry; write it as type/name, e.g. "npm/${glob}" or "*/${glob}".`;
    }
    return undefined;
}

/** The resource id of a package: `org/type/name` (the name may itself contain `/`). */
export function packageId(ref: PackageRef): string {
    return `${ref.org}/${ref.packageType}/${ref.packageName}`;
}

/** Parses a resource id made by {@link packageId}. */
export function parsePackageId(id: string): PackageRef {
    const [org, packageType, ...name] = id.split("/");
    if (!org || !packageType || name.length === 0) {
        throw new Error(`"${id}" is not an OrgPackage id; ids look like org/type/name, e.g. acme/npm/widgets.`);
    }
    return { org, packageType: packageType as PackageRef["packageType"], packageName: name.join("/") };
}
