/**
 * The packages one program run declares, so that a package has one owner per stack: two
 * `OrgPackage`s of one package fail the run naming both, and a cleanup never plans a
 * package another resource declares. Runs are told apart by their resource monitor, so
 * inline programs that run many times in one process (Automation API) start afresh.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Ensure, PackageRef } from "../provider/types";

/** One declaration: which resource declared the package, wanting what. */
export interface Declaration {
    /** The Pulumi resource name of the declaring resource. */
    resource: string;
    /** What the resource wants of the package. */
    ensure: Ensure;
}

const runs = new WeakMap<object, Map<string, Declaration>>();
const outsideRuns = {};

function declarations(): Map<string, Declaration> {
    const run = pulumi.runtime.getMonitor() ?? outsideRuns;
    let map = runs.get(run);
    if (!map) {
        map = new Map();
        runs.set(run, map);
    }
    return map;
}

/** GitHub compares organizations and package names case-insensitively. */
function key(ref: PackageRef): string {
    return `${ref.org}/${ref.packageType}/${ref.packageName}`.toLowerCase();
}

/** Records that `declaration.resource` declares `ref`; throws, naming both resources, when another resource already does. */
export function declarePackage(ref: PackageRef, declaration: Declaration): void {
    const map = declarations();
    const other = map.get(key(ref));
    if (other && other.resource !== declaration.resource) {
        throw new Error(
            `Package ${ref.org}/${ref.packageType}/${ref.packageName} is declared twice in this stack: by "${other.resource}" ` +
                `(ensure: "${other.ensure}") and by "${declaration.resource}" (ensure: "${declaration.ensure}"). A package has one ` +
                `owner per stack: remove one declaration (for a cleanup rule, add the package to its keep list).`,
        );
    }
    map.set(key(ref), declaration);
}

/** The declaration of `ref` in this run, if a resource declared it. */
export function declarationOf(ref: PackageRef): Declaration | undefined {
    return declarations().get(key(ref));
}
