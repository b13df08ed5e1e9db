import { ChildProcess, execFileSync, fork } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { ConfigMap, OutputMap } from "@pulumi/pulumi/automation";
import * as ts from "typescript";
import { localBackend } from "./backend";
import type { OrgPackageArgs, PackageVersionRetentionArgs } from "pulumi-github-packages";

const ROOT = path.resolve(__dirname, "..");

/** A request to the stack host running in the installed project (installed-host.ts). */
export type HostRequest =
    | {
          op: "create";
          stackName: string;
          envVars: Record<string, string>;
          config: ConfigMap;
          /** The program: one `OrgPackage` per entry, named by its key. */
          packages: Record<string, OrgPackageArgs>;
          /** And one `PackageVersionRetention` per entry, named by its key. */
          retentions?: Record<string, PackageVersionRetentionArgs>;
      }
    | { op: "up" | "refresh" | "export" | "destroy" };

/** The host's answer to one {@link HostRequest}. */
export type HostReply = { ok: true; value: unknown } | { ok: false; error: string };

/** What an `up`, `refresh` or `destroy` in the installed project reports. */
export interface HostRun {
    /** Wall time of the operation, measured in the host. */
    seconds: number;
    /** The stack outputs (`up` only). */
    outputs?: OutputMap;
}

/** A stack whose program runs in the installed project, with the project's own `@pulumi/pulumi`. */
export interface InstalledStack {
    /** Runs `pulumi up`. */
    up(): Promise<HostRun>;
    /** Runs `pulumi refresh`. */
    refresh(): Promise<HostRun>;
    /** Runs `pulumi destroy`. */
    destroy(): Promise<HostRun>;
    /** The state, as `pulumi stack export` gives its deployment. */
    exportDeployment(): Promise<{ resources: Array<{ type: string; id?: string; outputs?: Record<string, unknown> }> }>;
    /** Stops the host and removes the stack's state. */
    close(): Promise<void>;
}

/** Options of {@link InstalledPackage.openStack}. */
export interface InstalledStackOptions {
    /** The stack config (API URL, secret token, ...). */
    config: ConfigMap;
    /** The packages the program declares, by resource name. */
    packages: Record<string, OrgPackageArgs>;
    /** The version retentions the program declares, by resource name. */
    retentions?: Record<string, PackageVersionRetentionArgs>;
    /** More environment for the engine (e.g. `PULUMI_SKIP_CHECKPOINTS`), on top of the backend's. */
    envVars?: Record<string, string>;
}

/** The package as a user's project gets it: packed, installed by npm, with its own `@pulumi/pulumi`. */
export interface InstalledPackage {
    /** The project directory holding `node_modules/pulumi-github-packages`. */
    dir: string;
    /** Starts a stack host in the project, on a fresh file backend. */
    openStack(options: InstalledStackOptions): Promise<InstalledStack>;
    /** Removes the project directory. */
    dispose(): void;
}

/**
 * Packs this repository (`npm pack`, so only the published files) and installs the tarball with
 * npm into a scratch project outside the repository, with the same `@pulumi/pulumi` version.
 * Programs then run in a child process of that project (one copy of the Pulumi SDK per process),
 * and the closure serializer stores `require("pulumi-github-packages/shim")` as the provider,
 * as in users' state. Needs `dist/` built and the npm registry (or npm's cache).
 */
export function installPackage(): InstalledPackage {
    const dir = mkdtempSync(path.join(tmpdir(), "pgp-installed-"));
    try {
        // A copy of the process's one install: packing and installing take 15 to 20 s, a copy 1 to 3 s.
        execFileSync("cp", ["-a", `${installedTemplate()}/.`, dir]);
        return { dir, openStack: (options) => openStack(dir, options), dispose: () => rmSync(dir, { recursive: true, force: true }) };
    } catch (error) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
    }
}

let template: string | undefined;

/**
 * The package packed and installed once per process, with the stack host compiled beside it;
 * {@link installPackage} hands out copies, so each caller's project stays its own. Removed
 * when the process exits.
 */
function installedTemplate(): string {
    if (template !== undefined) {
        return template;
    }
    const dir = mkdtempSync(path.join(tmpdir(), "pgp-installed-template-"));
    try {
        const pulumiVersion = (require("@pulumi/pulumi/package.json") as { version: string }).version;
        const tarball = execFileSync("npm", ["pack", ROOT, "--pack-destination", dir, "--silent"], { encoding: "utf8" }).trim().split("\n").pop()!;
        writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "installed-stack", version: "1.0.0", private: true }));
        execFileSync(
            "npm",
            ["install", "--silent", "--no-audit", "--no-fund", "--prefer-offline", `./${tarball}`, `@pulumi/pulumi@${pulumiVersion}`],
            { cwd: dir, stdio: "ignore" },
        );
        const source = readFileSync(path.join(__dirname, "installed-host.ts"), "utf8");
        const host = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
        writeFileSync(path.join(dir, "host.js"), host.outputText);
    } catch (error) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
    }
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    template = dir;
    return dir;
}

async function openStack(dir: string, options: InstalledStackOptions): Promise<InstalledStack> {
    const backend = localBackend("installed", "installed-passphrase-not-a-secret");
    const child = fork(path.join(dir, "host.js"), [], { cwd: dir, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const call = <T>(request: HostRequest) => send<T>(child, request);
    await call({
        op: "create",
        stackName: backend.stackName,
        envVars: { ...backend.envVars, ...options.envVars },
        config: options.config,
        packages: options.packages,
        retentions: options.retentions,
    });
    return {
        up: () => call({ op: "up" }),
        refresh: () => call({ op: "refresh" }),
        destroy: () => call({ op: "destroy" }),
        exportDeployment: () => call({ op: "export" }),
        close: async () => {
            child.kill();
            backend.dispose();
        },
    };
}

function send<T>(child: ChildProcess, request: HostRequest): Promise<T> {
    return new Promise<T>((resolve, reject) => {
        const onExit = (code: number | null) => reject(new Error(`the stack host exited (${code}) during "${request.op}"`));
        child.once("exit", onExit);
        child.once("message", (reply: HostReply) => {
            child.off("exit", onExit);
            if (reply.ok) {
                resolve(reply.value as T);
            } else {
                reject(new Error(reply.error));
            }
        });
        child.send(request);
    });
}
