/**
 * What the emulator knows about GitHub, in one place: limits, error messages and
 * documentation links, each with where it comes from. emulator/README.md lists the sources.
 */
import { PackageType, TokenKind, Visibility } from "../types";

const DAY_MS = 86_400_000;

/** GitHub's limits and constants that the packages endpoints follow. */
export const GITHUB = {
    /** The REST API version the emulator answers as (`x-github-api-version-selected`). */
    apiVersion: "2022-11-28",
    /** Where GitHub's web pages live; html_url fields point here, not at the emulator. */
    webBase: "https://github.com",
    /** Where avatars live. */
    avatarsBase: "https://avatars.githubusercontent.com",
    /** Page size when `per_page` is not given (OpenAPI: default 30). */
    defaultPerPage: 30,
    /** The largest page (OpenAPI: "max 100"); larger values are capped, as GitHub does. */
    maxPerPage: 100,
    /** `per_page` times `page` may not exceed this (OpenAPI `package_es_list_error`). */
    maxListWindow: 10_000,
    /** A public package (version) with a version downloaded more than this often cannot be deleted (REST docs). */
    undeletableDownloads: 5000,
    /** Deleted packages and versions can be restored this long (REST docs: "within the last 30 days"). */
    restoreWindowMs: 30 * DAY_MS,
    /** The primary rate limit window. */
    rateLimitWindowMs: 3_600_000,
    /** `retry-after` of a secondary rate limit when a fault does not set one. */
    secondaryRetryAfterSeconds: 60,
} as const;

/**
 * Registries that only support repository-scoped permissions ("About permissions for GitHub
 * Packages"): Apache Maven/Gradle (`maven`) and the Docker registry (`docker`,
 * docker.pkg.github.com). Deleting or restoring their packages also needs the `repo` scope.
 */
export const REPOSITORY_SCOPED_TYPES: readonly PackageType[] = ["maven", "docker"];

/** Documentation links GitHub puts in error bodies that are not about one operation. */
export const DOCS = {
    rest: "https://docs.github.com/rest",
    rateLimits: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
    secondaryRateLimits: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
} as const;

/** The messages of GitHub's error bodies, as GitHub words them. */
export const MESSAGES = {
    requiresAuthentication: "Requires authentication",
    badCredentials: "Bad credentials",
    notFound: "Not Found",
    packageNotFound: "Package not found.",
    versionNotFound: "Package version not found.",
    packageTypeInvalid: "The package_type parameter is invalid.",
    packageTypeRequired: "The package_type parameter is required.",
    visibilityInvalid: "The visibility parameter is invalid.",
    stateInvalid: "The state parameter is invalid.",
    listWindow: "The per_page and page parameters are invalid. The value of per_page multipled by page cannot be greater than 10000.",
    undeletablePackage:
        "Publicly visible packages with a version with more than 5000 downloads cannot be deleted. Contact GitHub support for further assistance.",
    undeletableVersion: "Publicly visible package versions with more than 5000 downloads cannot be deleted. Contact GitHub support for further assistance.",
    lastVersion: "You cannot delete the last version of a package. You must delete the package instead.",
    namespaceTaken: "An active package already exists with given name.",
    ambiguousRestore: "Multiple deleted packages match given name, specify a package by providing a restore token",
    serverError: "Internal server error.",
    /** Primary rate limit; GitHub names the user and the request id. */
    rateLimited: (userId: number | undefined, requestId: string): string =>
        `API rate limit exceeded for ${userId === undefined ? "this address" : `user ID ${userId}`}. ` +
        `If you reach out to GitHub Support for help, please include the request ID ${requestId}.`,
    /** Secondary rate limit; clients (Octokit's throttling plugin) look for "secondary rate". */
    secondaryRateLimited: (requestId: string): string =>
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. " +
        `If you reach out to GitHub Support for help, please include the request ID ${requestId}.`,
    /** A fine-grained token on the Packages API, which accepts only classic tokens ("Introduction to GitHub Packages"). */
    fineGrained: "Resource not accessible by personal access token",
    /** An installation token (GITHUB_TOKEN) on a package its repository has no (or too small a) role on. */
    integration: "Resource not accessible by integration",
    /** An installation token on the organization's package list: GitHub answers 400. */
    invalidArgument: "Invalid argument.",
    /** A personal token not authorized for the organization's SAML SSO. */
    samlEnforced: (org: string): string =>
        `Resource protected by organization SAML enforcement. You must grant your Personal Access token access to this organization (${org}).`,
    /** The `repo` scope message is not documented; this one follows the wording of GitHub's scope messages. */
    repoScope: (action: string): string => `You need the repo scope to ${action} a package in a registry with repository-scoped permissions.`,
} as const;

/**
 * The kind of token a secret's prefix names ("About authentication to GitHub", token formats):
 * `github_pat_` fine-grained, `ghs_` GitHub App installation (and Actions' `GITHUB_TOKEN`),
 * anything else a personal access token (classic). Lengths are never checked: GitHub changes them.
 */
export function tokenKindOf(secret: string): TokenKind {
    if (secret.startsWith("github_pat_")) {
        return "fine-grained";
    }
    return secret.startsWith("ghs_") ? "installation" : "classic";
}

/** The `X-GitHub-SSO` header GitHub sends with a 403 for a token not authorized for `org`'s SAML SSO. */
export function ssoHeader(org: string, tokenUserId: number): string {
    return `required; url=${GITHUB.webBase}/orgs/${org}/sso?authorization_request=${encodeURIComponent(`emulator-${tokenUserId}`)}`;
}

/** True when packages of `type` only support repository-scoped permissions. */
export function isRepositoryScoped(type: PackageType): boolean {
    return REPOSITORY_SCOPED_TYPES.includes(type);
}

/**
 * Why `visibility` cannot be a visibility of a `type` package, or undefined when it can. The
 * `visibility` parameter of the list endpoint (OpenAPI `package-visibility`): "The `internal`
 * visibility is only supported for GitHub Packages registries that allow for granular
 * permissions. For other ecosystems `internal` is synonymous with `private`."
 */
export function visibilityProblem(type: PackageType, visibility: Visibility): string | undefined {
    return visibility === "internal" && isRepositoryScoped(type)
        ? `"internal" exists only in registries with granular permissions (container, npm, nuget, rubygems); a ${type} package is public or private`
        : undefined;
}

/** The visibility a list's `visibility` filter selects in `type`: `internal` means `private` in repository-scoped registries. */
export function listedVisibility(type: PackageType, filter: Visibility): Visibility {
    return filter === "internal" && isRepositoryScoped(type) ? "private" : filter;
}
