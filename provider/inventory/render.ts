/**
 * The inventory as text: Markdown for GitHub's job summary (a summary table, a Mermaid `pie`
 * of packages per registry and, when bytes were read, of bytes per container package, then a
 * table per registry and the problems found; with a retention policy, what it would delete and
 * free per package and in total, each package's versions in a collapsed list) and the JSON
 * document (schema.ts), stable and indented.
 */
import { formatBytes } from "../retention/image-bytes";
import { Inventory, PackageInventory, PlannedBlock, PlannedDeletion, PolicyPlan, RegistryInventory } from "./schema";

/** Options of {@link renderMarkdown}. */
export interface MarkdownOptions {
    /** The most package rows per registry table; the rest is counted in a line below it (the JSON has them all). Defaults to 500, which keeps a job summary of six full registries under GitHub's 1 MiB. */
    maxRows?: number;
    /** The most versions listed per package under the policy's plan; the rest is counted (the JSON has them all). Defaults to 50. */
    maxVersions?: number;
}

/** The formats the inventory renders to. */
export const FORMATS = ["markdown", "json"] as const;

/** A format of {@link renderInventory}. */
export type Format = (typeof FORMATS)[number];

/** The most slices a pie shows; smaller ones are summed in `others`. */
const MAX_SLICES = 8;

/** Renders the inventory in `format`, ending with a newline. */
export function renderInventory(inventory: Inventory, format: Format, options: MarkdownOptions = {}): string {
    return format === "json" ? renderJson(inventory) : renderMarkdown(inventory, options);
}

/** The JSON document, indented by two spaces, with a final newline. */
export function renderJson(inventory: Inventory): string {
    return `${JSON.stringify(inventory, null, 2)}\n`;
}

/** The Markdown report, as GitHub renders it in a job summary (`$GITHUB_STEP_SUMMARY`). */
export function renderMarkdown(inventory: Inventory, options: MarkdownOptions = {}): string {
    const maxRows = options.maxRows ?? 500;
    const { totals } = inventory;
    const lines: string[] = [`## Packages of ${cell(inventory.org)}`, ""];
    const detailed =
        totals.detailedPackages > 0
            ? ` ${count(totals.detailedPackages, "package")} read in detail (${inventory.details.map((g) => `\`${g}\``).join(", ")})` +
              (totals.manifestsRead > 0 ? `, ${count(totals.manifestsRead, "manifest")} read from the container registry.` : ".")
            : "";
    lines.push(
        `${count(totals.packages, "package")} with ${count(totals.versions, "version")} in ${count(inventory.registries.length, "registry", "registries")}, read ${inventory.generatedAt}.${detailed}`,
        "",
    );
    for (const glob of inventory.unmatchedDetails) {
        // Only container names have a `/` in them, so only a container glob with a single `*` gets the hint.
        const hint = /^(container|\*|\{)/i.test(glob) && /(^|[^*])\*([^*]|$)/.test(glob) ? ` (\`*\` stays within one \`/\` segment; \`**\` crosses them, e.g. \`container/**\`)` : "";
        lines.push(`> [!WARNING]`, `> \`${cell(glob)}\` matched no package${hint}.`, "");
    }
    lines.push("| registry | packages | public | private | internal | versions | bytes |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const r of inventory.registries) {
        lines.push(`| ${r.packageType} | ${r.packageCount} | ${r.visibility.public} | ${r.visibility.private} | ${r.visibility.internal} | ${r.versionCount} | ${bytesCell(r)} |`);
    }
    const vis = (v: "public" | "private" | "internal") => inventory.registries.reduce((n, r) => n + r.visibility[v], 0);
    lines.push(
        `| **total** | **${totals.packages}** | ${vis("public")} | ${vis("private")} | ${vis("internal")} | **${totals.versions}** | ${totals.bytes === null ? "" : `**${formatBytes(totals.bytes)}**`} |`,
        "",
    );
    const registrySlices = inventory.registries.filter((r) => r.packageCount > 0).map((r) => [r.packageType, r.packageCount] as const);
    if (registrySlices.length > 0) {
        lines.push(...pie("Packages per registry", registrySlices), "");
    }
    const containerBytes = inventory.registries
        .flatMap((r) => r.packages)
        .filter((p) => p.details?.container && p.details.container.bytes > 0)
        .map((p) => [p.name, p.details!.container!.bytes] as const);
    if (containerBytes.length > 1) {
        lines.push(...pie("Bytes per container package", containerBytes), "");
    }
    for (const registry of inventory.registries) {
        lines.push(...registryTable(registry, maxRows));
    }
    lines.push(...policySection(inventory, maxRows, options.maxVersions ?? 50));
    lines.push(...problems(inventory));
    return `${lines.join("\n").replace(/\n+$/, "")}\n`;
}

/**
 * A Mermaid `pie` block: the largest slices first, at most {@link MAX_SLICES} (the rest as
 * `others`), labels quoted without the quotes Mermaid cannot escape.
 */
export function pie(title: string, slices: readonly (readonly [string, number])[]): string[] {
    const sorted = [...slices].filter(([, value]) => value > 0).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const shown = sorted.length > MAX_SLICES ? sorted.slice(0, MAX_SLICES - 1) : sorted;
    const rest = sorted.slice(shown.length).reduce((n, [, value]) => n + value, 0);
    const all = rest > 0 ? [...shown, ["others", rest] as const] : shown;
    return ["```mermaid", "pie showData", `    title ${title}`, ...all.map(([label, value]) => `    "${label.replace(/["\n\r]/g, "'")}" : ${value}`), "```"];
}

function registryTable(registry: RegistryInventory, maxRows: number): string[] {
    const lines = [`### ${registry.packageType}: ${count(registry.packageCount, "package")}`, ""];
    if (registry.packageCount === 0) {
        return [...lines, "No packages.", ""];
    }
    const withDetails = registry.packages.some((p) => p.details !== null);
    const tagged = registry.packageType === "container" || registry.packageType === "docker";
    const container = registry.packageType === "container" && withDetails;
    const header = ["package", "visibility", "repository", "versions", "created", "updated"];
    if (withDetails) {
        header.push("newest", "oldest");
        if (tagged) {
            header.push("untagged");
        }
        if (container) {
            header.push("broken", "orphaned signatures", "bytes");
        }
    }
    lines.push(`| ${header.join(" | ")} |`, `| ${header.map((h) => (["versions", "untagged", "broken", "orphaned signatures", "bytes"].includes(h) ? "---:" : "---")).join(" | ")} |`);
    for (const pkg of registry.packages.slice(0, maxRows)) {
        lines.push(`| ${row(pkg, withDetails, tagged, container).join(" | ")} |`);
    }
    if (registry.packages.length > maxRows) {
        lines.push("", `And ${count(registry.packages.length - maxRows, "more package")}: the JSON format lists every one.`);
    }
    lines.push("");
    return lines;
}

function row(pkg: PackageInventory, withDetails: boolean, tagged: boolean, container: boolean): string[] {
    const origin = originOf(pkg.htmlUrl);
    const cells = [
        `[${cell(pkg.name)}](${pkg.htmlUrl})`,
        pkg.visibility,
        pkg.repository === null ? "" : origin ? `[${cell(pkg.repository)}](${origin}/${pkg.repository})` : cell(pkg.repository),
        String(pkg.versionCount),
        pkg.createdAt.slice(0, 10),
        pkg.updatedAt.slice(0, 10),
    ];
    if (!withDetails) {
        return cells;
    }
    const d = pkg.details;
    cells.push(d?.newestVersion ? `${d.newestVersion.ageDays} d` : "", d?.oldestVersion ? `${d.oldestVersion.ageDays} d` : "");
    if (tagged) {
        cells.push(d?.untaggedVersions === null || d === null ? "" : String(d.untaggedVersions));
    }
    if (container) {
        const c = d?.container;
        cells.push(c ? String(c.brokenImages.length) : "", c ? String(c.orphanedSignatures.length) : "", c ? `${c.bytesComplete ? "" : "≥ "}${formatBytes(c.bytes)}` : "");
    }
    return cells;
}

/**
 * What the policy would do: a table of the packages it was planned on (versions to delete, kept,
 * blocked, bytes freed) with a total, a pie of the bytes freed per package when more than one
 * frees any, then per package with deletions, blocked versions or a failure, the versions in a
 * collapsed list (`<details>`, which GitHub renders).
 */
function policySection(inventory: Inventory, maxRows: number, maxVersions: number): string[] {
    const summary = inventory.policy;
    if (summary === null) {
        return [];
    }
    const planned = inventory.registries.flatMap((r) => r.packages).filter((p) => p.details?.policy);
    const lines = [
        `### Retention policy: what it would delete`,
        "",
        `Planned on ${count(summary.packages, "package")} read in detail, as a first run of a \`PackageVersionRetention\` with this policy would plan it; nothing was deleted.`,
        "",
        "```json",
        JSON.stringify(summary.policy),
        "```",
        "",
    ];
    if (planned.length === 0) {
        return [...lines, "No package was read in detail.", ""];
    }
    lines.push("| package | versions | delete | kept | blocked | bytes freed |", "| --- | ---: | ---: | ---: | ---: | ---: |");
    for (const pkg of planned.slice(0, maxRows)) {
        const plan = pkg.details!.policy!;
        const what = plan.error !== null ? "fails: nothing" : plan.deletePackage ? `${plan.deleteCount} (the package)` : String(plan.deleteCount);
        lines.push(`| \`${cell(pkg.key)}\` | ${pkg.details!.activeVersions} | ${what}${plan.deferred > 0 ? ` (+${plan.deferred} later)` : ""} | ${plan.kept} | ${plan.blocked.length} | ${freedCell(pkg, plan)} |`);
    }
    if (planned.length > maxRows) {
        lines.push("", `And ${count(planned.length - maxRows, "more package")}: the JSON format lists every one.`);
    }
    const total = summary.bytesFreed === null ? "unknown" : `${summary.bytesFreedComplete ? "" : "≥ "}${formatBytes(summary.bytesFreed)}`;
    lines.push(`| **total** | | **${summary.deletions}** | | **${summary.blocked}** | **${total}** |`, "");
    if (summary.failed > 0) {
        lines.push(`> [!WARNING]`, `> The retention of ${count(summary.failed, "package")} would fail and delete nothing; see below.`, "");
    }
    const freed = planned.filter((p) => (p.details!.policy!.bytesFreed ?? 0) > 0).map((p) => [p.name, p.details!.policy!.bytesFreed!] as const);
    if (freed.length > 1) {
        lines.push(...pie("Bytes freed per package", freed), "");
    }
    for (const pkg of planned) {
        const plan = pkg.details!.policy!;
        if (plan.deleteCount === 0 && plan.blocked.length === 0 && plan.error === null && plan.warnings.length === 0) {
            continue;
        }
        lines.push(`<details><summary><code>${html(pkg.key)}</code>: ${html(planLine(plan))}</summary>`, "");
        if (plan.error !== null) {
            lines.push(`- ${cell(plan.error)}`);
        }
        for (const warning of plan.warnings) {
            lines.push(`- warning: ${cell(warning)}`);
        }
        lines.push(...versionLines(plan.deletions, maxVersions, (d: PlannedDeletion) => `- delete ${label(d)}: ${cell(d.rule)}: ${cell(d.reason)}`));
        lines.push(...versionLines(plan.blocked, maxVersions, (b: PlannedBlock) => `- blocked ${label(b)}: ${b.blockedBy}: ${cell(b.reason)}`));
        lines.push("", "</details>", "");
    }
    return lines;
}

/** One line about a package's plan, for its collapsed list. */
function planLine(plan: PolicyPlan): string {
    if (plan.error !== null) {
        return "the retention would fail and delete nothing";
    }
    const freed = plan.bytesFreed === null ? "" : `, freeing ${formatBytes(plan.bytesFreed)}`;
    return `delete ${plan.deletePackage ? `the package (${count(plan.deleteCount, "version")})` : count(plan.deleteCount, "version")}${freed}, ${plan.blocked.length} blocked`;
}

/** At most `max` lines, and how many more the JSON has. */
function versionLines<T>(items: readonly T[], max: number, line: (item: T) => string): string[] {
    const shown = items.slice(0, max).map(line);
    return items.length > max ? [...shown, `- and ${items.length - max} more (the JSON format lists every one)`] : shown;
}

/** A version as a list names it: its tags, or its name (a digest shortened). */
function label(version: { name: string; tags: string[]; versionId: number }): string {
    const name = version.name.startsWith("sha256:") ? short(version.name) : `\`${cell(version.name)}\``;
    return version.tags.length > 0 ? `${version.tags.map((t) => `\`${cell(t)}\``).join(", ")} (${name})` : `${name} (untagged, id ${version.versionId})`;
}

/** A package's bytes freed: the size, "size unknown" for registries without sizes or an unreadable manifest. */
function freedCell(pkg: PackageInventory, plan: PolicyPlan): string {
    if (plan.bytesFreed !== null) {
        return formatBytes(plan.bytesFreed);
    }
    return pkg.details?.container ? "unknown (a manifest was not read)" : "size unknown";
}

/** Text safe inside HTML (a `<summary>`). */
function html(text: string): string {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Broken images, orphaned signatures and unreadable manifests, package by package. */
function problems(inventory: Inventory): string[] {
    const lines: string[] = [];
    for (const pkg of inventory.registries.flatMap((r) => r.packages)) {
        const c = pkg.details?.container;
        if (!c) {
            continue;
        }
        for (const b of c.brokenImages) {
            lines.push(`- \`${cell(pkg.key)}\`: broken image ${b.tags.map((t) => `\`${t}\``).join(", ")} (${short(b.digest)}): ${cell(b.reason)}`);
        }
        for (const o of c.orphanedSignatures) {
            lines.push(`- \`${cell(pkg.key)}\`: orphaned ${o.kind} \`${o.tag}\` (version ${o.versionId}): its subject ${short(o.subject)} is no version of the package`);
        }
        for (const u of c.unreadable) {
            lines.push(`- \`${cell(pkg.key)}\`: manifest ${short(u.digest)} unreadable (${u.problem}); its blobs are not counted`);
        }
    }
    return lines.length > 0 ? ["### Problems", "", ...lines, ""] : [];
}

function bytesCell(registry: RegistryInventory): string {
    if (registry.bytes !== null) {
        return formatBytes(registry.bytes);
    }
    return registry.packageType === "container" ? "not read" : "size unknown";
}


function count(n: number, singular: string, plural = `${singular}s`): string {
    return `${n.toLocaleString("en-US")} ${n === 1 ? singular : plural}`;
}

/** Text safe in a table cell: no `|`, no line break. */
function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ");
}

function short(digest: string): string {
    return `\`${digest.slice(0, 19)}\``;
}

function originOf(url: string): string | undefined {
    try {
        return new URL(url).origin;
    } catch {
        return undefined;
    }
}
