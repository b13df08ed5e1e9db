import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../support/pulumi";

interface PackageJson {
    private?: boolean;
    license: string;
    main: string;
    types: string;
    exports: Record<string, string | { types?: string; default: string }>;
    bin: Record<string, string>;
}

/** The package as `npm publish` would upload it: `npm pack --dry-run` (needs `tsc -p tsconfig.build.json` first, as npm test does). */
describe("the npm package (npm pack --dry-run)", () => {
    const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as PackageJson;
    let files: string[];

    before(function () {
        this.timeout(60_000);
        const packed = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: REPO_ROOT, encoding: "utf8" })) as Array<{ files: Array<{ path: string }> }>;
        files = packed[0].files.map((f) => f.path).sort();
    });

    it("is publishable, with the license it declares", () => {
        assert.notEqual(manifest.private, true, "a private package cannot be published");
        assert.equal(manifest.license, "Apache-2.0");
        assert.ok(files.includes("LICENSE"));
        assert.match(readFileSync(path.join(REPO_ROOT, "LICENSE"), "utf8"), /Apache License\s+Version 2\.0, January 2004/);
        assert.ok(files.includes("README.md") && files.includes("package.json"));
    });

    it("holds every file main, types, exports and bin point at", () => {
        const targets = [manifest.main, manifest.types, ...Object.values(manifest.bin)];
        assert.deepEqual(Object.keys(manifest.bin), ["pulumi-github-packages"]);
        assert.match(readFileSync(path.join(REPO_ROOT, manifest.bin["pulumi-github-packages"]), "utf8"), /^#!\/usr\/bin\/env node\n/, "the command starts with its shebang");
        for (const target of Object.values(manifest.exports)) {
            if (typeof target === "string") {
                targets.push(target);
            } else {
                targets.push(target.default, ...(target.types ? [target.types] : []));
            }
        }
        for (const target of targets) {
            assert.ok(files.includes(path.posix.normalize(target)), `${target} is in the package`);
        }
    });

    it("holds only the compiled SDK, provider and policy pack: no sources, source maps, tests, emulator, language host or scripts", () => {
        const shipped = /^dist\/(sdk|provider|policy)\/([a-z0-9-]+\/)*[^/]+\.(js|d\.ts)$/;
        const outside = files.filter((f) => !shipped.test(f) && !["LICENSE", "README.md", "package.json", "policy/PulumiPolicy.yaml", "policy/package.json"].includes(f));
        assert.deepEqual(outside, []);
        assert.ok(files.includes("dist/sdk/shim.js"), "the shim the serialized provider requires by name");
        // The policy pack runs from node_modules/pulumi-github-packages/policy (tests/policy/installed.test.ts).
        for (const file of ["policy/PulumiPolicy.yaml", "policy/package.json", "dist/policy/index.js", "dist/policy/rules.js"]) {
            assert.ok(files.includes(file), `${file} is in the package`);
        }
    });
});
