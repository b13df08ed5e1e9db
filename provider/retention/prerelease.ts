/**
 * Pre-releases as each registry spells them in the version names GitHub shows: npm and NuGet
 * follow semver (`1.2.0-beta.1`; NuGet also four-part `1.2.0.1-rc`), Maven marks them with a
 * qualifier (`1.0-SNAPSHOT`, `2.0.0-M1`, `1.1-rc-2`, `3.0.0.Beta1`), RubyGems with any letter in
 * the version (`2.0.0.pre`, `1.0.0.rc1`, `3.0.0.beta.2`). Read by `names.prereleaseOnly`.
 */
import semver from "semver";
import { PackageType } from "../shared/types";

/** Maven's pre-release qualifiers (ComparableVersion's: alpha, beta, milestone, rc/cr, snapshot), with their short forms followed by a number. */
const MAVEN_QUALIFIER = /^(?:alpha|beta|milestone|rc|cr|snapshot|preview|pre|dev|ea|(?:a|b|m)\d+)\d*$/i;

/** NuGet versions: two to four numbers, a `-` and a label (SemVer 2 or legacy `1.0.0-beta1`), optional build metadata. */
const NUGET_PRERELEASE = /^\d+(?:\.\d+){1,3}-[0-9A-Za-z][0-9A-Za-z.-]*(?:\+[0-9A-Za-z.-]+)?$/;

/** A RubyGems version (Gem::Version): numbers and letters separated by dots or dashes. */
const GEM_VERSION = /^[0-9]+(?:[.-]?[0-9A-Za-z]+)*$/;

/** The convention each registry names pre-releases by, in words, for reasons and docs. */
export const PRERELEASE_CONVENTIONS: Readonly<Record<PackageType, string>> = {
    npm: "a semver pre-release (1.2.0-beta.1)",
    nuget: "a NuGet pre-release (1.2.0-beta.1, 1.2.0-rc1)",
    maven: "a Maven pre-release qualifier (-SNAPSHOT, -alpha, -beta, -M1, -rc)",
    rubygems: "a RubyGems pre-release (a letter in the version: 2.0.0.pre, 1.0.0.rc1)",
    container: "a semver pre-release",
    docker: "a semver pre-release",
};

/** True when `name` is a pre-release by the convention of `packageType`'s registry. */
export function isPrerelease(packageType: PackageType, name: string): boolean {
    switch (packageType) {
        case "maven":
            return mavenPrerelease(name);
        case "nuget":
            return NUGET_PRERELEASE.test(name) || semverPrerelease(name);
        case "rubygems":
            return GEM_VERSION.test(name) && /[A-Za-z]/.test(name);
        default:
            return semverPrerelease(name);
    }
}

function semverPrerelease(name: string): boolean {
    const parsed = semver.parse(name);
    return parsed !== null && parsed.prerelease.length > 0;
}

/** A Maven version is a pre-release when one of its qualifiers (the parts after `-` or `.` that start with a letter) is. */
function mavenPrerelease(name: string): boolean {
    const parts = name.split(/[-.]/).filter((p) => p !== "");
    // The first part is the version's major number; only what follows can qualify it.
    return parts.slice(1).some((part) => /^[A-Za-z]/.test(part) && MAVEN_QUALIFIER.test(part));
}
