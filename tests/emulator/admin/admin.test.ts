import { strict as assert } from "node:assert";
import { AdminError, Emulator, PackageKey, SeedError } from "../../../emulator";
import { Package, TOKENS, call, startDemo } from "../support";

const admin = { token: TOKENS.admin };
const utils: PackageKey = { org: "acme", packageType: "npm", name: "internal-utils" };

describe("emulator/admin/admin", () => {
    let emulator: Emulator;
    beforeEach(async () => {
        emulator = await startDemo();
    });
    afterEach(() => emulator.close());

    it("publishes a package that the API then serves", async () => {
        const published = emulator.admin.publishPackage("acme", {
            name: "tools/new-image",
            packageType: "container",
            visibility: "public",
            versions: [{ tags: ["latest"], downloads: 3 }],
        });
        assert.equal(published.versions?.length, 1);
        const answer = await call<Package>(emulator, "GET", "/orgs/acme/packages/container/tools%2Fnew-image", admin);
        assert.equal(answer.status, 200);
        assert.equal(answer.body.id, published.id);
        assert.equal(answer.body.visibility, "public");
        assert.equal(answer.body.version_count, 1);
    });

    it("publishes versions, which update the package", async () => {
        const before = (await call<Package>(emulator, "GET", "/orgs/acme/packages/npm/internal-utils", admin)).body;
        emulator.admin.advance("1h");
        const version = emulator.admin.publishVersion(utils, { name: "3.0.0", downloads: 6000 });
        const after = (await call<Package>(emulator, "GET", "/orgs/acme/packages/npm/internal-utils", admin)).body;
        assert.equal(after.version_count, before.version_count + 1);
        assert.notEqual(after.updated_at, before.updated_at);
        assert.equal(version.downloads, 6000);
    });

    it("flips visibility behind the provider's back", async () => {
        emulator.admin.setVisibility(utils, "public");
        assert.equal((await call<Package>(emulator, "GET", "/orgs/acme/packages/npm/internal-utils", admin)).body.visibility, "public");
    });

    it("links and unlinks a package's repository behind the provider's back", async () => {
        emulator.admin.setRepository(utils, "tools");
        const linked = (await call<Package>(emulator, "GET", "/orgs/acme/packages/npm/internal-utils", admin)).body;
        assert.equal(linked.repository?.full_name, "acme/tools");
        emulator.admin.setRepository(utils, null);
        const unlinked = (await call<Package>(emulator, "GET", "/orgs/acme/packages/npm/internal-utils", admin)).body;
        assert.equal(unlinked.repository ?? null, null);
        assert.throws(() => emulator.admin.setRepository(utils, ""), /non-empty string/);
    });

    it("deletes behind the provider's back, ignoring the download rule, and the API can restore it", async () => {
        const deleted = emulator.admin.deletePackage({ org: "acme", packageType: "npm", name: "widgets" });
        assert.ok(deleted.deletedAt);
        assert.ok(deleted.restoreToken);
        assert.equal((await call(emulator, "GET", "/orgs/acme/packages/npm/widgets", admin)).status, 404);
        assert.equal((await call(emulator, "POST", `/orgs/acme/packages/npm/widgets/restore?token=${deleted.restoreToken}`, admin)).status, 204);
    });

    it("deletes versions and sets download counts", async () => {
        const [version] = emulator.admin.snapshot().orgs[0].packages?.find((p) => p.name === "internal-utils")?.versions ?? [];
        assert.equal(emulator.admin.setDownloads(utils, version.id ?? 0, 9999).downloads, 9999);
        assert.ok(emulator.admin.deleteVersion(utils, version.id ?? 0).deletedAt);
    });

    it("says what is wrong with AdminError statuses", () => {
        const status = (action: () => unknown): number | undefined => {
            try {
                action();
            } catch (error) {
                return error instanceof AdminError ? error.status : undefined;
            }
            return undefined;
        };
        assert.equal(status(() => emulator.admin.publishPackage("initech", { name: "x", packageType: "npm" })), 404);
        assert.equal(status(() => emulator.admin.publishPackage("acme", { name: "widgets", packageType: "npm" })), 409);
        assert.equal(status(() => emulator.admin.publishPackage("acme", { name: "", packageType: "npm" })), 400);
        assert.equal(status(() => emulator.admin.publishVersion({ ...utils, name: "nope" })), 404);
        assert.equal(status(() => emulator.admin.setDownloads(utils, 1, 5)), 404);
        assert.equal(status(() => emulator.admin.setDownloads(utils, 1, -5)), 400);
        assert.equal(status(() => emulator.admin.rateLimit("ghp_unknown")), 404);
        assert.equal(status(() => emulator.admin.advance("later")), 400);
        assert.equal(status(() => emulator.admin.publishPackage("acme", { name: "x", packageType: "docker", visibility: "internal" })), 400);
        assert.equal(status(() => emulator.admin.setVisibility({ org: "acme", packageType: "maven", name: "com.acme.billing" }, "internal")), 400);
        assert.throws(() => emulator.admin.loadSeed({ orgs: "none" } as never), SeedError);
    });

    it("replaces the state with a new seed", async () => {
        emulator.admin.loadSeed({ orgs: [{ login: "solo" }], tokens: [{ token: "ghp_solo", scopes: ["read:packages"] }] });
        assert.equal((await call(emulator, "GET", "/orgs/acme/packages?package_type=npm", admin)).status, 401);
        const answer = await call<Package[]>(emulator, "GET", "/orgs/solo/packages?package_type=npm", { token: "ghp_solo" });
        assert.deepEqual(answer.body, []);
    });

    it("resets everything to a fresh start", async () => {
        await call(emulator, "DELETE", "/orgs/acme/packages/npm/internal-utils", admin);
        emulator.admin.addFault({ kind: "error" });
        emulator.admin.advance("5d");
        emulator.admin.reset();
        assert.deepEqual(emulator.admin.faults(), []);
        assert.equal(emulator.admin.requests().total, 0);
        assert.equal(emulator.admin.rateLimit(TOKENS.admin).used, 0);
        assert.equal((await call(emulator, "GET", "/orgs/acme/packages/npm/internal-utils", admin)).status, 200);
    });
});
