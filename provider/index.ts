/**
 * The provider side of `pulumi-github-packages`: the dynamic providers for `OrgPackage` and
 * `PackageVersionRetention`, the GitHub client they use, and the REST operations on organization packages.
 * Programs import the SDK (`pulumi-github-packages`); the engine's dynamic provider host
 * loads this module by name at call time (see `sdk/shim.ts`).
 */
import { clientFor } from "./client";
import { ConfigLookup, resolveClientConfig } from "./config";
import { PackagesApi } from "./packages";
import { OrgPackageProvider } from "./resource";
import { VersionRetentionProvider } from "./version-retention";

export * from "./types";
export { CONFIG_NAMESPACE, DEFAULTS, resolveClientConfig, ConfigLookup, resolveRegistryUrl, REGISTRY_URL_DEFAULT } from "./config";
export { RegistryClient, registryClientFor, RegistryError, RegistryOptions, REGISTRY_DEFAULTS, Manifest, ManifestSource, Descriptor } from "./registry";
export { ImageGraph, ImageLink, UnreadableManifest, readImageGraph } from "./image-graph";
export { planImageRetention, ImageRetentionPlan } from "./image-retention";
export { clientFor, createClient, GitHub, GitHubClient } from "./client";
export { PackageError, REPOSITORY_SCOPED_TYPES, REQUIRED_SCOPES, isNotFound, isUndeletable } from "./errors";
export { PackagesApi, PAGE_SIZE, toFields, DeleteOutcome } from "./packages";
export { PackageCatalog } from "./catalog";
export { OrgPackageProvider, packageId, parsePackageId } from "./resource";
export { packageKey, packageMatcher, checkGlobs, firstMatch, isKeyGlob, PackageKeyRef, MatcherOptions, GlobProblem } from "./keys";
export {
    checkInputs,
    checkListOptions,
    checkRef,
    assertValid,
    parsePackageKey,
    withDefaults,
    InputFailure,
    INPUT_DEFAULTS,
    ORG_PACKAGE_INPUTS,
    ORG_PACKAGE_OUTPUTS,
    unknownFields,
} from "./validate";
export { parseDuration, cutoff, Duration, DURATION_UNITS } from "./duration";
export { findBrokenImages, BrokenImage } from "./image-health";
export {
    VersionRetentionProvider,
    VersionRetentionInputs,
    VersionRetentionState,
    RetentionPlanView,
    PlannedVersion,
    DeletedVersionRecord,
    BlockedVersionRecord,
    RetentionRunSummary,
    RETENTION_INPUTS,
    RETENTION_OUTPUTS,
    checkRetentionInputs,
    retentionId,
} from "./version-retention";

let shared: OrgPackageProvider | undefined;

/** The one `OrgPackageProvider` of this process, so all resources share its client and catalog. */
export function sharedProvider(): OrgPackageProvider {
    shared ??= new OrgPackageProvider();
    return shared;
}

let sharedRetention: VersionRetentionProvider | undefined;

/** The one `VersionRetentionProvider` of this process, so all retentions share its client and its listings between check and update. */
export function sharedRetentionProvider(): VersionRetentionProvider {
    sharedRetention ??= new VersionRetentionProvider();
    return sharedRetention;
}

/** The REST operations, configured from `lookup` (Pulumi config) and the environment at call time. */
export function packagesApi(lookup?: ConfigLookup): PackagesApi {
    return new PackagesApi(clientFor(resolveClientConfig(lookup)));
}
