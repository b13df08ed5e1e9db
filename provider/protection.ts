/**
 * The protect list the provider itself enforces: globs over `type/name` (syntax of
 * `keys.ts`) read from the stack config `github-packages:protect` and the environment
 * variable `GITHUB_PACKAGES_PROTECT`. Every delete the provider makes is checked against it,
 * whatever the program says or no longer says; an unreadable list refuses every delete.
 */
import { CONFIG_NAMESPACE, ConfigLookup } from "./config";
import { checkGlobs, firstMatch, packageKey } from "./keys";
import { PackageRef } from "./types";

/** The config key (under {@link CONFIG_NAMESPACE}) and environment variable of the protect list. */
export const PROTECT_SOURCES = { key: "protect", env: "GITHUB_PACKAGES_PROTECT" } as const;

/** Why a delete was refused: the package is protected, or the protect list cannot be read. */
export class ProtectedPackageError extends Error {
    override readonly name = "ProtectedPackageError";
}

/** The protect list of the stack config and the environment, together; throws when either is malformed. */
export function protectedGlobs(lookup: ConfigLookup, env: NodeJS.ProcessEnv = process.env): string[] {
    return [
        ...parse(lookup(PROTECT_SOURCES.key), `${CONFIG_NAMESPACE}:${PROTECT_SOURCES.key}`),
        ...parse(env[PROTECT_SOURCES.env], PROTECT_SOURCES.env),
    ];
}

/**
 * Throws unless the package may be deleted: not matched by the protect list, and the list
 * readable. `action` says what was about to happen, for the message.
 */
export function assertDeletable(ref: PackageRef, lookup: ConfigLookup, action: string, env: NodeJS.ProcessEnv = process.env): void {
    let globs: string[];
    try {
        globs = protectedGlobs(lookup, env);
    } catch (error) {
        throw new ProtectedPackageError(`Refusing to ${action} ${describeRef(ref)}: ${(error as Error).message} Fix the protect list; nothing was deleted.`);
    }
    const glob = firstMatch(globs, ref);
    if (glob !== undefined) {
        throw new ProtectedPackageError(
            `Refusing to ${action} ${describeRef(ref)}: it is protected by "${glob}" in ${CONFIG_NAMESPACE}:${PROTECT_SOURCES.key} ` +
                `(or ${PROTECT_SOURCES.env}); nothing was deleted. To let the stack forget it without deleting it, set ` +
                `deleteOnDestroy: false (and ensure: "present") and run pulumi up first; to delete it, remove it from the protect list.`,
        );
    }
}

function parse(text: string | undefined, source: string): string[] {
    if (text === undefined || text.trim() === "") {
        return [];
    }
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch {
        throw new Error(`${source} must be a JSON list of globs over type/name, such as ["npm/app-*", "container/platform/**"].`);
    }
    const problems = checkGlobs(value, source);
    if (problems.length > 0) {
        throw new Error(problems.map((p) => p.reason).join(" "));
    }
    return value as string[];
}

function describeRef(ref: PackageRef): string {
    return `package ${ref.org}/${packageKey(ref)}`;
}
