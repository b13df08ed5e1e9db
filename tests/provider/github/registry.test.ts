import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import http from "node:http";
import { AddressInfo } from "node:net";
import { REGISTRY_URL_DEFAULT, resolveRegistryUrl } from "../../../provider/shared/config";
import { ConfigError } from "../../../provider/shared/messages";
import { readImageGraph } from "../../../provider/retention/image-graph";
import { DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST, parseChallenge, RegistryClient, RegistryError } from "../../../provider/github/registry";
import { startDemo, TOKENS } from "../../emulator/support";

const TOKEN = "ghp_registryTestToken0123456789";
const BEARER = "bearer-token-from-exchange-abcdef";

/** Serialized manifest bytes and their digest. */
function blob(manifest: object): { body: Buffer; digest: string } {
    const body = Buffer.from(JSON.stringify(manifest));
    return { body, digest: `sha256:${createHash("sha256").update(body).digest("hex")}` };
}

interface Served {
    body: Buffer;
    contentType?: string;
}

/** A tiny OCI registry on 127.0.0.1: token endpoint, manifests by digest, faults, a request log. */
class TestRegistry {
    readonly manifests = new Map<string, Served>();
    readonly log: { path: string; authorization?: string }[] = [];
    /** Per path: statuses to answer before the real answer ("reset" closes the connection). */
    readonly faults = new Map<string, (number | "reset")[]>();
    /** Where the token endpoint is: `/token` (as ghcr.io), or only announced by a 401 challenge at `/auth`. */
    tokenPath = "/token";
    /** The realm a 401 challenge names; defaults to this server's token path. */
    realm?: string;
    /** The service a 401 challenge names. */
    service = "test-registry";
    /** The bearer tokens issued and still valid; `expire()` ends them all (as ghcr.io's expire after minutes). */
    readonly bearers = new Set<string>();
    inFlight = 0;
    maxInFlight = 0;
    /** Holds manifest answers until released (for the concurrency test). */
    hold?: Promise<void>;
    private server = http.createServer((req, res) => void this.handle(req, res));
    url = "";

    async start(): Promise<this> {
        await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
        this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
        return this;
    }

    stop(): Promise<void> {
        this.server.closeAllConnections();
        return new Promise((resolve) => this.server.close(() => resolve()));
    }

    add(manifest: object, contentType?: string): string {
        const { body, digest } = blob(manifest);
        this.manifests.set(digest, { body, contentType: contentType ?? (manifest as { mediaType?: string }).mediaType });
        return digest;
    }

    expire(): void {
        this.bearers.clear();
    }

    count(prefix: string): number {
        return this.log.filter((r) => r.path.startsWith(prefix)).length;
    }

    private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        const url = new URL(req.url!, this.url);
        this.log.push({ path: url.pathname + url.search, authorization: req.headers.authorization });
        const queued = this.faults.get(url.pathname);
        const fault = queued?.shift();
        if (fault === "reset") {
            req.socket.destroy();
            return;
        }
        if (typeof fault === "number") {
            res.writeHead(fault).end("{}");
            return;
        }
        if (url.pathname === this.tokenPath) {
            const expected = `Basic ${Buffer.from(`token:${TOKEN}`).toString("base64")}`;
            if (req.headers.authorization !== expected || !url.searchParams.get("scope")?.startsWith("repository:acme/")) {
                res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: `bad credentials ${req.headers.authorization ?? ""}` }] }));
                return;
            }
            const bearer = `${BEARER}-${this.count(this.tokenPath)}`;
            this.bearers.add(bearer);
            res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token: bearer }));
            return;
        }
        const match = /^\/v2\/(.+)\/manifests\/(.+)$/.exec(url.pathname);
        if (!match) {
            res.writeHead(404).end();
            return;
        }
        if (!this.bearers.has(req.headers.authorization?.replace(/^Bearer /, "") ?? "")) {
            const realm = this.realm ?? `${this.url}${this.tokenPath}`;
            res.writeHead(401, { "www-authenticate": `Bearer realm="${realm}",service="${this.service}",scope="repository:${match[1]}:pull"` }).end("{}");
            return;
        }
        this.inFlight++;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        try {
            await this.hold;
            const served = this.manifests.get(decodeURIComponent(match[2]));
            if (!served) {
                res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ errors: [{ code: "MANIFEST_UNKNOWN" }] }));
                return;
            }
            res.writeHead(200, served.contentType ? { "content-type": served.contentType } : {}).end(served.body);
        } finally {
            this.inFlight--;
        }
    }
}

const PLATFORM_AMD64 = { mediaType: OCI_MANIFEST, schemaVersion: 2, config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: `sha256:${"1".repeat(64)}`, size: 2 }, layers: [] };
const PLATFORM_ARM64 = { ...PLATFORM_AMD64, config: { ...PLATFORM_AMD64.config, digest: `sha256:${"2".repeat(64)}` } };

describe("provider/github/registry", () => {
    let registry: TestRegistry;
    let client: RegistryClient;

    beforeEach(async () => {
        registry = await new TestRegistry().start();
        client = new RegistryClient({ registryUrl: registry.url, token: TOKEN, retries: 2, retryBaseMs: 1, requestTimeoutMs: 5000 });
    });

    afterEach(() => registry.stop());

    it("exchanges the token once, reads an index by digest with a bearer token, and returns its entries", async () => {
        const amd64 = registry.add(PLATFORM_AMD64);
        const arm64 = registry.add(PLATFORM_ARM64);
        const attestation = registry.add({ ...PLATFORM_AMD64, config: { ...PLATFORM_AMD64.config, digest: `sha256:${"3".repeat(64)}` } });
        const index = registry.add({
            schemaVersion: 2,
            mediaType: OCI_INDEX,
            manifests: [
                { mediaType: OCI_MANIFEST, digest: amd64, size: 1, platform: { os: "linux", architecture: "amd64" } },
                { mediaType: OCI_MANIFEST, digest: arm64, size: 1, platform: { os: "linux", architecture: "arm64", variant: "v8" } },
                {
                    mediaType: OCI_MANIFEST,
                    digest: attestation,
                    size: 1,
                    platform: { os: "unknown", architecture: "unknown" },
                    annotations: { "vnd.docker.reference.type": "attestation-manifest", "vnd.docker.reference.digest": amd64 },
                },
            ],
        });
        const source = client.forPackage("Acme", "API");
        const manifest = await source.read(index);
        assert.equal(manifest.mediaType, OCI_INDEX);
        assert.deepEqual(manifest.manifests.map((d) => d.digest), [amd64, arm64, attestation]);
        assert.equal(manifest.manifests[2].annotations?.["vnd.docker.reference.type"], "attestation-manifest");
        assert.equal((await source.read(amd64)).mediaType, OCI_MANIFEST);

        const tokenCalls = registry.log.filter((r) => r.path.startsWith("/token"));
        assert.equal(tokenCalls.length, 1, "one token exchange per repository");
        assert.match(tokenCalls[0].path, /scope=repository%3Aacme%2Fapi%3Apull/);
        assert.match(tokenCalls[0].path, /service=127\.0\.0\.1/);
        const manifestCalls = registry.log.filter((r) => r.path.startsWith("/v2/"));
        assert.deepEqual(manifestCalls.map((r) => r.path), [`/v2/acme/api/manifests/${index}`, `/v2/acme/api/manifests/${amd64}`]);
        assert.ok(manifestCalls.every((r) => r.authorization === `Bearer ${BEARER}-1`), "the bearer token, never the PAT, goes to /v2/");
        assert.deepEqual(client.counts, { manifestRequests: 2, manifestsRead: 2, tokenRequests: 1 });
    });

    it("reads a manifest at most once per process, also when asked concurrently", async () => {
        const digest = registry.add(PLATFORM_AMD64);
        const source = client.forPackage("acme", "api");
        await Promise.all([source.read(digest), source.read(digest), client.forPackage("acme", "api").read(digest)]);
        await source.read(digest);
        assert.equal(registry.count("/v2/"), 1);
        assert.equal(client.counts.manifestsRead, 1);
    });

    it("retries 5xx answers and reset connections, and counts every GET", async () => {
        const digest = registry.add({ ...PLATFORM_AMD64, mediaType: DOCKER_MANIFEST });
        registry.faults.set(`/v2/acme/api/manifests/${digest}`, [503, "reset"]);
        const manifest = await client.forPackage("acme", "api").read(digest);
        assert.equal(manifest.mediaType, DOCKER_MANIFEST);
        assert.equal(registry.count("/v2/"), 3);
        assert.equal(client.counts.manifestRequests, 3);
    });

    it("gives up after the retries with an error naming the digest and the request, and reads again on the next call", async () => {
        const digest = registry.add(PLATFORM_AMD64);
        registry.faults.set(`/v2/acme/api/manifests/${digest}`, [502, 502, 502]);
        const error = await client.forPackage("acme", "api").read(digest).then(
            () => assert.fail("read should fail"),
            (e: unknown) => e as RegistryError,
        );
        assert.ok(error instanceof RegistryError);
        assert.equal(error.problem, "unavailable");
        assert.equal(error.status, 502);
        assert.equal(error.digest, digest);
        assert.equal(error.request, `GET ${registry.url}/v2/acme/api/manifests/${digest}`);
        assert.match(error.message, new RegExp(`manifest ${digest} after 3 attempts: it answered 502`));
        assert.equal(registry.count("/v2/"), 3);
        // A failure is not cached: the next run asks again.
        await client.forPackage("acme", "api").read(digest);
        assert.equal(registry.count("/v2/"), 4);
    });

    it("does not retry a 404 and reports the manifest missing", async () => {
        const digest = `sha256:${"a".repeat(64)}`;
        await assert.rejects(client.forPackage("acme", "api").read(digest), (e: RegistryError) => e.problem === "not-found" && e.status === 404 && e.message.includes(digest));
        assert.equal(registry.count("/v2/"), 1);
    });

    it("refuses an answer whose sha256 is not the digest asked for", async () => {
        const real = registry.add(PLATFORM_AMD64);
        const asked = `sha256:${"b".repeat(64)}`;
        registry.manifests.set(asked, registry.manifests.get(real)!);
        await assert.rejects(client.forPackage("acme", "api").read(asked), (e: RegistryError) => e.problem === "digest-mismatch" && e.message.includes(real.slice(7)));
    });

    it("refuses an unknown media type, and digests that are not sha256", async () => {
        const digest = registry.add({ schemaVersion: 1, mediaType: "application/vnd.docker.distribution.manifest.v1+prettyjws" });
        await assert.rejects(client.forPackage("acme", "api").read(digest), (e: RegistryError) => e.problem === "unknown-media-type" && /manifest\.v1\+prettyjws/.test(e.message));
        await assert.rejects(client.forPackage("acme", "api").read("sha512:abc"), (e: RegistryError) => e.problem === "invalid");
    });

    it("takes the media type from Content-Type when the manifest has no mediaType field", async () => {
        const { mediaType: _omit, ...bare } = PLATFORM_AMD64;
        const digest = registry.add(bare, `${OCI_MANIFEST}; charset=utf-8`);
        assert.equal((await client.forPackage("acme", "api").read(digest)).mediaType, OCI_MANIFEST);
    });

    it("follows a 401 challenge to the realm it names when the registry has no /token endpoint", async () => {
        registry.tokenPath = "/auth";
        const digest = registry.add(PLATFORM_AMD64);
        await client.forPackage("acme", "api").read(digest);
        const paths = registry.log.map((r) => r.path.replace(/\?.*/, ""));
        assert.deepEqual(paths, ["/token", `/v2/acme/api/manifests/${digest}`, "/auth", `/v2/acme/api/manifests/${digest}`]);
        assert.match(registry.log[2].path, /service=test-registry/);
        assert.equal(registry.log[3].authorization, `Bearer ${BEARER}-1`);
    });

    it("exchanges a new token when the registry answers 401 to an expired one", async () => {
        const first = registry.add(PLATFORM_AMD64);
        const second = registry.add(PLATFORM_ARM64);
        // The challenge names the realm and service the client used first, as ghcr.io's does: the cached token must not be reused.
        registry.service = new URL(registry.url).host;
        const source = client.forPackage("acme", "api");
        await source.read(first);
        registry.expire();
        await source.read(second);
        const tokenCalls = registry.log.filter((r) => r.path.startsWith("/token"));
        assert.equal(tokenCalls.length, 2);
        assert.equal(registry.log.at(-1)!.authorization, `Bearer ${BEARER}-2`);
        assert.deepEqual(client.counts, { manifestRequests: 3, manifestsRead: 2, tokenRequests: 2 });
    });

    it("reads an image graph through the registry, recording a manifest that keeps failing as unreadable", async () => {
        const amd64 = registry.add(PLATFORM_AMD64);
        const broken = registry.add(PLATFORM_ARM64);
        const index = registry.add({
            schemaVersion: 2,
            mediaType: OCI_INDEX,
            manifests: [{ mediaType: OCI_MANIFEST, digest: amd64, size: 1, platform: { os: "linux", architecture: "amd64" } }],
        });
        registry.faults.set(`/v2/acme/api/manifests/${broken}`, [500, 500, 500]);
        const at = "2025-01-01T00:00:00Z";
        const versions = [
            { versionId: 1, name: index, tags: ["v1"], createdAt: at, updatedAt: at },
            { versionId: 2, name: amd64, tags: [], createdAt: at, updatedAt: at },
            { versionId: 3, name: broken, tags: [], createdAt: at, updatedAt: at },
        ];
        const graph = await readImageGraph(versions, new Set([2, 3]), client.forPackage("acme", "api"));
        assert.deepEqual(graph.links.map((l) => [l.parent, l.child, l.label]), [[index, amd64, "linux/amd64"]]);
        assert.deepEqual(graph.unreadable.map((u) => u.digest), [broken]);
        assert.match(graph.unreadable[0].reason, /^unavailable: .*after 3 attempts: it answered 500/);
        assert.ok(!graph.unreadable[0].reason.includes(TOKEN));
        // The index (tagged) and the broken manifest are read; the amd64 child of the kept tagged index is not.
        assert.equal(registry.count(`/v2/acme/api/manifests/${amd64}`), 0);
        assert.equal(graph.manifestsRead, 2);
    });

    it("never sends the GitHub token to a realm on another origin", async () => {
        const other = await new TestRegistry().start();
        try {
            registry.tokenPath = "/nowhere";
            registry.realm = `${other.url}/token`;
            const digest = registry.add(PLATFORM_AMD64);
            await assert.rejects(client.forPackage("acme", "api").read(digest), (e: RegistryError) => e.problem === "unauthorized" && !e.message.includes(TOKEN));
            assert.equal(other.log.length, 1);
            assert.equal(other.log[0].authorization, undefined);
        } finally {
            await other.stop();
        }
    });

    it("names a refused token exchange without the token, also when the registry echoes it", async () => {
        const wrong = new RegistryClient({ registryUrl: registry.url, token: "ghp_wrongToken9876543210", retries: 0, retryBaseMs: 1 });
        const error = await wrong.forPackage("acme", "api").read(registry.add(PLATFORM_AMD64)).then(
            () => assert.fail("read should fail"),
            (e: unknown) => e as RegistryError,
        );
        assert.equal(error.problem, "unauthorized");
        assert.equal(error.status, 401);
        assert.equal(error.request, `GET ${registry.url}/token`);
        assert.ok(!error.message.includes("ghp_wrongToken9876543210") && !(error.stack ?? "").includes("ghp_wrongToken9876543210"));
        assert.match(error.message, /github-packages:token/);
    });

    it("runs at most `concurrency` manifest reads at once", async () => {
        const limited = new RegistryClient({ registryUrl: registry.url, token: TOKEN, retries: 0, retryBaseMs: 1, concurrency: 2 });
        let release!: () => void;
        registry.hold = new Promise((resolve) => (release = resolve));
        const digests = [1, 2, 3, 4, 5, 6].map((n) => registry.add({ ...PLATFORM_AMD64, annotations: { n: String(n) } }));
        const reads = Promise.all(digests.map((d) => limited.forPackage("acme", "api").read(d)));
        while (registry.inFlight < 2) {
            await new Promise((resolve) => setImmediate(resolve));
        }
        release();
        await reads;
        assert.equal(registry.maxInFlight, 2);
        assert.equal(limited.counts.manifestsRead, 6);
    });

    it("parses Bearer challenges and ignores other schemes", () => {
        assert.deepEqual(parseChallenge(`Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:acme/api:pull"`), {
            realm: "https://ghcr.io/token",
            service: "ghcr.io",
            scope: "repository:acme/api:pull",
        });
        assert.equal(parseChallenge(`Basic realm="x"`), undefined);
        assert.equal(parseChallenge(`Bearer service="ghcr.io"`), undefined);
        assert.equal(parseChallenge(`Bearer realm="file:///etc/passwd"`), undefined);
    });

    describe("registryUrl config", () => {
        it("defaults to ghcr.io, then takes the environment, then stack config", () => {
            assert.equal(resolveRegistryUrl(() => undefined, {}), REGISTRY_URL_DEFAULT);
            assert.equal(resolveRegistryUrl(() => undefined, { GITHUB_PACKAGES_REGISTRY_URL: "http://127.0.0.1:8787/" }), "http://127.0.0.1:8787");
            assert.equal(resolveRegistryUrl((k) => (k === "registryUrl" ? "https://containers.ghe.example.com" : undefined), { GITHUB_PACKAGES_REGISTRY_URL: "http://127.0.0.1:1" }), "https://containers.ghe.example.com");
        });

        it("never defaults to ghcr.io for another API host: the token would go to github.com's registry", () => {
            const ghes = (k: string) => (k === "apiUrl" ? "https://github.example.com/api/v3" : undefined);
            assert.throws(
                () => resolveRegistryUrl(ghes, {}),
                (e: Error) =>
                    e instanceof ConfigError &&
                    /github-packages:registryUrl \(or GITHUB_PACKAGES_REGISTRY_URL\) is not set, and github-packages:apiUrl is https:\/\/github\.example\.com\/api\/v3, not github\.com's API/.test(e.message),
            );
            assert.throws(() => resolveRegistryUrl(() => undefined, { GITHUB_API_URL: "http://127.0.0.1:8787" }), /registryUrl .* is not set/);
            assert.equal(resolveRegistryUrl((k) => (k === "apiUrl" ? "https://api.github.com/" : undefined), {}), REGISTRY_URL_DEFAULT);
            assert.equal(resolveRegistryUrl((k) => ({ apiUrl: "https://github.example.com/api/v3", registryUrl: "https://containers.github.example.com" })[k], {}), "https://containers.github.example.com");
        });

        for (const [value, message] of [
            ["ghcr.io", /not a URL/],
            ["ftp://ghcr.io", /scheme "ftp:"/],
            ["https://ghcr.io/?x=1", /without a query/],
        ] as const) {
            it(`names ${JSON.stringify(value)} a configuration error`, () => {
                assert.throws(
                    () => resolveRegistryUrl(() => value, {}),
                    (e: Error) => e instanceof ConfigError && e.message.startsWith("Configuration error: github-packages:registryUrl (or GITHUB_PACKAGES_REGISTRY_URL) must") && message.test(e.message),
                );
            });
        }

        it("refuses credentials in the URL without showing them", () => {
            assert.throws(() => resolveRegistryUrl(() => "https://u:ghp_secretInUrl123@ghcr.io", {}), (e: Error) => e instanceof ConfigError && !e.message.includes("ghp_secretInUrl123"));
        });
    });
});

describe("provider/github/registry against the emulator: HEAD and the repository probe", () => {
    it("check asks with HEAD (no download counted) and rejects not-found for a ghost; knowsRepository tells a known repository from a wrong registry", async () => {
        const emulator = await startDemo();
        try {
            const image = { org: "acme", name: "apps/web" };
            const pushed = emulator.admin.pushImage(image, { tags: ["v1"] });
            const client = new RegistryClient({ registryUrl: emulator.url, token: TOKENS.admin, retries: 0, retryBaseMs: 1 });
            const web = client.forPackage("acme", "apps/web");
            await web.check!(pushed.digest);
            assert.equal(emulator.admin.manifest(image, pushed.digest).downloads, 0, "a HEAD is no download");
            assert.equal(client.counts.manifestRequests, 0, "manifestRequests counts GETs only");
            emulator.admin.setManifestState(image, pushed.digest, "missing");
            await assert.rejects(web.check!(pushed.digest), (e: RegistryError) => e.problem === "not-found" && e.status === 404 && e.request.startsWith("HEAD "));
            assert.equal(await web.knowsRepository!(), true, "the ghost's repository is known");
            assert.equal(await client.forPackage("acme", "apps/nothing").knowsRepository!(), false);
            const elsewhere = new RegistryClient({ registryUrl: `${emulator.url}/elsewhere`, token: TOKENS.admin, retries: 0, retryBaseMs: 1 });
            assert.equal(await elsewhere.forPackage("acme", "apps/web").knowsRepository!(), false, "a URL that answers 404 to everything");
        } finally {
            await emulator.close();
        }
    });

    it("keeps an image manifest's config and layer descriptors (the inventory sums their sizes), none for an index", async () => {
        const emulator = await startDemo();
        try {
            const image = { org: "acme", name: "apps/web" };
            const pushed = emulator.admin.pushIndex(image, { tags: ["v1"], platforms: ["linux/amd64"] });
            const client = new RegistryClient({ registryUrl: emulator.url, token: TOKENS.admin, retries: 0, retryBaseMs: 1 });
            const web = client.forPackage("acme", "apps/web");
            const child = await web.read(pushed.children[0].digest);
            const held = emulator.admin.manifest(image, pushed.children[0].digest).json as { config: object; layers: object[] };
            assert.deepEqual(child.config, held.config);
            assert.deepEqual(child.layers, held.layers);
            assert.ok(child.layers!.length > 0 && child.layers!.every((l) => typeof l.size === "number"));
            const index = await web.read(pushed.digest);
            assert.equal(index.config, undefined);
            assert.deepEqual(index.layers, []);
        } finally {
            await emulator.close();
        }
    });
});
