/**
 * A small OCI distribution client for the manifests of container packages: the bearer-token
 * exchange (the registry's `/token` endpoint, or the realm a 401 challenge names), manifest
 * GETs by digest with the sha256 of the answer verified, HEADs (is a manifest served, with no
 * download counted) and a tag-list probe (does the registry know the repository), retries with back-off, a small
 * concurrency limit, a per-process cache by digest (manifests are immutable, and each GET
 * counts as a download on GitHub), and a count of the reads. Errors carry the request (method
 * and URL, never credentials) and never a token.
 */
import { createHash } from "node:crypto";
import pLimit from "p-limit";
import pRetry from "p-retry";
import { scrub } from "../shared/messages";
import { fetchWithTimeout } from "./timeout";

/** OCI image index (multi-arch). */
export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
/** OCI image manifest (one platform, an attestation, a signature, an artifact). */
export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
/** Docker manifest list v2 (multi-arch). */
export const DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
/** Docker image manifest v2 schema 2. */
export const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";

/** The media types of manifests that list other manifests. */
export const INDEX_TYPES: readonly string[] = [OCI_INDEX, DOCKER_LIST];

/** Every manifest media type the client accepts, in its `Accept` header. */
export const MANIFEST_TYPES: readonly string[] = [OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST];

/** A content descriptor, as manifests reference other content. */
export interface Descriptor {
    /** The media type of the content. */
    mediaType: string;
    /** Its digest, `sha256:...`. */
    digest: string;
    /** Its size in bytes. */
    size?: number;
    /** The platform of an index entry. */
    platform?: { os?: string; architecture?: string; variant?: string };
    /** Annotations, e.g. buildx's `vnd.docker.reference.type: attestation-manifest`. */
    annotations?: Record<string, string>;
    /** The artifact type of an OCI 1.1 artifact or referrer. */
    artifactType?: string;
}

/** A manifest as read from the registry, reduced to what the image graph needs. */
export interface Manifest {
    /** The digest it was read by, verified against the content. */
    digest: string;
    /** Its media type (one of {@link MANIFEST_TYPES}). */
    mediaType: string;
    /** The entries of an index or manifest list; empty for image manifests. */
    manifests: Descriptor[];
    /** The OCI 1.1 `subject` of a referrer (signature, SBOM, attestation), if any. */
    subject?: Descriptor;
    /** The artifact type of an OCI 1.1 artifact, if any. */
    artifactType?: string;
    /** The config blob of an image manifest (its descriptor: digest and size), if any. */
    config?: Descriptor;
    /** The layer blobs of an image manifest (descriptors: digest and size); empty for an index. */
    layers?: Descriptor[];
}

/** What failed when a manifest could not be read. */
export type ManifestProblem = "not-found" | "unavailable" | "unauthorized" | "unknown-media-type" | "digest-mismatch" | "invalid";

/** A manifest (or token) the registry did not give; the message names the digest and the request, never a token. */
export class RegistryError extends Error {
    override readonly name = "RegistryError";

    constructor(
        message: string,
        /** What failed. */
        readonly problem: ManifestProblem,
        /** The request that failed, as `METHOD URL` (no credentials, no query). */
        readonly request: string,
        /** The HTTP status, or undefined when no answer came. */
        readonly status: number | undefined,
        /** The digest asked for, when the request was for a manifest. */
        readonly digest?: string,
    ) {
        super(`${message} [${request}]`);
    }
}

/** The settings of a {@link RegistryClient}. */
export interface RegistryOptions {
    /** The registry's base URL, e.g. `https://ghcr.io` (see `resolveRegistryUrl` in config.ts). */
    registryUrl: string;
    /** The GitHub token, sent as basic auth to the token endpoint only; anonymous (public packages) when undefined. */
    token?: string;
    /** Retries of a 5xx, 429, timeout or reset connection. */
    retries?: number;
    /** The first back-off in ms; each retry doubles it. */
    retryBaseMs?: number;
    /** One attempt's time limit in ms; 0 for none. */
    requestTimeoutMs?: number;
    /** How many requests run at once. */
    concurrency?: number;
    /** The fetch to use (tests); the global one by default. */
    fetch?: typeof fetch;
}

/** The defaults of {@link RegistryOptions}, in one place. */
export const REGISTRY_DEFAULTS = {
    retries: 3,
    retryBaseMs: 1000,
    requestTimeoutMs: 30_000,
    concurrency: 4,
} as const satisfies Partial<RegistryOptions>;

/** Reads the manifests of one package by digest; what the image graph needs from a registry. */
export interface ManifestSource {
    /** Reads one manifest; rejects with a {@link RegistryError} when it cannot be read and verified. */
    read(digest: string): Promise<Manifest>;
    /**
     * Whether the registry serves manifest `digest` (a HEAD: no download counted); rejects with a
     * {@link RegistryError} (`not-found` on 404) like `read`. Sources without it are read instead.
     */
    check?(digest: string): Promise<void>;
    /** Whether the registry knows the package's repository (its tag list answers), to tell ghost images from a wrong registry. */
    knowsRepository?(): Promise<boolean>;
}

/** The counts of what a client sent. */
export interface RegistryCounts {
    /** Manifest GETs sent, retries included (each counts as a download on GitHub). */
    manifestRequests: number;
    /** Distinct manifests read and verified. */
    manifestsRead: number;
    /** Token requests sent. */
    tokenRequests: number;
}

const DIGEST = /^sha256:([0-9a-f]{64})$/;

/** A failure worth retrying: no answer (no status), a 5xx or a 429. */
class Transient extends Error {
    constructor(
        message: string,
        readonly status?: number,
    ) {
        super(message);
    }
}

/**
 * The registry client: one per registry and token, shared by the packages of a run so that the
 * cache and the counts cover the whole process.
 */
export class RegistryClient {
    private readonly options: Required<Omit<RegistryOptions, "token">> & { token?: string };
    private readonly limit: ReturnType<typeof pLimit>;
    private readonly cache = new Map<string, Promise<Manifest>>();
    private readonly tokens = new Map<string, Promise<string | undefined>>();
    private readonly secrets: string[] = [];
    private readonly sent: RegistryCounts = { manifestRequests: 0, manifestsRead: 0, tokenRequests: 0 };

    constructor(options: RegistryOptions) {
        this.options = {
            registryUrl: options.registryUrl.replace(/\/+$/, ""),
            token: options.token,
            retries: options.retries ?? REGISTRY_DEFAULTS.retries,
            retryBaseMs: options.retryBaseMs ?? REGISTRY_DEFAULTS.retryBaseMs,
            requestTimeoutMs: options.requestTimeoutMs ?? REGISTRY_DEFAULTS.requestTimeoutMs,
            concurrency: options.concurrency ?? REGISTRY_DEFAULTS.concurrency,
            fetch: fetchWithTimeout(options.requestTimeoutMs ?? REGISTRY_DEFAULTS.requestTimeoutMs, options.fetch ?? fetch),
        };
        this.limit = pLimit(Math.max(1, this.options.concurrency));
        if (options.token) {
            this.secrets.push(options.token, Buffer.from(`token:${options.token}`).toString("base64"));
        }
    }

    /** What this client sent so far. */
    get counts(): Readonly<RegistryCounts> {
        return { ...this.sent };
    }

    /** The manifests of package `org/name` (its repository in the registry is `org/name`, lowercased as the registry names it). */
    forPackage(org: string, name: string): ManifestSource {
        const repository = `${org}/${name}`.toLowerCase();
        return {
            read: (digest) => this.read(repository, digest),
            check: (digest) => this.check(repository, digest),
            knowsRepository: () => this.knowsRepository(repository),
        };
    }

    /** Asks for one manifest of `repository` with HEAD (GitHub counts no download); rejects like `read` when it is not served. */
    async check(repository: string, digest: string): Promise<void> {
        const url = `${this.options.registryUrl}/v2/${repository}/manifests/${digest}`;
        const response = await this.limit(() => this.authorized("HEAD", url, repository, digest));
        await response.arrayBuffer().catch(() => undefined);
        const status = response.status;
        const fail = (message: string, problem: ManifestProblem) => new RegistryError(this.clean(message), problem, `HEAD ${url}`, status, digest);
        if (status === 404) {
            throw fail(`The registry has no manifest ${digest} (404): the version's manifest is missing (a ghost: the REST API lists it, pulls fail).`, "not-found");
        }
        if (status === 401 || status === 403) {
            throw fail(`The registry refused to give manifest ${digest} (${status}); the token needs read:packages and access to the package.`, "unauthorized");
        }
        if (status !== 200) {
            throw fail(`The registry answered ${status} for manifest ${digest}.`, "unavailable");
        }
    }

    /**
     * True when the registry knows `repository` (its tag list answers 200), false when it answers
     * 404; rejects with a {@link RegistryError} otherwise. One request, sent only when every
     * manifest read answered 404: ghosts in a known repository, or a registry that is not the package's.
     */
    async knowsRepository(repository: string): Promise<boolean> {
        const url = `${this.options.registryUrl}/v2/${repository}/tags/list?n=1`;
        const response = await this.limit(() => this.authorized("GET", url, repository, undefined));
        await response.arrayBuffer().catch(() => undefined);
        if (response.status === 200) {
            return true;
        }
        if (response.status === 404) {
            return false;
        }
        const request = `GET ${this.options.registryUrl}/v2/${repository}/tags/list`;
        const problem = response.status === 401 || response.status === 403 ? "unauthorized" : "unavailable";
        throw new RegistryError(this.clean(`The registry answered ${response.status} for the tag list of ${repository}.`), problem, request, response.status);
    }

    /** Reads one manifest of `repository`, at most once per process when it succeeds. */
    read(repository: string, digest: string): Promise<Manifest> {
        const key = `${repository}@${digest}`;
        let pending = this.cache.get(key);
        if (!pending) {
            pending = this.limit(() => this.fetchManifest(repository, digest));
            this.cache.set(key, pending);
            // A failure is not cached: the next run in a long-lived process asks again.
            pending.catch(() => this.cache.get(key) === pending && this.cache.delete(key));
        }
        return pending;
    }

    private async fetchManifest(repository: string, digest: string): Promise<Manifest> {
        const url = `${this.options.registryUrl}/v2/${repository}/manifests/${digest}`;
        const match = DIGEST.exec(digest);
        if (!match) {
            throw new RegistryError(`Cannot read manifest ${JSON.stringify(digest)}: only sha256 digests are supported.`, "invalid", `GET ${url}`, undefined, digest);
        }
        return this.verify(await this.authorized("GET", url, repository, digest), `GET ${url}`, digest, match[1]);
    }

    /** Sends a request on `repository` with its pull token, following one 401 challenge with a fresh exchange. */
    private async authorized(method: "GET" | "HEAD", url: string, repository: string, digest: string | undefined): Promise<Response> {
        const request = `${method} ${url.split("?")[0]}`;
        if (digest !== undefined && !DIGEST.test(digest)) {
            throw new RegistryError(`Cannot read manifest ${JSON.stringify(digest)}: only sha256 digests are supported.`, "invalid", request, undefined, digest);
        }
        const scope = `repository:${repository}:pull`;
        let bearer = await this.token(scope, undefined);
        let challenged = false;
        for (;;) {
            const response = await this.send(request, digest, async () => {
                if (digest !== undefined && method === "GET") {
                    this.sent.manifestRequests++;
                }
                return this.options.fetch(url, {
                    method,
                    headers: { Accept: MANIFEST_TYPES.join(", "), ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}) },
                });
            });
            if (response.status === 401 && !challenged) {
                const challenge = parseChallenge(response.headers.get("www-authenticate"));
                await response.arrayBuffer().catch(() => undefined);
                if (challenge) {
                    challenged = true;
                    // A fresh exchange: the token sent may have expired (ghcr.io's last minutes), so the cached one is not reused.
                    bearer = await this.token(challenge.scope ?? scope, challenge, true);
                    continue;
                }
            }
            return response;
        }
    }

    private async verify(response: Response, request: string, digest: string, hex: string): Promise<Manifest> {
        const status = response.status;
        const fail = (message: string, problem: ManifestProblem) => new RegistryError(this.clean(message), problem, request, status, digest);
        if (status === 404) {
            throw fail(`The registry has no manifest ${digest} (404): the version's manifest is missing (an orphan or a broken image).`, "not-found");
        }
        if (status === 401 || status === 403) {
            throw fail(`The registry refused to give manifest ${digest} (${status}); the token needs read:packages and access to the package.`, "unauthorized");
        }
        if (status !== 200) {
            throw fail(`The registry answered ${status} for manifest ${digest}.`, "unavailable");
        }
        const body = Buffer.from(await response.arrayBuffer());
        const actual = createHash("sha256").update(body).digest("hex");
        if (actual !== hex) {
            throw fail(`The registry's answer for manifest ${digest} has digest sha256:${actual}; a manifest whose content does not match its digest is not trusted.`, "digest-mismatch");
        }
        let parsed: Record<string, unknown>;
        try {
            parsed = JSON.parse(body.toString("utf8"));
        } catch {
            throw fail(`Manifest ${digest} is not JSON.`, "invalid");
        }
        const header = (response.headers.get("content-type") ?? "").split(";")[0].trim();
        const mediaType = typeof parsed.mediaType === "string" ? parsed.mediaType : header;
        if (!MANIFEST_TYPES.includes(mediaType)) {
            throw fail(`Manifest ${digest} has media type ${JSON.stringify(mediaType)}, which is none of ${MANIFEST_TYPES.join(", ")}; its children cannot be known.`, "unknown-media-type");
        }
        const manifests = Array.isArray(parsed.manifests) ? parsed.manifests.filter(isDescriptor) : [];
        if (INDEX_TYPES.includes(mediaType) && !Array.isArray(parsed.manifests)) {
            throw fail(`Manifest ${digest} is an index without a manifests list.`, "invalid");
        }
        this.sent.manifestsRead++;
        return {
            digest,
            mediaType,
            manifests,
            subject: isDescriptor(parsed.subject) ? parsed.subject : undefined,
            artifactType: typeof parsed.artifactType === "string" ? parsed.artifactType : undefined,
            config: isDescriptor(parsed.config) ? parsed.config : undefined,
            layers: Array.isArray(parsed.layers) ? parsed.layers.filter(isDescriptor) : [],
        };
    }

    /**
     * The bearer token for `scope`, exchanged once per scope and realm (again when `fresh`): at
     * the realm of a 401 challenge, or else at the registry's `/token` endpoint. Undefined when
     * the registry has no token endpoint there (404), in which case a challenge may still name one.
     */
    private token(scope: string, challenge: Challenge | undefined, fresh = false): Promise<string | undefined> {
        const realm = challenge?.realm ?? `${this.options.registryUrl}/token`;
        const service = challenge?.service ?? new URL(this.options.registryUrl).host;
        const key = `${realm} ${service} ${scope}`;
        let pending = fresh ? undefined : this.tokens.get(key);
        if (!pending) {
            pending = this.exchange(realm, service, scope, challenge !== undefined);
            this.tokens.set(key, pending);
            pending.catch(() => this.tokens.get(key) === pending && this.tokens.delete(key));
        }
        return pending;
    }

    private async exchange(realm: string, service: string, scope: string, challenged: boolean): Promise<string | undefined> {
        const url = new URL(realm);
        url.searchParams.set("scope", scope);
        url.searchParams.set("service", service);
        const request = `GET ${url.origin}${url.pathname}`;
        // The GitHub token goes to the registry's own origin only, never to a realm elsewhere a challenge names.
        const sameOrigin = url.origin === new URL(this.options.registryUrl).origin;
        const headers: Record<string, string> =
            this.options.token && sameOrigin ? { Authorization: `Basic ${Buffer.from(`token:${this.options.token}`).toString("base64")}` } : {};
        const response = await this.send(request, undefined, async () => {
            this.sent.tokenRequests++;
            return this.options.fetch(url, { headers });
        });
        const text = await response.text().catch(() => "");
        if (response.status === 404 && !challenged) {
            return undefined;
        }
        if (response.status !== 200) {
            const hint = response.status === 401 || response.status === 403 ? " Check github-packages:token (read:packages) and the token's access to the package." : "";
            throw new RegistryError(`The registry refused a pull token for ${scope} (${response.status}).${hint}`, "unauthorized", request, response.status);
        }
        let token: unknown;
        try {
            const body = JSON.parse(text) as { token?: unknown; access_token?: unknown };
            token = body.token ?? body.access_token;
        } catch {
            token = undefined;
        }
        if (typeof token !== "string" || token === "") {
            throw new RegistryError(`The registry's token answer for ${scope} has no token.`, "unauthorized", request, response.status);
        }
        this.secrets.push(token);
        return token;
    }

    /** Sends with retries on no answer, 5xx and 429 (doubling back-off); the last answer or a {@link RegistryError}. */
    private async send(request: string, digest: string | undefined, attempt: () => Promise<Response>): Promise<Response> {
        let tries = 0;
        try {
            return await pRetry(
                async () => {
                    tries++;
                    let response: Response;
                    try {
                        response = await attempt();
                    } catch (error) {
                        throw new Transient(this.clean(error instanceof Error ? `${error.message}${causeOf(error)}` : String(error)));
                    }
                    if (response.status >= 500 || response.status === 429) {
                        await response.arrayBuffer().catch(() => undefined);
                        throw new Transient(`status ${response.status}`, response.status);
                    }
                    return response;
                },
                { retries: this.options.retries, minTimeout: this.options.retryBaseMs, factor: 2, randomize: false },
            );
        } catch (error) {
            const status = error instanceof Transient ? error.status : undefined;
            const what = digest ? `manifest ${digest}` : "a pull token";
            const answer = status === undefined ? `no answer came (${(error as Error).message})` : `it answered ${status}`;
            throw new RegistryError(
                this.clean(`The registry failed to give ${what} after ${tries} attempt${tries === 1 ? "" : "s"}: ${answer}. Run again later.`),
                "unavailable",
                request,
                status,
                digest,
            );
        }
    }

    private clean(text: string): string {
        return scrub(text, this.secrets);
    }
}

/** A `WWW-Authenticate: Bearer realm=...,service=...,scope=...` challenge. */
interface Challenge {
    realm: string;
    service?: string;
    scope?: string;
}

/** Parses a Bearer challenge; undefined for any other scheme or without a realm. */
export function parseChallenge(header: string | null): Challenge | undefined {
    if (!header || !/^\s*bearer\s/i.test(header)) {
        return undefined;
    }
    const params: Record<string, string> = {};
    for (const match of header.replace(/^\s*bearer\s+/i, "").matchAll(/([a-z_]+)\s*=\s*(?:"([^"]*)"|([^\s,]*))/gi)) {
        params[match[1].toLowerCase()] = match[2] ?? match[3];
    }
    if (!params.realm) {
        return undefined;
    }
    try {
        const realm = new URL(params.realm);
        if (realm.protocol !== "http:" && realm.protocol !== "https:") {
            return undefined;
        }
    } catch {
        return undefined;
    }
    return { realm: params.realm, service: params.service, scope: params.scope };
}

function isDescriptor(value: unknown): value is Descriptor {
    const d = value as Descriptor | undefined;
    return typeof d === "object" && d !== null && typeof d.digest === "string" && typeof d.mediaType === "string";
}

function causeOf(error: Error): string {
    const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
    if (!cause) {
        return "";
    }
    return `: ${typeof cause.code === "string" ? cause.code : String(cause.message ?? cause)}`;
}

const shared = new Map<string, RegistryClient>();

/**
 * The registry client for these settings, one per distinct settings in this process, so that
 * the manifest cache and the counts cover every package of a run. Takes the client settings
 * (token, retries, timeout) from `resolveClientConfig` and the URL from `resolveRegistryUrl`.
 */
export function registryClientFor(config: { token?: string; retries: number; retryBaseMs: number; requestTimeoutMs: number }, registryUrl: string): RegistryClient {
    const options: RegistryOptions = {
        registryUrl,
        token: config.token,
        retries: config.retries,
        retryBaseMs: config.retryBaseMs,
        requestTimeoutMs: config.requestTimeoutMs,
    };
    const key = JSON.stringify(options);
    let client = shared.get(key);
    if (!client) {
        client = new RegistryClient(options);
        shared.set(key, client);
    }
    return client;
}
