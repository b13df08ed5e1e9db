import { strict as assert } from "node:assert";
import type { Emulator, PackageKey } from "../../../emulator";
import { VersionRetentionProvider } from "../../../provider/retention/provider";
import { INTERRUPTED_RULE } from "../../../provider/retention/recover";
import { VersionRetentionInputs, VersionRetentionState } from "../../../provider/retention/state";
import { startDemo, TOKENS } from "../../emulator/support";
import { providerFor } from "../../support/provider";

const pkg: PackageKey = { org: "acme", packageType: "npm", name: "retained" };
const ref = { org: "acme", packageType: "npm", packageName: "retained" } as const;

/** Publishes 1.0.0 to 1.0.7, one day apart, ending now; returns name to id. */
function publish(emulator: Emulator): Map<string, number> {
    emulator.admin.setNow(new Date(Date.now() - 8 * 86_400_000));
    emulator.admin.publishPackage(pkg.org, { name: pkg.name, packageType: "npm", versions: [{ name: "1.0.0" }] });
    for (let i = 1; i < 8; i++) {
        emulator.admin.advance("1d");
        emulator.admin.publishVersion(pkg, { name: `1.0.${i}` });
    }
    emulator.admin.setNow(new Date());
    const found = emulator.admin.snapshot().orgs.find((o) => o.login === pkg.org)!.packages!.find((p) => p.name === pkg.name)!;
    return new Map(found.versions!.map((v) => [v.name!, v.id!]));
}

describe("provider/retention/recover", () => {
    let emulator: Emulator;
    let provider: VersionRetentionProvider;

    beforeEach(async () => {
        emulator = await startDemo();
        provider = await providerFor(emulator, TOKENS.admin, { writesPerMinute: "150" }, () => new VersionRetentionProvider());
    });

    afterEach(() => emulator.close());

    async function create(inputs: VersionRetentionInputs): Promise<VersionRetentionState> {
        const checked = await provider.check({} as VersionRetentionInputs, inputs);
        return (await provider.create(checked.inputs!)).outs!;
    }

    it("refresh records what a run after the last recorded one deleted and the policy selects; not another tool's deletion of a kept version", async () => {
        const ids = publish(emulator);
        const state = await create({ ...ref, policy: { keepLatest: 7, maxDeletions: 5 } });
        assert.deepEqual(state.deleted.map((d) => d.name), ["1.0.0"]);
        // The clock stands still: move it past the recorded run, then a killed run (keepLatest 7 would not, 2 would) deletes 1.0.1 and 1.0.2.
        emulator.admin.setNow(new Date(Date.now() + 2000));
        const killedRun = { ...state, policy: { keepLatest: 2, maxDeletions: 10 } };
        emulator.admin.deleteVersion(pkg, ids.get("1.0.1")!);
        emulator.admin.deleteVersion(pkg, ids.get("1.0.2")!);
        // Another tool deletes the newest version, which the policy keeps.
        emulator.admin.deleteVersion(pkg, ids.get("1.0.7")!);
        const read = (await provider.read("id", killedRun)).props!;
        assert.deepEqual(
            read.deleted.map((d) => [d.name, d.rule]),
            [
                ["1.0.0", state.deleted[0].rule],
                ["1.0.1", INTERRUPTED_RULE],
                ["1.0.2", INTERRUPTED_RULE],
            ],
        );
        // Recorded once: a second refresh adds nothing.
        assert.deepEqual((await provider.read("id", read)).props!.deleted, read.deleted);
        assert.equal(emulator.admin.requests().counts["packages/delete-package-version-for-org"], 1, "only the recorded run's DELETE");
    });

    it("without a recorded run there is nothing to date deletions by: no record, no listing", async () => {
        const ids = publish(emulator);
        emulator.admin.deleteVersion(pkg, ids.get("1.0.0")!);
        emulator.admin.resetRequests();
        const props = { ...ref, policy: { keepLatest: 2, maxDeletions: 10 }, packageId: null, deleted: [], restored: [], blocked: [], lastRun: null, brokenImages: [] };
        assert.deepEqual((await provider.read("id", props)).props!.deleted, []);
        // Only the package itself is read (which package holds the name: identity.ts), no version list.
        assert.deepEqual(Object.keys(emulator.admin.requests().counts), ["packages/get-package-for-organization"]);
    });
});
