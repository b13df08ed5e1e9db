import { strict as assert } from "node:assert";
import { Candidate, checkPolicy, planCleanup, policyTypes } from "../../provider/cleanup";
import { PackageType, Visibility } from "../../provider/types";

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

describe("provider/cleanup", () => {
    it("deletes packages idle longer than olderThan, and says why", () => {
        const plan = planCleanup({ org: "acme", rules: [{ name: "stale", olderThan: "180d" }] }, packages, NOW);
        assert.deepEqual(deleted(plan), ["npm/stale-lib", "npm/legacy-ui", "container/tools/old-runner", "container/platform/api"]);
        assert.equal(plan.deletions[0].rule, "stale");
        assert.match(plan.deletions[0].reason, /not updated for 400 days \(more than 180d\)/);
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
        assert.match(checkPolicy({ org: "acme", rules: [{ name: "all" }] }).join(), /rules\[0\] \(all\): a rule needs at least one criterion/);
        assert.match(checkPolicy({ org: "acme", rules: [{ olderThan: "ages" }] }).join(), /olderThan: "ages" is not a duration/);
        assert.match(checkPolicy({ org: "acme", rules: [] }).join(), /at least one rule/);
        assert.throws(() => planCleanup({ org: "acme", rules: [{ olderThan: "soon" }] }, packages, NOW), /Invalid cleanup policy/);
    });

    it("lists only the registries the rules name", () => {
        assert.deepEqual(policyTypes({ org: "acme", rules: [{ olderThan: "1d", packageTypes: ["npm"] }, { include: ["x"], packageTypes: ["container"] }] }), ["npm", "container"]);
        assert.equal(policyTypes({ org: "acme", rules: [{ olderThan: "1d" }] }).length, 6);
    });
});
