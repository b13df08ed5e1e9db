/**
 * crane (go-containerregistry's client) as the tests' real OCI client: pulls from the emulator's
 * registry over plain HTTP on loopback, logged in with a PAT through a throwaway Docker config
 * (never the user's). `scripts/crane.sh` builds crane from Go modules the first time.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "./pulumi";

const run = promisify(execFile);

/** The script that builds and runs crane. */
export const CRANE_SCRIPT = path.join(REPO_ROOT, "scripts", "crane.sh");

/** How long building crane may take the first time on a fresh machine (a Go build on 2 cores). */
export const CRANE_INSTALL_TIMEOUT_MS = 600_000;

/** What a crane command printed and how it ended. */
export interface CraneResult {
    /** The exit code. */
    code: number;
    /** Standard output. */
    stdout: string;
    /** Standard error. */
    stderr: string;
}

/** crane logged in to one emulator's registry. */
export interface Crane {
    /** `host:port` of the registry, to write references as `${crane.registry}/acme/app:tag`. */
    registry: string;
    /** Runs `crane <args>`; resolves whatever the exit code. */
    run(...args: string[]): Promise<CraneResult>;
    /** Removes the throwaway Docker config. */
    dispose(): void;
}

/** Builds crane when it is not in the cache yet. */
export async function installCrane(): Promise<void> {
    await run("bash", [CRANE_SCRIPT, "--install"], { timeout: CRANE_INSTALL_TIMEOUT_MS });
}

/** crane for the emulator at `baseUrl`, with `pat` as the password of its Docker config (anonymous without one). */
export function craneFor(baseUrl: string, pat?: string): Crane {
    const registry = new URL(baseUrl).host;
    const config = mkdtempSync(path.join(tmpdir(), "crane-config-"));
    const auths = pat === undefined ? {} : { [registry]: { auth: Buffer.from(`emulator:${pat}`).toString("base64") } };
    writeFileSync(path.join(config, "config.json"), JSON.stringify({ auths }));
    return {
        registry,
        async run(...args: string[]): Promise<CraneResult> {
            try {
                const { stdout, stderr } = await run("bash", [CRANE_SCRIPT, ...args, "--insecure"], {
                    env: { ...process.env, DOCKER_CONFIG: config },
                    maxBuffer: 64 * 1024 * 1024,
                    encoding: "utf8",
                });
                return { code: 0, stdout, stderr };
            } catch (error) {
                const failed = error as { code?: number; stdout?: string; stderr?: string };
                return { code: typeof failed.code === "number" ? failed.code : 1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
            }
        },
        dispose: () => rmSync(config, { recursive: true, force: true }),
    };
}
