import { strict as assert } from "node:assert";
import { createEmulator, Emulator, Seed } from "../../../emulator";
import { prng } from "../../../emulator/store/random";
import { PackageCatalog } from "../../../provider/org-package/catalog";
import { createClient } from "../../../provider/github/client";
import { resolveClientConfig } from "../../../provider/shared/config";
import { PackagesApi } from "../../../provider/github/packages";
import { PackageRef } from "../../../provider/shared/types";

const ORG = "shop";
const TOKEN = "t";
const LIST = "packages/list-packages-for-organization";
const GET = "packages/get-package-for-organization";

/** An org with `count` npm packages `lib-00000`... (and `extra` container packages), and an all-scopes token. */
function seed(count: number, extra = 0): Seed {
    const name = (i: number) => `lib-${String(i).padStart(5, "0")}`;
    return {
        orgs: [
            {
                login: ORG,
                packages: [
                    ...Array.from({ length: count }, (_, i) => ({ name: name(i), packageType: "npm" as const, visibility: i % 2 ? ("public" as const) : ("private" as const) })),
                    ...Array.from({ length: extra }, (_, i) => ({ name: `img/${name(i)}`, packageType: "container" as const })),
                ],
            },
        ],
        tokens: [{ token: TOKEN, scopes: ["read:packages", "write:packages", "delete:packages", "repo"], rateLimit: 1_000_000 }],
    };
}

function ref(i: number): PackageRef {
    return { org: ORG, packageType: "npm", packageName: `lib-${String(i).padStart(5, "0")}` };
}

function catalogFor(emulator: Emulator): PackageCatalog {
    const config = resolveClientConfig(undefined, { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: emulator.url, GITHUB_PACKAGES_RETRY_BASE_MS: "5" });
    return new PackageCatalog(new PackagesApi(createClient(config)));
}

/** The target: requests on reads of one registry stay within 2 x min(reads, pages) + 2. */
function bound(reads: number, packages: number): number {
    return 2 * Math.min(reads, Math.max(1, Math.ceil(packages / 100))) + 2;
}

/** `items` in a seeded random order. */
function shuffled<T>(items: T[], seedValue: number): T[] {
    const random = prng(seedValue);
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
}

/** Reads `refs` all at once (as a refresh does) or one after the other, and checks every answer names the package read. */
async function readAll(catalog: PackageCatalog, refs: PackageRef[], order: "parallel" | "sequential"): Promise<void> {
    const check = (r: PackageRef, found: Awaited<ReturnType<PackageCatalog["get"]>>) => assert.equal(found?.name, r.packageName);
    if (order === "parallel") {
        const found = await Promise.all(refs.map((r) => catalog.get(r)));
        refs.forEach((r, i) => check(r, found[i]));
    } else {
        for (const r of refs) {
            check(r, await catalog.get(r));
        }
    }
}

describe("provider/org-package/catalog", () => {
    describe("request counts in every shape", () => {
        let emulator: Emulator;
        const size = 1000;

        before(async () => {
            emulator = await createEmulator({ seed: seed(size) });
        });

        after(() => emulator.close());

        beforeEach(() => emulator.admin.resetRequests());

        const shapes: [string, number[], "parallel" | "sequential"][] = [
            ["all managed, read at once", Array.from({ length: size }, (_, i) => i), "parallel"],
            ["all managed, read one by one", Array.from({ length: size }, (_, i) => i), "sequential"],
            ["all managed, in a shuffled order", shuffled(Array.from({ length: size }, (_, i) => i), 7), "sequential"],
            ["a few at the end of the list", [990, 991, 992], "parallel"],
            ["a few, one by one", [500, 700, 900], "sequential"],
            ["one package", [777], "sequential"],
            ["half, shuffled, one by one", shuffled(Array.from({ length: size / 2 }, (_, i) => i * 2), 3), "sequential"],
            ["twenty, at once", Array.from({ length: 20 }, (_, i) => 950 - i * 40), "parallel"],
        ];
        for (const [shape, indexes, order] of shapes) {
            it(`${shape}: ${indexes.length} reads of ${size} packages cost at most 2 x min(reads, pages) + 2`, async () => {
                await readAll(catalogFor(emulator), indexes.map(ref), order);
                const { total, counts } = emulator.admin.requests();
                assert.ok(total <= bound(indexes.length, size), `${total} requests > ${bound(indexes.length, size)}: ${JSON.stringify(counts)}`);
            });
        }

        it("reads at once of every package list all pages and GET nothing", async () => {
            await readAll(catalogFor(emulator), Array.from({ length: size }, (_, i) => ref(i)), "parallel");
            assert.deepEqual(emulator.admin.requests().counts, { [LIST]: 10 });
        });

        it("a few reads GET their packages after the first page and list nothing more", async () => {
            await readAll(catalogFor(emulator), [ref(400), ref(600), ref(800)], "parallel");
            assert.deepEqual(emulator.admin.requests().counts, { [LIST]: 1, [GET]: 3 });
        });

        it("reads of packages on the first page cost that page only", async () => {
            await readAll(catalogFor(emulator), Array.from({ length: 50 }, (_, i) => ref(i)), "sequential");
            assert.deepEqual(emulator.admin.requests().counts, { [LIST]: 1 });
        });

        it("keeps each organization and registry apart", async () => {
            const catalog = catalogFor(emulator);
            await readAll(catalog, [ref(900)], "sequential");
            await catalog.get({ org: ORG, packageType: "container", packageName: "nothing" });
            const lists = emulator.admin.requests().entries.filter((e) => e.operation === LIST).map((e) => new URLSearchParams(e.query).get("package_type"));
            assert.deepEqual(lists, ["npm", "container"]);
        });
    });

    describe("gone means GitHub said so", () => {
        let emulator: Emulator;

        beforeEach(async () => {
            emulator = await createEmulator({ seed: seed(450) });
        });

        afterEach(() => emulator.close());

        it("confirms a package missing from a complete list with a GET before calling it gone", async () => {
            const catalog = catalogFor(emulator);
            await readAll(catalog, Array.from({ length: 450 }, (_, i) => ref(i)), "parallel");
            emulator.admin.resetRequests();
            assert.equal(await catalog.get({ org: ORG, packageType: "npm", packageName: "never-published" }), undefined);
            const entries = emulator.admin.requests().entries;
            assert.deepEqual(
                entries.map((e) => [e.operation, e.path, e.status]),
                [[GET, `/orgs/${ORG}/packages/npm/never-published`, 404]],
            );
        });

        it("finds a package a stale list does not show, through the confirming GET", async () => {
            const catalog = catalogFor(emulator);
            await readAll(catalog, Array.from({ length: 450 }, (_, i) => ref(i)), "parallel");
            emulator.admin.publishPackage(ORG, { name: "published-later", packageType: "npm" });
            const found = await catalog.get({ org: ORG, packageType: "npm", packageName: "published-later" });
            assert.equal(found?.name, "published-later");
        });

        it("forgets a package a write deleted, and keeps serving the others", async () => {
            const catalog = catalogFor(emulator);
            await readAll(catalog, [ref(1), ref(2)], "sequential");
            await catalog.remember(ref(1), undefined);
            emulator.admin.deletePackage({ org: ORG, packageType: "npm", name: ref(1).packageName });
            assert.equal(await catalog.get(ref(1)), undefined);
            assert.equal((await catalog.get(ref(2)))?.name, ref(2).packageName);
        });

        it("falls back to GETs when the list fails, and still answers every read", async () => {
            emulator.admin.addFault({ kind: "error", status: 502, operation: LIST, times: 100 });
            const catalog = catalogFor(emulator);
            const refs = [ref(3), ref(300), ref(449)];
            await readAll(catalog, refs, "parallel");
            assert.equal(emulator.admin.requests().counts[GET], 3);
        });

        it("lets a GET fail the read when GitHub fails it: an error never reads as gone", async () => {
            const catalog = catalogFor(emulator);
            await catalog.get(ref(0));
            emulator.admin.addFault({ kind: "error", status: 500, operation: GET, times: 100 });
            await assert.rejects(catalog.get(ref(420)), /after \d+ attempts/);
        });
    });

    describe("past 10,000 packages", function () {
        this.timeout(300_000);
        let emulator: Emulator;
        const size = 10_050;

        before(async () => {
            emulator = await createEmulator({ seed: seed(size) });
        });

        after(() => emulator.close());

        beforeEach(() => emulator.admin.resetRequests());

        it("reads a few packages beyond the 10,000th with GETs", async () => {
            await readAll(catalogFor(emulator), [ref(10_020), ref(10_049)], "parallel");
            assert.deepEqual(emulator.admin.requests().counts, { [LIST]: 1, [GET]: 2 });
        });

        it("reads every package at once through the list split by visibility, within the bound", async () => {
            await readAll(catalogFor(emulator), Array.from({ length: size }, (_, i) => ref(i)), "parallel");
            const { total, counts } = emulator.admin.requests();
            assert.ok(total <= bound(size, size), `${total} requests: ${JSON.stringify(counts)}`);
            assert.equal(counts[GET] ?? 0, 0);
        });
    });
});
