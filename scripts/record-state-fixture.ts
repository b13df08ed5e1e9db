/**
 * Records the state fixture of tests/e2e/old-state.test.ts (tests/e2e/fixtures/state-0-1-0):
 * a stack whose state this release wrote, so that later layouts of the package can be checked
 * against it. Run it only at a release's commit, from a clean provider/ and sdk/:
 *
 *     bash scripts/with-toolchain.sh bash -c 'tsc -p tsconfig.build.json && ts-node scripts/record-state-fixture.ts'
 *
 * What it does: packs the package and installs it with npm into a scratch project, as users
 * install it (the serializer then stores `require("pulumi-github-packages/shim")` and
 * `.../retention-shim` as the providers); starts the emulator (demo seed, clock pinned, plus
 * the images and versions of `startRecordingEmulator`); runs the fixture's program with
 * `pulumi up` through the CLI on a file backend with the test passphrase; checks the stack
 * converged and the state holds what the test relies on; and writes the state
 * (`pulumi stack export`), the stack's config file, the emulator's state and a README.
 * It talks to 127.0.0.1 and the npm registry only.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { ORG_PACKAGE_TYPE, PACKAGE_VERSION_RETENTION_TYPE } from "pulumi-github-packages";
import { TOKENS } from "../tests/emulator/support";
import {
    CONFIG_FILE,
    Deployment,
    EMULATOR_FILE,
    FIXTURE_DIR,
    FIXTURE_STACK,
    openFixtureProject,
    startRecordingEmulator,
    STATE_FILE,
} from "../tests/support/old-state";
import { REPO_ROOT } from "../tests/support/pulumi";

function fail(message: string): never {
    throw new Error(`record-state-fixture: ${message}`);
}

function git(...args: string[]): string {
    return execFileSync("git", args, { cwd: REPO_ROOT, encoding: "utf8" }).replace(/\n$/, "");
}

async function main(): Promise<void> {
    const dirty = git("status", "--porcelain", "--", "provider", "sdk");
    if (dirty !== "") {
        fail(`provider/ or sdk/ have uncommitted changes; record at a release's commit:\n${dirty}`);
    }
    const exportsOf = (text: string) => JSON.stringify((JSON.parse(text) as { exports: unknown }).exports);
    if (exportsOf(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) !== exportsOf(git("show", "HEAD:package.json"))) {
        fail("package.json's exports differ from the commit's; record at a release's commit");
    }
    const commit = git("rev-parse", "HEAD");
    // Tracked files changed since the commit (e.g. a dependency bump on its way in), named in the README.
    const uncommitted = git("status", "--porcelain", "--untracked-files=no").split("\n").filter(Boolean).map((line) => line.slice(3));

    // The same seed and calls give the same ids and instants: two emulators, one snapshot.
    const emulator = await startRecordingEmulator();
    const twin = await startRecordingEmulator();
    const same = JSON.stringify(emulator.admin.snapshot()) === JSON.stringify(twin.admin.snapshot());
    await twin.close();
    if (!same) {
        await emulator.close();
        fail("two emulators started the same way hold different state");
    }

    const project = openFixtureProject();
    try {
        const pulumiVersion = (JSON.parse(readFileSync(path.join(project.dir, "node_modules/@pulumi/pulumi/package.json"), "utf8")) as { version: string }).version;
        const cliVersion = (await project.ok(["version"], { noStack: true })).stdout.trim();
        const packageVersion = (JSON.parse(readFileSync(path.join(project.dir, "node_modules/pulumi-github-packages/package.json"), "utf8")) as { version: string }).version;

        await project.ok(["stack", "init", FIXTURE_STACK], { noStack: true });
        await project.ok(["config", "set", "github-packages:apiUrl", emulator.url]);
        await project.ok(["config", "set", "github-packages:registryUrl", emulator.url]);
        await project.ok(["config", "set", "github-packages:writesPerMinute", "150"]);
        await project.ok(["config", "set", "--secret", "github-packages:token", TOKENS.admin]);
        const up = await project.ok(["up", "--yes"]);
        process.stdout.write(up.stdout);
        // Converged: the replay's `--expect-no-changes` then tests the package, not leftover work.
        await project.ok(["preview", "--refresh", "--expect-no-changes"]);

        const state = await project.exportState();
        check(state);
        const stateText = `${JSON.stringify(state, null, 2)}\n`;
        const configText = readFileSync(path.join(project.dir, CONFIG_FILE), "utf8");
        if (stateText.includes(TOKENS.admin) || configText.includes(TOKENS.admin)) {
            fail("the token reached the state or the config file in clear");
        }
        writeFileSync(path.join(FIXTURE_DIR, STATE_FILE), stateText);
        copyFileSync(path.join(project.dir, CONFIG_FILE), path.join(FIXTURE_DIR, CONFIG_FILE));
        writeFileSync(path.join(FIXTURE_DIR, EMULATOR_FILE), `${JSON.stringify(emulator.admin.snapshot(), null, 2)}\n`);
        writeFileSync(path.join(FIXTURE_DIR, "README.md"), readme({ commit, uncommitted, packageVersion, pulumiVersion, cliVersion, url: emulator.url }));
        console.log(`recorded ${FIXTURE_DIR} at ${commit}`);
    } finally {
        project.dispose();
        await emulator.close();
    }
}

/** The state holds what the replay relies on: the serialized providers as requires of the shims, and retention records. */
function check(state: Deployment): void {
    const resources = state.deployment.resources;
    const packages = resources.filter((r) => r.type === ORG_PACKAGE_TYPE);
    const retentions = resources.filter((r) => r.type === PACKAGE_VERSION_RETENTION_TYPE);
    if (packages.length !== 4 || retentions.length !== 2) {
        fail(`expected 4 OrgPackages and 2 PackageVersionRetentions in state, found ${packages.length} and ${retentions.length}`);
    }
    for (const [list, shim] of [
        [packages, "shim"],
        [retentions, "retention-shim"],
    ] as const) {
        for (const r of list) {
            const provider = `${r.inputs?.__provider}${r.outputs?.__provider}`;
            if (!provider.includes(`require("pulumi-github-packages/${shim}")`)) {
                fail(`${r.urn}: the serialized provider is not a require of pulumi-github-packages/${shim}: ${provider.slice(0, 300)}`);
            }
        }
    }
    const deleted = retentions.map((r) => ((r.outputs?.deleted as unknown[]) ?? []).length);
    if (deleted.some((n) => n === 0)) {
        fail(`every retention must have deleted versions (deleted records: ${deleted.join(", ")})`);
    }
    const legacy = packages.find((r) => r.urn.endsWith("::legacy"));
    if (legacy?.outputs?.status !== "absent" || legacy.outputs.lastAction !== "deleted") {
        fail(`legacy should be deleted by the up: ${JSON.stringify(legacy?.outputs)}`);
    }
}

function readme(made: { commit: string; uncommitted: string[]; packageVersion: string; pulumiVersion: string; cliVersion: string; url: string }): string {
    const changes = made.uncommitted.length === 0 ? "" : ` (uncommitted then: ${made.uncommitted.map((f) => `\`${f}\``).join(", ")})`;
    return `# State written by pulumi-github-packages ${made.packageVersion}

The state of a stack after one \`pulumi up\` of [index.ts](index.ts), with the package packed
and installed with npm as users install it; tests/e2e/old-state.test.ts replays it with the
package as it is now.

- Made at commit \`${made.commit}\`${changes} with @pulumi/pulumi ${made.pulumiVersion} and the
  Pulumi CLI ${made.cliVersion}, by \`scripts/record-state-fixture.ts\`:
  \`bash scripts/with-toolchain.sh bash -c 'tsc -p tsconfig.build.json && ts-node scripts/record-state-fixture.ts'\`
  (only at a release's commit: it refuses uncommitted changes in provider/ and sdk/).
- Passphrase: \`TEST_PASSPHRASE\` of tests/support/pulumi.ts. Stack \`${FIXTURE_STACK}\`, project \`old-state\`.
- The emulator listened on ${made.url}; state (the default pulumi-nodejs provider's inputs,
  each package's \`url\`) and config hold that address, which the test rewrites to its own
  emulator's before \`pulumi stack import\`. It also moves the retentions' \`deletedAt\` times by
  the fixture's age: an up keeps the records of the last 90 days only.
- The test then edits the program twice: acme-cli \`ensure: "absent"\`, and the gateway's
  \`tagged.keepLatest\` from 2 to 1.

| file | what |
| --- | --- |
| \`Pulumi.yaml\`, \`index.ts\`, \`tsconfig.json\` | the project and its program |
| \`${CONFIG_FILE}\` | the stack's config: \`encryptionsalt\`, API and registry URL, the token encrypted |
| \`${STATE_FILE}\` | \`pulumi stack export\` after the up: 4 OrgPackages (legacy-service deleted), 2 PackageVersionRetentions (one a VersionRetention's) with their \`deleted\` records |
| \`${EMULATOR_FILE}\` | the emulator's state after the up (\`admin.snapshot()\`), which the test starts its emulator from |
`;
}

main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
});
