import { strict as assert } from "node:assert";
import type { Emulator } from "../../../emulator";
import { createClient } from "../../../provider/github/client";
import { resolveClientConfig } from "../../../provider/shared/config";
import { PackageError } from "../../../provider/github/errors";
import { PackageRef } from "../../../provider/shared/types";
import { PackageVersionsApi } from "../../../provider/github/versions";
import { startDemo, TOKENS } from "../../emulator/support";
import { rejection } from "../../support/provider";

const LIST = "packages/get-all-package-versions-for-package-owned-by-org";

function apiFor(emulator: Emulator, token: string = TOKENS.admin): PackageVersionsApi {
    const config = resolveClientConfig(undefined, {
        GITHUB_TOKEN: token,
        GITHUB_API_URL: emulator.url,
        GITHUB_PACKAGES_RETRY_BASE_MS: "5",
        GITHUB_PACKAGES_REQUEST_TIMEOUT_MS: "400",
    });
    return new PackageVersionsApi(createClient(config));
}

const WIDGETS: PackageRef = { org: "acme", packageType: "npm", packageName: "widgets" };
const GATEWAY: PackageRef = { org: "acme", packageType: "container", packageName: "platform/api-gateway" };

describe("provider/github/versions", () => {
    let emulator: Emulator;

    beforeEach(async () => {
        emulator = await startDemo();
    });

    afterEach(() => emulator.close());

    it("lists every page, 100 per page, one request per page", async () => {
        const key = { org: "acme", packageType: "npm" as const, name: "bulk" };
        emulator.admin.publishPackage("acme", { name: "bulk", packageType: "npm", versions: [{ name: "0.0.0" }] });
        for (let i = 1; i < 230; i++) {
            emulator.admin.publishVersion(key, { name: `0.0.${i}` });
        }
        emulator.admin.resetRequests();
        const versions = await apiFor(emulator).list({ org: "acme", packageType: "npm", packageName: "bulk" });
        assert.equal(versions.length, 230);
        assert.equal(new Set(versions.map((v) => v.versionId)).size, 230, "no version twice");
        const log = emulator.admin.requests();
        assert.equal(log.counts[LIST], 3);
        assert.equal(log.total, 3);
        for (const entry of log.entries) {
            assert.match(entry.query, /per_page=100/);
            assert.match(entry.query, /state=active/);
        }
    });

    it("maps GitHub's version object: tags, urls, times, and deletedAt for deleted versions", async () => {
        const api = apiFor(emulator);
        const versions = await api.list(GATEWAY);
        const tagged = versions.find((v) => v.tags.includes("latest"));
        assert.ok(tagged, JSON.stringify(versions));
        assert.deepEqual([...tagged.tags].sort(), ["latest", "v3.2.0"]);
        assert.match(tagged.name, /^sha256:[0-9a-f]{64}$/);
        assert.match(tagged.url, /\/orgs\/acme\/packages\/container\/platform%2Fapi-gateway\/versions\/\d+$/);
        assert.ok(tagged.htmlUrl);
        assert.equal(tagged.deletedAt, null);
        assert.ok(Date.parse(tagged.createdAt) <= Date.parse(tagged.updatedAt));
        assert.deepEqual(await api.get({ ...GATEWAY, versionId: tagged.versionId }), tagged);

        const npm = await api.list(WIDGETS);
        assert.ok(npm.every((v) => v.tags.length === 0));
        const old = versions.find((v) => v.versionId !== tagged.versionId)!;
        assert.equal(await api.delete({ ...GATEWAY, versionId: old.versionId }), "deleted");
        const deleted = await api.list(GATEWAY, "deleted");
        assert.deepEqual(deleted.map((v) => v.versionId), [old.versionId]);
        assert.equal(typeof deleted[0].deletedAt, "string");
        assert.equal(deleted[0].htmlUrl, null);
        assert.deepEqual((await api.list(GATEWAY)).map((v) => v.versionId), [tagged.versionId]);
    });

    it("lists deleted versions with a read:packages token", async () => {
        const [victim] = await apiFor(emulator).list({ org: "acme", packageType: "npm", packageName: "internal-utils" });
        await apiFor(emulator).delete({ org: "acme", packageType: "npm", packageName: "internal-utils", versionId: victim.versionId });
        const deleted = await apiFor(emulator, TOKENS.readonly).list({ org: "acme", packageType: "npm", packageName: "internal-utils" }, "deleted");
        assert.deepEqual(deleted.map((v) => v.versionId), [victim.versionId]);
    });

    it("gets undefined for a missing version, and fails listing a missing package with the fix", async () => {
        const api = apiFor(emulator);
        assert.equal(await api.get({ ...WIDGETS, versionId: 999_999 }), undefined);
        const error = await rejection(api.list({ org: "acme", packageType: "npm", packageName: "acme/widgets" }));
        assert.ok(error instanceof PackageError);
        assert.equal(error.status, 404);
        assert.match(error.message, /without an owner or repository prefix/);
    });

    it("deletes once, then reports the version missing", async () => {
        const api = apiFor(emulator);
        emulator.admin.publishVersion({ org: "acme", packageType: "npm", name: "internal-utils" }, { name: "2.5.0" });
        const [first] = await api.list({ org: "acme", packageType: "npm", packageName: "internal-utils" });
        const ref = { org: "acme", packageType: "npm" as const, packageName: "internal-utils", versionId: first.versionId };
        assert.equal(await api.delete(ref), "deleted");
        assert.equal(await api.get(ref), undefined);
        assert.equal(await api.delete(ref), "missing");
    });

    it("explains GitHub's refusal to delete the last version, or reports it", async () => {
        const api = apiFor(emulator);
        const ref = { org: "acme", packageType: "container" as const, packageName: "tools/ci-runner" };
        const [only] = await api.list(ref);
        const error = await rejection(api.delete({ ...ref, versionId: only.versionId }));
        assert.ok(error instanceof PackageError);
        assert.equal(error.status, 400);
        assert.match(error.message, new RegExp(`version ${only.versionId} of package acme/container/tools/ci-runner: it is the package's last version`));
        assert.match(error.message, /delete the whole package instead/);
        assert.match(error.message, /\[DELETE \/orgs\/acme\/packages\/container\/tools%2Fci-runner\/versions\/\d+\]$/);
        assert.equal(await api.delete({ ...ref, versionId: only.versionId }, "report"), "last-version");
        assert.equal((await api.list(ref)).length, 1, "nothing was deleted");
    });

    it("explains the 5,000-downloads refusal, or reports it", async () => {
        const api = apiFor(emulator);
        const popular = (await api.list(WIDGETS)).find((v) => v.name === "1.0.0")!;
        const error = await rejection(api.delete({ ...WIDGETS, versionId: popular.versionId }));
        assert.ok(error instanceof PackageError);
        assert.match(error.message, /version \d+ of package acme\/npm\/widgets: it is public and has more than 5,000 downloads/);
        assert.match(error.message, /protect\.versionIds/);
        assert.equal(await api.delete({ ...WIDGETS, versionId: popular.versionId }, "report"), "undeletable");
    });

    it("names the version and the scopes when the token may not delete", async () => {
        const [version] = await apiFor(emulator).list(WIDGETS);
        const error = await rejection(apiFor(emulator, TOKENS.readonly).delete({ ...WIDGETS, versionId: version.versionId }));
        assert.ok(error instanceof PackageError);
        assert.equal(error.status, 403);
        assert.match(error.message, new RegExp(`version ${version.versionId} of package acme/npm/widgets`));
        assert.match(error.message, /read:packages, delete:packages/);
    });

    it("restores within 30 days, and explains the window after", async () => {
        const api = apiFor(emulator);
        const ref = { org: "acme", packageType: "npm" as const, packageName: "internal-utils" };
        const [first] = await api.list(ref);
        const versionRef = { ...ref, versionId: first.versionId };
        await api.delete(versionRef);
        await api.restore(versionRef);
        assert.equal((await api.get(versionRef))?.name, first.name);
        await api.delete(versionRef);
        emulator.admin.advance("31d");
        const error = await rejection(api.restore(versionRef));
        assert.ok(error instanceof PackageError);
        assert.equal(error.status, 404);
        assert.match(error.message, /within 30 days of its deletion/);
        assert.match(error.message, /POST \/orgs\/acme\/packages\/npm\/internal-utils\/versions\/\d+\/restore/);
    });

    it("retries 5xx a bounded number of times, then fails naming the request", async () => {
        emulator.admin.addFault({ kind: "error", status: 503 });
        const error = await rejection(apiFor(emulator).list(WIDGETS));
        assert.ok(error instanceof PackageError);
        assert.equal(error.status, 503);
        assert.equal(error.request, "GET /orgs/acme/packages/npm/widgets/versions");
        assert.equal(emulator.admin.requests().total, 4, "one try and three retries");
    });
});
