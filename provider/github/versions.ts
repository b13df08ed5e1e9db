/**
 * The REST operations on the versions of one organization package (get, list every page,
 * delete, restore) with the provider's client, and GitHub's version object mapped to
 * {@link PackageVersionFields}. GitHub's refusals (the last version, the 5,000-downloads
 * rule, 404) are explained naming the package and the version.
 */
import type { components } from "@octokit/openapi-types";
import { BeforeSend, GitHub, WriteCancelled } from "./client";
import { attemptsOf, explain, isNotFound, isUndeletable, PackageError, statusOf } from "./errors";
import { describe, ErrorContext, Operation } from "../shared/messages";
import { PAGE_SIZE } from "./packages";
import { PackageRef } from "../shared/types";

/** GitHub's package-version object, as its OpenAPI description defines it. */
export type GitHubPackageVersion = components["schemas"]["package-version"];

/** The states of versions GitHub lists: `active`, or `deleted` (restorable for 30 days). */
export const VERSION_STATES = ["active", "deleted"] as const;

/** Which versions to list: `active` ones, or `deleted` ones still restorable. */
export type VersionState = (typeof VERSION_STATES)[number];

/** Names one version of one organization package. */
export interface PackageVersionRef extends PackageRef {
    /** GitHub's numeric id of the version. */
    versionId: number;
}

/** The fields of GitHub's package-version object, in Pulumi's casing. */
export interface PackageVersionFields {
    /** GitHub's numeric id of the version (Pulumi reserves `id` for the resource id). */
    versionId: number;
    /** The version's name: `1.2.3` for most registries, the manifest digest (`sha256:...`) for container and docker images. */
    name: string;
    /** The image tags of a container or docker version; empty for other registries and for untagged images. */
    tags: string[];
    /** The version's REST API URL. */
    url: string;
    /** The package's page on GitHub. */
    packageHtmlUrl: string;
    /** The version's page on GitHub; null when GitHub shows none (deleted versions). */
    htmlUrl: string | null;
    /** The license GitHub shows for the version, or null. */
    license: string | null;
    /** The version's description, or null. */
    description: string | null;
    /** When the version was published (ISO 8601). */
    createdAt: string;
    /** When the version was last updated (ISO 8601). */
    updatedAt: string;
    /** When the version was deleted (ISO 8601); null for active versions. */
    deletedAt: string | null;
}

/** The outcome of a version delete: done, already gone (404), or one of GitHub's refusals when they are reported. */
export type VersionDeleteOutcome = "deleted" | "missing" | "last-version" | "undeletable";

/** GitHub's 400 for the last version of a package (and, for containers, its last tagged version). */
const LAST_VERSION = /last (tagged )?version/i;

/** Maps GitHub's package-version object to {@link PackageVersionFields}. */
export function toVersionFields(version: GitHubPackageVersion): PackageVersionFields {
    const metadata = version.metadata as
        | { container?: { tags?: string[] }; docker?: { tags?: string[]; tag?: string[] } }
        | undefined;
    // The OpenAPI schema declares `docker.tag` while GitHub answers `tags`: accept both.
    const tags = metadata?.container?.tags ?? metadata?.docker?.tags ?? metadata?.docker?.tag ?? [];
    return {
        versionId: version.id,
        name: version.name,
        tags: [...tags],
        url: version.url,
        packageHtmlUrl: version.package_html_url,
        htmlUrl: version.html_url ?? null,
        license: version.license ?? null,
        description: version.description ?? null,
        createdAt: version.created_at,
        updatedAt: version.updated_at,
        deletedAt: version.deleted_at ?? null,
    };
}

/** True when `error` is GitHub's refusal to delete the last version of a package. */
export function isLastVersion(error: unknown): boolean {
    return statusOf(error) === 400 && LAST_VERSION.test(messageOf(error));
}

/** Renders a version reference the way messages name it: `version 1.2.3 (id 42) of package org/type/name`. */
export function describeVersion(ref: PackageRef, versionId: number, name?: string): string {
    const what = name === undefined ? `version ${versionId}` : `version ${name} (id ${versionId})`;
    return `${what} of ${describe({ operation: "read", org: ref.org, packageType: ref.packageType, packageName: ref.packageName })}`;
}

/** The four REST operations on an organization package's versions, with errors explained. */
export class PackageVersionsApi {
    constructor(private readonly github: GitHub) {}

    /** Gets one active version; undefined when GitHub answers 404 (no such version, package or visible organization). */
    async get(ref: PackageVersionRef): Promise<PackageVersionFields | undefined> {
        try {
            const { data } = await this.github.rest.packages.getPackageVersionForOrganization(params(ref));
            return toVersionFields(data);
        } catch (error) {
            if (isNotFound(error)) {
                return undefined;
            }
            throw versionError(error, "read", ref);
        }
    }

    /**
     * Lists every version of a package in `state` (`active` by default), all pages: one request
     * per page of 100, in GitHub's order. A missing package is an error, never an empty list,
     * so that no caller mistakes it for a package without versions.
     */
    async list(ref: PackageRef, state: VersionState = "active"): Promise<PackageVersionFields[]> {
        try {
            const versions = await this.github.paginate(this.github.rest.packages.getAllPackageVersionsForPackageOwnedByOrg, {
                org: ref.org,
                package_type: ref.packageType,
                package_name: ref.packageName,
                state,
                per_page: PAGE_SIZE,
            });
            return versions.map(toVersionFields);
        } catch (error) {
            const explained = explain(error, context("list", ref));
            if (isNotFound(error)) {
                explained.message += " Give the package's name without an owner or repository prefix, as GitHub shows it on the package page.";
            }
            throw explained;
        }
    }

    /**
     * Deletes one version. A 404 means it is already gone (`missing`; the caller decides whether
     * it trusts that). GitHub's refusals, the last version and a public version over 5,000
     * downloads, are returned as outcomes when `refusal` is `report`, and thrown explained otherwise.
     * `beforeSend` runs right before each attempt, in its paced slot (e.g. one GET that checks
     * the version is still as planned); what it throws is thrown as it is, and nothing is sent.
     */
    async delete(ref: PackageVersionRef, refusal: "fail" | "report" = "fail", beforeSend?: BeforeSend): Promise<VersionDeleteOutcome> {
        try {
            await this.github.rest.packages.deletePackageVersionForOrg({ ...params(ref), ...(beforeSend ? { request: { beforeSend } } : {}) });
            return "deleted";
        } catch (error) {
            if (error instanceof WriteCancelled) {
                throw error.cause;
            }
            if (isNotFound(error)) {
                // A retry's 404 after an attempt whose answer was lost (a timeout, a reset): that attempt deleted it.
                return attemptsOf(error) > 1 ? "deleted" : "missing";
            }
            if (refusal === "report" && isLastVersion(error)) {
                return "last-version";
            }
            if (refusal === "report" && isUndeletable(error)) {
                return "undeletable";
            }
            throw versionError(error, "delete", ref);
        }
    }

    /** Restores a deleted version; GitHub allows it within 30 days of the deletion and while the version's name was not reused. */
    async restore(ref: PackageVersionRef): Promise<void> {
        try {
            await this.github.rest.packages.restorePackageVersionForOrg(params(ref));
        } catch (error) {
            throw versionError(error, "restore", ref);
        }
    }
}

function params(ref: PackageVersionRef) {
    return { org: ref.org, package_type: ref.packageType, package_name: ref.packageName, package_version_id: ref.versionId };
}

function context(operation: Operation, ref: PackageRef): ErrorContext {
    return { operation, org: ref.org, packageType: ref.packageType, packageName: ref.packageName };
}

/** Explains an error of a version operation; GitHub's version refusals get messages of their own that name the version. */
function versionError(error: unknown, operation: Operation, ref: PackageVersionRef): Error {
    const explained = explain(error, context(operation, ref));
    if (!(explained instanceof PackageError)) {
        return explained;
    }
    const target = describeVersion(ref, ref.versionId);
    const status = explained.status;
    const said = messageOf(error);
    let message: string | undefined;
    if (operation === "delete" && isLastVersion(error)) {
        message =
            `GitHub refused to delete ${target}: it is the package's last version (${status}: ${said}). ` +
            `Keep it, or delete the whole package instead (an OrgPackage with ensure: "absent", or the retention option lastVersion: "delete-package").`;
    } else if (operation === "delete" && isUndeletable(error)) {
        message =
            `GitHub refused to delete ${target}: it is public and has more than 5,000 downloads (${status}: ${said}). ` +
            `Only GitHub Support can delete it; protect it in the retention policy (protect.versionIds) so no plan selects it.`;
    } else if (status === 404 && isNotFound(explained)) {
        message =
            operation === "restore"
                ? `GitHub found no restorable ${target} (404: ${said}). GitHub restores a version only within 30 days of its deletion, while the package exists and no new version took its name.`
                : `GitHub found no ${target} (404: ${said}). Check the org, type, name and version id; an organization the token cannot see also answers 404.`;
    } else if (operation === "restore" && (status === 400 || status === 409 || status === 422)) {
        message = `${explained.message.replace(/ \[[^\]]*\]$/, "")} GitHub restores a version only within 30 days of its deletion and while no new version took its name.`;
    }
    if (message === undefined) {
        explained.message = explained.message.replace(describe(context(operation, ref)), target);
        return explained;
    }
    return new PackageError(message, explained.context, status, explained.request);
}

function messageOf(error: unknown): string {
    const data = (error as { response?: { data?: { message?: unknown } } } | undefined)?.response?.data;
    if (typeof data?.message === "string") {
        return data.message;
    }
    return error instanceof Error ? error.message : String(error);
}
