import { strict as assert } from "node:assert";
import { execFileSync, spawn } from "node:child_process";
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ORG_PACKAGE_TYPE } from "pulumi-github-packages";
import type { Emulator } from "../../emulator";
import { startDemo, TOKENS } from "../emulator/support";
import { cliStack, CliResult, CliStack, eventually, finished, processesWithEnv } from "../support/cli";
import { REPO_ROOT } from "../support/pulumi";

/** A project that deletes some packages and adopts others (shared with tests/examples/interrupt.test.ts). */
const PROJECT = path.join(REPO_ROOT, "tests", "examples", "fixtures", "deletions");
const ABSENT = ["docker/legacy-service", "container/tools/ci-runner", "npm/internal-utils", "rubygems/acme-cli"];
const PRESENT = ["npm/widgets", "maven/com.acme.billing"];

/** Every package of the organization with whether it is deleted, as "type/name". */
function organization(emulator: Emulator): Map<string, boolean> {
    const org = emulator.admin.snapshot().orgs.find((o) => o.login === "acme");
    return new Map((org?.packages ?? []).map((p) => [`${p.packageType}/${p.name}`, !!p.deletedAt]));
}

/** The `pulumi` first on PATH, resolved through symlinks: the real CLI, which setup links (`ensure_pulumi`) instead of building one. */
function realPulumi(): string {
    const found = execFileSync("bash", ["-c", "command -v pulumi || true"], { encoding: "utf8" }).trim();
    assert.ok(found, "a pulumi CLI is on PATH (run through scripts/with-toolchain.sh)");
    return realpathSync(found);
}

/**
 * A second checkout of this repository on the same machine, as far as setup.sh sees one: its own
 * scripts and langhost/ (with one more module, so its compiled host differs from this one's),
 * this checkout's npm dependencies.
 */
function otherCheckout(root: string): string {
    for (const dir of ["scripts", "langhost"]) {
        mkdirSync(path.join(root, dir), { recursive: true });
    }
    for (const file of ["scripts/setup.sh", "scripts/toolchain-env.sh", "tsconfig.json"]) {
        cpSync(path.join(REPO_ROOT, file), path.join(root, file));
    }
    for (const file of readdirSync(path.join(REPO_ROOT, "langhost"))) {
        cpSync(path.join(REPO_ROOT, "langhost", file), path.join(root, "langhost", file));
    }
    writeFileSync(path.join(root, "langhost", "checkout.ts"), 'export const checkout = "other";\n');
    for (const entry of ["node_modules", "package.json", "package-lock.json"]) {
        symlinkSync(path.join(REPO_ROOT, entry), path.join(root, entry));
    }
    return root;
}

/**
 * `npm run setup` (scripts/setup.sh) installs the language host and the plugin shims into a cache
 * that every checkout of the user shares. Re-running it, in this checkout or another one, must
 * not break a `pulumi up` that runs through them at the same time: the engine starts the
 * language host and the dynamic provider host (both through shims that name files of the
 * compiled host) while the run goes on.
 */
describe("scripts/setup.sh: re-running setup while `pulumi up` runs", function () {
    this.timeout(180_000);
    let work: string;
    let cache: string;
    let other: string;
    let setupEnv: NodeJS.ProcessEnv;
    let emulator: Emulator | undefined;
    let cli: CliStack | undefined;

    /** Runs `bash <checkout>/scripts/setup.sh` on the isolated cache. */
    function setup(checkout: string): Promise<CliResult> {
        return finished(spawn("bash", [path.join(checkout, "scripts", "setup.sh")], { cwd: checkout, env: setupEnv, stdio: ["ignore", "pipe", "pipe"] }));
    }

    async function setupOk(checkout: string): Promise<void> {
        const result = await setup(checkout);
        assert.equal(result.code, 0, `setup.sh in ${checkout} failed:\n${result.stderr}`);
    }

    /** The cache's Pulumi directory (pulumi-v<version>). */
    function pulumiDir(): string {
        const dirs = readdirSync(cache).filter((d) => d.startsWith("pulumi-v"));
        assert.equal(dirs.length, 1, `one pulumi-v* directory in the cache: ${dirs}`);
        return path.join(cache, dirs[0]);
    }

    before(async () => {
        work = mkdtempSync(path.join(tmpdir(), "pgp-setup-"));
        cache = path.join(work, "cache");
        other = otherCheckout(path.join(work, "other"));
        // Setup finds the real CLI first on PATH (and nothing else from its directory).
        mkdirSync(path.join(work, "bin"));
        symlinkSync(realPulumi(), path.join(work, "bin", "pulumi"));
        setupEnv = { ...process.env, PGP_CACHE: cache, PATH: `${path.join(work, "bin")}:${process.env.PATH}` };
        await setupOk(REPO_ROOT);
    });

    after(() => rmSync(work, { recursive: true, force: true }));

    afterEach(async () => {
        cli?.dispose();
        cli = undefined;
        await emulator?.close();
        emulator = undefined;
    });

    it("a `pulumi up` through the cached host and shims succeeds while two checkouts re-run setup", async () => {
        // The engine does one operation at a time and each API answer takes 250 ms: the run's
        // phases last a while after its first language host starts, when the setups begin.
        emulator = await startDemo({ latencyMs: 250 });
        const before = organization(emulator);
        cli = await cliStack(PROJECT, {
            "github-packages:apiUrl": { value: emulator.url },
            "github-packages:token": { value: TOKENS.admin, secret: true },
            absent: { value: JSON.stringify(ABSENT) },
            present: { value: JSON.stringify(PRESENT) },
        });
        // The run finds the language host and the provider shim of the isolated cache first on
        // PATH. The program is transpiled without type checks: the run is about the hosts.
        Object.assign(cli.env, { PGP_CACHE: cache, PATH: `${path.join(pulumiDir(), "bin")}:${setupEnv.PATH}`, PULUMI_NODEJS_TRANSPILE_ONLY: "true" });

        const t0 = Date.now();
        let running = true;
        const up = finished(cli.start("up", "--yes", "--parallel", "1")).finally(() => (running = false));
        // Each host process of the run, from the isolated cache, and when it was first seen.
        const hosts = new Map<number, { host: string; atMs: number }>();
        const watch = setInterval(() => {
            for (const p of processesWithEnv("PGP_TEST_RUN", cli!.marker)) {
                const host = !p.command.includes(cache)
                    ? undefined
                    : p.command.includes("/main.js")
                      ? "language host"
                      : p.command.includes("/exit-with-parent.js") && p.command.includes("dynamic-provider")
                        ? "provider host"
                        : undefined;
                if (host && !hosts.has(p.pid)) {
                    hosts.set(p.pid, { host, atMs: Date.now() - t0 });
                }
            }
        }, 100);
        const rounds: Array<{ startMs: number; endMs: number; failures: string[] }> = [];
        try {
            // From the first language host on, two setups at a time, again and again until the run
            // ends: what the run starts next (the provider host, the update's language host)
            // starts while the cache is being rewritten.
            await eventually("the run's language host starts", () => [...hosts.values()].some((h) => h.host === "language host") || !running, 60_000);
            while (running) {
                const startMs = Date.now() - t0;
                const results = await Promise.all([setup(REPO_ROOT), setup(other)]);
                rounds.push({ startMs, endMs: Date.now() - t0, failures: results.filter((r) => r.code !== 0).map((r) => r.stderr) });
            }
        } finally {
            clearInterval(watch);
        }
        const result = await up;
        const timeline = JSON.stringify({ runMs: Date.now() - t0, rounds: rounds.map((r) => [r.startMs, r.endMs]), hosts: [...hosts.values()] });

        assert.equal(result.code, 0, `pulumi up failed while setup ran ${timeline}:\n${result.stdout}\n${result.stderr}`);
        assert.deepEqual(rounds.flatMap((r) => r.failures), [], "every setup succeeded");
        assert.deepEqual([...new Set([...hosts.values()].map((h) => h.host))].sort(), ["language host", "provider host"], `the run used the cache's language host and provider shim ${timeline}`);
        const duringSetup = [...hosts.values()].filter((h) => rounds.some((r) => r.startMs <= h.atMs && h.atMs <= r.endMs));
        assert.ok(duringSetup.length > 0, `a host of the run started while setups ran ${timeline}`);

        const after = organization(emulator);
        const deleted = [...after].filter(([key, gone]) => gone && !before.get(key)).map(([key]) => key).sort();
        assert.deepEqual(deleted, [...ABSENT].sort(), "exactly the declared packages were deleted");
        for (const key of PRESENT) {
            assert.equal(after.get(key), false, `${key} is still published`);
        }
        const resources = ((await cli.deployment()).resources ?? []).filter((r) => r.type === ORG_PACKAGE_TYPE);
        assert.deepEqual(
            resources.map((r) => `${r.outputs?.packageType}/${r.outputs?.packageName}=${r.outputs?.status}`).sort(),
            [...ABSENT.map((k) => `${k}=absent`), ...PRESENT.map((k) => `${k}=present`)].sort(),
        );
    });

    it("leaves the shims and the host alone when nothing changed, and removes old hosts only when unused for an hour", async () => {
        await setupOk(REPO_ROOT);
        const dir = pulumiDir();
        const shims = ["pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs", "pulumi-analyzer-policy-nodejs"].map((s) => path.join(dir, "bin", s));
        const current = readlinkSync(path.join(dir, "language-host"));
        const inodes = shims.map((s) => statSync(s).ino);
        for (const shim of shims) {
            assert.ok(readFileSync(shim, "utf8").includes(path.join(dir, current)), `${shim} names the current host ${current}`);
        }

        // Hosts superseded two hours ago (one still named by a running process), and one superseded five minutes ago.
        const hours = new Date(Date.now() - 2 * 3600_000);
        const old = ["language-host.000000000000.unused", "language-host.000000000000.running", "language-host.000000000000.recent"];
        for (const name of old) {
            cpSync(path.join(dir, current), path.join(dir, name), { recursive: true });
            utimesSync(path.join(dir, name), hours, hours);
        }
        const minutes = new Date(Date.now() - 5 * 60_000);
        utimesSync(path.join(dir, old[2]), minutes, minutes);
        const user = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)", path.join(dir, old[1], "main.js")], { stdio: "ignore" });
        try {
            await setupOk(REPO_ROOT);
        } finally {
            user.kill("SIGKILL");
        }

        assert.equal(readlinkSync(path.join(dir, "language-host")), current, "the host did not change");
        assert.deepEqual(shims.map((s) => statSync(s).ino), inodes, "no shim was rewritten");
        const left = readdirSync(dir).filter((d) => d.startsWith("language-host."));
        assert.ok(!left.includes(old[0]), `the unused old host is removed: ${left}`);
        assert.ok(left.includes(old[1]), `the old host a process runs is kept: ${left}`);
        assert.ok(left.includes(old[2]), `the host superseded minutes ago is kept: ${left}`);
        assert.ok(left.includes(current) && lstatSync(path.join(dir, "language-host")).isSymbolicLink());
    });
});
