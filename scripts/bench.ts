/**
 * `npm run bench [-- N ...]`: the cost of managing N packages (default 100 and 1,000).
 *
 * For each N it seeds the emulator with N packages, runs `pulumi up` then `pulumi refresh`
 * on a program managing all of them, and records wall time, API requests per endpoint (the
 * emulator's request log) and state bytes per resource. The same N resources of a no-op
 * dynamic provider give the floor: the engine's own cost. Prints a table and writes JSON to
 * bench/results/. A benchmark, not a test: it reports figures and checks the targets, it
 * never fails on time.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { scratchProjectDir } from "./program";
import { OrgPackage } from "pulumi-github-packages";
import { createEmulator, Emulator, Seed } from "../emulator";

const ROOT = path.resolve(__dirname, "..");
const RESULTS = path.join(ROOT, "bench", "results");
const TOKEN = "ghp_bench_token";
const ORG = "bench";
/** Half the packages are npm, half container (nested names), so two registries are listed. */
const TYPES = ["npm", "container"] as const;

/** Figures of one run of one program. */
interface RunFigures {
    upSeconds: number;
    refreshSeconds: number;
    stateBytesPerResource: number;
    upRequests?: Record<string, number>;
    refreshRequests?: Record<string, number>;
    refreshRequestTotal?: number;
}

/** Figures for one N. */
interface BenchResult {
    n: number;
    provider: RunFigures;
    floor: RunFigures;
    targets: { refreshRequests: string; refreshTime: string; stateSize: string };
}

function packageName(i: number): { packageType: (typeof TYPES)[number]; packageName: string } {
    const packageType = TYPES[i % TYPES.length];
    const id = String(i).padStart(5, "0");
    return { packageType, packageName: packageType === "container" ? `services/svc-${id}` : `lib-${id}` };
}

function seed(n: number): Seed {
    return {
        orgs: [
            {
                login: ORG,
                packages: Array.from({ length: n }, (_, i) => {
                    const { packageType, packageName: name } = packageName(i);
                    return { name, packageType, visibility: "private" as const };
                }),
            },
        ],
        tokens: [{ token: TOKEN, login: "bench-admin", scopes: ["read:packages", "write:packages", "delete:packages", "repo"], rateLimit: 1_000_000 }],
    };
}

/**
 * The serialized provider as users get it: the packed package installed with npm into a
 * scratch project (from the registry, pinned @pulumi/pulumi), then serialized there. Installed
 * under node_modules, the closure serializer stores `require("pulumi-github-packages/shim")`;
 * in this repository the package is a symlink to the source tree, so the forwarders are inlined.
 */
function installedProviderBytes(): number {
    const dir = mkdtempSync(path.join(tmpdir(), "pgp-bench-installed-"));
    try {
        const pulumiVersion = require("@pulumi/pulumi/package.json").version as string;
        const tarball = execFileSync("npm", ["pack", ROOT, "--pack-destination", dir, "--silent"], { encoding: "utf8" }).trim().split("\n").pop()!;
        writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "installed", version: "1.0.0", private: true }));
        execFileSync("npm", ["install", "--silent", "--no-audit", "--no-fund", `./${tarball}`, `@pulumi/pulumi@${pulumiVersion}`], { cwd: dir, stdio: "ignore" });
        const script = `const shim = require("pulumi-github-packages/shim"); require("@pulumi/pulumi").runtime.serializeFunction(() => shim, { allowSecrets: true }).then((r) => console.log(r.text.length))`;
        return Number(execFileSync("node", ["-e", script], { cwd: dir, encoding: "utf8" }).trim());
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

function managedProgram(n: number): PulumiFn {
    return async () => {
        for (let i = 0; i < n; i++) {
            new OrgPackage(`p${i}`, { org: ORG, ...packageName(i) });
        }
    };
}

const noop: pulumi.dynamic.ResourceProvider = {
    async create(inputs) {
        return { id: `noop-${inputs.i}`, outs: inputs };
    },
    async read(id, props) {
        return { id, props };
    },
};

class Noop extends pulumi.dynamic.Resource {
    constructor(name: string, i: number) {
        super(noop, name, { i }, {}, "bench", "Noop");
    }
}

function floorProgram(n: number): PulumiFn {
    return async () => {
        for (let i = 0; i < n; i++) {
            new Noop(`p${i}`, i);
        }
    };
}

async function timed(run: () => Promise<unknown>): Promise<number> {
    const start = process.hrtime.bigint();
    await run();
    return Number(process.hrtime.bigint() - start) / 1e9;
}

async function stateBytesPerResource(stack: Stack, n: number): Promise<number> {
    const state = await stack.exportStack();
    const resources = (state.deployment.resources as Array<{ type: string }>).filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"));
    return Math.round(JSON.stringify(resources).length / n);
}

async function measure(n: number, program: PulumiFn, emulator?: Emulator): Promise<RunFigures> {
    const backend = mkdtempSync(path.join(tmpdir(), "pgp-bench-"));
    const stackName = `bench-${path.basename(backend).slice(-6).toLowerCase()}`;
    const workDir = scratchProjectDir("bench");
    try {
        const stack = await LocalWorkspace.createStack(
            { stackName, projectName: "pgp-bench", program },
            {
                workDir,
                envVars: { PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_CONFIG_PASSPHRASE: "bench", PULUMI_SKIP_UPDATE_CHECK: "true" },
                projectSettings: { name: "pgp-bench", runtime: "nodejs" },
            },
        );
        if (emulator) {
            await stack.setAllConfig({
                "github-packages:apiUrl": { value: emulator.url },
                "github-packages:token": { value: TOKEN, secret: true },
            });
            emulator.admin.resetRequests();
        }
        const upSeconds = await timed(() => stack.up());
        const upRequests = emulator?.admin.requests().counts;
        emulator?.admin.resetRequests();
        const refreshSeconds = await timed(() => stack.refresh());
        const refresh = emulator?.admin.requests();
        return {
            upSeconds: round(upSeconds),
            refreshSeconds: round(refreshSeconds),
            stateBytesPerResource: await stateBytesPerResource(stack, n),
            upRequests,
            refreshRequests: refresh?.counts,
            refreshRequestTotal: refresh?.total,
        };
    } finally {
        rmSync(backend, { recursive: true, force: true });
        rmSync(workDir, { recursive: true, force: true });
    }
}

function round(seconds: number): number {
    return Math.round(seconds * 100) / 100;
}

async function bench(n: number): Promise<BenchResult> {
    const emulator = await createEmulator({ seed: seed(n) });
    try {
        const provider = await measure(n, managedProgram(n), emulator);
        const floor = await measure(n, floorProgram(n));
        const maxRequests = Math.ceil(n / 100) + 5;
        const ratio = provider.refreshSeconds / floor.refreshSeconds;
        return {
            n,
            provider,
            floor,
            targets: {
                refreshRequests: `${provider.refreshRequestTotal} <= ${maxRequests}: ${provider.refreshRequestTotal! <= maxRequests ? "met" : "MISSED"}`,
                refreshTime: `${ratio.toFixed(2)}x floor <= 1.5x: ${ratio <= 1.5 ? "met" : "MISSED"}`,
                stateSize: `${provider.stateBytesPerResource} B <= 4096 B: ${provider.stateBytesPerResource <= 4096 ? "met" : "MISSED"}`,
            },
        };
    } finally {
        await emulator.close();
    }
}

function table(results: BenchResult[]): string {
    const lines = [
        "| N | up s (floor) | refresh s (floor) | refresh requests | state B/resource (floor) | targets |",
        "|---|---|---|---|---|---|",
    ];
    for (const r of results) {
        const requests = Object.entries(r.provider.refreshRequests ?? {})
            .map(([op, count]) => `${op.replace("packages/", "")}: ${count}`)
            .join(", ");
        lines.push(
            `| ${r.n} | ${r.provider.upSeconds} (${r.floor.upSeconds}) | ${r.provider.refreshSeconds} (${r.floor.refreshSeconds}) | ${r.provider.refreshRequestTotal} (${requests}) | ${r.provider.stateBytesPerResource} (${r.floor.stateBytesPerResource}) | ${Object.values(r.targets).join("; ")} |`,
        );
    }
    return lines.join("\n");
}

async function main(): Promise<void> {
    const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
    const results: BenchResult[] = [];
    for (const n of sizes.length > 0 ? sizes : [100, 1000]) {
        process.stderr.write(`bench: N=${n}...\n`);
        results.push(await bench(n));
    }
    process.stderr.write("bench: serialized provider of the installed package...\n");
    const shim: unknown = require("pulumi-github-packages/shim");
    const repoProviderBytes = (await pulumi.runtime.serializeFunction(() => shim, { allowSecrets: true })).text.length;
    const installedBytes = installedProviderBytes();
    const perResourceInRepo = results[results.length - 1].provider.stateBytesPerResource;
    const provider = {
        repoProviderBytes,
        installedProviderBytes: installedBytes,
        // __provider is stored twice per resource (inputs and outputs).
        installedStateBytesPerResourceEstimate: perResourceInRepo - 2 * (repoProviderBytes - installedBytes),
    };
    const report = {
        date: new Date().toISOString(),
        machine: { node: process.version, cpus: require("node:os").cpus().length, memoryGiB: Math.round(require("node:os").totalmem() / 2 ** 30) },
        results,
        provider,
    };
    mkdirSync(RESULTS, { recursive: true });
    const file = path.join(RESULTS, `bench-${report.date.replace(/[:.]/g, "-")}.json`);
    writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
    writeFileSync(path.join(RESULTS, "latest.json"), JSON.stringify(report, null, 2) + "\n");
    process.stdout.write(
        `${table(results)}\n\nserialized provider: ${repoProviderBytes} B in this repository, ${installedBytes} B as installed from npm; ` +
            `state per resource as installed: about ${provider.installedStateBytesPerResourceEstimate} B\n\nJSON: ${path.relative(ROOT, file)}\n`,
    );
}

main().catch((error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
});
