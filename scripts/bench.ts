/**
 * `npm run bench [-- --quick]`: what the provider costs in every shape of organization, at
 * 0 ms and at 100 ms of GitHub latency (the emulator's `latencyMs`, with 10% seeded jitter).
 *
 * Shapes: all managed (N = 100 and 1,000 packages, half npm, half container, every one
 * managed: `pulumi up` then `pulumi refresh`), few in a big organization (5 managed of 20,000
 * npm packages), and a cleanup plan over 12,000 npm packages (`pulumi preview`, then `pulumi
 * up` deleting the 5 matches), and version retention: one npm package of 5,000 versions and
 * 200 packages of 100 versions (`pulumi preview`, then `pulumi up` deleting 10 and 200 versions
 * at 150 writes a minute; `--retention` runs only these, `--retention --previews` only their previews, `--state` only the
 * state per retention with the plan stored twice, as before, and once). The managed programs run in a scratch project that installed the
 * packed package, as users' stacks do (scripts/installed.ts); the cleanup runs inline.
 *
 * The floor is the engine's own cost: the same resources from a no-op dynamic provider whose
 * inputs and outputs have the same properties and sizes as the OrgPackage's (copied from the
 * provider's state, the package name swapped) and the same stack config. It does not touch the emulator, so latency
 * does not change it; it is measured once per shape. Its provider is a module in the scratch
 * project's node_modules, so state stores a one-line `require` of it, as it stores the
 * installed package's shim. "Today's" floor has the outputs 0.1.0 stored (recorded in
 * tests/e2e/fixtures/state-0-1-0/state.json: name, url, ownerLogin and a full baseline), so one
 * run shows what the smaller state saves; N = 1,000's `up` is held to half of today's floor.
 *
 * Bytes per resource: what one OrgPackage (PackageVersionRetention) takes in the state file, in
 * compact JSON as the file backend writes it, by part: inputs, outputs (both without the
 * serialized provider), the serialized provider (`__provider`, in both) and the engine's own
 * fields (urn, parent, provider, propertyDependencies, created/modified, sourcePosition,
 * stackTrace). `--scale` runs only `up` of all managed N = 1,000 (N = 100 with `--quick`) at
 * 0 ms: the provider, the provider with `PULUMI_SKIP_CHECKPOINTS=true`, and both floors.
 *
 * Prints requests (per registry, against 2 x min(reads, pages) + 2), wall times, ratios and
 * the targets, and writes JSON to bench/results/. A benchmark, not a test: it reports figures
 * and marks missed targets, it never fails on time. Refreshes and previews are run three times
 * and their median kept. `--quick` runs N = 100 and the small shapes only.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigMap, LocalWorkspace, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import type { OrgPackageArgs } from "pulumi-github-packages";
import { createEmulator, Emulator, RequestLogEntry, Seed, SeedPackage } from "../emulator";
import { LocalBackend, localBackend } from "./backend";
import { installPackage, InstalledPackage } from "./installed";
import { scratchProjectDir } from "./program";

const ROOT = path.resolve(__dirname, "..");
const RESULTS = path.join(ROOT, "bench", "results");
const TOKEN = "ghp_bench_token";
const ORG = "bench";
const DYNAMIC = "pulumi-nodejs:dynamic/";
const LATENCIES = [0, 100];
/** Refreshes and previews change nothing, so each is run this often and its median kept: the machine is shared, single runs are noisy. */
const REPEATS = 3;
/** Where the floor provider finds its output templates: the engine passes the environment on to the provider's process. */
const FLOOR_TEMPLATE_ENV = "PGP_BENCH_FLOOR_TEMPLATE";
/** The floor provider's module name, as long as `pulumi-github-packages/shim`'s give or take one: state stores `require("<this>")`. */
const FLOOR_MODULE = "pulumi-github-packages-floor";
/** State written by release 0.1.0: today's OrgPackage outputs, for today's floor. */
const TODAY_STATE = path.join(ROOT, "tests", "e2e", "fixtures", "state-0-1-0", "state.json");
/** The engine's environment that skips the checkpoints after each step (docs/scale.md says what it costs). */
const SKIP_CHECKPOINTS = { PULUMI_SKIP_CHECKPOINTS: "true" };

type PackageType = SeedPackage["packageType"];

/** One operation of one shape at one latency. */
interface Row {
    shape: string;
    latencyMs: number;
    operation: "up" | "refresh" | "preview";
    seconds: number;
    /** The floor's time for the same operation and shape (latency does not change it). */
    floorSeconds?: number;
    requests: number;
    requestsByOperation: Record<string, number>;
    /** Per registry: reads (resources), pages of its list, requests spent, and the bound 2 x min(reads, pages) + 2. */
    registries?: { registry: string; reads: number; pages: number; requests: number; bound: number }[];
    /** What one resource takes in the state file after the operation, by part. */
    bytes?: ResourceBytes;
    targets: string[];
}

/** Average bytes one resource takes in the state file (compact JSON, as the file backend writes it), by part. */
interface ResourceBytes {
    /** How many resources were averaged. */
    resources: number;
    /** The whole resource. */
    total: number;
    /** Inputs, without `__provider`. */
    inputs: number;
    /** Outputs, without `__provider`. */
    outputs: number;
    /** The serialized provider, in inputs and outputs together. */
    serializedProvider: number;
    /** Everything else: urn, type, id, parent, provider, propertyDependencies, created/modified, sourcePosition, stackTrace. */
    engine: number;
}

/** Averages what `resources` (from a `pulumi stack export`) take, by part. */
function resourceBytes(resources: object[]): ResourceBytes {
    const size = (value: unknown) => (value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value)));
    const sum = { total: 0, inputs: 0, outputs: 0, serializedProvider: 0, engine: 0 };
    for (const resource of resources) {
        const { inputs = {}, outputs = {}, ...engine } = resource as { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
        const { __provider: providerIn, ...ins } = inputs;
        const { __provider: providerOut, ...outs } = outputs;
        sum.total += size(resource);
        sum.inputs += size(ins);
        sum.outputs += size(outs);
        sum.serializedProvider += size(providerIn) + size(providerOut);
        sum.engine += size(engine);
    }
    const n = Math.max(1, resources.length);
    const avg = (x: number) => Math.round(x / n);
    return { resources: resources.length, total: avg(sum.total), inputs: avg(sum.inputs), outputs: avg(sum.outputs), serializedProvider: avg(sum.serializedProvider), engine: avg(sum.engine) };
}

function bytesText(b: ResourceBytes): string {
    return `${b.total} B per resource (inputs ${b.inputs}, outputs ${b.outputs}, __provider ${b.serializedProvider}, engine ${b.engine})`;
}

/** A shape: the seed, and the packages the program manages. */
interface Shape {
    name: string;
    seed: Seed;
    managed: { packageType: PackageType; packageName: string }[];
}

function tokens(): Seed["tokens"] {
    return [{ token: TOKEN, login: "bench-admin", scopes: ["read:packages", "write:packages", "delete:packages", "repo"], rateLimit: 10_000_000 }];
}

function id(i: number): string {
    return String(i).padStart(5, "0");
}

/** N packages, half npm, half container (nested names), all managed. */
function allManaged(n: number): Shape {
    const packages = Array.from({ length: n }, (_, i) => {
        const packageType: PackageType = i % 2 ? "container" : "npm";
        return { name: packageType === "container" ? `services/svc-${id(i)}` : `lib-${id(i)}`, packageType, visibility: "private" as const };
    });
    return {
        name: `all managed, N=${n}`,
        seed: { orgs: [{ login: ORG, packages }], tokens: tokens() },
        managed: packages.map((p) => ({ packageType: p.packageType, packageName: p.name })),
    };
}

/** `size` npm packages, public and private alternating, of which `managed` spread over the list are managed. */
function fewInBig(managed: number, size: number): Shape {
    const packages = Array.from({ length: size }, (_, i) => ({ name: `lib-${id(i)}`, packageType: "npm" as const, visibility: i % 2 ? ("public" as const) : ("private" as const) }));
    return {
        name: `few in a big org, ${managed} of ${size.toLocaleString("en-US")}`,
        seed: { orgs: [{ login: ORG, packages }], tokens: tokens() },
        managed: Array.from({ length: managed }, (_, k) => ({ packageType: "npm" as const, packageName: `lib-${id(Math.floor(((k + 0.5) * size) / managed))}` })),
    };
}

/** The managed packages as the installed project's stack host declares them. */
function programPackages(shape: Shape): Record<string, OrgPackageArgs> {
    return Object.fromEntries(shape.managed.map((p, i) => [`p${i}`, { org: ORG, ...p }]));
}

/** Requests per registry, from the request log. */
function perRegistry(entries: RequestLogEntry[]): Map<string, number> {
    const counts = new Map<string, number>();
    for (const entry of entries) {
        const type = new URLSearchParams(entry.query).get("package_type") ?? entry.path.split("/")[4];
        counts.set(type, (counts.get(type) ?? 0) + 1);
    }
    return counts;
}

/** Checks the request bound per registry of a shape's reads. */
function registries(shape: Shape, entries: RequestLogEntry[]): NonNullable<Row["registries"]> {
    const spent = perRegistry(entries);
    const types = [...new Set(shape.managed.map((p) => p.packageType))];
    return types.map((registry) => {
        const reads = shape.managed.filter((p) => p.packageType === registry).length;
        const listed = shape.seed.orgs[0].packages!.filter((p) => p.packageType === registry).length;
        const pages = Math.max(1, Math.ceil(listed / 100));
        return { registry, reads, pages, requests: spent.get(registry) ?? 0, bound: 2 * Math.min(reads, pages) + 2 };
    });
}

function requestTarget(rows: NonNullable<Row["registries"]>): string {
    const missed = rows.filter((r) => r.requests > r.bound);
    const detail = rows.map((r) => `${r.registry} ${r.requests} <= ${r.bound}`).join(", ");
    return `requests per registry <= 2 x min(reads, pages) + 2 (${detail}): ${missed.length === 0 ? "met" : "MISSED"}`;
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
}

function round(seconds: number): number {
    return Math.round(seconds * 100) / 100;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
    const start = process.hrtime.bigint();
    await run();
    return Number(process.hrtime.bigint() - start) / 1e9;
}

function startEmulator(shape: Shape, latencyMs: number, tick = false): Promise<Emulator> {
    return createEmulator({ seed: shape.seed, latencyMs, latencyJitterMs: latencyMs / 10, requestLogLimit: 1_000_000, tick });
}

/** Output templates for the floor: one resource of each registry, as the provider stored it. */
type FloorTemplates = Record<string, { name: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> }>;

/** `pulumi up` then `pulumi refresh` of the managed packages, in the installed project; `upOnly` skips the refreshes. */
async function measureManaged(
    shape: Shape,
    latencyMs: number,
    installed: InstalledPackage,
    options: { upOnly?: boolean; envVars?: Record<string, string>; label?: string } = {},
): Promise<{ rows: Row[]; templates: FloorTemplates }> {
    const emulator = await startEmulator(shape, latencyMs);
    const stack = await installed.openStack({
        config: stackConfig(emulator.url),
        packages: programPackages(shape),
        envVars: options.envVars,
    });
    try {
        const rows: Row[] = [];
        for (const operation of options.upOnly ? (["up"] as const) : (["up", "refresh"] as const)) {
            let log = emulator.admin.requests();
            const times: number[] = [];
            for (let i = 0; i < (operation === "up" ? 1 : REPEATS); i++) {
                emulator.admin.resetRequests();
                times.push((operation === "up" ? await stack.up() : await stack.refresh()).seconds);
                log = emulator.admin.requests();
            }
            const regs = registries(shape, log.entries);
            rows.push({
                shape: options.label ? `${shape.name}, ${options.label}` : shape.name,
                latencyMs,
                operation,
                seconds: round(median(times)),
                requests: log.total,
                requestsByOperation: log.counts,
                registries: regs,
                targets: [requestTarget(regs)],
            });
        }
        const resources = (await stack.exportDeployment()).resources.filter((r) => r.type.startsWith(DYNAMIC)) as Array<{
            inputs?: Record<string, unknown>;
            outputs?: Record<string, unknown>;
        }>;
        rows[0].bytes = resourceBytes(resources);
        rows[0].targets.push(bytesText(rows[0].bytes));
        const templates: FloorTemplates = {};
        for (const resource of resources) {
            const { __provider: _i, ...inputs } = resource.inputs ?? {};
            const { __provider: _o, ...outputs } = resource.outputs ?? {};
            templates[String(outputs.packageType)] ??= { name: String(outputs.packageName), inputs, outputs };
        }
        return { rows, templates };
    } finally {
        await stack.close();
        await emulator.close();
    }
}

/**
 * The floor's provider, as a module of the scratch project (so state stores its `require`, as it
 * stores the shim's): returns the template of the registry with the package name swapped;
 * nothing captured, nothing fetched.
 */
const FLOOR_PROVIDER_SOURCE = `module.exports = {
    async create(inputs) {
        const template = JSON.parse(process.env.${FLOOR_TEMPLATE_ENV} ?? "{}")[inputs.packageType];
        const swap = (text) => text.split(encodeURIComponent(template.name)).join(encodeURIComponent(inputs.packageName)).split(template.name).join(inputs.packageName);
        return { id: \`\${inputs.org}/\${inputs.packageType}/\${inputs.packageName}\`, outs: JSON.parse(swap(JSON.stringify(template.outputs))) };
    },
    async read(id, props) {
        return { id, props };
    },
};
`;

class FloorPackage extends pulumi.dynamic.Resource {
    constructor(provider: pulumi.dynamic.ResourceProvider, name: string, inputs: Record<string, unknown>) {
        super(provider, name, inputs, {}, "bench", "FloorPackage");
    }
}

/** Today's templates: an OrgPackage of each registry as release 0.1.0 stored it (the state fixture), present ones. */
function todayTemplates(): FloorTemplates {
    const state = JSON.parse(readFileSync(TODAY_STATE, "utf8")) as { deployment: { resources: Array<{ type: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }> } };
    const templates: FloorTemplates = {};
    for (const resource of state.deployment.resources.filter((r) => r.type.startsWith(DYNAMIC) && r.outputs?.status === "present")) {
        const { __provider: _i, ...inputs } = resource.inputs ?? {};
        const { __provider: _o, ...outputs } = resource.outputs ?? {};
        templates[String(outputs.packageType)] ??= { name: String(outputs.packageName), inputs, outputs };
    }
    return templates;
}

/** The stack config of a provider run: the emulator's URL and the token as a secret. */
function stackConfig(url: string): ConfigMap {
    return { "github-packages:apiUrl": { value: url }, "github-packages:token": { value: TOKEN, secret: true } };
}

/** A scratch project and backend for a floor, with the no-op provider as a module of the project (state stores its `require`). */
function floorProject(): { backend: LocalBackend; workDir: string; provider: pulumi.dynamic.ResourceProvider } {
    const backend = localBackend("bench", "bench");
    const workDir = scratchProjectDir("bench");
    const moduleDir = path.join(workDir, "node_modules", FLOOR_MODULE);
    mkdirSync(moduleDir, { recursive: true });
    writeFileSync(path.join(moduleDir, "index.js"), FLOOR_PROVIDER_SOURCE);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return { backend, workDir, provider: require(moduleDir) as pulumi.dynamic.ResourceProvider };
}

/**
 * The floor: the same resources, inputs and output sizes from the no-op provider, hosted in this
 * process, with the same stack config (decrypting a secret config value costs the engine a key
 * derivation on every operation, which is not the provider's cost).
 */
async function measureFloor(shape: Shape, templates: FloorTemplates, upOnly = false): Promise<{ up: number; refresh: number; bytes: ResourceBytes }> {
    const { backend, workDir, provider } = floorProject();
    const program: PulumiFn = async () => {
        shape.managed.forEach((p, i) => {
            const template = templates[p.packageType];
            const inputs = JSON.parse(JSON.stringify(template.inputs).split(template.name).join(p.packageName));
            new FloorPackage(provider, `p${i}`, inputs);
        });
    };
    try {
        const stack = await LocalWorkspace.createStack(
            { stackName: backend.stackName, projectName: "pgp-bench", program },
            { workDir, envVars: { ...backend.envVars, [FLOOR_TEMPLATE_ENV]: JSON.stringify(templates) }, projectSettings: { name: "pgp-bench", runtime: "nodejs" } },
        );
        await stack.setAllConfig(stackConfig("http://127.0.0.1:9"));
        const up = await timed(() => stack.up());
        const bytes = resourceBytes(((await stack.exportStack()).deployment.resources as { type: string }[]).filter((r) => r.type.startsWith(DYNAMIC)));
        const refreshes: number[] = [];
        for (let i = 0; i < (upOnly ? 0 : REPEATS); i++) {
            refreshes.push(await timed(() => stack.refresh()));
        }
        return { up: round(up), refresh: refreshes.length > 0 ? round(median(refreshes)) : NaN, bytes };
    } finally {
        backend.dispose();
        rmSync(workDir, { recursive: true, force: true });
    }
}

/**
 * The engine's floor for the retention previews: `pulumi preview` (median of 3) of `n` dynamic
 * resources whose provider does nothing (no check, no diff, no request), with inputs shaped as a
 * retention's. What the engine, the language host and the provider host cost per resource, which
 * no provider can go below.
 */
async function measurePreviewFloor(n: number): Promise<Row> {
    const { backend, workDir, provider } = floorProject();
    const program: PulumiFn = async () => {
        for (let i = 0; i < n; i++) {
            new FloorPackage(provider, `r${i}`, { org: ORG, packageType: "npm", packageName: `lib-${id(i)}`, policy: { keepLatest: 99, maxDeletions: 1 } });
        }
    };
    try {
        const stack = await LocalWorkspace.createStack(
            { stackName: backend.stackName, projectName: "pgp-bench", program },
            { workDir, envVars: backend.envVars, projectSettings: { name: "pgp-bench", runtime: "nodejs" } },
        );
        const times: number[] = [];
        for (let i = 0; i < REPEATS; i++) {
            times.push(await timed(() => stack.preview()));
        }
        const seconds = round(median(times));
        return { shape: `floor: ${n} no-op dynamic resources`, latencyMs: 0, operation: "preview", seconds, requests: 0, requestsByOperation: {}, targets: [`preview <= 5 s: ${seconds <= 5 ? "met" : "MISSED"} (no provider work at all)`] };
    } finally {
        backend.dispose();
        rmSync(workDir, { recursive: true, force: true });
    }
}

/** 12,000 npm packages (7,000 private, 5,000 public: past the 10,000 window, each visibility within it), 5 of them stale. */
function cleanupShape(): Shape {
    const packages: SeedPackage[] = Array.from({ length: 12_000 }, (_, i) => ({
        name: i % 2400 === 7 ? `stale-${id(i)}` : `lib-${id(i)}`,
        packageType: "npm",
        visibility: i < 7_000 ? "private" : "public",
    }));
    return { name: "cleanup of 12,000 npm packages", seed: { orgs: [{ login: ORG, packages }], tokens: tokens() }, managed: [] };
}

/** `pulumi preview` then `pulumi up` of a PackageCleanup deleting the stale packages, inline. */
async function measureCleanup(shape: Shape, latencyMs: number): Promise<Row[]> {
    const emulator = await startEmulator(shape, latencyMs);
    const backend = localBackend("bench", "bench");
    const workDir = scratchProjectDir("bench");
    try {
        const program: PulumiFn = async () => {
            // Loaded here, as a user's program loads it: the provider is required by package name.
            const { PackageCleanup } = await import("pulumi-github-packages");
            const cleanup = new PackageCleanup("stale", { org: ORG, rules: [{ name: "stale", packageTypes: ["npm"], include: ["stale-*"] }] });
            return { deletions: cleanup.deletions };
        };
        const stack: Stack = await LocalWorkspace.createStack(
            { stackName: backend.stackName, projectName: "pgp-bench-cleanup", program },
            { workDir, envVars: backend.envVars, projectSettings: { name: "pgp-bench-cleanup", runtime: "nodejs" } },
        );
        await stack.setAllConfig(stackConfig(emulator.url));
        const rows: Row[] = [];
        for (const operation of ["preview", "up"] as const) {
            let changes = 0;
            const times: number[] = [];
            for (let i = 0; i < (operation === "up" ? 1 : REPEATS); i++) {
                emulator.admin.resetRequests();
                times.push(
                    await timed(async () => {
                        const result = operation === "preview" ? await stack.preview() : await stack.up();
                        const summary = "changeSummary" in result ? result.changeSummary : result.summary.resourceChanges;
                        changes = (summary?.create ?? 0) + (summary?.delete ?? 0);
                    }),
                );
            }
            const seconds = median(times);
            const log = emulator.admin.requests();
            const left = emulator.admin.snapshot().orgs[0].packages!.filter((p) => p.name.startsWith("stale-") && !p.deletedAt).length;
            const done = operation === "preview" ? changes >= 5 : left === 0;
            rows.push({
                shape: shape.name,
                latencyMs,
                operation,
                seconds: round(seconds),
                requests: log.total,
                requestsByOperation: log.counts,
                targets: [`${operation === "preview" ? "previews 5 deletions" : "applies: 5 stale packages deleted"}: ${done ? "met" : "MISSED"}`],
            });
        }
        return rows;
    } finally {
        backend.dispose();
        rmSync(workDir, { recursive: true, force: true });
        await emulator.close();
    }
}

/** A retention shape: the seed, and the program's retention. */
interface RetentionShape {
    name: string;
    seed: Seed;
    /** The retention the program declares, from the SDK the program loads. */
    declare: (sdk: typeof import("pulumi-github-packages")) => void;
    /** How many versions `pulumi up` deletes. */
    deletions: number;
}

/** Version `i` of `count`, one hour apart, the newest an hour old. */
function hourly(count: number, name: (i: number) => string): NonNullable<SeedPackage["versions"]> {
    return Array.from({ length: count }, (_, i) => ({ name: name(i), createdAt: `-${count - i}h` }));
}

/** The retention of one npm package of 5,000 versions, deleting the 10 oldest. */
function bigPackageRetention(): RetentionShape {
    const packages: SeedPackage[] = [{ name: "big", packageType: "npm", visibility: "private", versions: hourly(5_000, (i) => `1.${Math.floor(i / 100)}.${i % 100}`) }];
    return {
        name: "retention of 1 package of 5,000 versions",
        seed: { orgs: [{ login: ORG, packages }], tokens: tokens() },
        declare: ({ PackageVersionRetention }) =>
            void new PackageVersionRetention("big", { org: ORG, packageType: "npm", packageName: "big", policy: { keepLatest: 4_990, maxDeletions: 10 } }),
        deletions: 10,
    };
}

/** One VersionRetention over 200 npm packages of 100 versions each, deleting the oldest of each. */
function manyPackagesRetention(): RetentionShape {
    const packages: SeedPackage[] = Array.from({ length: 200 }, (_, p) => ({
        name: `lib-${id(p)}`,
        packageType: "npm",
        visibility: "private",
        versions: hourly(100, (i) => `2.0.${i}`),
    }));
    return {
        name: "retention of 200 packages of 100 versions",
        seed: { orgs: [{ login: ORG, packages }], tokens: tokens() },
        declare: ({ VersionRetention }) => void new VersionRetention("libs", { org: ORG, packages: ["npm/lib-*"], policy: { keepLatest: 99, maxDeletions: 1 } }),
        deletions: 200,
    };
}

/**
 * The state of a retention before and after the plan was stored once: 10 npm packages of 15
 * versions under one VersionRetention deleting 3 of each, with `planOutput` "full" (the outputs
 * repeat the whole plan, as before) or "compact" (the default). Measured by `up` only, at 0 ms.
 */
function retentionStateShape(planOutput: "full" | "compact"): RetentionShape {
    const packages: SeedPackage[] = Array.from({ length: 10 }, (_, p) => ({
        name: `state-${id(p)}`,
        packageType: "npm",
        visibility: "private",
        versions: hourly(15, (i) => `3.0.${i}`),
    }));
    return {
        name: `retention state, 10 packages of 15 versions, planOutput ${planOutput}${planOutput === "full" ? " (as before)" : ""}`,
        seed: { orgs: [{ login: ORG, packages }], tokens: tokens() },
        declare: ({ VersionRetention }) => void new VersionRetention("state", { org: ORG, packages: ["npm/state-*"], policy: { keepLatest: 12, maxDeletions: 3 }, planOutput }),
        deletions: 30,
    };
}

/** The preview targets of a retention shape: at each latency above 0, within 2x the preview at 0 ms and within 5 s. */
function withPreviewTargets(rows: Row[]): Row[] {
    const atZero = rows.find((r) => r.operation === "preview" && r.latencyMs === 0);
    for (const row of rows.filter((r) => r.operation === "preview" && r.latencyMs > 0 && atZero !== undefined)) {
        const bound = Math.min(2 * atZero!.seconds, 5);
        row.targets.push(`preview <= min(2 x ${atZero!.seconds} s at 0 ms, 5 s) = ${round(bound)} s: ${row.seconds <= bound ? "met" : "MISSED"}`);
    }
    return rows;
}

/**
 * `pulumi preview` (median of 3) then `pulumi up` of a retention, inline, at the largest pace
 * allowed (150 writes a minute): requests, time, the pace the DELETEs kept, and the state's size.
 */
async function measureRetention(shape: RetentionShape, latencyMs: number, operations: readonly ("preview" | "up")[] = ["preview", "up"]): Promise<Row[]> {
    // The clock ticks, so the request log's times show the pace of the DELETEs.
    const emulator = await startEmulator({ name: shape.name, seed: shape.seed, managed: [] }, latencyMs, true);
    const backend = localBackend("bench", "bench");
    const workDir = scratchProjectDir("bench");
    try {
        const program: PulumiFn = async () => {
            shape.declare(await import("pulumi-github-packages"));
        };
        const stack: Stack = await LocalWorkspace.createStack(
            { stackName: backend.stackName, projectName: "pgp-bench-retention", program },
            { workDir, envVars: backend.envVars, projectSettings: { name: "pgp-bench-retention", runtime: "nodejs" } },
        );
        await stack.setAllConfig({ ...stackConfig(emulator.url), "github-packages:writesPerMinute": { value: "150" } });
        const rows: Row[] = [];
        for (const operation of operations) {
            const times: number[] = [];
            for (let i = 0; i < (operation === "up" ? 1 : REPEATS); i++) {
                emulator.admin.resetRequests();
                times.push(await timed(() => (operation === "preview" ? stack.preview() : stack.up())));
            }
            const log = emulator.admin.requests();
            const deletes = log.entries.filter((e) => e.method === "DELETE");
            const targets: string[] = [];
            if (operation === "up") {
                const minutes = deletes.length > 1 ? (Date.parse(deletes.at(-1)!.at) - Date.parse(deletes[0].at)) / 60_000 : 0;
                const pace = minutes > 0 ? (deletes.length - 1) / minutes : 0;
                const state = await stack.exportStack();
                const stateBytes = JSON.stringify(state).length;
                // Per retention, without the serialized provider (inline here; a one-line require of the shim once installed).
                const retentions = ((state.deployment.resources ?? []) as { type: string; inputs?: object; outputs?: object }[]).filter((r) => r.type.endsWith(":PackageVersionRetention"));
                const bytes = resourceBytes(retentions);
                const perRetention = bytes.inputs + bytes.outputs;
                targets.push(`deletes ${shape.deletions}: ${deletes.length === shape.deletions ? "met" : `MISSED (${deletes.length})`}`);
                // The configured pace is 150; the target is GitHub's secondary limit for DELETEs (900 points a minute, 5 each).
                targets.push(`pace ${pace.toFixed(1)}/min <= 180: ${pace <= 180 ? "met" : "MISSED"}`);
                targets.push(`state ${(stateBytes / 1024).toFixed(0)} KiB, ${(perRetention / 1024).toFixed(1)} KiB per retention without the serialized provider`);
                targets.push(`retention: ${bytesText(bytes)}`);
                // The plan as each side stores it: whole in the inputs, as planOutput asks in the outputs.
                const planBytes = (side: "inputs" | "outputs") =>
                    Math.round(retentions.reduce((sum, r) => sum + Buffer.byteLength(JSON.stringify((r[side] as { plan?: unknown } | undefined)?.plan ?? null)), 0) / Math.max(1, retentions.length));
                targets.push(`plan per retention: ${planBytes("inputs")} B in inputs, ${planBytes("outputs")} B in outputs`);
            }
            const lists = log.counts["packages/get-all-package-versions-for-package-owned-by-org"] ?? 0;
            if (operation === "preview") {
                targets.push(`lists each package once, 1 request per 100 versions: ${lists}`);
            }
            rows.push({ shape: shape.name, latencyMs, operation, seconds: round(median(times)), requests: log.total, requestsByOperation: log.counts, targets });
        }
        return rows;
    } finally {
        backend.dispose();
        rmSync(workDir, { recursive: true, force: true });
        await emulator.close();
    }
}

/** Adds the floor and the time targets of N = 1,000 to the rows of a managed shape. */
function withFloor(rows: Row[], floor: { up: number; refresh: number }, n: number | undefined): void {
    for (const row of rows) {
        if (row.operation === "preview") {
            continue;
        }
        row.floorSeconds = floor[row.operation];
        if (n !== 1000) {
            continue;
        }
        if (row.latencyMs === 0) {
            const ratio = row.seconds / row.floorSeconds;
            row.targets.push(`${row.operation} ${ratio.toFixed(2)}x floor <= 1.2x: ${ratio <= 1.2 ? "met" : "MISSED"}`);
        } else if (row.operation === "refresh") {
            const limit = row.floorSeconds + (5 * row.latencyMs) / 1000;
            row.targets.push(`refresh ${row.seconds} s <= floor + 5 x latency = ${limit.toFixed(2)} s: ${row.seconds <= limit ? "met" : "MISSED"}`);
        }
    }
}

function table(rows: Row[]): string {
    const lines = ["| shape | latency | operation | seconds (floor, ratio) | requests | targets |", "|---|---|---|---|---|---|"];
    for (const r of rows) {
        const time = r.floorSeconds === undefined ? `${r.seconds}` : `${r.seconds} (${r.floorSeconds}, ${(r.seconds / r.floorSeconds).toFixed(2)}x)`;
        const ops = Object.entries(r.requestsByOperation)
            .map(([op, count]) => `${op.replace("packages/", "").replace("-for-organization", "").replace("-for-org", "")} ${count}`)
            .join(", ");
        lines.push(`| ${r.shape} | ${r.latencyMs} ms | ${r.operation} | ${time} | ${r.requests}${ops ? ` (${ops})` : ""} | ${r.targets.join("; ")} |`);
    }
    return lines.join("\n");
}

/**
 * The state-size rows of an all-managed shape, next to the provider's `up` at 0 ms: the
 * provider with `PULUMI_SKIP_CHECKPOINTS=true`, the floor with these outputs and today's floor
 * (0.1.0's outputs); holds N = 1,000's `up` to half of today's floor. The floors run in the
 * order today, now, now, today and each keeps the mean of its two runs, so a machine whose load
 * changes during the run favours neither.
 */
async function scaleRows(shape: Shape, n: number | undefined, installed: InstalledPackage, templates: FloorTemplates, providerUp: Row): Promise<Row[]> {
    process.stderr.write(`bench: ${shape.name}, PULUMI_SKIP_CHECKPOINTS=true...\n`);
    const skip = (await measureManaged(shape, 0, installed, { upOnly: true, envVars: SKIP_CHECKPOINTS, label: "PULUMI_SKIP_CHECKPOINTS=true" })).rows;
    process.stderr.write(`bench: ${shape.name}, floors (today's, these outputs, these outputs, today's)...\n`);
    const runs: { which: "today" | "now"; up: number; bytes: ResourceBytes }[] = [];
    for (const which of ["today", "now", "now", "today"] as const) {
        runs.push({ which, ...(await measureFloor(shape, which === "today" ? todayTemplates() : templates, true)) });
    }
    const pair = (which: "today" | "now") => {
        const [a, b] = runs.filter((r) => r.which === which);
        return { up: round((a.up + b.up) / 2), runs: [a.up, b.up], bytes: a.bytes };
    };
    const now = pair("now");
    const today = pair("today");
    const floorRow = (label: string, floor: { up: number; runs: number[]; bytes: ResourceBytes }): Row => ({
        shape: `${shape.name}, floor with ${label}`,
        latencyMs: 0,
        operation: "up",
        seconds: floor.up,
        requests: 0,
        requestsByOperation: {},
        bytes: floor.bytes,
        targets: [`mean of ${floor.runs.join(" s and ")} s`, bytesText(floor.bytes)],
    });
    const half = round(today.up / 2);
    const ratio = (seconds: number) => `${(seconds / today.up).toFixed(2)}x today's`;
    providerUp.targets.push(
        `${ratio(providerUp.seconds)}${n === 1000 ? `; up ${providerUp.seconds} s <= 0.5 x today's floor ${today.up} s = ${half} s: ${providerUp.seconds <= half ? "met" : "MISSED"}` : ""}`,
    );
    skip[0].targets.push(ratio(skip[0].seconds));
    const rows = [floorRow("these outputs", now), floorRow("0.1.0's outputs (today)", today)];
    rows[0].targets.push(ratio(now.up));
    return [...skip, ...rows];
}

async function main(): Promise<void> {
    const quick = process.argv.includes("--quick");
    // `--scale`: only the `up` of all managed N = 1,000 (100 with --quick) at 0 ms, with its state-size rows.
    const scaleOnly = process.argv.includes("--scale");
    const retentionOnly = process.argv.includes("--retention");
    // `--retention --previews`: the retention shapes' previews only (no up), to iterate on preview speed.
    const previewsOnly = process.argv.includes("--previews");
    // `--state`: only the state per retention, with the plan stored twice (as before) and once.
    const stateOnly = process.argv.includes("--state");
    const managedShapes: [Shape, number | undefined][] = [
        [allManaged(100), 100],
        ...(quick ? [] : [[allManaged(1000), 1000] as [Shape, number]]),
        [fewInBig(5, quick ? 12_000 : 20_000), undefined],
    ];
    const rows: Row[] = [];
    for (const shape of scaleOnly || stateOnly ? [] : [bigPackageRetention(), manyPackagesRetention()]) {
        const shapeRows: Row[] = [];
        for (const latencyMs of LATENCIES) {
            process.stderr.write(`bench: ${shape.name}, ${latencyMs} ms...\n`);
            shapeRows.push(...(await measureRetention(shape, latencyMs, previewsOnly ? ["preview"] : undefined)));
        }
        rows.push(...withPreviewTargets(shapeRows));
    }
    // The engine's own cost of a preview of as many resources as the many-packages shape, beside it.
    if (!scaleOnly && !stateOnly) {
        process.stderr.write("bench: floor of 200 no-op dynamic resources, preview...\n");
        rows.push(await measurePreviewFloor(200));
    }
    // The state per retention, with the plan in the outputs as before and stored once, in the same run.
    for (const shape of scaleOnly || previewsOnly ? [] : [retentionStateShape("full"), retentionStateShape("compact")]) {
        process.stderr.write(`bench: ${shape.name}, 0 ms, up...\n`);
        rows.push(...(await measureRetention(shape, 0, ["up"])));
    }
    const others = retentionOnly || scaleOnly || stateOnly;
    // Only the managed shapes and the scale rows run in the installed project (--retention and --state run inline).
    const needsInstall = scaleOnly || !others;
    if (needsInstall) {
        process.stderr.write("bench: installing the packed package into a scratch project...\n");
    }
    const installed = needsInstall ? installPackage() : undefined;
    try {
        if (scaleOnly) {
            const n = quick ? 100 : 1000;
            const shape = allManaged(n);
            process.stderr.write(`bench: ${shape.name}, 0 ms, up...\n`);
            const measured = await measureManaged(shape, 0, installed!, { upOnly: true });
            rows.push(...measured.rows, ...(await scaleRows(shape, n, installed!, measured.templates, measured.rows[0])));
        }
        for (const [shape, n] of others ? [] : managedShapes) {
            const shapeRows: Row[] = [];
            let templates: FloorTemplates = {};
            for (const latencyMs of LATENCIES) {
                process.stderr.write(`bench: ${shape.name}, ${latencyMs} ms...\n`);
                const measured = await measureManaged(shape, latencyMs, installed!);
                shapeRows.push(...measured.rows);
                templates = measured.templates;
            }
            process.stderr.write(`bench: ${shape.name}, floor...\n`);
            withFloor(shapeRows, await measureFloor(shape, templates), n);
            const scale = shape.name.startsWith("all managed") ? await scaleRows(shape, n, installed!, templates, shapeRows[0]) : [];
            rows.push(...shapeRows, ...scale);
        }
        const cleanup = cleanupShape();
        for (const latencyMs of others ? [] : LATENCIES) {
            process.stderr.write(`bench: ${cleanup.name}, ${latencyMs} ms...\n`);
            rows.push(...(await measureCleanup(cleanup, latencyMs)));
        }
    } finally {
        installed?.dispose();
    }
    const report = {
        date: new Date().toISOString(),
        machine: { node: process.version, cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30) },
        rows,
    };
    mkdirSync(RESULTS, { recursive: true });
    const file = path.join(RESULTS, `bench-${report.date.replace(/[:.]/g, "-")}.json`);
    writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
    // A partial run (--retention) keeps latest.json, the last full run's; a previews-only or --scale run keeps both.
    if (!previewsOnly && !scaleOnly && !stateOnly) {
        writeFileSync(path.join(RESULTS, retentionOnly ? "latest-retention.json" : "latest.json"), JSON.stringify(report, null, 2) + "\n");
    }
    process.stdout.write(`${table(rows)}\n\nJSON: ${path.relative(ROOT, file)}\n`);
}

main().catch((error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
});
