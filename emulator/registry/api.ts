/**
 * The container registry side of ghcr.io, without sockets: the token exchange (`GET /token`),
 * `/v2/` and, per repository `ORG/NAME`, manifests by tag or digest (GET and HEAD, negotiated
 * on `Accept`), blobs by digest (GET and HEAD) and the tag list (OCI distribution spec).
 * Manifests are the container package versions of the store: a version's name is its
 * manifest's digest and its tags are the tags; a blob is served where an active manifest of the
 * repository points at it.
 */
import { canSeeOrg, credentialOf } from "../rest/auth";
import { Clock } from "../store/clock";
import { blobBytes, referencedBlobs } from "../store/blobs";
import { MANIFEST_MEDIA_TYPES } from "../store/manifests";
import { Store } from "../store/state";
import { ApiRequest, WireReply } from "../traffic/http";
import { FaultRule, PackageRecord, TokenRecord, VersionRecord } from "../types";
import { REGISTRY_TOKEN_SECONDS, RegistryGrant, RegistryTokens, patOfBearer, repositoryKey } from "./tokens";

/** The `service` of ghcr.io's token exchange, echoed in `WWW-Authenticate`. */
export const REGISTRY_SERVICE = "ghcr.io";

/** The placeholder scope ghcr.io puts in the challenge of `/v2/` itself, where no repository is named. */
export const BASE_CHALLENGE_SCOPE = "repository:user/image:pull";

/** How many tags a tag list without `n` holds, as on ghcr.io (a `Link` points to the rest). */
export const DEFAULT_TAG_PAGE = 100;

/** The error codes of the OCI distribution spec ("Error Codes"), with the spec's descriptions as messages. */
export const REGISTRY_ERRORS = {
    BLOB_UNKNOWN: "blob unknown to registry",
    BLOB_UPLOAD_INVALID: "blob upload invalid",
    BLOB_UPLOAD_UNKNOWN: "blob upload unknown to registry",
    DIGEST_INVALID: "provided digest did not match uploaded content",
    MANIFEST_BLOB_UNKNOWN: "manifest references a manifest or blob unknown to registry",
    MANIFEST_INVALID: "manifest invalid",
    MANIFEST_UNKNOWN: "manifest unknown to registry",
    NAME_INVALID: "invalid repository name",
    NAME_UNKNOWN: "repository name not known to registry",
    SIZE_INVALID: "provided length did not match content length",
    UNAUTHORIZED: "authentication required",
    DENIED: "requested access to the resource is denied",
    UNSUPPORTED: "the operation is unsupported",
    TOOMANYREQUESTS: "too many requests",
} as const;

/** An error code of the OCI distribution spec. */
export type RegistryErrorCode = keyof typeof REGISTRY_ERRORS;

/** What the registry needs from the emulator. */
export interface RegistryEnvironment {
    /** The current state. */
    store(): Store;
    /** The clock. */
    clock: Clock;
    /** The issued bearer tokens. */
    tokens: RegistryTokens;
    /** The emulator's base URL (the token realm is `<base>/token`). */
    baseUrl: string;
}

/** A registry request, parsed from its path. */
type RegistryRoute =
    | { kind: "token" }
    | { kind: "base" }
    | { kind: "manifest"; org: string; name: string; reference: string }
    | { kind: "tags"; org: string; name: string }
    | { kind: "blob"; org: string; name: string; digest: string }
    | { kind: "unknown"; org?: string; name?: string };

/** Whether a raw path belongs to the registry rather than the REST API (no GitHub REST path starts like these). */
export function isRegistryPath(path: string): boolean {
    return path === "/token" || path === "/v2" || path.startsWith("/v2/");
}

/** The emulated container registry. */
export class RegistryApi {
    constructor(private readonly env: RegistryEnvironment) {}

    /** The request log's operation name of `request`: `registry/token`, `registry/get-manifest`... */
    operation(request: ApiRequest): string {
        const route = parse(request.url.pathname);
        switch (route.kind) {
            case "token":
                return "registry/token";
            case "base":
                return "registry/base";
            case "manifest":
                return request.method === "HEAD" ? "registry/head-manifest" : "registry/get-manifest";
            case "tags":
                return "registry/list-tags";
            case "blob":
                return request.method === "HEAD" ? "registry/head-blob" : "registry/get-blob";
            default:
                return "registry/unknown";
        }
    }

    /** The login of the PAT behind `request` (Basic at `/token`, a token's PAT on `/v2/...`), for the request log. */
    login(request: ApiRequest): string | undefined {
        const store = this.env.store();
        const basic = basicSecret(request.authorization);
        if (basic) {
            return store.token(basic)?.login;
        }
        const grant = this.grant(request);
        return grant?.secret === undefined ? undefined : store.token(grant.secret)?.login;
    }

    /** Answers `request`. Synchronous, so a manifest GET and its download count are one step. */
    answer(request: ApiRequest): WireReply {
        const route = parse(request.url.pathname);
        if (route.kind === "token") {
            return request.method === "GET" ? this.exchange(request) : registryError(405, "UNSUPPORTED", "the token endpoint takes GET");
        }
        const grant = this.grant(request);
        const repository = "org" in route && route.org !== undefined && route.name !== undefined ? { org: route.org, name: route.name } : undefined;
        if (!grant) {
            return this.challenge(repository ?? (route.kind === "base" ? BASE_CHALLENGE_SCOPE : undefined), undefined);
        }
        if (route.kind === "base") {
            return json(200, {});
        }
        if (route.kind === "unknown" || !repository) {
            // ghcr.io has no referrers API and no catalog; blob uploads go through the admin interface here.
            return registryError(404, "UNSUPPORTED", `the emulator does not serve ${request.method} ${request.url.pathname}`);
        }
        if (!grant.anyRepository && !grant.repositories.has(repositoryKey(repository.org, repository.name))) {
            return this.challenge(repository, "insufficient_scope");
        }
        const pkg = this.env.store().activePackage({ org: repository.org, packageType: "container", name: repository.name });
        if (!pkg) {
            return registryError(404, "NAME_UNKNOWN", REGISTRY_ERRORS.NAME_UNKNOWN, { name: `${repository.org}/${repository.name}` });
        }
        if (!this.mayPull(grant.secret === undefined ? undefined : this.env.store().token(grant.secret), grant.secret !== undefined, pkg)) {
            return registryError(403, "DENIED", REGISTRY_ERRORS.DENIED);
        }
        if (route.kind === "tags") {
            return request.method === "GET" ? tagList(request, pkg, `${repository.org}/${repository.name}`) : unsupported(request);
        }
        if (request.method !== "GET" && request.method !== "HEAD") {
            return unsupported(request);
        }
        return route.kind === "blob" ? this.blob(pkg, route.digest) : this.manifest(request, pkg, route.reference);
    }

    /** The answer of an `error` fault on a registry path: a 5xx with a registry error body. */
    serverError(fault: FaultRule): WireReply {
        return registryError(fault.status ?? 500, "UNKNOWN", fault.message ?? "internal server error");
    }

    /** The answer of a `secondary-rate-limit` fault on a registry path: 429 (or the fault's status) TOOMANYREQUESTS with `retry-after`. */
    rateLimited(fault: FaultRule): WireReply {
        const reply = registryError(fault.status ?? 429, "TOOMANYREQUESTS", fault.message ?? REGISTRY_ERRORS.TOOMANYREQUESTS);
        return { ...reply, headers: { ...reply.headers, "retry-after": String(fault.retryAfterSeconds ?? 60) } };
    }

    /** `GET /token?scope=repository:ORG/NAME:pull&service=ghcr.io`, anonymous or with Basic `user:PAT`. */
    private exchange(request: ApiRequest): WireReply {
        const store = this.env.store();
        let token: TokenRecord | undefined;
        if (request.authorization !== undefined && request.authorization.trim() !== "") {
            const secret = basicSecret(request.authorization);
            token = secret === undefined ? undefined : store.token(secret);
            if (!token) {
                return registryError(401, "UNAUTHORIZED", "authentication required: send Basic base64(user:PAT) with a known personal access token");
            }
            if (!canPull(token)) {
                return registryError(403, "DENIED", "the personal access token needs the read:packages scope to pull");
            }
        }
        const repositories: string[] = [];
        for (const scope of request.url.searchParams.getAll("scope").flatMap((value) => value.split(" ").filter(Boolean))) {
            const match = /^repository:([^/:]+)\/([^:]+):([a-z*,]+)$/.exec(scope);
            if (!match) {
                return registryError(400, "NAME_INVALID", `scope "${scope}" must be repository:ORG/NAME:pull`);
            }
            const [, org, name, actions] = match;
            if (!actions.split(",").some((action) => action === "pull" || action === "*")) {
                continue; // only pulls are served; pushes go through the admin interface
            }
            const pkg = store.activePackage({ org, packageType: "container", name });
            if (pkg ? !this.mayPull(token, token !== undefined, pkg) : token === undefined) {
                return token === undefined
                    ? registryError(401, "UNAUTHORIZED", `authentication required to pull ${org}/${name}`)
                    : registryError(403, "DENIED", `${REGISTRY_ERRORS.DENIED}: ${org}/${name}`);
            }
            repositories.push(repositoryKey(org, name));
        }
        const grant = this.env.tokens.issue(token?.token, repositories, this.env.clock.now());
        return json(200, {
            token: grant.token,
            access_token: grant.token,
            expires_in: REGISTRY_TOKEN_SECONDS,
            issued_at: new Date(grant.issuedAt).toISOString(),
        });
    }

    /**
     * Whether a caller may pull `pkg` now: anyone for a public package; otherwise a PAT that still
     * exists (`hadToken` and `token` found), has read:packages and can see the organization.
     */
    private mayPull(token: TokenRecord | undefined, hadToken: boolean, pkg: PackageRecord): boolean {
        if (hadToken && (!token || !canPull(token))) {
            return false;
        }
        if (pkg.visibility === "public") {
            return true;
        }
        const org = this.env.store().org(pkg.org);
        return token !== undefined && org !== undefined && canSeeOrg(token, org);
    }

    /**
     * The live grant of the request's bearer token: one `GET /token` issued, or (as ghcr.io
     * accepts it) the base64 of a known PAT, which may ask for any repository the PAT may pull.
     */
    private grant(request: ApiRequest): RegistryGrant | undefined {
        const match = /^\s*bearer\s+(\S+)\s*$/i.exec(request.authorization ?? "");
        if (!match) {
            return undefined;
        }
        const issued = this.env.tokens.find(match[1], this.env.clock.now());
        if (issued) {
            return issued;
        }
        const pat = patOfBearer(match[1], (secret) => this.env.store().token(secret) !== undefined);
        return pat === undefined ? undefined : this.env.tokens.forPat(pat, this.env.clock.now());
    }

    /** 401 with the `WWW-Authenticate` challenge that tells a client where to get a token (for `scope`: a repository, or a scope as is). */
    private challenge(scope: { org: string; name: string } | string | undefined, error: string | undefined): WireReply {
        const parts = [`realm="${this.env.baseUrl}/token"`, `service="${REGISTRY_SERVICE}"`];
        if (scope !== undefined) {
            parts.push(`scope="${typeof scope === "string" ? scope : `repository:${scope.org}/${scope.name}:pull`}"`);
        }
        if (error) {
            parts.push(`error="${error}"`);
        }
        const reply = registryError(401, "UNAUTHORIZED", REGISTRY_ERRORS.UNAUTHORIZED);
        return { ...reply, headers: { ...reply.headers, "www-authenticate": `Bearer ${parts.join(",")}` } };
    }

    /**
     * A blob by digest: served when an active manifest of `pkg` (present or corrupt, not
     * missing) points at it and the emulator made it; else `BLOB_UNKNOWN`. A malformed digest is
     * `DIGEST_INVALID`. Blobs count no download (GitHub counts manifest pulls).
     */
    private blob(pkg: PackageRecord, digest: string): WireReply {
        if (!isValidDigest(digest)) {
            return registryError(400, "DIGEST_INVALID", `${digest} is not a digest: expected algorithm:hex, e.g. sha256: and 64 lowercase hex digits`, { digest });
        }
        const blob = this.env.store().blobs.get(digest);
        const referenced =
            blob !== undefined &&
            pkg.versions.some((version) => version.deletedAt === undefined && version.manifest !== undefined && version.manifest.state !== "missing" && referencedBlobs(version.manifest.text).has(digest));
        if (!blob || !referenced) {
            return registryError(404, "BLOB_UNKNOWN", REGISTRY_ERRORS.BLOB_UNKNOWN, { digest });
        }
        return {
            status: 200,
            headers: {
                "content-type": "application/octet-stream",
                "docker-content-digest": digest,
                "docker-distribution-api-version": "registry/2.0",
                etag: `"${digest}"`,
            },
            body: blobBytes(blob.recipe),
        };
    }

    /** A manifest by tag or digest; GET counts a download of its version, HEAD does not. */
    private manifest(request: ApiRequest, pkg: PackageRecord, reference: string): WireReply {
        const store = this.env.store();
        const version: VersionRecord | undefined = reference.includes(":")
            ? pkg.versions.find((candidate) => candidate.deletedAt === undefined && candidate.name === reference)
            : store.taggedVersion(pkg, reference);
        const manifest = version?.manifest;
        if (!version || !manifest || manifest.state === "missing") {
            return registryError(404, "MANIFEST_UNKNOWN", REGISTRY_ERRORS.MANIFEST_UNKNOWN, { reference });
        }
        if (!accepts(request.accept, manifest.mediaType)) {
            // Registries answer a manifest the client cannot take (no conversion) as unknown.
            return registryError(404, "MANIFEST_UNKNOWN", REGISTRY_ERRORS.MANIFEST_UNKNOWN, { reference, mediaType: manifest.mediaType });
        }
        const body = manifest.state === "corrupt" ? manifest.text.slice(0, Math.floor(manifest.text.length / 2)) : manifest.text;
        if (request.method === "GET") {
            version.downloads++;
        }
        return {
            status: 200,
            headers: {
                "content-type": manifest.mediaType,
                "docker-content-digest": version.name,
                "docker-distribution-api-version": "registry/2.0",
                etag: `"${version.name}"`,
            },
            body,
        };
    }
}

/** Parses a registry path: `/token`, `/v2/`, `/v2/ORG/NAME.../manifests/REF`, `/v2/ORG/NAME.../tags/list`. */
function parse(rawPath: string): RegistryRoute {
    if (rawPath === "/token") {
        return { kind: "token" };
    }
    if (rawPath === "/v2" || rawPath === "/v2/") {
        return { kind: "base" };
    }
    let path: string;
    try {
        path = decodeURIComponent(rawPath);
    } catch {
        return { kind: "unknown" };
    }
    const manifest = /^\/v2\/([^/]+)\/(.+)\/manifests\/([^/]+)$/.exec(path);
    if (manifest) {
        return { kind: "manifest", org: manifest[1], name: manifest[2], reference: manifest[3] };
    }
    const tags = /^\/v2\/([^/]+)\/(.+)\/tags\/list$/.exec(path);
    if (tags) {
        return { kind: "tags", org: tags[1], name: tags[2] };
    }
    const blob = /^\/v2\/([^/]+)\/(.+)\/blobs\/([^/]+)$/.exec(path);
    if (blob && blob[3] !== "uploads") {
        return { kind: "blob", org: blob[1], name: blob[2], digest: blob[3] };
    }
    const other = /^\/v2\/([^/]+)\/(.+?)\/(?:referrers|blobs|manifests|tags)\//.exec(path);
    return other ? { kind: "unknown", org: other[1], name: other[2] } : { kind: "unknown" };
}

/**
 * The tag list with the spec's `n` / `last` pagination and a `Link` to the next page; without
 * `n`, pages of {@link DEFAULT_TAG_PAGE} as ghcr.io answers.
 */
function tagList(request: ApiRequest, pkg: PackageRecord, name: string): WireReply {
    const query = request.url.searchParams;
    const last = query.get("last");
    const rawN = query.get("n");
    const n = rawN === null || rawN === "" ? undefined : Number(rawN);
    if (n !== undefined && !(Number.isInteger(n) && n >= 0)) {
        return registryError(400, "UNSUPPORTED", `n must be a whole number >= 0, got "${rawN}"`);
    }
    const all = [...new Set(pkg.versions.filter((version) => version.deletedAt === undefined).flatMap((version) => version.tags))].sort(ascii);
    const after = last === null ? all : all.filter((tag) => ascii(tag, last) > 0);
    const size = n ?? DEFAULT_TAG_PAGE;
    const page = after.slice(0, size);
    const headers: Record<string, string> = {};
    if (size > 0 && page.length < after.length) {
        headers.link = `</v2/${name}/tags/list?n=${size}&last=${encodeURIComponent(page[page.length - 1])}>; rel="next"`;
    }
    const reply = json(200, { name, tags: page });
    return { ...reply, headers: { ...reply.headers, ...headers } };
}

/** Go's `sort.Strings` order (byte-wise; tags are ASCII). */
function ascii(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether `text` is a digest as the OCI image spec writes them (`algorithm:encoded`), with a sha256 one 64 lowercase hex digits. */
function isValidDigest(text: string): boolean {
    if (!/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(text)) {
        return false;
    }
    return !text.startsWith("sha256:") || /^sha256:[a-f0-9]{64}$/.test(text);
}

/** Whether an Accept header takes `mediaType`; no header, or `*` / `*\/*`, takes anything. */
function accepts(accept: string | undefined, mediaType: string): boolean {
    if (accept === undefined || accept.trim() === "") {
        return true;
    }
    const types = accept.split(",").map((part) => part.split(";")[0].trim().toLowerCase());
    return types.includes("*/*") || types.includes("*") || types.includes(mediaType.toLowerCase());
}

/** The PAT of a Basic `user:PAT` header; undefined for any other header. */
function basicSecret(header: string | undefined): string | undefined {
    if (!/^\s*basic\s/i.test(header ?? "")) {
        return undefined;
    }
    return credentialOf(header) ?? undefined;
}

function unsupported(request: ApiRequest): WireReply {
    return registryError(405, "UNSUPPORTED", `${request.method} is not served here; the emulator takes pushes and deletes through its admin interface and the REST API`);
}

function json(status: number, body: unknown): WireReply {
    return { status, headers: { "content-type": "application/json", "docker-distribution-api-version": "registry/2.0" }, body: JSON.stringify(body) };
}

/** An error in the spec's format: `{ "errors": [{ "code", "message", "detail" }] }`. */
export function registryError(status: number, code: RegistryErrorCode | "UNKNOWN", message: string, detail?: unknown): WireReply {
    return json(status, { errors: [{ code, message, ...(detail === undefined ? {} : { detail }) }] });
}

/** The media types `docker pull` accepts, as one Accept header. */
export const PULL_ACCEPT = MANIFEST_MEDIA_TYPES.join(", ");

/** Whether a token may pull: a classic token with read:packages, or an installation token (Actions' `GITHUB_TOKEN`). */
function canPull(token: TokenRecord): boolean {
    return token.kind === "installation" || token.scopes.includes("read:packages");
}
