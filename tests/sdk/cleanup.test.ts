import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { PackageCleanup, PackageCleanupArgs } from "pulumi-github-packages";
import { E2E, startE2E } from "../support/e2e";

/** Declares a PackageCleanup with the policy in the stack config `policy`, as the user wrote it. */
const cleanupProgram: PulumiFn = async () => {
    const policy = new pulumi.Config().requireObject<PackageCleanupArgs>("policy");
    const cleanup = new PackageCleanup("cleanup", policy);
    return { deletions: cleanup.deletions, kept: cleanup.kept };
};

/** The active packages of acme, as the emulator holds them: key -> package id. */
function active(e2e: E2E): Map<string, number> {
    const org = e2e.emulator.admin.snapshot().orgs.find((o) => o.login === "acme");
    return new Map((org?.packages ?? []).filter((p) => !p.deletedAt).map((p) => [`${p.packageType}/${p.name}`, p.id!]));
}

describe("sdk/cleanup: PackageCleanup (end to end, real engine, emulator)", () => {
    let e2e: E2E;

    beforeEach(async () => {
        e2e = await startE2E(cleanupProgram);
    });

    afterEach(() => e2e.dispose());

    it("refuses a loose policy at construction, naming every problem, before any request", async () => {
        const policy = { org: "acme", keep: "widgets", maxDeletions: "5", rules: [{ olderThan: "6M", visiblity: "private" }, { include: "tmp-*" }] };
        await e2e.test.stack.setConfig("policy", { value: JSON.stringify(policy) });
        const before = active(e2e);
        for (const run of [() => e2e.test.stack.preview(), () => e2e.test.stack.up()]) {
            const error = await run().then(
                () => assert.fail("expected the run to fail"),
                (e: Error) => e,
            );
            for (const named of [/keep must be a list of globs/, /maxDeletions must be a whole number >= 0 .*got "5" \(a string\)/, /rules\[0\]\.olderThan: "6M" is not a duration/, /rules\[0\]\.visiblity is not a cleanup rule field; did you mean "visibility"/, /rules\[1\]\.include must be a list of globs/]) {
                assert.match(error.message, named);
            }
        }
        assert.equal(e2e.emulator.admin.requests().total, 0, "nothing was listed or deleted");
        assert.deepEqual(active(e2e), before);
    });

    it("keeps packages named type/name or by bare name in any case, and deletes only the rest", async () => {
        const policy = { org: "acme", rules: [{ name: "sweep", packageTypes: ["npm", "nuget"], olderThan: "36h" }], keep: ["npm/widgets", "acme.sdk"] };
        await e2e.test.stack.setConfig("policy", { value: JSON.stringify(policy) });
        const before = active(e2e);
        const up = await e2e.test.stack.up();
        assert.deepEqual(
            (up.outputs.deletions.value as { package: string }[]).map((d) => d.package),
            ["npm/internal-utils"],
        );
        assert.deepEqual(up.outputs.kept.value, ["npm/widgets", "nuget/Acme.Sdk"]);
        const after = active(e2e);
        assert.equal(after.has("npm/internal-utils"), false, "the unkept match is deleted");
        for (const key of ["npm/widgets", "nuget/Acme.Sdk", "maven/com.acme.billing", "container/platform/api-gateway"]) {
            assert.equal(after.get(key), before.get(key), `${key} is still held with its id`);
        }
        assert.equal(after.size, before.size - 1);
    });
});
