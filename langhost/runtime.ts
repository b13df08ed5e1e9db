/**
 * The LanguageRuntime service of this project's Node.js language host: runs Pulumi programs
 * through `@pulumi/pulumi/cmd/run` and plugins (policy packs) through `cmd/run-policy-pack` /
 * `cmd/run-plugin` with the argv, environment and exit-code meaning of the official
 * `pulumi-language-nodejs`, and answers the engine's questions about the program.
 */
import { ChildProcess, spawn, SpawnOptions } from "node:child_process";
import * as path from "node:path";
import type * as grpc from "@grpc/grpc-js";
import type { ILanguageRuntimeServer } from "@pulumi/pulumi/proto/language_grpc_pb";
import type * as language from "@pulumi/pulumi/proto/language_pb";
import { packageRoot, programDependencies, requiredPlugins } from "./packages";
import { resolveSdkModule, Sdk } from "./sdk";

/** The exit code with which `cmd/run` says it already reported the program's error to the user. */
export const EXIT_ALREADY_REPORTED = 32;

/** The host's settings, from its command line. */
export interface HostOptions {
    /** The engine's gRPC address (`host:port`), passed to programs as `--engine`. */
    engineAddress: string;
    /** A Zipkin-compatible tracing endpoint, passed on to programs; empty for none. */
    tracing: string;
    /** The Node.js binary programs run with; the host's own by default. */
    nodeBin: string;
    /** Where diagnostics of the host itself go. */
    log: (message: string) => void;
}

/** The project's `runtime.options` for Node.js, with the official host's defaults. */
export interface RuntimeOptions {
    /** Run TypeScript with ts-node (`typescript`, default true). */
    typescript: boolean;
    /** The tsconfig file `cmd/run` loads (`tsconfig`), relative to the program directory; unset for `tsconfig.json`. */
    tsconfig?: string;
    /** Extra arguments for `node` (`nodeargs`, space-separated). */
    nodeargs: string[];
}

/** Reads `runtime.options` from the engine's ProgramInfo options; unknown options are ignored, as the official host does. */
export function runtimeOptions(options: Record<string, unknown> | undefined): RuntimeOptions {
    const typescript = options?.typescript;
    const tsconfig = options?.tsconfig;
    const nodeargs = options?.nodeargs;
    return {
        typescript: typescript === undefined ? true : typescript === true || typescript === "true",
        tsconfig: typeof tsconfig === "string" && tsconfig !== "" ? tsconfig : undefined,
        nodeargs: typeof nodeargs === "string" ? nodeargs.split(/\s+/).filter((arg) => arg !== "") : [],
    };
}

/** What one `Run` needs, taken from the engine's RunRequest. */
export interface RunSpec {
    /** The engine's resource monitor address. */
    monitor: string;
    /** The Pulumi organization; empty when none. */
    organization: string;
    /** The project name. */
    project: string;
    /** The stack name. */
    stack: string;
    /** The directory holding `Pulumi.yaml`. */
    rootDirectory: string;
    /** The directory `cmd/run` changes to: the program directory. */
    pwd: string;
    /** The entry point relative to `pwd`: a file name, or "." for the directory's package. */
    entryPoint: string;
    /** Preview rather than update. */
    dryRun: boolean;
    /** Query mode (deprecated by Pulumi, still passed on). */
    queryMode: boolean;
    /** The engine's parallelism. */
    parallel: number;
    /** Arguments for the program itself. */
    args: string[];
    /** Stack config, `namespace:key` to value; secrets are decrypted. */
    config: Record<string, string>;
    /** The config keys that hold secrets. */
    configSecretKeys: string[];
    /** The project's runtime options. */
    options: RuntimeOptions;
}

/** Converts a RunRequest. */
export function runSpecOf(req: language.RunRequest): RunSpec {
    const info = req.getInfo();
    const config: Record<string, string> = {};
    req.getConfigMap().forEach((value, key) => {
        config[key] = value;
    });
    const programDirectory = info?.getProgramDirectory() || req.getPwd();
    return {
        monitor: req.getMonitorAddress(),
        organization: req.getOrganization(),
        project: req.getProject(),
        stack: req.getStack(),
        rootDirectory: info?.getRootDirectory() || programDirectory,
        pwd: req.getPwd() || programDirectory,
        entryPoint: info?.getEntryPoint() || req.getProgram() || ".",
        dryRun: req.getDryrun(),
        queryMode: req.getQuerymode(),
        parallel: req.getParallel(),
        args: req.getArgsList(),
        config,
        configSecretKeys: req.getConfigsecretkeysList(),
        options: runtimeOptions(info?.getOptions()?.toJavaScript() as Record<string, unknown> | undefined),
    };
}

/** `cmd/run`'s arguments: `--monitor A --engine A [--organization O] --project P --root-directory DIR --stack S --pwd DIR [--dry-run] --parallel N [--tracing U] <entry> [args]`. */
export function runArguments(spec: RunSpec, host: Pick<HostOptions, "engineAddress" | "tracing">): string[] {
    const args: string[] = [];
    const flag = (name: string, value: string) => {
        if (value !== "") {
            args.push(`--${name}`, value);
        }
    };
    flag("monitor", spec.monitor);
    flag("engine", host.engineAddress);
    flag("organization", spec.organization);
    flag("project", spec.project);
    flag("root-directory", spec.rootDirectory);
    flag("stack", spec.stack);
    flag("pwd", spec.pwd);
    if (spec.dryRun) {
        args.push("--dry-run");
    }
    if (spec.queryMode) {
        args.push("--query-mode");
    }
    flag("parallel", String(spec.parallel));
    flag("tracing", host.tracing);
    return [...args, spec.entryPoint, ...spec.args];
}

/** The environment `cmd/run` reads besides its arguments: config, secret keys and the TypeScript options. */
export function runEnvironment(spec: RunSpec, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    return {
        ...base,
        PULUMI_CONFIG: JSON.stringify(spec.config),
        PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(spec.configSecretKeys),
        ...typescriptEnvironment(spec.options),
    };
}

function typescriptEnvironment(options: RuntimeOptions): Record<string, string> {
    return {
        PULUMI_NODEJS_TYPESCRIPT: String(options.typescript),
        ...(options.tsconfig === undefined ? {} : { PULUMI_NODEJS_TSCONFIG_PATH: options.tsconfig }),
    };
}

/** How a program's exit is reported to the engine: nothing, a bail (error already shown), or an error message. */
export function runOutcome(code: number | null, signal: NodeJS.Signals | null): { error: string; bail: boolean } {
    if (code === 0) {
        return { error: "", bail: false };
    }
    if (code === EXIT_ALREADY_REPORTED) {
        return { error: "", bail: true };
    }
    if (code === null) {
        return { error: `Program exited with signal ${signal}`, bail: false };
    }
    return { error: `Program exited with non-zero exit code: ${code}`, bail: false };
}

/** A plugin run: the command line for `cmd/run-policy-pack` (kind "analyzer") or `cmd/run-plugin`. */
export function pluginArguments(kind: string, programDirectory: string, args: string[]): { module: string; args: string[] } {
    if (kind === "analyzer") {
        // run-policy-pack takes `<engine-address> <program>`; logging flags the engine adds first would
        // be read by its argument parser as values, so only the positional engine address is passed.
        const positional = args.filter((arg, i) => !arg.startsWith("-") && args[i - 1] !== "--tracing");
        return { module: "@pulumi/pulumi/cmd/run-policy-pack", args: [...positional, programDirectory] };
    }
    return { module: "@pulumi/pulumi/cmd/run-plugin", args: [programDirectory, ...args] };
}

/** Turns `KEY=value` entries into an environment. */
function environmentOf(entries: string[]): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const entry of entries) {
        const at = entry.indexOf("=");
        if (at > 0) {
            env[entry.slice(0, at)] = entry.slice(at + 1);
        }
    }
    return env;
}

/** The child processes of a host, so that none outlives it. */
export class Children {
    private readonly running = new Set<ChildProcess>();

    /** Starts a process and tracks it until it exits. */
    spawn(command: string, args: string[], options: SpawnOptions): ChildProcess {
        const child = spawn(command, args, options);
        this.running.add(child);
        child.on("exit", () => this.running.delete(child));
        child.on("error", () => this.running.delete(child));
        return child;
    }

    /** How many are still running. */
    get size(): number {
        return this.running.size;
    }

    /** Sends `signal` to every running child. */
    killAll(signal: NodeJS.Signals = "SIGKILL"): void {
        for (const child of this.running) {
            child.kill(signal);
        }
    }
}

/** Waits for a child to exit; rejects when it could not be started. */
function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return new Promise((resolve, reject) => {
        child.once("error", reject);
        child.once("close", (code, signal) => resolve({ code, signal }));
    });
}

/** A gRPC error with a status code and message. */
function rpcError(code: grpc.status, message: string): Partial<grpc.ServiceError> {
    return { code, details: message, message };
}

/** The LanguageRuntime implementation, for `server.addService`. */
export function languageRuntime(sdk: Sdk, host: HostOptions, children: Children): grpc.UntypedServiceImplementation {
    const { language: pb, plugin, empty } = sdk;
    const programDir = (info: language.ProgramInfo | undefined, fallback: string) => info?.getProgramDirectory() || fallback;
    /** Runs a unary handler, turning a thrown error into an INTERNAL status with its message. */
    const unary =
        <Req, Res>(handler: (request: Req) => Promise<Res> | Res): grpc.handleUnaryCall<Req, Res> =>
        (call, callback) => {
            Promise.resolve()
                .then(() => handler(call.request))
                .then(
                    (response) => callback(null, response),
                    (error: Error) => callback(rpcError(sdk.grpc.status.INTERNAL, error.message)),
                );
        };

    const implementation: Partial<ILanguageRuntimeServer> = {
        handshake: unary(() => new pb.LanguageHandshakeResponse()),
        getPluginInfo: unary(() => new plugin.PluginInfo().setVersion(sdk.version)),
        cancel: unary(() => {
            host.log("cancel requested");
            return new empty.Empty();
        }),
        about: unary(() => {
            const response = new pb.AboutResponse().setExecutable(host.nodeBin).setVersion(process.version);
            response.getMetadataMap().set("languageHost", `pulumi-github-packages ${path.resolve(__dirname)}`);
            response.getMetadataMap().set("pulumiSdk", `${sdk.version} ${sdk.dir}`);
            return response;
        }),
        getRequiredPlugins: unary((req: language.GetRequiredPluginsRequest) => {
            const dir = programDir(req.getInfo(), req.getProgram());
            return new pb.GetRequiredPluginsResponse().setPluginsList(
                requiredPlugins(dir).map((p) => new plugin.PluginDependency().setName(p.name).setKind("resource").setVersion(p.version).setServer(p.server)),
            );
        }),
        getRequiredPackages: unary((req: language.GetRequiredPackagesRequest) => {
            const dir = programDir(req.getInfo(), process.cwd());
            return new pb.GetRequiredPackagesResponse().setPackagesList(
                requiredPlugins(dir).map((p) => new plugin.PackageDependency().setName(p.name).setKind("resource").setVersion(p.version).setServer(p.server)),
            );
        }),
        getProgramDependencies: unary((req: language.GetProgramDependenciesRequest) => {
            const dir = programDir(req.getInfo(), req.getProgram());
            return new pb.GetProgramDependenciesResponse().setDependenciesList(
                programDependencies(dir, req.getTransitivedependencies()).map((d) => new pb.DependencyInfo().setName(d.name).setVersion(d.version)),
            );
        }),
        run: unary(async (req: language.RunRequest) => {
            const spec = runSpecOf(req);
            const runPath = resolveSdkModule("@pulumi/pulumi/cmd/run", programDir(req.getInfo(), spec.pwd));
            const args = [...spec.options.nodeargs, runPath, ...runArguments(spec, host)];
            host.log(`run: ${host.nodeBin} ${args.join(" ")}`);
            // The program's output goes where the host's goes: the engine shows it as the stack's diagnostics.
            const child = children.spawn(host.nodeBin, args, { cwd: spec.pwd, env: runEnvironment(spec, process.env), stdio: ["ignore", "inherit", "inherit"] });
            const { code, signal } = await exited(child);
            const outcome = runOutcome(code, signal);
            return new pb.RunResponse().setError(outcome.error).setBail(outcome.bail);
        }),
        runPlugin: (call: grpc.ServerWritableStream<language.RunPluginRequest, language.RunPluginResponse>) => {
            const req = call.request;
            const dir = programDir(req.getInfo(), req.getPwd());
            const options = runtimeOptions(req.getInfo()?.getOptions()?.toJavaScript() as Record<string, unknown> | undefined);
            let child: ChildProcess;
            try {
                const plan = pluginArguments(req.getKind(), dir, req.getArgsList());
                const args = [...options.nodeargs, resolveSdkModule(plan.module, dir), ...plan.args];
                host.log(`run plugin (${req.getKind()}): ${host.nodeBin} ${args.join(" ")}`);
                const env = { ...environmentOf(req.getEnvList()), ...typescriptEnvironment(options) };
                child = children.spawn(host.nodeBin, args, { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
            } catch (error) {
                call.destroy(rpcError(sdk.grpc.status.FAILED_PRECONDITION, (error as Error).message) as Error);
                return;
            }
            child.stdout!.on("data", (chunk: Buffer) => call.write(new pb.RunPluginResponse().setStdout(chunk)));
            child.stderr!.on("data", (chunk: Buffer) => call.write(new pb.RunPluginResponse().setStderr(chunk)));
            // The engine ends a plugin by cancelling this call.
            call.on("cancelled", () => child.kill("SIGKILL"));
            exited(child).then(
                ({ code, signal }) => {
                    if (!call.cancelled) {
                        call.write(new pb.RunPluginResponse().setExitcode(code ?? 128 + (signal === "SIGKILL" ? 9 : 15)));
                        call.end();
                    }
                },
                (error: Error) => call.destroy(rpcError(sdk.grpc.status.INTERNAL, error.message) as Error),
            );
        },
        installDependencies: (call: grpc.ServerWritableStream<language.InstallDependenciesRequest, language.InstallDependenciesResponse>) => {
            const req = call.request;
            const dir = packageRoot(req.getDirectory() || programDir(req.getInfo(), process.cwd()));
            if (dir === undefined) {
                call.destroy(rpcError(sdk.grpc.status.FAILED_PRECONDITION, `no package.json in ${req.getDirectory()} or above it`) as Error);
                return;
            }
            host.log(`install dependencies: npm install in ${dir}`);
            const child = children.spawn("npm", ["install"], { cwd: dir, env: process.env, stdio: ["ignore", "pipe", "pipe"] });
            child.stdout!.on("data", (chunk: Buffer) => call.write(new pb.InstallDependenciesResponse().setStdout(chunk)));
            child.stderr!.on("data", (chunk: Buffer) => call.write(new pb.InstallDependenciesResponse().setStderr(chunk)));
            exited(child).then(
                ({ code, signal }) => {
                    if (code === 0) {
                        call.end();
                    } else {
                        call.destroy(rpcError(sdk.grpc.status.UNKNOWN, `npm install in ${dir} failed: ${code === null ? `signal ${signal}` : `exit code ${code}`}`) as Error);
                    }
                },
                (error: Error) => call.destroy(rpcError(sdk.grpc.status.INTERNAL, `npm install in ${dir} could not start: ${error.message}`) as Error),
            );
        },
    };
    // The methods left out (code generation, packing, linking) answer UNIMPLEMENTED, as grpc-js does for missing handlers.
    return implementation as grpc.UntypedServiceImplementation;
}
