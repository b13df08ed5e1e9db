/**
 * Authentication and authorization as GitHub does it for personal access tokens (classic):
 * who is calling, which OAuth scopes the token has, and which organizations it can see.
 */
import { Store } from "../store/state";
import { OAuthScope, OrgRecord, TokenRecord } from "../types";

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

/** The scope headers GitHub sends to token callers: the token's scopes, and the scopes the endpoint accepts. */
export function scopeHeaders(token: TokenRecord, accepted: readonly OAuthScope[]): Record<string, string> {
    return {
        "x-oauth-scopes": token.scopes.join(", "),
        "x-accepted-oauth-scopes": accepted.join(", "),
    };
}
