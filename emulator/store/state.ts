/**
 * The store: organizations, repositories, packages, versions and tokens. It holds data and
 * changes it synchronously (so concurrent requests never see half a change); GitHub's rules
 * about what may change live in rest/rules.ts and rest/routes.ts.
 */
import { BlobStore } from "./blobs";
import { BuiltManifest, buildManifest, generatedManifest } from "./manifests";
import { hexDigest } from "./random";
import {
    ManifestRecord,
    OrgRecord,
    PackageKey,
    PackageRecord,
    PackageType,
    PublishPackageInput,
    PublishVersionInput,
    RepositoryRecord,
    Seed,
    SeedPackage,
    SeedVersion,
    TokenRecord,
    VersionRecord,
} from "../types";

/** Hands out ids in order, skipping ids the seed already used, so ids follow from the seed alone. */
export class IdSequence {
    constructor(
        private next: number,
        private readonly taken: Set<number> = new Set(),
    ) {}

    /** The next free id. */
    take(): number {
        while (this.taken.has(this.next)) {
            this.next++;
        }
        this.taken.add(this.next);
        return this.next++;
    }
}

/** The id sequences of a store. */
export interface IdSequences {
    /** Package ids. */
    package: IdSequence;
    /** Version ids. */
    version: IdSequence;
    /** Repository ids. */
    repository: IdSequence;
}

/** Everything a store starts with. */
export interface StoreData {
    /** The organizations. */
    orgs: OrgRecord[];
    /** All packages, deleted ones included. */
    packages: PackageRecord[];
    /** The tokens. */
    tokens: TokenRecord[];
    /** Where new ids come from. */
    ids: IdSequences;
    /** The blobs generated manifests point at (a new, empty one when left out). */
    blobs?: BlobStore;
}

/** The default name of a new version: a digest for image registries, a semver-looking name elsewhere. */
export function defaultVersionName(packageType: PackageType, packageName: string, versionId: number, ordinal: number): string {
    return packageType === "container" || packageType === "docker" ? `sha256:${hexDigest(`${packageName}@${versionId}`, 64)}` : `1.0.${ordinal}`;
}

/** The nonce of the manifest generated for the `ordinal`-th version of a container package: stable across restarts and snapshots. */
export function generatedNonce(org: string, packageName: string, ordinal: number): string {
    return `${org.toLowerCase()}/${packageName}#${ordinal}`;
}

/**
 * The name and manifest of a container version: an explicit manifest names the version (a
 * different explicit name is an error); without one, a generated image whose digest is the name
 * when no name is given or the given name is that digest. Any other name gets no manifest.
 * The blobs of a generated image go into `blobs`; a manifest given as JSON brings none (its
 * blobs are served only if the emulator made them before, e.g. for a snapshot loaded again).
 */
export function containerVersion(
    org: string,
    packageName: string,
    ordinal: number,
    name: string | undefined,
    manifest?: object,
    mediaType?: string,
    blobs?: BlobStore,
): { name: string; manifest: ManifestRecord | undefined } {
    if (manifest !== undefined) {
        const built = buildManifest(manifest, mediaType);
        if (name !== undefined && name !== "" && name !== built.digest) {
            throw new Error(`name ${name} is not the digest of the manifest (${built.digest}); leave name out or use that digest`);
        }
        return { name: built.digest, manifest: manifestRecord(built) };
    }
    const generated = generatedManifest(generatedNonce(org, packageName, ordinal));
    if (name === undefined || name === "" || name === generated.digest) {
        blobs?.add(generated.blobs);
        return { name: generated.digest, manifest: manifestRecord(generated) };
    }
    return { name, manifest: undefined };
}

/** A built manifest as the state keeps it (present). */
export function manifestRecord(built: BuiltManifest): ManifestRecord {
    return { text: built.text, mediaType: built.mediaType, state: "present" };
}

/** The emulator's data. */
export class Store {
    private readonly orgsByLogin = new Map<string, OrgRecord>();
    private readonly tokensBySecret = new Map<string, TokenRecord>();
    private readonly packages: PackageRecord[];
    private readonly ids: IdSequences;
    /** The blobs the manifests of this store can point at, by digest. */
    readonly blobs: BlobStore;

    constructor(data: StoreData) {
        for (const org of data.orgs) {
            this.orgsByLogin.set(org.login.toLowerCase(), org);
        }
        for (const token of data.tokens) {
            this.tokensBySecret.set(token.token, token);
        }
        this.packages = data.packages;
        this.ids = data.ids;
        this.blobs = data.blobs ?? new BlobStore();
    }

    /** The organization with `login` (case-insensitive). */
    org(login: string): OrgRecord | undefined {
        return this.orgsByLogin.get(login.toLowerCase());
    }

    /** Adds a token (an admin call checked it); replaces one with the same secret. */
    addToken(token: TokenRecord): void {
        this.tokensBySecret.set(token.token, token);
    }

    /** Every token. */
    tokens(): TokenRecord[] {
        return [...this.tokensBySecret.values()];
    }

    /** The token whose secret is `secret`. */
    token(secret: string): TokenRecord | undefined {
        return this.tokensBySecret.get(secret);
    }

    /** The active (not deleted) package `key` names. */
    activePackage(key: PackageKey): PackageRecord | undefined {
        return this.packages.find((pkg) => pkg.deletedAt === undefined && sameName(pkg, key));
    }

    /** The deleted packages with the name `key` gives, oldest deletion first. */
    deletedPackages(key: PackageKey): PackageRecord[] {
        return this.packages
            .filter((pkg) => pkg.deletedAt !== undefined && sameName(pkg, key))
            .sort((a, b) => (a.deletedAt ?? 0) - (b.deletedAt ?? 0) || a.id - b.id);
    }

    /** The active packages of one registry of `org`, in the order GitHub lists them (oldest first). */
    activePackages(org: OrgRecord, packageType: PackageType): PackageRecord[] {
        return this.packages
            .filter((pkg) => pkg.deletedAt === undefined && pkg.packageType === packageType && pkg.org === org.login)
            .sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
    }

    /** The repository `name` of `org`, created (public, no description) when it does not exist. */
    ensureRepository(org: OrgRecord, name: string, isPrivate = false): RepositoryRecord {
        let repository = org.repositories.get(name);
        if (!repository) {
            repository = { id: this.ids.repository.take(), name, private: isPrivate, description: null };
            org.repositories.set(name, repository);
        }
        return repository;
    }

    /** Adds a package (and its versions) to `org` at `now`. The caller checks that the name is free. */
    addPackage(org: OrgRecord, input: PublishPackageInput, now: number): PackageRecord {
        const pkg = this.addEmptyPackage(org, input, now);
        for (const version of input.versions?.length ? input.versions : [{}]) {
            this.addVersion(pkg, version, now);
        }
        return pkg;
    }

    /** Adds a package without versions (a push adds them next). The caller checks that the name is free. */
    addEmptyPackage(org: OrgRecord, input: Omit<PublishPackageInput, "versions">, now: number): PackageRecord {
        const visibility = input.visibility ?? "private";
        if (input.repository !== undefined) {
            this.ensureRepository(org, input.repository, visibility !== "public");
        }
        const pkg: PackageRecord = {
            id: this.ids.package.take(),
            org: org.login,
            name: input.name,
            packageType: input.packageType,
            visibility,
            repository: input.repository,
            createdAt: now,
            updatedAt: now,
            deletedAt: undefined,
            restoreToken: undefined,
            versions: [],
            actionsAccess: new Map(),
        };
        this.packages.push(pkg);
        return pkg;
    }

    /** Publishes a version of `pkg` at `now`; the package counts as updated. */
    addVersion(pkg: PackageRecord, input: PublishVersionInput, now: number): VersionRecord {
        const id = this.ids.version.take();
        const image = pkg.packageType === "container" ? containerVersion(pkg.org, pkg.name, pkg.versions.length, input.name, undefined, undefined, this.blobs) : undefined;
        const version: VersionRecord = {
            id,
            name: image?.name ?? input.name ?? defaultVersionName(pkg.packageType, pkg.name, id, pkg.versions.length),
            downloads: input.downloads ?? 0,
            tags: input.tags ?? [],
            license: input.license,
            description: input.description,
            createdAt: now,
            updatedAt: now,
            deletedAt: undefined,
            ...(image?.manifest ? { manifest: image.manifest } : {}),
        };
        pkg.versions.push(version);
        pkg.updatedAt = now;
        return version;
    }

    /**
     * Stores a pushed manifest of a container package as a version named by its digest, with
     * `tags` (moved from whichever version had them). An active version with the same digest is
     * reused, as a registry stores a manifest once.
     */
    addManifest(pkg: PackageRecord, manifest: BuiltManifest, tags: readonly string[], now: number): VersionRecord {
        this.blobs.add(manifest.blobs);
        let version = pkg.versions.find((candidate) => candidate.deletedAt === undefined && candidate.name === manifest.digest);
        if (!version) {
            version = {
                id: this.ids.version.take(),
                name: manifest.digest,
                downloads: 0,
                tags: [],
                license: undefined,
                description: undefined,
                createdAt: now,
                updatedAt: now,
                deletedAt: undefined,
                manifest: manifestRecord(manifest),
            };
            pkg.versions.push(version);
        }
        for (const tag of tags) {
            this.tag(pkg, version, tag, now);
        }
        pkg.updatedAt = now;
        return version;
    }

    /** Points `tag` at `version`, taking it from any other active version of `pkg` (a tag names one manifest). */
    tag(pkg: PackageRecord, version: VersionRecord, tag: string, now: number): void {
        for (const other of pkg.versions) {
            if (other !== version && other.deletedAt === undefined && other.tags.includes(tag)) {
                other.tags = other.tags.filter((candidate) => candidate !== tag);
                other.updatedAt = now;
            }
        }
        if (!version.tags.includes(tag)) {
            version.tags.push(tag);
            version.updatedAt = now;
        }
    }

    /** The active version of `pkg` that `tag` names (the newest, should a restore have left two). */
    taggedVersion(pkg: PackageRecord, tag: string): VersionRecord | undefined {
        return pkg.versions
            .filter((version) => version.deletedAt === undefined && version.tags.includes(tag))
            .sort((a, b) => b.updatedAt - a.updatedAt || b.id - a.id)[0];
    }

    /** Marks `pkg` deleted at `now` and gives it a restore token. */
    deletePackage(pkg: PackageRecord, now: number): void {
        pkg.deletedAt = now;
        pkg.restoreToken = pkg.restoreToken ?? restoreTokenFor(pkg.id, now);
    }

    /** Brings a deleted `pkg` back. */
    restorePackage(pkg: PackageRecord): void {
        pkg.deletedAt = undefined;
        pkg.restoreToken = undefined;
    }

    /** The state as a seed: every id and time explicit, so loading it gives this state again. */
    snapshot(): Seed {
        const orgs = [...this.orgsByLogin.values()].map((org) => ({
            login: org.login,
            id: org.id,
            repositories: [...org.repositories.values()].map((repo) => ({ ...repo })),
            ...(org.samlSso ? { samlSso: true } : {}),
            packages: this.packages.filter((pkg) => pkg.org === org.login).map(packageSnapshot),
        }));
        const tokens = [...this.tokensBySecret.values()].map((token) => ({
            token: token.token,
            login: token.login,
            userId: token.userId,
            scopes: [...token.scopes],
            ...(token.orgs ? { orgs: [...token.orgs] } : {}),
            rateLimit: token.rateLimit,
            kind: token.kind,
            ...(token.repository !== undefined ? { repository: token.repository } : {}),
            ...(token.ssoAuthorized.size > 0 ? { ssoAuthorized: [...token.ssoAuthorized] } : {}),
        }));
        return { orgs, tokens };
    }
}

/** The restore token of a package deleted at `deletedAt`; deterministic so restarts agree. */
export function restoreTokenFor(packageId: number, deletedAt: number): string {
    return hexDigest(`restore:${packageId}:${deletedAt}`, 20);
}

function sameName(pkg: PackageRecord, key: PackageKey): boolean {
    return pkg.packageType === key.packageType && pkg.name === key.name && pkg.org.toLowerCase() === key.org.toLowerCase();
}

/** An instant for a snapshot: exact to the millisecond, unlike GitHub's whole-second timestamps. */
function exact(ms: number): string {
    return new Date(ms).toISOString();
}

/** A package as a seed entry (ids and instants explicit). */
export function packageSnapshot(pkg: PackageRecord): SeedPackage {
    return {
        id: pkg.id,
        name: pkg.name,
        packageType: pkg.packageType,
        visibility: pkg.visibility,
        ...(pkg.repository !== undefined ? { repository: pkg.repository } : {}),
        createdAt: exact(pkg.createdAt),
        updatedAt: exact(pkg.updatedAt),
        ...(pkg.deletedAt !== undefined ? { deletedAt: exact(pkg.deletedAt), restoreToken: pkg.restoreToken } : {}),
        versions: pkg.versions.map(versionSnapshot),
        ...(pkg.actionsAccess.size > 0 ? { actionsAccess: [...pkg.actionsAccess].map(([repository, role]) => ({ repository, role })) } : {}),
    };
}

/** A version as a seed entry (ids and instants explicit). */
export function versionSnapshot(version: VersionRecord): SeedVersion {
    return {
        id: version.id,
        name: version.name,
        downloads: version.downloads,
        tags: [...version.tags],
        ...(version.license !== undefined ? { license: version.license } : {}),
        ...(version.description !== undefined ? { description: version.description } : {}),
        createdAt: exact(version.createdAt),
        updatedAt: exact(version.updatedAt),
        ...(version.deletedAt !== undefined ? { deletedAt: exact(version.deletedAt) } : {}),
        ...(version.manifest ? manifestSnapshot(version.manifest) : {}),
    };
}

/** A manifest as seed fields: the JSON, plus its state and media type when they are not the defaults. */
function manifestSnapshot(manifest: ManifestRecord): Pick<SeedVersion, "manifest" | "manifestState" | "manifestMediaType"> {
    const json = JSON.parse(manifest.text) as { [key: string]: unknown };
    return {
        manifest: json,
        ...(manifest.state !== "present" ? { manifestState: manifest.state } : {}),
        ...(manifest.mediaType !== buildManifest(json).mediaType ? { manifestMediaType: manifest.mediaType } : {}),
    };
}
