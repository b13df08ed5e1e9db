/**
 * A registry client for tests: pulls an image the way `docker pull --all-platforms` walks it
 * (token exchange, the tag's manifest, every manifest an index lists, and the config and layer
 * blobs of every image manifest), checking each digest and size against the bytes, and reports
 * what failed.
 */
import { createHash } from "node:crypto";
import { MEDIA_TYPES } from "../store/manifests";
import { PULL_ACCEPT, REGISTRY_SERVICE } from "./api";

/** Options of {@link pullImage}. */
export interface PullOptions {
    /** A PAT to exchange (Basic `user:PAT`); anonymous when omitted. */
    token?: string;
    /** The Accept header. Defaults to the four manifest media types `docker pull` accepts. */
    accept?: string;
}

/** A manifest that could not be pulled. */
export interface PullFailure {
    /** The tag or digest asked for (`token` for the token exchange). */
    reference: string;
    /** The HTTP status. */
    status: number;
    /** The registry error code, e.g. `MANIFEST_UNKNOWN`, when the body had one. */
    code?: string;
    /** Why it failed: the error code, `digest mismatch`, `size mismatch` or `not JSON`. */
    reason: string;
}

/** What a pull found. */
export interface PullResult {
    /** True when every manifest came back intact. */
    ok: boolean;
    /** The digest the reference resolved to, if it did. */
    digest?: string;
    /** The manifest digests pulled intact, top manifest first. */
    pulled: string[];
    /** The blob digests (configs, layers) pulled intact, each once, in the order met. */
    blobs: string[];
    /** What failed. */
    failures: PullFailure[];
}

/** Pulls `org/name:reference` (a tag or a digest) from the emulator at `baseUrl`, with every child of an index. */
export async function pullImage(baseUrl: string, org: string, name: string, reference: string, options: PullOptions = {}): Promise<PullResult> {
    const result: PullResult = { ok: false, pulled: [], blobs: [], failures: [] };
    const scope = `repository:${org}/${name}:pull`;
    const tokenUrl = `${baseUrl}/token?scope=${encodeURIComponent(scope)}&service=${REGISTRY_SERVICE}`;
    const basic: Record<string, string> = options.token === undefined ? {} : { authorization: `Basic ${Buffer.from(`pull:${options.token}`).toString("base64")}` };
    const tokenAnswer = await fetch(tokenUrl, { headers: basic });
    const tokenBody = (await tokenAnswer.json()) as { token?: string; errors?: { code: string }[] };
    if (tokenAnswer.status !== 200 || tokenBody.token === undefined) {
        result.failures.push(failure("token", tokenAnswer.status, tokenBody));
        return result;
    }
    const headers = { authorization: `Bearer ${tokenBody.token}`, accept: options.accept ?? PULL_ACCEPT };
    const fetchManifest = async (ref: string, expected?: string): Promise<{ digest: string; json: ManifestJson } | undefined> => {
        const answer = await fetch(`${baseUrl}/v2/${org}/${name}/manifests/${ref}`, { headers });
        const text = await answer.text();
        if (answer.status !== 200) {
            result.failures.push(failure(ref, answer.status, parse(text)));
            return undefined;
        }
        const actual = `sha256:${createHash("sha256").update(text, "utf8").digest("hex")}`;
        const claimed = answer.headers.get("docker-content-digest");
        if (actual !== claimed || (expected !== undefined && actual !== expected)) {
            result.failures.push({ reference: ref, status: 200, reason: "digest mismatch" });
            return undefined;
        }
        const json = parse(text);
        if (json === undefined) {
            result.failures.push({ reference: ref, status: 200, reason: "not JSON" });
            return undefined;
        }
        result.pulled.push(actual);
        return { digest: actual, json: json as ManifestJson };
    };
    const fetchBlobs = async (manifest: ManifestJson): Promise<void> => {
        const descriptors = [manifest.config, ...(manifest.layers ?? [])].filter((descriptor): descriptor is Descriptor => typeof descriptor?.digest === "string");
        for (const descriptor of descriptors) {
            if (result.blobs.includes(descriptor.digest)) {
                continue;
            }
            const answer = await fetch(`${baseUrl}/v2/${org}/${name}/blobs/${descriptor.digest}`, { headers: { authorization: headers.authorization } });
            const bytes = Buffer.from(await answer.arrayBuffer());
            if (answer.status !== 200) {
                result.failures.push(failure(descriptor.digest, answer.status, parse(bytes.toString("utf8"))));
            } else if (`sha256:${createHash("sha256").update(bytes).digest("hex")}` !== descriptor.digest) {
                result.failures.push({ reference: descriptor.digest, status: 200, reason: "digest mismatch" });
            } else if (bytes.length !== descriptor.size) {
                result.failures.push({ reference: descriptor.digest, status: 200, reason: "size mismatch" });
            } else {
                result.blobs.push(descriptor.digest);
            }
        }
    };
    const top = await fetchManifest(reference, reference.includes(":") ? reference : undefined);
    if (top) {
        result.digest = top.digest;
        const isIndex = top.json.mediaType === MEDIA_TYPES.ociIndex || top.json.mediaType === MEDIA_TYPES.dockerList || Array.isArray(top.json.manifests);
        if (isIndex) {
            for (const child of top.json.manifests ?? []) {
                const manifest = await fetchManifest(child.digest, child.digest);
                if (manifest) {
                    await fetchBlobs(manifest.json);
                }
            }
        } else {
            await fetchBlobs(top.json);
        }
    }
    result.ok = top !== undefined && result.failures.length === 0;
    return result;
}

/** A blob or manifest descriptor. */
interface Descriptor {
    digest: string;
    size: number;
}

/** The parts of a manifest or index the pull walks. */
interface ManifestJson {
    mediaType?: string;
    manifests?: Descriptor[];
    config?: Descriptor;
    layers?: Descriptor[];
}

function parse(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

function failure(reference: string, status: number, body: unknown): PullFailure {
    const code = (body as { errors?: { code?: string }[] } | undefined)?.errors?.[0]?.code;
    return { reference, status, ...(code ? { code } : {}), reason: code ?? `HTTP ${status}` };
}
