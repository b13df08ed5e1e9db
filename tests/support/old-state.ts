/**
 * The state fixture of tests/e2e/old-state.test.ts, shared by the test (which replays it) and
 * scripts/record-state-fixture.ts (which records it): where it lives, the emulator it was
 * recorded against, and a Pulumi project directory in which the packed package is installed as
 * users install it, driven through the `pulumi` CLI on its own file backend.
 */
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { Emulator, PackageKey, Seed } from "../../emulator";
import { localBackend } from "../../scripts/backend";
import { installPackage, InstalledPackage } from "../../scripts/installed";
import { startDemo } from "../emulator/support";
import { CliResult, finished } from "./cli";
import { REPO_ROOT, TEST_PASSPHRASE } from "./pulumi";

/** The fixture: a stack's state as release 0.1.0 wrote it, with its config, program and emulator. */
export const FIXTURE_DIR = path.join(REPO_ROOT, "tests", "e2e", "fixtures", "state-0-1-0");
/** The stack's name (its URNs hold it, so the replay uses it too). */
export const FIXTURE_STACK = "release-0-1-0";
/** The program's files, copied into the project directory. */
export const PROGRAM_FILES = ["Pulumi.yaml", "index.ts", "tsconfig.json"] as const;
/** What `pulumi stack export` gave after the recorded `pulumi up`. */
export const STATE_FILE = "state.json";
/** The stack's config file: `encryptionsalt`, the API and registry URLs, the encrypted token. */
export const CONFIG_FILE = `Pulumi.${FIXTURE_STACK}.yaml`;
/** The emulator's state after the recorded `pulumi up` (`admin.snapshot()`: every id and instant explicit, its clock as `now`). */
export const EMULATOR_FILE = "emulator-state.json";

/** The packages the fixture's program touches. */
export const GATEWAY: PackageKey = { org: "acme", packageType: "container", name: "platform/api-gateway" };
export const INTERNAL_UTILS: PackageKey = { org: "acme", packageType: "npm", name: "internal-utils" };

/**
 * The emulator the fixture was recorded against: the demo seed with its clock pinned
 * (`startDemo`), plus two pull-request images of the gateway (an index and two platform
 * manifests each) and two pre-releases of internal-utils, at fixed emulator times. Every id
 * follows from the seed and the order of these calls.
 */
export async function startRecordingEmulator(): Promise<Emulator> {
    const emulator = await startDemo();
    const start = emulator.admin.now();
    const image = { org: GATEWAY.org, name: GATEWAY.name };
    emulator.admin.advance("-20d");
    emulator.admin.pushIndex(image, { tags: ["pr-1"], platforms: ["linux/amd64", "linux/arm64"] });
    emulator.admin.advance("1d");
    emulator.admin.pushIndex(image, { tags: ["pr-2"], platforms: ["linux/amd64", "linux/arm64"] });
    emulator.admin.advance("17d");
    emulator.admin.publishVersion(INTERNAL_UTILS, { name: "3.0.0-rc.1" });
    emulator.admin.advance("1d");
    emulator.admin.publishVersion(INTERNAL_UTILS, { name: "3.0.0-rc.2" });
    emulator.admin.setNow(start);
    return emulator;
}

/** The fixture's emulator state, as the recording left it. */
export function fixtureEmulatorState(): Seed {
    return JSON.parse(readFileSync(path.join(FIXTURE_DIR, EMULATOR_FILE), "utf8")) as Seed;
}

/** A Pulumi project in a scratch directory, with the packed package installed, and one stack on a fresh file backend. */
export interface FixtureProject {
    /** The project directory (holds node_modules, the program and the stack's config file). */
    dir: string;
    /** The environment of every command: backend, passphrase, PULUMI_HOME. */
    env: NodeJS.ProcessEnv;
    /** Runs `pulumi <args>` in the project directory (`--stack` is added unless `noStack`); resolves whatever the exit code. */
    run(args: string[], options?: { noStack?: boolean }): Promise<CliResult>;
    /** Like {@link FixtureProject.run}, but rejects unless the command exits 0. */
    ok(args: string[], options?: { noStack?: boolean }): Promise<CliResult>;
    /** The stack's state (`pulumi stack export`). */
    exportState(): Promise<Deployment>;
    /** Removes the project directory and the backend. */
    dispose(): void;
}

/** The part of `pulumi stack export` the fixture code reads. */
export interface Deployment {
    version: number;
    deployment: {
        resources: Array<{
            urn: string;
            type: string;
            id?: string;
            parent?: string;
            inputs?: Record<string, unknown>;
            outputs?: Record<string, unknown>;
            /** Where the program constructed the resource, e.g. `project:///index.ts#12,17`. */
            sourcePosition?: string;
        }>;
        [key: string]: unknown;
    };
}

/**
 * Packs this working tree and installs it with npm into a scratch project (scripts/installed.ts),
 * adds what a TypeScript Pulumi project has (typescript, ts-node, @types/node, at this
 * repository's versions), copies the fixture's program into it and opens a file backend.
 */
export function openFixtureProject(): FixtureProject {
    const installed: InstalledPackage = installPackage();
    const backend = localBackend("old-state", TEST_PASSPHRASE);
    try {
        const dev = (JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { devDependencies: Record<string, string> }).devDependencies;
        execFileSync(
            "npm",
            ["install", "--silent", "--no-audit", "--no-fund", "--prefer-offline", ...["typescript", "ts-node", "@types/node"].map((name) => `${name}@${dev[name]}`)],
            { cwd: installed.dir, stdio: "ignore" },
        );
        for (const file of PROGRAM_FILES) {
            copyFileSync(path.join(FIXTURE_DIR, file), path.join(installed.dir, file));
        }
    } catch (error) {
        installed.dispose();
        backend.dispose();
        throw error;
    }
    const env: NodeJS.ProcessEnv = { ...process.env, ...backend.envVars, PULUMI_HOME: path.join(backend.dir, ".pulumi-home") };
    // The token reaches the provider from the stack's (encrypted) config only.
    delete env.GITHUB_TOKEN;
    const run = (args: string[], options: { noStack?: boolean } = {}) =>
        finished(
            spawn("pulumi", [...args, ...(options.noStack ? [] : ["--stack", FIXTURE_STACK]), "--non-interactive", "--color", "never"], {
                cwd: installed.dir,
                env,
                stdio: ["ignore", "pipe", "pipe"],
            }),
        );
    const ok = async (args: string[], options?: { noStack?: boolean }) => {
        const result = await run(args, options);
        if (result.code !== 0) {
            throw new Error(`pulumi ${args.join(" ")} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
        }
        return result;
    };
    return {
        dir: installed.dir,
        env,
        run,
        ok,
        exportState: async () => JSON.parse((await ok(["stack", "export"])).stdout) as Deployment,
        dispose: () => {
            installed.dispose();
            backend.dispose();
        },
    };
}
