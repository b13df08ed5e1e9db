/** The SDK's functions: get, list and restore organization packages from a Pulumi program or script. */
import * as pulumi from "@pulumi/pulumi";
import { checkListOptions, checkRef, CONFIG_NAMESPACE, ConfigLookup, InputFailure, packagesApi, tokenReport, TokenReport, unknownFields } from "../provider";
import { PACKAGE_TYPES } from "../provider/shared/types";
import type { ListOptions, PackageFields, PackageRef, PackageType, Visibility } from "../provider/shared/types";
import { assertArgs, programError } from "./errors";

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
    /** The GitHub id of the deleted package; when given, a different package under the name is an error naming both ids. */
    packageId?: number;
}

/** Reads `github-packages:*` from the stack's config in a Pulumi program; nothing outside one. */
export function stackConfig(): ConfigLookup {
    // runtime.getConfig reads secrets without the plaintext warning of Config.get; the value stays in memory.
    return (key) => pulumi.runtime.getConfig(`${CONFIG_NAMESPACE}:${key}`);
}

/** Gets one package of an organization; undefined when GitHub answers 404. */
export async function getOrgPackage(args: GetOrgPackageArgs): Promise<OrgPackageInfo | undefined> {
    assertArgs([...unknownFields(args, ["org", "packageType", "packageName"], "", "a getOrgPackage argument"), ...checkRef(args)], "getOrgPackage arguments");
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
    assertArgs(checkListOptions(args), "listOrgPackages arguments");
    const options: ListOptions = { org: args.org, packageType: args.packageType, visibility: args.visibility };
    const packages = await packagesApi(stackConfig()).list(options);
    return packages.map((p) => ({ org: args.org, packageType: args.packageType, packageName: p.name, ...p }));
}

/** What {@link restoreOrgPackage} returns: the package, and whether this call restored it. */
export interface RestoredOrgPackage extends OrgPackageInfo {
    /** True when this call restored the package; false when it was already present and nothing was done. */
    restored: boolean;
}

/**
 * Restores a deleted package, then returns it; a package already present is returned as it
 * is (`restored: false`), so a program may call this on every run. GitHub restores only
 * within 30 days of the deletion and only while no new package took the name. Runs when
 * called, also in preview: call it from scripts or guard it with `pulumi.runtime.isDryRun()`.
 */
export async function restoreOrgPackage(args: RestoreOrgPackageArgs): Promise<RestoredOrgPackage> {
    assertArgs(
        [...unknownFields(args, ["org", "packageType", "packageName", "token", "packageId"], "", "a restoreOrgPackage argument"), ...checkRef(args)],
        "restoreOrgPackage arguments",
    );
    if (args.packageId !== undefined && !(Number.isInteger(args.packageId) && args.packageId > 0)) {
        throw programError(`Invalid restoreOrgPackage arguments: packageId must be a GitHub package id (a whole number > 0), got ${JSON.stringify(args.packageId)}.`);
    }
    const api = packagesApi(stackConfig());
    const ref = { org: args.org, packageType: args.packageType, packageName: args.packageName };
    const present = await api.get(ref);
    if (present && args.packageId !== undefined && present.packageId !== args.packageId) {
        throw new Error(
            `Cannot restore package ${args.packageId} as ${args.org}/${args.packageType}/${args.packageName}: a different package ` +
                `(GitHub id ${present.packageId}, created ${present.createdAt}) now holds the name, and GitHub restores a package only ` +
                `while no other package holds its name. Only if package ${present.packageId} is not needed, delete it first, then restore.`,
        );
    }
    if (present) {
        await pulumi.log.info(`${args.org}/${args.packageType}/${args.packageName} is already present (GitHub id ${present.packageId}); nothing was restored.`);
        return { ...ref, ...present, restored: false };
    }
    await api.restore(ref, args.token);
    const fields = await api.get(ref);
    if (!fields) {
        throw new Error(`GitHub accepted the restore of ${args.org}/${args.packageType}/${args.packageName} but does not show it yet; try again.`);
    }
    return { ...ref, ...fields, restored: true };
}

/** The arguments of {@link inspectToken}. */
export interface InspectTokenArgs {
    /** The organization whose packages the token is for. */
    org: string;
    /** The registries to ask about; every registry when omitted. */
    packageTypes?: PackageType[];
}

/**
 * Tells what the configured token (`github-packages:token` or GITHUB_TOKEN) can do in an
 * organization before a run: its kind (classic, fine-grained, installation such as Actions'
 * GITHUB_TOKEN), its scopes, whether it sees the organization, its SAML SSO state and, per
 * registry, whether it can list, delete and restore, with advice where it cannot. One list
 * request per registry; nothing changes. See docs/troubleshooting.md.
 */
export async function inspectToken(args: InspectTokenArgs): Promise<TokenReport> {
    const failures: InputFailure[] = [...unknownFields(args ?? {}, ["org", "packageTypes"], "", "an inspectToken argument")];
    if (typeof args?.org !== "string" || args.org === "") {
        failures.push({ property: "org", reason: "org must be the organization's login, e.g. \"acme\"." });
    }
    if (args?.packageTypes !== undefined && !(Array.isArray(args.packageTypes) && args.packageTypes.every((t) => (PACKAGE_TYPES as readonly string[]).includes(t)))) {
        failures.push({ property: "packageTypes", reason: `packageTypes must be a list of ${PACKAGE_TYPES.join(", ")}; got ${JSON.stringify(args.packageTypes)}.` });
    }
    assertArgs(failures, "inspectToken arguments");
    return tokenReport(args.org, args.packageTypes, stackConfig());
}

/** {@link restoreOrgPackage} for Output arguments. */
export function restoreOrgPackageOutput(args: pulumi.Input<RestoreOrgPackageArgs>): pulumi.Output<RestoredOrgPackage> {
    return pulumi.output(args).apply((a) => restoreOrgPackage(a as RestoreOrgPackageArgs));
}

/** {@link listOrgPackages} for Output arguments. */
export function listOrgPackagesOutput(args: pulumi.Input<ListOrgPackagesArgs>): pulumi.Output<OrgPackageInfo[]> {
    return pulumi.output(args).apply((a) => listOrgPackages(a as ListOrgPackagesArgs));
}

/** {@link getOrgPackage} for Output arguments. */
export function getOrgPackageOutput(args: pulumi.Input<GetOrgPackageArgs>): pulumi.Output<OrgPackageInfo | undefined> {
    return pulumi.output(args).apply((a) => getOrgPackage(a as GetOrgPackageArgs));
}
