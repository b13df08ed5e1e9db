/**
 * A repository keeps its own container images tidy from a scheduled GitHub Actions workflow,
 * with the workflow's own `GITHUB_TOKEN` (`permissions: packages: write`): no personal token to
 * store or rotate. Such a token cannot list the organization's packages, so each image is named
 * here (a `PackageVersionRetention` reads it with one GET); the repository needs the admin role
 * on each ("Manage Actions access" in the package's settings; the repository that published an
 * image has it). `.github/workflows/retention.yml` runs `pulumi preview --diff` on pull requests
 * and `pulumi up` on schedule, and writes `summary` to the job summary. The policy is
 * `policy.json`, which the workflow also gives the inventory (`--policy`) when it has a classic token.
 *
 *     pulumi config set org acme
 *     pulumi config set images '["platform/api-gateway"]'
 *     GITHUB_TOKEN=... pulumi preview --diff
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { PackageVersionRetention, RetentionPolicy } from "pulumi-github-packages";

const config = new pulumi.Config();
const org = config.require("org");
const images = config.requireObject<string[]>("images");

// Per image (policy.json): pull-request images after a week (the three newest stay), untagged leftovers, never a release or `latest`.
const policy = JSON.parse(readFileSync(path.join(__dirname, "policy.json"), "utf8")) as RetentionPolicy;
const retentions = images.map((image) => new PackageVersionRetention(image, { org, packageType: "container", packageName: image, policy }));

/**
 * When this program started. A run with nothing to do keeps every resource's outputs as the last
 * run that changed something left them, so a `lastRun` older than this was not made by this run.
 */
const startedAt = new Date().toISOString();

/** The job summary (Markdown): per image, what this run deleted (with the plan it applied) or that it changed nothing, and the versions deleted so far. */
export const summary = pulumi
    .all(retentions.map((r) => pulumi.all([r.packageName, r.plan, r.lastRun, r.deleted])))
    .apply((rows) =>
        [
            "## Image retention",
            ...rows.flatMap(([name, plan, lastRun, deleted]) => [
                `### ${org}/${name}`,
                ...(lastRun && lastRun.at >= startedAt
                    ? [
                          `This run: ${plan?.summary ?? "no plan"}`,
                          ...(plan?.delete ?? []).map((v) => `- delete ${v.tags?.length ? v.tags.join(", ") : v.version}: ${v.reason}`),
                      ]
                    : [`This run changed nothing.${lastRun ? ` The last run that did (${lastRun.at}): ${plan?.summary ?? "no plan"}` : ""}`]),
                "",
                deleted.length > 0 ? `Deleted so far (${deleted.length}):` : "Nothing deleted so far.",
                ...deleted.slice(-50).map((d) => `- ${d.tags.length ? d.tags.join(", ") : d.name} (${d.deletedAt}, ${d.rule})`),
                "",
            ]),
        ].join("\n"),
    );
