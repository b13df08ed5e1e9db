import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { Octokit } from "@octokit/rest";
import { Emulator } from "../../../emulator";
import { CRANE_INSTALL_TIMEOUT_MS, Crane, craneFor, installCrane } from "../../support/crane";
import { TOKENS, startDemo } from "../support";

/** Octokit without its console output. */
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe("emulator/registry with a real OCI client (crane v0.22.1)", function () {
    let emulator: Emulator;
    let crane: Crane;
    let scratch: string;

    before(async function () {
        this.timeout(CRANE_INSTALL_TIMEOUT_MS);
        await installCrane();
    });

    beforeEach(async () => {
        emulator = await startDemo();
        crane = craneFor(emulator.url, TOKENS.readonly);
        scratch = mkdtempSync(path.join(tmpdir(), "crane-pull-"));
    });

    afterEach(async () => {
        crane.dispose();
        rmSync(scratch, { recursive: true, force: true });
        await emulator.close();
    });

    it("pulls a seeded private image completely: manifest, config and layer, each digest and diff id checked", async () => {
        const ref = `${crane.registry}/acme/platform/api-gateway:latest`;
        const validate = await crane.run("validate", "--remote", ref);
        assert.equal(validate.code, 0, validate.stderr);
        assert.match(validate.stdout, /PASS/);
        const tarball = path.join(scratch, "image.tar");
        const pull = await crane.run("pull", ref, tarball);
        assert.equal(pull.code, 0, pull.stderr);
        const entries = execFileSync("tar", ["tf", tarball], { encoding: "utf8" }).trim().split("\n").sort();
        assert.equal(entries.length, 3, entries.join(", "));
        assert.ok(entries.includes("manifest.json"));
        const config = JSON.parse((await crane.run("config", ref)).stdout) as { architecture: string; os: string };
        assert.deepEqual([config.os, config.architecture], ["linux", "amd64"]);
        const exported = await crane.run("export", ref, path.join(scratch, "fs.tar"));
        assert.equal(exported.code, 0, exported.stderr);
        assert.deepEqual(execFileSync("tar", ["tf", path.join(scratch, "fs.tar")], { encoding: "utf8" }).trim().split("\n"), ["etc/emulator/image"]);
    });

    it("picks one platform of a pushed multi-arch image (crane manifest/config --platform) and validates the index", async () => {
        const pushed = emulator.admin.pushIndex({ org: "acme", name: "apps/web" }, { tags: ["v1"], platforms: ["linux/amd64", "linux/arm64"] });
        const ref = `${crane.registry}/acme/apps/web:v1`;
        const arm = await crane.run("manifest", "--platform", "linux/arm64", ref);
        assert.equal(arm.code, 0, arm.stderr);
        const digest = (await crane.run("digest", "--platform", "linux/arm64", ref)).stdout.trim();
        assert.equal(digest, pushed.children.find((child) => child.platform === "linux/arm64")!.digest);
        const config = JSON.parse((await crane.run("config", "--platform", "linux/arm64", ref)).stdout) as { architecture: string };
        assert.equal(config.architecture, "arm64");
        const validate = await crane.run("validate", "--remote", ref);
        assert.equal(validate.code, 0, validate.stderr);
        const attested = emulator.admin.pushIndex({ org: "acme", name: "apps/web" }, { tags: ["v2"], attestations: true });
        const amd = await crane.run("digest", "--platform", "linux/amd64", `${crane.registry}/acme/apps/web:v2`);
        assert.equal(amd.stdout.trim(), attested.children.find((child) => child.platform === "linux/amd64")!.digest);
        for (const child of attested.children) {
            const blobs = await crane.run("manifest", `${crane.registry}/acme/apps/web@${child.digest}`);
            const manifest = JSON.parse(blobs.stdout) as { config: { digest: string }; layers: { digest: string }[] };
            for (const digest of [manifest.config.digest, ...manifest.layers.map((layer) => layer.digest)]) {
                const blob = await crane.run("blob", `${crane.registry}/acme/apps/web@${digest}`);
                assert.equal(blob.code, 0, `${child.role} blob ${digest}: ${blob.stderr}`);
            }
        }
    });

    it("lists more than a page of tags by following the Link header", async () => {
        const image = emulator.admin.pushImage({ org: "acme", name: "apps/tags" }, { tags: ["t000"] });
        for (let i = 1; i < 150; i++) {
            emulator.admin.tagImage({ org: "acme", name: "apps/tags" }, image.digest, `t${String(i).padStart(3, "0")}`);
        }
        const listed = await crane.run("ls", `${crane.registry}/acme/apps/tags`);
        assert.equal(listed.code, 0, listed.stderr);
        assert.equal(listed.stdout.trim().split("\n").length, 150);
    });

    it("fails to pull a tag whose version was deleted over REST, and pulls it again once restored", async () => {
        const image = emulator.admin.pushImage({ org: "acme", name: "apps/gone" }, { tags: ["old"] });
        emulator.admin.pushImage({ org: "acme", name: "apps/gone" }, { tags: ["new"] });
        const octokit = new Octokit({ auth: TOKENS.admin, baseUrl: emulator.url, log: quiet });
        const key = { org: "acme", package_type: "container" as const, package_name: "apps/gone", package_version_id: image.versionId };
        await octokit.rest.packages.deletePackageVersionForOrg(key);
        const gone = await crane.run("pull", `${crane.registry}/acme/apps/gone@${image.digest}`, path.join(scratch, "gone.tar"));
        assert.notEqual(gone.code, 0);
        assert.match(gone.stderr, /MANIFEST_UNKNOWN/);
        assert.equal((await crane.run("validate", "--remote", `${crane.registry}/acme/apps/gone:new`)).code, 0);
        await octokit.rest.packages.restorePackageVersionForOrg(key);
        assert.equal((await crane.run("validate", "--remote", `${crane.registry}/acme/apps/gone@${image.digest}`)).code, 0);
    });

    it("pulls a public image anonymously, and not a private one", async () => {
        const anonymous = craneFor(emulator.url);
        try {
            assert.equal((await anonymous.run("validate", "--remote", `${anonymous.registry}/acme/tools/ci-runner:latest`)).code, 0);
            const refused = await anonymous.run("manifest", `${anonymous.registry}/acme/platform/api-gateway:latest`);
            assert.notEqual(refused.code, 0);
            assert.match(refused.stderr, /UNAUTHORIZED/);
            assert.ok(!refused.stderr.includes(TOKENS.readonly));
        } finally {
            anonymous.dispose();
        }
    });
});
