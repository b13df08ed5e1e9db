import {
    ENSURES,
    ListOptions,
    OrgPackageInputs,
    OrgPackageSettings,
    PACKAGE_TYPES,
    PackageRef,
    PackageType,
    UNDELETABLE_ACTIONS,
    VISIBILITIES,
} from "./types";

/** One invalid input: the property and what is wrong with it. */
export interface InputFailure {
    /** The input property that is wrong. */
    property: string;
    /** What is wrong and what to do. */
    reason: string;
}

/** A GitHub login: letters, digits and single inner hyphens, at most 39 characters. */
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

/** The characters GitHub Packages allows in one segment of a package name. */
const NAME_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

const MAX_NAME_LENGTH = 255;

/** The defaults applied to optional inputs. */
export const INPUT_DEFAULTS = {
    ensure: "present",
    restoreIfDeleted: false,
    deleteOnDestroy: false,
    onUndeletable: "fail",
    reason: "",
} as const satisfies Partial<OrgPackageInputs>;

/** Checks the identifying inputs; property names are prefixed with `prefix` (e.g. `rules[0].`). */
export function checkRef(input: Partial<Record<keyof PackageRef, unknown>>, prefix = ""): InputFailure[] {
    const failures: InputFailure[] = [];
    const { org, packageType, packageName } = input;
    if (typeof org !== "string" || !LOGIN.test(org)) {
        failures.push({
            property: `${prefix}org`,
            reason: `org must be a GitHub organization login (letters, digits and single hyphens, at most 39 characters), got ${show(org)}.`,
        });
    }
    failures.push(...checkPackageType(packageType, prefix));
    if (typeof packageName !== "string" || packageName === "") {
        failures.push({ property: `${prefix}packageName`, reason: `packageName is required, got ${show(packageName)}.` });
    } else {
        const reason = packageNameProblem(packageName, packageType);
        if (reason) {
            failures.push({ property: `${prefix}packageName`, reason });
        }
    }
    return failures;
}

/** Checks a package type; property names are prefixed with `prefix`. */
export function checkPackageType(packageType: unknown, prefix = ""): InputFailure[] {
    return oneOf(packageType, PACKAGE_TYPES, `${prefix}packageType`, true);
}

/** Checks every input of an `OrgPackage`. */
export function checkInputs(input: Partial<Record<keyof OrgPackageInputs, unknown>>): InputFailure[] {
    return [
        ...checkRef(input),
        ...oneOf(input.ensure, ENSURES, "ensure", false),
        ...oneOf(input.onUndeletable, UNDELETABLE_ACTIONS, "onUndeletable", false),
        ...oneOf(input.expectedVisibility, VISIBILITIES, "expectedVisibility", false),
        ...flag(input.restoreIfDeleted, "restoreIfDeleted"),
        ...flag(input.deleteOnDestroy, "deleteOnDestroy"),
        ...(input.reason === undefined || typeof input.reason === "string"
            ? []
            : [{ property: "reason", reason: `reason must be text, got ${show(input.reason)}.` }]),
    ];
}

/** Checks the options of a list call. */
export function checkListOptions(input: Partial<Record<keyof ListOptions, unknown>>): InputFailure[] {
    const failures: InputFailure[] = [];
    if (typeof input.org !== "string" || !LOGIN.test(input.org)) {
        failures.push({ property: "org", reason: `org must be a GitHub organization login, got ${show(input.org)}.` });
    }
    return [...failures, ...checkPackageType(input.packageType), ...oneOf(input.visibility, VISIBILITIES, "visibility", false)];
}

/** Applies {@link INPUT_DEFAULTS} to valid inputs. */
export function withDefaults(input: OrgPackageInputs): OrgPackageSettings {
    return {
        ...(input.expectedVisibility === undefined ? {} : { expectedVisibility: input.expectedVisibility }),
        org: input.org,
        packageType: input.packageType,
        packageName: input.packageName,
        ensure: input.ensure ?? INPUT_DEFAULTS.ensure,
        restoreIfDeleted: input.restoreIfDeleted ?? INPUT_DEFAULTS.restoreIfDeleted,
        deleteOnDestroy: input.deleteOnDestroy ?? INPUT_DEFAULTS.deleteOnDestroy,
        onUndeletable: input.onUndeletable ?? INPUT_DEFAULTS.onUndeletable,
        reason: input.reason ?? INPUT_DEFAULTS.reason,
    };
}

/**
 * Parses a package key, `type/name` (e.g. `container/platform/api-gateway`), the form cleanup
 * results and the policy pack use. Throws when the type is not a registry or the
 * name is missing.
 */
export function parsePackageKey(key: string): Pick<PackageRef, "packageType" | "packageName"> {
    const [packageType, ...rest] = key.split("/");
    const packageName = rest.join("/");
    if (!PACKAGE_TYPES.includes(packageType as PackageType) || packageName === "") {
        throw new Error(`"${key}" is not a package key "type/name" with a type of ${PACKAGE_TYPES.join(", ")}, e.g. "npm/widgets".`);
    }
    return { packageType: packageType as PackageType, packageName };
}

/** Throws one error listing every failure, for callers outside the engine's check (functions, scripts). */
export function assertValid(failures: InputFailure[], what: string): void {
    if (failures.length > 0) {
        throw new Error(`Invalid ${what}: ${failures.map((f) => `${f.property}: ${f.reason}`).join(" ")}`);
    }
}

function packageNameProblem(name: string, packageType: unknown): string | undefined {
    if (name.length > MAX_NAME_LENGTH) {
        return `packageName is longer than ${MAX_NAME_LENGTH} characters.`;
    }
    const segments = name.split("/");
    if (segments.length > 1 && packageType !== "container") {
        return `packageName "${name}" contains "/", which only container package names may; use the name GitHub shows for the package.`;
    }
    for (const segment of segments) {
        if (segment === "" || segment === "." || segment === "..") {
            return `packageName "${name}" has an empty, "." or ".." segment; give the package's name as GitHub shows it, without leading, trailing or doubled "/".`;
        }
        if (!NAME_SEGMENT.test(segment)) {
            return `packageName "${name}" may only contain letters, digits, ".", "_", "-"${packageType === "container" ? ' and "/"' : ""}; do not URL-encode it.`;
        }
    }
    return undefined;
}

function oneOf(value: unknown, allowed: readonly string[], property: string, required: boolean): InputFailure[] {
    if (value === undefined && !required) {
        return [];
    }
    if (typeof value === "string" && allowed.includes(value)) {
        return [];
    }
    return [{ property, reason: `${property} must be one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${show(value)}.` }];
}

function flag(value: unknown, property: string): InputFailure[] {
    return value === undefined || typeof value === "boolean"
        ? []
        : [{ property, reason: `${property} must be true or false, got ${show(value)}.` }];
}

function show(value: unknown): string {
    return value === undefined ? "nothing" : JSON.stringify(value);
}
