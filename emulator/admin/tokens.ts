/**
 * Admin calls about tokens and who may use what: add a token of any kind, issue a GitHub App
 * installation token for a repository (as Actions does for `GITHUB_TOKEN`), grant or take a
 * repository's role on a package ("Manage Actions access"), enforce SAML SSO on an
 * organization and authorize a token for it.
 */
import { EmulatorCore } from "../core";
import { AdminError } from "./errors";
import { hexDigest } from "../store/random";
import { DEFAULT_TOKEN_LOGIN, SeedError, checkToken, tokenRecord } from "../store/seed";
import { ACTIONS_ROLES, ActionsRole, OrgRecord, PackageKey, PackageRecord, SeedToken, TokenRecord } from "../types";

/** How long an issued installation token is: GitHub's `ghs_` tokens grew to about 520 characters in April 2026. */
export const INSTALLATION_TOKEN_LENGTH = 520;

/** What issuing an installation token takes. */
export interface InstallationTokenInput {
    /** The repository whose workflow gets the token, `org/name`. */
    repository: string;
    /** Requests per hour; the emulator's default when omitted. */
    rateLimit?: number;
}

/** A token as admin calls answer it: the seed entry, kind included. */
export type TokenInfo = SeedToken & Required<Pick<SeedToken, "kind" | "login" | "userId">>;

/** The token admin calls of one emulator. */
export class TokenAdmin {
    private issued = 0;

    constructor(private readonly core: EmulatorCore) {}

    /** Adds (or replaces) a token described as in a seed; its kind follows from the prefix unless `kind` says otherwise. */
    addToken(input: SeedToken): TokenInfo {
        try {
            checkToken(input, "token");
        } catch (error) {
            throw new AdminError(400, error instanceof SeedError ? error.message : String(error));
        }
        const store = this.core.store();
        const login = input.login ?? DEFAULT_TOKEN_LOGIN;
        const sameUser = store.tokens().find((token) => token.login === login);
        const userId = input.userId ?? sameUser?.userId ?? 90_000 + store.tokens().length;
        const record = tokenRecord(input, login, userId, this.core.defaultRateLimit);
        store.addToken(record);
        return info(record);
    }

    /** Issues a `ghs_` installation token for the workflows of `repository` (`org/name`), as Actions does for each job. */
    issueInstallationToken(input: InstallationTokenInput): TokenInfo {
        if (typeof input !== "object" || input === null || typeof input.repository !== "string") {
            throw new AdminError(400, 'repository is required: the repository whose workflow gets the token, as "org/name"');
        }
        const [owner] = input.repository.split("/");
        this.org(owner);
        this.issued++;
        const body = hexDigest(`installation:${input.repository}:${this.issued}:${this.core.clock.now()}`, INSTALLATION_TOKEN_LENGTH - 4);
        return this.addToken({
            token: `ghs_${body}`,
            login: `${owner.toLowerCase()}[bot]`,
            scopes: [],
            kind: "installation",
            repository: input.repository,
            ...(input.rateLimit !== undefined ? { rateLimit: input.rateLimit } : {}),
        });
    }

    /** Gives `repository`'s workflows `role` on the package (or takes their access away with `null`), as "Manage Actions access" does. */
    setActionsAccess(key: PackageKey, repository: string, role: ActionsRole | null): void {
        if (role !== null && !(ACTIONS_ROLES as readonly string[]).includes(role)) {
            throw new AdminError(400, `role must be one of ${ACTIONS_ROLES.join(", ")} (or null to remove the access); got ${JSON.stringify(role)}`);
        }
        if (typeof repository !== "string" || repository === "" || repository.includes("/")) {
            throw new AdminError(400, "repository must be a repository name of the package's organization, without the owner");
        }
        for (const pkg of this.packages(key)) {
            if (role === null) {
                pkg.actionsAccess.delete(repository);
            } else {
                pkg.actionsAccess.set(repository, role);
            }
        }
    }

    /** Turns SAML SSO enforcement of `org` on or off. */
    setSamlSso(org: string, enforced: boolean): void {
        if (typeof enforced !== "boolean") {
            throw new AdminError(400, "enforced must be true or false");
        }
        this.org(org).samlSso = enforced;
    }

    /** Authorizes `secret` for `org`'s SAML SSO, as a user does on the token's settings page. */
    authorizeSso(secret: string, org: string): void {
        const login = this.org(org).login.toLowerCase();
        this.token(secret).ssoAuthorized.add(login);
    }

    private token(secret: string): TokenRecord {
        const token = typeof secret === "string" ? this.core.store().token(secret) : undefined;
        if (!token) {
            throw new AdminError(404, "No such token");
        }
        return token;
    }

    private org(login: string): OrgRecord {
        const org = this.core.store().org(login);
        if (!org) {
            throw new AdminError(404, `No organization ${login}`);
        }
        return org;
    }

    /** The package `key` names: the active one and its deleted namesakes, so access survives a delete and restore. */
    private packages(key: PackageKey): PackageRecord[] {
        const store = this.core.store();
        const active = store.activePackage(key);
        const all = [...(active ? [active] : []), ...store.deletedPackages(key)];
        if (all.length === 0) {
            throw new AdminError(404, `No package ${key.org}/${key.packageType}/${key.name}`);
        }
        return all;
    }
}

/** A token record as an admin answer (the secret included: the caller made it). */
function info(token: TokenRecord): TokenInfo {
    return {
        token: token.token,
        login: token.login,
        userId: token.userId,
        scopes: [...token.scopes],
        kind: token.kind,
        rateLimit: token.rateLimit,
        ...(token.orgs ? { orgs: [...token.orgs] } : {}),
        ...(token.repository !== undefined ? { repository: token.repository } : {}),
        ...(token.ssoAuthorized.size > 0 ? { ssoAuthorized: [...token.ssoAuthorized] } : {}),
    };
}
