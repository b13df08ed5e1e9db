import { strict as assert } from "node:assert";
import type { Emulator } from "../../../emulator";
import { VersionRetentionInputs } from "../../../provider/retention/state";
import { VersionRetentionProvider } from "../../../provider/retention/provider";
import { startDemo, TOKENS } from "../../emulator/support";
import { providerFor, rejection } from "../../support/provider";

const LIST = "packages/get-all-package-versions-for-package-owned-by-org";

/** Publishes npm packages `lib-0` ... with three versions each. */
function publishLibs(emulator: Emulator, count: number): string[] {
    const names = Array.from({ length: count }, (_, i) => `lib-${i}`);
    for (const name of names) {
        emulator.admin.publishPackage("acme", { name, packageType: "npm", versions: [{ name: "1.0.0" }, { name: "1.0.1" }, { name: "1.0.2" }] });
    }
    return names;
}

/** The packages whose versions were listed, in order, once each as often as they were. */
function listed(emulator: Emulator): string[] {
    return emulator.admin
        .requests()
        .entries.filter((e) => e.operation === LIST)
        .map((e) => e.path.split("/")[5]);
}

function retention(name: string, extra: Partial<VersionRetentionInputs> = {}): VersionRetentionInputs {
    return { org: "acme", packageType: "npm", packageName: name, policy: { keepLatest: 2, maxDeletions: 5 }, ...extra };
}

describe("provider/retention/session", () => {
    let emulator: Emulator;
    let provider: VersionRetentionProvider;

    beforeEach(async () => {
        emulator = await startDemo();
        provider = await providerFor(emulator, TOKENS.admin, {}, () => new VersionRetentionProvider());
    });

    afterEach(() => emulator.close());

    it("lists the packages a check names (prefetch) in the background: their checks list nothing more, and the hint is not kept", async () => {
        const names = publishLibs(emulator, 8);
        emulator.admin.resetRequests();
        const first = await provider.check({} as VersionRetentionInputs, retention(names[0], { prefetch: names.slice(1).map((n) => `npm/${n}`) }));
        assert.deepEqual(first.failures ?? [], []);
        assert.equal("prefetch" in first.inputs!, false, "the checked inputs (stored in state) carry no hint");
        const plans = [first];
        for (const name of names.slice(1)) {
            plans.push(await provider.check({} as VersionRetentionInputs, retention(name)));
        }
        assert.deepEqual([...listed(emulator)].sort(), [...names].sort(), "every package listed exactly once");
        for (const plan of plans) {
            assert.deepEqual(
                plan.inputs!.plan!.delete.map((d) => d.version),
                ["1.0.0"],
                "each plan made from its own package's listing",
            );
        }
    });

    it("does not list in the background a package this run already checked and created (the engine may register resources out of order)", async () => {
        const names = publishLibs(emulator, 3);
        emulator.admin.resetRequests();
        // lib-1 registers first: its check lists it, its create uses that listing and deletes its plan.
        const checked = await provider.check({} as VersionRetentionInputs, retention(names[1]));
        await provider.create(checked.inputs!);
        // lib-0 comes next and names lib-1 and lib-2 as the packages checked after it.
        await provider.check({} as VersionRetentionInputs, retention(names[0], { prefetch: [`npm/${names[1]}`, `npm/${names[2]}`] }));
        await provider.check({} as VersionRetentionInputs, retention(names[2]));
        assert.deepEqual([...listed(emulator)].sort(), [...names].sort(), "every package listed exactly once");
    });

    it("a background listing that failed is made again by the package's own check", async () => {
        publishLibs(emulator, 2);
        emulator.admin.addFault({ kind: "error", status: 502, operation: LIST, nth: 1, times: 1 });
        emulator.admin.resetRequests();
        await provider.check({} as VersionRetentionInputs, retention("lib-0", { prefetch: ["npm/lib-1"] }));
        const second = await provider.check({} as VersionRetentionInputs, retention("lib-1"));
        assert.deepEqual(second.failures ?? [], []);
        assert.deepEqual(second.inputs!.plan!.delete.map((d) => d.version), ["1.0.0"]);
        assert.ok(listed(emulator).filter((n) => n === "lib-1").length >= 2, `lib-1 listed again by its check: ${listed(emulator)}`);
    });

    it("a package the background listing did not find fails its own check with the usual message", async () => {
        publishLibs(emulator, 1);
        await provider.check({} as VersionRetentionInputs, retention("lib-0", { prefetch: ["npm/lib-gone"] }));
        const error = await rejection(provider.check({} as VersionRetentionInputs, retention("lib-gone")));
        assert.match(error.message, /does not exist \(or the token cannot see it\); its retention did nothing/);
    });

    it("refuses a prefetch that is not a list of type/name keys, naming the field", async () => {
        for (const prefetch of [["lib-1"], "npm/lib-1", ["pypi/x"], ["npm/"]]) {
            const checked = await provider.check({} as VersionRetentionInputs, retention("lib-0", { prefetch: prefetch as string[] }));
            assert.equal(checked.failures?.[0]?.property, "prefetch", JSON.stringify(prefetch));
            assert.match(checked.failures![0].reason, /prefetch is set by VersionRetention: a list of "type\/name" package keys/);
        }
    });
});
