/**
 * The inventory as text: Markdown for GitHub's job summary (a summary table, a Mermaid `pie`
 * of packages per registry and, when bytes were read, of bytes per container package, then a
 * table per registry and the problems found) and the JSON document (schema.ts), stable and
 * indented.
 */
import { Inventory, PackageInventory, RegistryInventory } from "./schema";

/** Options of {@link renderMarkdown}. */
export interface MarkdownOptions {
    /** The most package rows per registry table; the rest is counted in a line below it (the JSON has them all). Defaults to 500, which keeps a job summary of six full registries under GitHub's 1 MiB. */
    maxRows?: number;
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

/** Bytes in binary units: `512 B`, `1.5 KiB`, `3.2 MiB`, `1.1 GiB`. */
export function formatBytes(bytes: number): string {
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit++;
    }
    return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
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
