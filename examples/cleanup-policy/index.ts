/**
 * Policy-driven cleanup. `pulumi preview` lists every package the rules would delete and why;
 * `pulumi up` deletes exactly those; `pulumi refresh` shows what changed since. Pair it with
 * the policy pack, whose protected globs the provider's own protect list must cover (it also
 * stops deletes of resources that leave the program, which the pack cannot see):
 *
 *     pulumi config set github-packages:protect '["npm/widgets", "container/platform/*"]'
 *     pulumi preview --policy-pack ../../policy --policy-pack-config policy-config.json
 *
 * (in this repository `npm run build` first: the pack runs compiled, from dist/policy).
 *
 * Optional config `maxDeletions` (a number) overrides the cap of 10 deletions per run.
 */
import * as pulumi from "@pulumi/pulumi";
import { PackageCleanup } from "pulumi-github-packages";

const config = new pulumi.Config();

const cleanup = new PackageCleanup("cleanup", {
    org: config.require("org"),
    rules: [
        { name: "stale-private", olderThan: "180d", visibility: "private" },
        { name: "orphaned-images", packageTypes: ["container", "docker"], withoutRepository: true },
        { name: "empty", withoutVersions: true },
    ],
    keep: ["platform/*", "com.acme.*"],
    maxDeletions: config.getNumber("maxDeletions") ?? 10,
});

/** Each package the policy deletes, with the rule and the reason: the dry run's report. */
export const deletions = cleanup.deletions;
/** Packages a rule matched but the keep list saved. */
export const kept = cleanup.kept;
/** Packages GitHub refused to delete (public, a version over 5,000 downloads). */
export const undeletable = cleanup.undeletable;
