/**
 * Seeds: checking that a JSON value is a {@link Seed} (with messages that name the bad
 * field), and turning a seed into a {@link Store}. Ids the seed leaves out are assigned in
 * seed order from fixed starting points, so the same seed always gives the same ids.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parseInstant } from "./clock";
import { tokenKindOf, visibilityProblem } from "../rest/github";
import { BlobStore } from "./blobs";
import { IdSequence, Store, containerVersion, defaultVersionName, restoreTokenFor } from "./state";
import {
    ACTIONS_ROLES,
    MANIFEST_STATES,
    TOKEN_KINDS,
    TokenKind,
    OAUTH_SCOPES,
    OrgRecord,
    PACKAGE_TYPES,
    PackageType,
    PackageRecord,
    RepositoryRecord,
    Seed,
    SeedOrg,
    SeedPackage,
    SeedRepository,
    SeedToken,
    SeedVersion,
    TokenRecord,
    VISIBILITIES,
    VersionRecord,
    Visibility,
} from "../types";

/** Where assigned ids start, per kind; far apart so an id says what it is. */
export const ID_BASES = { org: 9_000_001, user: 1_000_001, repository: 700_000_001, package: 100_001, version: 5_000_001 } as const;

/** The sample seed: organization `acme` with packages of every registry and three tokens. */
export const DEMO_SEED_PATH = path.join(__dirname, "..", "seeds", "demo.json");

/** The login of a seeded token whose entry names none. */
export const DEFAULT_TOKEN_LOGIN = "emulator-user";

/** A seed that is not valid; the message names the field, e.g. `orgs[0].packages[2].packageType`. */
export class SeedError extends Error {
    override readonly name = "SeedError";
}

/** Reads and validates a seed file. */
export function readSeedFile(file: string): Seed {
    let parsed: unknown;
    try {
        parsed = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
        throw new SeedError(`Cannot read seed ${file}: ${(error as Error).message}`);
    }
    return validateSeed(parsed);
}

/** Checks that `value` is a valid seed and returns it typed; throws {@link SeedError} otherwise. */
export function validateSeed(value: unknown): Seed {
    const seed = record(value, "seed", ["now", "orgs", "tokens"]);
    optionalInstant(seed.now, "now");
    const orgs = list(seed.orgs, "orgs");
    orgs.forEach((org, i) => checkOrg(org, `orgs[${i}]`));
    list(seed.tokens, "tokens").forEach((token, i) => checkToken(token, `tokens[${i}]`));
    unique(orgs.map((org) => (org as SeedOrg).login.toLowerCase()), "orgs[].login");
    unique(list(seed.tokens, "tokens").map((token) => (token as SeedToken).token), "tokens[].token");
    const typed = value as Seed;
    for (const org of typed.orgs) {
        // At most one active package per name and registry, as on GitHub.
        unique(
            (org.packages ?? []).filter((pkg) => !pkg.deletedAt).map((pkg) => `${pkg.packageType}/${pkg.name}`),
            `orgs[${org.login}].packages (active)`,
        );
    }
    const ids = (pick: (org: SeedOrg) => (number | undefined)[]): number[] =>
        typed.orgs.flatMap(pick).filter((id): id is number => id !== undefined);
    unique(ids((org) => [org.id]), "orgs[].id");
    unique(ids((org) => (org.repositories ?? []).map((repo) => repo.id)), "repositories[].id");
    unique(ids((org) => (org.packages ?? []).map((pkg) => pkg.id)), "packages[].id");
    unique(ids((org) => (org.packages ?? []).flatMap((pkg) => (pkg.versions ?? []).map((v) => v.id))), "versions[].id");
    return typed;
}

function checkOrg(value: unknown, path: string): void {
    const org = record(value, path, ["login", "id", "repositories", "packages", "samlSso"]);
    text(org.login, `${path}.login`);
    if (org.samlSso !== undefined && typeof org.samlSso !== "boolean") {
        throw new SeedError(`${path}.samlSso must be a boolean`);
    }
    optionalId(org.id, `${path}.id`);
    optionalList(org.repositories, `${path}.repositories`).forEach((repo, i) => checkRepository(repo, `${path}.repositories[${i}]`));
    optionalList(org.packages, `${path}.packages`).forEach((pkg, i) => checkPackage(pkg, `${path}.packages[${i}]`));
}

function checkRepository(value: unknown, path: string): void {
    const repo = record(value, path, ["name", "id", "private", "description"]);
    text(repo.name, `${path}.name`);
    optionalId(repo.id, `${path}.id`);
    if (repo.private !== undefined && typeof repo.private !== "boolean") {
        throw new SeedError(`${path}.private must be a boolean`);
    }
    if (repo.description !== undefined && repo.description !== null && typeof repo.description !== "string") {
        throw new SeedError(`${path}.description must be a string or null`);
    }
}

function checkPackage(value: unknown, path: string): void {
    const pkg = record(value, path, [
        "id",
        "name",
        "packageType",
        "visibility",
        "repository",
        "createdAt",
        "updatedAt",
        "deletedAt",
        "restoreToken",
        "versions",
        "actionsAccess",
    ]);
    optionalId(pkg.id, `${path}.id`);
    text(pkg.name, `${path}.name`);
    oneOf(pkg.packageType, PACKAGE_TYPES, `${path}.packageType`);
    if (pkg.visibility !== undefined) {
        oneOf(pkg.visibility, VISIBILITIES, `${path}.visibility`);
        const problem = visibilityProblem(pkg.packageType as PackageType, pkg.visibility as Visibility);
        if (problem) {
            throw new SeedError(`${path}.visibility: ${problem}`);
        }
    }
    optionalText(pkg.repository, `${path}.repository`);
    optionalInstant(pkg.createdAt, `${path}.createdAt`);
    optionalInstant(pkg.updatedAt, `${path}.updatedAt`);
    optionalInstant(pkg.deletedAt, `${path}.deletedAt`);
    optionalText(pkg.restoreToken, `${path}.restoreToken`);
    optionalList(pkg.actionsAccess, `${path}.actionsAccess`).forEach((entry, i) => {
        const access = record(entry, `${path}.actionsAccess[${i}]`, ["repository", "role"]);
        text(access.repository, `${path}.actionsAccess[${i}].repository`);
        oneOf(access.role, ACTIONS_ROLES, `${path}.actionsAccess[${i}].role`);
    });
    const container = pkg.packageType === "container";
    optionalList(pkg.versions, `${path}.versions`).forEach((version, i) => checkVersion(version, `${path}.versions[${i}]`, container));
}

const VERSION_FIELDS = ["id", "name", "downloads", "tags", "license", "description", "createdAt", "updatedAt", "deletedAt"];
const MANIFEST_FIELDS = ["manifest", "manifestState", "manifestMediaType"];

function checkVersion(value: unknown, path: string, container: boolean): void {
    const version = record(value, path, container ? [...VERSION_FIELDS, ...MANIFEST_FIELDS] : VERSION_FIELDS);
    optionalId(version.id, `${path}.id`);
    if (container) {
        optionalText(version.name, `${path}.name`);
        checkManifest(version, path);
    } else {
        text(version.name, `${path}.name`);
    }
    if (version.downloads !== undefined && !(Number.isInteger(version.downloads) && (version.downloads as number) >= 0)) {
        throw new SeedError(`${path}.downloads must be a whole number >= 0`);
    }
    optionalList(version.tags, `${path}.tags`).forEach((tag, i) => text(tag, `${path}.tags[${i}]`));
    optionalText(version.license, `${path}.license`);
    optionalText(version.description, `${path}.description`);
    optionalInstant(version.createdAt, `${path}.createdAt`);
    optionalInstant(version.updatedAt, `${path}.updatedAt`);
    optionalInstant(version.deletedAt, `${path}.deletedAt`);
}

/** A container version's manifest fields: a JSON object whose digest is the name, a known state, a media type. */
function checkManifest(version: Record<string, unknown>, path: string): void {
    if (version.manifest !== undefined) {
        if (typeof version.manifest !== "object" || version.manifest === null || Array.isArray(version.manifest)) {
            throw new SeedError(`${path}.manifest must be a JSON object (the image manifest or index)`);
        }
        try {
            containerVersion("", "", 0, version.name as string | undefined, version.manifest);
        } catch (error) {
            throw new SeedError(`${path}.${(error as Error).message}`);
        }
    }
    if (version.manifestState !== undefined) {
        oneOf(version.manifestState, MANIFEST_STATES, `${path}.manifestState`);
    }
    optionalText(version.manifestMediaType, `${path}.manifestMediaType`);
    if (version.manifest === undefined && (version.manifestState !== undefined || version.manifestMediaType !== undefined)) {
        throw new SeedError(`${path}.manifestState and manifestMediaType need ${path}.manifest`);
    }
}

/** Checks one token entry of a seed (or of an admin call); throws {@link SeedError} naming the field. */
export function checkToken(value: unknown, path: string): void {
    const token = record(value, path, ["token", "login", "userId", "scopes", "orgs", "rateLimit", "kind", "repository", "ssoAuthorized"]);
    text(token.token, `${path}.token`);
    optionalText(token.login, `${path}.login`);
    optionalId(token.userId, `${path}.userId`);
    list(token.scopes, `${path}.scopes`).forEach((scope, i) => oneOf(scope, OAUTH_SCOPES, `${path}.scopes[${i}]`));
    optionalList(token.orgs, `${path}.orgs`).forEach((org, i) => text(org, `${path}.orgs[${i}]`));
    optionalId(token.rateLimit, `${path}.rateLimit`);
    if (token.kind !== undefined) {
        oneOf(token.kind, TOKEN_KINDS, `${path}.kind`);
    }
    const kind = (token.kind as TokenKind | undefined) ?? tokenKindOf(token.token as string);
    optionalText(token.repository, `${path}.repository`);
    if (kind === "installation" && !(typeof token.repository === "string" && /^[^/\s]+\/[^/\s]+$/.test(token.repository))) {
        throw new SeedError(`${path}.repository must name the repository an installation token belongs to, as "org/name"`);
    }
    if (kind !== "installation" && token.repository !== undefined) {
        throw new SeedError(`${path}.repository is only for installation tokens (kind "installation" or a ghs_ token)`);
    }
    optionalList(token.ssoAuthorized, `${path}.ssoAuthorized`).forEach((org, i) => text(org, `${path}.ssoAuthorized[${i}]`));
}

function record(value: unknown, path: string, keys: string[]): Record<string, unknown> {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new SeedError(`${path} must be an object`);
    }
    const unknownKey = Object.keys(value).find((key) => !keys.includes(key));
    if (unknownKey !== undefined) {
        throw new SeedError(`${path}.${unknownKey} is not a seed field (expected one of: ${keys.join(", ")})`);
    }
    return value as Record<string, unknown>;
}

function list(value: unknown, path: string): unknown[] {
    if (!Array.isArray(value)) {
        throw new SeedError(`${path} must be an array`);
    }
    return value;
}

function optionalList(value: unknown, path: string): unknown[] {
    return value === undefined ? [] : list(value, path);
}

function text(value: unknown, path: string): void {
    if (typeof value !== "string" || value === "") {
        throw new SeedError(`${path} must be a non-empty string`);
    }
}

function optionalText(value: unknown, path: string): void {
    if (value !== undefined) {
        text(value, path);
    }
}

function optionalId(value: unknown, path: string): void {
    if (value !== undefined && !(Number.isInteger(value) && (value as number) > 0)) {
        throw new SeedError(`${path} must be a whole number > 0`);
    }
}

function oneOf(value: unknown, allowed: readonly string[], path: string): void {
    if (typeof value !== "string" || !allowed.includes(value)) {
        throw new SeedError(`${path} must be one of ${allowed.join(", ")}, got ${JSON.stringify(value)}`);
    }
}

function optionalInstant(value: unknown, path: string): void {
    if (value === undefined || value === null) {
        return;
    }
    if (typeof value !== "string") {
        throw new SeedError(`${path} must be a string (ISO 8601, "now" or a relative duration such as -10d)`);
    }
    try {
        parseInstant(value, 0);
    } catch (error) {
        throw new SeedError(`${path}: ${(error as Error).message}`);
    }
}

function unique(values: string[] | number[], path: string): void {
    const seen = new Set<string | number>();
    for (const value of values) {
        if (seen.has(value)) {
            throw new SeedError(`${path}: ${JSON.stringify(value)} appears more than once`);
        }
        seen.add(value);
    }
}

/**
 * Builds the store a seed describes. Relative instants (`-10d`) resolve against `reference`;
 * tokens without a `rateLimit` get `defaultRateLimit`. Generated images put their blobs in `blobs`.
 */
export function buildStore(seed: Seed, reference: number, defaultRateLimit: number, blobs: BlobStore = new BlobStore()): Store {
    const explicit = (ids: (number | undefined)[]): Set<number> => new Set(ids.filter((id): id is number => id !== undefined));
    const packages = seed.orgs.flatMap((org) => org.packages ?? []);
    const sequences = {
        org: new IdSequence(ID_BASES.org, explicit(seed.orgs.map((org) => org.id))),
        user: new IdSequence(ID_BASES.user, explicit(seed.tokens.map((token) => token.userId))),
        repository: new IdSequence(ID_BASES.repository, explicit(seed.orgs.flatMap((org) => (org.repositories ?? []).map((repo) => repo.id)))),
        package: new IdSequence(ID_BASES.package, explicit(packages.map((pkg) => pkg.id))),
        version: new IdSequence(ID_BASES.version, explicit(packages.flatMap((pkg) => (pkg.versions ?? []).map((version) => version.id)))),
    };
    const at = (instant: string | null | undefined, fallback: number): number =>
        instant === undefined || instant === null ? fallback : parseInstant(instant, reference);

    const orgs: OrgRecord[] = [];
    const records: PackageRecord[] = [];
    for (const org of seed.orgs) {
        const orgRecord: OrgRecord = { login: org.login, id: org.id ?? sequences.org.take(), repositories: new Map(), samlSso: org.samlSso ?? false };
        orgs.push(orgRecord);
        for (const repo of org.repositories ?? []) {
            orgRecord.repositories.set(repo.name, repositoryRecord(repo, sequences.repository));
        }
        for (const pkg of org.packages ?? []) {
            records.push(packageRecord(pkg, orgRecord, sequences, at, reference, blobs));
        }
    }

    const userIds = new Map<string, number>();
    for (const token of seed.tokens) {
        if (token.userId !== undefined) {
            userIds.set(token.login ?? DEFAULT_TOKEN_LOGIN, token.userId);
        }
    }
    const tokens: TokenRecord[] = seed.tokens.map((token) => {
        const login = token.login ?? DEFAULT_TOKEN_LOGIN;
        const userId = token.userId ?? userIds.get(login) ?? sequences.user.take();
        userIds.set(login, userId);
        return tokenRecord(token, login, userId, defaultRateLimit);
    });

    return new Store({ orgs, packages: records, tokens, ids: sequences, blobs });
}

/** The state's record of a checked token entry. */
export function tokenRecord(token: SeedToken, login: string, userId: number, defaultRateLimit: number): TokenRecord {
    return {
        token: token.token,
        login,
        userId,
        scopes: [...token.scopes],
        orgs: token.orgs ? new Set(token.orgs.map((org) => org.toLowerCase())) : undefined,
        rateLimit: token.rateLimit ?? defaultRateLimit,
        kind: token.kind ?? tokenKindOf(token.token),
        repository: token.repository,
        ssoAuthorized: new Set((token.ssoAuthorized ?? []).map((org) => org.toLowerCase())),
    };
}

function repositoryRecord(repo: SeedRepository, ids: IdSequence): RepositoryRecord {
    return { id: repo.id ?? ids.take(), name: repo.name, private: repo.private ?? false, description: repo.description ?? null };
}

function packageRecord(
    pkg: SeedPackage,
    org: OrgRecord,
    ids: { package: IdSequence; version: IdSequence; repository: IdSequence },
    at: (instant: string | null | undefined, fallback: number) => number,
    reference: number,
    blobs: BlobStore,
): PackageRecord {
    const createdAt = at(pkg.createdAt, reference);
    const visibility = pkg.visibility ?? "private";
    if (pkg.repository !== undefined && !org.repositories.has(pkg.repository)) {
        org.repositories.set(pkg.repository, { id: ids.repository.take(), name: pkg.repository, private: visibility !== "public", description: null });
    }
    const record: PackageRecord = {
        id: pkg.id ?? ids.package.take(),
        org: org.login,
        name: pkg.name,
        packageType: pkg.packageType,
        visibility,
        repository: pkg.repository,
        createdAt,
        updatedAt: at(pkg.updatedAt, createdAt),
        deletedAt: pkg.deletedAt ? at(pkg.deletedAt, reference) : undefined,
        restoreToken: undefined,
        versions: [],
        actionsAccess: new Map((pkg.actionsAccess ?? []).map((access) => [access.repository, access.role])),
    };
    // Every package on GitHub has a version; an empty name asks for the default one.
    const versions: SeedVersion[] = pkg.versions?.length ? pkg.versions : [{}];
    record.versions = versions.map((version, ordinal) => versionRecord(version, record, ordinal, ids.version, at, blobs));
    if (record.deletedAt !== undefined) {
        record.restoreToken = pkg.restoreToken ?? restoreTokenFor(record.id, record.deletedAt);
    }
    return record;
}

function versionRecord(
    version: SeedVersion,
    pkg: PackageRecord,
    ordinal: number,
    ids: IdSequence,
    at: (instant: string | null | undefined, fallback: number) => number,
    blobs: BlobStore,
): VersionRecord {
    const id = version.id ?? ids.take();
    const createdAt = at(version.createdAt, pkg.createdAt);
    const image =
        pkg.packageType === "container"
            ? containerVersion(pkg.org, pkg.name, ordinal, version.name, version.manifest, version.manifestMediaType, blobs)
            : undefined;
    if (image?.manifest && version.manifestState) {
        image.manifest.state = version.manifestState;
    }
    return {
        id,
        name: image?.name ?? (version.name || defaultVersionName(pkg.packageType, pkg.name, id, ordinal)),
        downloads: version.downloads ?? 0,
        tags: [...(version.tags ?? [])],
        license: version.license,
        description: version.description,
        createdAt,
        updatedAt: at(version.updatedAt, createdAt),
        deletedAt: version.deletedAt ? at(version.deletedAt, createdAt) : undefined,
        ...(image?.manifest ? { manifest: image.manifest } : {}),
    };
}
