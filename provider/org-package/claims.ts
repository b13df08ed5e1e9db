/**
 * The packages resources declare in this provider process, so one package has one owner.
 * The engine runs a whole deployment in one provider process and creates a renamed or
 * replaced resource before it deletes the old one: a package claimed `present` by one
 * resource is never deleted through another in the same run.
 */
import { PackageRef } from "../shared/types";

/** One resource's claim on a package: the GitHub id it manages and what it wants. */
export interface Claim {
    /** GitHub's id of the package the resource adopted. */
    packageId: number;
    /** The resource id of the claimant (`org/type/name`). */
    resourceId: string;
}

/** The packages claimed `present` in this process, by package. */
export class Claims {
    private readonly present = new Map<string, Claim>();

    /** Records that a resource keeps the package `packageId` present. */
    claim(ref: PackageRef, claim: Claim): void {
        this.present.set(key(ref), claim);
    }

    /** The claim on the package under `ref`'s name, if a resource kept it present in this process. */
    claimOf(ref: PackageRef): Claim | undefined {
        return this.present.get(key(ref));
    }
}

/** Organizations and names compare case-insensitively on GitHub. */
function key(ref: PackageRef): string {
    return `${ref.org}/${ref.packageType}/${ref.packageName}`.toLowerCase();
}
