import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { Octokit } from "@octokit/rest";
import { Emulator, MEDIA_TYPES, PULL_ACCEPT, REGISTRY_ERRORS, pullImage } from "../../../emulator";
import { TOKENS, call, startDemo } from "../support";

/** Basic `user:PAT`, as `docker login` sends it to the token endpoint. */
function basic(pat: string): string {
    return `Basic ${Buffer.from(`someone:${pat}`).toString("base64")}`;
}

/** Exchanges a PAT (or nothing) for a bearer token for `repository:ORG/NAME:pull`. */
async function bearer(emulator: Emulator, repository: string, pat?: string): Promise<string> {
    const answer = await call<{ token: string }>(emulator, "GET", `/token?scope=repository:${repository}:pull&service=ghcr.io`, {
        headers: pat === undefined ? {} : { authorization: basic(pat) },
    });
    assert.equal(answer.status, 200, answer.text);
    return answer.body.token;
}

/** The error code of a registry error body. */
function code(answer: { body: unknown }): string | undefined {
    return (answer.body as { errors?: { code: string }[] }).errors?.[0]?.code;
}

/** Octokit without its console output. */
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function sha256(text: string): string {
    return `sha256:${createHash("sha256").update(text, "utf8").digest("hex")}`;
}

const GATEWAY = { org: "acme", name: "platform/api-gateway" };
const RUNNER = { org: "acme", name: "tools/ci-runner" };

describe("emulator/registry/api", () => {
    let emulator: Emulator;

    beforeEach(async () => {
        emulator = await startDemo();
    });

    afterEach(async () => {
        await emulator.close();
    });

    describe("token exchange", () => {
        it("gives a PAT with read:packages a token for a private package, as token and access_token", async () => {
            const answer = await call<{ token: string; access_token: string; expires_in: number }>(
                emulator,
                "GET",
                "/token?scope=repository:acme/platform/api-gateway:pull&service=ghcr.io",
                { headers: { authorization: basic(TOKENS.readonly) } },
            );
            assert.equal(answer.status, 200);
            assert.ok(answer.body.token.length > 20);
            assert.equal(answer.body.access_token, answer.body.token);
            assert.equal(answer.body.expires_in, 300);
            assert.ok(!answer.text.includes(TOKENS.readonly), "the PAT never comes back");
            const pulled = await call(emulator, "GET", "/v2/acme/platform/api-gateway/manifests/latest", {
                headers: { authorization: `Bearer ${answer.body.token}`, accept: PULL_ACCEPT },
            });
            assert.equal(pulled.status, 200);
        });

        it("refuses an unknown PAT with 401 UNAUTHORIZED and a PAT without read:packages with 403 DENIED", async () => {
            const unknown = await call(emulator, "GET", "/token?scope=repository:acme/tools/ci-runner:pull", { headers: { authorization: basic("ghp_nope") } });
            assert.equal(unknown.status, 401);
            assert.equal(code(unknown), "UNAUTHORIZED");
            emulator.admin.loadSeed({
                orgs: [{ login: "acme", packages: [{ name: "img", packageType: "container", visibility: "public" }] }],
                tokens: [{ token: "ghp_org_only", scopes: ["read:org"] }],
            });
            const scopeless = await call(emulator, "GET", "/token?scope=repository:acme/img:pull", { headers: { authorization: basic("ghp_org_only") } });
            assert.equal(scopeless.status, 403);
            assert.equal(code(scopeless), "DENIED");
            assert.match(JSON.stringify(scopeless.body), /read:packages/);
        });

        it("gives anonymous tokens for public packages only", async () => {
            assert.ok(await bearer(emulator, "acme/tools/ci-runner"));
            const refused = await call(emulator, "GET", "/token?scope=repository:acme/platform/api-gateway:pull&service=ghcr.io");
            assert.equal(refused.status, 401);
            assert.equal(code(refused), "UNAUTHORIZED");
            const unknown = await call(emulator, "GET", "/token?scope=repository:acme/no-such-image:pull");
            assert.equal(unknown.status, 401);
        });

        it("applies the PAT's organizations to private packages but not to public ones", async () => {
            const denied = await call(emulator, "GET", "/token?scope=repository:acme/platform/api-gateway:pull", { headers: { authorization: basic(TOKENS.globexOnly) } });
            assert.equal(denied.status, 403);
            assert.equal(code(denied), "DENIED");
            assert.ok(await bearer(emulator, "acme/tools/ci-runner", TOKENS.globexOnly));
            assert.ok(await bearer(emulator, "globex/site", TOKENS.globexOnly));
        });

        it("refuses a malformed scope, naming the expected form", async () => {
            const answer = await call(emulator, "GET", "/token?scope=registry:catalog:*");
            assert.equal(answer.status, 400);
            assert.match(JSON.stringify(answer.body), /repository:ORG\/NAME:pull/);
        });

        it("a token only opens the repositories it was issued for (401 insufficient_scope otherwise)", async () => {
            const token = await bearer(emulator, "acme/tools/ci-runner");
            const other = await call(emulator, "GET", "/v2/globex/site/tags/list", { headers: { authorization: `Bearer ${token}` } });
            assert.equal(other.status, 401);
            assert.match(other.headers.get("www-authenticate") ?? "", /scope="repository:globex\/site:pull",error="insufficient_scope"/);
        });

        it("tokens expire on the emulator clock", async () => {
            const token = await bearer(emulator, "acme/tools/ci-runner");
            emulator.admin.advance("301s");
            const answer = await call(emulator, "GET", "/v2/acme/tools/ci-runner/tags/list", { headers: { authorization: `Bearer ${token}` } });
            assert.equal(answer.status, 401);
        });
    });

    describe("/v2/", () => {
        it("challenges a client without a bearer token with the realm, service and scope", async () => {
            const base = await call(emulator, "GET", "/v2/");
            assert.equal(base.status, 401);
            // As ghcr.io: /v2/ itself names a placeholder repository in its scope.
            assert.equal(base.headers.get("www-authenticate"), `Bearer realm="${emulator.url}/token",service="ghcr.io",scope="repository:user/image:pull"`);
            const manifest = await call(emulator, "GET", "/v2/acme/platform/api-gateway/manifests/latest");
            assert.equal(manifest.status, 401);
            assert.equal(code(manifest), "UNAUTHORIZED");
            assert.equal(
                manifest.headers.get("www-authenticate"),
                `Bearer realm="${emulator.url}/token",service="ghcr.io",scope="repository:acme/platform/api-gateway:pull"`,
            );
            const token = await bearer(emulator, "acme/tools/ci-runner");
            const ok = await call(emulator, "GET", "/v2/", { headers: { authorization: `Bearer ${token}` } });
            assert.equal(ok.status, 200);
            assert.equal(ok.headers.get("docker-distribution-api-version"), "registry/2.0");
        });

        it("does not take the PAT itself as a bearer token", async () => {
            const answer = await call(emulator, "GET", "/v2/acme/tools/ci-runner/manifests/latest", { headers: { authorization: `Bearer ${TOKENS.admin}` } });
            assert.equal(answer.status, 401);
        });

        it("takes Bearer <base64 of a PAT> as ghcr.io does (also `echo $PAT | base64`, with its newline), checked like the PAT", async () => {
            for (const encoded of [Buffer.from(TOKENS.readonly).toString("base64"), Buffer.from(`${TOKENS.readonly}\n`).toString("base64")]) {
                const headers = { authorization: `Bearer ${encoded}`, accept: PULL_ACCEPT };
                assert.equal((await call(emulator, "GET", "/v2/", { headers })).status, 200);
                const privateManifest = await call(emulator, "GET", "/v2/acme/platform/api-gateway/manifests/latest", { headers });
                assert.equal(privateManifest.status, 200, privateManifest.text);
                const tags = await call<{ tags: string[] }>(emulator, "GET", "/v2/acme/platform/api-gateway/tags/list", { headers });
                assert.deepEqual(tags.body.tags, ["latest", "v3.1.0", "v3.2.0"]);
            }
            // An unknown PAT in base64 is no credential; a PAT the organization hides is DENIED.
            const unknown = await call(emulator, "GET", "/v2/acme/tools/ci-runner/manifests/latest", { headers: { authorization: `Bearer ${Buffer.from("ghp_nope").toString("base64")}` } });
            assert.equal(unknown.status, 401);
            assert.equal(code(unknown), "UNAUTHORIZED");
            const globex = await call(emulator, "GET", "/v2/acme/platform/api-gateway/manifests/latest", {
                headers: { authorization: `Bearer ${Buffer.from(TOKENS.globexOnly).toString("base64")}`, accept: PULL_ACCEPT },
            });
            assert.equal(globex.status, 403);
            assert.equal(code(globex), "DENIED");
            const log = emulator.admin.requests().entries.filter((entry) => entry.api === "registry");
            assert.ok(log.some((entry) => entry.login === "acme-reader"), "the PAT's login is logged");
            assert.ok(!JSON.stringify(log).includes(TOKENS.readonly), "the PAT never appears in the log");
        });
    });

    describe("blobs", () => {
        /** GET or HEAD of a blob as bytes. */
        async function blob(method: "GET" | "HEAD", repository: string, digest: string, token: string): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
            const answer = await fetch(`${emulator.url}/v2/${repository}/blobs/${digest}`, { method, headers: { authorization: `Bearer ${token}` } });
            return { status: answer.status, headers: answer.headers, bytes: Buffer.from(await answer.arrayBuffer()) };
        }

        function bytesDigest(bytes: Buffer): string {
            return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
        }

        it("serves the config and layer of an image with Docker-Content-Digest, Content-Length and sizes true to the bytes", async () => {
            const token = await bearer(emulator, "acme/platform/api-gateway", TOKENS.readonly);
            const manifest = await call<{ config: { digest: string; size: number; mediaType: string }; layers: { digest: string; size: number; mediaType: string }[] }>(
                emulator,
                "GET",
                "/v2/acme/platform/api-gateway/manifests/latest",
                { headers: { authorization: `Bearer ${token}`, accept: PULL_ACCEPT } },
            );
            assert.equal(manifest.body.config.mediaType, "application/vnd.oci.image.config.v1+json");
            assert.equal(manifest.body.layers[0].mediaType, "application/vnd.oci.image.layer.v1.tar+gzip");
            for (const descriptor of [manifest.body.config, ...manifest.body.layers]) {
                const get = await blob("GET", "acme/platform/api-gateway", descriptor.digest, token);
                assert.equal(get.status, 200);
                assert.equal(bytesDigest(get.bytes), descriptor.digest);
                assert.equal(get.bytes.length, descriptor.size);
                assert.equal(get.headers.get("docker-content-digest"), descriptor.digest);
                assert.equal(get.headers.get("content-type"), "application/octet-stream");
                assert.equal(Number(get.headers.get("content-length")), descriptor.size);
                const head = await blob("HEAD", "acme/platform/api-gateway", descriptor.digest, token);
                assert.equal(head.status, 200);
                assert.equal(head.bytes.length, 0);
                for (const name of ["content-length", "docker-content-digest", "content-type"]) {
                    assert.equal(head.headers.get(name), get.headers.get(name), name);
                }
            }
            // The config describes the platform and the layer as a build tool writes it: diff_ids name the uncompressed tarball.
            const config = JSON.parse((await blob("GET", "acme/platform/api-gateway", manifest.body.config.digest, token)).bytes.toString("utf8")) as {
                architecture: string;
                os: string;
                rootfs: { diff_ids: string[] };
            };
            assert.equal(config.architecture, "amd64");
            assert.equal(config.os, "linux");
            const layer = (await blob("GET", "acme/platform/api-gateway", manifest.body.layers[0].digest, token)).bytes;
            const tar = gunzipSync(layer);
            assert.deepEqual(config.rootfs.diff_ids, [bytesDigest(tar)]);
            assert.equal(tar.subarray(0, 18).toString("utf8"), "etc/emulator/image");
        });

        it("answers BLOB_UNKNOWN (404) for a blob no manifest of the repository points at, and DIGEST_INVALID (400) for a malformed digest", async () => {
            const token = await bearer(emulator, "acme/platform/api-gateway", TOKENS.readonly);
            const missing = await blob("GET", "acme/platform/api-gateway", `sha256:${"0".repeat(64)}`, token);
            assert.equal(missing.status, 404);
            assert.deepEqual(JSON.parse(missing.bytes.toString("utf8")), { errors: [{ code: "BLOB_UNKNOWN", message: REGISTRY_ERRORS.BLOB_UNKNOWN, detail: { digest: `sha256:${"0".repeat(64)}` } }] });
            assert.equal((await blob("HEAD", "acme/platform/api-gateway", `sha256:${"0".repeat(64)}`, token)).status, 404);
            // A blob of another repository is unknown here (blobs are per repository, as on ghcr.io).
            const runnerToken = await bearer(emulator, "acme/tools/ci-runner");
            const runner = await call<{ config: { digest: string } }>(emulator, "GET", "/v2/acme/tools/ci-runner/manifests/latest", { headers: { authorization: `Bearer ${runnerToken}`, accept: PULL_ACCEPT } });
            assert.equal((await blob("GET", "acme/tools/ci-runner", runner.body.config.digest, runnerToken)).status, 200);
            const both = await call<{ token: string }>(emulator, "GET", "/token?scope=repository:acme/platform/api-gateway:pull&scope=repository:acme/tools/ci-runner:pull", {
                headers: { authorization: basic(TOKENS.readonly) },
            });
            const elsewhere = await blob("GET", "acme/platform/api-gateway", runner.body.config.digest, both.body.token);
            assert.equal(elsewhere.status, 404);
            assert.equal((JSON.parse(elsewhere.bytes.toString("utf8")) as { errors: { code: string }[] }).errors[0].code, "BLOB_UNKNOWN");
            for (const bad of ["sha256:abc", "sha256:" + "G".repeat(64), "nodigest"]) {
                const invalid = await blob("GET", "acme/platform/api-gateway", bad, token);
                assert.equal(invalid.status, 400, bad);
                assert.equal((JSON.parse(invalid.bytes.toString("utf8")) as { errors: { code: string }[] }).errors[0].code, "DIGEST_INVALID");
            }
        });

        it("a blob goes with the manifests that point at it: deleting the version over REST makes it BLOB_UNKNOWN, restoring brings it back", async () => {
            const image = emulator.admin.pushImage({ org: "acme", name: "apps/blobby" }, { tags: ["one"] });
            emulator.admin.pushImage({ org: "acme", name: "apps/blobby" }, { tags: ["two"] });
            const config = (emulator.admin.manifest({ org: "acme", name: "apps/blobby" }, image.digest).json as { config: { digest: string } }).config.digest;
            const token = await bearer(emulator, "acme/apps/blobby", TOKENS.readonly);
            assert.equal((await blob("GET", "acme/apps/blobby", config, token)).status, 200);
            const octokit = new Octokit({ auth: TOKENS.admin, baseUrl: emulator.url, log: quiet });
            const key = { org: "acme", package_type: "container" as const, package_name: "apps/blobby", package_version_id: image.versionId };
            await octokit.rest.packages.deletePackageVersionForOrg(key);
            assert.equal((await blob("GET", "acme/apps/blobby", config, token)).status, 404);
            await octokit.rest.packages.restorePackageVersionForOrg(key);
            assert.equal((await blob("GET", "acme/apps/blobby", config, token)).status, 200);
            emulator.admin.setManifestState({ org: "acme", name: "apps/blobby" }, image.digest, "missing");
            assert.equal((await blob("GET", "acme/apps/blobby", config, token)).status, 404);
        });

        it("needs a token for the repository like a manifest, and takes no pushes", async () => {
            const token = await bearer(emulator, "acme/tools/ci-runner");
            const digest = `sha256:${"0".repeat(64)}`;
            const anonymous = await call(emulator, "GET", `/v2/acme/platform/api-gateway/blobs/${digest}`);
            assert.equal(anonymous.status, 401);
            assert.equal(anonymous.headers.get("www-authenticate"), `Bearer realm="${emulator.url}/token",service="ghcr.io",scope="repository:acme/platform/api-gateway:pull"`);
            const other = await call(emulator, "GET", `/v2/acme/platform/api-gateway/blobs/${digest}`, { headers: { authorization: `Bearer ${token}` } });
            assert.equal(other.status, 401);
            const put = await call(emulator, "PUT", `/v2/acme/tools/ci-runner/blobs/${digest}`, { headers: { authorization: `Bearer ${token}` } });
            assert.equal(put.status, 405);
            const upload = await call(emulator, "POST", "/v2/acme/tools/ci-runner/blobs/uploads/", { headers: { authorization: `Bearer ${token}` } });
            assert.equal(upload.status, 404);
            assert.equal(code(upload), "UNSUPPORTED");
        });

        it("serves the blobs of every kind of push: multi-arch with attestations, docker format, cosign signatures, referrers", async () => {
            const web = { org: "acme", name: "apps/web" };
            const index = emulator.admin.pushIndex(web, { tags: ["latest"], attestations: true });
            emulator.admin.pushImage(web, { tags: ["docker"], format: "docker" });
            emulator.admin.pushSignature(web, index.digest);
            emulator.admin.pushSignature(web, index.digest);
            emulator.admin.pushSignature(web, index.digest, { kind: "att" });
            emulator.admin.pushReferrer(web, index.digest);
            const token = await bearer(emulator, "acme/apps/web", TOKENS.readonly);
            const tags = await call<{ tags: string[] }>(emulator, "GET", "/v2/acme/apps/web/tags/list", { headers: { authorization: `Bearer ${token}` } });
            assert.equal(tags.body.tags.length, 5);
            let blobs = 0;
            for (const tag of tags.body.tags) {
                const result = await pullImage(emulator.url, "acme", "apps/web", tag, { token: TOKENS.readonly });
                assert.equal(result.ok, true, `${tag}: ${JSON.stringify(result.failures)}`);
                blobs += result.blobs.length;
            }
            const referrer = emulator.admin.snapshot().orgs[0].packages!.find((p) => p.name === "apps/web")!.versions!.find((v) => (v.manifest as { subject?: unknown }).subject)!;
            const referred = await pullImage(emulator.url, "acme", "apps/web", referrer.name!, { token: TOKENS.readonly });
            assert.equal(referred.ok, true);
            assert.equal(referred.blobs[0], "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", "the empty config {}");
            // latest: 2 platforms x (config + layer) + 2 attestations x (config + 2 statements); docker: 2; .sig: config + 2 layers (same payload digest once each); .att: 2; index: none.
            assert.ok(blobs >= 16, String(blobs));
        });
    });

    describe("manifests", () => {
        it("serves each media type when accepted, with the manifest's own Content-Type and a digest of the exact bytes", async () => {
            const oci = emulator.admin.pushImage({ org: "acme", name: "shapes" }, { tags: ["oci"] });
            const docker = emulator.admin.pushImage({ org: "acme", name: "shapes" }, { tags: ["docker"], format: "docker" });
            const ociIndex = emulator.admin.pushIndex({ org: "acme", name: "shapes" }, { tags: ["oci-index"] });
            const dockerList = emulator.admin.pushIndex({ org: "acme", name: "shapes" }, { tags: ["docker-list"], format: "docker" });
            const token = await bearer(emulator, "acme/shapes", TOKENS.readonly);
            const cases = [
                { tag: "oci", digest: oci.digest, type: MEDIA_TYPES.ociManifest },
                { tag: "docker", digest: docker.digest, type: MEDIA_TYPES.dockerManifest },
                { tag: "oci-index", digest: ociIndex.digest, type: MEDIA_TYPES.ociIndex },
                { tag: "docker-list", digest: dockerList.digest, type: MEDIA_TYPES.dockerList },
            ];
            for (const { tag, digest, type } of cases) {
                const answer = await call<{ mediaType: string; schemaVersion: number }>(emulator, "GET", `/v2/acme/shapes/manifests/${tag}`, {
                    headers: { authorization: `Bearer ${token}`, accept: type },
                });
                assert.equal(answer.status, 200, tag);
                assert.equal(answer.headers.get("content-type"), type);
                assert.equal(answer.headers.get("docker-content-digest"), digest);
                assert.equal(sha256(answer.text), digest);
                assert.equal(Number(answer.headers.get("content-length")), Buffer.byteLength(answer.text));
                assert.equal(answer.body.mediaType, type);
                assert.equal(answer.body.schemaVersion, 2);
                const others = cases.filter((other) => other.type !== type).map((other) => other.type);
                const refused = await call(emulator, "GET", `/v2/acme/shapes/manifests/${tag}`, { headers: { authorization: `Bearer ${token}`, accept: others.join(", ") } });
                assert.equal(refused.status, 404, `${tag} with an Accept that leaves out ${type}`);
                assert.equal(code(refused), "MANIFEST_UNKNOWN");
            }
        });

        it("answers HEAD with GET's headers and no body", async () => {
            const token = await bearer(emulator, "acme/platform/api-gateway", TOKENS.readonly);
            const headers = { authorization: `Bearer ${token}`, accept: PULL_ACCEPT };
            const get = await call(emulator, "GET", "/v2/acme/platform/api-gateway/manifests/v3.1.0", { headers });
            const head = await call(emulator, "HEAD", "/v2/acme/platform/api-gateway/manifests/v3.1.0", { headers });
            assert.equal(head.status, 200);
            assert.equal(head.text, "");
            for (const name of ["content-type", "docker-content-digest", "content-length"]) {
                assert.equal(head.headers.get(name), get.headers.get(name), name);
            }
            const version = emulator.admin.snapshot().orgs[0].packages!.find((p) => p.name === GATEWAY.name)!.versions![0];
            assert.equal(get.headers.get("docker-content-digest"), version.name);
        });

        it("finds manifests by digest as well as by tag; an unknown reference is MANIFEST_UNKNOWN", async () => {
            const token = await bearer(emulator, "acme/platform/api-gateway", TOKENS.readonly);
            const headers = { authorization: `Bearer ${token}`, accept: PULL_ACCEPT };
            const byTag = await call(emulator, "GET", "/v2/acme/platform/api-gateway/manifests/latest", { headers });
            const digest = byTag.headers.get("docker-content-digest")!;
            const byDigest = await call(emulator, "GET", `/v2/acme/platform/api-gateway/manifests/${digest}`, { headers });
            assert.equal(byDigest.text, byTag.text);
            const unknown = await call(emulator, "GET", `/v2/acme/platform/api-gateway/manifests/sha256:${"0".repeat(64)}`, { headers });
            assert.equal(unknown.status, 404);
            assert.equal(code(unknown), "MANIFEST_UNKNOWN");
            const noTag = await call(emulator, "GET", "/v2/acme/platform/api-gateway/manifests/v9", { headers });
            assert.equal(code(noTag), "MANIFEST_UNKNOWN");
        });

        it("does not take pushes or deletes over /v2 (405 UNSUPPORTED)", async () => {
            const token = await bearer(emulator, "acme/tools/ci-runner");
            const answer = await call(emulator, "DELETE", "/v2/acme/tools/ci-runner/manifests/latest", { headers: { authorization: `Bearer ${token}` } });
            assert.equal(answer.status, 405);
            assert.equal(code(answer), "UNSUPPORTED");
        });
    });

    describe("one store with the REST API", () => {
        it("deleting a version over REST makes its manifest unknown; restoring brings it back", async () => {
            const octokit = new Octokit({ auth: TOKENS.admin, baseUrl: emulator.url, log: quiet });
            const versions = await octokit.rest.packages.getAllPackageVersionsForPackageOwnedByOrg({
                org: "acme",
                package_type: "container",
                package_name: GATEWAY.name,
            });
            const latest = versions.data.find((version) => version.metadata?.container?.tags.includes("latest"))!;
            assert.equal((await pullImage(emulator.url, GATEWAY.org, GATEWAY.name, "latest", { token: TOKENS.readonly })).ok, true);
            await octokit.rest.packages.deletePackageVersionForOrg({ org: "acme", package_type: "container", package_name: GATEWAY.name, package_version_id: latest.id });
            const broken = await pullImage(emulator.url, GATEWAY.org, GATEWAY.name, "latest", { token: TOKENS.readonly });
            assert.equal(broken.ok, false);
            assert.deepEqual(broken.failures.map((failure) => failure.code), ["MANIFEST_UNKNOWN"]);
            const byDigest = await pullImage(emulator.url, GATEWAY.org, GATEWAY.name, latest.name, { token: TOKENS.readonly });
            assert.equal(byDigest.ok, false);
            await octokit.rest.packages.restorePackageVersionForOrg({ org: "acme", package_type: "container", package_name: GATEWAY.name, package_version_id: latest.id });
            const mended = await pullImage(emulator.url, GATEWAY.org, GATEWAY.name, "latest", { token: TOKENS.readonly });
            assert.equal(mended.ok, true);
            assert.equal(mended.digest, latest.name);
        });

        it("deleting an untagged child over REST breaks the tagged multi-arch image; restoring it mends the image", async () => {
            const web = { org: "acme", name: "apps/web" };
            const image = emulator.admin.pushIndex(web, { tags: ["latest"], attestations: true });
            const arm = image.children.find((child) => child.platform === "linux/arm64")!;
            const octokit = new Octokit({ auth: TOKENS.admin, baseUrl: emulator.url, log: quiet });
            const ref = { org: "acme", package_type: "container" as const, package_name: web.name, package_version_id: arm.versionId };
            await octokit.rest.packages.deletePackageVersionForOrg(ref);
            const broken = await pullImage(emulator.url, web.org, web.name, "latest", { token: TOKENS.readonly });
            assert.equal(broken.ok, false);
            assert.deepEqual(broken.failures, [{ reference: arm.digest, status: 404, code: "MANIFEST_UNKNOWN", reason: "MANIFEST_UNKNOWN" }]);
            assert.equal(broken.pulled.length, 4, "the index, the other image and both attestations still pull");
            await octokit.rest.packages.restorePackageVersionForOrg(ref);
            assert.equal((await pullImage(emulator.url, web.org, web.name, "latest", { token: TOKENS.readonly })).ok, true);
        });

        it("a deleted package is NAME_UNKNOWN to a token issued before", async () => {
            const token = await bearer(emulator, "acme/tools/ci-runner");
            emulator.admin.deletePackage({ org: "acme", packageType: "container", name: RUNNER.name });
            const answer = await call(emulator, "GET", "/v2/acme/tools/ci-runner/manifests/latest", { headers: { authorization: `Bearer ${token}` } });
            assert.equal(answer.status, 404);
            assert.equal(code(answer), "NAME_UNKNOWN");
        });

        it("a package made private is DENIED to an anonymous token issued while it was public", async () => {
            const token = await bearer(emulator, "acme/tools/ci-runner");
            emulator.admin.setVisibility({ org: "acme", packageType: "container", name: RUNNER.name }, "private");
            const answer = await call(emulator, "GET", "/v2/acme/tools/ci-runner/manifests/latest", { headers: { authorization: `Bearer ${token}` } });
            assert.equal(answer.status, 403);
            assert.equal(code(answer), "DENIED");
        });

        it("counts a manifest GET as a download of its version, not a HEAD; the 5,000-downloads rule sees pulls", async () => {
            const key = { org: "acme", packageType: "container" as const, name: RUNNER.name };
            const version = () => emulator.admin.snapshot().orgs[0].packages!.find((p) => p.name === RUNNER.name)!.versions![0];
            const token = await bearer(emulator, "acme/tools/ci-runner");
            const headers = { authorization: `Bearer ${token}`, accept: PULL_ACCEPT };
            const before = version().downloads!;
            await call(emulator, "HEAD", "/v2/acme/tools/ci-runner/manifests/latest", { headers });
            assert.equal(version().downloads, before);
            await call(emulator, "GET", "/v2/acme/tools/ci-runner/manifests/latest", { headers });
            await call(emulator, "GET", `/v2/acme/tools/ci-runner/manifests/${version().name}`, { headers });
            assert.equal(version().downloads, before + 2);

            emulator.admin.setDownloads(key, version().id!, 5000);
            const octokit = new Octokit({ auth: TOKENS.admin, baseUrl: emulator.url, log: quiet });
            await call(emulator, "GET", "/v2/acme/tools/ci-runner/manifests/latest", { headers });
            await assert.rejects(
                octokit.rest.packages.deletePackageForOrg({ org: "acme", package_type: "container", package_name: RUNNER.name }),
                (error: { status: number }) => error.status === 400,
            );
        });
    });

    describe("tags/list", () => {
        beforeEach(() => {
            for (const tag of ["b", "a", "d", "c", "e"]) {
                emulator.admin.pushImage({ org: "acme", name: "many/tags" }, { tags: [tag], visibility: "public" });
            }
        });

        async function tags(query: string): Promise<{ tags: string[]; link: string | null; status: number; name?: string }> {
            const token = await bearer(emulator, "acme/many/tags");
            const answer = await call<{ name: string; tags: string[] }>(emulator, "GET", `/v2/acme/many/tags/tags/list${query}`, { headers: { authorization: `Bearer ${token}` } });
            return { tags: answer.body.tags, link: answer.headers.get("link"), status: answer.status, name: answer.body.name };
        }

        it("without n answers pages of 100 with a Link to the next, as ghcr.io does", async () => {
            for (let i = 0; i < 120; i++) {
                emulator.admin.tagImage({ org: "acme", name: "many/tags" }, emulator.admin.manifest({ org: "acme", name: "many/tags" }, "a").digest, `t${String(i).padStart(3, "0")}`);
            }
            const first = await tags("");
            assert.equal(first.tags.length, 100);
            assert.deepEqual(first.tags.slice(0, 6), ["a", "b", "c", "d", "e", "t000"]);
            assert.equal(first.link, `</v2/acme/many/tags/tags/list?n=100&last=${first.tags[99]}>; rel="next"`);
            const second = await tags(`?n=100&last=${first.tags[99]}`);
            assert.equal(second.tags.length, 25);
            assert.equal(second.link, null);
            assert.equal((await tags("?n=1000")).tags.length, 125, "an n above 100 is honoured");
        });

        it("lists every tag in lexical order, the repository name with its slash", async () => {
            const all = await tags("");
            assert.deepEqual(all.tags, ["a", "b", "c", "d", "e"]);
            assert.equal(all.name, "acme/many/tags");
            assert.equal(all.link, null);
        });

        it("pages with n and last, linking the next page until the end", async () => {
            const first = await tags("?n=2");
            assert.deepEqual(first.tags, ["a", "b"]);
            assert.equal(first.link, '</v2/acme/many/tags/tags/list?n=2&last=b>; rel="next"');
            const second = await tags("?n=2&last=b");
            assert.deepEqual(second.tags, ["c", "d"]);
            const third = await tags("?n=2&last=d");
            assert.deepEqual(third.tags, ["e"]);
            assert.equal(third.link, null);
            assert.deepEqual((await tags("?last=c")).tags, ["d", "e"]);
            const none = await tags("?n=0");
            assert.deepEqual(none.tags, []);
            assert.equal(none.link, null);
        });

        it("refuses an n that is not a whole number", async () => {
            assert.equal((await tags("?n=two")).status, 400);
        });

        it("leaves out tags of deleted versions", async () => {
            const pkg = emulator.admin.snapshot().orgs[0].packages!.find((p) => p.name === "many/tags")!;
            emulator.admin.deleteVersion({ org: "acme", packageType: "container", name: "many/tags" }, pkg.versions!.find((v) => v.tags?.includes("c"))!.id!);
            assert.deepEqual((await tags("")).tags, ["a", "b", "d", "e"]);
        });
    });

    describe("request log and faults", () => {
        it("logs registry requests with api registry and registry/... operations", async () => {
            emulator.admin.resetRequests();
            const token = await bearer(emulator, "acme/platform/api-gateway", TOKENS.readonly);
            await call(emulator, "HEAD", "/v2/acme/platform/api-gateway/manifests/latest", { headers: { authorization: `Bearer ${token}` } });
            await call(emulator, "GET", "/orgs/acme/packages?package_type=npm", { token: TOKENS.readonly });
            const log = emulator.admin.requests();
            assert.deepEqual(
                log.entries.map((entry) => [entry.api, entry.operation, entry.login]),
                [
                    ["registry", "registry/token", "acme-reader"],
                    ["registry", "registry/head-manifest", "acme-reader"],
                    ["rest", "packages/list-packages-for-organization", "acme-reader"],
                ],
            );
        });

        it("injects errors, rate limits and resets into registry paths", async () => {
            const token = await bearer(emulator, "acme/tools/ci-runner");
            const headers = { authorization: `Bearer ${token}` };
            emulator.admin.addFault({ kind: "error", status: 503, path: "/v2/*/manifests/*", times: 1 });
            const failed = await call(emulator, "GET", "/v2/acme/tools/ci-runner/manifests/latest", { headers });
            assert.equal(failed.status, 503);
            assert.ok((failed.body as { errors: unknown[] }).errors.length === 1);
            emulator.admin.addFault({ kind: "secondary-rate-limit", operation: "registry/list-tags", retryAfterSeconds: 3, times: 1 });
            const limited = await call(emulator, "GET", "/v2/acme/tools/ci-runner/tags/list", { headers });
            assert.equal(limited.status, 429);
            assert.equal(code(limited), "TOOMANYREQUESTS");
            assert.equal(limited.headers.get("retry-after"), "3");
            emulator.admin.addFault({ kind: "reset", operation: "registry/token", times: 1 });
            await assert.rejects(call(emulator, "GET", "/token?scope=repository:acme/tools/ci-runner:pull"));
            assert.equal((await call(emulator, "GET", "/v2/acme/tools/ci-runner/manifests/latest", { headers })).status, 200);
        });
    });

    describe("contract with the OCI distribution spec", () => {
        it("answers errors as { errors: [{ code, message }] } with the spec's codes", async () => {
            const token = await bearer(emulator, "acme/tools/ci-runner");
            const answers = [
                await call(emulator, "GET", "/v2/"),
                await call(emulator, "GET", "/v2/acme/tools/ci-runner/manifests/nope", { headers: { authorization: `Bearer ${token}` } }),
                await call(emulator, "GET", "/token?scope=repository:acme/platform/api-gateway:pull"),
                await call(emulator, "GET", "/token", { headers: { authorization: basic("ghp_wrong") } }),
                await call(emulator, "PUT", "/v2/acme/tools/ci-runner/manifests/latest", { headers: { authorization: `Bearer ${token}` } }),
            ];
            for (const answer of answers) {
                const errors = (answer.body as { errors: { code: string; message: string }[] }).errors;
                assert.ok(Array.isArray(errors) && errors.length > 0, answer.text);
                for (const error of errors) {
                    assert.ok(Object.keys(REGISTRY_ERRORS).includes(error.code), error.code);
                    assert.match(error.code, /^[A-Z_]+$/);
                    assert.equal(typeof error.message, "string");
                }
            }
        });

        it("serves manifests whose descriptors point at manifests it serves, with sizes that match", async () => {
            const pushed = emulator.admin.pushIndex({ org: "acme", name: "tools/ci-runner" }, { tags: ["multi"], attestations: true });
            const token = await bearer(emulator, "acme/tools/ci-runner");
            const headers = { authorization: `Bearer ${token}`, accept: PULL_ACCEPT };
            const index = await call<{ manifests: { digest: string; size: number; mediaType: string }[] }>(emulator, "GET", `/v2/acme/tools/ci-runner/manifests/${pushed.digest}`, { headers });
            assert.equal(index.body.manifests.length, 4);
            for (const descriptor of index.body.manifests) {
                const child = await call(emulator, "GET", `/v2/acme/tools/ci-runner/manifests/${descriptor.digest}`, { headers });
                assert.equal(child.status, 200);
                assert.equal(Buffer.byteLength(child.text), descriptor.size);
                assert.equal(child.headers.get("content-type"), descriptor.mediaType);
            }
        });
    });
});
