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
