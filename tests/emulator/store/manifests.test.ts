import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { MEDIA_TYPES, buildManifest, canonicalJson, cosignTag, generatedManifest, imageManifest, referrersTag, sha256Digest } from "../../../emulator/store/manifests";

describe("emulator/store/manifests", () => {
    it("canonical JSON does not depend on key order and has no whitespace", () => {
        const a = canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: "x" } });
        const b = canonicalJson({ a: { c: "x", d: [1, { y: 2, z: 1 }] }, b: 1 });
        assert.equal(a, b);
        assert.equal(a, '{"a":{"c":"x","d":[1,{"y":2,"z":1}]},"b":1}');
    });

    it("a digest is the sha256 of the canonical bytes", () => {
        const built = buildManifest({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, layers: [] });
        assert.equal(built.digest, `sha256:${createHash("sha256").update(built.text).digest("hex")}`);
        assert.equal(built.size, Buffer.byteLength(built.text));
        assert.equal(built.mediaType, MEDIA_TYPES.ociManifest);
        assert.equal(sha256Digest("{}"), "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
    });

    it("generated images repeat exactly for the same nonce and differ otherwise", () => {
        assert.equal(generatedManifest("acme/x#0").digest, generatedManifest("acme/x#0").digest);
        assert.notEqual(generatedManifest("acme/x#0").digest, generatedManifest("acme/x#1").digest);
        assert.notEqual(imageManifest("n", { platform: "linux/amd64" }).digest, imageManifest("n", { platform: "linux/arm64" }).digest);
        assert.equal(imageManifest("n", { format: "docker" }).mediaType, MEDIA_TYPES.dockerManifest);
    });

    it("names cosign and referrers tags after the digest", () => {
        const digest = `sha256:${"ab".repeat(32)}`;
        assert.equal(cosignTag(digest, "sig"), `sha256-${"ab".repeat(32)}.sig`);
        assert.equal(cosignTag(digest, "att"), `sha256-${"ab".repeat(32)}.att`);
        assert.equal(referrersTag(digest), `sha256-${"ab".repeat(32)}`);
    });
});
