/**
 * What every operation of the retention provider shares within one process: the stack's
 * config (read at call time, never at load, so no token is captured in state), the GitHub
 * client and registry client it configures, and the listings `check` made, which the `update`
 * of the same run reuses so that a package is listed once per operation. The engine checks
 * resources one at a time, so a `VersionRetention`'s resources name the packages checked after
 * them (`prefetch`) and their listings are made in the background, a few at a time.
 */
import pLimit from "p-limit";
import { OrgAccess } from "../github/access";
import { clientFor, GitHub } from "../github/client";
import { PackagesApi } from "../github/packages";
import { ManifestSource, registryClientFor } from "../github/registry";
import { PackageVersionFields, PackageVersionsApi } from "../github/versions";
import { ConfigLookup, resolveClientConfig, resolveRegistryUrl } from "../shared/config";
import { capitalize, describe, UserError } from "../shared/messages";
import { PackageRef } from "../shared/types";
import { parsePackageKey } from "../shared/validate";
import { PackageError, statusOf } from "../github/errors";
import { refOf, retentionId, VersionRetentionInputs } from "./state";

/** A listing made by `check`, used by the `update` of the same run so that the package is listed once per operation. */
export interface Listing {
    /** The package's GitHub id, read with the list only when the plan may delete the whole package. */
    packageId?: number;
    /** Its active versions. */
    versions: PackageVersionFields[];
    /** When it was listed (ms). */
    at: number;
}

/** How long a listing made by `check` may be used by `update` before the package is listed again. */
const LISTING_TTL_MS = 5 * 60_000;

/** How many packages are listed in the background at once (GitHub's secondary limits allow 100 concurrent requests). */
export const PREFETCH_CONCURRENCY = 6;

/** The config, clients and listings of the retention provider in one process. */
export class RetentionSession {
    /** Looks a setting up under `github-packages:`; set by `configure`. */
    lookup: ConfigLookup = () => undefined;
    private readonly listings = new Map<string, Listing>();
    /** Background listings of packages not checked yet, by retention id; a failed one is listed again by its check. */
    private readonly prefetched = new Map<string, Promise<Omit<Listing, "packageId">>>();
    private readonly prefetchLimit = pLimit(PREFETCH_CONCURRENCY);
    /** Retention ids whose package a check of this process listed: never listed in the background again (the engine may check them before the resource whose hint names them). */
    private readonly checked = new Set<string>();

    /** Which organizations the token can list, per GitHub client (so a 404 is read as "no such package" only when it could see it). */
    private readonly access = new WeakMap<GitHub, OrgAccess>();

    /** The GitHub client for the current settings (shared by the process, so its write limiter paces every deletion). */
    github(): GitHub {
        return clientFor(resolveClientConfig(this.lookup));
    }

    /** The package's manifests, through the registry client shared by the process (each read at most once). */
    manifests(ref: PackageRef): ManifestSource {
        return registryClientFor(resolveClientConfig(this.lookup), resolveRegistryUrl(this.lookup)).forPackage(ref.org, ref.packageName);
    }

    /** The registry URL the settings name, for messages. */
    registryUrl(): string {
        return resolveRegistryUrl(this.lookup);
    }

    /**
     * Lists the package's active versions, one request per 100 (or takes its background listing),
     * and keeps the listing for this run's update. The engine checks resources one at a time, so
     * `check` makes no other request, except the package's id when the policy may delete the
     * whole package.
     */
    async list(inputs: VersionRetentionInputs): Promise<Listing> {
        const github = this.github();
        let listed: Omit<Listing, "packageId">;
        try {
            listed = (await this.takePrefetched(inputs)) ?? { at: Date.now(), versions: await new PackageVersionsApi(github).list(inputs, "active") };
        } catch (error) {
            // Only GitHub's own 404 means "no such package": a web page's 404 (apiUrl without /api/v3) keeps its message.
            if (statusOf(error) !== 404 || (error instanceof PackageError && error.problem !== undefined)) {
                throw error;
            }
            // A 404 from an organization the token cannot see (a typo, another organization's token, SSO) says so, not "no such package".
            await this.accessOf(github).assertGone(refOf(inputs), "read");
            throw new UserError(
                `${capitalize(describe({ operation: "read", ...refOf(inputs) }))} does not exist (or the token cannot see it); its retention did nothing. ` +
                    `Give the package's name without an owner or repository prefix, as GitHub shows it, and check the token's read:packages scope.`,
            );
        }
        const packageId = inputs.policy.lastVersion === "delete-package" ? (await new PackagesApi(github).get(inputs))?.packageId : undefined;
        const listing = { packageId, ...listed };
        this.listings.set(retentionId(inputs), listing);
        this.checked.add(retentionId(inputs));
        return listing;
    }

    /** The organization access of `github`'s token, remembered per client. */
    private accessOf(github: GitHub): OrgAccess {
        let access = this.access.get(github);
        if (!access) {
            access = new OrgAccess(new PackagesApi(github));
            this.access.set(github, access);
        }
        return access;
    }

    /**
     * Starts listing, in the background and a few at a time, the packages (`type/name` in the
     * org of `ref`) whose checks come later in this run, so that their checks find them listed.
     * Only a speed-up: a listing that fails is made again by the package's own check.
     */
    prefetch(ref: Pick<PackageRef, "org">, keys: readonly string[]): void {
        const github = this.github();
        for (const key of keys) {
            const pkg = { org: ref.org, ...parsePackageKey(key) };
            const id = retentionId(pkg);
            if (this.prefetched.has(id) || this.checked.has(id)) {
                continue;
            }
            const listing = this.prefetchLimit(async () => ({ at: Date.now(), versions: await new PackageVersionsApi(github).list(pkg, "active") }));
            listing.catch(() => undefined); // its check lists again
            this.prefetched.set(id, listing);
        }
    }

    /** A background listing of the package, if one was started, succeeded and is still fresh; it is used once. */
    private async takePrefetched(ref: PackageRef): Promise<Omit<Listing, "packageId"> | undefined> {
        const listing = this.prefetched.get(retentionId(ref));
        this.prefetched.delete(retentionId(ref));
        return listing?.then(
            (l) => (Date.now() - l.at < LISTING_TTL_MS ? l : undefined),
            () => undefined,
        );
    }

    /** The listing `check` made for this package in this run, if still fresh; it is used once. */
    takeListing(ref: PackageRef): Listing | undefined {
        const listing = this.listings.get(retentionId(ref));
        this.listings.delete(retentionId(ref));
        return listing && Date.now() - listing.at < LISTING_TTL_MS ? listing : undefined;
    }

    /** Forgets the package's listing (its versions changed). */
    forget(ref: PackageRef): void {
        this.listings.delete(retentionId(ref));
    }
}
