import { strict as assert } from "node:assert";
import { ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { createInterface } from "node:readline";
import type { LanguageRuntimeClient } from "@pulumi/pulumi/proto/language_grpc_pb";
import type * as language from "@pulumi/pulumi/proto/language_pb";
import type { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { loadSdk } from "../../langhost/sdk";
import { scratchProjectDir } from "../../scripts/program";
import { cliStack, eventually } from "../support/cli";
import { REPO_ROOT } from "../support/pulumi";

const sdk = loadSdk([REPO_ROOT]);
const MAIN = path.join(REPO_ROOT, "langhost", "main.ts");
/** The host from source, as setup.sh compiles it; ts-node without type checks (tsc checks langhost/). */
const HOST_COMMAND = [process.execPath, "--require", "ts-node/register/transpile-only", MAIN];

function alive(pid: number): boolean {
    try {
        const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
        return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
    } catch {
        return false;
    }
}

/** One unary call, as a promise. */
function call<Res>(invoke: (callback: (error: Error | null, response: Res) => void) => unknown): Promise<Res> {
    return new Promise((resolve, reject) => invoke((error, response) => (error ? reject(error) : resolve(response))));
}

/** Lines a process prints on stdout, one at a time. */
function lines(child: ChildProcess): () => Promise<string> {
    const queue: string[] = [];
    const waiting: Array<(line: string) => void> = [];
    createInterface({ input: child.stdout! }).on("line", (line) => (waiting.length > 0 ? waiting.shift()!(line) : queue.push(line)));
    return () => (queue.length > 0 ? Promise.resolve(queue.shift()!) : new Promise((resolve) => waiting.push(resolve)));
}

describe("langhost: the language host process", () => {
    describe("over gRPC, as the engine starts it (stdin a pipe, port on stdout)", () => {
        let host: ChildProcess;
        let client: LanguageRuntimeClient;

        before(async () => {
            host = spawn(HOST_COMMAND[0], [...HOST_COMMAND.slice(1), "127.0.0.1:1"], { cwd: REPO_ROOT, stdio: ["pipe", "pipe", "inherit"] });
            const port = await lines(host)();
            assert.match(port, /^\d+$/, "the first line of stdout is the port");
            client = new sdk.services.LanguageRuntimeClient(`127.0.0.1:${port}`, sdk.grpc.credentials.createInsecure());
        });

        after(() => {
            client?.close();
            host?.kill("SIGKILL");
        });

        it("reports the SDK version, the Node.js it runs programs with and which host it is", async () => {
            const info = await call<PluginInfo>((cb) => client.getPluginInfo(new sdk.empty.Empty(), cb));
            assert.equal(info.getVersion(), sdk.version);
            const about = await call<language.AboutResponse>((cb) => client.about(new sdk.language.AboutRequest(), cb));
            assert.equal(about.getExecutable(), process.execPath);
            assert.equal(about.getVersion(), process.version);
            assert.match(about.getMetadataMap().get("languageHost") ?? "", /^pulumi-github-packages /);
        });

        it("lists the program's dependencies and needs no plugins for this project", async () => {
            const info = new sdk.language.ProgramInfo().setRootDirectory(REPO_ROOT).setProgramDirectory(path.join(REPO_ROOT, "examples", "demo")).setEntryPoint("index.ts");
            const deps = await call<language.GetProgramDependenciesResponse>((cb) => client.getProgramDependencies(new sdk.language.GetProgramDependenciesRequest().setInfo(info), cb));
            const pulumi = deps.getDependenciesList().find((d) => d.getName() === "@pulumi/pulumi");
            assert.equal(pulumi?.getVersion(), sdk.version);
            const packages = await call<language.GetRequiredPackagesResponse>((cb) => client.getRequiredPackages(new sdk.language.GetRequiredPackagesRequest().setInfo(info), cb));
            assert.deepEqual(packages.getPackagesList(), []);
        });

        it("answers UNIMPLEMENTED for code generation", async () => {
            await assert.rejects(call((cb) => client.generatePackage(new sdk.language.GeneratePackageRequest(), cb)), (error: { code: number }) => error.code === sdk.grpc.status.UNIMPLEMENTED);
        });

        it("exits when the engine closes its stdin", async () => {
            const exit = once(host, "exit");
            host.stdin!.end();
            const [code] = await exit;
            assert.equal(code, 0);
        });
    });

    it("exits when its parent is killed with SIGKILL (stdin not a pipe)", async () => {
        // bash starts the host in the background and waits; killing bash orphans the host.
        const script = `${HOST_COMMAND.map((part) => `'${part}'`).join(" ")} 127.0.0.1:1 </dev/null & echo $!; wait`;
        const parent = spawn("bash", ["-c", script], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"] });
        const next = lines(parent);
        const pid = Number(await next());
        assert.match(await next(), /^\d+$/, "the host is up (it printed its port)");
        parent.kill("SIGKILL");
        await eventually("the orphaned host exits", () => !alive(pid));
    });
});

describe("langhost: programs through the CLI (exit codes, config)", () => {
    let dir: string;

    before(() => {
        dir = scratchProjectDir("langhost");
        writeFileSync(path.join(dir, "Pulumi.yaml"), "name: langhost-check\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n");
    });

    after(() => rmSync(dir, { recursive: true, force: true }));

    async function up(program: string): Promise<{ code: number | null; output: string; outputs?: Record<string, unknown> }> {
        writeFileSync(path.join(dir, "index.js"), program);
        const cli = await cliStack(dir, { plain: { value: "hello" }, hidden: { value: "s3cr3t-value", secret: true } });
        try {
            const result = await cli.run("up", "--yes");
            const outputs = result.code === 0 ? await cli.outputs() : undefined;
            await eventually("no process of the run is left", () => cli.leftovers().length === 0, 20_000, () => cli.leftovers());
            return { code: result.code, output: result.stdout + result.stderr, outputs };
        } finally {
            cli.dispose();
        }
    }

    it("passes config and secret config to the program", async () => {
        const { code, output, outputs } = await up(`const pulumi = require("@pulumi/pulumi");
const config = new pulumi.Config();
exports.plain = config.require("plain");
exports.hidden = config.requireSecret("hidden");
exports.cwd = process.cwd();
`);
        assert.equal(code, 0, output);
        assert.deepEqual(outputs, { plain: "hello", hidden: "s3cr3t-value", cwd: dir });
        assert.ok(!output.includes("s3cr3t-value"), "the secret is not printed");
    });

    it("an error the program reported (exit 32) is shown once, with no exit-code message", async () => {
        const { code, output } = await up(`throw new Error("the program failed on purpose");\n`);
        assert.notEqual(code, 0);
        assert.match(output, /the program failed on purpose/);
        assert.doesNotMatch(output, /non-zero exit code/);
    });

    it("any other exit code is reported as such", async () => {
        const { code, output } = await up(`process.exit(3);\n`);
        assert.notEqual(code, 0);
        assert.match(output, /Program exited with non-zero exit code: 3/);
    });
});
