import { ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { localBackend } from "../../scripts/backend";
import { TEST_PASSPHRASE } from "./pulumi";

/** What one CLI command printed and how it ended. */
export interface CliResult {
    /** The exit code (null when a signal ended it). */
    code: number | null;
    /** Standard output. */
    stdout: string;
    /** Standard error. */
    stderr: string;
}

/** A stack of a project directory driven by the `pulumi` CLI itself, as a user types it. */
export interface CliStack {
    /** The stack name. */
    stack: string;
    /** The directory commands run in. */
    cwd: string;
    /** The environment of every command: backend, passphrase, PULUMI_HOME and {@link CliStack.marker}. */
    env: NodeJS.ProcessEnv;
    /** A value in the environment of every process of this stack's runs, to find leftovers by. */
    marker: string;
    /** Runs `pulumi <args> --stack <stack>`; resolves with its output whatever the exit code. */
    run(...args: string[]): Promise<CliResult>;
    /** Like {@link CliStack.run}, but rejects unless the command exits 0. */
    ok(...args: string[]): Promise<CliResult>;
    /** Starts `pulumi <args> --stack <stack>` and returns the process, for tests that signal it. */
    start(...args: string[]): ChildProcess;
    /** The stack outputs (`pulumi stack output --json --show-secrets`). */
    outputs(): Promise<Record<string, unknown>>;
    /** The state (`pulumi stack export`). */
    deployment(): Promise<{ resources?: Array<{ type: string; id?: string; outputs?: Record<string, unknown> }>; pending_operations?: unknown[] }>;
    /** Live processes started by this stack's runs (engine, language host, programs, plugins). */
    leftovers(): Array<{ pid: number; command: string }>;
    /** Removes the state and the stack's config file. */
    dispose(): void;
}

/** The name of the environment variable {@link CliStack.marker} is stored in. */
const MARKER_VAR = "PGP_TEST_RUN";

/** Collects a process's output and exit. */
export function finished(child: ChildProcess): Promise<CliResult> {
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve, reject) => {
        child.once("error", reject);
        child.once("close", (code) => resolve({ code, stdout, stderr }));
    });
}

/** Live (not zombie) processes whose environment holds `name=value`. */
export function processesWithEnv(name: string, value: string): Array<{ pid: number; command: string }> {
    const found: Array<{ pid: number; command: string }> = [];
    for (const entry of readdirSync("/proc")) {
        if (!/^\d+$/.test(entry) || Number(entry) === process.pid) {
            continue;
        }
        try {
            const environ = readFileSync(`/proc/${entry}/environ`, "latin1").split("\0");
            const stat = readFileSync(`/proc/${entry}/stat`, "latin1");
            const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
            if (environ.includes(`${name}=${value}`) && state !== "Z") {
                found.push({ pid: Number(entry), command: readFileSync(`/proc/${entry}/cmdline`, "latin1").replace(/\0/g, " ").trim() });
            }
        } catch {
            // The process ended while we looked.
        }
    }
    return found;
}

/** Resolves once `check` returns true, polling; rejects with `what` after `limitMs`. A bound on waiting, not a timing assertion. */
export async function eventually(what: string, check: () => boolean, limitMs = 20_000, detail?: () => unknown): Promise<void> {
    const deadline = Date.now() + limitMs;
    while (!check()) {
        if (Date.now() > deadline) {
            throw new Error(`gave up waiting: ${what}${detail ? `: ${JSON.stringify(detail())}` : ""}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
}

/** The directory of the `Pulumi.yaml` the CLI uses in `cwd`: there or in the nearest ancestor. */
export function projectRoot(cwd: string): string {
    for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
        if (existsSync(path.join(dir, "Pulumi.yaml"))) {
            return dir;
        }
        if (path.dirname(dir) === dir) {
            throw new Error(`no Pulumi.yaml in ${cwd} or above`);
        }
    }
}

/**
 * Creates a stack for the project found from `cwd` (its `Pulumi.yaml` or an ancestor's, as the
 * CLI finds it) on a fresh file backend, and sets its config (`secret` values with `--secret`).
 */
export async function cliStack(cwd: string, config: Record<string, { value: string; secret?: boolean }>): Promise<CliStack> {
    const backend = localBackend("test", TEST_PASSPHRASE);
    const marker = randomBytes(6).toString("hex");
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        ...backend.envVars,
        PULUMI_HOME: path.join(backend.dir, ".pulumi-home"),
        [MARKER_VAR]: marker,
    };
    const stack = backend.stackName;
    const start = (...args: string[]) => spawn("pulumi", [...args, "--stack", stack, "--non-interactive", "--color", "never"], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const run = (...args: string[]) => finished(start(...args));
    const ok = async (...args: string[]) => {
        const result = await run(...args);
        if (result.code !== 0) {
            throw new Error(`pulumi ${args.join(" ")} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
        }
        return result;
    };
    const init = await finished(spawn("pulumi", ["stack", "init", stack, "--non-interactive"], { cwd, env, stdio: ["ignore", "pipe", "pipe"] }));
    if (init.code !== 0) {
        throw new Error(`pulumi stack init failed: ${init.stderr}`);
    }
    // One CLI call for all of them (a call costs about a second).
    const pairs = Object.entries(config).flatMap(([key, { value, secret }]) => [secret ? "--secret" : "--plaintext", `${key}=${value}`]);
    if (pairs.length > 0) {
        await ok("config", "set-all", ...pairs);
    }
    const projectDir = projectRoot(cwd);
    return {
        stack,
        cwd,
        env,
        marker,
        run,
        ok,
        start,
        outputs: async () => JSON.parse((await ok("stack", "output", "--json", "--show-secrets")).stdout) as Record<string, unknown>,
        deployment: async () => (JSON.parse((await ok("stack", "export")).stdout) as { deployment: Awaited<ReturnType<CliStack["deployment"]>> }).deployment,
        leftovers: () => processesWithEnv(MARKER_VAR, marker),
        dispose: () => {
            backend.dispose();
            rmSync(path.join(projectDir, `Pulumi.${stack}.yaml`), { force: true });
        },
    };
}
