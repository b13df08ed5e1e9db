/**
 * The types of the org package provider, in one place: what users pass in, what the
 * provider stores in state, and how it reaches GitHub.
 */

/** The registries GitHub Packages hosts, as the REST API names them. */
export const PACKAGE_TYPES = ["npm", "maven", "rubygems", "docker", "nuget", "container"] as const;

/** A GitHub Packages registry, as the REST API names it. */
export type PackageType = (typeof PACKAGE_TYPES)[number];

/** Who can see a package, as the REST API names it. */
export const VISIBILITIES = ["public", "private", "internal"] as const;

/** Who can see a package. */
export type Visibility = (typeof VISIBILITIES)[number];

/** The desired states a stack can declare for a package. */
export const ENSURES = ["present", "absent"] as const;

/** Whether the stack wants the package to exist (`present`) or to be gone (`absent`). */
export type Ensure = (typeof ENSURES)[number];

/** What to do when GitHub refuses to delete a package (a public one with a version over 5,000 downloads). */
export const UNDELETABLE_ACTIONS = ["fail", "report"] as const;

/** `fail` stops the update with an error; `report` records status `undeletable` and carries on. */
export type UndeletableAction = (typeof UNDELETABLE_ACTIONS)[number];

/** Names one package of one organization. */
export interface PackageRef {
    /** The organization's login, e.g. `acme`. */
    org: string;
    /** The registry the package lives in. */
    packageType: PackageType;
    /** The package's name as GitHub shows it; container names may contain `/`. */
    packageName: string;
}

/** The inputs of an `OrgPackage` resource, as the provider receives them. */
export interface OrgPackageInputs extends PackageRef {
    /** Desired state; `present` adopts (and may restore), `absent` deletes. Defaults to `present`. */
    ensure?: Ensure;
    /** Restore the package when it is missing but still restorable (deleted within 30 days). Defaults to false. */
    restoreIfDeleted?: boolean;
    /** Delete the package on `pulumi destroy` or when the resource leaves the program. Defaults to false. */
    deleteOnDestroy?: boolean;
    /** What a refused delete does. Defaults to `fail`. */
    onUndeletable?: UndeletableAction;
    /** Why the stack declares this package, e.g. the cleanup rule that matched; kept in state, shown in previews. */
    reason?: string;
    /** The visibility the package must have; `pulumi up` fails while GitHub shows another. Unset: any visibility, drift still reported. */
    expectedVisibility?: Visibility;
    /** Whether versions published or deleted are drift (`versionCount`, `updatedAt`). Defaults to true; false when the stack's own retention or frequent publishing changes them. */
    watchVersions?: boolean;
}

/**
 * What the provider found the package to be: `present`, `absent`, `undeletable` (GitHub
 * refused the delete), or `replaced` (a different package, with another GitHub id, now holds
 * the name the stack adopted).
 */
export type PackageStatus = "present" | "absent" | "undeletable" | "replaced";

/** The last change the provider made to the package. */
export type PackageAction = "adopted" | "restored" | "deleted" | "none";

/** The fields of GitHub's package object the provider keeps, in Pulumi's casing. */
export interface PackageFields {
    /** GitHub's numeric id of the package (Pulumi reserves `id` for the resource id). */
    packageId: number;
    /** The package's name. */
    name: string;
    /** Who can see the package. */
    visibility: Visibility;
    /** How many versions the package has. */
    versionCount: number;
    /** The package's REST API URL. */
    url: string;
    /** The package's page on GitHub. */
    htmlUrl: string;
    /** The login of the package's owner (the organization). */
    ownerLogin: string | null;
    /** The full name (`owner/repo`) of the linked repository, or null when there is none. */
    repository: string | null;
    /** When the package was created (ISO 8601). */
    createdAt: string;
    /** When the package was last updated (ISO 8601). */
    updatedAt: string;
}

/** The keys of {@link PackageFields}, in the order outputs show them. */
export const PACKAGE_FIELDS = [
    "packageId",
    "name",
    "visibility",
    "versionCount",
    "url",
    "htmlUrl",
    "ownerLogin",
    "repository",
    "createdAt",
    "updatedAt",
] as const satisfies readonly (keyof PackageFields)[];

/**
 * The fields of {@link PackageFields} an `OrgPackage` keeps in state. Not kept: `name` and
 * `ownerLogin` (the inputs `packageName` and `org` say them) and `url` (the API URL, made of
 * the configured `apiUrl` and the identity): on a self-managed backend every byte a resource
 * stores is written again after each step of an update (docs/scale.md).
 */
export const STORED_FIELDS = ["packageId", "visibility", "versionCount", "htmlUrl", "repository", "createdAt", "updatedAt"] as const satisfies readonly (keyof PackageFields)[];

/** The package fields an `OrgPackage` keeps in state. */
export type StoredFields = Pick<PackageFields, (typeof STORED_FIELDS)[number]>;

/** The fields of a package whose out-of-band change is drift. */
export const DRIFT_FIELDS = ["packageId", "visibility", "repository", "versionCount", "updatedAt"] as const;

/** The drift fields that versions change, left out of drift by `watchVersions: false`. */
export const VERSION_DRIFT_FIELDS = ["versionCount", "updatedAt"] as const satisfies readonly (typeof DRIFT_FIELDS)[number][];

/**
 * What the stack last accepted of its package (at adoption, or the last `pulumi up`): a
 * refresh updates the package's fields but not this, so any difference is drift that
 * `--expect-no-changes` catches until `pulumi up` accepts it.
 */
export type PackageBaseline = Pick<PackageFields, (typeof DRIFT_FIELDS)[number]>;

/**
 * The baseline as state stores it: only the accepted values GitHub no longer shows (the old
 * side of the drift), `{}` when the package is as the stack accepted it. State written by 0.1
 * holds every drift field here, which reads the same.
 */
export type StoredBaseline = Partial<PackageBaseline>;

/** The inputs with defaults applied; `expectedVisibility` stays optional. */
export type OrgPackageSettings = Required<Omit<OrgPackageInputs, "expectedVisibility" | "watchVersions">> & Pick<OrgPackageInputs, "expectedVisibility" | "watchVersions">;

/** The state an `OrgPackage` keeps: its inputs with defaults applied, GitHub's fields and the provider's status. */
export interface OrgPackageState extends OrgPackageSettings, Partial<StoredFields> {
    /** The accepted values that differ from the fields above (drift's old side), `{}` when none do. Null when the stack accepted no package (an absent name); missing only in state written before baselines. */
    baseline?: StoredBaseline | null;
    /** What the provider found after converging. */
    status: PackageStatus;
    /** Why the status is what it is, when that is not obvious (e.g. GitHub's refusal). */
    statusReason: string | null;
    /** The last change the provider made. */
    lastAction: PackageAction;
}

/** How the provider reaches GitHub. */
export interface ClientConfig {
    /** The token; never stored in state or printed. */
    token?: string;
    /** The REST API base URL, e.g. `https://api.github.com` or a GitHub Enterprise Server's `/api/v3`. */
    baseUrl: string;
    /** How many times a request that failed with a 5xx, a timeout or a reset is retried. */
    retries: number;
    /** The unit of the retry back-off in milliseconds (GitHub's `retry-after` is in seconds). */
    retryBaseMs: number;
    /** How long one request may take before it is abandoned and retried, in milliseconds. */
    requestTimeoutMs: number;
    /** How many times a rate-limited request waits and tries again before it fails. */
    rateLimitRetries: number;
    /** The longest wait for a rate limit to reset that is worth it, in seconds; longer fails at once. */
    rateLimitMaxWaitSeconds: number;
    /** The most write requests (DELETE, restore) per minute, spaced evenly; GitHub's secondary limit allows about 180 deletions a minute. */
    writesPerMinute: number;
}

/** Options for listing an organization's packages. */
export interface ListOptions {
    /** The organization's login. */
    org: string;
    /** The registry to list. */
    packageType: PackageType;
    /** Only packages with this visibility; all when omitted. */
    visibility?: Visibility;
}

/**
 * One cleanup rule: a package matches when every criterion the rule sets holds. A rule sets at
 * least one criterion (`olderThan`, `visibility`, `include`, `withoutRepository`,
 * `withoutVersions`); unknown fields are refused. See docs/cleanup.md.
 */
export interface CleanupRule {
    /** A name for the rule, shown as the reason of each deletion. Defaults to `rules[i]`. */
    name?: string;
    /** Only packages of these registries (a non-empty list, e.g. `["npm"]`). Defaults to all six. */
    packageTypes?: PackageType[];
    /** Only packages not updated for longer than this: whole y, mo, w, d, h, largest first (`180d`, `26w`, `6mo`, `1y6mo`); `m`, bare numbers and ISO 8601 are refused. */
    olderThan?: string;
    /** Only packages with this visibility (or one of a non-empty list). */
    visibility?: Visibility | Visibility[];
    /** Only packages matching one of these globs: `type/name` (`npm/legacy-*`) or a bare name (`legacy-*`, `tools/**`); case-insensitive. */
    include?: string[];
    /** Never packages matching one of these globs (`type/name` or bare name), for this rule. */
    exclude?: string[];
    /** `true`: only packages with no linked repository (`false` is refused: it is not a criterion). */
    withoutRepository?: boolean;
    /** `true`: only packages with no versions left (`false` is refused: it is not a criterion). */
    withoutVersions?: boolean;
}

/** What a cleanup deletes from one organization; checked in full before anything is listed. */
export interface CleanupPolicy {
    /** The organization's login. */
    org: string;
    /** The rules (at least one); a package matching any of them is deleted. */
    rules: CleanupRule[];
    /** Globs of packages never deleted, whatever the rules say: `type/name` (`npm/app-web`, `container/platform/**`) or a bare name (`platform/*`, `com.acme.*`); case-insensitive. */
    keep?: string[];
    /** The most packages one run may delete (a whole number >= 0); more matches refuse the whole run. Defaults to 10. */
    maxDeletions?: number;
}

/** One package a cleanup deletes, and why. */
export interface CleanupMatch {
    /** `type/name`. */
    package: string;
    /** The registry. */
    packageType: PackageType;
    /** The package's name. */
    packageName: string;
    /** The name of the first rule that matched. */
    rule: string;
    /** What about the package matched the rule. */
    reason: string;
}

/** What a cleanup policy decided. */
export interface CleanupPlan {
    /** The packages to delete. */
    deletions: CleanupMatch[];
    /** Packages a rule matched but a keep glob saved (`type/name`). */
    kept: string[];
}
