import { mkdirSync, mkdtempSync } from "node:fs";
import * as path from "node:path";
import type { PulumiFn } from "@pulumi/pulumi/automation";

/**
 * The program of a Pulumi project directory, hosted in this process for the Automation API:
 * its entry module is loaded afresh on every operation and its exports become the stack
 * outputs, as the Node.js language host would do. The project's scripts and tests use it so
 * they need no language host binary (see README: "How the demo and tests run Pulumi").
 */
export function projectProgram(dir: string, entry = "index.ts"): PulumiFn {
    const file = require.resolve(path.join(dir, entry));
    return async () => {
        delete require.cache[file];
        return require(file);
    };
}

/** Where inline programs get their project directories: inside the repository, so plugins resolve its node_modules. */
const SCRATCH_ROOT = path.resolve(__dirname, "..", ".work");

/**
 * A fresh, empty project directory for an inline program. The Automation API writes
 * `Pulumi.yaml` and `Pulumi.<stack>.yaml` into its work dir, so inline programs must never use
 * the repository root (that would overwrite the demo project). The directory sits under the
 * repository so the engine's plugins resolve `@pulumi/pulumi` from the project's node_modules.
 */
export function scratchProjectDir(prefix: string): string {
    mkdirSync(SCRATCH_ROOT, { recursive: true });
    return mkdtempSync(path.join(SCRATCH_ROOT, `${prefix}-`));
}
