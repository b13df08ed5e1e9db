import { strict as assert } from "node:assert";
import { checkVersionRetentionArgs, VersionRetentionArgs } from "../../sdk/version-retention";

describe("sdk/version-retention: checkVersionRetentionArgs", () => {
    const good: VersionRetentionArgs = { org: "acme", packages: ["npm/*"], policy: { keepLatest: 5, maxDeletions: 10 } };
    const cases: [string, unknown, RegExp | undefined][] = [
        ["valid globs over type/name", good, undefined],
        ["bare names with packageType", { ...good, packages: ["lib-*"], packageType: "npm" }, undefined],
        ["an unknown argument", { ...good, package: ["npm/*"] }, /package is not an argument of VersionRetention; did you mean "packages"/],
        ["a bare name without packageType", { ...good, packages: ["lib-*"] }, /does not name a registry and packageType is not set/],
        ["an empty list", { ...good, packages: [] }, /packages must be a non-empty list of globs/],
        ["a negation", { ...good, packages: ["!npm/x"] }, /is a negation/],
        ["an unknown registry type", { ...good, packageType: "pypi", packages: ["x"] }, /packageType must be one of npm, maven/],
        ["a bad org", { ...good, org: "acme corp" }, /org/],
        // Each registry the globs name applies its rules: container policies select tagged images.
        ["a policy the registry refuses (docker images: tagged only)", { ...good, packages: ["docker/*"], policy: { keepLatest: 5 } }, /policy\.tagged: .*must set tagged/],
        ["untagged container versions (planned with the image graph)", { ...good, packages: ["container/*"], policy: { untagged: {}, keepLatest: 5, maxDeletions: 5 } }, undefined],
        ["tags on npm", { ...good, policy: { tagged: {}, maxDeletions: 5 } }, /npm versions have no tags/],
        ["planOutput full (each retention's plan output keeps the kept and blocked lists)", { ...good, planOutput: "full" }, undefined],
        ["a planOutput neither compact nor full", { ...good, planOutput: "all" }, /planOutput: planOutput must be "compact" \(the default\) or "full".*got "all"/],
        ["a wildcard registry, checked against every registry's rules", { ...good, packages: ["*/tools-*"], policy: { tagged: {}, keepLatest: 1 } }, /npm versions have no tags/],
    ];
    for (const [what, args, problem] of cases) {
        it(`${problem ? "refuses" : "accepts"} ${what}`, () => {
            const failures = checkVersionRetentionArgs(args as VersionRetentionArgs);
            if (problem) {
                assert.ok(failures.some((f) => problem.test(`${f.property}: ${f.reason}`)), JSON.stringify(failures, null, 1));
            } else {
                assert.deepEqual(failures, []);
            }
        });
    }
});
