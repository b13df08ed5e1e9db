/**
 * Version retention. `pulumi preview --diff` shows, for each package, every version the policy
 * deletes with its rule and reason, and what a keep rule or the image graph saved; `pulumi up`
 * deletes exactly those, paced, and records them in the stack's state (the `deleted` outputs),
 * from where a retention can restore them within 30 days (`restore: "all"`).
 *
 *     pulumi config set org acme
 *     pulumi config set github-packages:registryUrl http://127.0.0.1:8787   # the emulator; ghcr.io by default
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

// Pull-request images of the gateway after two weeks, keeping the three newest of them (the count ranks
// the pull-request images the rules select), never a release or `latest`, and the untagged garbage: the provider reads the image graph from the registry, so the platform manifests,
// attestations, signatures and referrers of every image it keeps stay, and the children of the
// pull-request images it deletes go with them. At most 30 versions a run.
const gateway = new PackageVersionRetention("gateway-images", {
    org,
    packageType: "container",
    packageName: "platform/api-gateway",
    policy: {
        tagged: { include: ["pr-*"], keepLatest: 3 },
        untagged: {},
        olderThan: "14d",
        protect: { tags: ["latest", "v*"] },
        maxDeletions: 30,
    },
});

/** The npm packages the retention covers. */
export const npmPackages = prereleases.packages;
/** The npm versions each package's retention deleted, by `type/name` (`retentions` holds each PackageVersionRetention). */
export const npmDeleted = prereleases.retentions.apply((retentions) =>
    pulumi.all(Object.fromEntries(Object.entries(retentions).map(([key, retention]) => [key, retention.deleted.apply((deleted) => deleted.map((d) => d.name))]))),
);
/** One line over the npm plans: versions deleted and bytes freed ("size unknown": GitHub gives no sizes of npm packages). */
export const npmSummary = prereleases.summary;
/** The gateway's plan: one line per version deleted, kept or blocked, and the bytes it frees (`bytesFreed`; per deletion, `bytes`). */
export const gatewayPlan = gateway.plan;
/** The gateway versions deleted so far (id, name, tags, when, rule). */
export const gatewayDeleted = gateway.deleted;
