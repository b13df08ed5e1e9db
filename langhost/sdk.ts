/**
 * The Pulumi Node.js SDK a language host serves with: the gRPC library and the LanguageRuntime
 * protocol stubs, loaded from the `@pulumi/pulumi` package the project itself installed, so the
 * host speaks the protocol version of the SDK it runs programs with and needs no packages of its own.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import type * as grpcModule from "@grpc/grpc-js";
import type * as languageGrpc from "@pulumi/pulumi/proto/language_grpc_pb";
import type * as languageProto from "@pulumi/pulumi/proto/language_pb";
import type * as pluginProto from "@pulumi/pulumi/proto/plugin_pb";
import type * as emptyProto from "google-protobuf/google/protobuf/empty_pb";

/** The modules of one installed `@pulumi/pulumi`. */
export interface Sdk {
    /** The directory of the `@pulumi/pulumi` package. */
    dir: string;
    /** Its version, which the host reports as its own. */
    version: string;
    /** `@grpc/grpc-js` as `@pulumi/pulumi` resolves it. */
    grpc: typeof grpcModule;
    /** The LanguageRuntime service definition. */
    services: typeof languageGrpc;
    /** The LanguageRuntime messages. */
    language: typeof languageProto;
    /** Plugin messages (PluginInfo, PluginDependency, PackageDependency). */
    plugin: typeof pluginProto;
    /** `google.protobuf.Empty`. */
    empty: typeof emptyProto;
}

/** Where `module` is installed for code in `fromDir`, searching `node_modules` up the tree; undefined when nowhere. */
export function findPackageDir(name: string, fromDir: string): string | undefined {
    for (let dir = path.resolve(fromDir); ; dir = path.dirname(dir)) {
        const candidate = path.join(dir, "node_modules", name);
        if (existsSync(path.join(candidate, "package.json"))) {
            return candidate;
        }
        if (path.dirname(dir) === dir) {
            return undefined;
        }
    }
}

/** Thrown when no `@pulumi/pulumi` is installed for a directory. */
export class SdkNotInstalledError extends Error {
    constructor(readonly searched: string[]) {
        super(
            `It looks like the Pulumi SDK has not been installed: no @pulumi/pulumi under ${searched.join(" or ")}. ` +
                "Run `npm install` (or `pulumi install`) in the project directory.",
        );
    }
}

/** Loads the SDK installed for the first of `dirs` that has one. */
export function loadSdk(dirs: string[]): Sdk {
    for (const from of dirs) {
        const dir = findPackageDir("@pulumi/pulumi", from);
        if (dir === undefined) {
            continue;
        }
        const load = createRequire(path.join(dir, "package.json"));
        return {
            dir,
            version: (load("./package.json") as { version: string }).version,
            grpc: load("@grpc/grpc-js"),
            services: load("./proto/language_grpc_pb"),
            language: load("./proto/language_pb"),
            plugin: load("./proto/plugin_pb"),
            empty: load("google-protobuf/google/protobuf/empty_pb"),
        };
    }
    throw new SdkNotInstalledError(dirs);
}

/** The absolute path of a module of the SDK installed for `programDir`, e.g. `@pulumi/pulumi/cmd/run`. */
export function resolveSdkModule(request: string, programDir: string): string {
    try {
        return require.resolve(request, { paths: [programDir] });
    } catch {
        throw new SdkNotInstalledError([programDir]);
    }
}
