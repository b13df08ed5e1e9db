/**
 * A registry client for tests: pulls an image the way `docker pull --all-platforms` walks it
 * (token exchange, the tag's manifest, then every manifest an index lists), checking each
 * digest against the bytes, and reports what failed. Manifests only: the emulator serves no blobs.
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
    /** Why it failed: the error code, `digest mismatch` or `not JSON`. */
    reason: string;
}

/** What a pull found. */
export interface PullResult {
    /** True when every manifest came back intact. */
    ok: boolean;
    /** The digest the reference resolved to, if it did. */
    digest?: string;
    /** The digests pulled intact, top manifest first. */
    pulled: string[];
    /** What failed. */
    failures: PullFailure[];
}

/** Pulls `org/name:reference` (a tag or a digest) from the emulator at `baseUrl`, with every child of an index. */
export async function pullImage(baseUrl: string, org: string, name: string, reference: string, options: PullOptions = {}): Promise<PullResult> {
    const result: PullResult = { ok: false, pulled: [], failures: [] };
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
    const fetchManifest = async (ref: string, expected?: string): Promise<{ digest: string; json: { mediaType?: string; manifests?: { digest: string }[] } } | undefined> => {
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
        return { digest: actual, json: json as { mediaType?: string; manifests?: { digest: string }[] } };
    };
    const top = await fetchManifest(reference, reference.includes(":") ? reference : undefined);
    if (top) {
        result.digest = top.digest;
        const isIndex = top.json.mediaType === MEDIA_TYPES.ociIndex || top.json.mediaType === MEDIA_TYPES.dockerList || Array.isArray(top.json.manifests);
        for (const child of isIndex ? (top.json.manifests ?? []) : []) {
            await fetchManifest(child.digest, child.digest);
        }
    }
    result.ok = top !== undefined && result.failures.length === 0;
    return result;
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
