import { strict as assert } from "node:assert";
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import { DEMO_SEED_PATH } from "../../emulator";

const MAIN = path.resolve(__dirname, "../../emulator/main.ts");

/** A CLI process with its output. */
interface Cli {
    child: ChildProcess;
    /** Everything written to stdout so far. */
    stdout(): string;
    /** Everything written to stderr so far. */
    stderr(): string;
    /** The first stdout line. */
    firstLine: Promise<string>;
    /** The exit code. */
    exit: Promise<number | null>;
}

/** Starts the CLI under ts-node (transpile only: the suite typechecks separately). */
function startCli(args: string[]): Cli {
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", MAIN, ...args], {
        cwd: path.resolve(__dirname, "../.."),
        stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const firstLine = new Promise<string>((resolve, reject) => {
        child.stdout?.on("data", (chunk: Buffer) => {
            stdout += chunk.toString("utf8");
            if (stdout.includes("\n")) {
                resolve(stdout.split("\n")[0]);
            }
        });
        child.once("exit", () => reject(new Error(`exited without a line on stdout; stderr: ${stderr}`)));
    });
    firstLine.catch(() => {});
    const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    return { child, stdout: () => stdout, stderr: () => stderr, firstLine, exit };
}

describe("emulator/main", function () {
    this.timeout(30_000);
    // The processes start together: ts-node's start-up dominates, so this keeps the suite fast.
    let serving: Cli;
    let interrupted: Cli;
    let broken: Cli;
    let slow: Cli;
    before(() => {
        slow = startCli(["--latency", "200", "--latency-jitter", "20"]);
        serving = startCli(["--port", "0", "--seed", DEMO_SEED_PATH, "--now", "2025-06-01T12:00:00Z"]);
        interrupted = startCli([]);
        broken = startCli(["--seed", path.resolve(__dirname, "missing-seed.json")]);
    });
    after(() => {
        for (const cli of [serving, interrupted, broken, slow]) {
            cli.child.kill("SIGKILL");
        }
    });

    it("prints the base URL as the only stdout line, serves the seed, and stops on SIGTERM", async () => {
        const url = await serving.firstLine;
        assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
        const response = await fetch(`${url}/orgs/acme/packages/npm/widgets`, { headers: { authorization: "token ghp_emulator_admin" } });
        assert.equal(response.status, 200);
        assert.deepEqual(await (await fetch(`${url}/_emulator/clock`)).json(), { now: "2025-06-01T12:00:00.000Z" });
        serving.child.kill("SIGTERM");
        assert.equal(await serving.exit, 0);
        assert.equal(serving.stdout(), `${url}\n`, "nothing but the URL on stdout");
    });

    it("defaults to the demo seed and stops on SIGINT", async () => {
        const url = await interrupted.firstLine;
        assert.equal((await fetch(`${url}/orgs/acme/packages/npm/widgets`, { headers: { authorization: "token ghp_emulator_admin" } })).status, 200);
        interrupted.child.kill("SIGINT");
        assert.equal(await interrupted.exit, 0);
    });

    it("fails with exit code 2 and a message on stderr for a bad seed", async () => {
        assert.equal(await broken.exit, 2);
        assert.match(broken.stderr(), /Cannot read seed/);
        assert.equal(broken.stdout(), "");
    });

    it("delays API answers by --latency", async () => {
        const url = await slow.firstLine;
        const start = performance.now();
        const response = await fetch(`${url}/orgs/acme/packages/npm/widgets`, { headers: { authorization: "token ghp_emulator_admin" } });
        assert.equal(response.status, 200);
        assert.ok(performance.now() - start >= 199, `answered after ${(performance.now() - start).toFixed(0)} ms`);
        slow.child.kill("SIGTERM");
        assert.equal(await slow.exit, 0);
    });
});
