import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Emulator, PackageKey } from "../../emulator";
import { startDemo, TOKENS } from "../emulator/support";
import { cliStack, CliStack, eventually, finished } from "../support/cli";

const PROJECT = path.join(__dirname, "fixtures", "retention");
const pkg: PackageKey = { org: "acme", packageType: "npm", name: "retained" };

/** The package's active version names, as the emulator holds them. */
function active(emulator: Emulator): string[] {
    const org = emulator.admin.snapshot().orgs.find((o) => o.login === pkg.org)!;
    const found = org.packages!.find((p) => p.name === pkg.name && p.packageType === pkg.packageType && !p.deletedAt)!;
    return found.versions!.filter((v) => !v.deletedAt).map((v) => v.name!).sort();
}

function deletes(emulator: Emulator): string[] {
    return emulator.admin
        .requests()
        .entries.filter((e) => e.method === "DELETE")
        .map((e) => e.path);
}

/**
 * The CI recipe of docs/retention.md: `pulumi preview --save-plan`, approve, then
 * `pulumi up --plan`. A version published between the two must not push an older one out of
 * keepLatest: the update's own check plans differently, the engine refuses the update before
 * any step, and nothing is deleted; a fresh preview and plan then deletes what it shows.
 */
describe("approved retention plans (CLI in a project directory, --save-plan / --plan, emulator)", () => {
    let emulator: Emulator;
    let cli: CliStack;
    let dir: string;

    beforeEach(async () => {
        emulator = await startDemo();
        emulator.admin.setNow(new Date(Date.now() - 10 * 86_400_000));
        emulator.admin.publishPackage(pkg.org, { name: pkg.name, packageType: "npm", versions: [{ name: "1.0.0" }] });
        for (let i = 1; i < 4; i++) {
            emulator.admin.advance("1d");
            emulator.admin.publishVersion(pkg, { name: `1.0.${i}` });
        }
        emulator.admin.setNow(new Date());
        cli = await cliStack(PROJECT, {
            "github-packages:apiUrl": { value: emulator.url },
            "github-packages:token": { value: TOKENS.admin, secret: true },
            package: { value: "npm/retained" },
            policy: { value: JSON.stringify({ keepLatest: 3, maxDeletions: 10 }) },
        });
        cli.env.PULUMI_EXPERIMENTAL = "true";
        dir = mkdtempSync(path.join(tmpdir(), "pgp-plan-"));
    });

    afterEach(async () => {
        cli?.dispose();
        await emulator?.close();
        rmSync(dir, { recursive: true, force: true });
    });

    it("a version published after the saved preview: up --plan deletes nothing; a new preview and plan delete what they show", async () => {
        const plan = path.join(dir, "plan.json");
        const preview = await cli.ok("preview", "--diff", "--save-plan", plan);
        assert.match(preview.stdout, /4 active versions: delete 1 \(size unknown\), keep 3/);
        emulator.admin.publishVersion(pkg, { name: "1.0.4" });

        const up = await cli.run("up", "--yes", "--plan", plan);
        assert.notEqual(up.code, 0, up.stdout);
        assert.match(up.stdout + up.stderr, /violates plan/);
        assert.deepEqual(deletes(emulator), [], "no DELETE was sent");
        assert.deepEqual(active(emulator), ["1.0.0", "1.0.1", "1.0.2", "1.0.3", "1.0.4"]);

        const again = path.join(dir, "again.json");
        const second = await cli.ok("preview", "--diff", "--save-plan", again);
        assert.match(second.stdout, /5 active versions: delete 2 \(size unknown\), keep 3/);
        await cli.ok("up", "--yes", "--plan", again);
        assert.deepEqual(active(emulator), ["1.0.2", "1.0.3", "1.0.4"]);
        assert.equal(deletes(emulator).length, 2);
    });

    it("up --strict: a version published while the update lists (after its preview) deletes nothing", async () => {
        // The second version list (the update's own check, after the preview's) is held 3 s; 1.0.4 is published meanwhile.
        emulator.admin.addFault({ kind: "timeout", operation: "packages/get-all-package-versions-for-package-owned-by-org", nth: 2, delayMs: 3000 });
        const up = cli.start("up", "--yes", "--strict", "--diff");
        const done = finished(up);
        await eventually("the update's check lists", () => emulator.admin.faults()[0].fired >= 1, 120_000);
        emulator.admin.publishVersion(pkg, { name: "1.0.4" });
        const result = await done;
        assert.match(result.stdout, /4 active versions: delete 1 \(size unknown\), keep 3/, "the preview showed one deletion");
        assert.notEqual(result.code, 0, result.stdout);
        assert.match(result.stdout + result.stderr, /violates plan/);
        assert.deepEqual(deletes(emulator), [], "no DELETE was sent");
        assert.deepEqual(active(emulator), ["1.0.0", "1.0.1", "1.0.2", "1.0.3", "1.0.4"]);
    });

    it("interactive up, and preview then up --skip-preview: a version published after the preview pushes nothing out", async () => {
        await cli.ok("up", "--yes");
        assert.deepEqual(active(emulator), ["1.0.1", "1.0.2", "1.0.3"]);
        // Published after the first run listed: kept, and not counted until a run has listed it.
        emulator.admin.publishVersion(pkg, { name: "1.0.4" });
        await cli.ok("up", "--yes");
        assert.equal(deletes(emulator).length, 1, "the second run deletes nothing");

        // Interactive up: the update's own version list is held 3 s and 1.0.5 is published meanwhile.
        emulator.admin.addFault({ kind: "timeout", operation: "packages/get-all-package-versions-for-package-owned-by-org", nth: 2, delayMs: 3000 });
        const up = cli.start("up", "--yes", "--diff");
        const done = finished(up);
        await eventually("the update's check lists", () => emulator.admin.faults()[0].fired >= 1, 120_000);
        emulator.admin.publishVersion(pkg, { name: "1.0.5" });
        const result = await done;
        assert.equal(result.code, 0, result.stdout + result.stderr);
        assert.match(result.stdout, /5 active versions: delete 1 \(size unknown\), keep 4 \(1 published-since-last-run, 3 keep-latest\)/, "the preview showed one deletion");
        assert.deepEqual(active(emulator), ["1.0.2", "1.0.3", "1.0.4", "1.0.5"], "the update deleted exactly what its preview showed");
        assert.equal(deletes(emulator).length, 2);

        // A preview approved in one job, the update later with --skip-preview: 1.0.6 published in between.
        const preview = await cli.ok("preview", "--diff");
        assert.match(preview.stdout, /4 active versions: delete 1 \(size unknown\), keep 3/);
        emulator.admin.publishVersion(pkg, { name: "1.0.6" });
        await cli.ok("up", "--yes", "--skip-preview");
        assert.deepEqual(active(emulator), ["1.0.3", "1.0.4", "1.0.5", "1.0.6"], "1.0.3 stays: the preview kept it");
        assert.equal(deletes(emulator).length, 3);
    });

    it("nothing changed since the saved preview: up --plan deletes exactly what it showed", async () => {
        const plan = path.join(dir, "plan.json");
        await cli.ok("preview", "--diff", "--save-plan", plan);
        await cli.ok("up", "--yes", "--plan", plan);
        assert.deepEqual(active(emulator), ["1.0.1", "1.0.2", "1.0.3"]);
        assert.equal(deletes(emulator).length, 1);
    });
});
