import { strict as assert } from "node:assert";
import { ownerJson, packageJson, packagePath, versionJson } from "../../../emulator/rest/representations";
import { OrgRecord, PackageRecord } from "../../../emulator";

const org: OrgRecord = { login: "acme", id: 9919, repositories: new Map([["platform", { id: 7, name: "platform", private: true, description: null }]]), samlSso: false };
const pkg: PackageRecord = {
    id: 1,
    org: "acme",
    name: "platform/api-gateway",
    packageType: "container",
    visibility: "private",
    repository: "platform",
    createdAt: Date.parse("2025-01-01T00:00:00.250Z"),
    updatedAt: Date.parse("2025-01-02T00:00:00Z"),
    deletedAt: undefined,
    restoreToken: undefined,
    actionsAccess: new Map(),
    versions: [
        { id: 11, name: "sha256:aa", downloads: 0, tags: ["latest"], license: "MIT", description: undefined, createdAt: 0, updatedAt: 0, deletedAt: undefined },
        { id: 12, name: "sha256:bb", downloads: 0, tags: [], license: undefined, description: undefined, createdAt: 0, updatedAt: 0, deletedAt: 5000 },
    ],
};

describe("emulator/rest/representations", () => {
    it("encodes names in API paths and page URLs", () => {
        assert.equal(packagePath("acme", pkg), "/orgs/acme/packages/container/platform%2Fapi-gateway");
        const json = packageJson(org, pkg, "http://127.0.0.1:1");
        assert.equal(json.url, "http://127.0.0.1:1/orgs/acme/packages/container/platform%2Fapi-gateway");
        assert.equal(json.html_url, "https://github.com/orgs/acme/packages/container/package/platform%2Fapi-gateway");
        assert.equal(json.version_count, 1);
        assert.equal(json.created_at, "2025-01-01T00:00:00Z");
        assert.equal((json.repository as { full_name: string }).full_name, "acme/platform");
    });

    it("writes the organization as GitHub's legacy node id and API URLs on the base URL", () => {
        const owner = ownerJson(org, "http://127.0.0.1:1");
        assert.equal(owner.node_id, "MDEyOk9yZ2FuaXphdGlvbjk5MTk=", "the node id GitHub's own example gives org 9919");
        assert.equal(owner.url, "http://127.0.0.1:1/users/acme");
        assert.equal(owner.type, "Organization");
    });

    it("gives deleted versions deleted_at and no html_url", () => {
        const [active, deleted] = pkg.versions.map((version) => versionJson(org, pkg, version, "http://b"));
        assert.equal(active.html_url, "https://github.com/orgs/acme/packages/container/platform%2Fapi-gateway/11");
        assert.deepEqual(active.metadata, { package_type: "container", container: { tags: ["latest"] } });
        assert.equal(active.license, "MIT");
        assert.equal("html_url" in deleted, false);
        assert.equal(deleted.deleted_at, "1970-01-01T00:00:05Z");
    });
});
