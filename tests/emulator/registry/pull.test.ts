import { strict as assert } from "node:assert";
import { Emulator, pullImage } from "../../../emulator";
import { TOKENS, demoSeed, startDemo } from "../support";

describe("emulator/registry/pull", () => {
    let emulator: Emulator;

    beforeEach(async () => {
        emulator = await startDemo();
    });

    afterEach(async () => {
        await emulator.close();
    });

    it("pulls every container version of the demo seed completely: named by the digests of their generated manifests, with config and layer", async () => {
        const seed = demoSeed();
        const state = emulator.admin.snapshot();
        let count = 0;
        for (const org of seed.orgs) {
            for (const pkg of (org.packages ?? []).filter((candidate) => candidate.packageType === "container")) {
                assert.ok((pkg.versions ?? []).every((version) => version.name === undefined), "the demo seed leaves container version names to the generated manifests");
                const stored = state.orgs.find((candidate) => candidate.login === org.login)!.packages!.find((candidate) => candidate.name === pkg.name)!;
                for (const version of stored.versions ?? []) {
                    const token = org.login === "globex" ? TOKENS.globexOnly : TOKENS.readonly;
                    const result = await pullImage(emulator.url, org.login, pkg.name, version.name!, { token });
                    const manifest = version.manifest as { config: { digest: string }; layers: { digest: string }[] };
                    assert.deepEqual(
                        result,
                        { ok: true, digest: version.name, pulled: [version.name], blobs: [manifest.config.digest, ...manifest.layers.map((layer) => layer.digest)], failures: [] },
                        `${org.login}/${pkg.name}@${version.name}`,
                    );
                    assert.equal(result.blobs.length, 2);
                    count++;
                }
            }
        }
        assert.equal(count, 4);
    });

    it("reports a refused token exchange as a failure of the token step", async () => {
        const result = await pullImage(emulator.url, "acme", "platform/api-gateway", "latest");
        assert.equal(result.ok, false);
        assert.deepEqual(result.failures, [{ reference: "token", status: 401, code: "UNAUTHORIZED", reason: "UNAUTHORIZED" }]);
    });

    it("a version published by hand with a made-up digest has no manifest: a ghost the pull reports", async () => {
        const key = { org: "acme", packageType: "container" as const, name: "tools/ci-runner" };
        const ghost = emulator.admin.publishVersion(key, { name: `sha256:${"e".repeat(64)}`, tags: ["ghost"] });
        const result = await pullImage(emulator.url, "acme", "tools/ci-runner", "ghost");
        assert.deepEqual(result.failures.map((failure) => failure.code), ["MANIFEST_UNKNOWN"]);
        const generated = emulator.admin.publishVersion(key, { tags: ["fresh"] });
        assert.equal((await pullImage(emulator.url, "acme", "tools/ci-runner", "fresh")).digest, generated.name);
        assert.notEqual(ghost.name, generated.name);
    });
});
