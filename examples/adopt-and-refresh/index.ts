/**
 * Adopt existing packages: each "type/name" in the `packages` config becomes an OrgPackage.
 * `pulumi up` adopts them (no API writes); `pulumi refresh` then shows visibility flips,
 * new versions and packages deleted outside Pulumi.
 */
import * as pulumi from "@pulumi/pulumi";
import { OrgPackage, PACKAGE_TYPES, PackageType } from "pulumi-github-packages";

const config = new pulumi.Config();
const org = config.require("org");

function parse(entry: string): { packageType: PackageType; packageName: string } {
    const [packageType, ...name] = entry.split("/");
    if (!PACKAGE_TYPES.includes(packageType as PackageType) || name.length === 0) {
        throw new Error(`packages: "${entry}" is not "type/name" with a type of ${PACKAGE_TYPES.join(", ")}.`);
    }
    return { packageType: packageType as PackageType, packageName: name.join("/") };
}

export const packages = config.requireObject<string[]>("packages").map((entry) => {
    const pkg = new OrgPackage(entry.replace(/\//g, "-"), { org, ...parse(entry) });
    return { entry, visibility: pkg.visibility, versions: pkg.versionCount, repository: pkg.repository, updatedAt: pkg.updatedAt };
});
