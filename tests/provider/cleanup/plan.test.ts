import { strict as assert } from "node:assert";
import { Candidate, checkPolicy, CLEANUP_POLICY_FIELDS, CLEANUP_RULE_FIELDS, planCleanup, policyTypes } from "../../../provider/cleanup/plan";
import { CleanupPolicy, PackageType, Visibility } from "../../../provider/shared/types";
import { PackageCleanup } from "../../../sdk/cleanup";

const NOW = new Date("2026-06-01T00:00:00Z");

function pkg(packageType: PackageType, packageName: string, daysIdle: number, extra: Partial<Candidate> = {}): Candidate {
    const updatedAt = new Date(NOW.getTime() - daysIdle * 86_400_000).toISOString();
    return {
        org: "acme",
        packageType,
        packageName,
        packageId: 1,
        name: packageName,
        visibility: "private" as Visibility,
        versionCount: 1,
        url: "",
        htmlUrl: "",
        ownerLogin: "acme",
        repository: "acme/repo",
        createdAt: updatedAt,
        updatedAt,
        ...extra,
    };
}

const packages = [
    pkg("npm", "fresh", 3),
    pkg("npm", "stale-lib", 400),
    pkg("npm", "legacy-ui", 500, { visibility: "public" }),
    pkg("container", "tools/old-runner", 300, { repository: null }),
    pkg("container", "platform/api", 365),
    pkg("maven", "com.acme.empty", 10, { versionCount: 0 }),
];

function deleted(plan: ReturnType<typeof planCleanup>): string[] {
    return plan.deletions.map((d) => d.package);
}

describe("provider/cleanup/plan", () => {
    it("deletes packages idle longer than olderThan, and says why", () => {
        const plan = planCleanup({ org: "acme", rules: [{ name: "stale", olderThan: "180d" }] }, packages, NOW);
        assert.deepEqual(deleted(plan), ["npm/stale-lib", "npm/legacy-ui", "container/tools/old-runner", "container/platform/api"]);
        assert.equal(plan.deletions[0].rule, "stale");
        assert.match(plan.deletions[0].reason, /last updated \d{4}-\d{2}-\d{2}, more than 180d ago/);
    });

    it("requires every criterion of a rule: age and visibility and type", () => {
        const plan = planCleanup({ org: "acme", rules: [{ olderThan: "180d", visibility: "public", packageTypes: ["npm"] }] }, packages, NOW);
        assert.deepEqual(deleted(plan), ["npm/legacy-ui"]);
    });

    it("matches include globs, nested container names, no repository and no versions", () => {
        assert.deepEqual(deleted(planCleanup({ org: "acme", rules: [{ include: ["tools/**"] }] }, packages, NOW)), ["container/tools/old-runner"]);
        assert.deepEqual(deleted(planCleanup({ org: "acme", rules: [{ withoutRepository: true }] }, packages, NOW)), ["container/tools/old-runner"]);
        assert.deepEqual(deleted(planCleanup({ org: "acme", rules: [{ withoutVersions: true }] }, packages, NOW)), ["maven/com.acme.empty"]);
    });

    it("lets keep globs win over every rule, and rule excludes win within the rule", () => {
        const plan = planCleanup({ org: "acme", rules: [{ olderThan: "180d", exclude: ["legacy-*"] }], keep: ["platform/*"] }, packages, NOW);
        assert.deepEqual(deleted(plan), ["npm/stale-lib", "container/tools/old-runner"]);
        assert.deepEqual(plan.kept, ["container/platform/api"]);
    });

    it("refuses a run that would delete more than maxDeletions, naming the count", () => {
        assert.throws(
            () => planCleanup({ org: "acme", rules: [{ olderThan: "1d" }], maxDeletions: 3 }, packages, NOW),
            /matches 6 packages, more than maxDeletions \(3\); nothing was deleted/,
        );
    });

    it("rejects rules that would match everything or cannot be read", () => {
        assert.match(checkPolicy({ org: "acme", rules: [{ name: "all" }] })[0].reason, /rules\[0\] \(all\) needs at least one criterion/);
        assert.match(checkPolicy({ org: "acme", rules: [{ olderThan: "ages" }] })[0].reason, /"ages" is not a duration/);
        assert.match(checkPolicy({ org: "acme", rules: [] })[0].reason, /at least one rule/);
        assert.throws(() => planCleanup({ org: "acme", rules: [{ olderThan: "soon" }] }, packages, NOW), /Invalid cleanup policy \(1 problem\), nothing was called:\n  - rules\[0\]\.olderThan: "soon" is not a duration/);
    });

    it("keeps packages named type/name or by bare name, case-insensitively", () => {
        const candidates = [pkg("npm", "app-web", 400), pkg("npm", "app-api", 400), pkg("nuget", "BigCo.Legacy", 400), pkg("maven", "app-web", 400)];
        const plan = planCleanup({ org: "acme", rules: [{ olderThan: "180d" }], keep: ["npm/app-web", "bigco.*"] }, candidates, NOW);
        assert.deepEqual(deleted(plan), ["npm/app-api", "maven/app-web"]);
        assert.deepEqual(plan.kept, ["npm/app-web", "nuget/BigCo.Legacy"]);
        const byBareName = planCleanup({ org: "acme", rules: [{ olderThan: "180d" }], keep: ["APP-WEB"] }, candidates, NOW);
        assert.deepEqual(byBareName.kept, ["npm/app-web", "maven/app-web"]);
    });

    it("keeps one level with platform/* and every level with platform/**", () => {
        const nested = [pkg("container", "platform/api", 400), pkg("container", "platform/api/v2", 400), pkg("container", "platformer", 400)];
        const one = planCleanup({ org: "acme", rules: [{ olderThan: "180d" }], keep: ["platform/*"] }, nested, NOW);
        assert.deepEqual(one.kept, ["container/platform/api"]);
        assert.deepEqual(deleted(one), ["container/platform/api/v2", "container/platformer"]);
        const all = planCleanup({ org: "acme", rules: [{ olderThan: "180d" }], keep: ["container/platform/**"] }, nested, NOW);
        assert.deepEqual(all.kept, ["container/platform/api", "container/platform/api/v2"]);
    });

    it("selects by include and exclude written as type/name or bare names", () => {
        const plan = planCleanup({ org: "acme", rules: [{ include: ["{npm,maven}/*"], exclude: ["npm/legacy-*"] }] }, packages, NOW);
        assert.deepEqual(deleted(plan), ["npm/fresh", "npm/stale-lib", "maven/com.acme.empty"]);
        assert.deepEqual(deleted(planCleanup({ org: "acme", rules: [{ include: ["STALE-*"] }] }, packages, NOW)), ["npm/stale-lib"]);
    });

    it("reads durations in calendar units and never as minutes", () => {
        const around = [pkg("npm", "yesterday", 1), pkg("npm", "five-months", 150), pkg("npm", "seven-months", 212), pkg("npm", "two-years", 730)];
        const older = (olderThan: string) => deleted(planCleanup({ org: "acme", rules: [{ olderThan }], maxDeletions: 100 }, around, NOW));
        assert.deepEqual(older("6mo"), ["npm/seven-months", "npm/two-years"]);
        assert.deepEqual(older("26w"), ["npm/seven-months", "npm/two-years"]);
        assert.deepEqual(older("1y"), ["npm/two-years"]);
        assert.deepEqual(older("1y6mo"), ["npm/two-years"]);
        assert.deepEqual(older("36h"), ["npm/five-months", "npm/seven-months", "npm/two-years"]);
        assert.deepEqual(older("2y1d"), []);
        for (const loose of ["6M", "6m", "P6M", "180"]) {
            assert.throws(() => older(loose), /olderThan/, `${loose} is refused, not read as minutes or milliseconds`);
        }
    });

    it("lists every field in one place", () => {
        assert.deepEqual([...CLEANUP_POLICY_FIELDS].sort(), ["keep", "maxDeletions", "org", "rules"]);
        assert.equal(CLEANUP_RULE_FIELDS.length, 8);
    });

    describe("refuses bad policies at check and at PackageCleanup construction", () => {
        const base: Record<string, unknown> = { org: "acme", rules: [{ olderThan: "180d" }] };
        const rule = (fields: Record<string, unknown>) => ({ ...base, rules: [{ olderThan: "180d" }, fields] });

        /** [what, policy, the property named, what the message says] */
        const rows: [string, Record<string, unknown>, string, RegExp][] = [
            ["an unknown policy field", { ...base, maxDeletion: 5 }, "maxDeletion", /maxDeletion is not a cleanup policy field; did you mean "maxDeletions"\? Known fields: org, rules, keep, maxDeletions/],
            ["org missing", { ...base, org: undefined }, "org", /org must be a GitHub organization login .*got nothing/],
            ["org malformed", { ...base, org: "acme corp" }, "org", /got "acme corp" \(a string\)/],
            ["rules missing", { org: "acme" }, "rules", /rules must be a list of at least one rule .*got nothing/],
            ["rules empty", { org: "acme", rules: [] }, "rules", /at least one rule .*got \[\] \(a list\)/],
            ["rules an object", { org: "acme", rules: { olderThan: "180d" } }, "rules", /got \{"olderThan":"180d"\} \(an object\)/],
            ["keep a string", { ...base, keep: "platform/*" }, "keep", /keep must be a list of globs .*got "platform\/\*" \(a string\).*\["platform\/\*"\]/],
            ["keep an invalid glob", { ...base, keep: ["ok", "npm/[z-a]"] }, "keep[1]", /keep\[1\] "npm\/\[z-a\]" is not a valid glob/],
            ["keep not text", { ...base, keep: [3] }, "keep[0]", /got 3 \(a number\)/],
            ["maxDeletions as text", { ...base, maxDeletions: "5" }, "maxDeletions", /maxDeletions must be a whole number >= 0 .*got "5" \(a string\)/],
            ["maxDeletions negative", { ...base, maxDeletions: -1 }, "maxDeletions", /got -1 \(a number\)/],
            ["maxDeletions fractional", { ...base, maxDeletions: 1.5 }, "maxDeletions", /got 1.5 \(a number\)/],
            ["a rule that is not an object", { ...base, rules: [{ olderThan: "180d" }, "stale"] }, "rules[1]", /rules\[1\] must be a rule object .*got "stale" \(a string\)/],
            ["an unknown rule field", rule({ olderThan: "1y", visiblity: "private" }), "rules[1].visiblity", /rules\[1\]\.visiblity is not a cleanup rule field; did you mean "visibility"\?/],
            ["a rule without criteria", rule({ name: "all", packageTypes: ["npm"] }), "rules[1]", /rules\[1\] \(all\) needs at least one criterion/],
            ["name empty", rule({ olderThan: "1y", name: "" }), "rules[1].name", /name must be non-empty text, got "" \(a string\)/],
            ["name not text", rule({ olderThan: "1y", name: 5 }), "rules[1].name", /got 5 \(a number\)/],
            ["packageTypes a string", rule({ olderThan: "1y", packageTypes: "npm" }), "rules[1].packageTypes", /must be a non-empty list of registries .*got "npm" \(a string\).*\["npm"\]/],
            ["packageTypes empty", rule({ olderThan: "1y", packageTypes: [] }), "rules[1].packageTypes", /non-empty list/],
            ["packageTypes unknown", rule({ olderThan: "1y", packageTypes: ["npm", "pypi"] }), "rules[1].packageTypes[1]", /must be one of "npm", .*got "pypi" \(a string\)/],
            ["olderThan 6M", rule({ olderThan: "6M" }), "rules[1].olderThan", /"6M" is not a duration: "m" is ambiguous .*"mo".*y \(years\), mo \(months\), w \(weeks\), d \(days\), h \(hours\)/],
            ["olderThan 6m", rule({ olderThan: "6m" }), "rules[1].olderThan", /"m" is ambiguous/],
            ["olderThan P6M", rule({ olderThan: "P6M" }), "rules[1].olderThan", /ISO 8601 durations are not accepted/],
            ["olderThan 180", rule({ olderThan: "180" }), "rules[1].olderThan", /a bare number has no unit/],
            ["olderThan a number", rule({ olderThan: 180 }), "rules[1].olderThan", /must be a duration text.*got 180 \(a number\)/],
            ["olderThan zero", rule({ olderThan: "0d" }), "rules[1].olderThan", /is zero, which would match every package/],
            ["olderThan out of order", rule({ olderThan: "6mo1y" }), "rules[1].olderThan", /largest first/],
            ["visibility misspelled", rule({ visibility: "privat" }), "rules[1].visibility", /visibility must be one of "public", "private", "internal", got "privat" \(a string\)/],
            ["visibility an empty list", rule({ visibility: [] }), "rules[1].visibility", /non-empty list of visibilities/],
            ["visibility a bad item", rule({ visibility: ["public", "secret"] }), "rules[1].visibility[1]", /got "secret" \(a string\)/],
            ["include a string", rule({ include: "tmp-*" }), "rules[1].include", /include must be a list of globs .*got "tmp-\*" \(a string\)/],
            ["include empty", rule({ olderThan: "1y", include: [] }), "rules[1].include", /include is empty/],
            ["include an invalid glob", rule({ include: ["tmp-{a"] }), "rules[1].include[0]", /is not a valid glob/],
            ["include a negation", rule({ include: ["!keep-me"] }), "rules[1].include[0]", /negation/],
            ["exclude a string", rule({ olderThan: "1y", exclude: "legacy-*" }), "rules[1].exclude", /exclude must be a list of globs/],
            ["exclude an invalid glob", rule({ olderThan: "1y", exclude: ["a["] }), "rules[1].exclude[0]", /is not a valid glob/],
            ["withoutRepository as text", rule({ withoutRepository: "yes" }), "rules[1].withoutRepository", /must be true or false, got "yes" \(a string\)/],
            ["withoutRepository false", rule({ olderThan: "1y", withoutRepository: false }), "rules[1].withoutRepository", /false is not a criterion/],
            ["withoutVersions as a number", rule({ withoutVersions: 1 }), "rules[1].withoutVersions", /must be true or false, got 1 \(a number\)/],
            ["withoutVersions false", rule({ olderThan: "1y", withoutVersions: false }), "rules[1].withoutVersions", /false is not a criterion/],
        ];

        it("covers every policy and rule field", () => {
            const covered = new Set(rows.map(([, , property]) => property.replace(/^rules\[\d+\]\./, "").replace(/\[\d+\]$/, "")));
            for (const field of [...CLEANUP_POLICY_FIELDS, ...CLEANUP_RULE_FIELDS]) {
                assert.ok(covered.has(field), `no row for ${field}`);
            }
        });

        for (const [what, policy, property, message] of rows) {
            it(`refuses ${what}, naming ${property}`, () => {
                const failures = checkPolicy(policy);
                assert.deepEqual(failures.map((f) => f.property), [property], JSON.stringify(failures));
                assert.match(failures[0].reason, message);
                // The component checks before it lists anything: the constructor throws before registering or calling.
                const error = assertThrows(() => new PackageCleanup("cleanup", policy as unknown as CleanupPolicy));
                assert.match(error.message, /^Invalid PackageCleanup "cleanup" arguments \(1 problem\), nothing was called:/);
                assert.ok(error.message.includes(`\n  - ${failures[0].reason}`), error.message);
            });
        }

        it("reports every problem at once", () => {
            const policy = { org: "acme", keep: "x", maxDeletions: "5", rules: [{ olderThan: "6M", visiblity: "private" }, { include: "tmp-*" }] };
            const error = assertThrows(() => new PackageCleanup("cleanup", policy as unknown as CleanupPolicy));
            for (const property of ["keep", "maxDeletions", "rules[0].olderThan", "rules[0].visiblity", "rules[1].include"]) {
                assert.ok(error.message.includes(`\n  - ${property}`), `${property} in:\n${error.message}`);
            }
            assert.match(error.message, /\(5 problems\)/);
        });
    });
    it("lists only the registries the rules name", () => {
        assert.deepEqual(policyTypes({ org: "acme", rules: [{ olderThan: "1d", packageTypes: ["npm"] }, { include: ["x"], packageTypes: ["container"] }] }), ["npm", "container"]);
        assert.equal(policyTypes({ org: "acme", rules: [{ olderThan: "1d" }] }).length, 6);
    });
});

function assertThrows(fn: () => unknown): Error {
    try {
        fn();
    } catch (error) {
        return error as Error;
    }
    throw new Error("expected a throw");
}
