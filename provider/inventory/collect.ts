/**
 * Reads an organization once for its inventory: the package list of each registry (one request
 * per 100 packages, pages in parallel, a registry past 10,000 split by visibility: `PackagesApi.list`),
 * and for the packages `details` chooses, their active versions (one request per 100) and, for
 * container packages, each version's manifest from the registry (each read counts as a download
 * on GitHub; a child of an index is asked about from what was read, with no HEAD). Bytes are
 * summed from the manifests' config and layer descriptors, each distinct blob once, without
 * reading a blob. With a retention policy, each package read in detail is planned from these
 * reads (policy-plan.ts). Nothing here writes: it has no delete path at all.
 */
import pLimit from "p-limit";
import type { GitHub } from "../github/client";
import { statusOf } from "../github/errors";
import { PackagesApi } from "../github/packages";
import { INDEX_TYPES, Manifest, ManifestSource, RegistryError } from "../github/registry";
import { PackageVersionFields, PackageVersionsApi } from "../github/versions";
import { subjectOfTag, SubjectTag } from "../retention/image-graph";
import { blobsOf } from "../retention/image-bytes";
import { findBrokenImages } from "../retention/image-health";
import { packageKey, packageMatcher } from "../shared/keys";
import { PackageFields, PackageType, VISIBILITIES } from "../shared/types";
import { assertValid } from "../shared/validate";
import { checkInventoryOptions, InventoryOptions, registriesOf } from "./options";
import { planPolicy } from "./policy-plan";
import { AgedVersion, ContainerDetails, Inventory, OrphanedSignature, PackageDetails, PackageInventory, PolicySummary, RegistryInventory, SCHEMA_VERSION } from "./schema";

/** How many packages are read in detail at once (each a few requests; GitHub allows 100 concurrent). */
export const DETAIL_CONCURRENCY = 6;

/** Where an inventory reads from. */
export interface InventorySources {
    /** The GitHub client (`clientFor(resolveClientConfig(...))`). */
    github: GitHub;
    /** The manifests of container package `org/name` (`registryClientFor(...).forPackage`); needed when `details` chooses a container package. */
    manifests?: (org: string, name: string) => ManifestSource;
    /** The instant ages count from; now by default. */
    now?: Date;
    /** The provider's protect list (globs over `type/name`): with a policy, a package it matches is never planned for deletion as a whole. */
    protect?: readonly string[];
}

/** What each cosign suffix (and the bare referrers tag) is, as the inventory names it. */
const SUBJECT_KINDS: Record<SubjectTag["suffix"], OrphanedSignature["kind"]> = { sig: "signature", att: "attestation", sbom: "sbom", "": "referrers" };

const DAY_MS = 86_400_000;

/**
 * Reads the inventory of `options.org`. The options are checked first (an error naming each bad
 * field, before any request). A registry the token cannot list fails the inventory with GitHub's
 * error explained; so does a container registry that is down or refuses the token (the details
 * would be wrong), while a single manifest it does not have is reported in the package's details.
 */
export async function collectInventory(options: InventoryOptions, sources: InventorySources): Promise<Inventory> {
    assertValid(checkInventoryOptions(options), "inventory arguments");
    const now = sources.now ?? new Date();
    const packageTypes = registriesOf(options);
    const details = options.details ?? [];
    const chosen = packageMatcher(details) ?? (() => false);
    const packagesApi = new PackagesApi(sources.github);
    const listed = await Promise.all(packageTypes.map((packageType) => packagesApi.list({ org: options.org, packageType })));
    const limit = pLimit(DETAIL_CONCURRENCY);
    const registries = await Promise.all(
        packageTypes.map(async (packageType, i): Promise<RegistryInventory> => {
            const packages = [...listed[i]].sort((a, b) => compare(a.name, b.name));
            const entries = await Promise.all(
                packages.map(async (pkg) => {
                    const ref = { packageType, packageName: pkg.name };
                    const detail = chosen(ref) ? await limit(() => readDetails(options, packageType, pkg, sources, now)) : null;
                    return entry(packageType, pkg, detail);
                }),
            );
            return registryOf(packageType, entries);
        }),
    );
    const detailed = registries.flatMap((r) => r.packages).filter((p) => p.details !== null);
    const containers = detailed.map((p) => p.details!.container).filter((c): c is ContainerDetails => c !== null);
    return {
        schemaVersion: SCHEMA_VERSION,
        org: options.org,
        generatedAt: now.toISOString(),
        packageTypes,
        details: [...details],
        unmatchedDetails: unmatched(details, registries),
        totals: {
            packages: sum(registries.map((r) => r.packageCount)),
            versions: sum(registries.map((r) => r.versionCount)),
            detailedPackages: detailed.length,
            bytes: containers.length > 0 ? sum(containers.map((c) => c.bytes)) : null,
            manifestsRead: sum(containers.map((c) => c.manifestsRead)),
        },
        registries,
        policy: options.policy === undefined ? null : summarize(options.policy, detailed.map((p) => p.details!)),
    };
}

/** The sums of the policy's plans. */
function summarize(policy: PolicySummary["policy"], details: readonly PackageDetails[]): PolicySummary {
    const plans = details.map((d) => d.policy!);
    const deleting = plans.filter((p) => p.deleteCount > 0);
    const known = deleting.filter((p) => p.bytesFreed !== null);
    return {
        policy,
        packages: plans.length,
        deletions: sum(plans.map((p) => p.deleteCount)),
        packagesDeleted: plans.filter((p) => p.deletePackage).length,
        blocked: sum(plans.map((p) => p.blocked.length)),
        failed: plans.filter((p) => p.error !== null).length,
        bytesFreed: known.length > 0 ? sum(known.map((p) => p.bytesFreed!)) : deleting.length === 0 ? 0 : null,
        bytesFreedComplete: known.length === deleting.length,
    };
}

/** The globs that match no package of `registries`. */
function unmatched(globs: readonly string[], registries: readonly RegistryInventory[]): string[] {
    return globs.filter((glob) => {
        const matches = packageMatcher([glob])!;
        return !registries.some((r) => r.packages.some((p) => matches({ packageType: r.packageType, packageName: p.name })));
    });
}

function entry(packageType: PackageType, pkg: PackageFields, details: PackageDetails | null): PackageInventory {
    return {
        name: pkg.name,
        key: packageKey({ packageType, packageName: pkg.name }),
        visibility: pkg.visibility,
        repository: pkg.repository,
        htmlUrl: pkg.htmlUrl,
        versionCount: pkg.versionCount,
        createdAt: pkg.createdAt,
        updatedAt: pkg.updatedAt,
        details,
    };
}

function registryOf(packageType: PackageType, packages: PackageInventory[]): RegistryInventory {
    const visibility = Object.fromEntries(VISIBILITIES.map((v) => [v, packages.filter((p) => p.visibility === v).length])) as RegistryInventory["visibility"];
    const containers = packages.map((p) => p.details?.container).filter((c): c is ContainerDetails => c != null);
    return {
        packageType,
        packageCount: packages.length,
        versionCount: sum(packages.map((p) => p.versionCount)),
        visibility,
        bytes: containers.length > 0 ? sum(containers.map((c) => c.bytes)) : null,
        packages,
    };
}

/** Lists the package's active versions and, for a container package, reads its manifests. */
async function readDetails(options: InventoryOptions, packageType: PackageType, pkg: PackageFields, sources: InventorySources, now: Date): Promise<PackageDetails> {
    const org = options.org;
    const ref = { org, packageType, packageName: pkg.name };
    let versions: PackageVersionFields[];
    try {
        versions = await new PackageVersionsApi(sources.github).list(ref, "active");
    } catch (error) {
        if (statusOf(error) === 404) {
            // Deleted between the list and this read: it has no versions to tell about.
            versions = [];
        } else {
            throw error;
        }
    }
    const byAge = [...versions].sort((a, b) => compare(a.createdAt, b.createdAt) || a.versionId - b.versionId);
    const tagged = packageType === "container" || packageType === "docker";
    let read: ContainerRead | undefined;
    if (packageType === "container") {
        if (!sources.manifests) {
            throw new Error(`The inventory chose ${org}/container/${pkg.name} for details but was given no container registry to read its manifests from.`);
        }
        read = await readContainer(versions, sources.manifests(org, pkg.name));
    }
    const policy =
        options.policy === undefined
            ? null
            : await planPolicy(options.policy, {
                  org,
                  packageType,
                  packageName: pkg.name,
                  versions,
                  now,
                  protect: sources.protect ?? [],
                  container: read && { manifests: read.manifests, unreadable: read.details.unreadable.length, source: read.source },
              });
    return {
        activeVersions: versions.length,
        newestVersion: aged(byAge[byAge.length - 1], now),
        oldestVersion: aged(byAge[0], now),
        untaggedVersions: tagged ? versions.filter((v) => v.tags.length === 0).length : null,
        container: read?.details ?? null,
        policy,
    };
}

/** A container package's details, with the manifests read (by digest) and a source answered from those reads, for a policy's plan. */
interface ContainerRead {
    details: ContainerDetails;
    manifests: Map<string, Manifest>;
    source: ManifestSource;
}

function aged(version: PackageVersionFields | undefined, now: Date): AgedVersion | null {
    if (!version) {
        return null;
    }
    const ageDays = Math.max(0, Math.floor((now.getTime() - Date.parse(version.createdAt)) / DAY_MS));
    return { name: version.name, tags: [...version.tags], createdAt: version.createdAt, ageDays };
}

/**
 * Reads the manifest of every active version once, then tells from them the bytes, the broken
 * images (retention's health check, answered from these reads), the orphaned signatures and the
 * untagged versions nothing references.
 */
async function readContainer(versions: readonly PackageVersionFields[], source: ManifestSource): Promise<ContainerRead> {
    const reads = new Map<string, Promise<Manifest>>();
    const read = (digest: string): Promise<Manifest> => {
        let pending = reads.get(digest);
        if (!pending) {
            pending = source.read(digest);
            pending.catch(() => undefined);
            reads.set(digest, pending);
        }
        return pending;
    };
    const digests = [...new Set(versions.map((v) => v.name))];
    const manifests: Manifest[] = [];
    const byDigest = new Map<string, Manifest>();
    const unreadable: ContainerDetails["unreadable"] = [];
    await Promise.all(
        digests.map(async (digest) => {
            try {
                const manifest = await read(digest);
                manifests.push(manifest);
                byDigest.set(digest, manifest);
            } catch (error) {
                // A registry that is down or refuses the token says nothing about this manifest: the inventory fails rather than report it wrong.
                if (!(error instanceof RegistryError) || error.problem === "unavailable" || error.problem === "unauthorized") {
                    throw error;
                }
                unreadable.push({ digest, problem: error.problem });
            }
        }),
    );
    unreadable.sort((a, b) => compare(a.digest, b.digest));
    // Every active version was read: a child's health is known from its read, so the check sends no HEAD.
    const known: ManifestSource = { read, check: (digest) => read(digest).then(() => undefined) };
    const brokenImages = await findBrokenImages(versions, known);
    const blobs = new Map<string, number | undefined>();
    for (const manifest of manifests) {
        for (const blob of blobsOf(manifest)) {
            blobs.set(blob.digest, blob.size ?? blobs.get(blob.digest));
        }
    }
    const sizes = [...blobs.values()];
    const active = new Set(versions.map((v) => v.name));
    const referenced = new Set<string>();
    for (const manifest of manifests) {
        if (INDEX_TYPES.includes(manifest.mediaType)) {
            manifest.manifests.forEach((d) => referenced.add(d.digest));
        }
        if (manifest.subject && active.has(manifest.subject.digest)) {
            referenced.add(manifest.digest);
        }
    }
    const details: ContainerDetails = {
        manifestsRead: digests.length,
        unreadable,
        bytes: sum(sizes.map((s) => s ?? 0)),
        blobs: blobs.size,
        bytesComplete: unreadable.length === 0 && sizes.every((s) => s !== undefined),
        brokenImages: brokenImages.map((b) => ({ versionId: b.versionId, digest: b.digest, tags: b.tags, problem: b.problem, missing: b.missing, reason: b.reason })),
        orphanedSignatures: orphans(versions, active),
        unreferencedUntagged: versions.filter((v) => v.tags.length === 0 && !referenced.has(v.name)).length,
    };
    return { details, manifests: byDigest, source: known };
}

/** The versions tagged after a subject (`sha256-<hex>.sig`) that is no active version of the package. */
function orphans(versions: readonly PackageVersionFields[], active: ReadonlySet<string>): OrphanedSignature[] {
    const found: OrphanedSignature[] = [];
    for (const version of versions) {
        for (const tag of version.tags) {
            const named = subjectOfTag(tag);
            if (named && !active.has(named.subject)) {
                found.push({ versionId: version.versionId, digest: version.name, tag, subject: named.subject, kind: SUBJECT_KINDS[named.suffix] });
            }
        }
    }
    return found.sort((a, b) => a.versionId - b.versionId || compare(a.tag, b.tag));
}

function sum(values: readonly number[]): number {
    return values.reduce((a, b) => a + b, 0);
}

function compare(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}
