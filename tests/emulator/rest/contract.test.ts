/**
 * Contract tests: every answer the emulator gives for the package operations is checked
 * against GitHub's own OpenAPI description (@octokit/openapi, dereferenced): the status must
 * be one the operation declares, and the body must match that response's schema, with no
 * properties the schema does not name.
 *
 * GitHub answers some statuses its description leaves out. Those are allowed only as listed
 * in UNDECLARED, each with the reason, and their bodies must still be GitHub's `basic-error`.
 */
import Ajv, { ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { Emulator, ROUTES } from "../../../emulator";
import { Answer, TOKENS, call, startDemo } from "../support";

interface OpenApiResponse {
    content?: { "application/json"?: { schema: Schema } };
}
interface OpenApiOperation {
    operationId: string;
    externalDocs?: { url: string };
    responses: Record<string, OpenApiResponse>;
}
type Schema = { [key: string]: unknown };

/** Statuses GitHub answers that the description does not declare for the operation, and why. */
const UNDECLARED: { status: number | "5xx"; operations: "all" | string[]; reason: string }[] = [
    { status: 304, operations: "all", reason: "conditional GET (If-None-Match); no body" },
    { status: 401, operations: "all", reason: "generic: missing or bad credentials; the two get operations omit it" },
    { status: 403, operations: "all", reason: "generic: missing scope, primary or secondary rate limit; the two get operations omit it" },
    { status: 429, operations: "all", reason: "generic: GitHub may answer rate limits with 429 instead of 403" },
    { status: "5xx", operations: "all", reason: "generic: server errors (fault injection)" },
    {
        status: 404,
        operations: ["packages/list-packages-for-organization", "packages/get-package-for-organization", "packages/get-package-version-for-organization"],
        reason: 'unknown (or invisible) organization, and "Package not found." / "Package version not found."; these declare no 404',
    },
    {
        status: 400,
        operations: ["packages/delete-package-for-org", "packages/delete-package-version-for-org"],
        reason: "the 5,000-downloads refusal and the last-version refusal are 400s on GitHub",
    },
    { status: 409, operations: ["packages/restore-package-for-org"], reason: "namespace reused by a new package, or several deleted packages match" },
    { status: 422, operations: "all", reason: "invalid package_type, visibility or state parameter" },
];

describe("emulator/rest/contract: answers match GitHub's OpenAPI description", function () {
    this.timeout(30_000);
    const operations = new Map<string, { method: string; path: string; operation: OpenApiOperation }>();
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addFormat("int64", true);
    const validators = new Map<string, ValidateFunction>();
    let basicError: ValidateFunction;
    const covered = new Set<string>();

    before(() => {
        const spec = JSON.parse(readFileSync(require.resolve("@octokit/openapi/generated/api.github.com.deref.json"), "utf8")) as {
            paths: Record<string, Record<string, OpenApiOperation>>;
        };
        for (const [path, methods] of Object.entries(spec.paths)) {
            if (!path.startsWith("/orgs/{org}/packages")) {
                continue;
            }
            for (const [method, operation] of Object.entries(methods)) {
                operations.set(operation.operationId, { method: method.toUpperCase(), path, operation });
            }
        }
        const notFound = operations.get("packages/delete-package-for-org")?.operation.responses["404"].content?.["application/json"]?.schema;
        assert.ok(notFound, "basic-error schema");
        basicError = ajv.compile(closed(notFound));
    });

    /** Checks one answer of `operationId` against the description. */
    function expectContract(operationId: string, answer: Answer<unknown>): void {
        const entry = operations.get(operationId);
        assert.ok(entry, `${operationId} is in the description`);
        const status = String(answer.status);
        covered.add(`${operationId} ${status}`);
        const declared = entry.operation.responses[status];
        if (!declared) {
            const allowed = UNDECLARED.find(
                (rule) =>
                    (rule.status === answer.status || (rule.status === "5xx" && answer.status >= 500)) &&
                    (rule.operations === "all" || rule.operations.includes(operationId)),
            );
            assert.ok(allowed, `${operationId} does not declare ${status} and no documented exception allows it`);
            if (answer.status === 304) {
                assert.equal(answer.text, "");
            } else {
                assert.ok(basicError(answer.body), `${operationId} ${status}: ${ajv.errorsText(basicError.errors)}`);
            }
            return;
        }
        const schema = declared.content?.["application/json"]?.schema;
        if (!schema) {
            // A declared response without a schema: 204s have no body; error statuses (the list's
            // 400) carry GitHub's usual basic-error body, which the description does not spell out.
            if (answer.status < 400) {
                assert.equal(answer.text, "", `${operationId} ${status} has no body`);
            } else {
                assert.ok(basicError(answer.body), `${operationId} ${status}: ${ajv.errorsText(basicError.errors)}`);
            }
            return;
        }
        assert.match(answer.headers.get("content-type") ?? "", /^application\/json/);
        const key = `${operationId} ${status}`;
        let validate = validators.get(key);
        if (!validate) {
            validate = ajv.compile(closed(schema));
            validators.set(key, validate);
        }
        assert.ok(validate(answer.body), `${key}: ${ajv.errorsText(validate.errors)}`);
    }

    it("serves each operation at the method and path the description gives, with its documentation link", () => {
        for (const route of ROUTES) {
            const entry = operations.get(route.operation);
            assert.ok(entry, route.operation);
            assert.equal(entry.method, route.method, route.operation);
            assert.equal(entry.path, route.path, route.operation);
            assert.equal(entry.operation.externalDocs?.url, route.documentationUrl, route.operation);
        }
        assert.equal(ROUTES.length, operations.size, "every organization package operation is served");
    });

    describe("answers", () => {
        let emulator: Emulator;
        beforeEach(async () => {
            emulator = await startDemo();
        });
        afterEach(() => emulator.close());

        const admin = { token: TOKENS.admin };
        const LIST = "packages/list-packages-for-organization";
        const GET = "packages/get-package-for-organization";
        const DELETE = "packages/delete-package-for-org";
        const RESTORE = "packages/restore-package-for-org";
        const VERSIONS = "packages/get-all-package-versions-for-package-owned-by-org";
        const VERSION = "packages/get-package-version-for-organization";
        const DELETE_VERSION = "packages/delete-package-version-for-org";
        const RESTORE_VERSION = "packages/restore-package-version-for-org";
        const utils = "/orgs/acme/packages/npm/internal-utils";
        const versionId = (emu: Emulator, name: string, index = 0): number =>
            emu.admin.snapshot().orgs[0].packages?.find((p) => p.name === name && !p.deletedAt)?.versions?.[index].id ?? 0;

        it("list packages: 200 for every registry, 400, 401, 403, 404, 422", async () => {
            for (const type of ["npm", "maven", "rubygems", "docker", "nuget", "container"]) {
                expectContract(LIST, await call(emulator, "GET", `/orgs/acme/packages?package_type=${type}`, admin));
            }
            expectContract(LIST, await call(emulator, "GET", "/orgs/globex/packages?package_type=npm", { token: TOKENS.globexOnly }));
            expectContract(LIST, await call(emulator, "GET", "/orgs/acme/packages?package_type=npm&per_page=100&page=200", admin));
            expectContract(LIST, await call(emulator, "GET", "/orgs/acme/packages?package_type=npm"));
            expectContract(LIST, await call(emulator, "GET", "/orgs/acme/packages?package_type=npm", { token: "ghp_wrong" }));
            expectContract(LIST, await call(emulator, "GET", "/orgs/nobody/packages?package_type=npm", admin));
            expectContract(LIST, await call(emulator, "GET", "/orgs/acme/packages?package_type=pypi", admin));
            emulator.admin.setRateLimit(TOKENS.readonly, { remaining: 0 });
            expectContract(LIST, await call(emulator, "GET", "/orgs/acme/packages?package_type=npm", { token: TOKENS.readonly }));
        });

        it("get package: 200 with and without a repository, 304, 401, 403, 404", async () => {
            const answer = await call(emulator, "GET", utils, admin);
            expectContract(GET, answer);
            expectContract(GET, await call(emulator, "GET", "/orgs/acme/packages/container/tools%2Fci-runner", admin));
            expectContract(GET, await call(emulator, "GET", utils, { ...admin, headers: { "if-none-match": answer.headers.get("etag") ?? "" } }));
            expectContract(GET, await call(emulator, "GET", utils));
            expectContract(GET, await call(emulator, "GET", "/orgs/acme/packages/npm/nope", admin));
            emulator.admin.loadSeed({ ...emulator.admin.snapshot(), tokens: [{ token: "ghp_none", scopes: [] }] });
            expectContract(GET, await call(emulator, "GET", utils, { token: "ghp_none" }));
        });

        it("delete package: 204, 400, 401, 403, 404", async () => {
            expectContract(DELETE, await call(emulator, "DELETE", utils, admin));
            expectContract(DELETE, await call(emulator, "DELETE", utils, admin));
            expectContract(DELETE, await call(emulator, "DELETE", "/orgs/acme/packages/npm/widgets", admin));
            expectContract(DELETE, await call(emulator, "DELETE", "/orgs/acme/packages/npm/widgets", { token: TOKENS.readonly }));
            expectContract(DELETE, await call(emulator, "DELETE", "/orgs/acme/packages/npm/widgets"));
        });

        it("restore package: 204, 401, 403, 404, 409", async () => {
            expectContract(RESTORE, await call(emulator, "POST", "/orgs/acme/packages/npm/old-dashboard/restore", admin));
            expectContract(RESTORE, await call(emulator, "POST", "/orgs/acme/packages/npm/old-dashboard/restore", admin));
            expectContract(RESTORE, await call(emulator, "POST", "/orgs/acme/packages/maven/com.acme.legacy-auth/restore", admin));
            expectContract(RESTORE, await call(emulator, "POST", "/orgs/acme/packages/maven/com.acme.legacy-auth/restore", { token: TOKENS.readonly }));
            expectContract(RESTORE, await call(emulator, "POST", "/orgs/acme/packages/maven/com.acme.legacy-auth/restore"));
        });

        it("list versions: 200 (active, deleted, container and docker metadata), 401, 403, 404, 422", async () => {
            expectContract(VERSIONS, await call(emulator, "GET", `${utils}/versions`, admin));
            expectContract(VERSIONS, await call(emulator, "GET", "/orgs/acme/packages/container/platform%2Fapi-gateway/versions", admin));
            expectContract(VERSIONS, await call(emulator, "GET", "/orgs/acme/packages/docker/legacy-service/versions", admin));
            emulator.admin.deleteVersion({ org: "acme", packageType: "npm", name: "internal-utils" }, versionId(emulator, "internal-utils"));
            expectContract(VERSIONS, await call(emulator, "GET", `${utils}/versions?state=deleted`, admin));
            expectContract(VERSIONS, await call(emulator, "GET", `${utils}/versions?state=deleted`, { token: TOKENS.readonly }));
            expectContract(VERSIONS, await call(emulator, "GET", `${utils}/versions`));
            expectContract(VERSIONS, await call(emulator, "GET", "/orgs/acme/packages/npm/nope/versions", admin));
            expectContract(VERSIONS, await call(emulator, "GET", `${utils}/versions?state=all`, admin));
        });

        it("get version: 200, 304, 404", async () => {
            const id = versionId(emulator, "platform/api-gateway");
            const path = `/orgs/acme/packages/container/platform%2Fapi-gateway/versions/${id}`;
            const answer = await call(emulator, "GET", path, admin);
            expectContract(VERSION, answer);
            expectContract(VERSION, await call(emulator, "GET", path, { ...admin, headers: { "if-none-match": answer.headers.get("etag") ?? "" } }));
            expectContract(VERSION, await call(emulator, "GET", `${utils}/versions/1`, admin));
        });

        it("delete version: 204, 400, 401, 403, 404", async () => {
            expectContract(DELETE_VERSION, await call(emulator, "DELETE", `${utils}/versions/${versionId(emulator, "internal-utils")}`, admin));
            expectContract(DELETE_VERSION, await call(emulator, "DELETE", `${utils}/versions/${versionId(emulator, "internal-utils", 1)}`, admin));
            expectContract(DELETE_VERSION, await call(emulator, "DELETE", `/orgs/acme/packages/npm/nope/versions/1`, admin));
            expectContract(DELETE_VERSION, await call(emulator, "DELETE", `${utils}/versions/1`, { token: TOKENS.readonly }));
            expectContract(DELETE_VERSION, await call(emulator, "DELETE", `${utils}/versions/1`));
        });

        it("restore version: 204, 401, 403, 404", async () => {
            const id = versionId(emulator, "internal-utils");
            expectContract(DELETE_VERSION, await call(emulator, "DELETE", `${utils}/versions/${id}`, admin));
            expectContract(RESTORE_VERSION, await call(emulator, "POST", `${utils}/versions/${id}/restore`, admin));
            expectContract(RESTORE_VERSION, await call(emulator, "POST", `${utils}/versions/1/restore`, admin));
            expectContract(RESTORE_VERSION, await call(emulator, "POST", `${utils}/versions/${id}/restore`, { token: TOKENS.readonly }));
            expectContract(RESTORE_VERSION, await call(emulator, "POST", `${utils}/versions/${id}/restore`));
        });

        it("token kinds: installation token (400 on the list, 403 by integration), fine-grained 403, SAML SSO 403", async () => {
            const { token } = emulator.admin.issueInstallationToken({ repository: "acme/platform" });
            const gateway = "/orgs/acme/packages/container/platform%2Fapi-gateway";
            expectContract(LIST, await call(emulator, "GET", "/orgs/acme/packages?package_type=container", { token }));
            expectContract(GET, await call(emulator, "GET", gateway, { token }));
            expectContract(VERSIONS, await call(emulator, "GET", `${gateway}/versions`, { token }));
            expectContract(GET, await call(emulator, "GET", utils, { token }));
            expectContract(DELETE, await call(emulator, "DELETE", utils, { token }));
            expectContract(RESTORE, await call(emulator, "POST", "/orgs/acme/packages/npm/old-dashboard/restore", { token }));
            expectContract(DELETE_VERSION, await call(emulator, "DELETE", `${utils}/versions/1`, { token }));
            emulator.admin.addToken({ token: "github_pat_11AAAA_fine", scopes: [] });
            expectContract(LIST, await call(emulator, "GET", "/orgs/acme/packages?package_type=npm", { token: "github_pat_11AAAA_fine" }));
            expectContract(DELETE, await call(emulator, "DELETE", utils, { token: "github_pat_11AAAA_fine" }));
            emulator.admin.setSamlSso("acme", true);
            const sso = await call(emulator, "GET", utils, admin);
            assert.ok(sso.headers.get("x-github-sso"));
            expectContract(GET, sso);
            expectContract(LIST, await call(emulator, "GET", "/orgs/acme/packages?package_type=npm", admin));
            expectContract(RESTORE_VERSION, await call(emulator, "POST", `${utils}/versions/1/restore`, admin));
        });

        it("faults: 5xx and secondary rate limits", async () => {
            emulator.admin.addFault({ kind: "error", status: 502, nth: 1 });
            expectContract(GET, await call(emulator, "GET", utils, admin));
            emulator.admin.addFault({ kind: "secondary-rate-limit", nth: 1 });
            expectContract(LIST, await call(emulator, "GET", "/orgs/acme/packages?package_type=npm", admin));
            emulator.admin.addFault({ kind: "secondary-rate-limit", status: 429, nth: 1 });
            expectContract(DELETE, await call(emulator, "DELETE", utils, admin));
        });

        after(() => {
            for (const route of ROUTES) {
                const success = route.method === "GET" ? "200" : "204";
                assert.ok(covered.has(`${route.operation} ${success}`), `${route.operation} ${success} was checked`);
            }
        });
    });
});

describe("emulator/rest/contract: /api/v3 answers match GitHub Enterprise Server's OpenAPI description", function () {
    this.timeout(30_000);
    const GHES = "@octokit/openapi/generated/ghes-3.19.deref.json";
    let emulator: Emulator;
    let spec: { paths: Record<string, Record<string, OpenApiOperation>> };
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addFormat("int64", true);

    before(async () => {
        spec = JSON.parse(readFileSync(require.resolve(GHES), "utf8")) as typeof spec;
        emulator = await startDemo({ enterpriseOnly: true });
    });
    after(() => emulator.close());

    function check(path: string, method: string, answer: Answer<unknown>): void {
        const operation = spec.paths[path]?.[method.toLowerCase()];
        assert.ok(operation, `${method} ${path} is in ${GHES}`);
        const declared = operation.responses[String(answer.status)];
        assert.ok(declared, `${operation.operationId} declares ${answer.status}`);
        const schema = declared.content?.["application/json"]?.schema;
        if (!schema) {
            assert.equal(answer.text, "");
            return;
        }
        const validate = ajv.compile(closed(schema));
        assert.ok(validate(answer.body), `${operation.operationId}: ${ajv.errorsText(validate.errors)}`);
    }

    it("serves each organization package operation under /api/v3 as GHES describes it", async () => {
        const admin = { token: TOKENS.admin };
        const base = "/api/v3/orgs/acme/packages";
        check("/orgs/{org}/packages", "GET", await call(emulator, "GET", `${base}?package_type=container`, admin));
        const gateway = `${base}/container/platform%2Fapi-gateway`;
        check("/orgs/{org}/packages/{package_type}/{package_name}", "GET", await call(emulator, "GET", gateway, admin));
        const versions = await call<{ id: number }[]>(emulator, "GET", `${gateway}/versions`, admin);
        check("/orgs/{org}/packages/{package_type}/{package_name}/versions", "GET", versions);
        const version = `${gateway}/versions/${versions.body[1].id}`;
        check("/orgs/{org}/packages/{package_type}/{package_name}/versions/{package_version_id}", "GET", await call(emulator, "GET", version, admin));
        check("/orgs/{org}/packages/{package_type}/{package_name}/versions/{package_version_id}", "DELETE", await call(emulator, "DELETE", version, admin));
        check("/orgs/{org}/packages/{package_type}/{package_name}/versions/{package_version_id}/restore", "POST", await call(emulator, "POST", `${version}/restore`, admin));
        const runner = `${base}/container/tools%2Fci-runner`;
        check("/orgs/{org}/packages/{package_type}/{package_name}", "DELETE", await call(emulator, "DELETE", runner, admin));
        check("/orgs/{org}/packages/{package_type}/{package_name}/restore", "POST", await call(emulator, "POST", `${runner}/restore`, admin));
    });
});

/**
 * A copy of `schema` where objects with named properties allow no others, so extra fields
 * fail. Required names count as named: the description's docker metadata names `tag` but
 * requires `tags` (GitHub sends `tags`).
 */
function closed(schema: Schema): Schema {
    const copy: Schema = {};
    for (const [key, value] of Object.entries(schema)) {
        if (key === "properties" && value && typeof value === "object") {
            copy.properties = Object.fromEntries(Object.entries(value as Record<string, Schema>).map(([name, sub]) => [name, closed(sub)]));
        } else if (key === "items" && value && typeof value === "object") {
            copy.items = closed(value as Schema);
        } else {
            copy[key] = value;
        }
    }
    if (copy.properties && copy.additionalProperties === undefined) {
        const named = copy.properties as Record<string, Schema>;
        for (const name of (copy.required as string[] | undefined) ?? []) {
            named[name] ??= {};
        }
        copy.additionalProperties = false;
    }
    return copy;
}
