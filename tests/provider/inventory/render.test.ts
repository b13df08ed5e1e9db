import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { Emulator } from "../../../emulator";
import { runInventory } from "../../../provider/inventory/run";
import { pie, renderInventory, renderJson, renderMarkdown } from "../../../provider/inventory/render";
import type { Inventory } from "../../../provider/inventory/schema";
import { NOW, startDemo, TOKENS } from "../../emulator/support";

/** Mermaid's own parser (ESM only, so imported at run time rather than required). */
type MermaidParser = { parse(diagram: "pie", text: string): Promise<{ title?: string; showData?: boolean; sections: { label: string; value: number }[] }> };
const importEsm = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<MermaidParser>;

/** The ```mermaid blocks of a Markdown text. */
function mermaidBlocks(markdown: string): string[] {
    return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

/** Every key of every object in `value`, recursively. */
function keysOf(value: unknown, into = new Set<string>()): Set<string> {
    if (Array.isArray(value)) {
        value.forEach((v) => keysOf(v, into));
    } else if (typeof value === "object" && value !== null) {
        for (const [key, v] of Object.entries(value)) {
            into.add(key);
            keysOf(v, into);
        }
    }
    return into;
}

describe("provider/inventory/render", () => {
    let emulator: Emulator;
    let inventory: Inventory;
    let planned: Inventory;
    let parser: MermaidParser;

    before(async () => {
        parser = await importEsm("@mermaid-js/parser");
        emulator = await startDemo();
        const web = { org: "acme", name: "apps/web" };
        const release = emulator.admin.pushIndex(web, { tags: ["v1"], attestations: true });
        const old = emulator.admin.pushImage(web, { tags: ["old"] });
        emulator.admin.pushSignature(web, old.digest);
        emulator.admin.deleteVersion({ org: "acme", packageType: "container", name: web.name }, old.versionId);
        emulator.admin.setManifestState(web, release.children[0].digest, "missing");
        inventory = await runInventory(
            { org: "acme", details: ["container/**", "npm/*"] },
            () => undefined,
            { GITHUB_TOKEN: TOKENS.admin, GITHUB_API_URL: emulator.url, GITHUB_PACKAGES_REGISTRY_URL: emulator.url },
            new Date(NOW),
        );
        // The same organization with a policy: old images and untagged leftovers, never a release.
        emulator.admin.pushImage(web, { tags: ["pr-1"] });
        emulator.admin.pushImage(web, { tags: ["pr-2"] });
        planned = await runInventory(
            { org: "acme", packageTypes: ["container", "npm"], details: ["container/**"], policy: { tagged: { include: ["pr-*", "old*", "latest", "sha256-*"] }, untagged: {}, protect: { tags: ["v*"] } } },
            () => undefined,
            { GITHUB_TOKEN: TOKENS.admin, GITHUB_API_URL: emulator.url, GITHUB_PACKAGES_REGISTRY_URL: emulator.url },
            new Date(NOW),
        );
    });

    after(() => emulator?.close());

    it("draws Mermaid pies that Mermaid's parser reads back: packages per registry and bytes per container package", async () => {
        const blocks = mermaidBlocks(renderMarkdown(inventory));
        assert.equal(blocks.length, 2);
        const [registries, bytes] = await Promise.all(blocks.map((block) => parser.parse("pie", block)));
        assert.equal(registries.title, "Packages per registry");
        assert.deepEqual(
            Object.fromEntries(registries.sections.map((s) => [s.label, s.value])),
            Object.fromEntries(inventory.registries.filter((r) => r.packageCount > 0).map((r) => [r.packageType, r.packageCount])),
        );
        const containers = inventory.registries.find((r) => r.packageType === "container")!.packages;
        assert.deepEqual(
            Object.fromEntries(bytes.sections.map((s) => [s.label, s.value])),
            Object.fromEntries(containers.map((p) => [p.name, p.details!.container!.bytes])),
        );
    });

    it("keeps a pie to eight slices, the rest as others, and labels without quotes Mermaid cannot escape", async () => {
        const slices = Array.from({ length: 12 }, (_, i) => [`pkg "${i}"`, 100 - i] as const);
        const parsed = await parser.parse("pie", pie("Many", slices).slice(1, -1).join("\n"));
        assert.equal(parsed.sections.length, 8);
        assert.deepEqual(parsed.sections[7], { ...parsed.sections[7], label: "others", value: slices.slice(7).reduce((n, [, v]) => n + v, 0) });
        assert.equal(parsed.sections[0].label, "pkg '0'");
        await assert.rejects(parser.parse("pie", 'pie\n    "a" : x\n'), "the parser refuses a broken pie, so the test above means something");
    });

    it("writes a summary table and a table per registry whose rows are the inventory's packages", () => {
        const markdown = renderMarkdown(inventory);
        const summary = markdown.split("\n").filter((line) => /^\| (npm|maven|rubygems|docker|nuget|container) \|/.test(line));
        assert.deepEqual(
            summary.map((line) => line.split(" | ").slice(0, 2)),
            inventory.registries.map((r) => [`| ${r.packageType}`, String(r.packageCount)]),
        );
        assert.match(markdown, new RegExp(`\\| \\*\\*total\\*\\* \\| \\*\\*${inventory.totals.packages}\\*\\* \\|`));
        for (const registry of inventory.registries) {
            assert.match(markdown, new RegExp(`^### ${registry.packageType}: ${registry.packageCount} packages?$`, "m"));
            for (const pkg of registry.packages) {
                assert.ok(markdown.includes(`| [${pkg.name}](${pkg.htmlUrl}) | ${pkg.visibility} |`), `${pkg.key} has a row`);
            }
        }
        assert.match(markdown, /\| maven \| 1 \| .* \| size unknown \|/, "registries without sizes say so, never 0");
        assert.match(markdown, /^### Problems$/m);
        assert.match(markdown, /broken image `v1`/);
        assert.match(markdown, /orphaned signature `sha256-[0-9a-f]{64}\.sig`/);
        const rows = markdown.split("\n").filter((l) => l.startsWith("| [apps/web]"));
        assert.equal(rows.length, 1);
        assert.match(rows[0], /\| ≥ [\d.]+ KiB \|$/, "bytes of a package with an unreadable manifest are a lower bound");
    });

    it("warns about a details glob that matched no package, with the hint about `**`", () => {
        const markdown = renderMarkdown({ ...inventory, unmatchedDetails: ["container/*"] });
        assert.match(markdown, /^> \[!WARNING\]\n> `container\/\*` matched no package \(`\*` stays within one `\/` segment; `\*\*` crosses them/m);
        assert.doesNotMatch(renderMarkdown(inventory), /WARNING/);
        assert.match(renderMarkdown({ ...inventory, unmatchedDetails: ["npm/x*"] }), /^> `npm\/x\*` matched no package\.$/m, "no `/` in npm names: no hint");
    });

    it("cuts long registry tables and says where the rest is", () => {
        const markdown = renderMarkdown(inventory, { maxRows: 1 });
        assert.match(markdown, /And 2 more packages: the JSON format lists every one\./);
    });

    it("writes JSON that reads back as the inventory, every field documented in docs/inventory.md", () => {
        const json = renderInventory(inventory, "json");
        assert.equal(json, renderJson(inventory));
        assert.deepEqual(JSON.parse(json), inventory);
        assert.equal(JSON.parse(json).schemaVersion, 1);
        const docs = readFileSync(path.join(__dirname, "../../../docs/inventory.md"), "utf8");
        // A field is named in backticks, alone or as the last part of a path: `blobs`, `container.blobs`, `registries[]`.
        const named = new Set([...docs.matchAll(/`([\w.[\]]+)`/g)].map((m) => m[1].replace(/\[\]$/, "").split(".").pop()!));
        // The policy's own fields are docs/retention.md's: the document holds the policy as given.
        const withPolicy = { ...planned, policy: { ...planned.policy!, policy: {} } };
        const missing = [...keysOf([inventory, withPolicy])].filter((key) => !named.has(key));
        assert.deepEqual(missing, [], "fields docs/inventory.md does not name");
    });

    it("with a policy: a row per package planned with its deletions, kept, blocked and bytes freed, a total, and each package's versions listed", async () => {
        const markdown = renderMarkdown(planned);
        assert.match(markdown, /^### Retention policy: what it would delete$/m);
        const packages = planned.registries.flatMap((r) => r.packages).filter((p) => p.details?.policy);
        assert.equal(packages.length, planned.totals.detailedPackages);
        for (const pkg of packages) {
            const plan = pkg.details!.policy!;
            const row = markdown.split("\n").find((l) => l.startsWith(`| \`${pkg.key}\` |`));
            assert.ok(row, `${pkg.key} has a row`);
            const cells = row.split(" | ");
            assert.equal(cells[2], plan.deletePackage ? `${plan.deleteCount} (the package)` : String(plan.deleteCount), `${pkg.key} deletions`);
            assert.equal(cells[4], String(plan.blocked.length));
            for (const d of plan.deletions) {
                assert.ok(markdown.includes(`- delete ${d.tags.length > 0 ? d.tags.map((t) => `\`${t}\``).join(", ") : `\`${d.name.slice(0, 19)}\``}`), `${pkg.key}: ${d.name} is listed`);
            }
        }
        const web = packages.find((p) => p.key === "container/apps/web")!.details!.policy!;
        const tags = web.deletions.flatMap((d) => d.tags);
        assert.deepEqual(tags.filter((t) => !t.startsWith("sha256-")).sort(), ["pr-1", "pr-2"], "pr images go; v1 is protected");
        assert.equal(tags.filter((t) => /^sha256-[0-9a-f]{64}\.sig$/.test(t)).length, 1, "and the orphaned signature");
        assert.equal(web.bytesFreed, null, "a manifest was not read: the bytes freed are unknown, never a guess");
        assert.match(markdown, /\| `container\/apps\/web` \| .* \| unknown \(a manifest was not read\) \|$/m);
        const total = planned.policy!;
        assert.equal(total.deletions, packages.reduce((n, p) => n + p.details!.policy!.deleteCount, 0));
        assert.equal(total.bytesFreed, null, "the only package with deletions has an unknown size");
        assert.ok(markdown.includes(`| **total** | | **${total.deletions}** | | **${total.blocked}** | **unknown** |`));
        assert.equal(total.bytesFreedComplete, false);
        assert.ok(markdown.includes(`<details><summary><code>container/apps/web</code>: delete ${web.deleteCount} versions, ${web.blocked.length} blocked</summary>`));
        for (const block of mermaidBlocks(markdown)) {
            await parser.parse("pie", block);
        }
        assert.doesNotMatch(renderMarkdown(inventory), /Retention policy/, "no policy, no section");
    });

    it("with a policy freeing bytes in several packages: a pie Mermaid reads back, and a total that is a lower bound when a size is unknown", async () => {
        // The planned inventory with the bytes freed of two packages known (as the planner would give them).
        const copy = JSON.parse(JSON.stringify(planned)) as Inventory;
        const containers = copy.registries.find((r) => r.packageType === "container")!.packages;
        const [a, b] = containers.filter((p) => p.name !== "apps/web");
        Object.assign(a.details!.policy!, { deleteCount: 1, bytesFreed: 3_000 });
        Object.assign(b.details!.policy!, { deleteCount: 2, bytesFreed: 5_000 });
        copy.policy = { ...copy.policy!, bytesFreed: 8_000, bytesFreedComplete: false };
        const markdown = renderMarkdown(copy);
        const pies = await Promise.all(mermaidBlocks(markdown).map((block) => parser.parse("pie", block)));
        const freed = pies.find((p) => p.title === "Bytes freed per package")!;
        assert.deepEqual(Object.fromEntries(freed.sections.map((s) => [s.label, s.value])), { [a.name]: 3_000, [b.name]: 5_000 });
        assert.match(markdown, /\| \*\*≥ 7\.8 KiB\*\* \|$/m);
    });

});
