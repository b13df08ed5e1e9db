import { strict as assert } from "node:assert";
import { compileRegex, firstMatching, listMatcher, patternProblem, regexLookingGlob } from "../../../provider/retention/patterns";

describe("provider/retention/patterns", () => {
    it("matches globs and /regex/flags patterns", () => {
        const match = listMatcher(["pr-*", "/^release-\\d+$/i"])!;
        assert.deepEqual(["pr-1", "RELEASE-12", "release-12a", "v1"].map(match), [true, true, false, false]);
        assert.equal(listMatcher([]), undefined);
        assert.equal(firstMatching(["v*", "/^r/"], "rc1"), JSON.stringify("/^r/"));
    });

    it("refuses invalid and catastrophic regexes, and stateful flags, saying why", () => {
        assert.match(patternProblem("/(a+)+$/")!, /catastrophic backtracking/);
        assert.match(patternProblem("/^(\\w+\\s?)*$/")!, /catastrophic backtracking/);
        assert.match(patternProblem("/a(/")!, /not a valid regular expression/);
        assert.match(patternProblem("/a/g")!, /flags "g" are not allowed/);
        assert.match(patternProblem("pr-[")!, /./);
        assert.throws(() => compileRegex("pr-*"), /not written \/regex\/flags/);
    });

    it("accepts the regexes the tools' READMEs show, unanchored ones too", () => {
        for (const pattern of ["/^(0|[1-9]\\d*)\\.0\\.0$/", "/-SNAPSHOT$/", "/-(beta|rc)\\.\\d+$/", "/^(?!.*latest).*$/", "/^(0|[1-9]\\d*)((\\.(0|[1-9]\\d*))*)$/"]) {
            assert.equal(patternProblem(pattern), undefined, pattern);
        }
    });

    it("warns about globs that read like regexes, not about ordinary globs", () => {
        for (const glob of ["^v\\d+", ".*", "pr-\\d+", "v1\\.2", "release$", "(?:a)", "v.*", "pr-.*", "pr-[0-9]+", "a.+"]) {
            assert.match(regexLookingGlob(glob, "tagged.include[0]") ?? "", /^tagged\.include\[0\] .* reads like a regular expression/, glob);
        }
        for (const glob of ["pr-*", "*.*.*", "1.*", "1.0.*", "v[0-9]*", "sha256-*.sig", "/^v\\d+/", "{a,b}-*", "!(latest)"]) {
            assert.equal(regexLookingGlob(glob, "x"), undefined, glob);
        }
        // The regex it suggests is anchored: unanchored, /pr-\d+/ would also select release-2-pr-1-final.
        assert.match(regexLookingGlob("pr-\\d+", "x")!, / Write \/\^pr-\\d\+\$\/ to match it as a regex/);
        assert.match(regexLookingGlob("^v\\d+$", "x")!, / Write \/\^v\\d\+\$\/ to match/);
    });
});
