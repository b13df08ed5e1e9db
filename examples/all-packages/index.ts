/**
 * Every package of an organization under management: listOrgPackages (all pages) finds
 * them, and each one becomes an OrgPackage. A package published later joins on the next
 * `pulumi up`; one deleted outside Pulumi leaves state on `pulumi refresh`.
 */
import * as pulumi from "@pulumi/pulumi";
import { listOrgPackages, OrgPackage, PACKAGE_TYPES, PackageType } from "pulumi-github-packages";

const config = new pulumi.Config();
const org = config.require("org");
/** Optional config `packageTypes`: the registries to list (JSON array); all six when unset. */
const packageTypes = config.getObject<PackageType[]>("packageTypes") ?? [...PACKAGE_TYPES];

async function manageAll() {
    const found = (await Promise.all(packageTypes.map((packageType) => listOrgPackages({ org, packageType })))).flat();
    return found.map((p) => {
        const pkg = new OrgPackage(`${p.packageType}-${p.packageName.replace(/\//g, "-")}`, {
            org,
            packageType: p.packageType,
            packageName: p.packageName,
        });
        return { package: `${p.packageType}/${p.packageName}`, visibility: pkg.visibility, versions: pkg.versionCount };
    });
}

export const packages = pulumi.output(manageAll());
