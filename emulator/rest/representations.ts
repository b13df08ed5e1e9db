/**
 * The JSON GitHub answers with, built from the state: the OpenAPI `package`,
 * `package-version`, `simple-user` (of the owning organization) and `minimal-repository`
 * objects. API URLs point at the emulator; web URLs (html_url) at github.com.
 */
import { formatInstant } from "../store/clock";
import { GITHUB } from "./github";
import { activeVersions } from "./rules";
import { OrgRecord, PackageRecord, RepositoryRecord, VersionRecord } from "../types";

/** A JSON object. */
export type Json = { [key: string]: unknown };

/** The API path of a package; the name is percent-encoded, so `/` becomes `%2F` as GitHub writes it. */
export function packagePath(org: string, pkg: Pick<PackageRecord, "packageType" | "name">): string {
    return `/orgs/${encodeURIComponent(org)}/packages/${pkg.packageType}/${encodeURIComponent(pkg.name)}`;
}

/** The web page of a package. */
export function packageHtmlUrl(org: OrgRecord, pkg: PackageRecord): string {
    return `${GITHUB.webBase}/orgs/${org.login}/packages/${pkg.packageType}/package/${encodeURIComponent(pkg.name)}`;
}

/** The organization as the `owner` of a package (a `simple-user` of type Organization). */
export function ownerJson(org: OrgRecord, baseUrl: string): Json {
    const api = `${baseUrl}/users/${org.login}`;
    return {
        login: org.login,
        id: org.id,
        node_id: Buffer.from(`012:Organization${org.id}`).toString("base64"),
        avatar_url: `${GITHUB.avatarsBase}/u/${org.id}?v=4`,
        gravatar_id: "",
        url: api,
        html_url: `${GITHUB.webBase}/${org.login}`,
        followers_url: `${api}/followers`,
        following_url: `${api}/following{/other_user}`,
        gists_url: `${api}/gists{/gist_id}`,
        starred_url: `${api}/starred{/owner}{/repo}`,
        subscriptions_url: `${api}/subscriptions`,
        organizations_url: `${api}/orgs`,
        repos_url: `${api}/repos`,
        events_url: `${api}/events{/privacy}`,
        received_events_url: `${api}/received_events`,
        type: "Organization",
        user_view_type: "public",
        site_admin: false,
    };
}

/** A repository as a `minimal-repository`. */
export function repositoryJson(org: OrgRecord, repo: RepositoryRecord, baseUrl: string): Json {
    const fullName = `${org.login}/${repo.name}`;
    const api = `${baseUrl}/repos/${fullName}`;
    return {
        id: repo.id,
        node_id: Buffer.from(`010:Repository${repo.id}`).toString("base64"),
        name: repo.name,
        full_name: fullName,
        private: repo.private,
        owner: ownerJson(org, baseUrl),
        html_url: `${GITHUB.webBase}/${fullName}`,
        description: repo.description,
        fork: false,
        url: api,
        archive_url: `${api}/{archive_format}{/ref}`,
        assignees_url: `${api}/assignees{/user}`,
        blobs_url: `${api}/git/blobs{/sha}`,
        branches_url: `${api}/branches{/branch}`,
        collaborators_url: `${api}/collaborators{/collaborator}`,
        comments_url: `${api}/comments{/number}`,
        commits_url: `${api}/commits{/sha}`,
        compare_url: `${api}/compare/{base}...{head}`,
        contents_url: `${api}/contents/{+path}`,
        contributors_url: `${api}/contributors`,
        deployments_url: `${api}/deployments`,
        downloads_url: `${api}/downloads`,
        events_url: `${api}/events`,
        forks_url: `${api}/forks`,
        git_commits_url: `${api}/git/commits{/sha}`,
        git_refs_url: `${api}/git/refs{/sha}`,
        git_tags_url: `${api}/git/tags{/sha}`,
        hooks_url: `${api}/hooks`,
        issue_comment_url: `${api}/issues/comments{/number}`,
        issue_events_url: `${api}/issues/events{/number}`,
        issues_url: `${api}/issues{/number}`,
        keys_url: `${api}/keys{/key_id}`,
        labels_url: `${api}/labels{/name}`,
        languages_url: `${api}/languages`,
        merges_url: `${api}/merges`,
        milestones_url: `${api}/milestones{/number}`,
        notifications_url: `${api}/notifications{?since,all,participating}`,
        pulls_url: `${api}/pulls{/number}`,
        releases_url: `${api}/releases{/id}`,
        stargazers_url: `${api}/stargazers`,
        statuses_url: `${api}/statuses/{sha}`,
        subscribers_url: `${api}/subscribers`,
        subscription_url: `${api}/subscription`,
        tags_url: `${api}/tags`,
        teams_url: `${api}/teams`,
        trees_url: `${api}/git/trees{/sha}`,
        visibility: repo.private ? "private" : "public",
    };
}

/** A package as GitHub's `package` object; `repository` only when the package is linked to one. */
export function packageJson(org: OrgRecord, pkg: PackageRecord, baseUrl: string): Json {
    const repo = pkg.repository === undefined ? undefined : org.repositories.get(pkg.repository);
    return {
        id: pkg.id,
        name: pkg.name,
        package_type: pkg.packageType,
        owner: ownerJson(org, baseUrl),
        version_count: activeVersions(pkg).length,
        visibility: pkg.visibility,
        url: `${baseUrl}${packagePath(org.login, pkg)}`,
        created_at: formatInstant(pkg.createdAt),
        updated_at: formatInstant(pkg.updatedAt),
        ...(repo ? { repository: repositoryJson(org, repo, baseUrl) } : {}),
        html_url: packageHtmlUrl(org, pkg),
    };
}

/** A version as GitHub's `package-version` object; deleted versions have `deleted_at` and no html_url. */
export function versionJson(org: OrgRecord, pkg: PackageRecord, version: VersionRecord, baseUrl: string): Json {
    const metadata: Json = { package_type: pkg.packageType };
    if (pkg.packageType === "container") {
        metadata.container = { tags: [...version.tags] };
    } else if (pkg.packageType === "docker") {
        metadata.docker = { tags: [...version.tags] };
    }
    return {
        id: version.id,
        name: version.name,
        url: `${baseUrl}${packagePath(org.login, pkg)}/versions/${version.id}`,
        package_html_url: packageHtmlUrl(org, pkg),
        created_at: formatInstant(version.createdAt),
        updated_at: formatInstant(version.updatedAt),
        ...(version.deletedAt === undefined
            ? { html_url: `${GITHUB.webBase}/orgs/${org.login}/packages/${pkg.packageType}/${encodeURIComponent(pkg.name)}/${version.id}` }
            : { deleted_at: formatInstant(version.deletedAt) }),
        ...(version.license !== undefined ? { license: version.license } : {}),
        ...(version.description !== undefined ? { description: version.description } : {}),
        metadata,
    };
}
