/**
 * The registry half of the admin interface: pushing what build tools push to ghcr.io
 * (single-platform images, multi-arch indexes with buildx attestations, cosign signatures,
 * OCI 1.1 referrers), moving tags, and breaking single manifests (removed, corrupt, an unknown
 * media type) while their REST versions stay. Every manifest a push stores is a REST version
 * of the container package, created at the emulator's time with the next version id.
 */
import { EmulatorCore } from "../core";
import { visibilityProblem } from "../rest/github";
import {
    BuiltManifest,
    IndexEntry,
    attestationManifest,
    cosignManifest,
    cosignTag,
    imageManifest,
    indexManifest,
    isDigest,
    platformOf,
    referrerManifest,
    referrersIndex,
    referrersTag,
} from "../store/manifests";
import {
    ImageKey,
    ImagePackageInput,
    MANIFEST_STATES,
    ManifestInfo,
    ManifestRole,
    ManifestState,
    PackageRecord,
    PushIndexInput,
    PushImageInput,
    PushReferrerInput,
    PushSignatureInput,
    PushedImage,
    PushedManifest,
    VISIBILITIES,
    VersionRecord,
} from "../types";
import { AdminError } from "./errors";

/** The default platforms of a multi-arch push. */
const DEFAULT_PLATFORMS = ["linux/amd64", "linux/arm64"];

/** The default artifact type of a referrer: an SPDX SBOM. */
const DEFAULT_ARTIFACT_TYPE = "application/spdx+json";

/** Pushes and breaks container images in the emulator's state. */
export class ImageAdmin {
    constructor(private readonly core: EmulatorCore) {}

    /** Pushes a single-platform image (creating the package on the first push). */
    pushImage(image: ImageKey, input: PushImageInput = {}): PushedImage {
        checkObject(input, "The image", ["tags", "platform", "format", "base", "visibility", "repository"]);
        checkTags(input.tags);
        const platform = input.platform ?? "linux/amd64";
        checkPlatform(platform, "platform");
        checkFormat(input.format);
        checkBase(input.base);
        const pkg = this.packageForPush(image, input);
        const manifest = imageManifest(this.nonce(pkg), { platform, format: input.format, base: input.base });
        return { ...this.store(pkg, manifest, input.tags ?? [], "image", { platform }), children: [] };
    }

    /** Pushes a multi-arch image: one untagged child per platform (and a buildx attestation per platform), then the index with the tags. */
    pushIndex(image: ImageKey, input: PushIndexInput = {}): PushedImage {
        checkObject(input, "The index", ["tags", "platforms", "attestations", "format", "base", "visibility", "repository"]);
        checkTags(input.tags);
        checkFormat(input.format);
        checkBase(input.base);
        const platforms = input.platforms ?? DEFAULT_PLATFORMS;
        if (!Array.isArray(platforms) || platforms.length === 0) {
            throw new AdminError(400, "platforms must be a non-empty array such as [\"linux/amd64\", \"linux/arm64\"]");
        }
        platforms.forEach((platform, i) => checkPlatform(platform, `platforms[${i}]`));
        if (input.attestations !== undefined && typeof input.attestations !== "boolean") {
            throw new AdminError(400, "attestations must be true or false");
        }
        if (input.attestations && input.format === "docker") {
            throw new AdminError(400, "attestations need the oci format (buildx pushes an OCI index when it adds attestations)");
        }
        const pkg = this.packageForPush(image, input);
        const entries: IndexEntry[] = [];
        const children: PushedManifest[] = [];
        for (const platform of platforms) {
            const manifest = imageManifest(this.nonce(pkg), { platform, format: input.format, base: input.base });
            children.push(this.store(pkg, manifest, [], "image", { platform }));
            entries.push({ kind: "image", manifest, platform });
            if (input.attestations) {
                const attestation = attestationManifest(this.nonce(pkg), manifest.digest);
                children.push(this.store(pkg, attestation, [], "attestation", { subject: manifest.digest }));
                entries.push({ kind: "attestation", manifest: attestation, attests: manifest.digest });
            }
        }
        const index = indexManifest(entries, input.format);
        return { ...this.store(pkg, index, input.tags ?? [], "index", {}), children };
    }

    /**
     * Pushes a cosign signature (or attestation) of `subject`: a manifest tagged
     * `sha256-<hex>.sig` (`.att`). A second signature adds a layer, so it is a new manifest and
     * the previous one stays behind untagged, as with cosign.
     */
    pushSignature(image: ImageKey, subject: string, input: PushSignatureInput = {}): PushedManifest {
        checkObject(input, "The signature", ["kind"]);
        const kind = input.kind ?? "sig";
        if (kind !== "sig" && kind !== "att") {
            throw new AdminError(400, 'kind must be "sig" or "att"');
        }
        const pkg = this.existing(image);
        this.versionOf(pkg, image, subject);
        const tag = cosignTag(subject, kind);
        const previous = this.core.store().taggedVersion(pkg, tag);
        const layers = previous?.manifest ? ((JSON.parse(previous.manifest.text) as { layers?: unknown[] }).layers?.length ?? 0) : 0;
        return this.store(pkg, cosignManifest(subject, kind, layers + 1), [tag], "signature", { subject });
    }

    /** Pushes an OCI 1.1 referrer of `subject` (untagged, with `subject`), and by default the referrers tag schema's index. */
    pushReferrer(image: ImageKey, subject: string, input: PushReferrerInput = {}): PushedImage {
        checkObject(input, "The referrer", ["artifactType", "tagSchema"]);
        if (input.tagSchema !== undefined && typeof input.tagSchema !== "boolean") {
            throw new AdminError(400, "tagSchema must be true or false");
        }
        const artifactType = input.artifactType ?? DEFAULT_ARTIFACT_TYPE;
        if (typeof artifactType !== "string" || artifactType === "") {
            throw new AdminError(400, "artifactType must be a non-empty media type");
        }
        const pkg = this.existing(image);
        const target = this.versionOf(pkg, image, subject);
        const descriptor = { mediaType: target.manifest!.mediaType, digest: target.name, size: Buffer.byteLength(target.manifest!.text) };
        const manifest = referrerManifest(this.nonce(pkg), descriptor, artifactType);
        const pushed = this.store(pkg, manifest, [], "referrer", { subject });
        const children: PushedManifest[] = [];
        if (input.tagSchema ?? true) {
            const referrers = pkg.versions
                .filter((version) => version.deletedAt === undefined && version.manifest)
                .map((version) => ({ version, json: JSON.parse(version.manifest!.text) as { subject?: { digest?: string }; artifactType?: string } }))
                .filter(({ json }) => json.subject?.digest === subject)
                .map(({ version, json }) => ({
                    manifest: { text: version.manifest!.text, digest: version.name, mediaType: version.manifest!.mediaType, size: Buffer.byteLength(version.manifest!.text), blobs: [] },
                    artifactType: json.artifactType ?? DEFAULT_ARTIFACT_TYPE,
                }));
            children.push(this.store(pkg, referrersIndex(referrers), [referrersTag(subject)], "referrers-index", { subject }));
        }
        return { ...pushed, children };
    }

    /** Points `tag` at the manifest `digest` (taking it from the version that had it). */
    tag(image: ImageKey, digest: string, tag: string): ManifestInfo {
        checkTags([tag]);
        const pkg = this.existing(image);
        const version = this.versionOf(pkg, image, digest);
        this.core.store().tag(pkg, version, tag, this.core.clock.now());
        return info(version);
    }

    /** Removes `tag` from the image; the manifest stays, untagged if it had no other tag. */
    untag(image: ImageKey, tag: string): ManifestInfo {
        const pkg = this.existing(image);
        const version = this.core.store().taggedVersion(pkg, tag);
        if (!version) {
            throw new AdminError(404, `No tag ${tag} in ${describe(image)}`);
        }
        version.tags = version.tags.filter((candidate) => candidate !== tag);
        version.updatedAt = this.core.clock.now();
        return info(version);
    }

    /** The manifest a tag or digest names, with its JSON, state and version. */
    manifest(image: ImageKey, reference: string): ManifestInfo {
        const pkg = this.existing(image);
        const version = reference.includes(":") ? this.versionOf(pkg, image, reference) : this.core.store().taggedVersion(pkg, reference);
        if (!version?.manifest) {
            throw new AdminError(404, `No manifest ${reference} in ${describe(image)}`);
        }
        return info(version);
    }

    /** Removes (`missing`), corrupts (`corrupt`) or brings back (`present`) one manifest in the registry; its REST version stays as it is. */
    setManifestState(image: ImageKey, digest: string, state: ManifestState): ManifestInfo {
        if (!MANIFEST_STATES.includes(state)) {
            throw new AdminError(400, `state must be one of ${MANIFEST_STATES.join(", ")}`);
        }
        const version = this.versionOf(this.existing(image), image, digest);
        version.manifest!.state = state;
        return info(version);
    }

    /** Serves one manifest with another media type (e.g. one clients do not know); its bytes and digest stay. */
    setManifestMediaType(image: ImageKey, digest: string, mediaType: string): ManifestInfo {
        if (typeof mediaType !== "string" || !/^[\w.+-]+\/[\w.+-]+$/.test(mediaType)) {
            throw new AdminError(400, "mediaType must be a media type such as application/vnd.example.unknown+json");
        }
        const version = this.versionOf(this.existing(image), image, digest);
        version.manifest!.mediaType = mediaType;
        return info(version);
    }

    /** The active container package to push into, created (with `input`'s visibility and repository) when there is none. */
    private packageForPush(image: ImageKey, input: ImagePackageInput): PackageRecord {
        checkImage(image);
        const store = this.core.store();
        const org = store.org(image.org);
        if (!org) {
            throw new AdminError(404, `No organization ${image.org}`);
        }
        const existing = store.activePackage({ org: image.org, packageType: "container", name: image.name });
        if (existing) {
            return existing;
        }
        if (input.visibility !== undefined && (!VISIBILITIES.includes(input.visibility) || visibilityProblem("container", input.visibility))) {
            throw new AdminError(400, `visibility must be one of ${VISIBILITIES.join(", ")}`);
        }
        if (input.repository !== undefined && (typeof input.repository !== "string" || input.repository === "")) {
            throw new AdminError(400, "repository must be a non-empty string");
        }
        if (input.repository !== undefined) {
            store.ensureRepository(org, input.repository, (input.visibility ?? "private") !== "public");
        }
        return store.addEmptyPackage(org, { name: image.name, packageType: "container", visibility: input.visibility, repository: input.repository }, this.core.clock.now());
    }

    private existing(image: ImageKey): PackageRecord {
        checkImage(image);
        const pkg = this.core.store().activePackage({ org: image.org, packageType: "container", name: image.name });
        if (!pkg) {
            throw new AdminError(404, `No active container package ${describe(image)}`);
        }
        return pkg;
    }

    /** The active version whose manifest has `digest`. */
    private versionOf(pkg: PackageRecord, image: ImageKey, digest: string): VersionRecord {
        if (typeof digest !== "string" || !isDigest(digest)) {
            throw new AdminError(400, `A manifest digest is "sha256:" and 64 lowercase hex digits, got ${JSON.stringify(digest)}`);
        }
        const version = pkg.versions.find((candidate) => candidate.deletedAt === undefined && candidate.name === digest && candidate.manifest);
        if (!version) {
            throw new AdminError(404, `No manifest ${digest} in ${describe(image)}`);
        }
        return version;
    }

    /** Content that differs from every earlier push into `pkg` (the package's version count and the time), and survives snapshots. */
    private nonce(pkg: PackageRecord): string {
        return `push:${pkg.org.toLowerCase()}/${pkg.name}#${pkg.versions.length}@${this.core.clock.now()}`;
    }

    private store(pkg: PackageRecord, manifest: BuiltManifest, tags: string[], role: ManifestRole, extra: { platform?: string; subject?: string }): PushedManifest {
        const version = this.core.store().addManifest(pkg, manifest, tags, this.core.clock.now());
        return { digest: version.name, versionId: version.id, mediaType: manifest.mediaType, tags: [...version.tags], role, ...extra };
    }
}

function info(version: VersionRecord): ManifestInfo {
    const manifest = version.manifest!;
    return {
        digest: version.name,
        versionId: version.id,
        tags: [...version.tags],
        mediaType: manifest.mediaType,
        state: manifest.state,
        json: JSON.parse(manifest.text) as { [key: string]: unknown },
        downloads: version.downloads,
    };
}

function describe(image: ImageKey): string {
    return `${image.org}/container/${image.name}`;
}

function checkImage(image: ImageKey): void {
    if (typeof image !== "object" || image === null || typeof image.org !== "string" || typeof image.name !== "string" || image.name === "") {
        throw new AdminError(400, "An image is { org, name } with a non-empty name");
    }
}

/** An input object with only the `allowed` fields (an unknown field is an error naming the known ones). */
function checkObject(input: unknown, what: string, allowed: readonly string[]): void {
    if (typeof input !== "object" || input === null || Array.isArray(input)) {
        throw new AdminError(400, `${what} must be an object`);
    }
    const unknown = Object.keys(input).find((key) => !allowed.includes(key));
    if (unknown !== undefined) {
        throw new AdminError(400, `${unknown} is not a field of ${what.toLowerCase()} (expected one of: ${allowed.join(", ")})`);
    }
}

/** Tags as the distribution spec allows them: `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`. */
function checkTags(tags: unknown): void {
    if (tags === undefined) {
        return;
    }
    if (!Array.isArray(tags) || !tags.every((tag) => typeof tag === "string" && /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/.test(tag))) {
        throw new AdminError(400, "tags must be an array of tags ([a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}), e.g. [\"latest\", \"v1.2.0\"]");
    }
}

function checkPlatform(platform: unknown, field: string): void {
    try {
        platformOf(platform as string);
    } catch {
        throw new AdminError(400, `${field} must be os/architecture[/variant], e.g. linux/amd64, got ${JSON.stringify(platform)}`);
    }
}

function checkBase(base: unknown): void {
    if (base !== undefined && (typeof base !== "string" || base === "")) {
        throw new AdminError(400, 'base must be a non-empty name such as "alpine-3.20" (images pushed with the same base share its layer)');
    }
}

function checkFormat(format: unknown): void {
    if (format !== undefined && format !== "oci" && format !== "docker") {
        throw new AdminError(400, 'format must be "oci" or "docker"');
    }
}
