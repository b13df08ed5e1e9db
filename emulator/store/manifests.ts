/**
 * Container manifests as data: the OCI and Docker media types, canonical JSON bytes and their
 * sha256 digests, and builders for the shapes build tools push to ghcr.io (single-platform
 * images, multi-arch indexes with buildx attestations, cosign signatures, OCI 1.1 referrers
 * and the referrers tag schema's index). Each builder also makes the blobs its manifest points
 * at (configs, layers, signature payloads; see blobs.ts), with digests and sizes true to their
 * bytes, so the images pull completely. No HTTP here: the registry API and the admin interface
 * both use these.
 */
import { createHash } from "node:crypto";
import { Blob, layerBlob, LayerBlob, textBlob } from "./blobs";

/** The manifest media types (OCI image spec; Docker image manifest v2 schema 2). */
export const MEDIA_TYPES = {
    ociIndex: "application/vnd.oci.image.index.v1+json",
    ociManifest: "application/vnd.oci.image.manifest.v1+json",
    dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
    dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
} as const;

/** The media types a registry client asks for in `Accept` when it pulls (what `docker pull` sends). */
export const MANIFEST_MEDIA_TYPES: readonly string[] = Object.values(MEDIA_TYPES);

/** Media types of the blobs the generated manifests point at. */
export const BLOB_TYPES = {
    ociConfig: "application/vnd.oci.image.config.v1+json",
    ociLayer: "application/vnd.oci.image.layer.v1.tar+gzip",
    dockerConfig: "application/vnd.docker.container.image.v1+json",
    dockerLayer: "application/vnd.docker.image.rootfs.diff.tar.gzip",
    inToto: "application/vnd.in-toto+json",
    cosignSignature: "application/vnd.dev.cosign.simplesigning.v1+json",
    dsse: "application/vnd.dsse.envelope.v1+json",
    empty: "application/vnd.oci.empty.v1+json",
} as const;

/** The annotations buildx puts on an attestation manifest's descriptor in an index. */
export const ATTESTATION_ANNOTATIONS = {
    type: "vnd.docker.reference.type",
    digest: "vnd.docker.reference.digest",
    typeValue: "attestation-manifest",
} as const;

/** A manifest format: OCI (`application/vnd.oci...`) or Docker (`application/vnd.docker...`). */
export type ManifestFormat = "oci" | "docker";

/** A JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A manifest ready to store: its canonical bytes, digest and media type. */
export interface BuiltManifest {
    /** Canonical JSON text; the digest is the sha256 of its UTF-8 bytes. */
    text: string;
    /** `sha256:<hex>` of `text`. */
    digest: string;
    /** The media type it is served with. */
    mediaType: string;
    /** Its size in bytes. */
    size: number;
    /** The blobs it points at that the emulator made (none for an index or a manifest given as JSON). */
    blobs: Blob[];
}

/** A descriptor (OCI image spec): what an index or a `subject` says about another manifest. */
export interface Descriptor {
    /** The media type of the described manifest. */
    mediaType: string;
    /** Its digest. */
    digest: string;
    /** Its size in bytes. */
    size: number;
}

/** JSON with keys sorted at every level and no whitespace: the same value always gives the same bytes. */
export function canonicalJson(value: unknown): string {
    return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(sortKeys);
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(
            Object.keys(value as Record<string, unknown>)
                .sort()
                .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
        );
    }
    return value;
}

/** `sha256:<hex>` of the UTF-8 bytes of `text`. */
export function sha256Digest(text: string): string {
    return `sha256:${createHash("sha256").update(text, "utf8").digest("hex")}`;
}

/** A manifest (any JSON object) as stored: canonical text, digest, and its `mediaType` field (else the OCI manifest type); `blobs` are the blobs it points at. */
export function buildManifest(json: object, mediaType?: string, blobs: Blob[] = []): BuiltManifest {
    const text = canonicalJson(json);
    const field = (json as { mediaType?: unknown }).mediaType;
    return {
        text,
        digest: sha256Digest(text),
        mediaType: mediaType ?? (typeof field === "string" ? field : MEDIA_TYPES.ociManifest),
        size: Buffer.byteLength(text),
        blobs,
    };
}

/** The descriptor of a built manifest. */
export function descriptorOf(manifest: BuiltManifest): Descriptor {
    return { mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.size };
}

/** Whether `text` is a digest in the form the registry serves (`sha256:` and 64 lowercase hex digits). */
export function isDigest(text: string): boolean {
    return /^sha256:[0-9a-f]{64}$/.test(text);
}

/** `linux/arm64/v8` as an OCI platform object. */
export function platformOf(platform: string): { architecture: string; os: string; variant?: string } {
    const [os, architecture, variant] = platform.split("/");
    if (!os || !architecture) {
        throw new Error(`platform "${platform}" must be os/architecture[/variant], e.g. linux/amd64`);
    }
    return { architecture, os, ...(variant ? { variant } : {}) };
}

/** The descriptor of a blob in a manifest. */
function blobDescriptor(blob: Blob): Descriptor {
    return { mediaType: blob.mediaType, digest: blob.digest, size: blob.size };
}

/** A JSON blob (canonical text) of `mediaType`. */
function jsonBlob(mediaType: string, value: unknown): Blob {
    return textBlob(mediaType, canonicalJson(value));
}

/**
 * A single-platform image manifest; `nonce` makes its content (and digest) unique. Its own
 * layer is a gzipped tarball holding `etc/emulator/image` (the nonce and platform), and its
 * config names the platform and its layers' diff ids, as a build tool writes them. With `base`,
 * a base layer comes first: a tarball holding `etc/emulator/base` (the base's name and the
 * platform), the same bytes for every image of that base and platform, as images built
 * `FROM` one base share its layers.
 */
export function imageManifest(nonce: string, options: { platform?: string; format?: ManifestFormat; base?: string } = {}): BuiltManifest {
    const docker = options.format === "docker";
    const platform = options.platform ?? "linux/amd64";
    const layerType = docker ? BLOB_TYPES.dockerLayer : BLOB_TYPES.ociLayer;
    const base = options.base === undefined ? [] : [baseLayer(layerType, options.base, platform)];
    const layers = [...base, layerBlob(layerType, [{ name: "etc/emulator/image", content: `${nonce}\n${platform}\n` }])];
    const config = jsonBlob(docker ? BLOB_TYPES.dockerConfig : BLOB_TYPES.ociConfig, {
        ...platformOf(platform),
        config: { Labels: { "org.opencontainers.image.description": `emulator image ${nonce}` } },
        rootfs: { type: "layers", diff_ids: layers.map((layer) => layer.diffId) },
        history: [...(options.base === undefined ? [] : [{ created_by: `emulator: base ${options.base}` }]), { created_by: `emulator: image ${nonce}` }],
    });
    return buildManifest(
        {
            schemaVersion: 2,
            mediaType: docker ? MEDIA_TYPES.dockerManifest : MEDIA_TYPES.ociManifest,
            config: blobDescriptor(config),
            layers: layers.map(blobDescriptor),
        },
        undefined,
        [config, ...layers],
    );
}

/** The base layer every image of `base` and `platform` shares: the same files, so the same bytes and digest. */
function baseLayer(mediaType: string, base: string, platform: string): LayerBlob {
    return layerBlob(mediaType, [
        { name: "etc/emulator/base", content: `${base}\n${platform}\n` },
        // Some bulk, so that a base weighs more than an image's own layer, as bases do.
        { name: "usr/share/emulator/base.txt", content: Array.from({ length: 256 }, (_, i) => `${base} ${platform} ${(i * 2654435761) % 4294967296}\n`).join("") },
    ]);
}

/** The manifest a seeded or published container version without one gets: a linux/amd64 OCI image unique to `nonce`. */
export function generatedManifest(nonce: string): BuiltManifest {
    return imageManifest(nonce);
}

/** A buildx attestation manifest (in-toto provenance and SBOM statements as layers) for the platform manifest `subject`. */
export function attestationManifest(nonce: string, subject: string): BuiltManifest {
    const statement = (predicateType: string) =>
        jsonBlob(BLOB_TYPES.inToto, {
            _type: "https://in-toto.io/Statement/v0.1",
            predicateType,
            subject: [{ name: `emulator:${nonce}`, digest: { sha256: subject.replace(/^sha256:/, "") } }],
            predicate: {},
        });
    const provenance = statement("https://slsa.dev/provenance/v0.2");
    const sbom = statement("https://spdx.dev/Document");
    const config = jsonBlob(BLOB_TYPES.ociConfig, { architecture: "unknown", os: "unknown", config: {}, rootfs: { type: "layers", diff_ids: [provenance.digest, sbom.digest] } });
    return buildManifest(
        {
            schemaVersion: 2,
            mediaType: MEDIA_TYPES.ociManifest,
            config: blobDescriptor(config),
            layers: [
                { ...blobDescriptor(provenance), annotations: { "in-toto.io/predicate-type": "https://slsa.dev/provenance/v0.2" } },
                { ...blobDescriptor(sbom), annotations: { "in-toto.io/predicate-type": "https://spdx.dev/Document" } },
            ],
        },
        undefined,
        [config, provenance, sbom],
    );
}

/** One entry of an index: a platform image, or a buildx attestation naming the image it attests. */
export type IndexEntry =
    | { kind: "image"; manifest: BuiltManifest; platform: string }
    | { kind: "attestation"; manifest: BuiltManifest; attests: string };

/** A multi-arch index (OCI image index or Docker manifest list) over `entries`. */
export function indexManifest(entries: IndexEntry[], format: ManifestFormat = "oci"): BuiltManifest {
    return buildManifest({
        schemaVersion: 2,
        mediaType: format === "docker" ? MEDIA_TYPES.dockerList : MEDIA_TYPES.ociIndex,
        manifests: entries.map((entry) =>
            entry.kind === "image"
                ? { ...descriptorOf(entry.manifest), platform: platformOf(entry.platform) }
                : {
                      ...descriptorOf(entry.manifest),
                      platform: { architecture: "unknown", os: "unknown" },
                      annotations: { [ATTESTATION_ANNOTATIONS.type]: ATTESTATION_ANNOTATIONS.typeValue, [ATTESTATION_ANNOTATIONS.digest]: entry.attests },
                  },
        ),
    });
}

/** The tag cosign gives the signature (`.sig`) or attestation (`.att`) of `digest`: `sha256-<hex>.sig`. */
export function cosignTag(digest: string, kind: "sig" | "att"): string {
    return `${digest.replace(":", "-")}.${kind}`;
}

/** The referrers tag schema's tag for `digest` (OCI distribution spec 1.1): `sha256-<hex>`. */
export function referrersTag(digest: string): string {
    return digest.replace(":", "-");
}

/**
 * A cosign signature (`sig`) or attestation (`att`) manifest for `subject` with `count`
 * layers: cosign appends a layer per signature and re-tags, so each new signature makes a new
 * manifest and leaves the previous one untagged.
 */
export function cosignManifest(subject: string, kind: "sig" | "att", count: number): BuiltManifest {
    const layers = Array.from({ length: count }, (_, i) =>
        kind === "sig"
            ? jsonBlob(BLOB_TYPES.cosignSignature, {
                  critical: { identity: { "docker-reference": "emulator" }, image: { "docker-manifest-digest": subject }, type: "cosign container image signature" },
                  optional: { signature: i },
              })
            : jsonBlob(BLOB_TYPES.dsse, {
                  payloadType: "application/vnd.in-toto+json",
                  payload: Buffer.from(canonicalJson({ _type: "https://in-toto.io/Statement/v0.1", subject: [{ digest: { sha256: subject.replace(/^sha256:/, "") } }], attestation: i })).toString("base64"),
                  signatures: [{ keyid: "", sig: Buffer.from(`signature ${i} of ${subject}`).toString("base64") }],
              }),
    );
    const config = jsonBlob(BLOB_TYPES.ociConfig, { architecture: "", os: "", config: {}, rootfs: { type: "layers", diff_ids: layers.map((layer) => layer.digest) } });
    return buildManifest(
        {
            schemaVersion: 2,
            mediaType: MEDIA_TYPES.ociManifest,
            config: blobDescriptor(config),
            layers: layers.map((layer, i) => ({
                ...blobDescriptor(layer),
                annotations:
                    kind === "sig"
                        ? { "dev.cosignproject.cosign/signature": Buffer.from(`signature ${i} of ${subject}`).toString("base64") }
                        : { predicateType: "https://slsa.dev/provenance/v1" },
            })),
        },
        undefined,
        [config, ...layers],
    );
}

/** An OCI 1.1 artifact manifest with a `subject` (an SBOM, a signature...) of `artifactType`. */
export function referrerManifest(nonce: string, subject: Descriptor, artifactType: string): BuiltManifest {
    const empty = textBlob(BLOB_TYPES.empty, "{}");
    const content = textBlob("application/octet-stream", `${artifactType} of ${subject.digest} (${nonce})\n`);
    return buildManifest(
        {
            schemaVersion: 2,
            mediaType: MEDIA_TYPES.ociManifest,
            artifactType,
            config: blobDescriptor(empty),
            layers: [blobDescriptor(content)],
            subject,
        },
        undefined,
        [empty, content],
    );
}

/** The referrers tag schema's index: descriptors (with `artifactType`) of every referrer of one subject. */
export function referrersIndex(referrers: { manifest: BuiltManifest; artifactType: string }[]): BuiltManifest {
    return buildManifest({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociIndex,
        manifests: referrers.map((referrer) => ({ ...descriptorOf(referrer.manifest), artifactType: referrer.artifactType })),
    });
}
