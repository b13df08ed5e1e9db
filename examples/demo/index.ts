/**
 * The demo stack: the packages of one organization under Pulumi.
 * Run against the emulator with `npm start`; against GitHub, see the README ("Against real GitHub").
 */
import * as pulumi from "@pulumi/pulumi";
import { OrgPackage, PackageType } from "pulumi-github-packages";

const org = new pulumi.Config().get("org") ?? "acme";

/** Packages the organization publishes and this stack adopts. */
const published: Array<[PackageType, string]> = [
    ["npm", "widgets"],
    ["npm", "internal-utils"],
    ["container", "platform/api-gateway"],
    ["maven", "com.acme.billing"],
    ["rubygems", "acme-cli"],
    ["nuget", "Acme.Sdk"],
];

/** Adopted, and restored by `pulumi up --refresh` should one be deleted behind the stack's back (GitHub allows 30 days). */
const adopted = published.map(
    ([packageType, packageName]) =>
        new OrgPackage(`${packageType}-${packageName.replace(/\//g, "-")}`, { org, packageType, packageName, restoreIfDeleted: true }),
);

/** A retired service's image: the stack declares it gone, so `pulumi up` deletes it. */
const retired = new OrgPackage("docker-legacy-service", {
    org,
    packageType: "docker",
    packageName: "legacy-service",
    ensure: "absent",
});

/** A package deleted by mistake ten days ago: `pulumi up` restores it (GitHub allows 30 days). */
const restored = new OrgPackage("npm-old-dashboard", {
    org,
    packageType: "npm",
    packageName: "old-dashboard",
    restoreIfDeleted: true,
});

function summary(pkg: OrgPackage) {
    return {
        package: pulumi.interpolate`${pkg.packageType}/${pkg.packageName}`,
        status: pkg.status,
        lastAction: pkg.lastAction,
        visibility: pkg.visibility,
        versions: pkg.versionCount,
    };
}

/** What the stack manages, as `pulumi stack output packages` shows it. */
export const packages = [...adopted, retired, restored].map(summary);
