/** The SDK's functions: get, list and restore organization packages from a Pulumi program or script. */
import * as pulumi from "@pulumi/pulumi";
import { assertValid, checkListOptions, checkRef, CONFIG_NAMESPACE, ConfigLookup, packagesApi } from "../provider";
import type { ListOptions, PackageFields, PackageRef, PackageType, Visibility } from "../provider/types";

/** A package as the functions return it: its reference and GitHub's fields. */
export interface OrgPackageInfo extends PackageRef, PackageFields {}

/** The arguments of {@link getOrgPackage}. */
export interface GetOrgPackageArgs {
    /** The organization's login. */
    org: string;
    /** The registry. */
    packageType: PackageType;
    /** The package's name. */
    packageName: string;
}

/** The arguments of {@link listOrgPackages}. */
export interface ListOrgPackagesArgs {
    /** The organization's login. */
    org: string;
    /** The registry to list. */
    packageType: PackageType;
    /** Only packages with this visibility; all when omitted. */
    visibility?: Visibility;
}

/** The arguments of {@link restoreOrgPackage}. */
export interface RestoreOrgPackageArgs extends GetOrgPackageArgs {
    /** The package token GitHub's restore endpoint accepts, when one is needed. */
    token?: string;
}

/** Reads `github-packages:*` from the stack's config in a Pulumi program; nothing outside one. */
function stackConfig(): ConfigLookup {
    // runtime.getConfig reads secrets without the plaintext warning of Config.get; the value stays in memory.
    return (key) => pulumi.runtime.getConfig(`${CONFIG_NAMESPACE}:${key}`);
}

/** Gets one package of an organization; undefined when GitHub answers 404. */
export async function getOrgPackage(args: GetOrgPackageArgs): Promise<OrgPackageInfo | undefined> {
    assertValid(checkRef(args), "getOrgPackage arguments");
    const fields = await packagesApi(stackConfig()).get(args);
    return fields && { org: args.org, packageType: args.packageType, packageName: args.packageName, ...fields };
}

/**
 * Lists every package of one type in an organization, optionally of one visibility. Pages after
 * the first come in parallel; a registry past GitHub's 10,000-entry window is listed in parts,
 * one per visibility. When one part alone has more than 10,000 packages it fails with an error
 * naming the organization, the registry and the count, rather than return a partial list.
 */
export async function listOrgPackages(args: ListOrgPackagesArgs): Promise<OrgPackageInfo[]> {
    assertValid(checkListOptions(args), "listOrgPackages arguments");
    const options: ListOptions = { org: args.org, packageType: args.packageType, visibility: args.visibility };
    const packages = await packagesApi(stackConfig()).list(options);
    return packages.map((p) => ({ org: args.org, packageType: args.packageType, packageName: p.name, ...p }));
}

/**
 * Restores a deleted package, then returns it. GitHub restores only within 30 days of the
 * deletion and only while no new package took the name. Runs when called, also in preview:
 * call it from scripts or guard it with `pulumi.runtime.isDryRun()`.
 */
export async function restoreOrgPackage(args: RestoreOrgPackageArgs): Promise<OrgPackageInfo> {
    assertValid(checkRef(args), "restoreOrgPackage arguments");
    const api = packagesApi(stackConfig());
    await api.restore(args, args.token);
    const fields = await api.get(args);
    if (!fields) {
        throw new Error(`GitHub accepted the restore of ${args.org}/${args.packageType}/${args.packageName} but does not show it yet; try again.`);
    }
    return { org: args.org, packageType: args.packageType, packageName: args.packageName, ...fields };
}

/** {@link listOrgPackages} for Output arguments. */
export function listOrgPackagesOutput(args: pulumi.Input<ListOrgPackagesArgs>): pulumi.Output<OrgPackageInfo[]> {
    return pulumi.output(args).apply((a) => listOrgPackages(a as ListOrgPackagesArgs));
}

/** {@link getOrgPackage} for Output arguments. */
export function getOrgPackageOutput(args: pulumi.Input<GetOrgPackageArgs>): pulumi.Output<OrgPackageInfo | undefined> {
    return pulumi.output(args).apply((a) => getOrgPackage(a as GetOrgPackageArgs));
}
