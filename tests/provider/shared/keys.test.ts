import { strict as assert } from "node:assert";
import { checkGlobs, firstMatch, isKeyGlob, MatcherOptions, packageKey, packageMatcher, PackageKeyRef } from "../../../provider/shared/keys";
import { PackageType } from "../../../provider/shared/types";

function ref(key: string): PackageKeyRef {
    const [packageType, ...name] = key.split("/");
    return { packageType: packageType as PackageType, packageName: name.join("/") };
}

/** The keys of `keys` that `globs` match. */
function matched(globs: string[], keys: string[], options: MatcherOptions = {}): string[] {
    const match = packageMatcher(globs, options);
    assert.ok(match, "globs give a matcher");
    return keys.filter((key) => match(ref(key)));
}

const NESTED = ["container/platform", "container/platform/api", "container/platform/api/v2", "container/platformer/api", "npm/platform-ui"];

describe("provider/shared/keys", () => {
    it("makes type/name keys, keeping the slashes of container names", () => {
        assert.equal(packageKey({ packageType: "npm", packageName: "app-web" }), "npm/app-web");
        assert.equal(packageKey({ packageType: "container", packageName: "platform/api-gateway" }), "container/platform/api-gateway");
    });

    it("reads a glob as a key glob when its first segment is a registry or a pattern", () => {
        for (const glob of ["npm/app-web", "NPM/app-web", "container/platform/*", "*/legacy-*", "{npm,maven}/x", "**/x"]) {
            assert.equal(isKeyGlob(glob), true, glob);
        }
        for (const glob of ["app-web", "platform/*", "platform/**", "bigco.*", "/x"]) {
            assert.equal(isKeyGlob(glob), false, glob);
        }
    });

    it("matches type/name globs against the key", () => {
        assert.deepEqual(matched(["npm/app-web"], ["npm/app-web", "maven/app-web", "container/npm/app-web"]), ["npm/app-web"]);
        assert.deepEqual(matched(["npm/app-*"], ["npm/app-web", "npm/app-api", "npm/other", "maven/app-web"]), ["npm/app-web", "npm/app-api"]);
    });

    it("matches bare names only where allowed", () => {
        assert.deepEqual(matched(["app-*"], ["npm/app-web", "maven/app-web", "npm/web"], { bareNames: true }), ["npm/app-web", "maven/app-web"]);
        assert.deepEqual(matched(["app-*"], ["npm/app-web"]), [], "without bareNames a bare glob names no key");
    });

    it("compares names case-insensitively, as GitHub does", () => {
        assert.deepEqual(matched(["bigco.*"], ["nuget/BigCo.Legacy", "nuget/Other"], { bareNames: true }), ["nuget/BigCo.Legacy"]);
        assert.deepEqual(matched(["NuGet/bigco.legacy"], ["nuget/BigCo.Legacy"]), ["nuget/BigCo.Legacy"]);
    });

    it("keeps * within one segment and lets ** cross them: platform/* versus platform/**", () => {
        assert.deepEqual(matched(["platform/*"], NESTED, { bareNames: true }), ["container/platform/api"]);
        assert.deepEqual(matched(["platform/**"], NESTED, { bareNames: true }), ["container/platform", "container/platform/api", "container/platform/api/v2"]);
        assert.deepEqual(matched(["container/platform/*"], NESTED), ["container/platform/api"]);
        assert.deepEqual(matched(["container/platform/**"], NESTED), ["container/platform", "container/platform/api", "container/platform/api/v2"]);
    });

    it("expands braces over registries: {npm,maven}/x", () => {
        assert.deepEqual(matched(["{npm,maven}/x"], ["npm/x", "maven/x", "nuget/x", "npm/y"]), ["npm/x", "maven/x"]);
    });

    it("matches a type/name glob against the bare name too in protective lists, never in selective ones", () => {
        const keys = ["npm/tools", "container/npm/tools"];
        assert.deepEqual(matched(["npm/tools"], keys, { bareNames: true }), ["npm/tools"], "include: the narrower reading");
        assert.deepEqual(matched(["npm/tools"], keys, { protective: true }), keys, "keep: either reading keeps");
    });

    it("names the first glob that matches", () => {
        assert.equal(firstMatch(["maven/*", "npm/app-*", "npm/**"], ref("npm/app-web")), "npm/app-*");
        assert.equal(firstMatch(["maven/*"], ref("npm/app-web")), undefined);
        assert.equal(packageMatcher([]), undefined);
    });

    describe("checkGlobs", () => {
        it("accepts valid lists, and nothing", () => {
            assert.deepEqual(checkGlobs(undefined, "keep"), []);
            assert.deepEqual(checkGlobs(["npm/a-*", "{npm,maven}/x", "container/platform/**", "*/legacy-*"], "keep"), []);
            assert.deepEqual(checkGlobs(["platform/*", "bigco.*", "app-web"], "keep", { bareNames: true }), []);
        });

        const rows: [string, unknown, string, RegExp][] = [
            ["a string, not a list", "tmp-*", "include", /include must be a list of globs .*got "tmp-\*" \(a string\).*\["tmp-\*"\]/],
            ["a number in the list", [5], "include[0]", /include\[0\] must be a non-empty glob .*got 5 \(a number\)/],
            ["an empty glob", [""], "include[0]", /non-empty glob/],
            ["spaces around", [" npm/x"], "include[0]", /spaces around it.*"npm\/x"/],
            ["a negation", ["!npm/x"], "include[0]", /negation/],
            ["an empty segment", ["npm//x"], "include[0]", /empty segment/],
            ["a leading slash", ["/x"], "include[0]", /empty segment/],
            ["an unclosed bracket", ["npm/a["], "include[0]", /not a valid glob .*Missing closing/],
            ["an unclosed brace", ["npm/a{b"], "include[0]", /not a valid glob/],
            ["a reversed range", ["npm/[z-a]"], "include[0]", /not a valid glob/],
        ];
        for (const [what, value, property, message] of rows) {
            it(`refuses ${what}, naming ${property}`, () => {
                const problems = checkGlobs(value, "include", { bareNames: true });
                assert.equal(problems.length, 1, JSON.stringify(problems));
                assert.equal(problems[0].property, property);
                assert.match(problems[0].reason, message);
            });
        }

        it("requires the registry where bare names are not allowed", () => {
            const [problem] = checkGlobs(["legacy-*"], "packages");
            assert.equal(problem.property, "packages[0]");
            assert.match(problem.reason, /does not name a registry; write it as type\/name, e.g. "npm\/legacy-\*"/);
        });
    });
});
