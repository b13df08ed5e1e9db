/**
 * What a 404 means. GitHub answers 404 both for a package that does not exist and for an
 * organization the token cannot see (a typo, another organization's token, missing SSO
 * authorization). A 404 on a package means gone only when the token can list that
 * organization's packages of the type; otherwise the call fails and nothing is recorded.
 */
import { describe, UserError } from "../shared/messages";
import { PackagesApi } from "./packages";
import { PackageRef, PackageType } from "../shared/types";

/** A 404 the provider refuses to read as "gone": the token cannot see the organization's packages. */
export class InvisibleOrganizationError extends UserError {
    override readonly name = "InvisibleOrganizationError";
}

/** Remembers, per process, which organizations' registries the token was seen to list. */
export class OrgAccess {
    private readonly visible = new Map<string, Promise<boolean>>();

    constructor(private readonly api: PackagesApi) {}

    /** Whether the token can list the packages of `packageType` in `org`; a success is remembered, a refusal asked again. */
    async canSee(org: string, packageType: PackageType): Promise<boolean> {
        const key = `${org.toLowerCase()}/${packageType}`;
        let answer = this.visible.get(key);
        if (!answer) {
            answer = this.api.canList(org, packageType);
            this.visible.set(key, answer);
            answer.then(
                (ok) => ok || this.visible.delete(key),
                () => this.visible.delete(key),
            );
        }
        return answer;
    }

    /**
     * Throws {@link InvisibleOrganizationError} unless a 404 for `ref` can mean the package
     * is gone. `operation` names what was being done, for the message.
     */
    async assertGone(ref: PackageRef, operation: "read" | "delete" | "restore"): Promise<void> {
        if (await this.canSee(ref.org, ref.packageType)) {
            return;
        }
        throw new InvisibleOrganizationError(
            `GitHub answers 404 for ${describe({ operation, ...ref })}, and the token cannot list the ${ref.packageType} packages of ` +
                `"${ref.org}" either, so the provider cannot tell whether the package exists. Check the organization name ("${ref.org}"), ` +
                `that the token belongs to a member with access to the organization's packages and has read:packages, and, for an ` +
                `organization with SAML SSO, that the token is authorized for it. A GitHub App installation token (Actions' GITHUB_TOKEN) can never list, ` +
                `so with one the provider cannot tell a deleted package from one its repository may not see: check the name, or use a personal access token (classic) with read:packages. inspectToken({ org: "${ref.org}" }) tells what the token can see. Nothing was changed in state.`,
        );
    }
}
