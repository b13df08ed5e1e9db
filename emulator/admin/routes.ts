/**
 * The admin interface over HTTP, under `/_emulator/`: JSON in, JSON out, each route a thin
 * wrapper around one {@link EmulatorAdmin} method. Errors answer `{ "error": message }`.
 */
import { IncomingMessage, ServerResponse } from "node:http";
import { AdminError, EmulatorAdmin } from "./admin";
import { credentialOf } from "../rest/auth";
import { ADMIN_PREFIX, MAX_ADMIN_BODY_BYTES } from "../defaults";
import { BodyError, matchTemplate, parseJson, pathSegments, readBody, sendJson } from "../traffic/http";
import { SeedError } from "../store/seed";
import { InstallationTokenInput } from "./tokens";
import {
    ActionsRole,
    FaultSpec,
    ImageKey,
    ManifestState,
    PushIndexInput,
    PushImageInput,
    PushReferrerInput,
    PushSignatureInput,
    PackageKey, PackageType, PublishPackageInput, PublishVersionInput,
    RateLimitOverride,
    Seed,
    SeedToken,
    Visibility,
} from "../types";

/** What an admin route gets. */
interface AdminCall {
    /** Decoded path parameters. */
    params: Record<string, string>;
    /** The parsed JSON body (undefined when empty). */
    body: unknown;
}

/** An admin endpoint. */
interface AdminRoute {
    method: "GET" | "PUT" | "POST" | "PATCH" | "DELETE";
    /** The path below the prefix. */
    path: string;
    /** What it does, for the index at `GET /_emulator`. */
    summary: string;
    /** Returns the status and JSON body. */
    handle(admin: EmulatorAdmin, call: AdminCall): { status: number; body?: unknown };
}

const PACKAGE = "/orgs/{org}/packages/{package_type}/{package_name}";
const IMAGE = "/orgs/{org}/images/{image}";

/** The answer of a route that returns nothing. */
const NO_CONTENT = { status: 204 } as const;

/** The admin routes. */
export const ADMIN_ROUTES: readonly AdminRoute[] = [
    { method: "GET", path: "", summary: "This list of admin endpoints", handle: () => ({ status: 200, body: index() }) },
    { method: "GET", path: "/health", summary: "Liveness and the emulator time", handle: (admin) => ok({ ok: true, now: admin.now().toISOString() }) },
    { method: "GET", path: "/state", summary: "The state as a seed (ids and instants explicit)", handle: (admin) => ok(admin.snapshot()) },
    {
        method: "PUT",
        path: "/seed",
        summary: "Replace the state with the seed in the body; answers the new state",
        handle: (admin, call) => {
            admin.loadSeed(call.body as Seed);
            return ok(admin.snapshot());
        },
    },
    {
        method: "POST",
        path: "/reset",
        summary: "Back to a fresh start with the last seed",
        handle: (admin) => {
            admin.reset();
            return NO_CONTENT;
        },
    },
    {
        method: "POST",
        path: "/orgs/{org}/packages",
        summary: "Publish a package: { name, packageType, visibility?, repository?, versions? }",
        handle: (admin, call) => ({ status: 201, body: admin.publishPackage(call.params.org, object<PublishPackageInput>(call.body)) }),
    },
    {
        method: "PATCH",
        path: PACKAGE,
        summary: "Change a package: { visibility?, repository? } (repository null unlinks)",
        handle: (admin, call) => {
            const body = object<{ visibility?: Visibility; repository?: string | null }>(call.body);
            let changed = body.repository !== undefined ? admin.setRepository(key(call), body.repository) : undefined;
            if (body.visibility !== undefined || changed === undefined) {
                changed = admin.setVisibility(key(call), body.visibility as Visibility);
            }
            return ok(changed);
        },
    },
    { method: "DELETE", path: PACKAGE, summary: "Delete a package without GitHub's rules", handle: (admin, call) => ok(admin.deletePackage(key(call))) },
    {
        method: "POST",
        path: `${PACKAGE}/versions`,
        summary: "Publish a version: { name?, downloads?, tags?, license?, description? }",
        handle: (admin, call) => ({ status: 201, body: admin.publishVersion(key(call), object<PublishVersionInput>(call.body ?? {})) }),
    },
    {
        method: "PATCH",
        path: `${PACKAGE}/versions/{version_id}`,
        summary: "Change a version: { downloads }",
        handle: (admin, call) => ok(admin.setDownloads(key(call), versionId(call), object<{ downloads: number }>(call.body).downloads)),
    },
    {
        method: "DELETE",
        path: `${PACKAGE}/versions/{version_id}`,
        summary: "Delete a version without GitHub's rules",
        handle: (admin, call) => ok(admin.deleteVersion(key(call), versionId(call))),
    },
    {
        method: "POST",
        path: `${IMAGE}/image`,
        summary: "Push a single-platform image: { tags?, platform?, format?, visibility?, repository? }",
        handle: (admin, call) => ({ status: 201, body: admin.pushImage(image(call), object<PushImageInput>(call.body ?? {})) }),
    },
    {
        method: "POST",
        path: `${IMAGE}/index`,
        summary: "Push a multi-arch image: { tags?, platforms?, attestations?, format?, visibility?, repository? }",
        handle: (admin, call) => ({ status: 201, body: admin.pushIndex(image(call), object<PushIndexInput>(call.body ?? {})) }),
    },
    {
        method: "POST",
        path: `${IMAGE}/signatures`,
        summary: 'Push a cosign signature: { subject: "sha256:...", kind?: "sig" | "att" }',
        handle: (admin, call) => {
            const { subject, ...input } = object<PushSignatureInput & { subject: string }>(call.body);
            return { status: 201, body: admin.pushSignature(image(call), subject, input) };
        },
    },
    {
        method: "POST",
        path: `${IMAGE}/referrers`,
        summary: 'Push an OCI referrer: { subject: "sha256:...", artifactType?, tagSchema? }',
        handle: (admin, call) => {
            const { subject, ...input } = object<PushReferrerInput & { subject: string }>(call.body);
            return { status: 201, body: admin.pushReferrer(image(call), subject, input) };
        },
    },
    {
        method: "PUT",
        path: `${IMAGE}/tags/{tag}`,
        summary: 'Point a tag at a manifest: { digest: "sha256:..." }',
        handle: (admin, call) => ok(admin.tagImage(image(call), object<{ digest: string }>(call.body).digest, call.params.tag)),
    },
    { method: "DELETE", path: `${IMAGE}/tags/{tag}`, summary: "Remove a tag", handle: (admin, call) => ok(admin.untagImage(image(call), call.params.tag)) },
    {
        method: "GET",
        path: `${IMAGE}/manifests/{reference}`,
        summary: "A manifest by tag or digest: digest, versionId, tags, mediaType, state, json, downloads",
        handle: (admin, call) => ok(admin.manifest(image(call), call.params.reference)),
    },
    {
        method: "PATCH",
        path: `${IMAGE}/manifests/{digest}`,
        summary: 'Break or mend a manifest: { state?: "present" | "missing" | "corrupt", mediaType? }',
        handle: (admin, call) => {
            const body = object<{ state?: ManifestState; mediaType?: string }>(call.body);
            if (body.state === undefined && body.mediaType === undefined) {
                throw new AdminError(400, "Give state and/or mediaType");
            }
            let changed = body.state !== undefined ? admin.setManifestState(image(call), call.params.digest, body.state) : undefined;
            if (body.mediaType !== undefined) {
                changed = admin.setManifestMediaType(image(call), call.params.digest, body.mediaType);
            }
            return ok(changed);
        },
    },
    { method: "GET", path: "/clock", summary: "The emulator time", handle: (admin) => ok(time(admin.now())) },
    {
        method: "PUT",
        path: "/clock",
        summary: 'Set the clock: { now: "2025-01-01T00:00:00Z" | "-1h" }',
        handle: (admin, call) => ok(time(admin.setNow(object<{ now: string | number }>(call.body).now))),
    },
    {
        method: "POST",
        path: "/clock/advance",
        summary: 'Move the clock: { by: "30d" | milliseconds }',
        handle: (admin, call) => ok(time(admin.advance(object<{ by: string | number }>(call.body).by))),
    },
    { method: "GET", path: "/requests", summary: "The request log with counts per operation", handle: (admin) => ok(admin.requests()) },
    {
        method: "DELETE",
        path: "/requests",
        summary: "Empty the request log",
        handle: (admin) => {
            admin.resetRequests();
            return NO_CONTENT;
        },
    },
    { method: "GET", path: "/faults", summary: "The fault rules with their counters", handle: (admin) => ok(admin.faults()) },
    {
        method: "POST",
        path: "/faults",
        summary: "Add a fault rule (see FaultSpec)",
        handle: (admin, call) => ({ status: 201, body: admin.addFault(object<FaultSpec>(call.body)) }),
    },
    {
        method: "DELETE",
        path: "/faults",
        summary: "Remove every fault rule",
        handle: (admin) => {
            admin.clearFaults();
            return NO_CONTENT;
        },
    },
    {
        method: "DELETE",
        path: "/faults/{id}",
        summary: "Remove one fault rule",
        handle: (admin, call) => {
            if (!admin.removeFault(call.params.id)) {
                throw new AdminError(404, `No fault ${call.params.id}`);
            }
            return NO_CONTENT;
        },
    },
    { method: "GET", path: "/rate-limits/{token}", summary: "A token's rate limit", handle: (admin, call) => ok(admin.rateLimit(call.params.token)) },
    {
        method: "PUT",
        path: "/rate-limits/{token}",
        summary: "Change a token's rate limit: { limit?, remaining? }",
        handle: (admin, call) => ok(admin.setRateLimit(call.params.token, object<RateLimitOverride>(call.body))),
    },
    {
        method: "POST",
        path: "/tokens",
        summary: "Add a token of any kind, as a seed entry: { token, scopes, kind?, repository?, ssoAuthorized?, ... }",
        handle: (admin, call) => ({ status: 201, body: admin.addToken(object<SeedToken>(call.body)) }),
    },
    {
        method: "POST",
        path: "/tokens/installation",
        summary: "Issue a ghs_ installation token (GITHUB_TOKEN) for a repository: { repository: \"org/name\", rateLimit? }",
        handle: (admin, call) => ({ status: 201, body: admin.issueInstallationToken(object<InstallationTokenInput>(call.body)) }),
    },
    {
        method: "POST",
        path: "/sso-authorizations",
        summary: "Authorize a token for an organization's SAML SSO: { token, org }",
        handle: (admin, call) => {
            const body = object<{ token: string; org: string }>(call.body);
            admin.authorizeSso(body.token, body.org);
            return NO_CONTENT;
        },
    },
    {
        method: "PUT",
        path: "/orgs/{org}/saml-sso",
        summary: "Enforce SAML SSO on an organization or stop: { enforced }",
        handle: (admin, call) => {
            admin.setSamlSso(call.params.org, object<{ enforced: boolean }>(call.body).enforced);
            return NO_CONTENT;
        },
    },
    {
        method: "PUT",
        path: `${PACKAGE}/actions-access/{repository}`,
        summary: "Give a repository's workflows a role on a package (Manage Actions access): { role: read | write | admin }",
        handle: (admin, call) => {
            admin.setActionsAccess(key(call), call.params.repository, object<{ role: ActionsRole }>(call.body).role);
            return NO_CONTENT;
        },
    },
    {
        method: "DELETE",
        path: `${PACKAGE}/actions-access/{repository}`,
        summary: "Take a repository's access to a package away",
        handle: (admin, call) => {
            admin.setActionsAccess(key(call), call.params.repository, null);
            return NO_CONTENT;
        },
    },
    {
        method: "DELETE",
        path: "/rate-limits",
        summary: "Start every rate-limit budget over",
        handle: (admin) => {
            admin.resetRateLimits();
            return NO_CONTENT;
        },
    },
];

/**
 * Answers an admin request. With an `adminToken`, requests must send it as
 * `Authorization: Bearer <adminToken>` (or `token <adminToken>`).
 */
export async function handleAdminRequest(
    request: IncomingMessage,
    response: ServerResponse,
    admin: EmulatorAdmin,
    adminToken: string | undefined,
): Promise<void> {
    try {
        if (adminToken !== undefined && credentialOf(request.headers.authorization) !== adminToken) {
            sendJson(response, 401, { error: "The admin interface needs Authorization: Bearer <adminToken>" });
            return;
        }
        const rawPath = new URL(request.url ?? "/", "http://emulator").pathname.slice(ADMIN_PREFIX.length);
        const segments = pathSegments(rawPath === "/" ? "" : rawPath);
        const method = (request.method ?? "GET").toUpperCase();
        const candidates = ADMIN_ROUTES.map((route) => ({ route, params: segments && matchTemplate(route.path, segments) })).filter(
            (candidate) => candidate.params !== undefined,
        );
        const found = candidates.find((candidate) => candidate.route.method === method);
        if (!found || !found.params) {
            const error = `No admin endpoint ${method} ${ADMIN_PREFIX}${rawPath}; GET ${ADMIN_PREFIX} lists them`;
            sendJson(response, candidates.length > 0 ? 405 : 404, { error });
            return;
        }
        const body = parseJson(await readBody(request, MAX_ADMIN_BODY_BYTES));
        const answer = found.route.handle(admin, { params: found.params, body });
        sendJson(response, answer.status, answer.body);
    } catch (error) {
        if (error instanceof AdminError) {
            sendJson(response, error.status, { error: error.message });
        } else if (error instanceof SeedError || error instanceof BodyError) {
            sendJson(response, 400, { error: error.message });
        } else {
            sendJson(response, 500, { error: (error as Error).message });
        }
    }
}

function ok(body: unknown): { status: number; body: unknown } {
    return { status: 200, body };
}

function time(date: Date): { now: string } {
    return { now: date.toISOString() };
}

function index(): { endpoints: string[] } {
    return { endpoints: ADMIN_ROUTES.map((route) => `${route.method} ${ADMIN_PREFIX}${route.path}: ${route.summary}`) };
}

/** The body as an object of the expected shape (the admin methods check the fields). */
function object<T>(body: unknown): T {
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
        throw new AdminError(400, "The body must be a JSON object");
    }
    return body as T;
}

function key(call: AdminCall): PackageKey {
    return { org: call.params.org, packageType: call.params.package_type as PackageType, name: call.params.package_name };
}

function image(call: AdminCall): ImageKey {
    return { org: call.params.org, name: call.params.image };
}

function versionId(call: AdminCall): number {
    const id = Number(call.params.version_id);
    if (!Number.isInteger(id)) {
        throw new AdminError(400, "The version id must be a whole number");
    }
    return id;
}
