import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
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

    it("prints the JSON inventory with npx, exits 0, matches the emulator's packages, says what a policy would delete and free, and deletes nothing", async () => {
        const web = { org: "acme", name: "apps/web" };
        emulator.admin.pushIndex(web, { tags: ["v1"], attestations: true });
        const leftover = emulator.admin.pushImage(web, {});
        // Untagged leftovers go; the index's children and attestations stay with v1.
        const policyFile = path.join(installed.dir, "policy.json");
        writeFileSync(policyFile, JSON.stringify({ untagged: {}, protect: { tags: ["v*", "latest"] } }));
        const env = { ...process.env, GITHUB_TOKEN: TOKENS.readonly, GITHUB_API_URL: emulator.url, GITHUB_PACKAGES_REGISTRY_URL: "", npm_config_offline: "true" };
        const args = ["--no", "--", "pulumi-github-packages", "inventory", "--org", "acme", "--format", "json", "--details", "container/**", "--registry-url", emulator.url, "--policy", policyFile];
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
        const plan = report.registries.find((r) => r.packageType === "container")!.packages.find((p) => p.name === web.name)!.details!.policy!;
        assert.deepEqual(plan.deletions.map((d) => d.name), [leftover.digest]);
        const manifests = containers.find((p) => p.name === web.name)!.versions!.filter((v) => !v.deletedAt);
        const blobs = (json: unknown) => {
            const m = json as { config?: { digest: string; size: number }; layers?: { digest: string; size: number }[] };
            return [...(m.config ? [m.config] : []), ...(m.layers ?? [])];
        };
        const others = new Set(manifests.filter((v) => v.name !== leftover.digest).flatMap((v) => blobs(v.manifest).map((b) => b.digest)));
        const only = new Map(blobs(manifests.find((v) => v.name === leftover.digest)!.manifest).filter((b) => !others.has(b.digest)).map((b) => [b.digest, b.size]));
        assert.equal(plan.bytesFreed, [...only.values()].reduce((a, b) => a + b, 0), "the leftover's own blobs, from the emulator's manifests");
        assert.equal(report.policy!.deletions, report.registries.flatMap((r) => r.packages).reduce((n, p) => n + (p.details?.policy?.deleteCount ?? 0), 0));
        assert.equal(emulator.admin.requests().entries.filter((e) => e.method !== "GET" && e.method !== "HEAD").length, 0, "reads only");

        await assert.rejects(run("npx", ["--no", "--", "pulumi-github-packages", "inventory", "--org", "acme", "--colour"], { cwd: installed.dir, env }), (error: { code: number; stderr: string }) => {
            assert.equal(error.code, 2);
            assert.match(error.stderr, /unknown flag --colour/);
            return true;
        });
    });
});
