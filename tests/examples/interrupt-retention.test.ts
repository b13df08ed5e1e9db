import { strict as assert } from "node:assert";
import * as path from "node:path";
import { PACKAGE_VERSION_RETENTION_TYPE } from "pulumi-github-packages";
import type { Emulator, PackageKey } from "../../emulator";
import { startDemo, TOKENS } from "../emulator/support";
import { cliStack, CliStack, eventually, finished } from "../support/cli";

const PROJECT = path.join(__dirname, "fixtures", "retention");
const pkg: PackageKey = { org: "acme", packageType: "npm", name: "retained" };

/** Every version of the package, name to whether it is deleted. */
function versions(emulator: Emulator): Map<string, boolean> {
    const org = emulator.admin.snapshot().orgs.find((o) => o.login === pkg.org)!;
    const found = org.packages!.find((p) => p.name === pkg.name && p.packageType === pkg.packageType && !p.deletedAt)!;
    return new Map(found.versions!.map((v) => [v.name!, !!v.deletedAt]));
}

/** Successful DELETEs per version id, from the emulator's request log. */
function successfulDeletes(emulator: Emulator): Map<string, number> {
    const counts = new Map<string, number>();
    for (const entry of emulator.admin.requests().entries) {
        if (entry.operation === "packages/delete-package-version-for-org" && entry.status === 204) {
            const id = entry.path.split("/").pop()!;
            counts.set(id, (counts.get(id) ?? 0) + 1);
        }
    }
    return counts;
}

/**
 * `pulumi up` of a retention killed while it deletes versions (each DELETE held 1.5 s by the
 * emulator), then the documented recovery (`pulumi cancel` for the lock, `pulumi refresh`,
 * `pulumi up`): exactly the planned versions end up deleted, none twice, none skipped.
 */
describe("interrupted retention (CLI in a project directory, emulator)", () => {
    let emulator: Emulator;
    let cli: CliStack;
    const planned = ["1.0.0", "1.0.1", "1.0.2", "1.0.3", "1.0.4", "1.0.5"];

    beforeEach(async () => {
        emulator = await startDemo();
        emulator.admin.setNow(new Date(Date.now() - 10 * 86_400_000));
        emulator.admin.publishPackage(pkg.org, { name: pkg.name, packageType: "npm", versions: [{ name: "1.0.0" }] });
        for (let i = 1; i < 8; i++) {
            emulator.admin.advance("1d");
            emulator.admin.publishVersion(pkg, { name: `1.0.${i}` });
        }
        cli = await cliStack(PROJECT, {
            "github-packages:apiUrl": { value: emulator.url },
            "github-packages:token": { value: TOKENS.admin, secret: true },
            "github-packages:requestTimeoutMs": { value: "20000" },
            "github-packages:writesPerMinute": { value: "150" },
            package: { value: "npm/retained" },
            policy: { value: JSON.stringify({ keepLatest: 2, maxDeletions: 10 }) },
        });
        emulator.admin.addFault({ kind: "timeout", operation: "packages/delete-package-version-for-org", delayMs: 1500 });
    });

    afterEach(async () => {
        cli?.dispose();
        await emulator?.close();
    });

    it("SIGKILL midway: the next run deletes the rest, nothing twice, nothing outside the plan", async () => {
        const up = cli.start("up", "--yes");
        await eventually("two deletes reached the emulator", () => emulator.admin.faults()[0].matched >= 2, 60_000);
        const done = finished(up);
        up.kill("SIGKILL");
        await done;
        await eventually("every process of the killed run exits", () => cli.leftovers().length === 0, 20_000, () => cli.leftovers());
        // The DELETE held when the run died is answered (or dropped) within 1.5 s: let it settle.
        await new Promise((resolve) => setTimeout(resolve, 2000));
        const midway = [...versions(emulator)].filter(([, gone]) => gone).map(([name]) => name);
        assert.ok(midway.length < planned.length, `the kill stopped the run before every delete (deleted: ${midway.join(", ")})`);

        emulator.admin.clearFaults();
        const refresh = await cli.run("refresh", "--yes");
        if (refresh.code !== 0 && /pulumi cancel/.test(refresh.stdout + refresh.stderr)) {
            await cli.ok("cancel", "--yes");
        }
        await cli.ok("refresh", "--yes", "--clear-pending-creates");
        await cli.ok("up", "--yes");

        const after = versions(emulator);
        assert.deepEqual([...after].filter(([, gone]) => gone).map(([name]) => name).sort(), planned, "exactly the planned versions are deleted");
        assert.ok([...successfulDeletes(emulator).values()].every((n) => n === 1), "no version deleted twice");
        const state = await cli.deployment();
        const resource = (state.resources ?? []).find((r) => r.type === PACKAGE_VERSION_RETENTION_TYPE);
        const recorded = ((resource?.outputs?.deleted ?? []) as { name: string }[]).map((d) => d.name);
        // The run that was killed could not write state: its deletions are not recorded; the rest are.
        assert.deepEqual(recorded, planned.filter((name) => !midway.includes(name)));
        await cli.ok("preview", "--expect-no-changes");
    });
    it("SIGKILL of a later run: the next up records what it deleted, and restore \"all\" brings them back", async () => {
        // A first run, recorded: it deletes 1.0.0.
        await cli.ok("config", "set", "policy", JSON.stringify({ keepLatest: 7, maxDeletions: 10 }));
        await cli.ok("up", "--yes");
        assert.deepEqual([...versions(emulator)].filter(([, gone]) => gone).map(([name]) => name), ["1.0.0"]);
        const before = emulator.admin.faults()[0].matched;

        // The emulator's clock stands still: set it past the first run, which GitHub's deletion times follow.
        emulator.admin.setNow(new Date());
        // The next run would delete 1.0.1 to 1.0.5; it is killed after two DELETEs.
        await cli.ok("config", "set", "policy", JSON.stringify({ keepLatest: 2, maxDeletions: 10 }));
        const up = cli.start("up", "--yes");
        await eventually("two deletes reached the emulator", () => emulator.admin.faults()[0].matched >= before + 2, 60_000);
        const done = finished(up);
        up.kill("SIGKILL");
        await done;
        await eventually("every process of the killed run exits", () => cli.leftovers().length === 0, 20_000, () => cli.leftovers());
        await new Promise((resolve) => setTimeout(resolve, 2000));
        emulator.admin.clearFaults();
        const midway = [...versions(emulator)].filter(([, gone]) => gone).map(([name]) => name).filter((name) => name !== "1.0.0");
        assert.ok(midway.length >= 1 && midway.length < planned.length - 1, `the kill stopped the run midway (deleted: ${midway.join(", ")})`);

        const refresh = await cli.run("refresh", "--yes");
        if (refresh.code !== 0 && /pulumi cancel/.test(refresh.stdout + refresh.stderr)) {
            await cli.ok("cancel", "--yes");
            await cli.ok("refresh", "--yes");
        }
        const recorded = async () => {
            const resource = ((await cli.deployment()).resources ?? []).find((r) => r.type === PACKAGE_VERSION_RETENTION_TYPE);
            return ((resource?.outputs?.deleted ?? []) as { name: string; rule: string }[]).map((d) => d.name);
        };
        // The next up (the killed run's policy) records what the killed run deleted, then deletes the rest.
        await cli.ok("up", "--yes");
        assert.deepEqual([...versions(emulator)].filter(([, gone]) => gone).map(([name]) => name), ["1.0.0", ...planned.slice(1)]);
        assert.deepEqual(await recorded(), ["1.0.0", ...planned.slice(1)], "every version the resource deleted is recorded, the killed run's too");
        assert.ok([...successfulDeletes(emulator).values()].every((n) => n === 1), "no version deleted twice");

        // restore "all" brings back every version the resource deleted, the killed run's too; nothing else is deleted.
        const deletesBefore = [...successfulDeletes(emulator).values()].reduce((a, b) => a + b, 0);
        await cli.ok("config", "set", "restore", JSON.stringify("all"));
        await cli.ok("up", "--yes");
        assert.deepEqual([...versions(emulator)].filter(([, gone]) => gone), [], "every version is back");
        assert.equal([...successfulDeletes(emulator).values()].reduce((a, b) => a + b, 0), deletesBefore, "no DELETE while restoring");
        assert.deepEqual(await recorded(), []);
    });
});
