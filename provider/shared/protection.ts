/**
 * The protect list the provider itself enforces: globs over `type/name` (syntax of
 * `keys.ts`) from the stack config `github-packages:protect` and the environment variable
 * `GITHUB_PACKAGES_PROTECT`, together. Every delete the provider makes is checked against it,
 * whatever the program says or no longer says; an unreadable list refuses every delete.
 */
import { UserError } from "./messages";
import { CONFIG_NAMESPACE, ConfigLookup, parseProtectList, PROTECT_ENV, PROTECT_KEY } from "./config";
import { firstMatch, packageKey } from "./keys";
import { PackageRef } from "./types";

/** Why a delete was refused: the package is protected, or the protect list cannot be read. */
export class ProtectedPackageError extends UserError {
    override readonly name = "ProtectedPackageError";
}

/** The protect list of the stack config and the environment, together; throws a ConfigError when either is malformed. */
export function protectedGlobs(lookup: ConfigLookup, env: NodeJS.ProcessEnv = process.env): string[] {
    return [...parseProtectList(lookup(PROTECT_KEY)), ...parseProtectList(env[PROTECT_ENV])];
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
            `Refusing to ${action} ${describeRef(ref)}: it is protected by "${glob}" in ${CONFIG_NAMESPACE}:${PROTECT_KEY} ` +
                `(or ${PROTECT_ENV}); nothing was deleted. To let the stack forget it without deleting it, set ` +
                `deleteOnDestroy: false (and ensure: "present") and run pulumi up first; to delete it, remove it from the protect list.`,
        );
    }
}

function describeRef(ref: PackageRef): string {
    return `package ${ref.org}/${packageKey(ref)}`;
}
