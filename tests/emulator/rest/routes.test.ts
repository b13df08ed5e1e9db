import { strict as assert } from "node:assert";
import { Emulator, MESSAGES, PackageKey, PackageType, createEmulator } from "../../../emulator";
import { BasicError, NOW, Package, PackageVersion, TOKENS, bigSeed, call, startDemo } from "../support";

const admin = { token: TOKENS.admin };
const acme = (packageType: PackageType, name: string): PackageKey => ({ org: "acme", packageType, name });

describe("emulator/rest/routes", () => {
    let emulator: Emulator;
    beforeEach(async () => {
        emulator = await startDemo();
    });
    afterEach(() => emulator.close());

    describe("GET /orgs/{org}/packages", () => {
        it("lists the active packages of one registry, oldest first", async () => {
            const answer = await call<Package[]>(emulator, "GET", "/orgs/acme/packages?package_type=npm", admin);
            assert.equal(answer.status, 200);
            assert.deepEqual(
                answer.body.map((pkg) => pkg.name),
                ["widgets", "internal-utils"],
            );
            assert.equal(answer.headers.get("link"), null, "one page needs no Link header");
        });

        it("filters by visibility; internal is its own visibility in granular registries and means private in maven and docker", async () => {
            const names = async (type: string, visibility: string): Promise<string[]> =>
                (await call<Package[]>(emulator, "GET", `/orgs/acme/packages?package_type=${type}&visibility=${visibility}`, admin)).body.map((p) => p.name);
            assert.deepEqual(await names("npm", "public"), ["widgets"]);
            assert.deepEqual(await names("npm", "private"), ["internal-utils"]);
            assert.deepEqual(await names("npm", "internal"), [], "the demo seed has no internal npm package");
            emulator.admin.publishPackage("acme", { name: "enterprise-kit", packageType: "npm", visibility: "internal" });
            assert.deepEqual(await names("npm", "internal"), ["enterprise-kit"]);
            assert.deepEqual(await names("npm", "private"), ["internal-utils"], "an internal package is not private");
            for (const type of ["maven", "docker"]) {
                assert.deepEqual(await names(type, "internal"), await names(type, "private"), type);
                assert.ok((await names(type, "internal")).length > 0, type);
            }
        });

        it("rejects a missing or unknown package_type and an unknown visibility with 422", async () => {
            const missing = await call<BasicError>(emulator, "GET", "/orgs/acme/packages", admin);
            assert.equal(missing.status, 422);
            assert.equal(missing.body.message, MESSAGES.packageTypeRequired);
            assert.equal((await call(emulator, "GET", "/orgs/acme/packages?package_type=pypi", admin)).status, 422);
            const visibility = await call<BasicError>(emulator, "GET", "/orgs/acme/packages?package_type=npm&visibility=secret", admin);
            assert.equal(visibility.status, 422);
            assert.equal(visibility.body.message, MESSAGES.visibilityInvalid);
        });

        describe("pagination", () => {
            let big: Emulator;
            before(async () => {
                big = await createEmulator({ seed: bigSeed(250), now: NOW });
            });
            after(() => big.close());

            it("pages by 30 by default, with next and last links on the emulator's own URL", async () => {
                const answer = await call<Package[]>(big, "GET", "/orgs/big/packages?package_type=npm", { token: "t" });
                assert.equal(answer.body.length, 30);
                assert.equal(answer.body[0].name, "pkg-000");
                assert.equal(
                    answer.headers.get("link"),
                    `<${big.url}/orgs/big/packages?package_type=npm&page=2>; rel="next", <${big.url}/orgs/big/packages?package_type=npm&page=9>; rel="last"`,
                );
            });

            it("gives the last page prev and first links and no next", async () => {
                const answer = await call<Package[]>(big, "GET", "/orgs/big/packages?package_type=npm&page=9", { token: "t" });
                assert.equal(answer.body.length, 250 - 8 * 30);
                assert.equal(answer.body.at(-1)?.name, "pkg-249");
                const link = answer.headers.get("link") ?? "";
                assert.match(link, /page=8>; rel="prev"/);
                assert.match(link, /page=1>; rel="first"/);
                assert.doesNotMatch(link, /rel="next"/);
            });

            it("caps per_page at 100", async () => {
                const answer = await call<Package[]>(big, "GET", "/orgs/big/packages?package_type=npm&per_page=500", { token: "t" });
                assert.equal(answer.body.length, 100);
                assert.match(answer.headers.get("link") ?? "", /per_page=100&page=3>; rel="last"/);
            });

            it("filters before paging", async () => {
                const answer = await call<Package[]>(big, "GET", "/orgs/big/packages?package_type=npm&visibility=public&per_page=100", { token: "t" });
                assert.equal(answer.body.length, 84);
                assert.ok(answer.body.every((pkg) => pkg.visibility === "public"));
            });

            it("refuses per_page times page over 10000 with 400", async () => {
                const answer = await call<BasicError>(big, "GET", "/orgs/big/packages?package_type=npm&per_page=100&page=101", { token: "t" });
                assert.equal(answer.status, 400);
                assert.equal(answer.body.message, MESSAGES.listWindow);
            });
        });
    });

    describe("GET /orgs/{org}/packages/{package_type}/{package_name}", () => {
        it("decodes %2F in names and writes it back in url and html_url", async () => {
            const answer = await call<Package>(emulator, "GET", "/orgs/acme/packages/container/platform%2Fapi-gateway", admin);
            assert.equal(answer.status, 200);
            assert.equal(answer.body.name, "platform/api-gateway");
            assert.equal(answer.body.url, `${emulator.url}/orgs/acme/packages/container/platform%2Fapi-gateway`);
            assert.equal(answer.body.html_url, "https://github.com/orgs/acme/packages/container/package/platform%2Fapi-gateway");
            assert.equal(answer.body.owner?.login, "acme");
            assert.equal(answer.body.owner?.type, "Organization");
        });

        it("does not route an unencoded slash", async () => {
            const answer = await call<BasicError>(emulator, "GET", "/orgs/acme/packages/container/platform/api-gateway", admin);
            assert.equal(answer.status, 404);
            assert.equal(answer.body.message, "Not Found");
        });

        it("includes the repository only for a package linked to one", async () => {
            const linked = await call<Package>(emulator, "GET", "/orgs/acme/packages/npm/widgets", admin);
            assert.equal(linked.body.repository?.full_name, "acme/widgets");
            const unlinked = await call<Package>(emulator, "GET", "/orgs/acme/packages/container/tools%2Fci-runner", admin);
            assert.equal("repository" in unlinked.body, false);
        });

        it("counts only versions that are not deleted", async () => {
            const before = await call<Package>(emulator, "GET", "/orgs/acme/packages/npm/internal-utils", admin);
            assert.equal(before.body.version_count, 2);
            const [, newest] = emulator.admin.snapshot().orgs[0].packages?.find((p) => p.name === "internal-utils")?.versions ?? [];
            emulator.admin.deleteVersion(acme("npm", "internal-utils"), newest.id ?? 0);
            const after = await call<Package>(emulator, "GET", "/orgs/acme/packages/npm/internal-utils", admin);
            assert.equal(after.body.version_count, 1);
        });

        it("answers 404 for an unknown or deleted package, 422 for an unknown registry", async () => {
            const unknown = await call<BasicError>(emulator, "GET", "/orgs/acme/packages/npm/nope", admin);
            assert.equal(unknown.status, 404);
            assert.equal(unknown.body.message, MESSAGES.packageNotFound);
            assert.equal((await call(emulator, "GET", "/orgs/acme/packages/npm/old-dashboard", admin)).status, 404);
            assert.equal((await call(emulator, "GET", "/orgs/acme/packages/pypi/widgets", admin)).status, 422);
        });
    });

    describe("DELETE /orgs/{org}/packages/{package_type}/{package_name}", () => {
        it("deletes a private package: 204, then it is gone", async () => {
            const answer = await call(emulator, "DELETE", "/orgs/acme/packages/npm/internal-utils", admin);
            assert.equal(answer.status, 204);
            assert.equal(answer.text, "");
            assert.equal((await call(emulator, "GET", "/orgs/acme/packages/npm/internal-utils", admin)).status, 404);
            const list = await call<Package[]>(emulator, "GET", "/orgs/acme/packages?package_type=npm", admin);
            assert.deepEqual(
                list.body.map((p) => p.name),
                ["widgets"],
            );
            assert.equal((await call(emulator, "DELETE", "/orgs/acme/packages/npm/internal-utils", admin)).status, 404);
        });

        it("refuses a public package with a version over 5,000 downloads with GitHub's 400", async () => {
            const answer = await call<BasicError>(emulator, "DELETE", "/orgs/acme/packages/npm/widgets", admin);
            assert.equal(answer.status, 400);
            assert.equal(answer.body.message, MESSAGES.undeletablePackage);
            assert.equal((await call(emulator, "GET", "/orgs/acme/packages/npm/widgets", admin)).status, 200);
        });

        it("deletes a public package whose versions stay at or under 5,000 downloads", async () => {
            const [version] = emulator.admin.snapshot().orgs[0].packages?.find((p) => p.name === "tools/ci-runner")?.versions ?? [];
            emulator.admin.setDownloads(acme("container", "tools/ci-runner"), version.id ?? 0, 5000);
            assert.equal((await call(emulator, "DELETE", "/orgs/acme/packages/container/tools%2Fci-runner", admin)).status, 204);
        });

        it("deletes the same package once it is private", async () => {
            emulator.admin.setVisibility(acme("npm", "widgets"), "private");
            assert.equal((await call(emulator, "DELETE", "/orgs/acme/packages/npm/widgets", admin)).status, 204);
        });
    });

    describe("POST /orgs/{org}/packages/{package_type}/{package_name}/restore", () => {
        it("restores a package deleted 10 days ago", async () => {
            assert.equal((await call(emulator, "POST", "/orgs/acme/packages/npm/old-dashboard/restore", admin)).status, 204);
            const answer = await call<Package>(emulator, "GET", "/orgs/acme/packages/npm/old-dashboard", admin);
            assert.equal(answer.status, 200);
            assert.equal(answer.body.version_count, 1);
        });

        it("cannot restore a package deleted 40 days ago", async () => {
            const answer = await call<BasicError>(emulator, "POST", "/orgs/acme/packages/maven/com.acme.legacy-auth/restore", admin);
            assert.equal(answer.status, 404);
            assert.equal(answer.body.message, MESSAGES.packageNotFound);
        });

        it("restores within 30 days of the deletion and not after (the clock moves)", async () => {
            assert.equal((await call(emulator, "DELETE", "/orgs/acme/packages/npm/internal-utils", admin)).status, 204);
            emulator.admin.advance("30d");
            assert.equal((await call(emulator, "POST", "/orgs/acme/packages/npm/internal-utils/restore", admin)).status, 204);
            assert.equal((await call(emulator, "DELETE", "/orgs/acme/packages/npm/internal-utils", admin)).status, 204);
            emulator.admin.advance("30d");
            emulator.admin.advance("1s");
            assert.equal((await call(emulator, "POST", "/orgs/acme/packages/npm/internal-utils/restore", admin)).status, 404);
        });

        it("refuses once a new package took the name, and needs a token when several deleted ones match", async () => {
            assert.equal((await call(emulator, "DELETE", "/orgs/acme/packages/npm/internal-utils", admin)).status, 204);
            const first = emulator.admin.snapshot().orgs[0].packages?.find((p) => p.name === "internal-utils" && p.deletedAt);
            emulator.admin.publishPackage("acme", { name: "internal-utils", packageType: "npm" });

            const taken = await call<BasicError>(emulator, "POST", "/orgs/acme/packages/npm/internal-utils/restore", admin);
            assert.equal(taken.status, 409);
            assert.equal(taken.body.message, MESSAGES.namespaceTaken);

            assert.equal((await call(emulator, "DELETE", "/orgs/acme/packages/npm/internal-utils", admin)).status, 204);
            const ambiguous = await call<BasicError>(emulator, "POST", "/orgs/acme/packages/npm/internal-utils/restore", admin);
            assert.equal(ambiguous.status, 409);
            assert.equal(ambiguous.body.message, MESSAGES.ambiguousRestore);

            const chosen = await call(emulator, "POST", `/orgs/acme/packages/npm/internal-utils/restore?token=${first?.restoreToken}`, admin);
            assert.equal(chosen.status, 204);
            const restored = await call<Package>(emulator, "GET", "/orgs/acme/packages/npm/internal-utils", admin);
            assert.equal(restored.body.id, first?.id);
            assert.equal((await call(emulator, "POST", "/orgs/acme/packages/npm/internal-utils/restore?token=nope", admin)).status, 409);
        });

        it("answers 409 for a package that is not deleted", async () => {
            assert.equal((await call(emulator, "POST", "/orgs/acme/packages/npm/widgets/restore", admin)).status, 409);
        });
    });

    describe("versions", () => {
        const versions = "/orgs/acme/packages/npm/internal-utils/versions";

        it("lists active versions, newest first, with pagination", async () => {
            const answer = await call<PackageVersion[]>(emulator, "GET", versions, admin);
            assert.equal(answer.status, 200);
            assert.deepEqual(
                answer.body.map((v) => v.name),
                ["2.4.0", "2.3.0"],
            );
            assert.equal(answer.body[0].url, `${emulator.url}${versions}/${answer.body[0].id}`);
            const paged = await call<PackageVersion[]>(emulator, "GET", `${versions}?per_page=1`, admin);
            assert.equal(paged.body.length, 1);
            assert.match(paged.headers.get("link") ?? "", /rel="next"/);
        });

        it("gets one version, 404 for an unknown id", async () => {
            const [newest] = (await call<PackageVersion[]>(emulator, "GET", versions, admin)).body;
            const answer = await call<PackageVersion>(emulator, "GET", `${versions}/${newest.id}`, admin);
            assert.equal(answer.status, 200);
            assert.equal(answer.body.name, "2.4.0");
            assert.equal(answer.body.metadata?.package_type, "npm");
            const unknown = await call<BasicError>(emulator, "GET", `${versions}/1`, admin);
            assert.equal(unknown.status, 404);
            assert.equal(unknown.body.message, MESSAGES.versionNotFound);
            assert.equal((await call(emulator, "GET", `${versions}/latest`, admin)).status, 404);
        });

        it("shows container tags in the metadata", async () => {
            const answer = await call<PackageVersion[]>(emulator, "GET", "/orgs/acme/packages/container/platform%2Fapi-gateway/versions", admin);
            assert.deepEqual(answer.body[0].metadata?.container?.tags, ["latest", "v3.2.0"]);
        });

        it("deletes a version, refuses the last one, and restores within 30 days", async () => {
            const [newest, oldest] = (await call<PackageVersion[]>(emulator, "GET", versions, admin)).body;
            assert.equal((await call(emulator, "DELETE", `${versions}/${newest.id}`, admin)).status, 204);
            assert.equal((await call(emulator, "GET", `${versions}/${newest.id}`, admin)).status, 404);

            const last = await call<BasicError>(emulator, "DELETE", `${versions}/${oldest.id}`, admin);
            assert.equal(last.status, 400);
            assert.equal(last.body.message, MESSAGES.lastVersion);

            const deleted = await call<PackageVersion[]>(emulator, "GET", `${versions}?state=deleted`, admin);
            assert.deepEqual(
                deleted.body.map((v) => [v.id, typeof v.deleted_at, "html_url" in v]),
                [[newest.id, "string", false]],
            );
            assert.equal((await call(emulator, "POST", `${versions}/${newest.id}/restore`, admin)).status, 204);
            assert.equal((await call<Package>(emulator, "GET", "/orgs/acme/packages/npm/internal-utils", admin)).body.version_count, 2);

            assert.equal((await call(emulator, "DELETE", `${versions}/${newest.id}`, admin)).status, 204);
            emulator.admin.advance("31d");
            assert.equal((await call(emulator, "POST", `${versions}/${newest.id}/restore`, admin)).status, 404);
        });

        it("refuses a public version over 5,000 downloads", async () => {
            const list = (await call<PackageVersion[]>(emulator, "GET", "/orgs/acme/packages/npm/widgets/versions", admin)).body;
            const popular = list.find((v) => v.name === "1.0.0");
            const answer = await call<BasicError>(emulator, "DELETE", `/orgs/acme/packages/npm/widgets/versions/${popular?.id}`, admin);
            assert.equal(answer.status, 400);
            assert.equal(answer.body.message, MESSAGES.undeletableVersion);
        });

        it("lists deleted versions with read:packages alone, as GitHub documents, and needs a known state", async () => {
            const list = (await call<PackageVersion[]>(emulator, "GET", versions, admin)).body;
            const victim = list[0];
            assert.equal((await call(emulator, "DELETE", `${versions}/${victim.id}`, admin)).status, 204);
            const deleted = await call<PackageVersion[]>(emulator, "GET", `${versions}?state=deleted`, { token: TOKENS.readonly });
            assert.equal(deleted.status, 200);
            assert.deepEqual(deleted.body.map((v) => v.id), [victim.id]);
            assert.equal(deleted.headers.get("x-accepted-oauth-scopes"), "read:packages");
            assert.equal((await call(emulator, "GET", `${versions}?state=gone`, admin)).status, 422);
        });
    });
});
