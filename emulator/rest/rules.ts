/** GitHub's rules about deleting and restoring packages and versions, as pure functions of the state. */
import { GITHUB } from "./github";
import { PackageRecord, VersionRecord } from "../types";

/** The versions of `pkg` that are not deleted. */
export function activeVersions(pkg: PackageRecord): VersionRecord[] {
    return pkg.versions.filter((version) => version.deletedAt === undefined);
}

/** A public version downloaded more than 5,000 times cannot be deleted. */
export function isUndeletableVersion(pkg: PackageRecord, version: VersionRecord): boolean {
    return pkg.visibility === "public" && version.downloads > GITHUB.undeletableDownloads;
}

/** A public package any of whose versions was downloaded more than 5,000 times cannot be deleted. */
export function isUndeletablePackage(pkg: PackageRecord): boolean {
    return activeVersions(pkg).some((version) => isUndeletableVersion(pkg, version));
}

/** Whether something deleted at `deletedAt` can still be restored at `now` (within 30 days). */
export function withinRestoreWindow(deletedAt: number, now: number): boolean {
    return now - deletedAt <= GITHUB.restoreWindowMs;
}

/** The deleted packages among `deleted` that can still be restored at `now`. */
export function restorable(deleted: PackageRecord[], now: number): PackageRecord[] {
    return deleted.filter((pkg) => pkg.deletedAt !== undefined && withinRestoreWindow(pkg.deletedAt, now));
}
