import { strict as assert } from "node:assert";
import { AdminError, ATTESTATION_ANNOTATIONS, Emulator, MEDIA_TYPES, cosignTag, pullImage, referrersTag } from "../../../emulator";
import { NOW, PackageVersion as PackageVersionJson, TOKENS, call, startDemo } from "../support";

const WEB = { org: "acme", name: "apps/web" };

describe("emulator/admin/images", () => {
    let emulator: Emulator;

    beforeEach(async () => {
        emulator = await startDemo();
    });

    afterEach(async () => {
        await emulator.close();
    });

    /** The REST versions of apps/web, newest first, as GitHub lists them. */
    async function versions(): Promise<PackageVersionJson[]> {
        const answer = await call<PackageVersionJson[]>(emulator, "GET", "/orgs/acme/packages/container/apps%2Fweb/versions?per_page=100", { token: TOKENS.admin });
        assert.equal(answer.status, 200);
        return answer.body;
    }

    it("a single-platform push creates the package (private by default) and one tagged version at the emulator's time", async () => {
        emulator.admin.advance("1h");
        const pushed = emulator.admin.pushImage(WEB, { tags: ["v1"] });
        assert.equal(pushed.role, "image");
        assert.equal(pushed.mediaType, MEDIA_TYPES.ociManifest);
        const [version] = await versions();
        assert.equal(version.id, pushed.versionId);
        assert.equal(version.name, pushed.digest);
        assert.deepEqual(version.metadata?.container?.tags, ["v1"]);
        assert.equal(version.created_at, new Date(Date.parse(NOW) + 3_600_000).toISOString().replace(".000Z", "Z"));
        const pkg = await call<{ visibility: string }>(emulator, "GET", "/orgs/acme/packages/container/apps%2Fweb", { token: TOKENS.admin });
        assert.equal(pkg.body.visibility, "private");
    });

    it("a multi-arch push stores untagged children (platform images, buildx attestations) before the tagged index", async () => {
        const pushed = emulator.admin.pushIndex(WEB, { tags: ["latest", "v2"], platforms: ["linux/amd64", "linux/arm64", "linux/arm/v7"], attestations: true });
        assert.equal(pushed.children.length, 6);
        const ids = [...pushed.children.map((child) => child.versionId), pushed.versionId];
        assert.deepEqual(ids, [...ids].sort((a, b) => a - b), "ids increase in push order, the index last");
        const listed = await versions();
        assert.equal(listed.length, 7);
        for (const version of listed) {
            const tags = version.metadata?.container?.tags ?? [];
            assert.deepEqual(tags, version.id === pushed.versionId ? ["latest", "v2"] : [], `version ${version.id}`);
        }
        const index = emulator.admin.manifest(WEB, "latest").json as { mediaType: string; manifests: { digest: string; platform: { os: string; architecture: string; variant?: string }; annotations?: Record<string, string> }[] };
        assert.equal(index.mediaType, MEDIA_TYPES.ociIndex);
        const images = pushed.children.filter((child) => child.role === "image");
        assert.deepEqual(images.map((child) => child.platform), ["linux/amd64", "linux/arm64", "linux/arm/v7"]);
        assert.deepEqual(index.manifests.find((entry) => entry.digest === images[2].digest)?.platform, { architecture: "arm", os: "linux", variant: "v7" });
        for (const attestation of pushed.children.filter((child) => child.role === "attestation")) {
            const entry = index.manifests.find((candidate) => candidate.digest === attestation.digest)!;
            assert.deepEqual(entry.platform, { architecture: "unknown", os: "unknown" });
            assert.equal(entry.annotations?.[ATTESTATION_ANNOTATIONS.type], "attestation-manifest");
            assert.equal(entry.annotations?.[ATTESTATION_ANNOTATIONS.digest], attestation.subject);
            assert.ok(images.some((image) => image.digest === attestation.subject));
        }
        const pull = await pullImage(emulator.url, WEB.org, WEB.name, "v2", { token: TOKENS.readonly });
        assert.equal(pull.ok, true);
        assert.equal(pull.pulled.length, 7);
    });

    it("images pushed with one base share its layer per platform; deleting one leaves the layer to the other, which still pulls", async () => {
        type Image = { layers: { digest: string; size: number }[] };
        const layersOf = (reference: string) => (emulator.admin.manifest(WEB, reference).json as Image).layers;
        const single = emulator.admin.pushImage(WEB, { tags: ["one"], base: "alpine-3.20" });
        const multi = emulator.admin.pushIndex(WEB, { tags: ["two"], base: "alpine-3.20", platforms: ["linux/amd64", "linux/arm64"] });
        const other = emulator.admin.pushImage(WEB, { tags: ["three"], base: "debian-12" });
        const [amd64, arm64] = multi.children.map((child) => layersOf(child.digest));
        const one = layersOf("one");
        assert.equal(one.length, 2, "the base layer, then the image's own");
        assert.deepEqual(amd64[0], one[0], "the same base and platform: the same blob");
        assert.notEqual(arm64[0].digest, one[0].digest, "another platform: another base layer");
        assert.notEqual(layersOf("three")[0].digest, one[0].digest, "another base: another layer");
        assert.notEqual(amd64[1].digest, one[1].digest, "each image's own layer is its own");
        assert.ok(one[0].size > one[1].size, "a base weighs more than the image's own layer");
        assert.equal(layersOf(other.digest).length, 2);
        assert.throws(() => emulator.admin.pushImage(WEB, { base: "" }), (error: AdminError) => error.status === 400 && /base must be a non-empty name/.test(error.message));
        // Deleting the single image over REST: its own layer goes, the base stays with the index's child.
        const deleted = await call(emulator, "DELETE", `/orgs/acme/packages/container/apps%2Fweb/versions/${single.versionId}`, { token: TOKENS.admin });
        assert.equal(deleted.status, 204);
        const pull = await pullImage(emulator.url, WEB.org, WEB.name, "two", { token: TOKENS.readonly });
        assert.equal(pull.ok, true, JSON.stringify(pull.failures));
        assert.ok(pull.blobs.includes(one[0].digest), "the shared base layer is still served");
        const blob = await fetch(`${emulator.url}/v2/acme/apps/web/blobs/${one[1].digest}`, { headers: { authorization: `Bearer ${Buffer.from(TOKENS.readonly).toString("base64")}` } });
        assert.equal(blob.status, 404, "the deleted image's own layer is not");
    });

    it("moves a tag from the version that had it; the old image stays, untagged", async () => {
        const first = emulator.admin.pushIndex(WEB, { tags: ["latest"] });
        const second = emulator.admin.pushIndex(WEB, { tags: ["latest"] });
        assert.notEqual(first.digest, second.digest);
        assert.deepEqual(emulator.admin.manifest(WEB, first.digest).tags, []);
        assert.deepEqual(emulator.admin.manifest(WEB, "latest").digest, second.digest);
        emulator.admin.tagImage(WEB, first.digest, "previous");
        assert.deepEqual(emulator.admin.manifest(WEB, "previous").digest, first.digest);
        emulator.admin.untagImage(WEB, "previous");
        assert.throws(() => emulator.admin.manifest(WEB, "previous"), (error: AdminError) => error.status === 404);
        assert.equal((await pullImage(emulator.url, WEB.org, WEB.name, first.digest, { token: TOKENS.readonly })).ok, true);
    });

    it("cosign: sha256-<hex>.sig names the signature; a second signature adds a layer and leaves the first untagged", async () => {
        const image = emulator.admin.pushIndex(WEB, { tags: ["latest"] });
        const tag = cosignTag(image.digest, "sig");
        assert.equal(tag, `sha256-${image.digest.slice(7)}.sig`);
        const first = emulator.admin.pushSignature(WEB, image.digest);
        assert.deepEqual(first.tags, [tag]);
        const second = emulator.admin.pushSignature(WEB, image.digest);
        assert.notEqual(second.digest, first.digest);
        assert.deepEqual(emulator.admin.manifest(WEB, first.digest).tags, []);
        assert.equal((emulator.admin.manifest(WEB, tag).json as { layers: unknown[] }).layers.length, 2);
        const attestation = emulator.admin.pushSignature(WEB, image.digest, { kind: "att" });
        assert.deepEqual(attestation.tags, [cosignTag(image.digest, "att")]);
        assert.equal((await pullImage(emulator.url, WEB.org, WEB.name, tag, { token: TOKENS.readonly })).ok, true);
    });

    it("an OCI referrer carries subject; the referrers tag schema's index lists every referrer of the subject", async () => {
        const image = emulator.admin.pushImage(WEB, { tags: ["latest"] });
        const sbom = emulator.admin.pushReferrer(WEB, image.digest);
        const signature = emulator.admin.pushReferrer(WEB, image.digest, { artifactType: "application/vnd.dev.sigstore.bundle.v0.3+json" });
        const json = emulator.admin.manifest(WEB, sbom.digest).json as { subject: { digest: string; mediaType: string; size: number }; artifactType: string };
        assert.equal(json.subject.digest, image.digest);
        assert.equal(json.subject.mediaType, MEDIA_TYPES.ociManifest);
        assert.equal(json.artifactType, "application/spdx+json");
        assert.deepEqual(sbom.tags, []);
        const index = emulator.admin.manifest(WEB, referrersTag(image.digest));
        assert.equal(index.digest, signature.children[0].digest);
        assert.deepEqual(
            (index.json as { manifests: { digest: string; artifactType: string }[] }).manifests.map((entry) => [entry.digest, entry.artifactType]),
            [
                [sbom.digest, "application/spdx+json"],
                [signature.digest, "application/vnd.dev.sigstore.bundle.v0.3+json"],
            ],
        );
        assert.deepEqual(emulator.admin.manifest(WEB, sbom.children[0].digest).tags, [], "the older referrers index lost the tag");
        const bare = emulator.admin.pushReferrer(WEB, image.digest, { tagSchema: false });
        assert.deepEqual(bare.children, []);
    });

    it("breaks single manifests while their REST versions stay: missing, corrupt, an unknown media type, and mends them", async () => {
        const image = emulator.admin.pushIndex(WEB, { tags: ["latest"] });
        const child = image.children[1].digest;
        emulator.admin.setManifestState(WEB, child, "missing");
        let pull = await pullImage(emulator.url, WEB.org, WEB.name, "latest", { token: TOKENS.readonly });
        assert.deepEqual(pull.failures, [{ reference: child, status: 404, code: "MANIFEST_UNKNOWN", reason: "MANIFEST_UNKNOWN" }]);
        assert.equal((await versions()).length, 3, "the REST version is still there");

        emulator.admin.setManifestState(WEB, child, "corrupt");
        pull = await pullImage(emulator.url, WEB.org, WEB.name, "latest", { token: TOKENS.readonly });
        assert.deepEqual(pull.failures.map((failure) => failure.reason), ["digest mismatch"]);

        emulator.admin.setManifestState(WEB, child, "present");
        emulator.admin.setManifestMediaType(WEB, child, "application/vnd.example.unknown+json");
        pull = await pullImage(emulator.url, WEB.org, WEB.name, "latest", { token: TOKENS.readonly });
        assert.deepEqual(pull.failures.map((failure) => [failure.reference, failure.code]), [[child, "MANIFEST_UNKNOWN"]]);
        assert.equal((await pullImage(emulator.url, WEB.org, WEB.name, "latest", { token: TOKENS.readonly, accept: "*/*" })).ok, true);
    });

    it("keeps manifests, their states and media types through a snapshot", async () => {
        const image = emulator.admin.pushIndex(WEB, { tags: ["latest"], attestations: true });
        emulator.admin.setManifestState(WEB, image.children[0].digest, "missing");
        emulator.admin.setManifestMediaType(WEB, image.children[1].digest, "application/vnd.example.unknown+json");
        const snapshot = emulator.admin.snapshot();
        emulator.admin.loadSeed(snapshot);
        assert.deepEqual(emulator.admin.snapshot(), snapshot);
        assert.equal(emulator.admin.manifest(WEB, image.children[0].digest).state, "missing");
        assert.equal(emulator.admin.manifest(WEB, image.children[1].digest).mediaType, "application/vnd.example.unknown+json");
        assert.equal(emulator.admin.manifest(WEB, "latest").digest, image.digest);
    });

    it("refuses bad input with the field and the fix", () => {
        const refuses = (action: () => unknown, status: number, message: RegExp) =>
            assert.throws(action, (error: AdminError) => error instanceof AdminError && error.status === status && message.test(error.message));
        refuses(() => emulator.admin.pushIndex(WEB, { platforms: ["amd64"] }), 400, /platforms\[0\] must be os\/architecture/);
        refuses(() => emulator.admin.pushIndex(WEB, { platforms: [] }), 400, /platforms must be a non-empty array/);
        refuses(() => emulator.admin.pushImage(WEB, { tags: ["no spaces"] }), 400, /tags must be/);
        refuses(() => emulator.admin.pushIndex(WEB, { format: "docker", attestations: true }), 400, /attestations need the oci format/);
        refuses(() => emulator.admin.pushImage({ org: "nobody", name: "x" }), 404, /No organization nobody/);
        refuses(() => emulator.admin.pushIndex(WEB, { platform: "linux/amd64" } as object), 400, /platform is not a field of the index \(expected one of: tags, platforms,/);
        refuses(() => emulator.admin.pushIndex(WEB, { attestations: "yes" as unknown as boolean }), 400, /attestations must be true or false/);
        refuses(() => emulator.admin.pushSignature(WEB, "sha256:abc"), 404, /No active container package/);
        emulator.admin.pushImage(WEB);
        refuses(() => emulator.admin.pushSignature(WEB, "sha256:abc"), 400, /64 lowercase hex/);
        refuses(() => emulator.admin.pushReferrer(WEB, `sha256:${"1".repeat(64)}`), 404, /No manifest/);
        refuses(() => emulator.admin.setManifestState(WEB, `sha256:${"1".repeat(64)}`, "gone" as "missing"), 400, /state must be one of present, missing, corrupt/);
    });

    it("does the same over HTTP under /_emulator/orgs/{org}/images/{name}", async () => {
        const pushed = await call<{ digest: string; children: { digest: string }[] }>(emulator, "POST", "/_emulator/orgs/acme/images/apps%2Fweb/index", {
            body: { tags: ["latest"], attestations: true, visibility: "public" },
        });
        assert.equal(pushed.status, 201);
        assert.equal(pushed.body.children.length, 4);
        const signed = await call<{ tags: string[] }>(emulator, "POST", "/_emulator/orgs/acme/images/apps%2Fweb/signatures", { body: { subject: pushed.body.digest } });
        assert.deepEqual(signed.body.tags, [cosignTag(pushed.body.digest, "sig")]);
        const broken = await call(emulator, "PATCH", `/_emulator/orgs/acme/images/apps%2Fweb/manifests/${pushed.body.children[0].digest}`, { body: { state: "missing" } });
        assert.equal(broken.status, 200);
        assert.equal((await pullImage(emulator.url, "acme", "apps/web", "latest")).ok, false);
        const tagged = await call(emulator, "PUT", "/_emulator/orgs/acme/images/apps%2Fweb/tags/stable", { body: { digest: pushed.body.digest } });
        assert.equal(tagged.status, 200);
        const shown = await call<{ digest: string; state: string }>(emulator, "GET", "/_emulator/orgs/acme/images/apps%2Fweb/manifests/stable");
        assert.equal(shown.body.digest, pushed.body.digest);
        const bad = await call<{ error: string }>(emulator, "POST", "/_emulator/orgs/acme/images/apps%2Fweb/image", { body: { platform: "x" } });
        assert.equal(bad.status, 400);
        assert.match(bad.body.error, /platform must be os\/architecture/);
    });
});
