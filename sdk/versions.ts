/**
 * The version functions: get one version of an organization package, list its versions
 * (active or deleted, every page) and restore a deleted version, each with an Output form.
 * Arguments are checked strictly before any call: unknown fields name the nearest known one.
 */
import * as pulumi from "@pulumi/pulumi";
import { clientFor } from "../provider/github/client";
import { CONFIG_NAMESPACE, ConfigLookup, resolveClientConfig } from "../provider/shared/config";
import { isRecord, unknownFields } from "../provider/shared/validate";
import type { PackageRef, PackageType } from "../provider/shared/types";
import { checkRef, InputFailure } from "../provider/shared/validate";
import { PackageVersionFields, PackageVersionsApi, VERSION_STATES, VersionState } from "../provider/github/versions";
import { assertArgs } from "./errors";

/** A version as the functions return it: its package's reference and GitHub's fields. */
export interface OrgPackageVersionInfo extends PackageRef, PackageVersionFields {}

/** The arguments of {@link getOrgPackageVersion}. */
export interface GetOrgPackageVersionArgs {
    /** The organization's login. */
    org: string;
    /** The registry. */
    packageType: PackageType;
    /** The package's name, as GitHub shows it (no owner or repository prefix). */
    packageName: string;
    /** GitHub's numeric id of the version. */
    versionId: number;
}

/** The arguments of {@link listOrgPackageVersions}. */
export interface ListOrgPackageVersionsArgs {
    /** The organization's login. */
    org: string;
    /** The registry. */
    packageType: PackageType;
    /** The package's name, as GitHub shows it. */
    packageName: string;
    /** `active` (default) or `deleted`: versions deleted within the last 30 days, which can be restored. */
    state?: VersionState;
}

/** The arguments of {@link restoreOrgPackageVersion}. */
export type RestoreOrgPackageVersionArgs = GetOrgPackageVersionArgs;

/** What {@link restoreOrgPackageVersion} returns: the version, and whether this call restored it. */
export interface RestoredOrgPackageVersion extends OrgPackageVersionInfo {
    /** True when this call restored the version; false when it was already active and nothing was done. */
    restored: boolean;
}

const REF_FIELDS = ["org", "packageType", "packageName"] as const;
const VERSION_FIELDS = [...REF_FIELDS, "versionId"] as const;
const LIST_FIELDS = [...REF_FIELDS, "state"] as const;

/** Checks the arguments of the get and restore functions. */
export function checkVersionArgs(args: unknown): InputFailure[] {
    if (!isRecord(args)) {
        return [{ property: "args", reason: `arguments must be an object { org, packageType, packageName, versionId }, got ${JSON.stringify(args)}.` }];
    }
    const failures = [...unknownFields(args, VERSION_FIELDS, "", "an argument"), ...checkRef(args)];
    if (!(Number.isInteger(args.versionId) && (args.versionId as number) > 0)) {
        failures.push({
            property: "versionId",
            reason: `versionId must be a GitHub version id (a whole number > 0; listOrgPackageVersions shows them), got ${args.versionId === undefined ? "nothing" : JSON.stringify(args.versionId)}.`,
        });
    }
    return failures;
}

/** Checks the arguments of the list function. */
export function checkListVersionsArgs(args: unknown): InputFailure[] {
    if (!isRecord(args)) {
        return [{ property: "args", reason: `arguments must be an object { org, packageType, packageName, state? }, got ${JSON.stringify(args)}.` }];
    }
    const failures = [...unknownFields(args, LIST_FIELDS, "", "an argument"), ...checkRef(args)];
    if (args.state !== undefined && !VERSION_STATES.includes(args.state as VersionState)) {
        failures.push({ property: "state", reason: `state must be one of ${VERSION_STATES.map((s) => `"${s}"`).join(", ")}, got ${JSON.stringify(args.state)}.` });
    }
    return failures;
}

/** Reads `github-packages:*` from the stack's config in a Pulumi program; nothing outside one. */
function stackConfig(): ConfigLookup {
    // runtime.getConfig reads secrets without the plaintext warning of Config.get; the value stays in memory.
    return (key) => pulumi.runtime.getConfig(`${CONFIG_NAMESPACE}:${key}`);
}

function versionsApi(): PackageVersionsApi {
    return new PackageVersionsApi(clientFor(resolveClientConfig(stackConfig())));
}

function refOf(args: PackageRef): PackageRef {
    return { org: args.org, packageType: args.packageType, packageName: args.packageName };
}

/** Gets one active version of a package; undefined when GitHub answers 404 (no such version, package, or visible organization). */
export async function getOrgPackageVersion(args: GetOrgPackageVersionArgs): Promise<OrgPackageVersionInfo | undefined> {
    assertArgs(checkVersionArgs(args), "getOrgPackageVersion arguments");
    const fields = await versionsApi().get({ ...refOf(args), versionId: args.versionId });
    return fields && { ...refOf(args), ...fields };
}

/**
 * Lists every version of a package, all pages (one request per 100 versions): `active` ones
 * by default, or `deleted` ones still restorable. A missing package is an error, not an empty list.
 */
export async function listOrgPackageVersions(args: ListOrgPackageVersionsArgs): Promise<OrgPackageVersionInfo[]> {
    assertArgs(checkListVersionsArgs(args), "listOrgPackageVersions arguments");
    const versions = await versionsApi().list(refOf(args), args.state ?? "active");
    return versions.map((fields) => ({ ...refOf(args), ...fields }));
}

/**
 * Restores a deleted version, then returns it; a version already active is returned as it is
 * (`restored: false`), so a program may call this on every run. GitHub restores only within
 * 30 days of the deletion. Runs when called, also in preview: call it from scripts or guard it
 * with `pulumi.runtime.isDryRun()`.
 */
export async function restoreOrgPackageVersion(args: RestoreOrgPackageVersionArgs): Promise<RestoredOrgPackageVersion> {
    assertArgs(checkVersionArgs(args), "restoreOrgPackageVersion arguments");
    const api = versionsApi();
    const ref = { ...refOf(args), versionId: args.versionId };
    const active = await api.get(ref);
    if (active) {
        return { ...refOf(args), ...active, restored: false };
    }
    await api.restore(ref);
    const fields = await api.get(ref);
    if (!fields) {
        throw new Error(
            `GitHub accepted the restore of version ${args.versionId} of ${args.org}/${args.packageType}/${args.packageName} but does not show it yet; try again.`,
        );
    }
    return { ...refOf(args), ...fields, restored: true };
}

/** {@link getOrgPackageVersion} for Output arguments. */
export function getOrgPackageVersionOutput(args: pulumi.Input<GetOrgPackageVersionArgs>): pulumi.Output<OrgPackageVersionInfo | undefined> {
    return pulumi.output(args).apply((a) => getOrgPackageVersion(a as GetOrgPackageVersionArgs));
}

/** {@link listOrgPackageVersions} for Output arguments. */
export function listOrgPackageVersionsOutput(args: pulumi.Input<ListOrgPackageVersionsArgs>): pulumi.Output<OrgPackageVersionInfo[]> {
    return pulumi.output(args).apply((a) => listOrgPackageVersions(a as ListOrgPackageVersionsArgs));
}

/** {@link restoreOrgPackageVersion} for Output arguments. */
export function restoreOrgPackageVersionOutput(args: pulumi.Input<RestoreOrgPackageVersionArgs>): pulumi.Output<RestoredOrgPackageVersion> {
    return pulumi.output(args).apply((a) => restoreOrgPackageVersion(a as RestoreOrgPackageVersionArgs));
}
