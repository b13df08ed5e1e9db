/**
 * Blobs: the config and layer bytes that image manifests point at, so a real registry client
 * can pull an image completely. A blob is kept as a recipe keyed by its digest (the JSON text of
 * a config, the files of a layer) and its bytes are made again each time it is served: layers
 * are gzipped tarballs, and keeping recipes instead of bytes keeps seeding thousands of versions
 * cheap in memory. Which manifests reference a blob is read from the manifests themselves, so a
 * registry serves a blob only in the repositories whose manifests point at it.
 */
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { createTar } from "nanotar";

/** How a blob's bytes are made: its exact text, or a gzipped tarball of files. */
export type BlobRecipe = { kind: "text"; text: string } | { kind: "layer"; files: readonly LayerFile[] };

/** A file in a layer's tarball. */
export interface LayerFile {
    /** Path inside the layer, without a leading slash (`etc/emulator/image`). */
    name: string;
    /** Its content, as UTF-8. */
    content: string;
}

/** A blob: its descriptor fields and how to make its bytes. */
export interface Blob {
    /** `sha256:<hex>` of its bytes. */
    digest: string;
    /** Its size in bytes. */
    size: number;
    /** The media type manifests give it. */
    mediaType: string;
    /** How its bytes are made. */
    recipe: BlobRecipe;
}

/** A layer blob and the digest of its uncompressed tarball (the image config's `rootfs.diff_ids` entry). */
export interface LayerBlob extends Blob {
    /** `sha256:<hex>` of the tarball before gzip. */
    diffId: string;
}

/** gzip's fastest level: layers are tiny, and seeding makes one per generated image. */
const GZIP = { level: 1 };

/** Attributes every file in a generated layer gets, so the same files always give the same bytes. */
const FILE_ATTRS = { mode: "644", uid: 0, gid: 0, mtime: 0, user: "", group: "" };

function sha256(bytes: Uint8Array | string): string {
    return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** A blob whose bytes are `text` (a config, an in-toto statement, a signature payload). */
export function textBlob(mediaType: string, text: string): Blob {
    return { digest: sha256(text), size: Buffer.byteLength(text), mediaType, recipe: { kind: "text", text } };
}

/** A gzipped tarball of `files` (a filesystem layer). */
export function layerBlob(mediaType: string, files: readonly LayerFile[]): LayerBlob {
    const tar = tarOf(files);
    const gzipped = gzipSync(tar, GZIP);
    return { digest: sha256(gzipped), size: gzipped.length, mediaType, recipe: { kind: "layer", files }, diffId: sha256(tar) };
}

function tarOf(files: readonly LayerFile[]): Uint8Array {
    return createTar(
        files.map((file) => ({ name: file.name, data: file.content })),
        { attrs: FILE_ATTRS },
    );
}

/** The bytes of a blob, made from its recipe. */
export function blobBytes(recipe: BlobRecipe): Buffer {
    return recipe.kind === "text" ? Buffer.from(recipe.text, "utf8") : gzipSync(tarOf(recipe.files), GZIP);
}

/** The blobs the emulator can serve, by digest. Recipes are facts (a digest names one content), so they outlive resets. */
export class BlobStore {
    private readonly byDigest = new Map<string, Blob>();

    /** Remembers `blobs`. */
    add(blobs: Iterable<Blob>): void {
        for (const blob of blobs) {
            this.byDigest.set(blob.digest, blob);
        }
    }

    /** The blob with `digest`, if the emulator ever made it. */
    get(digest: string): Blob | undefined {
        return this.byDigest.get(digest);
    }

    /** How many blobs are known. */
    get size(): number {
        return this.byDigest.size;
    }
}

const referenced = new Map<string, ReadonlySet<string>>();
const REFERENCED_CACHE_LIMIT = 50_000;

/**
 * The blob digests a manifest's JSON text points at: `config`, `layers[]` and (artifact
 * manifests) `blobs[]`. An index points at manifests, not blobs, so it has none. Unparsable
 * text (a corrupt manifest is served truncated, but stored whole) has none.
 */
export function referencedBlobs(text: string): ReadonlySet<string> {
    let digests = referenced.get(text);
    if (!digests) {
        digests = new Set(parseReferences(text));
        if (referenced.size >= REFERENCED_CACHE_LIMIT) {
            referenced.clear();
        }
        referenced.set(text, digests);
    }
    return digests;
}

function parseReferences(text: string): string[] {
    let json: { config?: { digest?: unknown }; layers?: { digest?: unknown }[]; blobs?: { digest?: unknown }[] };
    try {
        json = JSON.parse(text) as typeof json;
    } catch {
        return [];
    }
    const descriptors = [json.config, ...(Array.isArray(json.layers) ? json.layers : []), ...(Array.isArray(json.blobs) ? json.blobs : [])];
    return descriptors.map((descriptor) => descriptor?.digest).filter((digest): digest is string => typeof digest === "string");
}
