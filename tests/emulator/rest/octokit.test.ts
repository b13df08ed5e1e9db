/** The emulator driven the way the provider drives GitHub: with @octokit/rest and its plugins. */
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { RequestError } from "@octokit/request-error";
import { Octokit } from "@octokit/rest";
import { strict as assert } from "node:assert";
import { Emulator, MESSAGES, createEmulator } from "../../../emulator";
import { NOW, TOKENS, bigSeed, startDemo } from "../support";

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

describe("emulator with @octokit/rest", () => {
    let emulator: Emulator;
    let octokit: Octokit;
    beforeEach(async () => {
        emulator = await startDemo();
        octokit = new Octokit({ auth: TOKENS.admin, baseUrl: emulator.url, log: quiet });
    });
    afterEach(() => emulator.close());

    it("gets a package, with a slash in its name", async () => {
        const { data, status } = await octokit.rest.packages.getPackageForOrganization({
            org: "acme",
            package_type: "container",
            package_name: "platform/api-gateway",
        });
        assert.equal(status, 200);
        assert.equal(data.name, "platform/api-gateway");
        assert.equal(data.repository?.full_name, "acme/platform");
    });

    it("paginates the list through the Link header", async () => {
        const big = await createEmulator({ seed: bigSeed(205), now: NOW });
        try {
            const client = new Octokit({ auth: "t", baseUrl: big.url, log: quiet });
            const all = await client.paginate(client.rest.packages.listPackagesForOrganization, { org: "big", package_type: "npm", per_page: 100 });
            assert.equal(all.length, 205);
            assert.equal(new Set(all.map((pkg) => pkg.id)).size, 205);
            assert.equal(big.admin.requests().counts["packages/list-packages-for-organization"], 3);
        } finally {
            await big.close();
        }
    });

    it("deletes and restores a package", async () => {
        const ref = { org: "acme", package_type: "npm", package_name: "internal-utils" } as const;
        assert.equal((await octokit.rest.packages.deletePackageForOrg(ref)).status, 204);
        await assert.rejects(octokit.rest.packages.getPackageForOrganization(ref), (error: RequestError) => error.status === 404);
        assert.equal((await octokit.rest.packages.restorePackageForOrg(ref)).status, 204);
        assert.equal((await octokit.rest.packages.getPackageForOrganization(ref)).data.name, "internal-utils");
    });

    it("surfaces GitHub's refusals as RequestErrors with GitHub's messages", async () => {
        await assert.rejects(
            octokit.rest.packages.deletePackageForOrg({ org: "acme", package_type: "npm", package_name: "widgets" }),
            (error: RequestError) => error.status === 400 && error.message.includes(MESSAGES.undeletablePackage),
        );
        emulator.admin.advance("31d");
        await assert.rejects(
            octokit.rest.packages.restorePackageForOrg({ org: "acme", package_type: "npm", package_name: "old-dashboard" }),
            (error: RequestError) => error.status === 404,
        );
        const reader = new Octokit({ auth: TOKENS.readonly, baseUrl: emulator.url, log: quiet });
        await assert.rejects(
            reader.rest.packages.deletePackageForOrg({ org: "acme", package_type: "npm", package_name: "internal-utils" }),
            (error: RequestError) => error.status === 403 && error.response?.headers["x-accepted-oauth-scopes"] === "read:packages, delete:packages",
        );
    });

    it("sends conditional requests Octokit-style: a 304 becomes a RequestError with status 304", async () => {
        const ref = { org: "acme", package_type: "npm", package_name: "widgets" } as const;
        const first = await octokit.rest.packages.getPackageForOrganization(ref);
        await assert.rejects(
            octokit.rest.packages.getPackageForOrganization({ ...ref, headers: { "if-none-match": first.headers.etag } }),
            (error: RequestError) => error.status === 304,
        );
    });

    describe("with the retry and throttling plugins", () => {
        const Client = Octokit.plugin(retry, throttling);

        /** A client that records the wait GitHub asks for (through the `kind` handler) in `seen`, and never waits. */
        function recordingClient(kind: "onRateLimit" | "onSecondaryRateLimit", seen: number[]) {
            const record = (retryAfter: number) => {
                seen.push(retryAfter);
                return false;
            };
            return new Client({
                auth: TOKENS.admin,
                baseUrl: emulator.url,
                log: quiet,
                throttle: { onRateLimit: () => false, onSecondaryRateLimit: () => false, [kind]: record },
            });
        }

        it("retries a 5xx from fault injection and succeeds", async () => {
            emulator.admin.addFault({ kind: "error", status: 502, nth: 1 });
            const client = new Client({
                auth: TOKENS.admin,
                baseUrl: emulator.url,
                log: quiet,
                retry: { retries: 2, retryAfterBaseValue: 1 },
                throttle: { onRateLimit: () => false, onSecondaryRateLimit: () => false },
            });
            const { status } = await client.rest.packages.getPackageForOrganization({ org: "acme", package_type: "npm", package_name: "widgets" });
            assert.equal(status, 200);
            assert.equal(emulator.admin.requests().total, 2);
        });

        it("recognizes the secondary rate limit and its retry-after", async () => {
            emulator.admin.addFault({ kind: "secondary-rate-limit", retryAfterSeconds: 42 });
            const seen: number[] = [];
            const client = recordingClient("onSecondaryRateLimit", seen);
            await assert.rejects(client.rest.packages.listPackagesForOrganization({ org: "acme", package_type: "npm" }), (error: RequestError) => error.status === 403);
            assert.deepEqual(seen, [42]);
        });

        it("recognizes the primary rate limit and its reset time", async () => {
            emulator.admin.setRateLimit(TOKENS.admin, { remaining: 0 });
            const seen: number[] = [];
            const client = recordingClient("onRateLimit", seen);
            await assert.rejects(client.rest.packages.listPackagesForOrganization({ org: "acme", package_type: "npm" }), (error: RequestError) => error.status === 403);
            assert.equal(seen.length, 1);
        });
    });
});
