/**
 * The packages one program run declares, so that a package has one owner per stack: two
 * `OrgPackage`s of one package fail the run naming both, and a cleanup never plans a
 * package another resource declares. Retentions are declared apart, with the same rule: one
 * retention policy per package, so that no policy deletes what another protects. Declarations whose inputs are Outputs are known only
 * when those resolve: until then they are pending, and a cleanup or an `ensure: "absent"`
 * resource waits for them. Runs are told apart by their resource monitor, so inline
 * programs that run many times in one process (Automation API) start afresh.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Ensure, PackageRef } from "../provider/shared/types";
import { programError } from "./errors";

/** One declaration: which resource declared the package, wanting what. */
export interface Declaration {
    /** The Pulumi resource name of the declaring resource, for messages. */
    resource: string;
    /** The declaring resource's identity (two resources may share a name under different parents). */
    owner: object;
    /** What the resource wants of the package. */
    ensure: Ensure;
}

/** What one run knows: the declarations, the packages declared twice, and declarations still pending. */
interface RunDeclarations {
    byPackage: Map<string, Declaration>;
    retentions: Map<string, RetentionDeclaration>;
    conflicts: Set<string>;
    pending: Set<Promise<unknown>>;
}

const runs = new WeakMap<object, RunDeclarations>();
const outsideRuns = {};

function current(): RunDeclarations {
    const run = pulumi.runtime.getMonitor() ?? outsideRuns;
    let state = runs.get(run);
    if (!state) {
        state = { byPackage: new Map(), retentions: new Map(), conflicts: new Set(), pending: new Set() };
        runs.set(run, state);
    }
    return state;
}

/** GitHub compares organizations and package names case-insensitively. */
function key(ref: PackageRef): string {
    return `${ref.org}/${ref.packageType}/${ref.packageName}`.toLowerCase();
}

/** Records that `declaration` declares `ref`; throws, naming both resources, when another resource already does. */
export function declarePackage(ref: PackageRef, declaration: Declaration): void {
    const run = current();
    const other = run.byPackage.get(key(ref));
    if (other && other.owner !== declaration.owner) {
        run.conflicts.add(key(ref));
        throw programError(
            `Package ${ref.org}/${ref.packageType}/${ref.packageName} is declared twice in this stack: by "${other.resource}" ` +
                `(ensure: "${other.ensure}") and by "${declaration.resource}" (ensure: "${declaration.ensure}"). A package has one ` +
                `owner per stack: remove one declaration (for a cleanup rule, add the package to its keep list).`,
        );
    }
    run.byPackage.set(key(ref), declaration);
}

/** Throws when a second declaration of `ref` was refused in this run: the first one must not act either. */
export function assertUncontested(ref: PackageRef, declaration: Declaration): void {
    if (current().conflicts.has(key(ref))) {
        throw programError(
            `Package ${ref.org}/${ref.packageType}/${ref.packageName} is declared twice in this stack ("${declaration.resource}" is one); ` +
                `nothing is done to it until one declaration is removed.`,
        );
    }
}

/** The declaration of `ref` in this run, if a resource declared it. */
export function declarationOf(ref: PackageRef): Declaration | undefined {
    return current().byPackage.get(key(ref));
}

/** One retention of a package: the resource that declares it. */
export interface RetentionDeclaration {
    /** The Pulumi resource name, for messages. */
    resource: string;
    /** The declaring resource's identity. */
    owner: object;
}

/** Records that `declaration` is the retention of `ref`; throws, naming both, when another resource already is. */
export function declareRetention(ref: PackageRef, declaration: RetentionDeclaration): void {
    const run = current();
    const other = run.retentions.get(key(ref));
    if (other && other.owner !== declaration.owner) {
        run.conflicts.add(`retention:${key(ref)}`);
        throw programError(
            `Package ${ref.org}/${ref.packageType}/${ref.packageName} has two retentions in this stack: "${other.resource}" and "${declaration.resource}". ` +
                `One policy per package, so that no policy deletes what another keeps: merge them, or narrow the packages globs of a VersionRetention ` +
                `(a VersionRetention skips packages that have their own PackageVersionRetention).`,
        );
    }
    run.retentions.set(key(ref), declaration);
}

/** Throws when a second retention of `ref` was refused in this run: the first one must not delete either. */
export function assertRetentionUncontested(ref: PackageRef, declaration: RetentionDeclaration): void {
    if (current().conflicts.has(`retention:${key(ref)}`)) {
        throw programError(
            `Package ${ref.org}/${ref.packageType}/${ref.packageName} has two retentions in this stack ("${declaration.resource}" is one); ` +
                `nothing is deleted from it until one is removed.`,
        );
    }
}

/** The retention declared for `ref` in this run, if any. */
export function retentionOf(ref: PackageRef): RetentionDeclaration | undefined {
    return current().retentions.get(key(ref));
}

/** Tracks a declaration that waits for Outputs; {@link settled} waits for it. */
export function pendingDeclaration<T>(declaration: Promise<T>): void {
    const run = current();
    run.pending.add(declaration);
    declaration.then(
        () => run.pending.delete(declaration),
        () => run.pending.delete(declaration),
    );
}

/** Resolves once every declaration pending has resolved or failed, counting those the program's current turn still makes. */
export async function settled(): Promise<void> {
    const run = current();
    await new Promise((resolve) => setImmediate(resolve));
    while (run.pending.size > 0) {
        await Promise.allSettled([...run.pending]);
    }
}
