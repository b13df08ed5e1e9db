/**
 * What a token can do in an organization, found out before a run: its kind (from the prefix,
 * confirmed by GitHub's answers), its OAuth scopes (`X-OAuth-Scopes`), whether it sees the
 * organization, its SAML SSO state, and per registry whether it can list, delete and restore.
 * One list request per registry; nothing is changed.
 */
import { RequestError } from "@octokit/request-error";
import { GitHub } from "./client";
import { LIST_ALTERNATIVES, isNotFound, requiredScopes, ssoUrlOf, tokenProblemOf } from "./errors";
import { PACKAGE_TYPES, PackageType } from "../shared/types";

/** The kinds of token GitHub hands out, as far as the Packages API tells them apart. */
export type TokenKind = "classic" | "fine-grained" | "installation" | "unknown";

/** Whether a token can do something: yes, no, or only for packages its repository has a role on ("Manage Actions access"). */
export type Ability = "yes" | "no" | "per-package";

/** What a token can do in one registry of the organization. */
export interface RegistryAbility {
    /** Whether it can list the organization's packages of this type (PackageCleanup, VersionRetention globs, listOrgPackages need it). */
    list: boolean;
    /** Whether it can delete packages and versions. */
    delete: Ability;
    /** Whether it can restore them. */
    restore: Ability;
    /** Why not, and what to do, when one of the three is not "yes". */
    advice?: string;
}

/** The answer of {@link inspectToken}. */
export interface TokenReport {
    /** The organization asked about. */
    org: string;
    /** The kind of token. */
    kind: TokenKind;
    /** The OAuth scopes GitHub reports for a classic token; undefined for other kinds. */
    scopes?: string[];
    /** Whether the token sees the organization's packages (false: GitHub answers 404, as for a typo or another organization's token). */
    orgVisible: boolean;
    /** SAML SSO: `authorization-required` when GitHub refused the token for it (then `ssoUrl` is where to authorize it). */
    sso: "ok" | "authorization-required";
    /** Where to authorize the token for the organization's SAML SSO. */
    ssoUrl?: string;
    /** Per registry asked about. */
    registries: Partial<Record<PackageType, RegistryAbility>>;
}

/** The kind a token's prefix names; lengths are never checked (GitHub's installation tokens grew to about 520 characters in 2026). */
export function tokenKindOf(token: string | undefined): TokenKind {
    if (token === undefined) {
        return "unknown";
    }
    if (token.startsWith("github_pat_")) {
        return "fine-grained";
    }
    if (token.startsWith("ghs_")) {
        return "installation";
    }
    return /^gh[po]_/.test(token) ? "classic" : "unknown";
}

/** Finds out what the token behind `github` can do in `org`, for `packageTypes` (every registry by default). */
export async function inspectToken(
    github: GitHub,
    token: string | undefined,
    org: string,
    packageTypes: readonly PackageType[] = PACKAGE_TYPES,
): Promise<TokenReport> {
    const report: TokenReport = { org, kind: tokenKindOf(token), orgVisible: true, sso: "ok", registries: {} };
    for (const packageType of packageTypes) {
        try {
            const response = await github.rest.packages.listPackagesForOrganization({ org, package_type: packageType, per_page: 1 });
            readScopes(response.headers, report);
            report.registries[packageType] = classicAbility(report.scopes, packageType, report.kind);
        } catch (error) {
            report.registries[packageType] = refusedAbility(error, report);
        }
    }
    return report;
}

/** What a token that could list may do, from its scopes (unknown scopes: assume the list's success is all we know). */
function classicAbility(scopes: string[] | undefined, packageType: PackageType, kind: TokenKind): RegistryAbility {
    if (scopes === undefined) {
        return { list: true, delete: "per-package", restore: "per-package", advice: `GitHub reports no scopes for this ${kind} token; deleting depends on its permissions on each package.` };
    }
    const missing = (operation: "delete" | "restore"): string[] => requiredScopes({ operation, packageType }).filter((scope) => !scopes.includes(scope));
    const toDelete = missing("delete");
    const toRestore = missing("restore");
    const ability: RegistryAbility = { list: true, delete: toDelete.length === 0 ? "yes" : "no", restore: toRestore.length === 0 ? "yes" : "no" };
    const lacking = [...new Set([...toDelete, ...toRestore])];
    if (lacking.length > 0) {
        ability.advice = `The classic token lacks ${lacking.join(", ")}: add ${lacking.length === 1 ? "that scope" : "those scopes"} to delete and restore ${packageType} packages (a user with admin rights on the packages).`;
    }
    return ability;
}

/** A classic token's scopes from GitHub's `X-OAuth-Scopes` header, when the answer has one (only classic tokens get it). */
function readScopes(headers: Record<string, unknown>, report: TokenReport): void {
    const header = headers["x-oauth-scopes"];
    if (typeof header === "string") {
        report.kind = "classic";
        report.scopes = header.split(",").map((scope) => scope.trim()).filter(Boolean);
    }
}

/** What a refused list tells about the token; throws what it cannot read (5xx, rate limits, network). */
function refusedAbility(error: unknown, report: TokenReport): RegistryAbility {
    const problem = tokenProblemOf(error);
    switch (problem) {
        case "cannot-list":
            report.kind = "installation";
            return {
                list: false,
                delete: "per-package",
                restore: "per-package",
                advice: `A GitHub App installation token (Actions' GITHUB_TOKEN) cannot list; it may read a package with "Manage Actions access" read, and delete or restore it with admin. ${LIST_ALTERNATIVES}`,
            };
        case "fine-grained":
            report.kind = "fine-grained";
            return { list: false, delete: "no", restore: "no", advice: "GitHub Packages accepts only a personal access token (classic): create one with read:packages, delete:packages and write:packages." };
        case "sso":
            report.sso = "authorization-required";
            report.ssoUrl = ssoUrlOf(error);
            return { list: false, delete: "no", restore: "no", advice: `Authorize the token for the organization's SAML SSO at ${report.ssoUrl}.` };
        case "not-the-api":
            return { list: false, delete: "no", restore: "no", advice: "The API URL serves web pages: for GitHub Enterprise Server, apiUrl must end in /api/v3." };
        default:
            break;
    }
    if (isNotFound(error)) {
        report.orgVisible = false;
        return { list: false, delete: "no", restore: "no", advice: `GitHub answers 404 for organization "${report.org}": check its name, the token's access to it and, for SAML SSO, its authorization.` };
    }
    if (error instanceof RequestError && error.status === 403) {
        readScopes(error.response?.headers ?? {}, report);
        return { list: false, delete: "no", restore: "no", advice: "The token may not read packages: a classic token needs read:packages (plus delete:packages and write:packages to delete and restore)." };
    }
    throw error;
}
