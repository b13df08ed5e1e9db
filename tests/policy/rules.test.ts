import { strict as assert } from "node:assert";
import { parseProtectList } from "../../provider/shared/config";
import { ConfigError } from "../../provider/shared/messages";
import {
    canDelete,
    checkConfig,
    covers,
    DYNAMIC_PROVIDER_TYPE,
    ORG_PACKAGE_TYPE,
    PROTECTED_CONFIG,
    protectedDeletions,
    protectedPackageFindings,
    RETENTION_GUARDRAILS_CONFIG,
    RETENTION_GUARDRAILS_DEFAULTS,
    RETENTION_TYPE,
    retentionViolations,
    SeenResource,
    STALE_CONFIG,
    uncoveredGlobs,
} from "../../policy/rules";

function pkg(name: string, packageType: string, packageName: string, extra: Record<string, unknown> = {}): SeenResource {
    return { type: ORG_PACKAGE_TYPE, urn: `urn:${name}`, props: { org: "acme", packageType, packageName, ...extra } };
}

function provider(protect?: unknown): SeenResource {
    return { type: DYNAMIC_PROVIDER_TYPE, urn: "urn:provider", props: protect === undefined ? {} : { "github-packages:protect": protect } };
}

describe("policy/rules", () => {
    describe("config checks (every setting of every policy)", () => {
        const cases: { policy: string; config: unknown; known: typeof PROTECTED_CONFIG | typeof STALE_CONFIG; problem?: RegExp }[] = [
            { policy: "protected-packages", config: { packages: ["npm/widgets", "container/platform/**", "{npm,maven}/legacy-*", "*/tmp-*"] }, known: PROTECTED_CONFIG },
            { policy: "protected-packages", config: { packages: [], enforcementLevel: "mandatory" }, known: PROTECTED_CONFIG },
            { policy: "protected-packages", config: { pakages: ["npm/x"] }, known: PROTECTED_CONFIG, problem: /protected-packages\.pakages is not a setting of this policy; it has packages\./ },
            { policy: "protected-packages", config: { packages: "npm/widgets" }, known: PROTECTED_CONFIG, problem: /protected-packages\.packages must be a list of globs such as \["npm\/legacy-\*"\], got "npm\/widgets"/ },
            { policy: "protected-packages", config: { packages: ["widgets"] }, known: PROTECTED_CONFIG, problem: /protected-packages\.packages\[0\] "widgets" does not name a registry; write it as type\/name, e\.g\. "npm\/widgets"/ },
            { policy: "protected-packages", config: { packages: ["platform/*"] }, known: PROTECTED_CONFIG, problem: /packages\[0\] "platform\/\*" does not name a registry/ },
            { policy: "protected-packages", config: { packages: [""] }, known: PROTECTED_CONFIG, problem: /packages\[0\] must be a non-empty glob such as "npm\/legacy-\*", got "" \(a string\)/ },
            { policy: "protected-packages", config: { packages: [7] }, known: PROTECTED_CONFIG, problem: /packages\[0\] must be a non-empty glob such as "npm\/legacy-\*", got 7 \(a number\)/ },
            { policy: "protected-packages", config: ["npm/widgets"], known: PROTECTED_CONFIG, problem: /the config must be an object with the keys packages, got \["npm\/widgets"\] \(a list\)/ },
            { policy: "stale-packages", config: { maxIdleDays: 90 }, known: STALE_CONFIG },
            { policy: "stale-packages", config: { maxIdleDays: "90" }, known: STALE_CONFIG, problem: /stale-packages\.maxIdleDays must be a whole number of days >= 1 such as 180, got "90" \(a string\)/ },
            { policy: "stale-packages", config: { maxIdleDays: 0 }, known: STALE_CONFIG, problem: /got 0 \(a number\)/ },
            { policy: "stale-packages", config: { maxIdleDays: 1.5 }, known: STALE_CONFIG, problem: /got 1\.5 \(a number\)/ },
            { policy: "stale-packages", config: { maxIdleDay: 90 }, known: STALE_CONFIG, problem: /stale-packages\.maxIdleDay is not a setting of this policy; it has maxIdleDays\./ },
        ];
        for (const { policy, config, known, problem } of cases) {
            it(`${problem ? "refuses" : "accepts"} ${policy} ${JSON.stringify(config)}`, () => {
                const problems = checkConfig(policy, config, known);
                if (problem) {
                    assert.equal(problems.length, 1, problems.join("\n"));
                    assert.match(problems[0], problem);
                } else {
                    assert.deepEqual(problems, []);
                }
            });
        }
    });

    describe("the provider's protect list (github-packages:protect)", () => {
        const bad: [unknown, RegExp][] = [
            ["npm/widgets", /which is not JSON/],
            ['{"packages":["npm/widgets"]}', /must be a list of globs/],
            ['["widgets"]', /\[0\] "widgets" does not name a registry/],
            ['["npm/widgets", 3]', /\[1\] must be a non-empty glob such as "npm\/legacy-\*", got 3/],
        ];
        for (const [value, problem] of bad) {
            it(`refuses ${JSON.stringify(value)}`, () => {
                assert.throws(
                    () => parseProtectList(value),
                    (e: Error) => e instanceof ConfigError && e.message.startsWith("Configuration error: github-packages:protect (or GITHUB_PACKAGES_PROTECT) must be a JSON list") && problem.test(e.message) && /pulumi config set github-packages:protect/.test(e.message),
                );
            });
        }
        it("reads a JSON list, a parsed list, and nothing", () => {
            assert.deepEqual(parseProtectList('["npm/widgets", "container/platform/**"]'), ["npm/widgets", "container/platform/**"]);
            assert.deepEqual(parseProtectList(["npm/widgets"]), ["npm/widgets"]);
            assert.deepEqual(parseProtectList(undefined), []);
        });
    });

    describe("covers", () => {
        const cases: [string, string, boolean][] = [
            ["npm/widgets", "npm/widgets", true],
            ["NPM/Widgets", "npm/widgets", true],
            ["npm/*", "npm/widgets", true],
            ["**", "container/platform/*", true],
            ["*/**", "npm/widgets", true],
            ["container/**", "container/platform/*", true],
            ["container/platform/**", "container/platform/*", true],
            ["container/platform/*", "container/platform/api", true],
            ["container/platform/*", "container/platform/**", false],
            ["npm/*", "npm/a*", false],
            ["npm/?", "npm/*", false],
            ["npm/widgets", "npm/*", false],
            ["maven/*", "npm/widgets", false],
            ["container/platform/*", "container/platform/api/v2", false],
        ];
        for (const [covering, glob, expected] of cases) {
            it(`${covering} ${expected ? "covers" : "does not cover"} ${glob}`, () => assert.equal(covers(covering, glob), expected));
        }
    });

    describe("findings", () => {
        it("flags protected packages declared for deletion, case-insensitively, and nothing else", () => {
            const findings = protectedDeletions(
                [
                    pkg("a", "npm", "Widgets", { ensure: "absent" }),
                    pkg("b", "container", "platform/api", { deleteOnDestroy: true }),
                    pkg("c", "container", "platform/api/v2", { deleteOnDestroy: true }),
                    pkg("d", "npm", "widgets", { ensure: "present" }),
                    pkg("e", "npm", "other", { ensure: "absent" }),
                ],
                ["npm/widgets", "container/platform/*"],
            );
            assert.deepEqual(
                findings.map((f) => f.urn),
                ["urn:a", "urn:b"],
            );
        });

        it("requires the provider to cover every protected glob", () => {
            const globs = ["npm/widgets", "container/platform/*"];
            assert.deepEqual(uncoveredGlobs(provider(), []), [], "nothing protected, nothing required");
            assert.deepEqual(uncoveredGlobs(provider('["npm/*","container/**"]'), globs), []);
            const missing = uncoveredGlobs(provider('["npm/widgets"]'), globs);
            assert.equal(missing.length, 1);
            assert.equal(missing[0].urn, "urn:provider");
            assert.match(missing[0].message, /^The provider's protect list \(github-packages:protect: \["npm\/widgets"\]\) does not cover "container\/platform\/\*"\. /);
            assert.match(missing[0].message, /pulumi config set github-packages:protect '\["npm\/widgets","container\/platform\/\*"\]'/);
            assert.match(uncoveredGlobs(provider(), globs)[0].message, /\(github-packages:protect: \[\]\) does not cover "npm\/widgets", "container\/platform\/\*"/);
            assert.match(uncoveredGlobs(provider("nope"), globs)[0].message, /Configuration error: github-packages:protect/);
        });

        it("flags a protected package's retention that can delete the whole package", () => {
            const retention = (packageName: string, lastVersion?: string): SeenResource => ({
                type: RETENTION_TYPE,
                urn: `urn:${packageName}`,
                props: { org: "acme", packageType: "npm", packageName, policy: { keepLatest: 1, lastVersion } },
            });
            const findings = protectedDeletions([retention("widgets", "delete-package"), retention("widgets"), retention("other", "delete-package")], ["npm/widgets"]);
            assert.deepEqual(findings.map((f) => f.urn), ["urn:widgets"]);
            assert.match(findings[0].message, /acme\/npm\/widgets is protected; its retention must not set lastVersion: "delete-package"/);
        });
    });

    describe("protected-packages on one resource, before the engine acts on it", () => {
        const globs = ["npm/widgets"];
        const covered = provider('["npm/widgets"]');

        it("checks the provider for dynamic resources itself: its protect list must cover the globs", () => {
            assert.match(protectedPackageFindings(provider(), undefined, globs)[0].message, /does not cover "npm\/widgets"/);
            assert.deepEqual(protectedPackageFindings(covered, undefined, globs), []);
        });

        it("refuses a protected package declared for deletion, whatever the provider's list", () => {
            for (const extra of [{ ensure: "absent" }, { deleteOnDestroy: true }]) {
                const findings = protectedPackageFindings(pkg("a", "npm", "widgets", extra), covered, globs);
                assert.equal(findings.length, 1);
                assert.match(findings[0].message, /acme\/npm\/widgets is protected/);
            }
        });

        it("refuses a resource that can delete an unprotected package unless the provider's list covers the globs", () => {
            const deleting = pkg("a", "npm", "other", { deleteOnDestroy: true });
            const findings = protectedPackageFindings(deleting, provider(), globs);
            assert.equal(findings.length, 1);
            assert.equal(findings[0].urn, "urn:a");
            assert.match(findings[0].message, /^acme\/npm\/other can be deleted through this resource, and the provider's protect list \(github-packages:protect: \[\]\) does not cover "npm\/widgets"/);
            assert.deepEqual(protectedPackageFindings(deleting, covered, globs), [], "legitimate: covered, not protected");
            assert.deepEqual(protectedPackageFindings(pkg("a", "npm", "other", { ensure: "absent" }), covered, globs), []);
            assert.match(protectedPackageFindings(deleting, undefined, globs)[0].message, /provider is not visible/);
        });

        it("leaves resources that cannot delete alone", () => {
            assert.deepEqual(protectedPackageFindings(pkg("a", "npm", "widgets"), provider(), globs), []);
            assert.deepEqual(protectedPackageFindings(pkg("a", "npm", "widgets", { deleteOnDestroy: false, ensure: "present" }), provider(), globs), []);
            assert.deepEqual(protectedPackageFindings({ type: "pulumi:pulumi:Stack", urn: "urn:stack", props: {} }, undefined, globs), []);
        });

        it("knows which resources can delete", () => {
            assert.equal(canDelete(pkg("a", "npm", "x", { ensure: "absent" })), true);
            assert.equal(canDelete(pkg("a", "npm", "x", { deleteOnDestroy: true })), true);
            assert.equal(canDelete(pkg("a", "npm", "x")), false);
            assert.equal(canDelete({ type: RETENTION_TYPE, urn: "r", props: { policy: { lastVersion: "delete-package" } } }), true);
            assert.equal(canDelete({ type: RETENTION_TYPE, urn: "r", props: { policy: { lastVersion: "never" } } }), false);
            assert.equal(canDelete(provider()), false);
        });
    });
});

describe("policy/rules: retention-guardrails", () => {
    const retention = (packageType: string, policy: unknown): SeenResource => ({
        type: RETENTION_TYPE,
        urn: `urn:retention:${packageType}`,
        props: { org: "acme", packageType, packageName: "api", policy },
    });
    const defaults = RETENTION_GUARDRAILS_DEFAULTS;
    const cases: { what: string; packageType: string; policy: unknown; config?: Partial<typeof defaults>; violation?: RegExp }[] = [
        { what: "a capped npm policy keeping the newest", packageType: "npm", policy: { keepLatest: 5, maxDeletions: 50 } },
        { what: "no cap", packageType: "npm", policy: { keepLatest: 5 }, violation: /sets no maxDeletions \(the default is 100\); set one, at most 100 or "50%"/ },
        { what: "a cap over the bound", packageType: "npm", policy: { keepLatest: 5, maxDeletions: 500 }, violation: /maxDeletions 500 is more than the 100/ },
        { what: "a percentage over the bound", packageType: "npm", policy: { keepLatest: 5, maxDeletions: "80%" }, violation: /"80%" is more than the 50%/ },
        { what: "a percentage within it", packageType: "npm", policy: { keepLatest: 5, maxDeletions: "20%" } },
        { what: "a raised bound", packageType: "npm", policy: { keepLatest: 5, maxDeletions: 500 }, config: { maxDeletions: 1000 } },
        { what: "no keep count", packageType: "npm", policy: { olderThan: "30d", maxDeletions: 10 }, violation: /keeps no version by count; set keepLatest >= 1 \(or names\.keepLatest >= 1\) so/ },
        { what: "a nested count among the names selected", packageType: "npm", policy: { names: { prereleaseOnly: true, keepLatest: 3 }, maxDeletions: 10 } },
        { what: "the package-wide tagged count", packageType: "container", policy: { tagged: { include: ["pr-*"] }, keepLatestTagged: 3, maxDeletions: 10 } },
        { what: "an image policy with no count", packageType: "container", policy: { tagged: { include: ["pr-*"] }, maxDeletions: 10 }, violation: /\(or tagged\.keepLatest or keepLatestTagged >= 1\)/ },
        { what: "every tag, kept by the package-wide tagged count", packageType: "container", policy: { tagged: {}, keepLatestTagged: 3, maxDeletions: 10 }, violation: /can delete images tagged "latest"/ },
        { what: "delete-package", packageType: "npm", policy: { keepLatest: 1, lastVersion: "delete-package", maxDeletions: 10 }, violation: /deletes the whole package/ },
        { what: "delete-package when allowed", packageType: "npm", policy: { keepLatest: 1, lastVersion: "delete-package", maxDeletions: 10 }, config: { allowDeletePackage: true } },
        { what: "an image policy selecting every tag", packageType: "container", policy: { tagged: { keepLatest: 3 }, maxDeletions: 10 }, violation: /can delete images tagged "latest", "stable", "v1\.2\.3", "1\.2\.3"; add them to protect\.tags/ },
        { what: "PR images only", packageType: "container", policy: { tagged: { include: ["pr-*"], keepLatest: 3 }, maxDeletions: 10 } },
        { what: "every tag but protected releases", packageType: "container", policy: { tagged: { keepLatest: 3 }, protect: { tags: ["latest", "stable", "v*", "[0-9]*"] }, maxDeletions: 10 } },
        { what: "every tag but excluded ones", packageType: "docker", policy: { tagged: { exclude: ["latest", "stable", "*.*.*"], keepLatest: 3 }, maxDeletions: 10 } },
        { what: "a release glob left unprotected", packageType: "container", policy: { tagged: { exclude: ["latest", "stable"], keepLatest: 3 }, maxDeletions: 10 }, violation: /tagged "v1\.2\.3", "1\.2\.3"/ },
        { what: "old images only, still every tag", packageType: "container", policy: { tagged: {}, olderThan: "90d", keepLatest: 2, maxDeletions: 10 }, violation: /tagged "latest"/ },
        { what: "a value not known yet (preview)", packageType: "npm", policy: { keepLatest: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" } },
    ];
    for (const { what, packageType, policy, config, violation } of cases) {
        it(`${violation ? "reports" : "passes"} ${what}`, () => {
            const findings = retentionViolations([retention(packageType, policy)], { ...defaults, ...config });
            if (violation) {
                assert.ok(findings.some((f) => violation.test(f.message) && f.urn === `urn:retention:${packageType}`), JSON.stringify(findings));
            } else {
                assert.deepEqual(findings, []);
            }
        });
    }

    it("checks its own config strictly", () => {
        assert.deepEqual(checkConfig("retention-guardrails", defaults, RETENTION_GUARDRAILS_CONFIG), []);
        const problems = checkConfig("retention-guardrails", { ...defaults, maxPercent: 0, protectedTags: ["v*"], allowDeletePackages: true }, RETENTION_GUARDRAILS_CONFIG);
        assert.deepEqual(problems.length, 3, problems.join("\n"));
        assert.match(problems.join("\n"), /maxPercent must be a percentage between 1 and 100/);
        assert.match(problems.join("\n"), /protectedTags must be a list of example tags \(not globs\)/);
        assert.match(problems.join("\n"), /allowDeletePackages is not a setting of this policy/);
    });
});
