/**
 * The store: organizations, repositories, packages, versions and tokens. It holds data and
 * changes it synchronously (so concurrent requests never see half a change); GitHub's rules
 * about what may change live in rest/rules.ts and rest/routes.ts.
 */
import { hexDigest } from "./random";
import {
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
}

/** The default name of a new version: a digest for image registries, a semver-looking name elsewhere. */
export function defaultVersionName(packageType: PackageType, packageName: string, versionId: number, ordinal: number): string {
    return packageType === "container" || packageType === "docker" ? `sha256:${hexDigest(`${packageName}@${versionId}`, 64)}` : `1.0.${ordinal}`;
}

/** The emulator's data. */
export class Store {
    private readonly orgsByLogin = new Map<string, OrgRecord>();
    private readonly tokensBySecret = new Map<string, TokenRecord>();
    private readonly packages: PackageRecord[];
    private readonly ids: IdSequences;

    constructor(data: StoreData) {
        for (const org of data.orgs) {
            this.orgsByLogin.set(org.login.toLowerCase(), org);
        }
        for (const token of data.tokens) {
            this.tokensBySecret.set(token.token, token);
        }
        this.packages = data.packages;
        this.ids = data.ids;
    }

    /** The organization with `login` (case-insensitive). */
    org(login: string): OrgRecord | undefined {
        return this.orgsByLogin.get(login.toLowerCase());
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
        };
        this.packages.push(pkg);
        for (const version of input.versions?.length ? input.versions : [{}]) {
            this.addVersion(pkg, version, now);
        }
        return pkg;
    }

    /** Publishes a version of `pkg` at `now`; the package counts as updated. */
    addVersion(pkg: PackageRecord, input: PublishVersionInput, now: number): VersionRecord {
        const id = this.ids.version.take();
        const version: VersionRecord = {
            id,
            name: input.name ?? defaultVersionName(pkg.packageType, pkg.name, id, pkg.versions.length),
            downloads: input.downloads ?? 0,
            tags: input.tags ?? [],
            license: input.license,
            description: input.description,
            createdAt: now,
            updatedAt: now,
            deletedAt: undefined,
        };
        pkg.versions.push(version);
        pkg.updatedAt = now;
        return version;
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
            packages: this.packages.filter((pkg) => pkg.org === org.login).map(packageSnapshot),
        }));
        const tokens = [...this.tokensBySecret.values()].map((token) => ({
            token: token.token,
            login: token.login,
            userId: token.userId,
            scopes: [...token.scopes],
            ...(token.orgs ? { orgs: [...token.orgs] } : {}),
            rateLimit: token.rateLimit,
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
    };
}
