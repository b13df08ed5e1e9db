/**
 * The GitHub routes: the organization package endpoints, each with its OpenAPI operation id,
 * documentation link, required scopes and GitHub's rules. Authentication, the organization
 * check, scopes, rate limits and conditional requests happen before a handler runs (api.ts).
 */
import { GITHUB, MESSAGES, isRepositoryScoped, listedVisibility } from "./github";
import { matchTemplate } from "../traffic/http";
import { linkHeader, pageOf, pageRequest } from "./pagination";
import { packageJson, versionJson } from "./representations";
import { activeVersions, isUndeletablePackage, isUndeletableVersion, restorable, withinRestoreWindow } from "./rules";
import { Store } from "../store/state";
import { ActionsRole, OAuthScope, OrgRecord, PACKAGE_TYPES, PackageRecord, PackageType, TokenRecord, VersionRecord, Visibility } from "../types";

/** An answer before it is serialized: status, JSON body (none for 204/304) and extra headers. */
export interface Reply {
    /** HTTP status. */
    status: number;
    /** The JSON body. */
    body?: unknown;
    /** Headers to add. */
    headers?: Record<string, string>;
}

/** An error GitHub answers with a `basic-error` body: `{ message, documentation_url, status }`. */
export class GitHubError extends Error {
    override readonly name = "GitHubError";

    constructor(
        /** HTTP status. */
        readonly status: number,
        message: string,
        /** The documentation link of the body; the operation's when omitted. */
        readonly documentationUrl?: string,
        /** Headers to add, e.g. `x-accepted-oauth-scopes`. */
        readonly headers: Record<string, string> = {},
    ) {
        super(message);
    }
}

/** What a handler gets: the request, the caller and the state. */
export interface RouteContext {
    /** Decoded path parameters (`package_name` may contain `/`). */
    params: Record<string, string>;
    /** The query parameters. */
    query: URLSearchParams;
    /** The request URL, absolute on the emulator's base URL. */
    url: URL;
    /** The caller's token. */
    token: TokenRecord;
    /** The organization of the path, already checked to be visible to the token. */
    org: OrgRecord;
    /** The state. */
    store: Store;
    /** The emulator time. */
    now: number;
    /** The emulator's base URL, for URLs in bodies. */
    baseUrl: string;
}

/** A GitHub endpoint the emulator serves. */
export interface Route {
    /** HTTP method. */
    method: "GET" | "POST" | "DELETE";
    /** The path template, as in the OpenAPI description. */
    path: string;
    /** The OpenAPI operation id. */
    operation: string;
    /** The operation's documentation (the `documentation_url` of its errors). */
    documentationUrl: string;
    /** The OAuth scopes a token needs (`x-accepted-oauth-scopes`). */
    scopes: readonly OAuthScope[];
    /** GitHub's 403 message when a scope is missing. */
    forbiddenMessage: string;
    /** What an installation token needs: `list` (refused) or its repository's role on the package. */
    need: "list" | ActionsRole;
    /** Answers the request. Runs synchronously, so its state change is atomic. */
    handle(context: RouteContext): Reply;
}

const DOCS = "https://docs.github.com/rest/packages/packages";
const READ: readonly OAuthScope[] = ["read:packages"];
const DELETE: readonly OAuthScope[] = ["read:packages", "delete:packages"];
const WRITE: readonly OAuthScope[] = ["read:packages", "write:packages"];

/** The routes, with the facts from GitHub's OpenAPI description and its 403 messages. */
export const ROUTES: readonly Route[] = [
    {
        method: "GET",
        path: "/orgs/{org}/packages",
        operation: "packages/list-packages-for-organization",
        need: "list",
        documentationUrl: `${DOCS}#list-packages-for-an-organization`,
        scopes: READ,
        forbiddenMessage: "You need at least read:packages scope to list packages.",
        handle: listPackages,
    },
    {
        method: "GET",
        path: "/orgs/{org}/packages/{package_type}/{package_name}",
        operation: "packages/get-package-for-organization",
        need: "read",
        documentationUrl: `${DOCS}#get-a-package-for-an-organization`,
        scopes: READ,
        forbiddenMessage: "You need at least read:packages scope to get a package.",
        handle: (context) => ({ status: 200, body: packageJson(context.org, findPackage(context), context.baseUrl) }),
    },
    {
        method: "DELETE",
        path: "/orgs/{org}/packages/{package_type}/{package_name}",
        operation: "packages/delete-package-for-org",
        need: "admin",
        documentationUrl: `${DOCS}#delete-a-package-for-an-organization`,
        scopes: DELETE,
        forbiddenMessage: "You need at least delete:packages and read:packages scopes to delete a package.",
        handle: deletePackage,
    },
    {
        method: "POST",
        path: "/orgs/{org}/packages/{package_type}/{package_name}/restore",
        operation: "packages/restore-package-for-org",
        need: "admin",
        documentationUrl: `${DOCS}#restore-a-package-for-an-organization`,
        scopes: WRITE,
        forbiddenMessage: "You need at least write:packages and read:packages scopes to restore a package.",
        handle: restorePackage,
    },
    {
        method: "GET",
        path: "/orgs/{org}/packages/{package_type}/{package_name}/versions",
        operation: "packages/get-all-package-versions-for-package-owned-by-org",
        need: "read",
        documentationUrl: `${DOCS}#list-package-versions-for-a-package-owned-by-an-organization`,
        scopes: READ,
        forbiddenMessage: "You need at least read:packages scope to get a package's versions.",
        handle: listVersions,
    },
    {
        method: "GET",
        path: "/orgs/{org}/packages/{package_type}/{package_name}/versions/{package_version_id}",
        operation: "packages/get-package-version-for-organization",
        need: "read",
        documentationUrl: `${DOCS}#get-a-package-version-for-an-organization`,
        scopes: READ,
        forbiddenMessage: "You need at least read:packages scope to view a package's versions.",
        handle: (context) => {
            const pkg = findPackage(context);
            return { status: 200, body: versionJson(context.org, pkg, findVersion(context, pkg, false), context.baseUrl) };
        },
    },
    {
        method: "DELETE",
        path: "/orgs/{org}/packages/{package_type}/{package_name}/versions/{package_version_id}",
        operation: "packages/delete-package-version-for-org",
        need: "admin",
        documentationUrl: `${DOCS}#delete-package-version-for-an-organization`,
        scopes: DELETE,
        forbiddenMessage: "You need at least delete:packages and read:packages scopes to delete a package version.",
        handle: deleteVersion,
    },
    {
        method: "POST",
        path: "/orgs/{org}/packages/{package_type}/{package_name}/versions/{package_version_id}/restore",
        operation: "packages/restore-package-version-for-org",
        need: "admin",
        documentationUrl: `${DOCS}#restore-package-version-for-an-organization`,
        scopes: WRITE,
        forbiddenMessage: "You need at least write:packages and read:packages scopes to restore a package version.",
        handle: restoreVersion,
    },
];

/** A route and the path parameters it matched. */
export interface RouteMatch {
    /** The route. */
    route: Route;
    /** Decoded path parameters. */
    params: Record<string, string>;
}

/** The route for `method` and the decoded path `segments`, if the emulator serves it. */
export function matchRoute(method: string, segments: readonly string[]): RouteMatch | undefined {
    for (const route of ROUTES) {
        if (route.method !== method.toUpperCase()) {
            continue;
        }
        const params = matchTemplate(route.path, segments);
        if (params) {
            return { route, params };
        }
    }
    return undefined;
}

function listPackages(context: RouteContext): Reply {
    const { query } = context;
    const type = query.get("package_type");
    if (type === null || type === "") {
        throw new GitHubError(422, MESSAGES.packageTypeRequired);
    }
    const packageType = checkPackageType(type);
    const visibility = query.get("visibility");
    if (visibility !== null && !["public", "private", "internal"].includes(visibility)) {
        throw new GitHubError(422, MESSAGES.visibilityInvalid);
    }
    const page = pageRequest(query);
    if (page.page * page.perPage > GITHUB.maxListWindow) {
        throw new GitHubError(400, MESSAGES.listWindow);
    }
    // "internal" is a visibility of its own in registries with granular permissions, and means
    // "private" in maven and docker (the parameter's documentation in GitHub's OpenAPI description).
    const wanted = visibility === null ? null : listedVisibility(packageType, visibility as Visibility);
    const packages = context.store.activePackages(context.org, packageType).filter((pkg) => wanted === null || pkg.visibility === wanted);
    return {
        status: 200,
        body: pageOf(packages, page).map((pkg) => packageJson(context.org, pkg, context.baseUrl)),
        headers: link(context.url, page, packages.length),
    };
}

function deletePackage(context: RouteContext): Reply {
    const pkg = findPackage(context);
    requireRepoScope(context, pkg.packageType, "delete");
    if (isUndeletablePackage(pkg)) {
        throw new GitHubError(400, MESSAGES.undeletablePackage);
    }
    context.store.deletePackage(pkg, context.now);
    return { status: 204 };
}

function restorePackage(context: RouteContext): Reply {
    const key = packageKey(context);
    const candidates = restorable(context.store.deletedPackages(key), context.now);
    const restoreToken = context.query.get("token");
    let pkg: PackageRecord | undefined;
    if (restoreToken !== null && restoreToken !== "") {
        pkg = candidates.find((candidate) => candidate.restoreToken === restoreToken);
    } else {
        if (candidates.length > 1) {
            throw new GitHubError(409, MESSAGES.ambiguousRestore);
        }
        pkg = candidates[0];
    }
    if (context.store.activePackage(key)) {
        // The namespace was reused by a new package (or was never freed): nothing can take it back.
        throw new GitHubError(409, MESSAGES.namespaceTaken);
    }
    if (!pkg) {
        throw new GitHubError(404, MESSAGES.packageNotFound);
    }
    requireRepoScope(context, pkg.packageType, "restore");
    context.store.restorePackage(pkg);
    return { status: 204 };
}

function listVersions(context: RouteContext): Reply {
    const state = context.query.get("state") ?? "active";
    if (state !== "active" && state !== "deleted" && state !== "") {
        throw new GitHubError(422, MESSAGES.stateInvalid);
    }
    const pkg = findPackage(context);
    // GitHub documents read:packages alone for this operation, whatever `state` asks for.
    const versions = (
        state === "deleted"
            ? pkg.versions.filter((version) => version.deletedAt !== undefined && withinRestoreWindow(version.deletedAt, context.now))
            : activeVersions(pkg)
    ).sort((a, b) => b.updatedAt - a.updatedAt || b.id - a.id);
    const page = pageRequest(context.query);
    return {
        status: 200,
        body: pageOf(versions, page).map((version) => versionJson(context.org, pkg, version, context.baseUrl)),
        headers: link(context.url, page, versions.length),
    };
}

function deleteVersion(context: RouteContext): Reply {
    const pkg = findPackage(context);
    // GitHub checks this before it looks the version up.
    if (activeVersions(pkg).length === 1) {
        throw new GitHubError(400, MESSAGES.lastVersion);
    }
    requireRepoScope(context, pkg.packageType, "delete");
    const version = findVersion(context, pkg, false);
    if (isUndeletableVersion(pkg, version)) {
        throw new GitHubError(400, MESSAGES.undeletableVersion);
    }
    version.deletedAt = context.now;
    return { status: 204 };
}

function restoreVersion(context: RouteContext): Reply {
    const pkg = findPackage(context);
    requireRepoScope(context, pkg.packageType, "restore");
    const version = findVersion(context, pkg, true);
    version.deletedAt = undefined;
    return { status: 204 };
}

function link(url: URL, page: ReturnType<typeof pageRequest>, total: number): Record<string, string> {
    const header = linkHeader(url, page, total);
    return header === undefined ? {} : { link: header };
}

function checkPackageType(type: string): PackageType {
    if (!(PACKAGE_TYPES as readonly string[]).includes(type)) {
        throw new GitHubError(422, MESSAGES.packageTypeInvalid);
    }
    return type as PackageType;
}

function packageKey(context: RouteContext): { org: string; packageType: PackageType; name: string } {
    return { org: context.org.login, packageType: checkPackageType(context.params.package_type), name: context.params.package_name };
}

function findPackage(context: RouteContext): PackageRecord {
    const pkg = context.store.activePackage(packageKey(context));
    if (!pkg) {
        throw new GitHubError(404, MESSAGES.packageNotFound);
    }
    return pkg;
}

/** The version of the path; deleted versions only when `includeRestorable` (and still within the restore window). */
function findVersion(context: RouteContext, pkg: PackageRecord, includeRestorable: boolean): VersionRecord {
    const id = Number(context.params.package_version_id);
    const version = Number.isInteger(id) ? pkg.versions.find((candidate) => candidate.id === id) : undefined;
    const usable =
        version !== undefined &&
        (version.deletedAt === undefined || (includeRestorable && withinRestoreWindow(version.deletedAt, context.now)));
    if (!usable) {
        throw new GitHubError(404, MESSAGES.versionNotFound);
    }
    return version;
}

/** Registries with repository-scoped permissions only also need the `repo` scope to delete or restore. */
function requireRepoScope(context: RouteContext, packageType: PackageType, action: "delete" | "restore"): void {
    if (context.token.kind === "classic" && isRepositoryScoped(packageType) && !context.token.scopes.includes("repo")) {
        const accepted = [...(action === "delete" ? DELETE : WRITE), "repo"];
        throw new GitHubError(403, MESSAGES.repoScope(action), undefined, { "x-accepted-oauth-scopes": accepted.join(", ") });
    }
}
