/**
 * Input validation, before any API call: the `OrgPackage` inputs the provider's `check` sees,
 * the functions' arguments, and the shared checks (unknown fields with the nearest known name,
 * values quoted with their type) that cleanup policies use too.
 */
import { closest } from "fastest-levenshtein";
import {
    ENSURES,
    ListOptions,
    OrgPackageInputs,
    OrgPackageSettings,
    STORED_FIELDS,
    PACKAGE_TYPES,
    PackageRef,
    PackageType,
    UNDELETABLE_ACTIONS,
    VISIBILITIES,
} from "./types";

/** The value Pulumi passes for inputs that are not known yet (during preview). */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

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

/**
 * The inputs an `OrgPackage` takes; `check` refuses any other name. Add a new input here (the
 * compiler insists, through {@link OrgPackageInputs}) and type-check it in {@link checkInputs}.
 */
export const ORG_PACKAGE_INPUTS = [
    "org",
    "packageType",
    "packageName",
    "ensure",
    "restoreIfDeleted",
    "deleteOnDestroy",
    "onUndeletable",
    "reason",
    "expectedVisibility",
    "watchVersions",
] as const satisfies readonly (keyof OrgPackageInputs)[];

/** Fails to compile when an input of {@link OrgPackageInputs} is missing from {@link ORG_PACKAGE_INPUTS}. */
type UnlistedInput = Exclude<keyof OrgPackageInputs, (typeof ORG_PACKAGE_INPUTS)[number]>;
const everyInputListed: [UnlistedInput] extends [never] ? true : UnlistedInput = true;
void everyInputListed;

/**
 * The outputs the SDK registers as undefined inputs (so the engine knows their names); `check`
 * ignores them while undefined, and refuses a value for one.
 */
export const ORG_PACKAGE_OUTPUTS = [...STORED_FIELDS, "status", "statusReason", "lastAction", "baseline"] as const;

/** The options of a list call; any other is refused. */
const LIST_OPTIONS = ["org", "packageType", "visibility"] as const satisfies readonly (keyof ListOptions)[];

/** The serialized provider the engine adds to a dynamic resource's inputs. */
const SERIALIZED_PROVIDER = "__provider";

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
    failures.push(...checkOrg(org, `${prefix}org`));
    failures.push(...checkPackageType(packageType, prefix));
    if (typeof packageName !== "string" || packageName === "") {
        const need = packageName === undefined || packageName === "" ? "is required" : "must be text";
        failures.push({ property: `${prefix}packageName`, reason: `packageName ${need}: the package's name as GitHub shows it, got ${describeValue(packageName)}.` });
    } else {
        const reason = packageNameProblem(packageName, packageType);
        if (reason) {
            failures.push({ property: `${prefix}packageName`, reason });
        }
    }
    return failures;
}

/** Checks an organization login; the failure names `property`. */
export function checkOrg(org: unknown, property = "org"): InputFailure[] {
    return typeof org === "string" && LOGIN.test(org)
        ? []
        : [
              {
                  property,
                  reason: `${property} must be a GitHub organization login (letters, digits and single hyphens, at most 39 characters), got ${describeValue(org)}.`,
              },
          ];
}

/** Checks a package type; property names are prefixed with `prefix`. */
export function checkPackageType(packageType: unknown, prefix = ""): InputFailure[] {
    return oneOf(packageType, PACKAGE_TYPES, `${prefix}packageType`, true);
}

/**
 * Checks every input of an `OrgPackage`: unknown names (with the nearest known one), types and
 * values. The engine's `__provider` and the output names the SDK passes as undefined are not
 * the user's and pass.
 */
export function checkInputs(input: Partial<Record<keyof OrgPackageInputs, unknown>>): InputFailure[] {
    const outputs: readonly string[] = ORG_PACKAGE_OUTPUTS;
    const extras = Object.entries(input).filter(([key, value]) => key !== SERIALIZED_PROVIDER && !(outputs.includes(key) && (value === undefined || value === null)));
    return [
        ...unknownFields(Object.fromEntries(extras), ORG_PACKAGE_INPUTS, "", "an OrgPackage input").map((failure) =>
            outputs.includes(failure.property)
                ? { property: failure.property, reason: `${failure.property} is an output of OrgPackage, set by the provider; remove it from the inputs.` }
                : failure,
        ),
        ...checkRef(input),
        ...oneOf(input.ensure, ENSURES, "ensure", false),
        ...oneOf(input.onUndeletable, UNDELETABLE_ACTIONS, "onUndeletable", false),
        ...oneOf(input.expectedVisibility, VISIBILITIES, "expectedVisibility", false),
        ...checkFlag(input.restoreIfDeleted, "restoreIfDeleted"),
        ...checkFlag(input.deleteOnDestroy, "deleteOnDestroy"),
        ...checkFlag(input.watchVersions, "watchVersions"),
        ...(input.reason === undefined || typeof input.reason === "string"
            ? []
            : [{ property: "reason", reason: `reason must be text, got ${describeValue(input.reason)}.` }]),
    ];
}

/** Checks the options of a list call. */
export function checkListOptions(input: Partial<Record<keyof ListOptions, unknown>>): InputFailure[] {
    return [
        ...unknownFields(input, LIST_OPTIONS, "", "an argument of listOrgPackages"),
        ...checkOrg(input.org),
        ...checkPackageType(input.packageType),
        ...oneOf(input.visibility, VISIBILITIES, "visibility", false),
    ];
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
        // Only when off: state written before the input existed (or with it on) compares equal.
        ...(input.watchVersions === false ? { watchVersions: false } : {}),
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

/**
 * Throws one error listing every failure, one a line, for callers outside the engine's check
 * (functions, components, scripts). `as` makes the error (the SDK passes Pulumi's RunError, which
 * the engine prints without stack frames).
 */
export function assertValid(failures: InputFailure[], what: string, as: new (message: string) => Error = Error): void {
    if (failures.length > 0) {
        const count = failures.length === 1 ? "1 problem" : `${failures.length} problems`;
        throw new as(`Invalid ${what} (${count}), nothing was called:\n${failures.map((f) => `  - ${f.reason.startsWith(f.property) ? "" : `${f.property}: `}${f.reason}`).join("\n")}`);
    }
}

/**
 * Refuses the fields of `input` not in `known`, naming the nearest known field and all of them.
 * @param input The object whose field names are checked.
 * @param known The field names allowed.
 * @param prefix Prepended to each property, e.g. `rules[1].`.
 * @param what What a known field is, for the message, e.g. `a cleanup rule field`.
 */
export function unknownFields(input: object, known: readonly string[], prefix: string, what: string): InputFailure[] {
    return Object.keys(input)
        .filter((key) => !known.includes(key))
        .map((key) => ({
            property: `${prefix}${key}`,
            reason:
                `${prefix}${key} is not ${what}; did you mean "${closest(key, known as string[])}"? ` +
                `Known fields: ${known.join(", ")}.`,
        }));
}

/** True when `value` is a plain object (not null, not a list). */
export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Checks an optional field that must be true or false. */
export function checkFlag(value: unknown, property: string): InputFailure[] {
    return value === undefined || typeof value === "boolean"
        ? []
        : [{ property, reason: `${property} must be true or false, got ${describeValue(value)}.` }];
}

/**
 * A value as error messages quote it: JSON with its type (`"5" (a string)`, `5 (a number)`),
 * shortened, and with anything that looks like a GitHub token redacted.
 */
export function describeValue(value: unknown): string {
    if (value === undefined) {
        return "nothing";
    }
    if (value === null) {
        return "null";
    }
    if (typeof value === "object" && (value as Record<string, unknown>).__pulumiOutput === true) {
        return "a Pulumi Output (this needs a plain value)";
    }
    const kind = Array.isArray(value) ? "a list" : typeof value === "object" ? "an object" : `a ${typeof value}`;
    let text: string;
    try {
        text = JSON.stringify(value) ?? String(value);
    } catch {
        text = String(value);
    }
    text = text.replace(TOKEN_LIKE, "[redacted]");
    return `${text.length > 80 ? `${text.slice(0, 77)}...` : text} (${kind})`;
}

/** GitHub token formats: classic, OAuth, user-to-server, server-to-server, refresh and fine-grained. */
const TOKEN_LIKE = /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g;

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
        if (packageType === "maven" && /^[^:]+:[^:]+$/.test(segment)) {
            return `packageName "${name}" is written groupId:artifactId; GitHub names a maven package groupId.artifactId: "${segment.replace(":", ".")}".`;
        }
        if (!NAME_SEGMENT.test(segment)) {
            return `packageName "${name}" may only contain letters, digits, ".", "_", "-"${packageType === "container" ? ' and "/"' : ""}; do not URL-encode it.`;
        }
    }
    return undefined;
}

/** Checks a value that must be one of `allowed`; optional unless `required`. */
export function oneOf(value: unknown, allowed: readonly string[], property: string, required: boolean): InputFailure[] {
    if (value === undefined && !required) {
        return [];
    }
    if (typeof value === "string" && allowed.includes(value)) {
        return [];
    }
    return [{ property, reason: `${property} must be one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${describeValue(value)}.` }];
}
