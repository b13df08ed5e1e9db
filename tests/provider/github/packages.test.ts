import { strict as assert } from "node:assert";
import { createEmulator, type Emulator, type Seed, type SeedPackage } from "../../../emulator";
import { createClient } from "../../../provider/github/client";
import { resolveClientConfig } from "../../../provider/shared/config";
import { PackageError } from "../../../provider/github/errors";
import { PAGE_CONCURRENCY, PackagesApi } from "../../../provider/github/packages";
import { startDemo, TOKENS } from "../../emulator/support";
import { rejection } from "../../support/provider";

const LIST = "packages/list-packages-for-organization";

/** An org `huge` whose registries hold `parts` packages of each visibility, and the admin token. */
function hugeSeed(parts: { packageType: SeedPackage["packageType"]; visibility: "public" | "private" | "internal"; count: number }[]): Seed {
    const packages = parts.flatMap(({ packageType, visibility, count }) =>
        Array.from({ length: count }, (_, i) => ({ name: `${visibility}-${String(i).padStart(5, "0")}`, packageType, visibility })),
    );
    return { orgs: [{ login: "huge", packages }], tokens: [{ token: TOKENS.admin, scopes: ["read:packages", "write:packages", "delete:packages", "repo"], rateLimit: 1_000_000 }] };
}

function apiFor(emulator: Emulator, token: string = TOKENS.admin): PackagesApi {
    const config = resolveClientConfig(undefined, {
        GITHUB_TOKEN: token,
        GITHUB_API_URL: emulator.url,
        GITHUB_PACKAGES_RETRY_BASE_MS: "5",
        GITHUB_PACKAGES_REQUEST_TIMEOUT_MS: "2000",
    });
    return new PackagesApi(createClient(config));
}

describe("provider/github/packages", () => {
    let emulator: Emulator;

    beforeEach(async () => {
        emulator = await startDemo();
    });

    afterEach(() => emulator.close());

    it("lists all pages, 100 per page", async () => {
        for (let i = 0; i < 230; i++) {
            emulator.admin.publishPackage("acme", { name: `bulk-${String(i).padStart(3, "0")}`, packageType: "npm" });
        }
        emulator.admin.resetRequests();
        const packages = await apiFor(emulator).list({ org: "acme", packageType: "npm" });
        assert.equal(packages.filter((p) => p.name.startsWith("bulk-")).length, 230);
        assert.equal(new Set(packages.map((p) => p.name)).size, packages.length, "no package twice");
        assert.equal(emulator.admin.requests().counts["packages/list-packages-for-organization"], 3);
    });

    it("filters by visibility", async () => {
        const packages = await apiFor(emulator).list({ org: "acme", packageType: "container", visibility: "public" });
        assert.deepEqual(packages.map((p) => p.name), ["tools/ci-runner"]);
    });

    it("encodes nested container names as one path segment", async () => {
        const pkg = await apiFor(emulator).get({ org: "acme", packageType: "container", packageName: "platform/api-gateway" });
        assert.equal(pkg?.name, "platform/api-gateway");
        const paths = emulator.admin.requests().entries.map((e) => e.path);
        assert.ok(paths.some((p) => p.includes("platform%2Fapi-gateway")), paths.join(", "));
    });

    it("returns undefined for a 404 and for an org the token cannot see", async () => {
        assert.equal(await apiFor(emulator).get({ org: "acme", packageType: "npm", packageName: "nope" }), undefined);
        assert.equal(await apiFor(emulator, TOKENS.globexOnly).get({ org: "acme", packageType: "npm", packageName: "widgets" }), undefined);
    });

    it("restores within 30 days, and explains the refusal after namespace reuse", async () => {
        const api = apiFor(emulator);
        const ref = { org: "acme", packageType: "npm" as const, packageName: "old-dashboard" };
        const newcomer = emulator.admin.publishPackage("acme", { name: "old-dashboard", packageType: "npm" });
        const error = await rejection(api.restore(ref));
        assert.ok(error instanceof PackageError);
        assert.match(error.message, /acme\/npm\/old-dashboard/);
        assert.match(error.message, new RegExp(`GitHub id ${newcomer.id} .* now holds the name`), "the package in the way is named by id");
        assert.match(error.message, /POST \/orgs\/acme\/packages\/npm\/old-dashboard\/restore/);
        emulator.admin.deletePackage({ org: "acme", packageType: "npm", name: "old-dashboard" });
        emulator.admin.advance("31d");
        const late = await rejection(api.restore(ref));
        assert.match(late.message, /30 days/);
    });

    it("retries 5xx a bounded number of times, then fails with the request", async () => {
        emulator.admin.addFault({ kind: "error", status: 503 });
        const error = await rejection(apiFor(emulator).get({ org: "acme", packageType: "npm", packageName: "widgets" }));
        assert.ok(error instanceof PackageError);
        assert.equal(error.status, 503);
        assert.equal(error.request, "GET /orgs/acme/packages/npm/widgets");
        assert.equal(emulator.admin.requests().total, 4, "one try and three retries");
    });

    it("keeps the restore token out of messages", async () => {
        const api = apiFor(emulator);
        const error = await rejection(api.restore({ org: "acme", packageType: "npm", packageName: "widgets" }, "secret-restore-token"));
        assert.ok(!error.message.includes("secret-restore-token"), error.message);
    });

    it("fetches the pages after the first in parallel, at most PAGE_CONCURRENCY at a time", async () => {
        await emulator.close();
        emulator = await createEmulator({ seed: hugeSeed([{ packageType: "npm", visibility: "private", count: 1_950 }]), latencyMs: 40 });
        const packages = await apiFor(emulator).list({ org: "huge", packageType: "npm" });
        assert.equal(new Set(packages.map((p) => p.packageId)).size, 1_950);
        const lists = emulator.admin.requests().entries.filter((e) => e.operation === LIST);
        assert.equal(lists.length, 20);
        assert.equal(lists[0].inFlight, 0, "the first page comes alone: it tells the page count");
        const overlap = Math.max(...lists.map((e) => e.inFlight));
        assert.ok(overlap >= 1, "the request log shows overlapping page requests");
        assert.ok(overlap <= PAGE_CONCURRENCY - 1, `${overlap + 1} pages at once, more than ${PAGE_CONCURRENCY}`);
        const pages = lists.map((e) => Number(new URLSearchParams(e.query).get("page"))).sort((a, b) => a - b);
        assert.deepEqual(pages, Array.from({ length: 20 }, (_, i) => i + 1), "each page once");
    });

    describe("past GitHub's 10,000-entry window", function () {
        this.timeout(300_000);

        it("lists every package by splitting the query by visibility, internal included", async () => {
            await emulator.close();
            emulator = await createEmulator({
                seed: hugeSeed([
                    { packageType: "npm", visibility: "private", count: 6_000 },
                    { packageType: "npm", visibility: "public", count: 4_050 },
                    { packageType: "npm", visibility: "internal", count: 30 },
                ]),
            });
            const packages = await apiFor(emulator).list({ org: "huge", packageType: "npm" });
            assert.equal(packages.length, 10_080);
            assert.equal(new Set(packages.map((p) => p.packageId)).size, 10_080, "no package twice");
            assert.deepEqual(
                Object.fromEntries(["public", "private", "internal"].map((v) => [v, packages.filter((p) => p.visibility === v).length])),
                { public: 4_050, private: 6_000, internal: 30 },
            );
            const queries = emulator.admin.requests().entries.filter((e) => e.operation === LIST).map((e) => new URLSearchParams(e.query));
            assert.ok(queries.every((q) => q.get("per_page") === "100" && Number(q.get("page")) <= 100), "never asks beyond the window");
            assert.equal(queries.length, 1 + 41 + 60 + 1, "the unfiltered first page, then every page of each part once");
        });

        it("splits maven and docker into public and private only: internal means private there", async () => {
            await emulator.close();
            emulator = await createEmulator({
                seed: hugeSeed([
                    { packageType: "maven", visibility: "private", count: 9_000 },
                    { packageType: "maven", visibility: "public", count: 1_001 },
                ]),
            });
            const packages = await apiFor(emulator).list({ org: "huge", packageType: "maven" });
            assert.equal(new Set(packages.map((p) => p.packageId)).size, 10_001);
            const visibilities = emulator.admin.requests().entries.filter((e) => e.operation === LIST).map((e) => new URLSearchParams(e.query).get("visibility"));
            assert.ok(!visibilities.includes("internal"), visibilities.join());
        });

        it("refuses plainly, naming org, registry and count, when one visibility alone exceeds 10,000", async () => {
            await emulator.close();
            emulator = await createEmulator({ seed: hugeSeed([{ packageType: "npm", visibility: "private", count: 10_020 }]) });
            const error = await rejection(apiFor(emulator).list({ org: "huge", packageType: "npm" }));
            assert.ok(error instanceof PackageError, error.stack);
            assert.match(error.message, /huge\/npm/);
            assert.match(error.message, /between 10,001 and 10,100 private npm packages/);
            assert.match(error.message, /at most 10,000/);
            const requests = emulator.admin.requests();
            assert.deepEqual(Object.keys(requests.counts), [LIST], "nothing but lists");
            assert.ok(requests.entries.every((e) => e.status === 200), "never asks GitHub for a page it refuses");
        });
    });
});
