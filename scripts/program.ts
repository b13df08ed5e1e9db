/**
 * Project directories for inline programs (Automation API programs hosted in the test's own
 * process, used where a test needs in-process control). Project directories of their own
 * (the root project, examples/*) run through the CLI and the Node.js language host instead.
 */
import { mkdirSync, mkdtempSync } from "node:fs";
import * as path from "node:path";

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
