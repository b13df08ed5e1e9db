/**
 * Version retention as Pulumi resources: `PackageVersionRetention` applies a retention policy
 * to the versions of one package (the plan is the preview), and `VersionRetention` applies one
 * policy to every package of an organization that its globs match, one resource per package.
 */
import * as pulumi from "@pulumi/pulumi";
import { checkGlobs, firstMatch, isKeyGlob, packageKey } from "../provider/shared/keys";
import { checkRetentionPolicy, RetentionPolicy } from "../provider/retention/policy";
import { checkPlanOutput } from "../provider/retention/inputs";
import { PACKAGE_TYPES, PackageRef, PackageType } from "../provider/shared/types";
import { checkOrg, InputFailure, unknownFields } from "../provider/shared/validate";
import type { BrokenImage } from "../provider/retention/image-health";
import { BytesTotal, planBytesTotal } from "../provider/retention/image-bytes";
import type { BlockedVersionRecord, DeletedVersionRecord, PlanOutput, RetentionPlanOutput, RetentionRunSummary } from "../provider/retention/state";
import { assertRetentionUncontested, declareRetention, pendingDeclaration, retentionOf, settled } from "./declarations";
import { whileConnected } from "./connection";
import { listOrgPackages } from "./functions";
import retentionShim = require("./retention-shim");
import { assertArgs } from "./errors";

/** The arguments of a {@link PackageVersionRetention}. */
export interface PackageVersionRetentionArgs {
    /** The organization's login, e.g. `acme`. */
    org: pulumi.Input<string>;
    /** The registry: npm, maven, rubygems, docker, nuget or container. */
    packageType: pulumi.Input<PackageType>;
    /** The package's name as GitHub shows it, without an owner or repository prefix. */
    packageName: pulumi.Input<string>;
    /** What to delete; docs/retention.md has the rules table. */
    policy: pulumi.Input<RetentionPolicy>;
    /** Versions this resource deleted to bring back on `pulumi up` (their ids, or `"all"`), within GitHub's 30 days; nothing is deleted while set. */
    restore?: pulumi.Input<number[] | "all">;
    /** What the `plan` output keeps after `up`: `"compact"` (default: summary, deletions, bytes; the whole plan stays in the inputs) or `"full"` (also the kept and blocked lists). */
    planOutput?: pulumi.Input<PlanOutput>;
}

/** The module and type names a {@link PackageVersionRetention} registers with. */
const MODULE = "github-packages";
const TYPE = "PackageVersionRetention";

/** The type token of {@link PackageVersionRetention} resources in state and in policy packs. */
export const PACKAGE_VERSION_RETENTION_TYPE = `pulumi-nodejs:dynamic/${MODULE}:${TYPE}`;

/**
 * The retention of one package's versions. `pulumi preview --diff` shows the plan (`plan`):
 * every version to delete with its rule and reason, what a keep rule saved, and what GitHub
 * would refuse. `pulumi up` deletes exactly the versions that plan named, oldest first, paced
 * (`github-packages:writesPerMinute`), and records each one in `deleted`. Removing the resource
 * deletes nothing.
 */
export class PackageVersionRetention extends pulumi.dynamic.Resource {
    /** The organization's login. */
    declare public readonly org: pulumi.Output<string>;
    /** The registry. */
    declare public readonly packageType: pulumi.Output<PackageType>;
    /** The package's name. */
    declare public readonly packageName: pulumi.Output<string>;
    /** The retention policy. */
    declare public readonly policy: pulumi.Output<RetentionPolicy>;
    /** The versions being restored, when set. */
    declare public readonly restore: pulumi.Output<number[] | "all" | undefined>;
    /**
     * The plan of the last preview or up: a summary line, the versions it deletes and the bytes they free. A preview
     * shows the whole plan (also `keep` and `blocked`); after `up` the outputs hold those lists only with `planOutput: "full"`.
     */
    declare public readonly plan: pulumi.Output<RetentionPlanOutput | undefined>;
    /** What the `plan` output keeps after `up`. */
    declare public readonly planOutput: pulumi.Output<PlanOutput | undefined>;
    /** GitHub's id of the package, or null once the package was deleted (`lastVersion: "delete-package"`). */
    declare public readonly packageId: pulumi.Output<number | null>;
    /** Every version the resource deleted in the last 90 days: id, name, tags, when, and the rule. */
    declare public readonly deleted: pulumi.Output<DeletedVersionRecord[]>;
    /** The versions the resource restored in the last 90 days. */
    declare public readonly restored: pulumi.Output<{ versionId: number; name: string; restoredAt: string }[]>;
    /** Versions the last run's rules selected that were not deleted (GitHub's refusals, already gone, unreadable manifests), and earlier refusals remembered (`refusedAt`). */
    declare public readonly blocked: pulumi.Output<BlockedVersionRecord[]>;
    /** What the last run did: counts and time. */
    declare public readonly lastRun: pulumi.Output<RetentionRunSummary | null>;
    /** Container packages: tagged images that would not pull, as the last `pulumi refresh` found them (drift until fixed). */
    declare public readonly brokenImages: pulumi.Output<BrokenImage[]>;

    /**
     * Applies `args.policy` to the versions of `args.packageName`.
     * @param name The Pulumi resource name.
     * @param args The package and the policy.
     * @param opts Pulumi resource options.
     */
    constructor(name: string, args: PackageVersionRetentionArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            retentionShim,
            name,
            { ...args, packageName: declared(name, args), plan: undefined, packageId: undefined, deleted: undefined, restored: undefined, blocked: undefined, lastRun: undefined, brokenImages: undefined },
            opts,
            MODULE,
            TYPE,
        );
    }
}

/**
 * The package name, once this resource is the package's one retention in the run: it is
 * recorded at once for plain values (a second retention then fails its constructor, naming
 * both), else when the Outputs resolve. Either way the name resolves only once every pending
 * declaration settled and none contests it, so that no retention deletes while another of the
 * same package is being refused.
 */
function declared(resource: string, args: PackageVersionRetentionArgs): pulumi.Input<string> {
    const owner = {};
    const { org, packageType, packageName } = args;
    const gate = (ref: { org: string; packageType: PackageType; packageName: string }): Promise<string> =>
        settled().then(() => {
            assertRetentionUncontested(ref, { resource, owner });
            return ref.packageName;
        });
    if (typeof org === "string" && typeof packageType === "string" && typeof packageName === "string") {
        declareRetention({ org, packageType, packageName }, { resource, owner });
        return gate({ org, packageType, packageName });
    }
    // Pending until the declaration is made (not until the gate opens: the gate itself waits for pending declarations).
    let made!: () => void;
    const declaration = new Promise<void>((resolve) => (made = resolve));
    const resolved = pulumi.all([org, packageType, packageName]).apply(([o, t, n]) => {
        try {
            declareRetention({ org: o, packageType: t, packageName: n }, { resource, owner });
        } finally {
            made();
        }
        return gate({ org: o, packageType: t, packageName: n });
    });
    // `isKnown` settles when the apply is skipped for unknown values (preview), so nothing waits forever.
    const isKnown = (resolved as unknown as { isKnown?: Promise<boolean> }).isKnown ?? Promise.resolve(true);
    pendingDeclaration(Promise.race([declaration, isKnown]));
    return resolved;
}

/** The arguments of a {@link VersionRetention}: one policy for the packages its globs match. */
export interface VersionRetentionArgs {
    /** The organization's login. */
    org: string;
    /** Which packages: globs over `type/name` (`container/pr-*`, `npm/@acme/*`), or bare names with `packageType`. */
    packages: string[];
    /** The registry of bare names in `packages`; every registry the globs name otherwise. */
    packageType?: PackageType;
    /** The policy each matched package gets. */
    policy: RetentionPolicy;
    /** What each retention's `plan` output keeps after `up` (see {@link PackageVersionRetentionArgs.planOutput}); `"compact"` by default. */
    planOutput?: PlanOutput;
}

const VERSION_RETENTION_ARGS = ["org", "packages", "packageType", "policy", "planOutput"] as const satisfies readonly (keyof VersionRetentionArgs)[];

/** What a {@link VersionRetention} registers as its outputs. */
interface VersionRetentionOutputs {
    packages: string[];
    skipped: string[];
}

/**
 * One retention policy over many packages: lists the organization's packages of the registries
 * the globs name (at preview and up) and declares a {@link PackageVersionRetention} for each
 * match, named after it. A package that stops matching leaves the stack and nothing is deleted.
 * A package with its own PackageVersionRetention is skipped (`skipped`); two VersionRetentions
 * matching one package fail the run, naming both.
 */
export class VersionRetention extends pulumi.ComponentResource<VersionRetentionOutputs> {
    /** The packages the globs matched in this run and this component retains (`type/name`). */
    public readonly packages: pulumi.Output<string[]>;
    /** Packages the globs matched that have their own PackageVersionRetention in the stack, left to it. */
    public readonly skipped: pulumi.Output<string[]>;
    /** The retention of each matched package, by `type/name`, once listed. */
    public readonly retentions: pulumi.Output<Record<string, PackageVersionRetention>>;
    /** What the packages' plans free together: the sum of their `bytesFreed`, its bound, and how many packages give no size (npm and the other registries without sizes). */
    public readonly bytesFreed: pulumi.Output<BytesTotal>;
    /** One line over the packages' plans: versions deleted and the bytes they free, e.g. `3 packages: delete 12 versions, frees at least 1.2 MiB; size unknown for 2 of 3 packages`. */
    public readonly summary: pulumi.Output<string>;

    /**
     * Applies `args.policy` to every package of `args.org` that `args.packages` matches.
     * @throws When an argument or the policy is invalid, naming every problem; nothing is listed then.
     */
    constructor(name: string, args: VersionRetentionArgs, opts?: pulumi.ComponentResourceOptions) {
        assertArgs(checkVersionRetentionArgs(args), `VersionRetention "${name}" arguments`);
        super("github-packages:index:VersionRetention", name, args, opts);
        const matched = pulumi.output(this.getData()) as pulumi.Output<unknown> as pulumi.Output<VersionRetentionOutputs & { resources: Record<string, PackageVersionRetention> }>;
        this.packages = matched.packages;
        this.skipped = matched.skipped;
        // Not the lifted `matched.resources`: that is Output's own `resources()` method, whose `apply` is a function's.
        this.retentions = matched.apply((data) => data.resources);
        // From the whole data, not the lifted `resources`.
        const plans = matched.apply((data) => pulumi.all(Object.values(data.resources).map((r) => r.plan)));
        const total = plans.apply((views) => planBytesTotal(views));
        this.bytesFreed = total.apply((t) => t.total);
        this.summary = total.apply((t) => t.summary);
    }

    /** Lists the packages and declares one retention per match. */
    protected override async initialize(args: pulumi.Inputs, _opts?: pulumi.ComponentResourceOptions, name = "retention"): Promise<VersionRetentionOutputs> {
        // Held open until the resources are registered, also when the program reads none of the outputs.
        return whileConnected(async () => {
            const { org, packages, packageType, policy, planOutput } = args as VersionRetentionArgs;
            const globs = qualified(packages, packageType);
            const types = registriesOf(globs);
            const listed = (await Promise.all(types.map((t) => listOrgPackages({ org, packageType: t })))).flat();
            // A package with its own retention in the program is left to it (retentions with Output inputs are awaited first).
            await settled();
            const resources: Record<string, PackageVersionRetention> = {};
            const skipped: string[] = [];
            const retained: PackageRef[] = [];
            for (const pkg of listed) {
                if (firstMatch(globs, pkg) === undefined) {
                    continue;
                }
                if (retentionOf({ org, packageType: pkg.packageType, packageName: pkg.packageName }) !== undefined) {
                    skipped.push(packageKey(pkg));
                    continue;
                }
                retained.push({ org, packageType: pkg.packageType, packageName: pkg.packageName });
            }
            const keys = retained.map(packageKey);
            retained.forEach((ref, i) => {
                const args: PackageVersionRetentionArgs & Prefetch = { ...ref, policy, ...(planOutput !== undefined ? { planOutput } : {}), ...prefetchHint(keys, i) };
                resources[keys[i]] = new PackageVersionRetention(`${name}:${keys[i]}`, args, { parent: this });
            });
            return { packages: Object.keys(resources).sort(), skipped: skipped.sort(), resources } as VersionRetentionOutputs;
        });
    }
}

/** The hint a VersionRetention's resources carry: the packages checked after them, listed in the background (the provider does not store it). */
interface Prefetch {
    /** `type/name` keys of packages in the same org. */
    prefetch?: string[];
}

/** How many resources share one hint: every PREFETCH_EVERY-th resource names the next 2 x PREFETCH_EVERY packages. */
const PREFETCH_EVERY = 50;

/** The hint of the `i`-th resource: a few resources carry it, so that the inputs stay small and the listings stay ahead of the engine's checks. */
function prefetchHint(keys: readonly string[], i: number): Prefetch {
    return i % PREFETCH_EVERY === 0 && i + 1 < keys.length ? { prefetch: keys.slice(i + 1, i + 1 + 2 * PREFETCH_EVERY) } : {};
}

/** Checks a {@link VersionRetention}'s arguments before anything is listed. */
export function checkVersionRetentionArgs(args: VersionRetentionArgs): InputFailure[] {
    const input = args as unknown as Record<string, unknown>;
    const failures: InputFailure[] = [...unknownFields(input, VERSION_RETENTION_ARGS, "", "an argument of VersionRetention"), ...checkOrg(input.org)];
    if (input.packageType !== undefined && !(PACKAGE_TYPES as readonly unknown[]).includes(input.packageType)) {
        failures.push({ property: "packageType", reason: `packageType must be one of ${PACKAGE_TYPES.join(", ")}, got ${JSON.stringify(input.packageType)}.` });
    }
    if (!Array.isArray(input.packages) || input.packages.length === 0) {
        failures.push({ property: "packages", reason: `packages must be a non-empty list of globs such as ["container/pr-*"], got ${JSON.stringify(input.packages)}.` });
    } else {
        failures.push(
            ...checkGlobs(input.packages, "packages", { bareNames: args.packageType !== undefined }).map((p) => ({
                property: p.property,
                reason: p.reason.replace("does not name a registry;", "does not name a registry and packageType is not set;"),
            })),
        );
    }
    // Each registry's rules apply: a container policy must select tagged images, and so on.
    const types = Array.isArray(input.packages) && failures.length === 0 ? registriesOf(qualified(args.packages, args.packageType)) : [undefined];
    const seen = new Set<string>();
    for (const packageType of types) {
        for (const f of checkRetentionPolicy(input.policy, packageType, { imageGraph: packageType === "container" })) {
            const property = f.property === "policy" ? "policy" : `policy.${f.property}`;
            if (!seen.has(property + f.reason)) {
                seen.add(property + f.reason);
                failures.push({ property, reason: f.reason });
            }
        }
    }
    failures.push(...checkPlanOutput(input.planOutput));
    return failures;
}

/** The globs as `type/name` globs: a bare name gets `packageType`. */
function qualified(globs: readonly string[], packageType: PackageType | undefined): string[] {
    return globs.map((glob) => (isKeyGlob(glob) || packageType === undefined ? glob : `${packageType}/${glob}`));
}

/** The registries `type/name` globs can match: the type part of each, or every registry for a pattern. */
function registriesOf(globs: readonly string[]): PackageType[] {
    const types = new Set<PackageType>();
    for (const glob of globs) {
        const type = glob.slice(0, glob.indexOf("/")).toLowerCase();
        if ((PACKAGE_TYPES as readonly string[]).includes(type)) {
            types.add(type as PackageType);
        } else {
            PACKAGE_TYPES.forEach((t) => types.add(t));
        }
    }
    return [...types];
}
