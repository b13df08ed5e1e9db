import { rmSync } from "node:fs";
import * as path from "node:path";
import { ConfigMap, LocalWorkspace, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { localBackend } from "../../scripts/backend";
import { scratchProjectDir } from "../../scripts/program";

/** The repository root. */
export const REPO_ROOT = path.resolve(__dirname, "../..");

/** The passphrase of every test stack; only protects throwaway local state. */
export const TEST_PASSPHRASE = "test-passphrase-not-a-secret";

/** A stack on a fresh local file backend, removed by {@link TestStack.dispose}. */
export interface TestStack {
    /** The Automation API stack. */
    stack: Stack;
    /** The file backend directory holding the state. */
    backendDir: string;
    /** Removes the stack's backend directory. */
    dispose(): void;
}

/** Options of {@link createTestStack}. */
export interface TestStackOptions {
    /** The Pulumi project name. */
    project?: string;
    /**
     * An inline program (hosted in this process: for tests that need in-process control), or a
     * Pulumi project directory, run as users run it: the CLI in that directory, its `Pulumi.yaml`,
     * the Node.js language host and `@pulumi/pulumi/cmd/run`.
     */
    program: PulumiFn | { dir: string };
    /** Stack config. */
    config?: ConfigMap;
    /** The work dir of an inline program; a scratch project directory (removed on dispose) when omitted. */
    workDir?: string;
    /** Extra environment variables for the CLI and the plugins it starts. */
    env?: Record<string, string>;
}

/** Creates a stack on a fresh `file://` backend, with the real Pulumi CLI found on PATH. */
export async function createTestStack(options: TestStackOptions): Promise<TestStack> {
    const backend = localBackend("test", TEST_PASSPHRASE);
    const backendDir = backend.dir;
    const envVars = { ...backend.envVars, PULUMI_HOME: path.join(backendDir, ".pulumi-home"), ...options.env };
    // The workspace writes Pulumi.<stack>.yaml into the project directory; dispose removes it.
    const stackName = backend.stackName;
    const scratch = !("dir" in options.program) && options.workDir === undefined;
    const workDir = "dir" in options.program ? options.program.dir : (options.workDir ?? scratchProjectDir("test"));
    const stack =
        "dir" in options.program
            ? await LocalWorkspace.createStack({ stackName, workDir: options.program.dir }, { envVars })
            : await LocalWorkspace.createStack(
                  { stackName, projectName: options.project ?? "pgp-test", program: options.program },
                  {
                      workDir,
                      envVars,
                      projectSettings: { name: options.project ?? "pgp-test", runtime: "nodejs" },
                  },
              );
    if (options.config) {
        await stack.setAllConfig(options.config);
    }
    return {
        stack,
        backendDir,
        dispose: () => {
            backend.dispose();
            if (scratch) {
                rmSync(workDir, { recursive: true, force: true });
            } else {
                rmSync(path.join(workDir, `Pulumi.${stackName}.yaml`), { force: true });
            }
        },
    };
}
