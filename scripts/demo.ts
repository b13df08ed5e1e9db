/**
 * `npm start`: the whole story on an embedded default. Starts the emulator with the demo
 * organization, runs `pulumi up` on the root project (adopt, delete, restore), changes
 * packages behind Pulumi's back, shows the drift with `pulumi preview --refresh` and
 * `pulumi refresh`, prints a summary and stops the emulator. Every run uses a fresh stack.
 */
import { rmSync } from "node:fs";
import * as path from "node:path";
import { LocalWorkspace, OutputMap, Stack } from "@pulumi/pulumi/automation";
import { createEmulator, DEMO_SEED_PATH, readSeedFile } from "../emulator";
import { ORG_PACKAGE_TYPE } from "pulumi-github-packages";
import { localBackend, readTree } from "./backend";

const ROOT = path.resolve(__dirname, "..");
const DEMO_TOKEN = "ghp_emulator_admin";
const ORG = "acme";

interface PackageRow {
    package: string;
    status: string;
    lastAction: string;
    visibility?: string;
    versions?: number;
}

function banner(text: string): void {
    process.stdout.write(`\n=== ${text}\n\n`);
}

function rows(outputs: OutputMap): PackageRow[] {
    return (outputs.packages?.value ?? []) as PackageRow[];
}

async function stateRows(stack: Stack): Promise<Map<string, Record<string, unknown>>> {
    const state = await stack.exportStack();
    const resources = (state.deployment.resources ?? []) as Array<{ type: string; outputs: Record<string, unknown> }>;
    return new Map(
        resources
            .filter((r) => r.type === ORG_PACKAGE_TYPE)
            .map((r) => [`${r.outputs.packageType}/${r.outputs.packageName}`, r.outputs]),
    );
}


async function main(): Promise<void> {
    const emulator = await createEmulator({ seed: readSeedFile(DEMO_SEED_PATH) });
    const backend = localBackend("demo", "demo");
    const write = (text: string) => process.stdout.write(text);
    try {
        banner(`GitHub Packages API emulator on ${emulator.url}, organization "${ORG}"; state in file://${backend.dir}`);
        // The root project as `pulumi up` runs it in a shell: Pulumi.yaml (main: examples/demo/index.ts),
        // the Node.js language host and @pulumi/pulumi/cmd/run.
        const stack = await LocalWorkspace.createStack({ stackName: "demo", workDir: ROOT }, { envVars: backend.envVars });
        await stack.setAllConfig({
            org: { value: ORG },
            "github-packages:apiUrl": { value: emulator.url },
            "github-packages:token": { value: DEMO_TOKEN, secret: true },
        });

        banner("1. pulumi up: adopt what the organization publishes, delete what the stack declares absent, restore what was deleted by mistake");
        const up = await stack.up({ onOutput: write, color: "never" });
        const afterUp = rows(up.outputs);

        banner("2. Behind Pulumi's back: acme-cli deleted, platform/api-gateway made public, widgets 1.2.0 published");
        emulator.admin.deletePackage({ org: ORG, packageType: "rubygems", name: "acme-cli" });
        emulator.admin.setVisibility({ org: ORG, packageType: "container", name: "platform/api-gateway" }, "public");
        emulator.admin.publishVersion({ org: ORG, packageType: "npm", name: "widgets" }, { name: "1.2.0" });

        banner("3. pulumi preview --refresh --diff: the drift, as Pulumi shows it");
        await stack.preview({ refresh: true, diff: true, onOutput: write, color: "never" });

        banner("4. pulumi refresh: state follows GitHub");
        const before = await stateRows(stack);
        await stack.refresh({ onOutput: write, color: "never" });
        const after = await stateRows(stack);

        banner("Summary");
        const by = (action: string) => afterUp.filter((r) => r.lastAction === action).map((r) => r.package);
        const drift: string[] = [];
        for (const [name, old] of before) {
            const now = after.get(name);
            if (!now) {
                drift.push(`${name}: deleted outside Pulumi (gone from state)`);
                continue;
            }
            for (const field of ["visibility", "versionCount"]) {
                if (old[field] !== now[field]) {
                    drift.push(`${name}: ${field} ${old[field]} -> ${now[field]}`);
                }
            }
        }
        write(`adopted:  ${by("adopted").join(", ")}\n`);
        write(`deleted:  ${by("deleted").join(", ")}\n`);
        write(`restored: ${by("restored").join(", ")}\n`);
        write(`drift:    ${drift.length > 0 ? drift.join("\n          ") : "none"}\n`);
        const leaked = readTree(backend.dir).includes(DEMO_TOKEN);
        write(`token in state or backend files: ${leaked ? "YES (bug!)" : "no"}\n`);
        write(`API requests: ${JSON.stringify(emulator.admin.requests().counts)}\n`);
        if (leaked || by("adopted").length === 0 || by("deleted").length === 0 || by("restored").length === 0 || drift.length === 0) {
            throw new Error("the demo did not show every step; see the output above");
        }
    } finally {
        await emulator.close();
        backend.dispose();
        rmSync(path.join(ROOT, "Pulumi.demo.yaml"), { force: true });
    }
}

main().catch((error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
});
