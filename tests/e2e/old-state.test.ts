import { strict as assert } from "node:assert";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { ORG_PACKAGE_TYPE, PACKAGE_VERSION_RETENTION_TYPE } from "pulumi-github-packages";
import type { DeletedVersionRecord } from "pulumi-github-packages";
import { createEmulator, Emulator, Seed } from "../../emulator";
import {
    CONFIG_FILE,
    Deployment,
    FIXTURE_DIR,
    FIXTURE_STACK,
    FixtureProject,
    fixtureEmulatorState,
    GATEWAY,
    openFixtureProject,
    STATE_FILE,
} from "../support/old-state";

/** What the emulator holds deleted: packages as `type/name`, versions by id. */
function deletions(seed: Seed): string[] {
    const org = seed.orgs.find((o) => o.login === "acme")!;
    return [
        ...org.packages!.filter((p) => p.deletedAt).map((p) => `package ${p.packageType}/${p.name}`),
        ...org.packages!.flatMap((p) => p.versions!.filter((v) => v.deletedAt).map((v) => `version ${v.id}`)),
    ].sort();
}

/** The resources of a state by URN. */
function byUrn(state: Deployment) {
    return new Map(state.deployment.resources.map((r) => [r.urn, r]));
}

/** Each resource's URN, type and id, in URN order (an up may write them in another order). */
function identities(state: Deployment): string[] {
    return state.deployment.resources.map((r) => `${r.urn} ${r.type} ${r.id ?? "-"}`).sort();
}

/** How a source position in state names a file of the installed package. */
const IN_PACKAGE = "project:///node_modules/pulumi-github-packages/";

const WRITES = [
    "packages/delete-package-for-org",
    "packages/delete-package-version-for-org",
    "packages/restore-package-for-org",
    "packages/restore-package-version-for-org",
];

/**
 * A stack whose state the release 0.1.0 wrote (tests/e2e/fixtures/state-0-1-0, recorded by
 * scripts/record-state-fixture.ts with the package installed from a packed tarball) stays
 * manageable with the package as this working tree packs it: the state's providers are
 * `require("pulumi-github-packages/shim")` and `.../retention-shim`, which the provider host
 * must still resolve, and its resources, ids and retention records must come through refresh,
 * preview and up unchanged, through the real CLI and the package installed by npm.
 */
describe("e2e: state written by release 0.1.0, with the package as this tree packs it", function () {
    let emulator: Emulator;
    let project: FixtureProject;
    /** The fixture's state as imported: the address and the record times rewritten (see `before`). */
    let imported: Deployment;

    before(async function () {
        this.timeout(600_000);
        // The emulator as the recording left it: same ids, the retention's versions and legacy-service deleted, clock pinned.
        emulator = await createEmulator({ seed: fixtureEmulatorState() });
        project = openFixtureProject();
        const config = readFileSync(path.join(FIXTURE_DIR, CONFIG_FILE), "utf8");
        const recordedUrl = /^ {2}github-packages:apiUrl: (http:\/\/127\.0\.0\.1:\d+)$/m.exec(config)?.[1];
        assert.ok(recordedUrl, `no apiUrl in ${CONFIG_FILE}`);
        const state = JSON.parse(readFileSync(path.join(FIXTURE_DIR, STATE_FILE), "utf8")) as Deployment;
        // Only the address changes: the recording's emulator listened on a random port, which the stack config holds,
        // and so does the state (the default pulumi-nodejs provider's inputs carry the stack config; each package's `url`).
        // Left as recorded, both would point at a port nothing listens on.
        const moved = (text: string) => text.split(recordedUrl).join(emulator.url);
        imported = JSON.parse(moved(JSON.stringify(state))) as Deployment;
        // And the retentions' record times move by the fixture's age, as if it had been recorded now: an up keeps the
        // records of the last 90 days (RECORD_DAYS), measured with the machine's clock. Nothing else changes.
        const age = Date.now() - Date.parse(String((state.deployment.manifest as { time: string }).time));
        for (const r of imported.deployment.resources.filter((r) => r.type === PACKAGE_VERSION_RETENTION_TYPE)) {
            for (const record of (r.outputs?.deleted ?? []) as DeletedVersionRecord[]) {
                record.deletedAt = new Date(Date.parse(record.deletedAt) + age).toISOString();
            }
        }
        // The config file first, so that `stack init` keeps its encryptionsalt (the token is encrypted with it).
        writeFileSync(path.join(project.dir, CONFIG_FILE), moved(config));
        await project.ok(["stack", "init", FIXTURE_STACK], { noStack: true });
        const importFile = path.join(project.dir, "import.json");
        writeFileSync(importFile, JSON.stringify(imported));
        await project.ok(["stack", "import", "--file", importFile]);
    });

    after(async () => {
        project?.dispose();
        await emulator?.close();
    });

    it("refreshes, previews no changes and updates: resources, ids, records and the organization stay", async () => {
        const before = deletions(emulator.admin.snapshot());
        assert.deepEqual(before, deletions(fixtureEmulatorState()));
        const importedByUrn = byUrn(imported);

        const refresh = await project.run(["refresh", "--yes"]);
        assert.equal(refresh.code, 0, `pulumi refresh: ${refresh.stdout}\n${refresh.stderr}`);
        const refreshed = await project.exportState();
        assert.deepEqual(identities(refreshed), identities(imported), "the refresh keeps every resource and id");
        for (const r of refreshed.deployment.resources.filter((r) => r.type === ORG_PACKAGE_TYPE)) {
            const old = importedByUrn.get(r.urn)!.outputs!;
            for (const key of ["status", "packageId", "visibility", "lastAction"]) {
                assert.deepEqual(r.outputs?.[key], old[key], `${r.urn}: ${key} after the refresh`);
            }
            // 0.1 stored the whole baseline; now state keeps only what differs from the fields (nothing here), and no
            // field twice: the accepted package is the same.
            assert.deepEqual(r.outputs?.baseline, old.baseline === null ? null : {}, `${r.urn}: baseline after the refresh`);
            for (const key of ["name", "ownerLogin", "url"]) {
                assert.ok(!(key in r.outputs!), `${r.urn}: ${key} is no longer stored`);
            }
        }
        const retentions = refreshed.deployment.resources.filter((r) => r.type === PACKAGE_VERSION_RETENTION_TYPE);
        assert.equal(retentions.length, 2);
        for (const r of retentions) {
            assert.ok((r.outputs?.deleted as unknown[]).length > 0, `${r.urn} has deleted records`);
            assert.deepEqual(r.outputs?.deleted, importedByUrn.get(r.urn)!.outputs!.deleted, `${r.urn}: the refresh keeps the deleted records`);
            assert.deepEqual(r.outputs?.brokenImages, [], `${r.urn}: every kept image pulls`);
        }

        const preview = await project.run(["preview", "--expect-no-changes", "--diff"]);
        assert.equal(preview.code, 0, `pulumi preview --expect-no-changes: ${preview.stdout}\n${preview.stderr}`);

        const up = await project.run(["up", "--yes"]);
        assert.equal(up.code, 0, `pulumi up: ${up.stdout}\n${up.stderr}`);
        assert.match(up.stdout, /\b8 unchanged\b/, up.stdout);
        const updated = await project.exportState();
        assert.deepEqual(identities(updated), identities(imported), "the up keeps every resource and id");
        for (const r of updated.deployment.resources.filter((r) => r.type === PACKAGE_VERSION_RETENTION_TYPE)) {
            assert.deepEqual(r.outputs?.deleted, importedByUrn.get(r.urn)!.outputs!.deleted, `${r.urn}: the up keeps the deleted records`);
        }
        assertShims(updated);
        // The one thing in state that names files inside the package: the engine's source positions (where a resource
        // was constructed, e.g. dist/sdk/orgPackage.js in 0.1.0). Informational, never diffed; the up rewrites them.
        const positions = updated.deployment.resources.map((r) => String(r.sourcePosition)).filter((p) => p.startsWith(IN_PACKAGE));
        assert.equal(positions.length, 6, JSON.stringify(positions));
        for (const position of positions) {
            const file = path.join(project.dir, "node_modules", "pulumi-github-packages", position.slice(IN_PACKAGE.length).replace(/#.*$/, ""));
            assert.ok(existsSync(file), `${position} names a file of the installed package`);
        }

        // Nothing was deleted or restored: the organization holds what the state describes.
        const counts = emulator.admin.requests().counts;
        assert.deepEqual(WRITES.map((op) => counts[op] ?? 0), [0, 0, 0, 0], JSON.stringify(counts));
        assert.deepEqual(deletions(emulator.admin.snapshot()), before);
    });

    it("applies a change through the old state: deletes a package now declared absent, and the versions a changed policy selects", async () => {
        const program = readFileSync(path.join(FIXTURE_DIR, "index.ts"), "utf8");
        const edited = replaceOnce(
            replaceOnce(program, `packageName: "acme-cli", ensure: "present"`, `packageName: "acme-cli", ensure: "absent"`),
            `tagged: { include: ["pr-*"], keepLatest: 2 }`,
            // 0.2 ranks tagged.keepLatest among the images the rules select; CHANGELOG.md's migration keeps 0.1's meaning.
            `tagged: { include: ["pr-*"] }, keepLatestTagged: 1`,
        );
        writeFileSync(path.join(project.dir, "index.ts"), edited);
        const image = { org: GATEWAY.org, name: GATEWAY.name };
        const pr2 = emulator.admin.manifest(image, "pr-2");
        const children = (pr2.json.manifests as { digest: string }[]).map((m) => emulator.admin.manifest(image, m.digest).versionId);
        assert.equal(children.length, 2);
        const before = deletions(emulator.admin.snapshot());
        const last = await project.exportState();
        const previous = byUrn(last);

        const up = await project.run(["up", "--yes"]);
        assert.equal(up.code, 0, `pulumi up: ${up.stdout}\n${up.stderr}`);
        assert.match(up.stdout, /\b2 updated\b/, up.stdout);

        // The organization: acme-cli and the pr-2 image with its two platform manifests are deleted, nothing else.
        assert.deepEqual(
            deletions(emulator.admin.snapshot()),
            [...before, "package rubygems/acme-cli", ...[pr2.versionId, ...children].map((id) => `version ${id}`)].sort(),
        );
        assert.deepEqual(emulator.admin.manifest(image, "latest").tags, ["latest", "v3.2.0"], "the release stays");

        const state = await project.exportState();
        const resources = byUrn(state);
        assert.deepEqual(identities(state), identities(last), "the same resources and ids: updates, no replacement");
        const acmeCli = [...resources.values()].find((r) => r.urn.endsWith("::acme-cli"))!;
        assert.deepEqual([acmeCli.outputs?.status, acmeCli.outputs?.lastAction], ["absent", "deleted"]);
        const gateway = [...resources.values()].find((r) => r.urn.endsWith("::gateway-prs"))!;
        const oldRecords = previous.get(gateway.urn)!.outputs!.deleted as DeletedVersionRecord[];
        const records = gateway.outputs?.deleted as DeletedVersionRecord[];
        assert.deepEqual(records.slice(0, oldRecords.length), oldRecords, "the records of release 0.1.0 stay, first");
        assert.deepEqual(
            records.slice(oldRecords.length).map((r) => r.versionId).sort(),
            [pr2.versionId, ...children].sort(),
            "followed by the versions this up deleted",
        );
        assertShims(state);

        const again = await project.run(["preview", "--expect-no-changes"]);
        assert.equal(again.code, 0, `converged: ${again.stdout}\n${again.stderr}`);
    });
});

/** Every package resource's provider is still a require of the shims, by package name. */
function assertShims(state: Deployment): void {
    for (const r of state.deployment.resources) {
        const shim = r.type === ORG_PACKAGE_TYPE ? "shim" : r.type === PACKAGE_VERSION_RETENTION_TYPE ? "retention-shim" : undefined;
        if (shim) {
            assert.ok(String(r.outputs?.__provider).includes(`require("pulumi-github-packages/${shim}")`), `${r.urn}: ${r.outputs?.__provider}`);
        }
    }
}

function replaceOnce(text: string, from: string, to: string): string {
    assert.equal(text.split(from).length, 2, `the program holds ${from} once`);
    return text.replace(from, to);
}
