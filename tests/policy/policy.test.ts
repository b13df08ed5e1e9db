import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { PackageCleanup, PackageCleanupArgs, PackageVersionRetention, RetentionPolicy } from "pulumi-github-packages";
import { activeId, E2E, failure, packagesProgram, Ref, startE2E } from "../support/e2e";
import { REPO_ROOT } from "../support/pulumi";

/** The pack as the repository holds it: policy/ runs the compiled dist/policy (`tsc -p tsconfig.build.json` first). */
const POLICY_PACK = path.join(REPO_ROOT, "policy");

const PROTECTED = ["npm/widgets", "container/platform/*"];

describe("policy pack (real `pulumi preview --policy-pack`)", () => {
    let e2e: E2E;
    let configFile: string;

    beforeEach(async () => {
        e2e = await startE2E();
        configFile = path.join(e2e.test.backendDir, "policy-config.json");
        writeFileSync(configFile, JSON.stringify({ "protected-packages": { packages: PROTECTED } }));
    });

    afterEach(async () => e2e?.dispose());

    async function previewWithPolicies(): Promise<{ ok: boolean; output: string }> {
        try {
            const result = await e2e.test.stack.preview({ policyPacks: [POLICY_PACK], policyPackConfigs: [configFile] });
            return { ok: true, output: result.stdout };
        } catch (error) {
            return { ok: false, output: String((error as Error).message) };
        }
    }

    function protect(globs: unknown): Promise<void> {
        return e2e.test.stack.setConfig("github-packages:protect", { value: typeof globs === "string" ? globs : JSON.stringify(globs) });
    }

    it("blocks deleting a protected package the program declares", async () => {
        await protect(PROTECTED);
        await e2e.declare([{ resource: "widgets", args: { org: "acme", packageType: "npm", packageName: "WIDGETS", ensure: "absent" } }]);
        const { ok, output } = await previewWithPolicies();
        assert.equal(ok, false, output);
        assert.match(output, /protected-packages/);
        assert.match(output, /acme\/npm\/WIDGETS is protected and must not be declared ensure: "absent"/, "globs match names case-insensitively");
        assert.doesNotMatch(output, /does not cover/);
        assert.equal(e2e.emulator.admin.requests().counts["packages/delete-package-for-org"] ?? 0, 0);
    });

    it("requires the provider's protect list to cover the pack's globs (the engine shows the provider, whose props are the stack config, to resource policies)", async () => {
        await protect(["npm/widgets"]);
        await e2e.declare([{ resource: "gateway", args: { org: "acme", packageType: "container", packageName: "platform/api-gateway" } }]);
        const { ok, output } = await previewWithPolicies();
        assert.equal(ok, false, output);
        assert.match(output, /protected-packages {2}\(pulumi:providers:pulumi-nodejs: default\)/);
        assert.match(output, /github-packages:protect: \["npm\/widgets"\]\) does not cover "container\/platform\/\*"/);
        assert.match(output, /pulumi config set github-packages:protect/);
    });

    it("refuses a malformed protect list with the key and the fix", async () => {
        await protect("npm/widgets");
        await e2e.declare([{ resource: "gateway", args: { org: "acme", packageType: "container", packageName: "platform/api-gateway" } }]);
        const { ok, output } = await previewWithPolicies();
        assert.equal(ok, false, output);
        assert.match(output, /Configuration error: github-packages:protect \(or GITHUB_PACKAGES_PROTECT\) must be a JSON list of type\/name globs/);
    });

    it("refuses unknown keys and bare names in its own config, naming them", async () => {
        writeFileSync(configFile, JSON.stringify({ "protected-packages": { packages: ["widgets"], pakages: ["npm/x"] } }));
        await protect(PROTECTED);
        await e2e.declare([{ resource: "gateway", args: { org: "acme", packageType: "container", packageName: "platform/api-gateway" } }]);
        const { ok, output } = await previewWithPolicies();
        assert.equal(ok, false, output);
        assert.match(output, /Policy config error: protected-packages.packages\[0\] "widgets" does not name a registry; write it as type\/name/);
        assert.match(output, /Policy config error: protected-packages.pakages is not a setting of this policy; it has packages/);
    });

    it("blocks a public package without a repository, and advises on stale ones", async () => {
        await protect(PROTECTED);
        await e2e.declare([
            { resource: "runner", args: { org: "acme", packageType: "container", packageName: "tools/ci-runner" } },
            { resource: "legacy", args: { org: "acme", packageType: "docker", packageName: "legacy-service" } },
        ]);
        await e2e.test.stack.up();
        const { ok, output } = await previewWithPolicies();
        assert.equal(ok, false, output);
        assert.match(output, /no-public-packages-without-repository/);
        assert.match(output, /acme\/container\/tools\/ci-runner is public but linked to no repository/);
        assert.match(output, /stale-packages/);
        assert.match(output, /acme\/docker\/legacy-service has not been updated for \d+ days/);
    });

    it("passes a compliant stack whose provider protects at least the pack's globs", async () => {
        await protect(["NPM/widgets", "container/**"]);
        await e2e.declare([{ resource: "gateway", args: { org: "acme", packageType: "container", packageName: "platform/api-gateway" } }]);
        await e2e.test.stack.up();
        const { ok, output } = await previewWithPolicies();
        assert.equal(ok, true, output);
        assert.match(output, /github-packages/);
    });
});

describe("policy pack: retention-guardrails (real `pulumi preview` and `pulumi up --skip-preview`)", () => {
    let e2e: E2E;
    let configFile: string;
    const pkg = { org: "acme", packageType: "container", name: "platform/api-gateway" } as const;

    beforeEach(async () => {
        e2e = await startE2E(async () => {
            const policy = new pulumi.Config().requireObject<RetentionPolicy>("policy");
            new PackageVersionRetention("gateway", { org: "acme", packageType: "container", packageName: "platform/api-gateway", policy });
        });
        configFile = path.join(e2e.test.backendDir, "policy-config.json");
        writeFileSync(configFile, JSON.stringify({ "retention-guardrails": { maxDeletions: 20 } }));
        // Old images, newer than the seed's: a release and two pull requests.
        e2e.emulator.admin.setNow(new Date(Date.now() - 60 * 86_400_000));
        // Pushed, so that the registry has their manifests (the retention reads them).
        const image = { org: pkg.org, name: pkg.name };
        e2e.emulator.admin.pushImage(image, { tags: ["v1.0.0"] });
        e2e.emulator.admin.pushImage(image, { tags: ["pr-7"] });
        e2e.emulator.admin.pushImage(image, { tags: ["pr-8"] });
        e2e.emulator.admin.setNow(new Date());
    });

    afterEach(async () => e2e?.dispose());

    const deletes = () => e2e.emulator.admin.requests().counts["packages/delete-package-version-for-org"] ?? 0;

    it("blocks a retention whose rules can delete release images, before anything is deleted, even with --skip-preview", async () => {
        await e2e.test.stack.setConfig("policy", { value: JSON.stringify({ tagged: { keepLatest: 1 }, olderThan: "30d", maxDeletions: 50 }) });
        const preview = await failure(e2e.test.stack.preview({ policyPacks: [POLICY_PACK], policyPackConfigs: [configFile] }));
        assert.match(preview, /retention-guardrails/);
        assert.match(preview, /maxDeletions 50 is more than the 20 the guardrails allow/);
        assert.match(preview, /can delete images tagged "latest", "stable", "v1\.2\.3", "1\.2\.3"/);
        const up = await failure(e2e.test.stack.up({ policyPacks: [POLICY_PACK], policyPackConfigs: [configFile], skipPreview: true } as never));
        assert.match(up, /retention-guardrails/);
        assert.equal(deletes(), 0, "nothing was deleted");
    });

    it("lets a guarded retention through, and it deletes the older pull-request image only", async () => {
        await e2e.test.stack.setConfig("policy", {
            value: JSON.stringify({ tagged: { include: ["pr-*"], keepLatest: 1 }, olderThan: "30d", protect: { tags: ["latest", "v*"] }, maxDeletions: 10 }),
        });
        const up = await e2e.test.stack.up({ policyPacks: [POLICY_PACK], policyPackConfigs: [configFile] } as never);
        assert.equal(deletes(), 1, up.stdout);
    });
});

describe("policy pack: protected-packages under the Automation API's up (always `pulumi up --yes --skip-preview`)", () => {
    let e2e: E2E;
    let configFile: string;
    // Both deletable on GitHub (private, few downloads), so only the pack and the provider stand in the way.
    const UTILS = { org: "acme", packageType: "npm", packageName: "internal-utils" } as const;
    const LEGACY = { org: "acme", packageType: "docker", packageName: "legacy-service" } as const;
    const GATEWAY = { org: "acme", packageType: "container", packageName: "platform/api-gateway" } as const;
    const BILLING = { org: "acme", packageType: "maven", packageName: "com.acme.billing" } as const;

    beforeEach(async () => {
        // The declared packages, and a PackageCleanup when the config `cleanup` is set.
        e2e = await startE2E(async () => {
            const outputs = await packagesProgram();
            const cleanup = new pulumi.Config().getObject<PackageCleanupArgs>("cleanup");
            return cleanup ? { ...outputs, deletions: new PackageCleanup("cleanup", cleanup).deletions } : outputs;
        });
        configFile = path.join(e2e.test.backendDir, "policy-config.json");
        writeFileSync(configFile, JSON.stringify({ "protected-packages": { packages: ["npm/internal-utils", "docker/legacy-service"] } }));
    });

    afterEach(async () => e2e?.dispose());

    const deletes = () => e2e.emulator.admin.requests().counts["packages/delete-package-for-org"] ?? 0;
    const exists = (ref: Ref) => activeId(e2e.emulator, ref) !== undefined;
    const up = () => e2e.test.stack.up({ policyPacks: [POLICY_PACK], policyPackConfigs: [configFile] });

    it("refuses a protected package declared ensure: absent before the step: no DELETE", async () => {
        await e2e.declare([{ resource: "utils", args: { ...UTILS, ensure: "absent" } }]);
        assert.match(await failure(up()), /protected-packages/);
        assert.equal(deletes(), 0);
        assert.ok(exists(UTILS));
    });

    it("refuses a protected package a PackageCleanup plans: no DELETE", async () => {
        await e2e.declare([]);
        await e2e.test.stack.setConfig("cleanup", { value: JSON.stringify({ org: "acme", rules: [{ include: ["docker/legacy-*"] }] }) });
        assert.match(await failure(up()), /protected-packages/);
        assert.equal(deletes(), 0);
        assert.ok(exists(LEGACY));
    });

    it("refuses a protected package declared with deleteOnDestroy, so dropping it later deletes nothing", async () => {
        await e2e.declare([
            { resource: "utils", args: { ...UTILS, deleteOnDestroy: true } },
            { resource: "gateway", args: GATEWAY },
        ]);
        assert.match(await failure(up()), /protected-packages/);
        await e2e.declare([{ resource: "gateway", args: GATEWAY }]);
        assert.match(await failure(up()), /does not cover "npm\/internal-utils", "docker\/legacy-service"/);
        assert.equal(deletes(), 0);
        assert.ok(exists(UTILS));
    });

    it("deletes an unprotected package declared absent, once the provider's list covers the pack's globs", async () => {
        await e2e.test.stack.setConfig("github-packages:protect", { value: JSON.stringify(["npm/internal-utils", "docker/**"]) });
        await e2e.declare([
            { resource: "billing", args: { ...BILLING, ensure: "absent" } },
            { resource: "utils", args: UTILS },
        ]);
        await up();
        assert.equal(deletes(), 1);
        assert.equal(exists(BILLING), false);
        assert.ok(exists(UTILS) && exists(LEGACY));
    });
});
