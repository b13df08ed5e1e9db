/**
 * `pulumi-language-nodejs` for machines without the official one: serves Pulumi's LanguageRuntime
 * gRPC service on a loopback port (printed as the first line of stdout, as the engine expects) and
 * runs programs and policy packs through the `@pulumi/pulumi` the project installed.
 *
 * Launched by the engine as `pulumi-language-nodejs [--logtostderr] [-v=N] [--tracing URL] <engine host:port>`
 * in the project directory. It exits on SIGINT/SIGTERM, when the engine closes its stdin, or when
 * the engine is gone, and takes the programs it started with it.
 */
import { fstatSync } from "node:fs";
import { exitWithParent } from "./parent";
import { Children, HostOptions, languageRuntime } from "./runtime";
import { loadSdk } from "./sdk";

/** The command line of the host. */
export interface HostArguments {
    /** The engine address (the one positional argument); empty when absent. */
    engineAddress: string;
    /** `--tracing URL`. */
    tracing: string;
    /** `--logtostderr`: diagnostics of the host go to stderr. */
    logToStderr: boolean;
    /** `-v=N`: verbosity. */
    verbose: number;
}

/** Parses the engine's Go-style flags (`-v=9`, `--tracing URL`, `--tracing=URL`); flags it does not know are ignored. */
export function parseHostArguments(argv: string[]): HostArguments {
    const parsed: HostArguments = { engineAddress: "", tracing: "", logToStderr: false, verbose: 0 };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const [name, inline] = arg.replace(/^--?/, "").split(/=(.*)/s, 2);
        if (!arg.startsWith("-")) {
            parsed.engineAddress = arg;
        } else if (name === "tracing") {
            parsed.tracing = inline ?? argv[++i] ?? "";
        } else if (name === "logtostderr") {
            parsed.logToStderr = inline === undefined || inline === "true";
        } else if (name === "v") {
            parsed.verbose = Number(inline ?? argv[++i]) || 0;
        }
    }
    return parsed;
}

/** True when stdin is a pipe (or a socket pair), as it is when the engine starts the host; its end means the engine is gone. */
function stdinIsPipe(): boolean {
    try {
        const stdin = fstatSync(0);
        return stdin.isFIFO() || stdin.isSocket();
    } catch {
        return false;
    }
}

function main(): void {
    const args = parseHostArguments(process.argv.slice(2));
    const log = (message: string) => {
        if (args.logToStderr && args.verbose > 0) {
            process.stderr.write(`pulumi-language-nodejs (pulumi-github-packages): ${message}\n`);
        }
    };
    const sdk = loadSdk([process.cwd(), __dirname]);
    const host: HostOptions = { engineAddress: args.engineAddress, tracing: args.tracing, nodeBin: process.execPath, log };
    const children = new Children();
    const server = new sdk.grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
    server.addService(sdk.services.LanguageRuntimeService, languageRuntime(sdk, host, children));

    let stopping = false;
    const stop = (reason: string) => {
        if (stopping) {
            return;
        }
        stopping = true;
        log(`stopping: ${reason}; ${children.size} program(s) still running are killed`);
        children.killAll("SIGKILL");
        server.forceShutdown();
        process.exit(0);
    };
    process.on("SIGINT", () => stop("SIGINT"));
    process.on("SIGTERM", () => stop("SIGTERM"));
    if (stdinIsPipe()) {
        process.stdin.on("end", () => stop("stdin closed")).resume();
    }
    exitWithParent({ onOrphaned: () => children.killAll("SIGKILL") });

    server.bindAsync("127.0.0.1:0", sdk.grpc.ServerCredentials.createInsecure(), (error, port) => {
        if (error) {
            process.stderr.write(`pulumi-language-nodejs: could not start its gRPC server: ${error.message}\n`);
            process.exit(1);
        }
        process.stdout.write(`${port}\n`);
    });
}

if (require.main === module) {
    main();
}
