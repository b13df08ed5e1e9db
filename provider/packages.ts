import type { components } from "@octokit/openapi-types";
import { GitHub } from "./client";
import { explain, isNotFound, isUndeletable, Operation, statusOf } from "./errors";
import { ListOptions, PackageFields, PackageRef, PackageType, Visibility } from "./types";

/** GitHub's package object, as its OpenAPI description defines it. */
export type GitHubPackage = components["schemas"]["package"];

/** GitHub's page size limit; larger pages mean fewer requests against the rate limit. */
export const PAGE_SIZE = 100;

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

    /** Lists every package of one type in an organization, all pages. */
    async list(options: ListOptions): Promise<PackageFields[]> {
        try {
            const packages = await this.github.paginate(this.github.rest.packages.listPackagesForOrganization, {
                org: options.org,
                package_type: options.packageType,
                visibility: options.visibility,
                per_page: PAGE_SIZE,
            });
            return packages.map(toFields);
        } catch (error) {
            throw explain(error, { operation: "list", org: options.org, packageType: options.packageType });
        }
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
            if (isNotFound(error)) {
                return false;
            }
            throw explain(error, { operation: "list", org, packageType });
        }
    }

    /**
     * Deletes a package. A 404 means it is already gone; GitHub's refusal to delete a
     * popular public package is returned as `undeletable` when `refusal` is `report`.
     */
    async delete(ref: PackageRef, refusal: "fail" | "report" = "fail"): Promise<DeleteOutcome> {
        try {
            await this.github.rest.packages.deletePackageForOrg({
                org: ref.org,
                package_type: ref.packageType,
                package_name: ref.packageName,
            });
            return "deleted";
        } catch (error) {
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
            if (status === 409) {
                const holder = await this.get(ref).catch(() => undefined);
                explained.message += holder
                    ? ` A package with GitHub id ${holder.packageId} (created ${holder.createdAt}) now holds the name, so GitHub will not restore the deleted one; ` +
                      `only if package ${holder.packageId} is not needed, delete it first, then restore.`
                    : " GitHub restores a package only while no other package holds its name.";
            } else if ([400, 404, 422].includes(status)) {
                explained.message += " GitHub restores a package only within 30 days of its deletion and only while no new package took its name.";
            }
            throw explained;
        }
    }
}

function context(operation: Operation, ref: PackageRef) {
    return { operation, org: ref.org, packageType: ref.packageType, packageName: ref.packageName };
}
