/**
 * Drift check: each "type/name" in the `packages` config becomes an OrgPackage, and those in
 * `private` also declare `expectedVisibility: "private"`. A scheduled CI job runs
 *
 *     pulumi preview --refresh --expect-no-changes --diff
 *
 * (see .github/workflows/drift-check.yml), which fails, showing the property and its old and
 * new values, when a package turned public, gained or lost versions, lost its repository
 * link, was deleted, or was replaced by another package under the name. `pulumi up` accepts
 * the drift as the new baseline, except a package that must stay private: that fails until
 * its visibility is fixed on GitHub.
 */
import * as pulumi from "@pulumi/pulumi";
import { OrgPackage, parsePackageKey } from "pulumi-github-packages";

const config = new pulumi.Config();
const org = config.require("org");
const mustStayPrivate = new Set(config.getObject<string[]>("private") ?? []);

export const watched = config.requireObject<string[]>("packages").map((entry) => {
    const pkg = new OrgPackage(entry.replace(/\//g, "-"), {
        org,
        ...parsePackageKey(entry),
        ...(mustStayPrivate.has(entry) ? { expectedVisibility: "private" as const } : {}),
    });
    return { entry, packageId: pkg.packageId, visibility: pkg.visibility, versions: pkg.versionCount, baseline: pkg.baseline };
});
