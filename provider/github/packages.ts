/** GitHub's REST operations on organization packages (get, list in parallel pages and visibility parts, delete, restore), with errors explained. */
import type { components } from "@octokit/openapi-types";
import { BeforeSend, GitHub, WriteCancelled } from "./client";
import LinkHeader from "http-link-header";
import pLimit from "p-limit";
import { explain, githubMessage, isNotFound, isUndeletable, PackageError, statusOf, tokenProblemOf, tokenVisibilityHint } from "./errors";
import { describe, Operation } from "../shared/messages";
import { ListOptions, PackageFields, PackageRef, PackageType, Visibility } from "../shared/types";

/** GitHub's package object, as its OpenAPI description defines it. */
export type GitHubPackage = components["schemas"]["package"];

/** GitHub's page size limit; larger pages mean fewer requests against the rate limit. */
export const PAGE_SIZE = 100;

/** GitHub lists only the first 10,000 entries of one query: 100 pages of {@link PAGE_SIZE}. */
export const MAX_PAGES = 10_000 / PAGE_SIZE;

/** How many pages of one list are fetched at once; GitHub's secondary limits allow 100 concurrent requests. */
export const PAGE_CONCURRENCY = 6;

/**
 * The `visibility` filters that together list every package of a registry. `internal` is a
 * visibility of its own where permissions are granular, and means `private` in maven and docker.
 */
export const SPLIT_VISIBILITIES: Record<PackageType, readonly Visibility[]> = {
    npm: ["public", "private", "internal"],
    rubygems: ["public", "private", "internal"],
    nuget: ["public", "private", "internal"],
    container: ["public", "private", "internal"],
    maven: ["public", "private"],
    docker: ["public", "private"],
};

/** One page of a list. */
export interface ListPage {
    /** The packages on the page. */
    packages: PackageFields[];
    /** How many pages the whole list has (the `Link` header's `last`; 1 when there is no other page). */
    pages: number;
}

/** The outcome of a delete request. */
export type DeleteOutcome = "deleted" | "missing" | "undeletable";

/** Maps GitHub's package object to the fields the provider keeps. */
export function toFields(pkg: GitHubPackage): PackageFields {
    return {
        packageId: pkg.id,
        name: pkg.name,
        visibility: pkg.visibility as Visibility,
        versionCount: pkg.version_count,
        url: pkg.url,
        htmlUrl: pkg.html_url,
        ownerLogin: pkg.owner?.login ?? null,
        repository: pkg.repository?.full_name ?? null,
        createdAt: pkg.created_at,
        updatedAt: pkg.updated_at,
    };
}

/** The four REST operations on organization packages, with errors explained. */
export class PackagesApi {
    constructor(private readonly github: GitHub) {}

    /** Gets one package; undefined when GitHub answers 404. */
    async get(ref: PackageRef): Promise<PackageFields | undefined> {
        try {
            const { data } = await this.github.rest.packages.getPackageForOrganization({
                org: ref.org,
                package_type: ref.packageType,
                package_name: ref.packageName,
            });
            return toFields(data);
        } catch (error) {
            if (isNotFound(error)) {
                return undefined;
            }
            throw explain(error, context("read", ref));
        }
    }

    /**
     * Lists every package of one type in an organization. After the first page (`first`, when
     * the caller already has it) tells the page count, the other pages come in parallel. A
     * registry past GitHub's 10,000-entry window is listed in parts, one per visibility; a part
     * still past it fails with a {@link PackageError} that says so, rather than a partial list.
     */
    async list(options: ListOptions, first?: ListPage): Promise<PackageFields[]> {
        return this.listAll(options, first, pLimit(PAGE_CONCURRENCY));
    }

    /** One page of a list, with the number of pages GitHub's `Link` header announces. */
    async listPage(options: ListOptions, page: number): Promise<ListPage> {
        try {
            const response = await this.github.rest.packages.listPackagesForOrganization({
                org: options.org,
                package_type: options.packageType,
                visibility: options.visibility,
                per_page: PAGE_SIZE,
                page,
            });
            return { packages: response.data.map(toFields), pages: pageCount(response.headers.link, page) };
        } catch (error) {
            throw explain(error, { operation: "list", org: options.org, packageType: options.packageType });
        }
    }

    private async listAll(options: ListOptions, first: ListPage | undefined, limit: pLimit.Limit): Promise<PackageFields[]> {
        const head = first ?? (await limit(() => this.listPage(options, 1)));
        if (head.pages <= MAX_PAGES) {
            const rest = await Promise.all(range(2, head.pages).map((page) => limit(() => this.listPage(options, page))));
            return unique([head, ...rest].flatMap((p) => p.packages));
        }
        const parts = options.visibility === undefined ? SPLIT_VISIBILITIES[options.packageType] : [];
        if (parts.length === 0) {
            throw tooMany(options, head.pages);
        }
        const listed = await Promise.all(parts.map((visibility) => this.listAll({ ...options, visibility }, undefined, limit)));
        return unique(listed.flat());
    }

    /**
     * Whether the token can list the organization's packages of one type (one request, one
     * entry): true on 200, false on GitHub's 404 for an organization the token cannot see.
     */
    async canList(org: string, packageType: PackageType): Promise<boolean> {
        try {
            await this.github.rest.packages.listPackagesForOrganization({ org, package_type: packageType, per_page: 1 });
            return true;
        } catch (error) {
            // An installation token (GITHUB_TOKEN) cannot list at all: GitHub answers 400.
            if (isNotFound(error) || tokenProblemOf(error) === "cannot-list") {
                return false;
            }
            throw explain(error, { operation: "list", org, packageType });
        }
    }

    /**
     * Deletes a package. A 404 means it is already gone; GitHub's refusal to delete a
     * popular public package is returned as `undeletable` when `refusal` is `report`.
     * `beforeSend` runs right before the DELETE, in its paced slot; what it throws is thrown
     * as it is, and nothing is sent.
     */
    async delete(ref: PackageRef, refusal: "fail" | "report" = "fail", beforeSend?: BeforeSend): Promise<DeleteOutcome> {
        try {
            await this.github.rest.packages.deletePackageForOrg({
                org: ref.org,
                package_type: ref.packageType,
                package_name: ref.packageName,
                ...(beforeSend ? { request: { beforeSend } } : {}),
            });
            return "deleted";
        } catch (error) {
            if (error instanceof WriteCancelled) {
                throw error.cause;
            }
            if (isNotFound(error)) {
                return "missing";
            }
            if (refusal === "report" && isUndeletable(error)) {
                return "undeletable";
            }
            throw explain(error, context("delete", ref));
        }
    }

    /**
     * Restores a deleted package; GitHub allows it within 30 days and while the name was not
     * reused. A 409 (the name is taken) names the package that holds it, by GitHub id.
     */
    async restore(ref: PackageRef, token?: string): Promise<void> {
        try {
            await this.github.rest.packages.restorePackageForOrg({
                org: ref.org,
                package_type: ref.packageType,
                package_name: ref.packageName,
                token,
            });
        } catch (error) {
            const explained = explain(error, context("restore", ref));
            const status = statusOf(error) ?? 0;
            const request = explained instanceof PackageError && explained.request ? ` [${explained.request}]` : "";
            if (tokenProblemOf(error) !== undefined) {
                throw explained;
            }
            if (status === 409 && /multiple deleted packages/i.test(githubMessage(error))) {
                explained.message =
                    `Several deleted packages are named ${ref.org}/${ref.packageType}/${ref.packageName}, so GitHub needs to know which one to restore (409: ${githubMessage(error)}). ` +
                    `Restore the one you want with restoreOrgPackage({ org: "${ref.org}", packageType: "${ref.packageType}", packageName: "${ref.packageName}", token }), ` +
                    `where token is that package's restore token, or restore it from the organization's settings (Packages, deleted packages). Nothing was restored.${request}`;
            } else if (status === 404 && isNotFound(error)) {
                explained.message =
                    `GitHub has no deleted ${describe(context("restore", ref))} it can restore (404: ${githubMessage(error)}). ` +
                    `GitHub restores a package only within 30 days of its deletion: deleted longer ago, it is gone for good (publish it again). ` +
                    `If it was deleted less than 30 days ago, check the org, type and name. ${tokenVisibilityHint(ref.org)}${request}`;
            } else if (status === 409) {
                const holder = await this.get(ref).catch(() => undefined);
                explained.message += holder
                    ? ` A package with GitHub id ${holder.packageId} (created ${holder.createdAt}) now holds the name, so GitHub will not restore the deleted one; ` +
                      `only if package ${holder.packageId} is not needed, delete it first, then restore.`
                    : " GitHub restores a package only while no other package holds its name.";
            } else if ([400, 422].includes(status)) {
                explained.message += " GitHub restores a package only within 30 days of its deletion and only while no new package took its name.";
            }
            throw explained;
        }
    }
}

/** The page count a `Link` header announces: its `last` page, else the page itself when there is no `next`. */
function pageCount(header: string | undefined, page: number): number {
    if (!header) {
        return page;
    }
    const links = LinkHeader.parse(header);
    const last = Number(new URL(links.rel("last")[0]?.uri ?? "http://x/", "http://x/").searchParams.get("page"));
    if (Number.isInteger(last) && last >= page) {
        return last;
    }
    return links.has("rel", "next") ? page + 1 : page;
}

/** The whole numbers from `from` to `to`, both included. */
function range(from: number, to: number): number[] {
    return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

/** The packages with duplicates dropped: a package published or deleted while pages are read can move from one page to the next. */
function unique(packages: PackageFields[]): PackageFields[] {
    return [...new Map(packages.map((p) => [p.packageId, p])).values()];
}

/** The error for a query GitHub cannot list to the end. */
function tooMany(options: ListOptions, pages: number): PackageError {
    const which = options.visibility ? `${options.visibility} ` : "";
    const count = `between ${((pages - 1) * PAGE_SIZE + 1).toLocaleString("en-US")} and ${(pages * PAGE_SIZE).toLocaleString("en-US")}`;
    return new PackageError(
        `Cannot list ${describe({ operation: "list", org: options.org, packageType: options.packageType })}: the organization has ${count} ` +
            `${which}${options.packageType} packages, and GitHub lists at most 10,000 per query (already split by visibility). ` +
            `Nothing was changed; delete packages in smaller groups (e.g. by name with OrgPackage) until each visibility has at most 10,000.`,
        { operation: "list", org: options.org, packageType: options.packageType },
        undefined,
        `GET /orgs/${options.org}/packages`,
    );
}

function context(operation: Operation, ref: PackageRef) {
    return { operation, org: ref.org, packageType: ref.packageType, packageName: ref.packageName };
}
