/**
 * Two ways back for a deleted package. GitHub restores a package only within 30 days of its
 * deletion and only while no new package took its name.
 *
 * - Declarative: an OrgPackage with `restoreIfDeleted: true` is restored by `pulumi up`
 *   whenever it is missing, and stays under management.
 * - Explicit: `restoreOrgPackage` restores once, here guarded so that preview never restores.
 */
import * as pulumi from "@pulumi/pulumi";
import { OrgPackage, PACKAGE_TYPES, PackageType, restoreOrgPackage } from "pulumi-github-packages";

const config = new pulumi.Config();
const org = config.require("org");

function parse(entry: string): { packageType: PackageType; packageName: string } {
    const [packageType, ...name] = entry.split("/");
    if (!PACKAGE_TYPES.includes(packageType as PackageType) || name.length === 0) {
        throw new Error(`"${entry}" is not "type/name" with a type of ${PACKAGE_TYPES.join(", ")}.`);
    }
    return { packageType: packageType as PackageType, packageName: name.join("/") };
}

export const kept = config.requireObject<string[]>("keep").map((entry) => {
    const pkg = new OrgPackage(entry.replace(/\//g, "-"), { org, ...parse(entry), restoreIfDeleted: true });
    return { entry, lastAction: pkg.lastAction, status: pkg.status };
});

/** Optional config `restoreNow`: packages ("type/name", JSON array) to restore once, explicitly, on `pulumi up`. */
export const restoredNow = pulumi.runtime.isDryRun()
    ? []
    : Promise.all(
          (config.getObject<string[]>("restoreNow") ?? []).map(async (entry) => {
              const pkg = await restoreOrgPackage({ org, ...parse(entry) });
              return { entry, visibility: pkg.visibility, versions: pkg.versionCount };
          }),
      );
