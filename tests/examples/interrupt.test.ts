import { strict as assert } from "node:assert";
import * as path from "node:path";
import { ORG_PACKAGE_TYPE } from "pulumi-github-packages";
import type { Emulator } from "../../emulator";
import { startDemo, TOKENS } from "../emulator/support";
import { cliStack, CliStack, eventually, finished } from "../support/cli";

const PROJECT = path.join(__dirname, "fixtures", "deletions");
const ABSENT = ["docker/legacy-service", "container/tools/ci-runner", "npm/internal-utils", "rubygems/acme-cli"];
const PRESENT = ["npm/widgets", "maven/com.acme.billing"];

/** Successful DELETEs of packages, per package path, from the emulator's request log. */
function successfulDeletes(emulator: Emulator): Map<string, number> {
    const counts = new Map<string, number>();
    for (const entry of emulator.admin.requests().entries) {
        if (entry.operation === "packages/delete-package-for-org" && entry.status === 204) {
            counts.set(entry.path, (counts.get(entry.path) ?? 0) + 1);
        }
    }
    return counts;
}

/** Every package of the organization with whether it is deleted, as "type/name". */
function organization(emulator: Emulator): Map<string, boolean> {
    const org = emulator.admin.snapshot().orgs.find((o) => o.login === "acme");
    return new Map((org?.packages ?? []).map((p) => [`${p.packageType}/${p.name}`, !!p.deletedAt]));
}

/**
 * `pulumi up` interrupted while it deletes packages (each delete held 2 s by the emulator, one
 * operation at a time), then the documented recovery: `pulumi refresh` (with
 * `--clear-pending-creates` when Pulumi asks for it) and `pulumi up`. Afterwards state and the
 * organization agree, exactly the declared packages are deleted, and no process of the runs is left.
 */
describe("interrupted `pulumi up` (CLI in a project directory, emulator)", () => {
    let emulator: Emulator;
    let cli: CliStack;
    let before: Map<string, boolean>;

    beforeEach(async () => {
        emulator = await startDemo();
        before = organization(emulator);
        cli = await cliStack(PROJECT, {
            "github-packages:apiUrl": { value: emulator.url },
            "github-packages:token": { value: TOKENS.admin, secret: true },
            "github-packages:requestTimeoutMs": { value: "20000" },
            absent: { value: JSON.stringify(ABSENT) },
            present: { value: JSON.stringify(PRESENT) },
        });
        emulator.admin.addFault({ kind: "timeout", operation: "packages/delete-package-for-org", delayMs: 2000 });
    });

    afterEach(async () => {
        cli?.dispose();
        await emulator?.close();
    });

    /** Starts `pulumi up` and resolves once the first delete reached the emulator (and is being held). */
    async function upUntilFirstDelete(): Promise<ReturnType<CliStack["start"]>> {
        const up = cli.start("up", "--yes", "--parallel", "1");
        await eventually("a delete request reached the emulator", () => emulator.admin.faults()[0].matched >= 1, 60_000);
        return up;
    }

    /**
     * The documented recovery: `pulumi refresh`, doing what Pulumi asks when it refuses (`pulumi
     * cancel` for a lock a killed run left, `--clear-pending-creates` for operations it left
     * pending), then `pulumi up`; then checks that state and organization agree.
     */
    async function recoverAndCheck(): Promise<string[]> {
        emulator.admin.clearFaults();
        const remedies: string[] = [];
        const flags: string[] = [];
        let refresh = await cli.run("refresh", "--yes");
        for (let attempt = 0; refresh.code !== 0 && attempt < 2; attempt++) {
            const said = refresh.stdout + refresh.stderr;
            if (/pulumi cancel/.test(said)) {
                remedies.push("cancel");
                await cli.ok("cancel", "--yes");
            } else if (/--clear-pending-creates/.test(said)) {
                remedies.push("--clear-pending-creates");
                flags.push("--clear-pending-creates");
            } else {
                break;
            }
            refresh = await cli.run("refresh", "--yes", ...flags);
        }
        assert.equal(refresh.code, 0, refresh.stdout + refresh.stderr);
        // Creates the killed run left pending: Pulumi warns about them; --clear-pending-creates lets
        // the refresh drop them (`up` then creates those resources again, finding what GitHub holds).
        if (((await cli.deployment()).pending_operations ?? []).length > 0) {
            remedies.push("--clear-pending-creates");
            await cli.ok("refresh", "--yes", "--clear-pending-creates");
        }
        await cli.ok("up", "--yes");

        const after = organization(emulator);
        const deleted = [...after].filter(([key, gone]) => gone && !before.get(key)).map(([key]) => key).sort();
        assert.deepEqual(deleted, [...ABSENT].sort(), "exactly the declared packages were deleted");
        for (const key of PRESENT) {
            assert.equal(after.get(key), false, `${key} is still published`);
        }
        const state = await cli.deployment();
        assert.deepEqual(state.pending_operations ?? [], [], "no pending operations left");
        const resources = (state.resources ?? []).filter((r) => r.type === ORG_PACKAGE_TYPE);
        assert.equal(resources.length, ABSENT.length + PRESENT.length);
        for (const r of resources) {
            const key = `${r.outputs?.packageType}/${r.outputs?.packageName}`;
            assert.equal(r.outputs?.status, after.get(key) ? "absent" : "present", `state and organization agree on ${key}`);
        }
        await cli.ok("preview", "--expect-no-changes");
        await eventually("no process of the runs is left", () => cli.leftovers().length === 0, 20_000, () => cli.leftovers());
        return remedies;
    }

    it("SIGINT (Ctrl-C): the engine finishes the delete in flight and stops; refresh and up converge", async () => {
        const up = await upUntilFirstDelete();
        const done = finished(up);
        up.kill("SIGINT");
        const result = await done;
        assert.notEqual(result.code, 0, "the update reports it was cancelled");
        assert.ok(
            [...organization(emulator)].filter(([key, gone]) => gone && !before.get(key)).length < ABSENT.length,
            "the interrupt stopped the update before every delete",
        );
        await recoverAndCheck();
    });

    it("PULUMI_SKIP_CHECKPOINTS: a killed up leaves state as before the run; refresh reads the truth, up converges, each package deleted once", async () => {
        // A recorded run adopts every package; the next one, which deletes, skips the checkpoints after each step.
        await cli.ok("config", "set-all", "--plaintext", "absent=[]", "--plaintext", `present=${JSON.stringify([...ABSENT, ...PRESENT])}`);
        emulator.admin.clearFaults();
        await cli.ok("up", "--yes");
        emulator.admin.addFault({ kind: "timeout", operation: "packages/delete-package-for-org", delayMs: 2000 });
        await cli.ok("config", "set-all", "--plaintext", `absent=${JSON.stringify(ABSENT)}`, "--plaintext", `present=${JSON.stringify(PRESENT)}`);
        cli.env.PULUMI_SKIP_CHECKPOINTS = "true";
        try {
            const up = cli.start("up", "--yes", "--parallel", "1");
            // The second DELETE is held: the first package is deleted and its step done, but no checkpoint recorded it.
            await eventually("a second delete reached the emulator", () => emulator.admin.faults()[0].matched >= 2, 60_000);
            const done = finished(up);
            up.kill("SIGKILL");
            await done;
        } finally {
            delete cli.env.PULUMI_SKIP_CHECKPOINTS;
        }
        await eventually("every process of the killed run exits", () => cli.leftovers().length === 0, 20_000, () => cli.leftovers());
        // The DELETE held when the run died is answered (or dropped) within 2 s: let it settle.
        await new Promise((resolve) => setTimeout(resolve, 2500));
        const gone = [...organization(emulator)].filter(([key, deleted]) => deleted && !before.get(key)).map(([key]) => key);
        assert.ok(gone.length >= 1 && gone.length < ABSENT.length, `the kill stopped the run midway (deleted: ${gone.join(", ")})`);
        const stale = ((await cli.deployment()).resources ?? []).filter((r) => r.type === ORG_PACKAGE_TYPE);
        for (const key of gone) {
            const r = stale.find((s) => `${s.outputs?.packageType}/${s.outputs?.packageName}` === key);
            assert.equal(r?.outputs?.status, "present", `state still says ${key} exists: the killed run recorded nothing`);
        }
        assert.deepEqual((await cli.deployment()).pending_operations ?? [], [], "nothing pending either");

        await recoverAndCheck();
        const deletes = successfulDeletes(emulator);
        assert.deepEqual([...deletes.keys()].map((p) => p.split("/").slice(4).map(decodeURIComponent).join("/")).sort(), [...ABSENT].sort(), "only the declared packages");
        assert.ok([...deletes.values()].every((n) => n === 1), `each deleted once: ${JSON.stringify([...deletes])}`);
    });

    it("SIGKILL of the engine: no language host, program or provider host outlives it; refresh and up converge", async () => {
        const up = await upUntilFirstDelete();
        const done = finished(up);
        up.kill("SIGKILL");
        await done;
        await eventually("every process of the killed run exits", () => cli.leftovers().length === 0, 20_000, () => cli.leftovers());
        const remedies = await recoverAndCheck();
        assert.ok(remedies.includes("cancel"), "the killed run's lock needed `pulumi cancel`");
    });
});
