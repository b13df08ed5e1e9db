/**
 * `npm run bench [-- N ...]`: the cost of managing N packages (default 100 and 1,000).
 *
 * For each N it seeds the emulator with N packages, runs `pulumi up` then `pulumi refresh`
 * on a program managing all of them, and records wall time, API requests per endpoint (the
 * emulator's request log) and state bytes per resource. The same N resources of a no-op
 * dynamic provider give the floor: the engine's own cost. The managed program runs in a
 * scratch project that installed the packed package from npm, as users' stacks do (see
 * scripts/installed.ts). Prints a table and writes JSON to
 * bench/results/. A benchmark, not a test: it reports figures and checks the targets, it
 * never fails on time.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace, PulumiFn } from "@pulumi/pulumi/automation";
import type { OrgPackageArgs } from "pulumi-github-packages";
import { createEmulator, Emulator, Seed } from "../emulator";
import { localBackend } from "./backend";
import { installPackage, InstalledPackage } from "./installed";
import { scratchProjectDir } from "./program";

const ROOT = path.resolve(__dirname, "..");
const RESULTS = path.join(ROOT, "bench", "results");
const TOKEN = "ghp_bench_token";
const ORG = "bench";
/** Half the packages are npm, half container (nested names), so two registries are listed. */
const TYPES = ["npm", "container"] as const;
const DYNAMIC = "pulumi-nodejs:dynamic/";

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

/** The program managing all N packages, as the installed project's stack host declares it. */
function managedPackages(n: number): Record<string, OrgPackageArgs> {
    return Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, { org: ORG, ...packageName(i) }]));
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

function bytesPerResource(resources: Array<{ type: string }>, n: number): number {
    return Math.round(JSON.stringify(resources.filter((r) => r.type.startsWith(DYNAMIC))).length / n);
}

function round(seconds: number): number {
    return Math.round(seconds * 100) / 100;
}

/** The provider's figures: the program runs in the installed project, as a user's stack would. */
async function measureProvider(n: number, installed: InstalledPackage, emulator: Emulator): Promise<RunFigures> {
    const stack = await installed.openStack({
        config: {
            "github-packages:apiUrl": { value: emulator.url },
            "github-packages:token": { value: TOKEN, secret: true },
        },
        packages: managedPackages(n),
    });
    try {
        emulator.admin.resetRequests();
        const up = await stack.up();
        const upRequests = emulator.admin.requests().counts;
        emulator.admin.resetRequests();
        const refresh = await stack.refresh();
        const requests = emulator.admin.requests();
        return {
            upSeconds: round(up.seconds),
            refreshSeconds: round(refresh.seconds),
            stateBytesPerResource: bytesPerResource((await stack.exportDeployment()).resources, n),
            upRequests,
            refreshRequests: requests.counts,
            refreshRequestTotal: requests.total,
        };
    } finally {
        await stack.close();
    }
}

/** The floor: N resources of a no-op dynamic provider, hosted in this process. */
async function measureFloor(n: number): Promise<RunFigures> {
    const backend = localBackend("bench", "bench");
    const workDir = scratchProjectDir("bench");
    try {
        const stack = await LocalWorkspace.createStack(
            { stackName: backend.stackName, projectName: "pgp-bench", program: floorProgram(n) },
            {
                workDir,
                envVars: backend.envVars,
                projectSettings: { name: "pgp-bench", runtime: "nodejs" },
            },
        );
        const upSeconds = await timed(() => stack.up());
        const refreshSeconds = await timed(() => stack.refresh());
        const state = await stack.exportStack();
        return {
            upSeconds: round(upSeconds),
            refreshSeconds: round(refreshSeconds),
            stateBytesPerResource: bytesPerResource(state.deployment.resources, n),
        };
    } finally {
        backend.dispose();
        rmSync(workDir, { recursive: true, force: true });
    }
}

async function bench(n: number, installed: InstalledPackage): Promise<BenchResult> {
    const emulator = await createEmulator({ seed: seed(n) });
    try {
        const provider = await measureProvider(n, installed, emulator);
        const floor = await measureFloor(n);
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
    process.stderr.write("bench: installing the packed package into a scratch project...\n");
    const installed = installPackage();
    const results: BenchResult[] = [];
    try {
        for (const n of sizes.length > 0 ? sizes : [100, 1000]) {
            process.stderr.write(`bench: N=${n}...\n`);
            results.push(await bench(n, installed));
        }
    } finally {
        installed.dispose();
    }
    const report = {
        date: new Date().toISOString(),
        machine: { node: process.version, cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30) },
        results,
    };
    mkdirSync(RESULTS, { recursive: true });
    const file = path.join(RESULTS, `bench-${report.date.replace(/[:.]/g, "-")}.json`);
    writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
    writeFileSync(path.join(RESULTS, "latest.json"), JSON.stringify(report, null, 2) + "\n");
    process.stdout.write(`${table(results)}\n\nJSON: ${path.relative(ROOT, file)}\n`);
}

main().catch((error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
});
