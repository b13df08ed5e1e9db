/**
 * The registry's bearer tokens: what `GET /token` hands out for a set of repositories, and
 * looking them up on `/v2/...` requests. A token remembers the PAT it was issued for (never
 * shown anywhere) so each request re-checks the PAT and the package as they are now. As on
 * ghcr.io, `Bearer <base64 of a PAT>` also works without an exchange, for any repository.
 */
import { createHash } from "node:crypto";

/** How long a registry token lasts, in seconds (`expires_in`). */
export const REGISTRY_TOKEN_SECONDS = 300;

/** A token `GET /token` issued. */
export interface RegistryGrant {
    /** The bearer token. */
    token: string;
    /** The PAT it was exchanged for; undefined for an anonymous token. */
    secret: string | undefined;
    /** The repositories (`org/name`, org lower-cased) it may pull. */
    repositories: Set<string>;
    /** True for a PAT sent as base64: any repository, each request checked against the PAT. */
    anyRepository?: boolean;
    /** When it was issued, epoch milliseconds (emulator clock). */
    issuedAt: number;
    /** When it stops working, epoch milliseconds (emulator clock). */
    expiresAt: number;
}

/** The issued tokens. */
export class RegistryTokens {
    private readonly grants = new Map<string, RegistryGrant>();
    private issued = 0;

    /** Issues a token for `repositories`, valid {@link REGISTRY_TOKEN_SECONDS} from `now`. */
    issue(secret: string | undefined, repositories: Iterable<string>, now: number): RegistryGrant {
        const token = createHash("sha256").update(`registry-token:${++this.issued}:${now}`).digest("base64url");
        const grant = { token, secret, repositories: new Set(repositories), issuedAt: now, expiresAt: now + REGISTRY_TOKEN_SECONDS * 1000 };
        this.grants.set(token, grant);
        return grant;
    }

    /** The grant of a PAT sent as `Bearer <base64 PAT>` (nothing is stored: it lasts as long as the PAT). */
    forPat(secret: string, now: number): RegistryGrant {
        return { token: "", secret, repositories: new Set(), anyRepository: true, issuedAt: now, expiresAt: Number.POSITIVE_INFINITY };
    }

    /** The grant of `token`, unless it is unknown or expired at `now`. */
    find(token: string, now: number): RegistryGrant | undefined {
        const grant = this.grants.get(token);
        return grant && now < grant.expiresAt ? grant : undefined;
    }

    /** Forgets every token (a reset or a new seed). */
    clear(): void {
        this.grants.clear();
    }
}

/** The repository key of `org/name` in grants: the org lower-cased (GitHub matches logins case-insensitively). */
export function repositoryKey(org: string, name: string): string {
    return `${org.toLowerCase()}/${name}`;
}

/**
 * The PAT in a bearer value that is the base64 of one (`echo $PAT | base64`, so a trailing
 * newline is dropped), when `known` knows it; undefined otherwise. A PAT sent as is is not one.
 */
export function patOfBearer(value: string, known: (secret: string) => boolean): string | undefined {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) {
        return undefined;
    }
    const decoded = Buffer.from(value, "base64").toString("utf8").trim();
    return decoded !== "" && known(decoded) ? decoded : undefined;
}
