/**
 * `npm start`: the whole story on an embedded default. Starts the emulator with the demo
 * organization, runs `pulumi up` on the root project (adopt, delete, restore), changes
 * packages behind Pulumi's back, shows the CI drift check failing (`pulumi preview --refresh
 * --expect-no-changes`), `pulumi refresh`, then `pulumi up` accepting the drift and the check
 * passing again, prints a summary and stops the emulator. Every run uses a fresh stack.
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

        banner("3. The CI drift check, pulumi preview --refresh --expect-no-changes --diff: it must fail, showing old and new values");
        const caught = await stack.preview({ refresh: true, expectNoChanges: true, diff: true, onOutput: write, color: "never" }).then(
            () => false,
            () => true,
        );
        write(`\ndrift check exit: ${caught ? "failed (drift caught)" : "passed (BUG: drift missed)"}\n`);

        banner("4. pulumi refresh: state follows GitHub");
        const before = await stateRows(stack);
        await stack.refresh({ onOutput: write, color: "never" });
        const after = await stateRows(stack);

        banner("5. pulumi up restores acme-cli (restoreIfDeleted) and accepts the rest of what GitHub shows as the new baseline; the drift check passes again");
        await stack.up({ onOutput: write, color: "never" });
        const clean = await stack.preview({ refresh: true, expectNoChanges: true, color: "never" }).then(
            () => true,
            () => false,
        );
        write(`drift check exit after up: ${clean ? "passed" : "failed (BUG)"}\n`);

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
        write(`drift check: ${caught ? "caught the drift" : "MISSED the drift"}, then ${clean ? "passed once up accepted it" : "still failed"}\n`);
        if (!caught || !clean || leaked || by("adopted").length === 0 || by("deleted").length === 0 || by("restored").length === 0 || drift.length === 0) {
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
