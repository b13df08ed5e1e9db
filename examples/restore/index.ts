/**
 * Two ways back for a deleted package. GitHub restores a package only within 30 days of its
 * deletion and only while no new package took its name.
 *
 * - Declarative: an OrgPackage with `restoreIfDeleted: true` is restored by `pulumi up`
 *   whenever it is missing, and stays under management.
 * - Explicit: `restoreOrgPackage` restores once, here guarded so that preview never restores.
 */
import * as pulumi from "@pulumi/pulumi";
import { OrgPackage, parsePackageKey, restoreOrgPackage } from "pulumi-github-packages";

const config = new pulumi.Config();
const org = config.require("org");

export const kept = config.requireObject<string[]>("keep").map((entry) => {
    const pkg = new OrgPackage(entry.replace(/\//g, "-"), { org, ...parsePackageKey(entry), restoreIfDeleted: true });
    return { entry, lastAction: pkg.lastAction, status: pkg.status };
});

/** Optional config `restoreNow`: packages ("type/name", JSON array) to restore once, explicitly, on `pulumi up`. */
export const restoredNow = pulumi.runtime.isDryRun()
    ? []
    : Promise.all(
          (config.getObject<string[]>("restoreNow") ?? []).map(async (entry) => {
              const pkg = await restoreOrgPackage({ org, ...parsePackageKey(entry) });
              return { entry, visibility: pkg.visibility, versions: pkg.versionCount };
          }),
      );
