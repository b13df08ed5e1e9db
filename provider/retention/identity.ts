/**
 * Which package holds the retention's name now. A retention applies its policy by name, but
 * GitHub restores a version only in the package it was deleted from. When the name holds another
 * package than the one the resource last saw (deleted and published again out of band, or
 * deleted whole by `lastVersion: "delete-package"` and restored by hand), the records of the old
 * package keep its id, so that `restore` leaves or refuses them with the cause instead of asking
 * GitHub for versions of another package.
 */
import { PackagesApi } from "../github/packages";
import { capitalize, describe } from "../shared/messages";
import type { PackageRef } from "../shared/types";
import { RetentionSession } from "./session";
import { DeletedVersionRecord, refOf, VersionRetentionState } from "./state";

/** GitHub's id of the package that holds the name of `ref` now; null when none does. */
export async function currentPackageId(session: RetentionSession, ref: PackageRef): Promise<number | null> {
    return (await new PackagesApi(session.github()).get(refOf(ref)))?.packageId ?? null;
}

/**
 * Makes `state` follow the package that holds the name now (`current`): the records of the one
 * it saw before keep that package's id, and a replacement is said in the log once.
 */
export function followPackage(ref: PackageRef, state: VersionRetentionState, current: number | null): void {
    const before = state.packageId;
    if (before === current) {
        return;
    }
    // The records without a package id were the package `before`'s: they keep its id from now on.
    const unmarked = before === null ? 0 : state.deleted.filter((r) => r.packageId === undefined).length;
    state.deleted = state.deleted.map((r) => (r.packageId === undefined && before !== null ? { ...r, packageId: before } : r));
    state.packageId = current;
    if (before !== null && current !== null) {
        console.warn(
            `${capitalize(describe({ operation: "read", ...refOf(ref) }))} is another package than at the last run (GitHub id ${current}, was ${before}: ` +
                `deleted and published again out of band). The policy applies to the new package` +
                (unmarked > 0 ? `; the ${unmarked} versions this resource deleted from package ${before} are not restored by it (${restoreCall(ref, before)} brings that package back).` : "."),
        );
    }
}

/** Whether `record` is a version of the package that holds the name now (`current`). */
export function ofPackage(record: DeletedVersionRecord, state: Pick<VersionRetentionState, "packageId">, current: number | null): boolean {
    return current !== null && (record.packageId ?? state.packageId) === current;
}

/** The `restoreOrgPackage` call that brings package `packageId` back under the name of `ref`. */
export function restoreCall(ref: PackageRef, packageId: number): string {
    return `restoreOrgPackage({ org: "${ref.org}", packageType: "${ref.packageType}", packageName: "${ref.packageName}", packageId: ${packageId} })`;
}
