import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

/** A throwaway local `file://` state backend for one stack. */
export interface LocalBackend {
    /** The directory holding the state. */
    dir: string;
    /** A stack name unique to this backend, so leftover `Pulumi.<stack>.yaml` files never clash. */
    stackName: string;
    /** What the Automation API needs to use the backend: URL, passphrase, no update check. */
    envVars: Record<string, string>;
    /** Removes the state. */
    dispose(): void;
}

/**
 * Creates an empty file backend in the temp dir. The passphrase only protects throwaway
 * state; nothing here talks to Pulumi Cloud.
 */
export function localBackend(name: string, passphrase: string): LocalBackend {
    const dir = mkdtempSync(path.join(tmpdir(), `pgp-${name}-`));
    return {
        dir,
        stackName: `${name}-${path.basename(dir).slice(-6).toLowerCase()}`,
        envVars: { PULUMI_BACKEND_URL: `file://${dir}`, PULUMI_CONFIG_PASSPHRASE: passphrase, PULUMI_SKIP_UPDATE_CHECK: "true" },
        dispose: () => rmSync(dir, { recursive: true, force: true }),
    };
}

/** Every file under `dir` as one text, for checks that a secret reached no file. */
export function readTree(dir: string): string {
    let text = "";
    for (const entry of readdirSync(dir)) {
        const file = path.join(dir, entry);
        text += statSync(file).isDirectory() ? readTree(file) : readFileSync(file, "latin1");
    }
    return text;
}
