/**
 * The npm packages a program depends on, as the language host reports them: the dependencies of
 * the program's nearest `package.json` (with their installed versions) and the Pulumi resource
 * plugins among them (packages whose `package.json` says `"pulumi": { "resource": true }`).
 */
import { existsSync, readFileSync, realpathSync } from "node:fs";
import * as path from "node:path";
import { findPackageDir } from "./sdk";

/** One installed npm package. */
export interface InstalledPackage {
    /** The package name. */
    name: string;
    /** The installed version. */
    version: string;
    /** The Pulumi plugin the package ships, when it ships one. */
    plugin?: { name: string; version: string; server: string };
}

interface PackageJson {
    name?: string;
    version?: string;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
    pulumi?: { resource?: boolean; name?: string; version?: string; server?: string };
}

function readPackageJson(file: string): PackageJson {
    return JSON.parse(readFileSync(file, "utf8")) as PackageJson;
}

/** The directory of the `package.json` nearest to `dir` (itself or an ancestor); undefined when there is none. */
export function packageRoot(dir: string): string | undefined {
    for (let current = path.resolve(dir); ; current = path.dirname(current)) {
        if (existsSync(path.join(current, "package.json"))) {
            return current;
        }
        if (path.dirname(current) === current) {
            return undefined;
        }
    }
}

/** The resource plugin a package declares, named and versioned as Pulumi expects (`v`-prefixed). */
function pluginOf(pkg: PackageJson): InstalledPackage["plugin"] {
    if (!pkg.pulumi?.resource || !pkg.name) {
        return undefined;
    }
    const name = pkg.pulumi.name ?? (pkg.name.startsWith("@pulumi/") ? pkg.name.slice("@pulumi/".length) : pkg.name.replace(/^@/, ""));
    const version = pkg.pulumi.version ?? pkg.version ?? "";
    return { name, version: version.startsWith("v") ? version : `v${version}`, server: pkg.pulumi.server ?? "" };
}

/**
 * The packages the program in `programDir` depends on: the `dependencies` and `devDependencies`
 * of its nearest `package.json`, and with `transitive` their dependencies too. Packages not
 * installed are left out (npm reports those itself).
 */
export function programDependencies(programDir: string, transitive: boolean): InstalledPackage[] {
    const root = packageRoot(programDir);
    if (root === undefined) {
        return [];
    }
    const manifest = readPackageJson(path.join(root, "package.json"));
    const found = new Map<string, InstalledPackage>();
    const queue: Array<{ name: string; from: string }> = Object.keys({ ...manifest.devDependencies, ...manifest.dependencies }).map((name) => ({ name, from: root }));
    while (queue.length > 0) {
        const { name, from } = queue.shift()!;
        const installed = findPackageDir(name, from);
        // Real paths: a package linked into its own node_modules (`file:.`) must not recurse forever.
        const dir = installed && realpathSync(installed);
        if (dir === undefined || found.has(dir)) {
            continue;
        }
        const pkg = readPackageJson(path.join(dir, "package.json"));
        found.set(dir, { name, version: pkg.version ?? "", plugin: pluginOf(pkg) });
        if (transitive) {
            queue.push(...Object.keys(pkg.dependencies ?? {}).map((dep) => ({ name: dep, from: dir })));
        }
    }
    return [...found.values()];
}

/** The resource plugins the program's dependencies (transitively) ship. */
export function requiredPlugins(programDir: string): Array<NonNullable<InstalledPackage["plugin"]>> {
    const plugins = new Map<string, NonNullable<InstalledPackage["plugin"]>>();
    for (const pkg of programDependencies(programDir, true)) {
        if (pkg.plugin) {
            plugins.set(`${pkg.plugin.name}@${pkg.plugin.version}`, pkg.plugin);
        }
    }
    return [...plugins.values()];
}
