/**
 * The provider side of `pulumi-github-packages`: the dynamic providers for `OrgPackage` and
 * `PackageVersionRetention`, the GitHub client they use, and the REST operations on organization packages.
 * Programs import the SDK (`pulumi-github-packages`); the engine's dynamic provider host
 * loads this module by name at call time (see `sdk/shim.ts`).
 */
import { clientFor } from "./github/client";
import { ConfigLookup, resolveClientConfig } from "./shared/config";
import { PackagesApi } from "./github/packages";
import { inspectToken, TokenReport } from "./github/token-report";
import { PackageType } from "./shared/types";
import { OrgPackageProvider } from "./org-package/provider";
import { VersionRetentionProvider } from "./retention/provider";

export * from "./shared/types";
export { CONFIG_NAMESPACE, DEFAULTS, resolveClientConfig, ConfigLookup, resolveRegistryUrl, REGISTRY_URL_DEFAULT } from "./shared/config";
export { RegistryClient, registryClientFor, RegistryError, RegistryOptions, REGISTRY_DEFAULTS, Manifest, ManifestSource, Descriptor } from "./github/registry";
export { ImageGraph, ImageLink, UnreadableManifest, readImageGraph } from "./retention/image-graph";
export { planImageRetention, ImageRetentionPlan } from "./retention/image-plan";
export { clientFor, createClient, GitHub, GitHubClient } from "./github/client";
export { PackageError, REPOSITORY_SCOPED_TYPES, REQUIRED_SCOPES, isNotFound, isUndeletable } from "./github/errors";
export { PackagesApi, PAGE_SIZE, toFields, DeleteOutcome } from "./github/packages";
export { inspectToken, tokenKindOf, TokenReport, TokenKind, RegistryAbility, Ability } from "./github/token-report";
export { PackageCatalog } from "./org-package/catalog";
export { OrgPackageProvider } from "./org-package/provider";
export { packageId, parsePackageId, packageKey, packageMatcher, checkGlobs, firstMatch, isKeyGlob, PackageKeyRef, MatcherOptions, GlobProblem } from "./shared/keys";
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
} from "./shared/validate";
export { parseDuration, cutoff, Duration, DURATION_UNITS } from "./shared/duration";
export { findBrokenImages, BrokenImage } from "./retention/image-health";
export { VersionRetentionProvider } from "./retention/provider";
export {
    VersionRetentionInputs,
    VersionRetentionState,
    RetentionPlanView,
    RetentionPlanOutput,
    PlanOutput,
    PlannedVersion,
    DeletedVersionRecord,
    BlockedVersionRecord,
    RetentionRunSummary,
    RETENTION_INPUTS,
    RETENTION_OUTPUTS,
    retentionId,
} from "./retention/state";
export { checkRetentionInputs } from "./retention/inputs";

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

/** What the configured token can do in `org` (see `inspectToken`), configured from `lookup` and the environment at call time. */
export function tokenReport(org: string, packageTypes?: readonly PackageType[], lookup?: ConfigLookup): Promise<TokenReport> {
    const config = resolveClientConfig(lookup);
    return inspectToken(clientFor(config), config.token, org, packageTypes);
}

/** The REST operations, configured from `lookup` (Pulumi config) and the environment at call time. */
export function packagesApi(lookup?: ConfigLookup): PackagesApi {
    return new PackagesApi(clientFor(resolveClientConfig(lookup)));
}
