import * as pulumi from "@pulumi/pulumi";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { OrgPackage, OrgPackageArgs, ORG_PACKAGE_TYPE } from "pulumi-github-packages";
import type { Emulator, PackageKey } from "../../emulator";
import { startDemo, TOKENS } from "../emulator/support";
import { createTestStack, TestStack } from "./pulumi";

export { readTree } from "../../scripts/backend";

/** One package a test program declares: the resource name and its arguments. */
export interface DeclaredPackage {
    /** The Pulumi resource name. */
    resource: string;
    /** The `OrgPackage` arguments. */
    args: OrgPackageArgs;
}

/** A program that declares the `OrgPackage`s listed in the stack config `packages` and exports their outputs. */
export const packagesProgram: PulumiFn = async () => {
    const declared = new pulumi.Config().requireObject<DeclaredPackage[]>("packages");
    const outputs: Record<string, pulumi.Output<unknown>> = {};
    for (const { resource, args } of declared) {
        const pkg = new OrgPackage(resource, args);
        outputs[resource] = pulumi.output({
            status: pkg.status,
            lastAction: pkg.lastAction,
            visibility: pkg.visibility,
            versionCount: pkg.versionCount,
            packageId: pkg.packageId,
        });
    }
    return outputs;
};

/** An emulator with the demo seed and a stack of {@link packagesProgram} pointed at it. */
export interface E2E {
    /** The emulator. */
    emulator: Emulator;
    /** The stack. */
    test: TestStack;
    /** Replaces the declared packages. */
    declare(packages: DeclaredPackage[]): Promise<void>;
    /** Everything the CLI printed so far, for leak checks. */
    logs: string[];
    /** Stops the emulator and removes the state. */
    dispose(): Promise<void>;
}

/** The token the end-to-end stacks use; tests check it never reaches state or logs. */
export const E2E_TOKEN = TOKENS.admin;

/**
 * Starts an emulator and a stack whose secret config holds the token. The program is inline
 * (hosted in the test process) on purpose: tests swap it per case (`startE2E(program)` with a
 * function of their own) and run many engine operations, which stay fast without a ts-node
 * compile per run. How users run programs (CLI, Pulumi.yaml, language host, cmd/run) is tested
 * with project directories in tests/examples and tests/langhost.
 */
export async function startE2E(program: PulumiFn = packagesProgram): Promise<E2E> {
    const emulator = await startDemo();
    const test = await createTestStack({
        program,
        config: {
            "github-packages:apiUrl": { value: emulator.url },
            // The emulator serves the container registry too; without this a container retention would refuse to guess one.
            "github-packages:registryUrl": { value: emulator.url },
            "github-packages:token": { value: E2E_TOKEN, secret: true },
            "github-packages:retryBaseMs": { value: "5" },
            // Long enough that no request is abandoned and sent again on a machine busy with two test workers (tests count requests).
            "github-packages:requestTimeoutMs": { value: "10000" },
        },
    });
    return {
        emulator,
        test,
        logs: [],
        declare: (packages) => test.stack.setConfig("packages", { value: JSON.stringify(packages) }),
        dispose: async () => {
            test.dispose();
            await emulator.close();
        },
    };
}

/** The message of the error `run` rejects with; throws when it succeeds. */
export async function failure(run: Promise<unknown>): Promise<string> {
    try {
        await run;
    } catch (error) {
        return String((error as Error).message);
    }
    throw new Error("expected the Pulumi operation to fail");
}

/** What a check such as `preview --expect-no-changes` printed when it failed; undefined when it passed. */
export async function outcome(run: () => Promise<unknown>): Promise<string | undefined> {
    try {
        await run();
        return undefined;
    } catch (error) {
        return String((error as Error).message);
    }
}

/** A package as tests name it. */
export type Ref = { org: string; packageType: PackageKey["packageType"]; packageName: string };

/** The emulator's key of a package. */
export function keyOf(ref: Ref): PackageKey {
    return { org: ref.org, packageType: ref.packageType, name: ref.packageName };
}

/** The GitHub id of the active package under the name, read through the emulator's admin interface (not the provider). */
export function activeId(emulator: Emulator, ref: Ref): number | undefined {
    const org = emulator.admin.snapshot().orgs.find((o) => o.login === ref.org);
    return org?.packages?.find((p) => p.name === ref.packageName && p.packageType === ref.packageType && !p.deletedAt)?.id;
}

/** An OrgPackage as the state holds it. */
export interface StateResource {
    /** The type token. */
    type: string;
    /** The resource id (`org/type/name`). */
    id?: string;
    /** The URN. */
    urn: string;
    /** The checked inputs the engine stored. */
    inputs?: Record<string, unknown>;
    /** The provider's outputs. */
    outputs: Record<string, unknown>;
}

/** The OrgPackages in the stack's state (none once destroyed). */
export async function packagesInState(e2e: E2E): Promise<StateResource[]> {
    const state = await e2e.test.stack.exportStack();
    return ((state.deployment.resources ?? []) as StateResource[]).filter((r) => r.type === ORG_PACKAGE_TYPE);
}
