/**
 * The layout docs/development.md draws, held by a test: which folder may import which, no
 * import cycles, and one file-naming convention (kebab-case). A new file that breaks a rule
 * fails here, naming the file and the import.
 */
import * as assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "..");

/** The folders whose TypeScript sources the rules cover. */
const SOURCE_DIRS = ["provider", "sdk", "policy", "langhost", "emulator", "scripts", "tests", "examples"];

/**
 * The areas of the tree, and the areas each may import (besides itself). The order reads as
 * the direction of imports: shared ← github ← the three resources ← inventory ← provider/index ← sdk, policy.
 */
const AREAS: Record<string, readonly string[]> = {
    "provider/shared": [],
    "provider/github": ["provider/shared"],
    "provider/org-package": ["provider/shared", "provider/github"],
    "provider/cleanup": ["provider/shared", "provider/github"],
    "provider/retention": ["provider/shared", "provider/github"],
    "provider/inventory": ["provider/shared", "provider/github", "provider/retention"],
    "provider/index.ts": ["provider/shared", "provider/github", "provider/org-package", "provider/cleanup", "provider/retention", "provider/inventory"],
    sdk: ["provider"],
    policy: ["provider"],
    emulator: [],
    langhost: [],
};

/** Every .ts file under `dir`, relative to the repository root, without node_modules. */
function sources(dir: string): string[] {
    const found: string[] = [];
    for (const entry of readdirSync(path.join(ROOT, dir))) {
        const rel = path.posix.join(dir, entry);
        if (entry === "node_modules" || entry.startsWith(".")) {
            continue;
        }
        if (statSync(path.join(ROOT, rel)).isDirectory()) {
            found.push(...sources(rel));
        } else if (rel.endsWith(".ts")) {
            found.push(rel);
        }
    }
    return found;
}

/** The repository files `file` imports (relative specifiers, `import`, `export ... from` and `require`), resolved. */
function importsOf(file: string): string[] {
    const info = ts.preProcessFile(readFileSync(path.join(ROOT, file), "utf8"), true, true);
    const resolved: string[] = [];
    for (const { fileName } of info.importedFiles) {
        if (!fileName.startsWith(".")) {
            continue;
        }
        const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), fileName));
        const target = [`${base}.ts`, `${base}/index.ts`, base].find((candidate) => {
            try {
                return statSync(path.join(ROOT, candidate)).isFile();
            } catch {
                return false;
            }
        });
        if (target) {
            resolved.push(target);
        }
    }
    return resolved;
}

/** The area a file belongs to: the longest {@link AREAS} key that is the file or a folder holding it. */
function areaOf(file: string): string | undefined {
    return Object.keys(AREAS)
        .filter((area) => file === area || file.startsWith(`${area}/`))
        .sort((a, b) => b.length - a.length)[0];
}

describe("layout", () => {
    const files = SOURCE_DIRS.flatMap(sources);
    const graph = new Map(files.map((file) => [file, importsOf(file)]));

    it("finds the sources it checks", () => {
        assert.ok(files.includes("provider/retention/provider.ts") && files.includes("sdk/index.ts") && files.length > 150, `found ${files.length} files`);
    });

    it("imports run one way: each area imports only the areas docs/development.md allows", () => {
        const wrong: string[] = [];
        for (const [file, targets] of graph) {
            const area = areaOf(file);
            if (area === undefined) {
                continue;
            }
            for (const target of targets) {
                const targetArea = areaOf(target);
                const allowed = targetArea === area || AREAS[area].some((a) => target === a || target.startsWith(`${a}/`) || target === `${a}.ts`);
                if (!allowed) {
                    wrong.push(`${file} imports ${target}`);
                }
            }
        }
        assert.deepEqual(wrong, []);
    });

    it("has no import cycles", () => {
        const cycles: string[] = [];
        const state = new Map<string, "open" | "done">();
        const visit = (file: string, trail: string[]): void => {
            if (state.get(file) === "done") {
                return;
            }
            if (state.get(file) === "open") {
                cycles.push([...trail.slice(trail.indexOf(file)), file].join(" -> "));
                return;
            }
            state.set(file, "open");
            for (const target of graph.get(file) ?? []) {
                visit(target, [...trail, file]);
            }
            state.set(file, "done");
        };
        for (const file of graph.keys()) {
            visit(file, []);
        }
        assert.deepEqual(cycles, []);
    });

    it("names every source file and folder in kebab-case", () => {
        const kebab = /^[a-z0-9]+(-[a-z0-9]+)*$/;
        const wrong = files.filter((file) =>
            file
                .replace(/(\.test)?\.ts$/, "")
                .split("/")
                // Pulumi's own file names (Pulumi.yaml's projects) are not ours to choose.
                .some((part) => !kebab.test(part)),
        );
        assert.deepEqual(wrong, []);
    });

    it("gives each provider folder a README that says what it holds and what it may import", () => {
        for (const area of Object.keys(AREAS).filter((a) => a.startsWith("provider/") && !a.endsWith(".ts"))) {
            const readme = readFileSync(path.join(ROOT, area, "README.md"), "utf8");
            const allowed = AREAS[area].map((a) => a.replace("provider/", ""));
            assert.match(readme, /^# /, `${area}/README.md`);
            for (const other of allowed) {
                assert.ok(readme.includes(`${other}/`), `${area}/README.md should name ${other}/ among what it may import`);
            }
        }
    });
});
