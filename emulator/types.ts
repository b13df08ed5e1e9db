/**
 * The types of the GitHub Packages API emulator, in one place: the seed format (what a
 * test or a script loads), the state the emulator keeps (container manifests included), the
 * admin interface's inputs and outputs (registry pushes included), fault rules, the request
 * log and the options of `createEmulator`.
 */

/** The registries GitHub Packages hosts, as the REST API names them. */
export const PACKAGE_TYPES = ["npm", "maven", "rubygems", "docker", "nuget", "container"] as const;

/** A GitHub Packages registry, as the REST API names it. */
export type PackageType = (typeof PACKAGE_TYPES)[number];

/**
 * The visibilities a package can have. `internal` (visible to the enterprise's members) exists
 * only in registries with granular permissions (container, npm, nuget, rubygems); GitHub's
 * OpenAPI `package` schema lists only `public` and `private`.
 */
export const VISIBILITIES = ["public", "private", "internal"] as const;

/** Who can see a package. */
export type Visibility = (typeof VISIBILITIES)[number];

/** The OAuth scopes a seeded token may carry; only the first four matter to the packages API. */
export const OAUTH_SCOPES = ["read:packages", "write:packages", "delete:packages", "repo", "read:org", "admin:org"] as const;

/** An OAuth scope of a personal access token (classic). */
export type OAuthScope = (typeof OAUTH_SCOPES)[number];

/**
 * The kinds of token GitHub hands out that the emulator tells apart: personal access tokens
 * (classic, `ghp_`), fine-grained personal access tokens (`github_pat_`) and GitHub App
 * installation tokens (`ghs_`, which Actions' `GITHUB_TOKEN` is).
 */
export const TOKEN_KINDS = ["classic", "fine-grained", "installation"] as const;

/** A kind of token. */
export type TokenKind = (typeof TOKEN_KINDS)[number];

/** The roles a repository's workflows can have on a package ("Manage Actions access"). */
export const ACTIONS_ROLES = ["read", "write", "admin"] as const;

/** A role of a repository on a package. */
export type ActionsRole = (typeof ACTIONS_ROLES)[number];

/** A repository's access to a package through "Manage Actions access" in the package's settings. */
export interface ActionsAccess {
    /** The repository's name in the package's organization (without the owner). */
    repository: string;
    /** The role. */
    role: ActionsRole;
}

/**
 * An instant in a seed or an admin call: an ISO 8601 date-time (`2025-01-31T12:00:00Z`),
 * `now`, or a duration relative to now such as `-10d`, `-400d`, `+2h`, `-90m`
 * (units: ms, s, m, h, d, w). Relative instants resolve against the emulator clock.
 */
export type Instant = string;

/** A whole emulated GitHub: organizations with their repositories and packages, and the tokens that may call the API. */
export interface Seed {
    /** The instant the clock starts at when the emulator is created (unless `createEmulator`'s `now` says otherwise); defaults to the real time. */
    now?: Instant;
    /** The organizations. */
    orgs: SeedOrg[];
    /** The tokens the API accepts. */
    tokens: SeedToken[];
}

/** An organization. */
export interface SeedOrg {
    /** The login, e.g. `acme`; matched case-insensitively like GitHub does. */
    login: string;
    /** GitHub's numeric id; assigned deterministically from the seed when omitted. */
    id?: number;
    /** Repositories packages can be linked to; a package naming an undeclared repository creates it. */
    repositories?: SeedRepository[];
    /** The organization's packages, including deleted ones. */
    packages?: SeedPackage[];
    /** Whether the organization enforces SAML single sign-on: personal tokens need an SSO authorization for it. Defaults to false. */
    samlSso?: boolean;
}

/** A repository of an organization, as far as packages need one. */
export interface SeedRepository {
    /** The repository name, without the owner. */
    name: string;
    /** GitHub's numeric id; assigned deterministically when omitted. */
    id?: number;
    /** Whether the repository is private. Defaults to false. */
    private?: boolean;
    /** The repository description. Defaults to null. */
    description?: string | null;
}

/** A package of an organization. */
export interface SeedPackage {
    /** GitHub's numeric id; assigned deterministically when omitted. */
    id?: number;
    /** The package name; container names may contain `/` (e.g. `platform/api-gateway`). */
    name: string;
    /** The registry. */
    packageType: PackageType;
    /** Who can see the package. Defaults to `private`. */
    visibility?: Visibility;
    /** The name of the linked repository in the same organization; omit for a package without one. */
    repository?: string;
    /** When the package was created. Defaults to the clock's start. */
    createdAt?: Instant;
    /** When the package was last updated. Defaults to `createdAt`. */
    updatedAt?: Instant;
    /** When the package was deleted; omit (or null) for an active package. */
    deletedAt?: Instant | null;
    /** The token `POST .../restore?token=` selects a deleted package by; derived from the id and deletion time when omitted. */
    restoreToken?: string;
    /** The versions, including deleted ones. A package given none gets one default version (`1.0.0`, or a digest for container/docker). */
    versions?: SeedVersion[];
    /** Repositories whose workflows may use the package ("Manage Actions access"); the linked repository always has `admin`. */
    actionsAccess?: ActionsAccess[];
}

/** A version of a package. */
export interface SeedVersion {
    /** GitHub's numeric id; assigned deterministically when omitted. */
    id?: number;
    /**
     * The version name (`1.2.3`, or `sha256:...` for container images). Container versions may
     * leave it out: it is then the digest of their manifest (given or generated).
     */
    name?: string;
    /** How often the version was downloaded; GitHub's API does not show this, but the delete rules use it. Defaults to 0. */
    downloads?: number;
    /** Container/docker tags of the version. Defaults to none. */
    tags?: string[];
    /** The license shown on the version. */
    license?: string;
    /** The description shown on the version. */
    description?: string;
    /** When the version was published. Defaults to the package's `createdAt`. */
    createdAt?: Instant;
    /** When the version was last updated. Defaults to its `createdAt`. */
    updatedAt?: Instant;
    /** When the version was deleted; omit (or null) for an active version. */
    deletedAt?: Instant | null;
    /**
     * Container only: the manifest (any JSON object, stored as canonical JSON); the version's
     * name is its digest. Omitted: a generated single-platform image whose digest is the name
     * (a hand-written name that is not that digest leaves the version without a manifest).
     */
    manifest?: { [key: string]: unknown };
    /** Container only: `missing` (the registry lost it: pulls answer MANIFEST_UNKNOWN) or `corrupt` (served truncated). Defaults to `present`. */
    manifestState?: ManifestState;
    /** Container only: the media type the manifest is served with, when it differs from its `mediaType` field. */
    manifestMediaType?: string;
}

/** How the registry holds a version's manifest. */
export const MANIFEST_STATES = ["present", "missing", "corrupt"] as const;

/** `present`: served as stored; `missing`: unknown to the registry though the REST version stays; `corrupt`: served truncated (its bytes no longer match the digest). */
export type ManifestState = (typeof MANIFEST_STATES)[number];

/** A container version's manifest in the emulator's state; its digest is the version's name. */
export interface ManifestRecord {
    /** The canonical JSON text; sha256 of its UTF-8 bytes is the version name. */
    text: string;
    /** The media type it is served with (`Content-Type`). */
    mediaType: string;
    /** Whether the registry serves it. */
    state: ManifestState;
}

/** A token the API accepts, with the scopes GitHub would grant it. */
export interface SeedToken {
    /** The secret, sent as `Authorization: token <secret>` or `Bearer <secret>`. */
    token: string;
    /** The login of the user the token belongs to. Defaults to `emulator-user`. */
    login?: string;
    /** The numeric id of that user; assigned deterministically when omitted. */
    userId?: number;
    /** The OAuth scopes of the token, reported in `x-oauth-scopes`. */
    scopes: OAuthScope[];
    /** The organizations the token can see (others answer 404); omit for all of them. */
    orgs?: string[];
    /** Requests per hour (`x-ratelimit-limit`). Defaults to the emulator's `defaultRateLimit`. */
    rateLimit?: number;
    /** The kind of token; defaults to what the prefix says (`github_pat_`: fine-grained, `ghs_`: installation, else classic). */
    kind?: TokenKind;
    /** Installation tokens: the repository whose workflow holds it, `org/name`; it may only use packages that repository has access to. */
    repository?: string;
    /** Personal tokens: the organizations with SAML SSO the token is authorized for. */
    ssoAuthorized?: string[];
}

/** An organization in the emulator's state. */
export interface OrgRecord {
    /** The login, as spelled in the seed. */
    login: string;
    /** The numeric id. */
    id: number;
    /** The repositories, by name. */
    repositories: Map<string, RepositoryRecord>;
    /** Whether SAML SSO is enforced. */
    samlSso: boolean;
}

/** A repository in the emulator's state. */
export interface RepositoryRecord {
    /** The numeric id. */
    id: number;
    /** The name, without the owner. */
    name: string;
    /** Whether it is private. */
    private: boolean;
    /** Its description. */
    description: string | null;
}

/** A package in the emulator's state; deleted packages stay in the state until they are restored or forever. */
export interface PackageRecord {
    /** The numeric id. */
    id: number;
    /** The owning organization's login. */
    org: string;
    /** The package name. */
    name: string;
    /** The registry. */
    packageType: PackageType;
    /** Who can see it. */
    visibility: Visibility;
    /** The linked repository's name, if any. */
    repository: string | undefined;
    /** Creation time, epoch milliseconds. */
    createdAt: number;
    /** Last update, epoch milliseconds. */
    updatedAt: number;
    /** Deletion time, epoch milliseconds, or undefined while active. */
    deletedAt: number | undefined;
    /** The token that selects this package when several deleted ones share its name. */
    restoreToken: string | undefined;
    /** All versions, including deleted ones. */
    versions: VersionRecord[];
    /** Roles of repositories' workflows, by repository name (the linked repository has `admin` without an entry). */
    actionsAccess: Map<string, ActionsRole>;
}

/** A package version in the emulator's state. */
export interface VersionRecord {
    /** The numeric id. */
    id: number;
    /** The version name. */
    name: string;
    /** The download count. */
    downloads: number;
    /** Container/docker tags. */
    tags: string[];
    /** License, if any. */
    license: string | undefined;
    /** Description, if any. */
    description: string | undefined;
    /** Publication time, epoch milliseconds. */
    createdAt: number;
    /** Last update, epoch milliseconds. */
    updatedAt: number;
    /** Deletion time, epoch milliseconds, or undefined while active. */
    deletedAt: number | undefined;
    /** Container versions: the manifest the registry serves under the version's name (a digest); undefined when it has none. */
    manifest?: ManifestRecord;
}

/** A token in the emulator's state. */
export interface TokenRecord {
    /** The secret. */
    token: string;
    /** The owner's login. */
    login: string;
    /** The owner's numeric id. */
    userId: number;
    /** The granted scopes. */
    scopes: OAuthScope[];
    /** Lower-cased logins of the organizations it can see, or undefined for all. */
    orgs: Set<string> | undefined;
    /** Requests per hour. */
    rateLimit: number;
    /** The kind of token. */
    kind: TokenKind;
    /** Installation tokens: the repository, `org/name` as given. */
    repository: string | undefined;
    /** Lower-cased logins of the SAML SSO organizations it is authorized for. */
    ssoAuthorized: Set<string>;
}

/** Names one package in admin calls. */
export interface PackageKey {
    /** The organization's login. */
    org: string;
    /** The registry. */
    packageType: PackageType;
    /** The package name (unencoded: `platform/api-gateway`). */
    name: string;
}

/** A package to publish through the admin interface (as if someone pushed it to the registry). */
export interface PublishPackageInput {
    /** The package name. */
    name: string;
    /** The registry. */
    packageType: PackageType;
    /** Who can see it. Defaults to `private`. */
    visibility?: Visibility;
    /** The linked repository's name in the organization, if any. */
    repository?: string;
    /** The versions to publish with it; defaults to one default version. */
    versions?: PublishVersionInput[];
}

/** A version to publish through the admin interface. */
export interface PublishVersionInput {
    /** The version name; defaults to a name derived from the new id. */
    name?: string;
    /** Its download count. Defaults to 0. */
    downloads?: number;
    /** Container/docker tags. */
    tags?: string[];
    /** License. */
    license?: string;
    /** Description. */
    description?: string;
}

/** The kinds of faults the emulator can inject. */
export const FAULT_KINDS = ["error", "timeout", "reset", "secondary-rate-limit"] as const;

/**
 * What a fault does: `error` answers a 5xx, `timeout` holds the request (for `delayMs`, then
 * answers normally, or until the client gives up), `reset` destroys the socket without an
 * answer, `secondary-rate-limit` answers 403 with `retry-after` and GitHub's message.
 */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** A fault to inject into GitHub API requests, REST or registry (never into admin requests). */
export interface FaultSpec {
    /** What the fault does. */
    kind: FaultKind;
    /** Only requests with this HTTP method (case-insensitive). */
    method?: string;
    /** Only requests whose raw path (no query, `%2F` kept) matches this pattern; `*` matches any run of characters. */
    path?: string;
    /** Only requests for this OpenAPI operation, e.g. `packages/delete-package-for-org`, or registry operation, e.g. `registry/get-manifest`. */
    operation?: string;
    /** The first matching request (1-based) the fault applies to; earlier ones pass. */
    nth?: number;
    /** The probability (0..1) that an eligible request fails, drawn from the emulator's seeded PRNG. */
    rate?: number;
    /** How many times the fault fires at most. Defaults to 1 when `nth` is set without `rate`, else unlimited. */
    times?: number;
    /** `error`: the status (500-599, default 500); `secondary-rate-limit`: 403 (the default on REST paths) or 429 (the default on registry paths). */
    status?: number;
    /** `error` and `secondary-rate-limit`: the message of the JSON body. */
    message?: string;
    /** `timeout`: how long to hold the request before answering it normally; omit to hold it until the client gives up. */
    delayMs?: number;
    /** `secondary-rate-limit`: the `retry-after` header in seconds. Defaults to 60. */
    retryAfterSeconds?: number;
}

/** An installed fault, with its counters. */
export interface FaultRule extends FaultSpec {
    /** The rule's id, e.g. `fault-1`. */
    id: string;
    /** How many requests matched its filters so far. */
    matched: number;
    /** How many times it fired so far. */
    fired: number;
}

/** How a logged request ended. */
export type RequestOutcome = "pending" | "answered" | "reset" | "abandoned";

/** One GitHub API request, as the request log keeps it. */
export interface RequestLogEntry {
    /** Sequence number, from 1. */
    seq: number;
    /** Which API it was for: GitHub's REST API, or the container registry (`/token`, `/v2/...`). */
    api: "rest" | "registry";
    /** When it arrived, on the emulator clock (ISO 8601). */
    at: string;
    /** When it arrived in real time: milliseconds on the process's monotonic clock (`performance.now()`), for the gaps between requests. */
    arrivedMs: number;
    /** The HTTP method. */
    method: string;
    /** The raw path, without the query. */
    path: string;
    /** The query string, without `?` (empty when none). */
    query: string;
    /** The OpenAPI operation id (`unknown` for REST paths the emulator does not serve), or `registry/...` for registry requests. */
    operation: string;
    /** The login of the token's user, when a known token was sent. */
    login?: string;
    /** The status answered, if one was. */
    status?: number;
    /** How the request ended: answered, reset by a fault, or abandoned by the client while held. */
    outcome: RequestOutcome;
    /** The id of the fault that hit the request, if any. */
    fault?: string;
    /** How many other API requests were still unanswered when this one arrived (overlapping requests show > 0). */
    inFlight: number;
}

/** The request log: counts per operation, and the latest entries. */
export interface RequestLogSnapshot {
    /** All requests since the last reset. */
    total: number;
    /** Requests per OpenAPI operation id since the last reset. */
    counts: Record<string, number>;
    /** The entries, oldest first (the newest `requestLogLimit` of them). */
    entries: RequestLogEntry[];
}

/** The rate limit of one token (or of anonymous callers), as the `x-ratelimit-*` headers report it. */
export interface RateLimitStatus {
    /** Requests allowed per window. */
    limit: number;
    /** Requests left in the window. */
    remaining: number;
    /** Requests used in the window. */
    used: number;
    /** When the window ends, in epoch seconds (on the emulator clock). */
    reset: number;
    /** The rate limit resource; always `core` here. */
    resource: "core";
}

/** Changes to a token's rate limit through the admin interface. */
export interface RateLimitOverride {
    /** The new limit per window. */
    limit?: number;
    /** The requests left in the current window. */
    remaining?: number;
}

/** Options of `createEmulator`; see `DEFAULT_OPTIONS` for the defaults. */
export interface EmulatorOptions {
    /** The port on 127.0.0.1; 0 picks a free one. */
    port?: number;
    /** The state to start with; an empty GitHub when omitted. */
    seed?: Seed;
    /** Where the clock starts; overrides the seed's `now`. */
    now?: Date | number | string;
    /** Whether the clock also moves with real time; by default it only moves when told to. */
    tick?: boolean;
    /** When set, admin requests must send `Authorization: Bearer <adminToken>`. */
    adminToken?: string;
    /** The seed of the PRNG behind `rate` faults. */
    faultSeed?: number;
    /** Requests per hour of tokens whose seed entry sets no `rateLimit`. */
    defaultRateLimit?: number;
    /** Requests per hour of unauthenticated callers (per client address). */
    anonymousRateLimit?: number;
    /** How many request log entries are kept (counts are always exact). */
    requestLogLimit?: number;
    /** GitHub Enterprise Server's layout only: the REST API answers under `/api/v3` alone, other paths get an HTML 404. */
    enterpriseOnly?: boolean;
    /** Milliseconds every GitHub API answer is delayed by (network and GitHub's own time); admin requests never wait. */
    latencyMs?: number;
    /** The most milliseconds added to `latencyMs`, drawn per request from a PRNG seeded with `faultSeed`. */
    latencyJitterMs?: number;
}

/** Names a container image (a `container` package) in the registry admin calls. */
export interface ImageKey {
    /** The organization's login. */
    org: string;
    /** The package name (unencoded, may contain `/`: `platform/api-gateway`). */
    name: string;
}

/** What creating the package on a first push takes (ignored when the package exists). */
export interface ImagePackageInput {
    /** Visibility of a package the push creates. Defaults to `private`, as on ghcr.io. */
    visibility?: Visibility;
    /** Repository a package the push creates is linked to. */
    repository?: string;
}

/** A single-platform image to push. */
export interface PushImageInput extends ImagePackageInput {
    /** Tags to point at it (moved from other versions). Defaults to none: an untagged version. */
    tags?: string[];
    /** `os/architecture[/variant]`. Defaults to `linux/amd64`. */
    platform?: string;
    /** `oci` (default) or `docker` media types. */
    format?: "oci" | "docker";
    /** A base image's name: its layer (per platform) comes first and is shared by every image pushed with the same base. Defaults to none. */
    base?: string;
}

/** A multi-arch image to push: one child manifest per platform, an index over them. */
export interface PushIndexInput extends ImagePackageInput {
    /** Tags to point at the index. Defaults to none. */
    tags?: string[];
    /** The platforms. Defaults to `linux/amd64` and `linux/arm64`. */
    platforms?: string[];
    /** Add a buildx attestation manifest (provenance + SBOM) per platform to the index. Defaults to false. */
    attestations?: boolean;
    /** `oci` (default: OCI image index) or `docker` (manifest list; no attestations). */
    format?: "oci" | "docker";
    /** A base image's name: each platform image's first layer, shared with every image pushed with the same base and platform. Defaults to none. */
    base?: string;
}

/** A cosign signature or attestation to push. */
export interface PushSignatureInput {
    /** `sig` (cosign sign: tag `sha256-<hex>.sig`, the default) or `att` (cosign attest: `.att`). */
    kind?: "sig" | "att";
}

/** An OCI 1.1 referrer (an artifact manifest with `subject`) to push. */
export interface PushReferrerInput {
    /** The artifact type. Defaults to `application/spdx+json` (an SBOM). */
    artifactType?: string;
    /** Also push the referrers tag schema's index (tag `sha256-<hex>` of the subject), as clients do on registries without the referrers API such as ghcr.io. Defaults to true. */
    tagSchema?: boolean;
}

/** What a manifest is in a pushed graph. */
export type ManifestRole = "image" | "index" | "attestation" | "signature" | "referrer" | "referrers-index";

/** One manifest a push stored, as the version it became. */
export interface PushedManifest {
    /** The manifest digest: the version's name. */
    digest: string;
    /** The REST version id. */
    versionId: number;
    /** Its media type. */
    mediaType: string;
    /** The version's tags after the push. */
    tags: string[];
    /** What it is. */
    role: ManifestRole;
    /** `image` children of an index: the platform. */
    platform?: string;
    /** `attestation`, `signature`, `referrer`, `referrers-index`: the digest it is about. */
    subject?: string;
}

/** The result of a push: the top manifest and what it refers to. */
export interface PushedImage extends PushedManifest {
    /** Manifests pushed with it: an index's platform images and attestations, a referrer's tag-schema index. */
    children: PushedManifest[];
}

/** A manifest as the admin interface shows it. */
export interface ManifestInfo {
    /** The digest (the version's name). */
    digest: string;
    /** The REST version id. */
    versionId: number;
    /** The tags. */
    tags: string[];
    /** The media type it is served with. */
    mediaType: string;
    /** Whether the registry serves it. */
    state: ManifestState;
    /** The manifest JSON. */
    json: { [key: string]: unknown };
    /** The version's download count. */
    downloads: number;
}
