import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseHostArguments } from "../../langhost/main";
import { programDependencies, requiredPlugins } from "../../langhost/packages";
import { pluginArguments, runArguments, runEnvironment, runOutcome, runtimeOptions, RunSpec } from "../../langhost/runtime";
import { REPO_ROOT } from "../support/pulumi";

const SPEC: RunSpec = {
    monitor: "127.0.0.1:1001",
    organization: "acme-org",
    project: "org-packages",
    stack: "dev",
    rootDirectory: "/p",
    pwd: "/p/examples/demo",
    entryPoint: "index.ts",
    dryRun: true,
    queryMode: false,
    parallel: 16,
    args: ["extra"],
    config: { "org-packages:org": "acme", "github-packages:token": "ghp_secret" },
    configSecretKeys: ["github-packages:token"],
    options: { typescript: true, nodeargs: [] },
};

describe("langhost/runtime: what the host hands cmd/run", () => {
    it("passes cmd/run the official host's flags, in its order, then the entry point and the program's args", () => {
        assert.deepEqual(runArguments(SPEC, { engineAddress: "127.0.0.1:2002", tracing: "" }), [
            "--monitor", "127.0.0.1:1001",
            "--engine", "127.0.0.1:2002",
            "--organization", "acme-org",
            "--project", "org-packages",
            "--root-directory", "/p",
            "--stack", "dev",
            "--pwd", "/p/examples/demo",
            "--dry-run",
            "--parallel", "16",
            "index.ts",
            "extra",
        ]);
        const update = runArguments({ ...SPEC, dryRun: false, organization: "" }, { engineAddress: "e:1", tracing: "http://t" });
        assert.ok(!update.includes("--dry-run") && !update.includes("--organization"));
        assert.deepEqual(update.slice(-4), ["--tracing", "http://t", "index.ts", "extra"]);
    });

    it("puts config, secret keys and the TypeScript options in the environment", () => {
        const env = runEnvironment(SPEC, { PATH: "/bin" });
        assert.equal(env.PATH, "/bin");
        assert.deepEqual(JSON.parse(env.PULUMI_CONFIG!), SPEC.config);
        assert.deepEqual(JSON.parse(env.PULUMI_CONFIG_SECRET_KEYS!), ["github-packages:token"]);
        assert.equal(env.PULUMI_NODEJS_TYPESCRIPT, "true");
        assert.equal(env.PULUMI_NODEJS_TSCONFIG_PATH, undefined, "unset unless the project sets runtime.options.tsconfig");
        const custom = runEnvironment({ ...SPEC, options: runtimeOptions({ typescript: false, tsconfig: "tsconfig.pulumi.json" }) }, {});
        assert.equal(custom.PULUMI_NODEJS_TYPESCRIPT, "false");
        assert.equal(custom.PULUMI_NODEJS_TSCONFIG_PATH, "tsconfig.pulumi.json");
    });

    it("reads runtime options with the official defaults", () => {
        assert.deepEqual(runtimeOptions(undefined), { typescript: true, tsconfig: undefined, nodeargs: [] });
        assert.deepEqual(runtimeOptions({ typescript: "false", nodeargs: " --max-old-space-size=4096  --trace-warnings " }), {
            typescript: false,
            tsconfig: undefined,
            nodeargs: ["--max-old-space-size=4096", "--trace-warnings"],
        });
    });

    it("reports exit 32 as a bail (already reported), other codes and signals as errors", () => {
        assert.deepEqual(runOutcome(0, null), { error: "", bail: false });
        assert.deepEqual(runOutcome(32, null), { error: "", bail: true });
        assert.deepEqual(runOutcome(3, null), { error: "Program exited with non-zero exit code: 3", bail: false });
        assert.deepEqual(runOutcome(null, "SIGKILL"), { error: "Program exited with signal SIGKILL", bail: false });
    });

    it("runs policy packs as `run-policy-pack <engine> <pack dir>`, dropping the engine's logging flags", () => {
        assert.deepEqual(pluginArguments("analyzer", "/policy", ["--logtostderr", "-v=9", "--tracing", "http://t", "127.0.0.1:5"]), {
            module: "@pulumi/pulumi/cmd/run-policy-pack",
            args: ["127.0.0.1:5", "/policy"],
        });
        assert.deepEqual(pluginArguments("resource", "/provider", ["127.0.0.1:5"]), { module: "@pulumi/pulumi/cmd/run-plugin", args: ["/provider", "127.0.0.1:5"] });
    });
});

describe("langhost/main: the engine's command line", () => {
    it("takes the engine address and Go-style flags", () => {
        assert.deepEqual(parseHostArguments(["--logtostderr", "-v=9", "--tracing", "http://t", "127.0.0.1:4000"]), {
            engineAddress: "127.0.0.1:4000",
            tracing: "http://t",
            logToStderr: true,
            verbose: 9,
        });
        assert.deepEqual(parseHostArguments(["--tracing=http://u", "--root=/x", "e:1"]), { engineAddress: "e:1", tracing: "http://u", logToStderr: false, verbose: 0 });
    });
});

describe("langhost/packages: dependencies and resource plugins", () => {
    let dir: string;

    before(() => {
        dir = mkdtempSync(path.join(tmpdir(), "pgp-langhost-"));
        const pkg = (at: string, json: object) => {
            mkdirSync(at, { recursive: true });
            writeFileSync(path.join(at, "package.json"), JSON.stringify(json));
        };
        pkg(dir, { name: "app", dependencies: { "@pulumi/aws": "^6", helper: "1" }, devDependencies: { missing: "1" } });
        pkg(path.join(dir, "node_modules", "@pulumi", "aws"), { name: "@pulumi/aws", version: "6.1.0", pulumi: { resource: true }, dependencies: { deep: "1" } });
        pkg(path.join(dir, "node_modules", "helper"), { name: "helper", version: "1.0.0" });
        pkg(path.join(dir, "node_modules", "deep"), { name: "deep", version: "2.0.0", pulumi: { resource: true, name: "deep-provider", version: "v9.9.9", server: "https://example.invalid" } });
        mkdirSync(path.join(dir, "src"));
    });

    after(() => rmSync(dir, { recursive: true, force: true }));

    it("lists direct dependencies from the nearest package.json, transitive ones on request", () => {
        const names = (transitive: boolean) => programDependencies(path.join(dir, "src"), transitive).map((d) => `${d.name}@${d.version}`).sort();
        assert.deepEqual(names(false), ["@pulumi/aws@6.1.0", "helper@1.0.0"]);
        assert.deepEqual(names(true), ["@pulumi/aws@6.1.0", "deep@2.0.0", "helper@1.0.0"]);
    });

    it("finds resource plugins named and versioned as Pulumi expects", () => {
        assert.deepEqual(requiredPlugins(path.join(dir, "src")).sort((a, b) => a.name.localeCompare(b.name)), [
            { name: "aws", version: "v6.1.0", server: "" },
            { name: "deep-provider", version: "v9.9.9", server: "https://example.invalid" },
        ]);
    });

    it("terminates on this repository, whose package links itself into node_modules", () => {
        const deps = programDependencies(path.join(REPO_ROOT, "examples", "demo"), true);
        assert.ok(deps.some((d) => d.name === "@pulumi/pulumi"));
        assert.deepEqual(requiredPlugins(REPO_ROOT), [], "dynamic providers need no plugin download");
    });
});
