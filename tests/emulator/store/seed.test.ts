import { strict as assert } from "node:assert";
import { Emulator, Seed, SeedError, createEmulator, validateSeed } from "../../../emulator";
import { ID_BASES, buildStore } from "../../../emulator/store/seed";
import { NOW, Package, TOKENS, call, demoSeed, startDemo } from "../support";

const T0 = Date.parse(NOW);

describe("emulator/store/seed", () => {
    describe("validateSeed", () => {
        it("accepts the demo seed", () => {
            assert.doesNotThrow(() => validateSeed(demoSeed()));
        });

        const invalid: [string, unknown, RegExp][] = [
            ["a non-object", [], /seed must be an object/],
            ["missing tokens", { orgs: [] }, /tokens must be an array/],
            ["an unknown field", { orgs: [], tokens: [], $schema: "x" }, /seed\.\$schema is not a seed field/],
            ["a snake_case field", { orgs: [{ login: "a", packages: [{ name: "p", package_type: "npm" }] }], tokens: [] }, /orgs\[0\]\.packages\[0\]\.package_type is not a seed field/],
            ["an unknown registry", { orgs: [{ login: "a", packages: [{ name: "p", packageType: "pypi" }] }], tokens: [] }, /orgs\[0\]\.packages\[0\]\.packageType must be one of/],
            ["an unknown scope", { orgs: [], tokens: [{ token: "t", scopes: ["admin:everything"] }] }, /tokens\[0\]\.scopes\[0\]/],
            ["a bad instant", { orgs: [{ login: "a", packages: [{ name: "p", packageType: "npm", createdAt: "last week" }] }], tokens: [] }, /createdAt: Invalid instant/],
            ["negative downloads", { orgs: [{ login: "a", packages: [{ name: "p", packageType: "npm", versions: [{ name: "1", downloads: -1 }] }] }], tokens: [] }, /downloads/],
            ["two active packages of one name", { orgs: [{ login: "a", packages: [{ name: "p", packageType: "npm" }, { name: "p", packageType: "npm" }] }], tokens: [] }, /npm\/p.*more than once/],
            ["duplicate ids", { orgs: [{ login: "a", packages: [{ id: 5, name: "p", packageType: "npm" }, { id: 5, name: "q", packageType: "npm" }] }], tokens: [] }, /packages\[\]\.id: 5/],
            ["an internal maven package", { orgs: [{ login: "a", packages: [{ name: "p", packageType: "maven", visibility: "internal" }] }], tokens: [] }, /packages\[0\]\.visibility: "internal" exists only in registries with granular permissions/],
            ["duplicate logins", { orgs: [{ login: "a" }, { login: "A" }], tokens: [] }, /orgs\[\]\.login/],
            ["a manifest outside container", { orgs: [{ login: "a", packages: [{ name: "p", packageType: "npm", versions: [{ name: "1", manifest: {} }] }] }], tokens: [] }, /versions\[0\]\.manifest is not a seed field/],
            ["a manifest that is not an object", { orgs: [{ login: "a", packages: [{ name: "p", packageType: "container", versions: [{ manifest: [] }] }] }], tokens: [] }, /versions\[0\]\.manifest must be a JSON object/],
            [
                "a container name that is not its manifest's digest",
                { orgs: [{ login: "a", packages: [{ name: "p", packageType: "container", versions: [{ name: `sha256:${"0".repeat(64)}`, manifest: { schemaVersion: 2 } }] }] }], tokens: [] },
                /versions\[0\]\.name sha256:0+ is not the digest of the manifest \(sha256:[0-9a-f]{64}\); leave name out or use that digest/,
            ],
            ["an unknown manifest state", { orgs: [{ login: "a", packages: [{ name: "p", packageType: "container", versions: [{ manifest: {}, manifestState: "gone" }] }] }], tokens: [] }, /manifestState must be one of present, missing, corrupt/],
            ["a manifest state without a manifest", { orgs: [{ login: "a", packages: [{ name: "p", packageType: "container", versions: [{ manifestState: "missing" }] }] }], tokens: [] }, /need orgs\[0\]\.packages\[0\]\.versions\[0\]\.manifest/],
            ["a non-container version without a name", { orgs: [{ login: "a", packages: [{ name: "p", packageType: "npm", versions: [{}] }] }], tokens: [] }, /versions\[0\]\.name must be a non-empty string/],
        ];
        for (const [what, seed, message] of invalid) {
            it(`rejects ${what}`, () => {
                assert.throws(() => validateSeed(seed), (error: Error) => error instanceof SeedError && message.test(error.message));
            });
        }

        it("names a container version by its manifest's digest, given or generated", async () => {
            const manifest = { schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: { digest: "sha256:" + "1".repeat(64), size: 1 }, layers: [] };
            const emulator = await createEmulator({
                seed: { orgs: [{ login: "a", packages: [{ name: "p", packageType: "container", visibility: "public", versions: [{ manifest, tags: ["given"] }, { tags: ["generated"] }] }] }], tokens: [] },
            });
            try {
                const given = emulator.admin.manifest({ org: "a", name: "p" }, "given");
                assert.deepEqual(given.json, manifest);
                const generated = emulator.admin.manifest({ org: "a", name: "p" }, "generated");
                const names = emulator.admin.snapshot().orgs[0].packages![0].versions!.map((version) => version.name);
                assert.deepEqual(names, [given.digest, generated.digest]);
            } finally {
                await emulator.close();
            }
        });

        it("allows a deleted package next to an active one of the same name", () => {
            assert.doesNotThrow(() =>
                validateSeed({ orgs: [{ login: "a", packages: [{ name: "p", packageType: "npm", deletedAt: "-1d" }, { name: "p", packageType: "npm" }] }], tokens: [] }),
            );
        });
    });

    describe("buildStore", () => {
        const seed: Seed = {
            orgs: [
                {
                    login: "a",
                    packages: [
                        { name: "first", packageType: "npm" },
                        { id: ID_BASES.package + 1, name: "explicit", packageType: "npm" },
                        { name: "third", packageType: "container", repository: "repo", deletedAt: "-2d" },
                    ],
                },
            ],
            tokens: [
                { token: "t1", login: "alice", scopes: [] },
                { token: "t2", login: "alice", scopes: [] },
                { token: "t3", scopes: [] },
            ],
        };

        it("assigns missing ids in seed order, around the explicit ones", () => {
            const store = buildStore(seed, T0, 5000);
            const ids = ["first", "explicit", "third"].map((name) => store.snapshot().orgs[0].packages?.find((p) => p.name === name)?.id);
            assert.deepEqual(ids, [ID_BASES.package, ID_BASES.package + 1, ID_BASES.package + 2]);
            assert.equal(store.org("a")?.id, ID_BASES.org);
        });

        it("gives each package without versions a default one, and links undeclared repositories", () => {
            const snapshot = buildStore(seed, T0, 5000).snapshot();
            const [first, , third] = snapshot.orgs[0].packages ?? [];
            assert.equal(first.versions?.[0].name, "1.0.0");
            assert.match(third.versions?.[0].name ?? "", /^sha256:[0-9a-f]{64}$/);
            assert.deepEqual(
                snapshot.orgs[0].repositories?.map((repo) => [repo.name, repo.private]),
                [["repo", true]],
            );
            assert.equal(third.deletedAt, new Date(T0 - 2 * 86_400_000).toISOString());
            assert.match(third.restoreToken ?? "", /^[0-9a-f]{20}$/);
        });

        it("gives tokens of one login one user id, and the default rate limit", () => {
            const tokens = buildStore(seed, T0, 1234).snapshot().tokens;
            assert.deepEqual(
                tokens.map((token) => [token.login, token.userId, token.rateLimit]),
                [
                    ["alice", ID_BASES.user, 1234],
                    ["alice", ID_BASES.user, 1234],
                    ["emulator-user", ID_BASES.user + 1, 1234],
                ],
            );
        });
    });

    describe("determinism", () => {
        let one: Emulator;
        let two: Emulator;
        beforeEach(async () => {
            one = await startDemo();
            two = await startDemo();
        });
        afterEach(async () => {
            await one.close();
            await two.close();
        });

        it("gives the same state and the same answers for the same seed", async () => {
            assert.deepEqual(one.admin.snapshot(), two.admin.snapshot());
            const list = async (emulator: Emulator): Promise<string> =>
                (await call(emulator, "GET", "/orgs/acme/packages?package_type=container", { token: TOKENS.admin })).text.split(emulator.url).join("BASE");
            assert.equal(await list(one), await list(two));
        });

        it("assigns the same ids to what is published after the start", () => {
            for (const emulator of [one, two]) {
                emulator.admin.publishPackage("acme", { name: "fresh", packageType: "npm", versions: [{ name: "0.1.0" }, {}] });
            }
            assert.deepEqual(one.admin.snapshot(), two.admin.snapshot());
        });

        it("comes back to the same state after a reset, and after loading its own snapshot", async () => {
            const initial = one.admin.snapshot();
            assert.equal((await call(one, "DELETE", "/orgs/acme/packages/npm/internal-utils", { token: TOKENS.admin })).status, 204);
            one.admin.advance("3d");
            const changed = one.admin.snapshot();
            one.admin.reset();
            assert.deepEqual(one.admin.snapshot(), initial);

            one.admin.loadSeed(changed);
            assert.deepEqual(one.admin.snapshot(), changed);
        });

        it("starts at the seed's own `now` unless the options say otherwise", async () => {
            const emulator = await createEmulator({ seed: { ...demoSeed(), now: "2024-01-01T00:00:00Z" } });
            try {
                const widgets = await call<Package>(emulator, "GET", "/orgs/acme/packages/npm/widgets", { token: TOKENS.admin });
                assert.equal(widgets.body.updated_at, "2023-12-12T00:00:00Z");
            } finally {
                await emulator.close();
            }
        });
    });
});
