/**
 * The `PackageCleanup` component: checks a cleanup policy when constructed, then lists the
 * organization's packages and declares each package the policy deletes as an `OrgPackage`.
 */
import * as pulumi from "@pulumi/pulumi";
import { checkPolicy, planCleanup, policyTypes } from "../provider/cleanup/plan";
import type { CleanupMatch, CleanupPolicy } from "../provider/shared/types";
import { whileConnected } from "./connection";
import { listOrgPackages } from "./functions";
import { declarationOf, settled } from "./declarations";
import { OrgPackage } from "./org-package";
import { assertArgs } from "./errors";

/** The arguments of a {@link PackageCleanup}: the policy, as plain values. */
export type PackageCleanupArgs = CleanupPolicy;

/** What a {@link PackageCleanup} registers as its outputs. */
interface PackageCleanupOutputs {
    deletions: CleanupMatch[];
    kept: string[];
    undeletable: pulumi.Output<string[]>;
}

/**
 * Declarative cleanup of an organization's packages. Lists the packages of every type the
 * rules name (all pages) and declares each match an `OrgPackage` with `ensure: "absent"`, so
 * `pulumi preview` shows what would be deleted and why, and `pulumi up` deletes exactly that.
 * The policy is checked when the component is constructed, before anything is listed: an
 * invalid one throws, naming every problem at once. A policy that matches more than
 * `maxDeletions` packages fails before anything is deleted.
 * GitHub's refusal to delete a popular public package is reported as status `undeletable`.
 */
export class PackageCleanup extends pulumi.ComponentResource<PackageCleanupOutputs> {
    /** The packages this run deletes (or deleted), each with the rule and the reason. */
    public readonly deletions: pulumi.Output<CleanupMatch[]>;
    /** Packages a rule matched but a keep glob, or another resource of the stack declaring them, saved (`type/name`). */
    public readonly kept: pulumi.Output<string[]>;
    /** Packages GitHub refused to delete (public, a version over 5,000 downloads). */
    public readonly undeletable: pulumi.Output<string[]>;

    /**
     * Applies `args` to the packages of `args.org`.
     * @param name The Pulumi resource name.
     * @param args The cleanup policy.
     * @param opts Pulumi resource options.
     * @throws When the policy is invalid, listing every problem; nothing is listed or deleted then.
     */
    constructor(name: string, args: PackageCleanupArgs, opts?: pulumi.ComponentResourceOptions) {
        assertArgs(checkPolicy(args), `PackageCleanup "${name}" arguments`);
        super("github-packages:index:PackageCleanup", name, args, opts);
        const data = pulumi.output(this.getData());
        this.deletions = data.deletions;
        this.kept = data.kept;
        this.undeletable = data.undeletable;
    }

    /** Lists, plans and declares the deletions; the engine awaits this before the component completes. */
    protected override async initialize(args: pulumi.Inputs, _opts?: pulumi.ComponentResourceOptions, name = "cleanup"): Promise<PackageCleanupOutputs> {
        // Held open until the resources are registered, also when the program reads none of the outputs.
        return whileConnected(async () => {
            const policy = args as PackageCleanupArgs;
            const listed = await Promise.all(policyTypes(policy).map((packageType) => listOrgPackages({ org: policy.org, packageType })));
            // One owner per package: a package another resource of this program declares is never planned here
            // (declarations whose inputs are Outputs are awaited first).
            await settled();
            const now = new Date();
            const candidates = listed.flat();
            const declared = candidates.filter((c) => declarationOf(c) !== undefined);
            const plan = planCleanup(policy, candidates.filter((c) => declarationOf(c) === undefined), now);
            const savedByDeclaration = planCleanup({ ...policy, maxDeletions: Number.MAX_SAFE_INTEGER }, declared, now).deletions.map((d) => d.package);
            plan.kept.push(...savedByDeclaration);
            const resources = plan.deletions.map(
                (match) =>
                    new OrgPackage(
                        `${name}:${match.package}`,
                        {
                            org: policy.org,
                            packageType: match.packageType,
                            packageName: match.packageName,
                            ensure: "absent",
                            onUndeletable: "report",
                            reason: `${match.rule}: ${match.reason}`,
                        },
                        { parent: this },
                    ),
            );
            const undeletable = pulumi
                .all(resources.map((r) => pulumi.all([r.status, r.packageType, r.packageName])))
                .apply((rows) => rows.filter(([status]) => status === "undeletable").map(([, type, pkg]) => `${type}/${pkg}`));
            return { deletions: plan.deletions, kept: plan.kept, undeletable };
        });
    }
}
