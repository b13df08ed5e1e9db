/** Small node:http helpers: the request and answer shapes both APIs use, splitting paths, reading bodies, writing answers. */
import { IncomingMessage, ServerResponse } from "node:http";

/** A request to the emulated GitHub (REST API or container registry), as the server hands it over. */
export interface ApiRequest {
    /** HTTP method, upper case. */
    method: string;
    /** The URL, absolute on the emulator's base URL. */
    url: URL;
    /** The path split at `/` and percent-decoded; undefined when a segment cannot be decoded. */
    segments: string[] | undefined;
    /** The Authorization header. */
    authorization: string | undefined;
    /** The If-None-Match header. */
    ifNoneMatch: string | undefined;
    /** The Accept header (the registry negotiates manifest media types with it). */
    accept: string | undefined;
    /** The client's address, which keys the anonymous rate limit. */
    remoteAddress: string;
    /** The id GitHub would put in `x-github-request-id` and in some messages. */
    requestId: string;
}

/** A serialized answer. */
export interface WireReply {
    /** HTTP status. */
    status: number;
    /** Headers. */
    headers: Record<string, string>;
    /** The body ("" for none); bytes for a blob. */
    body: string | Buffer;
}

/**
 * Splits a raw path at `/` and percent-decodes each segment, so `platform%2Fapi-gateway`
 * stays one segment (`platform/api-gateway`). Undefined when a segment is not valid encoding.
 */
export function pathSegments(rawPath: string): string[] | undefined {
    try {
        return rawPath
            .split("/")
            .slice(1)
            .map((segment) => decodeURIComponent(segment));
    } catch {
        return undefined;
    }
}

/**
 * Matches decoded path `segments` against a template such as `/orgs/{org}/packages`;
 * returns the `{name}` parameters, or undefined when the path does not fit.
 */
export function matchTemplate(template: string, segments: readonly string[]): Record<string, string> | undefined {
    const parts = template.split("/").slice(1);
    if (parts.length !== segments.length) {
        return undefined;
    }
    const params: Record<string, string> = {};
    for (let i = 0; i < parts.length; i++) {
        const name = /^\{(.+)\}$/.exec(parts[i])?.[1];
        if (name !== undefined) {
            params[name] = segments[i];
        } else if (parts[i] !== segments[i]) {
            return undefined;
        }
    }
    return params;
}

/** A request body that is too large or not JSON. */
export class BodyError extends Error {
    override readonly name = "BodyError";
}

/** Reads the whole body of `request` as UTF-8 (up to `maxBytes`). */
export function readBody(request: IncomingMessage, maxBytes: number): Promise<string> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        request.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBytes) {
                reject(new BodyError(`The body is larger than ${maxBytes} bytes`));
                request.destroy();
                return;
            }
            chunks.push(chunk);
        });
        request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        request.on("error", reject);
    });
}

/** Parses a JSON body; an empty body is `undefined`. Throws {@link BodyError} on invalid JSON. */
export function parseJson(text: string): unknown {
    if (text.trim() === "") {
        return undefined;
    }
    try {
        return JSON.parse(text);
    } catch (error) {
        throw new BodyError(`The body is not JSON: ${(error as Error).message}`);
    }
}

/** Writes a complete answer. */
export function send(response: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer): void {
    response.writeHead(status, { ...headers, "content-length": String(Buffer.byteLength(body)) });
    response.end(body);
}

/** Writes a JSON answer (no body for 204). */
export function sendJson(response: ServerResponse, status: number, body?: unknown): void {
    if (status === 204 || body === undefined) {
        send(response, status, {}, "");
        return;
    }
    send(response, status, { "content-type": "application/json; charset=utf-8" }, JSON.stringify(body, null, 2));
}
