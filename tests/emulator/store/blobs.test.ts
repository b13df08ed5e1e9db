import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { parseTar } from "nanotar";
import { BlobStore, blobBytes, layerBlob, referencedBlobs, textBlob } from "../../../emulator/store/blobs";
import { attestationManifest, cosignManifest, generatedManifest, imageManifest, referrerManifest } from "../../../emulator/store/manifests";

function sha256(bytes: Buffer): string {
    return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

describe("emulator/store/blobs", () => {
    it("a text blob's digest and size are those of its UTF-8 bytes", () => {
        const blob = textBlob("application/json", '{"é":1}');
        const bytes = blobBytes(blob.recipe);
        assert.equal(bytes.toString("utf8"), '{"é":1}');
        assert.equal(blob.size, bytes.length);
        assert.equal(blob.digest, sha256(bytes));
    });

    it("a layer is a gzipped tarball of its files, made again identically from its recipe, with the tarball's digest as diff id", () => {
        const layer = layerBlob("application/vnd.oci.image.layer.v1.tar+gzip", [{ name: "etc/emulator/image", content: "hello\n" }]);
        const bytes = blobBytes(layer.recipe);
        assert.equal(sha256(bytes), layer.digest);
        assert.equal(bytes.length, layer.size);
        assert.deepEqual(blobBytes(layer.recipe), bytes, "the same recipe gives the same bytes");
        const tar = gunzipSync(bytes);
        assert.equal(sha256(tar), layer.diffId);
        const files = parseTar(tar);
        assert.deepEqual(
            files.map((file) => [file.name, file.text, file.attrs?.mtime, file.attrs?.uid]),
            [["etc/emulator/image", "hello\n", 0, 0]],
        );
    });

    it("knows the blobs a manifest points at: config, layers and artifact blobs; none for an index or unparsable text", () => {
        const image = imageManifest("n");
        const json = JSON.parse(image.text) as { config: { digest: string }; layers: { digest: string }[] };
        assert.deepEqual([...referencedBlobs(image.text)], [json.config.digest, json.layers[0].digest]);
        assert.deepEqual([...referencedBlobs('{"blobs":[{"digest":"sha256:x"}]}')], ["sha256:x"]);
        assert.deepEqual([...referencedBlobs('{"manifests":[{"digest":"sha256:y"}]}')], []);
        assert.deepEqual([...referencedBlobs('{"config":')], []);
    });

    it("every generated manifest's descriptors match the blobs it made, byte for byte", () => {
        const subject = generatedManifest("s");
        const built = [
            generatedManifest("acme/x#0"),
            imageManifest("n", { platform: "linux/arm64/v8", format: "docker" }),
            attestationManifest("n", subject.digest),
            cosignManifest(subject.digest, "sig", 2),
            cosignManifest(subject.digest, "att", 1),
            referrerManifest("n", { mediaType: subject.mediaType, digest: subject.digest, size: subject.size }, "application/spdx+json"),
        ];
        for (const manifest of built) {
            const json = JSON.parse(manifest.text) as { config: { digest: string; size: number; mediaType: string }; layers: { digest: string; size: number; mediaType: string }[] };
            const store = new BlobStore();
            store.add(manifest.blobs);
            for (const descriptor of [json.config, ...json.layers]) {
                const blob = store.get(descriptor.digest);
                assert.ok(blob, `${manifest.mediaType}: ${descriptor.mediaType} ${descriptor.digest} was made`);
                const bytes = blobBytes(blob.recipe);
                assert.equal(sha256(bytes), descriptor.digest);
                assert.equal(bytes.length, descriptor.size);
                assert.equal(blob.mediaType, descriptor.mediaType);
            }
        }
    });

    it("an image config names the platform and its layer's diff id, as build tools write it", () => {
        const manifest = imageManifest("n", { platform: "linux/arm64/v8" });
        const json = JSON.parse(manifest.text) as { config: { digest: string }; layers: { digest: string }[] };
        const store = new BlobStore();
        store.add(manifest.blobs);
        const config = JSON.parse(blobBytes(store.get(json.config.digest)!.recipe).toString("utf8")) as { os: string; architecture: string; variant: string; rootfs: { type: string; diff_ids: string[] } };
        assert.deepEqual([config.os, config.architecture, config.variant], ["linux", "arm64", "v8"]);
        const layer = blobBytes(store.get(json.layers[0].digest)!.recipe);
        assert.deepEqual(config.rootfs, { type: "layers", diff_ids: [sha256(gunzipSync(layer))] });
    });
});
