import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Emulator } from "../../emulator";
import type { Inventory } from "../../provider/inventory/schema";
import { installPackage, InstalledPackage } from "../../scripts/installed";
import { startDemo, TOKENS } from "../emulator/support";

const run = promisify(execFile);

/**
 * The inventory command as a user runs it: `npx pulumi-github-packages inventory` in a project
 * that installed the packed package from npm, against the emulator, reading the token from
 * GITHUB_TOKEN. Asynchronous on purpose: the emulator answers from this process.
 */
describe("e2e: the inventory command of the installed package", function () {
    this.timeout(120_000);
    let installed: InstalledPackage;
    let emulator: Emulator;

    before(async function () {
        this.timeout(300_000);
        installed = installPackage();
        emulator = await startDemo();
    });

    after(async () => {
        installed?.dispose();
        await emulator?.close();
    });

    it("prints the JSON inventory with npx, exits 0, matches the emulator's packages and deletes nothing", async () => {
        const web = { org: "acme", name: "apps/web" };
        emulator.admin.pushIndex(web, { tags: ["v1"], attestations: true });
        const env = { ...process.env, GITHUB_TOKEN: TOKENS.readonly, GITHUB_API_URL: emulator.url, GITHUB_PACKAGES_REGISTRY_URL: "", npm_config_offline: "true" };
        const args = ["--no", "--", "pulumi-github-packages", "inventory", "--org", "acme", "--format", "json", "--details", "container/**", "--registry-url", emulator.url];
        const { stdout, stderr } = await run("npx", args, { cwd: installed.dir, env });
        assert.ok(!`${stdout}${stderr}`.includes(TOKENS.readonly), "the token is never printed");
        const report = JSON.parse(stdout) as Inventory;
        assert.equal(report.schemaVersion, 1);
        const held = emulator.admin
            .snapshot()
            .orgs.find((o) => o.login === "acme")!
            .packages!.filter((p) => !p.deletedAt);
        assert.deepEqual(
            report.registries.flatMap((r) => r.packages.map((p) => `${p.key} ${p.versionCount}`)).sort(),
            held.map((p) => `${p.packageType}/${p.name} ${p.versions!.filter((v) => !v.deletedAt).length}`).sort(),
        );
        const containers = held.filter((p) => p.packageType === "container");
        assert.equal(report.totals.manifestsRead, containers.reduce((n, p) => n + p.versions!.filter((v) => !v.deletedAt).length, 0));
        assert.ok(report.totals.bytes! > 0);
        assert.equal(emulator.admin.requests().entries.filter((e) => e.method !== "GET" && e.method !== "HEAD").length, 0, "reads only");

        await assert.rejects(run("npx", ["--no", "--", "pulumi-github-packages", "inventory", "--org", "acme", "--colour"], { cwd: installed.dir, env }), (error: { code: number; stderr: string }) => {
            assert.equal(error.code, 2);
            assert.match(error.stderr, /unknown flag --colour/);
            return true;
        });
    });
});
