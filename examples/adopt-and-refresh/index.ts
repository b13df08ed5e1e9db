/**
 * Adopt existing packages: each "type/name" in the `packages` config becomes an OrgPackage.
 * `pulumi up` adopts them (no API writes); `pulumi refresh` then shows visibility flips,
 * new versions and packages deleted outside Pulumi.
 */
import * as pulumi from "@pulumi/pulumi";
import { OrgPackage, parsePackageKey } from "pulumi-github-packages";

const config = new pulumi.Config();
const org = config.require("org");

export const packages = config.requireObject<string[]>("packages").map((entry) => {
    const pkg = new OrgPackage(entry.replace(/\//g, "-"), { org, ...parsePackageKey(entry) });
    return { entry, visibility: pkg.visibility, versions: pkg.versionCount, repository: pkg.repository, updatedAt: pkg.updatedAt };
});
