import { strict as assert } from "node:assert";
import type { Emulator } from "../../emulator";
import { createClient } from "../../provider/client";
import { resolveClientConfig } from "../../provider/config";
import { PackageError } from "../../provider/errors";
import { PackagesApi } from "../../provider/packages";
import { startDemo, TOKENS } from "../emulator/support";
import { rejection } from "../support/provider";

function apiFor(emulator: Emulator, token: string = TOKENS.admin): PackagesApi {
    const config = resolveClientConfig(undefined, {
        GITHUB_TOKEN: token,
        GITHUB_API_URL: emulator.url,
        GITHUB_PACKAGES_RETRY_BASE_MS: "5",
        GITHUB_PACKAGES_REQUEST_TIMEOUT_MS: "400",
    });
    return new PackagesApi(createClient(config));
}

describe("provider/packages", () => {
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
});
