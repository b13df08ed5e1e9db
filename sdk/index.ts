/**
 * `pulumi-github-packages`: GitHub organization packages as Pulumi resources.
 *
 * - {@link OrgPackage}: adopt, delete (`ensure: "absent"`) or restore one package.
 * - {@link listOrgPackages}, {@link getOrgPackage}, {@link restoreOrgPackage}: the REST operations as functions.
 * - {@link inspectToken}: what the configured token can do in an organization, before a run.
 * - {@link PackageCleanup}: declarative, capped cleanup of an organization's packages.
 * - {@link listOrgPackageVersions}, {@link getOrgPackageVersion}, {@link restoreOrgPackageVersion}: a package's versions.
 * - {@link planRetention}: which versions a retention policy deletes, keeps and why (pure).
 * - {@link PackageVersionRetention}, {@link VersionRetention}: declarative retention of one or many packages' versions.
 * - {@link inventory}: what an organization's registries hold, per package (also the `pulumi-github-packages inventory` command).
 */
export { OrgPackage, OrgPackageArgs, ORG_PACKAGE_TYPE } from "./org-package";
export { PackageCleanup, PackageCleanupArgs } from "./cleanup";
export { planCleanup, checkPolicy, DEFAULT_MAX_DELETIONS } from "../provider/cleanup/plan";
export { parsePackageKey } from "../provider/shared/validate";
export {
    getOrgPackage,
    getOrgPackageOutput,
    listOrgPackages,
    listOrgPackagesOutput,
    restoreOrgPackage,
    restoreOrgPackageOutput,
    RestoredOrgPackage,
    GetOrgPackageArgs,
    ListOrgPackagesArgs,
    OrgPackageInfo,
    RestoreOrgPackageArgs,
    inspectToken,
    InspectTokenArgs,
} from "./functions";
export type { TokenReport, TokenKind, RegistryAbility, Ability } from "../provider";
export {
    getOrgPackageVersion,
    getOrgPackageVersionOutput,
    listOrgPackageVersions,
    listOrgPackageVersionsOutput,
    restoreOrgPackageVersion,
    restoreOrgPackageVersionOutput,
    GetOrgPackageVersionArgs,
    ListOrgPackageVersionsArgs,
    OrgPackageVersionInfo,
    RestoreOrgPackageVersionArgs,
    RestoredOrgPackageVersion,
} from "./versions";
export { inventory, inventoryOutput, InventoryArgs } from "./inventory";
export { renderInventory, renderJson, renderMarkdown } from "../provider/inventory/render";
export { SCHEMA_VERSION } from "../provider/inventory/schema";
export type {
    AgedVersion,
    ContainerDetails,
    Inventory,
    InventoryBrokenImage,
    InventoryTotals,
    OrphanedSignature,
    PackageDetails,
    PackageInventory,
    PlannedBlock,
    PlannedDeletion,
    PolicyPlan,
    PolicySummary,
    RegistryInventory,
} from "../provider/inventory/schema";
export { planRetention, RetentionCapError } from "../provider/retention/plan";
export {
    PackageVersionRetention,
    PackageVersionRetentionArgs,
    VersionRetention,
    VersionRetentionArgs,
    PACKAGE_VERSION_RETENTION_TYPE,
    checkVersionRetentionArgs,
} from "./version-retention";
export type { BrokenImage } from "../provider/retention/image-health";
export type { BytesBound, BytesTotal } from "../provider/retention/image-bytes";
export type { BlockedVersionRecord, DeletedVersionRecord, PlannedVersion, PlanOutput, RetentionPlanOutput, RetentionPlanView, RetentionRunSummary } from "../provider/retention/state";
export type { BlockedVersion, BlockReason, KeepReason, KeptVersion, RetentionOptions, RetentionPlan, VersionDeletion } from "../provider/retention/plan";
export { checkRetentionPolicy, RETENTION_DEFAULTS } from "../provider/retention/policy";
export type { AgeField, BrokenImageRule, ExplicitSelection, LastVersionAction, NameRule, ProtectList, RetentionPolicy, TaggedRule, UntaggedRule } from "../provider/retention/policy";
export type { PackageVersionFields, VersionState } from "../provider/github/versions";
export type {
    CleanupMatch,
    CleanupPlan,
    CleanupPolicy,
    CleanupRule,
    Ensure,
    PackageAction,
    PackageBaseline,
    PackageStatus,
    PackageType,
    StoredBaseline,
    UndeletableAction,
    Visibility,
} from "../provider/shared/types";
export { PACKAGE_TYPES, VISIBILITIES } from "../provider/shared/types";
