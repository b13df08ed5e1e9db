/**
 * Authentication and authorization as GitHub does it for the tokens it hands out: who is
 * calling, which OAuth scopes a classic token has and which organizations it can see, SAML
 * SSO authorization, fine-grained tokens (refused by the Packages API) and installation tokens
 * (Actions' `GITHUB_TOKEN`), whose access is the role of their repository on each package.
 */
import { Store } from "../store/state";
import { MESSAGES, ssoHeader } from "./github";
import { ActionsRole, OAuthScope, OrgRecord, PACKAGE_TYPES, PackageRecord, PackageType, TokenRecord } from "../types";

/** Who a request comes from. */
export type Identity =
    /** No Authorization header. */
    | { kind: "anonymous" }
    /** An Authorization header with an unknown or malformed credential. */
    | { kind: "invalid" }
    /** A known token. */
    | { kind: "token"; token: TokenRecord };

/**
 * The secret in an Authorization header: `token X` and `Bearer X` (any case), or Basic with
 * the token as the password, as GitHub accepts. Undefined without a header, null when malformed.
 */
export function credentialOf(header: string | undefined): string | undefined | null {
    if (header === undefined || header.trim() === "") {
        return undefined;
    }
    const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(header);
    if (!match) {
        return null;
    }
    const scheme = match[1].toLowerCase();
    if (scheme === "token" || scheme === "bearer") {
        return match[2];
    }
    if (scheme === "basic") {
        const decoded = Buffer.from(match[2], "base64").toString("utf8");
        const colon = decoded.indexOf(":");
        return colon < 0 ? null : decoded.slice(colon + 1);
    }
    return null;
}

/** Identifies the caller from the Authorization header. */
export function identify(header: string | undefined, store: Store): Identity {
    const secret = credentialOf(header);
    if (secret === undefined) {
        return { kind: "anonymous" };
    }
    const token = secret === null ? undefined : store.token(secret);
    return token ? { kind: "token", token } : { kind: "invalid" };
}

/** The scopes among `required` that `token` lacks. */
export function missingScopes(token: TokenRecord, required: readonly OAuthScope[]): OAuthScope[] {
    return required.filter((scope) => !token.scopes.includes(scope));
}

/** Whether `token` may see `org` (seeds can limit a token to some organizations). */
export function canSeeOrg(token: TokenRecord, org: OrgRecord): boolean {
    return token.orgs === undefined || token.orgs.has(org.login.toLowerCase());
}

/** Why GitHub refuses a token on an organization's packages before looking at the request: status, message and extra headers. */
export interface Refusal {
    /** HTTP status. */
    status: number;
    /** GitHub's message. */
    message: string;
    /** Headers to add (`x-github-sso`). */
    headers?: Record<string, string>;
}

/** What a route asks of an installation token: to list (never allowed), or a role on the package. */
export type Need = "list" | ActionsRole;

const ROLE_RANK: Record<ActionsRole, number> = { read: 1, write: 2, admin: 3 };

/**
 * Whether `token` may call a route needing `need` on `org` (and on the package of `params`),
 * GitHub's way: fine-grained tokens are refused with 403; a personal token not authorized for
 * the organization's SAML SSO gets 403 with `X-GitHub-SSO`; an installation token cannot list
 * (400), sees only its own organization (404 elsewhere) and needs its repository's role on the
 * package (403). Undefined when the request may go on (classic tokens: to the scope checks).
 */
export function refusal(token: TokenRecord, org: OrgRecord, need: Need, params: Record<string, string>, store: Store): Refusal | undefined {
    if (token.kind === "fine-grained") {
        return { status: 403, message: MESSAGES.fineGrained };
    }
    if (token.kind === "installation") {
        const [owner, repository] = (token.repository ?? "/").split("/");
        if (owner.toLowerCase() !== org.login.toLowerCase()) {
            return { status: 404, message: MESSAGES.notFound };
        }
        if (need === "list") {
            return { status: 400, message: MESSAGES.invalidArgument };
        }
        const pkg = packageOf(store, org, params);
        const role = pkg === undefined ? undefined : roleOf(pkg, repository);
        if (pkg !== undefined && (role === undefined || ROLE_RANK[role] < ROLE_RANK[need])) {
            return { status: 403, message: MESSAGES.integration };
        }
        return undefined;
    }
    if (org.samlSso && !token.ssoAuthorized.has(org.login.toLowerCase())) {
        return { status: 403, message: MESSAGES.samlEnforced(org.login), headers: { "x-github-sso": ssoHeader(org.login, token.userId) } };
    }
    return undefined;
}

/** The role `repository`'s workflows have on `pkg`: `admin` for the linked repository, else what "Manage Actions access" grants. */
export function roleOf(pkg: PackageRecord, repository: string): ActionsRole | undefined {
    if (pkg.repository !== undefined && pkg.repository.toLowerCase() === repository.toLowerCase()) {
        return "admin";
    }
    const entry = [...pkg.actionsAccess].find(([name]) => name.toLowerCase() === repository.toLowerCase());
    return entry?.[1];
}

/** The package a path names: the active one, else the most recently deleted one (restores). */
function packageOf(store: Store, org: OrgRecord, params: Record<string, string>): PackageRecord | undefined {
    const type = params.package_type;
    if (!(PACKAGE_TYPES as readonly string[]).includes(type) || params.package_name === undefined) {
        return undefined;
    }
    const key = { org: org.login, packageType: type as PackageType, name: params.package_name };
    return store.activePackage(key) ?? store.deletedPackages(key).sort((a, b) => (b.deletedAt ?? 0) - (a.deletedAt ?? 0))[0];
}

/** The scope headers GitHub sends to token callers: the token's scopes, and the scopes the endpoint accepts. */
export function scopeHeaders(token: TokenRecord, accepted: readonly OAuthScope[]): Record<string, string> {
    return {
        "x-oauth-scopes": token.scopes.join(", "),
        "x-accepted-oauth-scopes": accepted.join(", "),
    };
}
