/**
 * The inventory document: what `collect` returns and the JSON the command prints, field by
 * field (docs/inventory.md describes each). Stable: a field is added under the same
 * `schemaVersion`, and renamed or removed only with a new one.
 */
import type { PackageType, Visibility } from "../shared/types";
import type { BrokenImage } from "../retention/image-health";
import type { BlockReason } from "../retention/plan";
import type { RetentionPolicy } from "../retention/policy";

/** The version of the JSON document; docs/inventory.md says what changes it. */
export const SCHEMA_VERSION = 1;

/** What an organization holds, per registry and package. */
export interface Inventory {
    /** The document's version, {@link SCHEMA_VERSION}. */
    schemaVersion: typeof SCHEMA_VERSION;
    /** The organization's login. */
    org: string;
    /** When the inventory was read (ISO 8601); ages count from here. */
    generatedAt: string;
    /** The registries listed. */
    packageTypes: PackageType[];
    /** The globs (`type/name`) that chose the packages read in detail; empty when none were. */
    details: string[];
    /** The globs of `details` that matched no package listed (a typo, or `*` where a name has a `/` and `**` was meant). */
    unmatchedDetails: string[];
    /** The sums over every registry listed. */
    totals: InventoryTotals;
    /** One entry per registry listed, in `packageTypes` order. */
    registries: RegistryInventory[];
    /** What the retention policy given would delete and free, summed; null when no policy was given. Each package's plan is `details.policy`. */
    policy: PolicySummary | null;
}

/** The sums of a retention policy's plans over the packages read in detail. */
export interface PolicySummary {
    /** The policy, as given. */
    policy: RetentionPolicy;
    /** Packages it was planned on (those read in detail). */
    packages: number;
    /** Versions it would delete, over every package (a package deleted whole counts its versions). */
    deletions: number;
    /** Packages it would delete whole (`lastVersion: "delete-package"`). */
    packagesDeleted: number;
    /** Versions it would delete but that are blocked (GitHub would refuse, or a manifest could not be read). */
    blocked: number;
    /** Packages whose retention would fail and delete nothing (over `maxDeletions`, or a protected package it would delete whole). */
    failed: number;
    /** Bytes the deletions would free, summed over the container packages whose bytes are known; null when none is known. */
    bytesFreed: number | null;
    /** True when `bytesFreed` covers every package with deletions; false when some are unknown (other registries, unreadable manifests): a lower bound. */
    bytesFreedComplete: boolean;
}

/** The sums of an inventory. */
export interface InventoryTotals {
    /** Packages listed. */
    packages: number;
    /** Their versions, as GitHub counts them (`version_count`). */
    versions: number;
    /** Packages read in detail. */
    detailedPackages: number;
    /** Bytes of the container packages read in detail; null when none was. */
    bytes: number | null;
    /** Manifests read from the container registry (each read counts as a download on GitHub). */
    manifestsRead: number;
}

/** The packages of one registry. */
export interface RegistryInventory {
    /** The registry. */
    packageType: PackageType;
    /** How many packages it holds. */
    packageCount: number;
    /** Their versions, as GitHub counts them. */
    versionCount: number;
    /** Packages per visibility. */
    visibility: Record<Visibility, number>;
    /** Bytes of its packages read in detail (container only); null when none was or the registry's API gives no sizes. */
    bytes: number | null;
    /** Its packages, by name. */
    packages: PackageInventory[];
}

/** One package. */
export interface PackageInventory {
    /** The package's name. */
    name: string;
    /** `type/name`, as globs match it. */
    key: string;
    /** Who can see it. */
    visibility: Visibility;
    /** The linked repository (`owner/repo`), or null. */
    repository: string | null;
    /** The package's page on GitHub. */
    htmlUrl: string;
    /** Its versions, as GitHub counts them (`version_count` of the list: no extra request). */
    versionCount: number;
    /** When it was created (ISO 8601). */
    createdAt: string;
    /** When it was last updated (ISO 8601). */
    updatedAt: string;
    /** What its versions say; null when `details` did not choose it. */
    details: PackageDetails | null;
}

/** A version named with its age. */
export interface AgedVersion {
    /** The version's name (a digest for container and docker images). */
    name: string;
    /** Its tags (container and docker); empty otherwise. */
    tags: string[];
    /** When it was published (ISO 8601). */
    createdAt: string;
    /** Whole days from `createdAt` to the inventory's `generatedAt`. */
    ageDays: number;
}

/** The details of a package read in detail. */
export interface PackageDetails {
    /** Active versions listed. */
    activeVersions: number;
    /** The most recently published version; null when it has none. */
    newestVersion: AgedVersion | null;
    /** The first published version still active; null when it has none. */
    oldestVersion: AgedVersion | null;
    /** Versions without a tag (container and docker; children of multi-arch images are untagged too); null for other registries. */
    untaggedVersions: number | null;
    /** What the container registry says about the package's manifests; null for other registries. */
    container: ContainerDetails | null;
    /** What the inventory's retention policy would do to the package; null when no policy was given. */
    policy: PolicyPlan | null;
}

/** A version the policy would delete. */
export interface PlannedDeletion {
    /** GitHub's id of the version. */
    versionId: number;
    /** Its name (a digest for container and docker images). */
    name: string;
    /** Its tags. */
    tags: string[];
    /** When it was published (ISO 8601). */
    createdAt: string;
    /** The rules that selected it, e.g. `olderThan and tagged`, or `orphaned child` for a child of a deleted image. */
    rule: string;
    /** What about the version matched, in words. */
    reason: string;
}

/** A version the policy selects that would not be deleted: GitHub would refuse, or a manifest of the package could not be read. */
export interface PlannedBlock {
    /** GitHub's id of the version. */
    versionId: number;
    /** Its name. */
    name: string;
    /** Its tags. */
    tags: string[];
    /** `last-version`, `undeletable` or `unreadable-manifest`. */
    blockedBy: BlockReason;
    /** Why, in words. */
    reason: string;
}

/** What a retention policy would do to one package, planned as a first run of a `PackageVersionRetention` with that policy would plan it. */
export interface PolicyPlan {
    /** Versions it would delete (all of them when `deletePackage`); 0 when `error` is set. */
    deleteCount: number;
    /** True when `lastVersion: "delete-package"` applies: the package itself would be deleted. */
    deletePackage: boolean;
    /** The versions it would delete, oldest first, an image before its children; empty when `error` is set. */
    deletions: PlannedDeletion[];
    /** Versions a rule selected that a keep rule keeps (protect lists, keep counts, the image graph, a partial tag match). */
    kept: number;
    /** Versions the rules select that would not be deleted. */
    blocked: PlannedBlock[];
    /** With `drain`, deletions left for the next runs because the cap was reached. */
    deferred: number;
    /** The cap the plan was checked against, resolved to a number of versions. */
    maxDeletions: number;
    /**
     * Bytes the deletions would free: the configs and layers referenced only by the manifests
     * deleted (a blob an image that stays references frees nothing), from the descriptors the
     * inventory read. Null when unknown: registries whose API gives no sizes, a manifest of the
     * package unreadable, or a descriptor without a size. 0 when nothing would be deleted.
     */
    bytesFreed: number | null;
    /** Why the retention would fail and delete nothing (over `maxDeletions`, or a protected package it would delete whole); null when it would run. */
    error: string | null;
    /** What in the policy is probably not what its author meant, in words naming the field. */
    warnings: string[];
}

/** One signature (cosign's `sha256-<hex>.sig`, `.att`, `.sbom`, or a referrers tag `sha256-<hex>`) whose subject is no version of the package. */
export interface OrphanedSignature {
    /** GitHub's id of the signature's version. */
    versionId: number;
    /** Its digest. */
    digest: string;
    /** The tag that names the subject. */
    tag: string;
    /** The subject's digest, which no active version has. */
    subject: string;
    /** `signature`, `attestation`, `sbom` or `referrers`. */
    kind: "signature" | "attestation" | "sbom" | "referrers";
}

/** A tagged image that would not pull: the same record a retention's refresh reports (`brokenImages`). */
export type InventoryBrokenImage = BrokenImage;

/** A manifest the registry did not give. */
export interface UnreadableManifest {
    /** Its digest. */
    digest: string;
    /** The registry's problem: `not-found`, `digest-mismatch`, `invalid`, `unknown-media-type`. */
    problem: string;
}

/** What a container package's manifests say. */
export interface ContainerDetails {
    /** Manifests read (one per active version; each counts as a download on GitHub). */
    manifestsRead: number;
    /** Manifests that could not be read; their blobs are not in `bytes`. */
    unreadable: UnreadableManifest[];
    /** The sum of the sizes of the distinct configs and layers the manifests reference (a blob shared by many manifests counts once), from their descriptors. */
    bytes: number;
    /** How many distinct blobs `bytes` sums. */
    blobs: number;
    /** True when every manifest was read and every descriptor gave a size: `bytes` is then exact, else a lower bound. */
    bytesComplete: boolean;
    /** Tagged images that would not pull. */
    brokenImages: InventoryBrokenImage[];
    /** Signatures and attestations whose subject is gone. */
    orphanedSignatures: OrphanedSignature[];
    /** Untagged versions no index lists and that are no referrer of an active version: garbage a retention's `untagged` rule would find. */
    unreferencedUntagged: number;
}
