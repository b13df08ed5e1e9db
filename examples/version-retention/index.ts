/**
 * Version retention. `pulumi preview --diff` shows, for each package, every version the policy
 * deletes with its rule and reason, and what a keep rule saved; `pulumi up` deletes exactly those,
 * paced, and records them in the stack's state (the `deleted` outputs), from where a retention
 * can restore them within 30 days (`restore: "all"`).
 *
 *     pulumi config set org acme
 *     pulumi preview --diff
 */
import * as pulumi from "@pulumi/pulumi";
import { PackageVersionRetention, VersionRetention } from "pulumi-github-packages";

const config = new pulumi.Config();
const org = config.require("org");

// Pre-releases of every npm package, once a month old, keeping the five newest versions of each.
const prereleases = new VersionRetention("npm-prereleases", {
    org,
    packages: ["npm/*"],
    policy: {
        names: { prereleaseOnly: true },
        olderThan: "30d",
        keepLatest: 5,
        maxDeletions: 50,
    },
});

// Pull-request images of the gateway after two weeks, never a release or `latest`, at most 20 a run.
const gateway = new PackageVersionRetention("gateway-pr-images", {
    org,
    packageType: "container",
    packageName: "platform/api-gateway",
    policy: {
        tagged: { include: ["pr-*"], keepLatest: 3 },
        olderThan: "14d",
        protect: { tags: ["latest", "v*"] },
        maxDeletions: 20,
    },
});

/** The npm packages the retention covers. */
export const npmPackages = prereleases.packages;
/** The gateway's plan: one line per version deleted, kept or blocked. */
export const gatewayPlan = gateway.plan;
/** The gateway versions deleted so far (id, name, tags, when, rule). */
export const gatewayDeleted = gateway.deleted;
