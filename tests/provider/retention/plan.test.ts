import { strict as assert } from "node:assert";
import { RetentionCandidate } from "../../../provider/retention/candidate";
import { planRetention, RetentionCapError, RetentionOptions, RetentionPlan } from "../../../provider/retention/plan";
import { checkRetentionPolicy, RetentionPolicy } from "../../../provider/retention/policy";
import { PackageType } from "../../../provider/shared/types";

const NOW = new Date("2025-06-01T12:00:00Z");
const DAY = 86_400_000;

function daysAgo(days: number): string {
    return new Date(NOW.getTime() - days * DAY).toISOString();
}

/** A version `id` named `name`, created `created` days ago and updated `updated` days ago. */
function v(versionId: number, name: string, created: number, tags: string[] = [], updated = created): RetentionCandidate {
    return { versionId, name, tags, createdAt: daysAgo(created), updatedAt: daysAgo(updated) };
}

function digest(n: number): string {
    return `sha256:${n.toString(16).padStart(64, "0")}`;
}

/** An npm package: ids grow with age, newest last. */
const NPM = [
    v(1, "1.0.0", 400, [], 5),
    v(2, "1.1.0-beta.1", 300),
    v(3, "1.1.0", 200),
    v(4, "2.0.0-rc.1", 100),
    v(5, "2.0.0", 50),
    v(6, "2.1.0", 10),
];

/** A container package: c4 has a tag `latest` beside a PR tag; c2 is untagged (maybe a multi-arch child). */
const IMAGES = [
    v(11, digest(11), 100, ["pr-1"]),
    v(12, digest(12), 100, []),
    v(13, digest(13), 90, ["pr-2", "pr-2-amd64"]),
    v(14, digest(14), 80, ["pr-3", "latest"]),
    v(15, digest(15), 70, ["v1.0"]),
    v(16, digest(16), 5, ["v1.1"]),
    v(17, digest(17), 1, ["pr-4"]),
];

function plan(policy: RetentionPolicy, versions: RetentionCandidate[], packageType: PackageType = "npm", undeletable?: number[]): RetentionPlan {
    return planRetention(policy, versions, { packageType, now: NOW, undeletable, subject: `acme/${packageType}/app` });
}

/** The plan in short: deleted ids (in plan order), kept and blocked as id -> reason code. */
function summary(result: RetentionPlan) {
    return {
        deleted: result.deletions.map((d) => d.versionId),
        kept: Object.fromEntries(result.kept.map((k) => [k.versionId, k.keptBy])),
        blocked: Object.fromEntries(result.blocked.map((b) => [b.versionId, b.blockedBy])),
        deletePackage: result.deletePackage,
    };
}

interface Row {
    name: string;
    policy: RetentionPolicy;
    versions: RetentionCandidate[];
    packageType?: PackageType;
    undeletable?: number[];
    deleted: number[];
    kept?: Record<number, string>;
    blocked?: Record<number, string>;
    deletePackage?: boolean;
}

const ROWS: Row[] = [
    // keep the N most recent
    { name: "keepLatest alone deletes all but the N newest, oldest first", policy: { keepLatest: 2 }, versions: NPM, deleted: [1, 2, 3, 4], kept: { 6: "keep-latest", 5: "keep-latest" } },
    {
        name: "keepLatest breaks ties of creation time by version id",
        policy: { keepLatest: 1 },
        versions: [v(21, "1.0.0", 3), v(23, "1.0.2", 3), v(22, "1.0.1", 3)],
        deleted: [21, 22],
        kept: { 23: "keep-latest" },
    },
    // older than
    { name: "olderThan compares createdAt by default", policy: { olderThan: "150d" }, versions: NPM, deleted: [1, 2, 3] },
    { name: "olderThan with ageFrom updatedAt compares updatedAt", policy: { olderThan: "150d", ageFrom: "updatedAt" }, versions: NPM, deleted: [2, 3] },
    { name: "olderThan accepts months and years", policy: { olderThan: "1y" }, versions: NPM, deleted: [1] },
    { name: "olderThan and keepLatest: the count is over all versions, so it keeps old ones among the newest", policy: { olderThan: "150d", keepLatest: 5 }, versions: NPM, deleted: [1], kept: { 2: "keep-latest", 3: "keep-latest" } },
    // names
    { name: "a semver range includes pre-releases (2.0.0-rc.1 precedes 2.0.0)", policy: { names: { semver: "<2.0.0" } }, versions: NPM, deleted: [1, 2, 3, 4] },
    { name: "pre-releases only", policy: { names: { prereleaseOnly: true } }, versions: NPM, deleted: [2, 4] },
    { name: "a semver range and pre-releases only together", policy: { names: { semver: ">=2.0.0-0", prereleaseOnly: true } }, versions: NPM, deleted: [4] },
    { name: "name globs include and exclude", policy: { names: { include: ["1.*"], exclude: ["*-beta*"] } }, versions: NPM, deleted: [1, 3] },
    {
        name: "names that are not semver are never selected by a semver rule",
        policy: { names: { semver: "*" } },
        versions: [v(31, "1.0-SNAPSHOT", 20, [], 20), v(32, "1.0.0", 10), v(33, "1.0.1", 1)],
        deleted: [32, 33],
    },
    { name: "names and olderThan must both hold", policy: { names: { prereleaseOnly: true }, olderThan: "200d" }, versions: NPM, deleted: [2] },
    // protect lists
    { name: "protect.versions keeps matching names", policy: { names: { semver: "<2.0.0" }, protect: { versions: ["1.1.*"] } }, versions: NPM, deleted: [1, 4], kept: { 2: "protect-version", 3: "protect-version" } },
    { name: "protect.versionIds keeps by id", policy: { olderThan: "150d", protect: { versionIds: [1] } }, versions: NPM, deleted: [2, 3], kept: { 1: "protect-id" } },
    // the last version
    { name: "the last version is never planned by default: blocked", policy: { olderThan: "1d" }, versions: NPM, deleted: [1, 2, 3, 4, 5], blocked: { 6: "last-version" } },
    { name: "lastVersion keep-newest keeps it and says so", policy: { olderThan: "1d", lastVersion: "keep-newest" }, versions: NPM, deleted: [1, 2, 3, 4, 5], kept: { 6: "last-version" } },
    { name: "lastVersion delete-package deletes the whole package", policy: { olderThan: "1d", lastVersion: "delete-package" }, versions: NPM, deleted: [1, 2, 3, 4, 5, 6], deletePackage: true },
    { name: "the last version rule does not apply while another version stays", policy: { olderThan: "1d", protect: { versionIds: [3] } }, versions: NPM, deleted: [1, 2, 4, 5, 6], kept: { 3: "protect-id" } },
    // known refusals
    { name: "versions GitHub refused before (5,000 downloads) are blocked, not planned", policy: { olderThan: "150d" }, versions: NPM, undeletable: [1], deleted: [2, 3], blocked: { 1: "undeletable" } },
    {
        name: "an undeletable version counts as staying, so the newest is planned",
        policy: { olderThan: "1d" },
        versions: NPM,
        undeletable: [1],
        deleted: [2, 3, 4, 5, 6],
        blocked: { 1: "undeletable" },
    },
    // containers: tags
    { name: "tag include globs: every tag must match; untagged versions are never selected", packageType: "container", policy: { tagged: { include: ["pr-*"] } }, versions: IMAGES, deleted: [11, 13, 17], kept: { 14: "partial-tag-match" } },
    {
        name: "tagged keep count ranks tagged versions only",
        packageType: "container",
        policy: { tagged: { include: ["pr-*"], keepLatest: 1 } },
        versions: IMAGES,
        deleted: [11, 13],
        kept: { 17: "keep-latest-tagged", 14: "partial-tag-match" },
    },
    { name: "tagged and olderThan: an image with two tags counts once", packageType: "container", policy: { tagged: {}, olderThan: "60d" }, versions: IMAGES, deleted: [11, 13, 14, 15] },
    { name: "tag exclude globs make a partial match", packageType: "container", policy: { tagged: { exclude: ["latest"] }, olderThan: "60d" }, versions: IMAGES, deleted: [11, 13, 15], kept: { 14: "partial-tag-match" } },
    { name: "protect.tags keeps an image with any protected tag", packageType: "container", policy: { tagged: {}, olderThan: "60d", protect: { tags: ["v*"] } }, versions: IMAGES, deleted: [11, 13, 14], kept: { 15: "protect-tag" } },
    { name: "protect.digests keeps by digest", packageType: "container", policy: { tagged: {}, olderThan: "60d", protect: { digests: [digest(13)] } }, versions: IMAGES, deleted: [11, 14, 15], kept: { 13: "protect-digest" } },
    { name: "tag globs never match digests", packageType: "container", policy: { tagged: { include: ["sha256*"] } }, versions: IMAGES, deleted: [] },
    {
        name: "keep always wins: protect and counts together",
        packageType: "container",
        policy: { tagged: { include: ["pr-*"], keepLatest: 1 }, keepLatest: 2, protect: { tags: ["pr-1"] } },
        versions: IMAGES,
        deleted: [13],
        kept: { 11: "protect-tag", 14: "partial-tag-match", 17: "keep-latest" },
    },
    {
        name: "for images the last tagged version is blocked while untagged versions stay",
        packageType: "container",
        policy: { tagged: {} },
        versions: [v(41, digest(41), 20, ["a"]), v(42, digest(42), 10, ["b"]), v(43, digest(43), 5, [])],
        deleted: [41],
        blocked: { 42: "last-version" },
    },
    {
        name: "for images delete-package does not apply while untagged versions stay",
        packageType: "container",
        policy: { tagged: {}, lastVersion: "delete-package" },
        versions: [v(41, digest(41), 20, ["a"]), v(42, digest(42), 10, ["b"]), v(43, digest(43), 5, [])],
        deleted: [41],
        blocked: { 42: "last-version" },
    },
    {
        name: "for images delete-package applies when every version is tagged and selected",
        packageType: "container",
        policy: { tagged: {}, lastVersion: "delete-package" },
        versions: [v(41, digest(41), 20, ["a"]), v(42, digest(42), 10, ["b"])],
        deleted: [41, 42],
        deletePackage: true,
    },
    { name: "docker follows the container rules", packageType: "docker", policy: { tagged: { include: ["pr-*"] } }, versions: IMAGES, deleted: [11, 13, 17], kept: { 14: "partial-tag-match" } },
];

describe("provider/retention/plan", () => {
    describe("plans every rule and their combinations", () => {
        for (const row of ROWS) {
            it(row.name, () => {
                const result = plan(row.policy, row.versions, row.packageType, row.undeletable);
                assert.deepEqual(summary(result), {
                    deleted: row.deleted,
                    kept: row.kept ?? {},
                    blocked: row.blocked ?? {},
                    deletePackage: row.deletePackage ?? false,
                });
            });
        }
    });

    it("gives each deletion its rule and reason, and each kept or blocked version its reason", () => {
        const result = plan({ tagged: { include: ["pr-*"] }, olderThan: "60d", keepLatest: 1 }, IMAGES, "container");
        const first = result.deletions[0];
        assert.equal(first.versionId, 11);
        assert.equal(first.rule, "olderThan and tagged");
        assert.match(first.reason, /created 100 days ago \(olderThan 60d\)/);
        assert.match(first.reason, /every tag matches \(pr-1\)/);
        assert.match(first.reason, /not among the 1 most recent versions/);
        const partial = result.kept.find((k) => k.versionId === 14);
        assert.match(partial?.reason ?? "", /pr-3 match the tagged rule but latest does not/);
        const blocked = plan({ olderThan: "1d" }, NPM).blocked[0];
        assert.match(blocked.reason, /GitHub refuses to delete a package's last version/);
        assert.match(blocked.reason, /lastVersion: "keep-newest"/);
        const images = [v(41, digest(41), 20, ["a"]), v(43, digest(43), 5, [])];
        const lastTagged = plan({ tagged: {}, lastVersion: "delete-package" }, images, "container").blocked[0];
        assert.match(lastTagged.reason, /select every tagged version, .* last tagged version; it is kept\. The package keeps untagged versions/);
    });

    describe("caps", () => {
        it("fails the whole plan over an absolute cap, naming the counts", () => {
            assert.throws(() => plan({ keepLatest: 2, maxDeletions: 3 }, NPM), (error: unknown) => {
                assert.ok(error instanceof RetentionCapError);
                assert.equal(error.planned, 4);
                assert.equal(error.maxDeletions, 3);
                assert.equal(error.total, 6);
                assert.match(error.message, /acme\/npm\/app would delete 4 of its 6 versions, more than maxDeletions \(3\); nothing was deleted/);
                return true;
            });
            assert.equal(plan({ keepLatest: 2, maxDeletions: 4 }, NPM).deletions.length, 4);
        });

        it("resolves a percentage of the package's versions, rounded down", () => {
            assert.throws(() => plan({ keepLatest: 2, maxDeletions: "50%" }, NPM), /more than maxDeletions \(50% of 6 = 3\)/);
            const result = plan({ keepLatest: 2, maxDeletions: "66.7%" }, NPM);
            assert.equal(result.maxDeletions, 4);
            assert.equal(result.deletions.length, 4);
        });

        it("counts per version: an image with two tags is one deletion", () => {
            assert.equal(plan({ tagged: {}, olderThan: "60d", maxDeletions: 4 }, IMAGES, "container").deletions.length, 4);
            assert.throws(() => plan({ tagged: {}, olderThan: "60d", maxDeletions: 3 }, IMAGES, "container"), RetentionCapError);
        });

        it("defaults to 100 deletions per package", () => {
            const many = Array.from({ length: 150 }, (_, i) => v(1000 + i, `1.0.${i}`, 300 - i));
            assert.throws(() => plan({ keepLatest: 10 }, many), /would delete 140 of its 150 versions, more than maxDeletions \(100\)/);
            assert.equal(plan({ keepLatest: 50 }, many).deletions.length, 100);
        });

        it("counts a package deletion as all of its versions", () => {
            assert.throws(() => plan({ olderThan: "1d", lastVersion: "delete-package", maxDeletions: 5 }, NPM), /delete 6 of its 6 versions \(the whole package\)/);
        });
    });

    describe("containers without the image graph", () => {
        for (const packageType of ["container", "docker"] as const) {
            it(`refuses a ${packageType} policy that selects untagged versions, saying why`, () => {
                const fix = packageType === "container" ? /planImageRetention, which reads the image graph/ : /legacy registry, whose manifests the provider does not read/;
                assert.throws(() => plan({ tagged: {}, untagged: {} }, IMAGES, packageType), /untagged (container|docker) versions cannot be selected yet: .* multi-arch image .*manifest unknown/);
                assert.throws(() => plan({ tagged: {}, untagged: {} }, IMAGES, packageType), fix);
                assert.throws(() => plan({ olderThan: "30d" }, IMAGES, packageType), /tagged: a .* policy must set tagged .*multi-arch/);
                assert.throws(() => plan({ tagged: {}, names: { semver: "<2" } }, IMAGES, packageType), /names: .* digests, not tags/);
            });
        }

        it("allows tagged versions, and protect lists by name, in image policies", () => {
            assert.deepEqual(plan({ tagged: {}, keepLatest: 3, protect: { versions: [digest(11)] } }, IMAGES, "container").deletions.map((d) => d.versionId), [13, 14]);
        });
    });

    it("refuses deleted versions in the list", () => {
        assert.throws(() => plan({ keepLatest: 1 }, [...NPM, { ...v(9, "0.9.0", 500), deletedAt: daysAgo(1) } as RetentionCandidate]), /Version 9 of acme\/npm\/app is deleted/);
    });

    it("refuses a version list with an id twice (pages shifted while listing)", () => {
        assert.throws(() => plan({ keepLatest: 1 }, [...NPM, NPM[2]]), /has version 3 twice .* nothing was planned/);
    });

    describe("invariants over combinations of rules", () => {
        const npmPolicies = combinations<RetentionPolicy>({
            keepLatest: [undefined, 2],
            olderThan: [undefined, "150d"],
            names: [undefined, { prereleaseOnly: true }, { semver: "<2.0.0", exclude: ["1.0.*"] }],
            protect: [undefined, { versionIds: [2], versions: ["2.0.0"] }],
            lastVersion: [undefined, "keep-newest"],
        });
        const imagePolicies = combinations<RetentionPolicy>({
            keepLatest: [undefined, 3],
            olderThan: [undefined, "60d"],
            tagged: [{}, { include: ["pr-*"] }, { exclude: ["latest"], keepLatest: 1 }],
            protect: [undefined, { tags: ["v1.*"], digests: [digest(13)] }],
        });
        const cases = [
            ...npmPolicies.map((policy) => ({ policy, versions: NPM, packageType: "npm" as const })),
            ...imagePolicies.map((policy) => ({ policy, versions: IMAGES, packageType: "container" as const })),
        ];

        it(`hold for ${cases.length} policies`, () => {
            for (const { policy, versions, packageType } of cases) {
                const label = JSON.stringify(policy);
                if (checkRetentionPolicy(policy, packageType).length > 0) {
                    continue;
                }
                const result = plan(policy, versions, packageType);
                const deleted = new Set(result.deletions.map((d) => d.versionId));
                const newest = [...versions].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.versionId - a.versionId);
                // Keep always wins over delete.
                for (const id of policy.protect?.versionIds ?? []) {
                    assert.ok(!deleted.has(id), `${label}: protected id ${id} deleted`);
                }
                for (const version of versions) {
                    if (deleted.has(version.versionId)) {
                        assert.ok(!(policy.protect?.digests ?? []).includes(version.name), `${label}: protected digest deleted`);
                        assert.ok(!version.tags.some((t) => /^v1\./.test(t) && policy.protect?.tags), `${label}: protected tag deleted`);
                        assert.ok(version.tags.length > 0 || packageType === "npm", `${label}: untagged image deleted`);
                        if (policy.olderThan) {
                            assert.ok(NOW.getTime() - Date.parse(version.createdAt) > 60 * DAY, `${label}: young version deleted`);
                        }
                    }
                }
                newest.slice(0, policy.keepLatest ?? 0).forEach((version) => assert.ok(!deleted.has(version.versionId), `${label}: a newest version deleted`));
                // Never every version, and each version in at most one list.
                assert.ok(deleted.size < versions.length, `${label}: every version deleted`);
                const listed = [...result.deletions, ...result.kept, ...result.blocked].map((x) => x.versionId);
                assert.equal(new Set(listed).size, listed.length, `${label}: a version in two lists`);
                // Adding a keep count never adds a deletion.
                const stricter = plan({ ...policy, keepLatest: (policy.keepLatest ?? 0) + 1 }, versions, packageType);
                for (const d of stricter.deletions) {
                    assert.ok(deleted.has(d.versionId), `${label}: a larger keepLatest deleted ${d.versionId}`);
                }
                // Draining at any smaller cap deletes the oldest of the same deletions and says that others wait.
                for (let cap = 1; cap < result.deletions.length; cap++) {
                    const drained = plan({ ...policy, maxDeletions: cap, drain: true }, versions, packageType);
                    assert.deepEqual(drained.deletions.map((d) => d.versionId), result.deletions.slice(0, cap).map((d) => d.versionId), `${label}: drained at ${cap}`);
                    assert.ok(drained.deferred > 0, `${label}: drained at ${cap} reports no wait`);
                }
            }
        });
    });

    describe("validation", () => {
        const INVALID: { policy: unknown; packageType?: PackageType; property: string; message: RegExp }[] = [
            { policy: "keep 3", property: "policy", message: /must be an object/ },
            { policy: {}, property: "policy", message: /needs at least one rule/ },
            { policy: { keepLatest: 0 }, property: "policy", message: /needs at least one rule/ },
            { policy: { keepLast: 3 }, property: "keepLast", message: /keepLast is not a retention policy field; did you mean "keepLatest"\?/ },
            { policy: { keepLatest: 3, maxDeletion: 5 }, property: "maxDeletion", message: /did you mean "maxDeletions"/ },
            { policy: { tagged: { incude: ["pr-*"] } }, packageType: "container", property: "tagged.incude", message: /did you mean "include"/ },
            { policy: { keepLatest: 3, protect: { digest: [] } }, property: "protect.digest", message: /did you mean "digests"/ },
            { policy: { names: { semvr: "<2" } }, property: "names.semvr", message: /did you mean "semver"/ },
            { policy: { keepLatest: 3, whatever: 1 }, property: "whatever", message: /whatever is not a retention policy field; .*Known fields: keepLatest/ },
            { policy: { keepLatest: -1 }, property: "keepLatest", message: /whole number >= 0/ },
            { policy: { keepLatest: 2.5 }, property: "keepLatest", message: /whole number >= 0/ },
            { policy: { olderThan: "30" }, property: "olderThan", message: /a bare number has no unit/ },
            { policy: { olderThan: "30m" }, property: "olderThan", message: /"m" is ambiguous \(minutes or months\)/ },
            { policy: { olderThan: "30M" }, property: "olderThan", message: /"m" is ambiguous.*y \(years\), mo \(months\), w \(weeks\), d \(days\), h \(hours\)/ },
            { policy: { olderThan: "1.5d" }, property: "olderThan", message: /duration/ },
            { policy: { olderThan: "0d" }, property: "olderThan", message: /"0d" is zero/ },
            { policy: { olderThan: "30 days" }, property: "olderThan", message: /duration/ },
            { policy: { olderThan: 30 }, property: "olderThan", message: /olderThan must be text such as "90d", got 30/ },
            { policy: { keepLatest: 3, ageFrom: "updatedAt" }, property: "ageFrom", message: /only applies with olderThan/ },
            { policy: { olderThan: "3d", ageFrom: "publishedAt" }, property: "ageFrom", message: /"createdAt", "updatedAt"/ },
            { policy: { names: { semver: "not a range" } }, property: "names.semver", message: /semver range/ },
            { policy: { names: { semver: "" } }, property: "names.semver", message: /semver range/ },
            { policy: { names: { prereleaseOnly: "yes" } }, property: "names.prereleaseOnly", message: /true or false/ },
            { policy: { names: { include: ["[1-2"] } }, property: "names.include[0]", message: /not a valid glob/ },
            { policy: { names: { include: "1.*" } }, property: "names.include", message: /list of globs/ },
            { policy: { tagged: { include: ["pr-{1,2"] } }, packageType: "container", property: "tagged.include[0]", message: /not a valid glob/ },
            { policy: { tagged: { exclude: [""] } }, packageType: "container", property: "tagged.exclude[0]", message: /non-empty glob/ },
            { policy: { keepLatest: 3, protect: { tags: ["(v1"] } }, property: "protect.tags[0]", message: /not a valid glob/ },
            { policy: { keepLatest: 3, protect: { digests: ["sha256:abc"] } }, property: "protect.digests[0]", message: /64 lowercase hex/ },
            { policy: { keepLatest: 3, protect: { versionIds: [0] } }, property: "protect.versionIds[0]", message: /whole number > 0/ },
            { policy: { keepLatest: 3, protect: { versionIds: ["12"] } }, property: "protect.versionIds[0]", message: /whole number > 0/ },
            { policy: { keepLatest: 3, protect: ["1.0.0"] }, property: "protect", message: /must be an object/ },
            { policy: { keepLatest: 3, maxDeletions: 0 }, property: "maxDeletions", message: /allows no deletion, but the policy's rules delete/ },
            { policy: { keepLatest: 3, maxDeletions: "0%" }, property: "maxDeletions", message: /allows no deletion/ },
            { policy: { keepLatest: 3, maxDeletions: -1 }, property: "maxDeletions", message: /whole number >= 0 or a percentage/ },
            { policy: { keepLatest: 3, maxDeletions: "120%" }, property: "maxDeletions", message: /percentage/ },
            { policy: { keepLatest: 3, maxDeletions: "20" }, property: "maxDeletions", message: /percentage/ },
            { policy: { keepLatest: 3, lastVersion: "always" }, property: "lastVersion", message: /"never", "keep-newest", "delete-package"/ },
            { policy: { tagged: {} }, packageType: "npm", property: "tagged", message: /npm versions have no tags/ },
            { policy: { untagged: {} }, packageType: "maven", property: "untagged", message: /maven versions have no tags/ },
            { policy: { tagged: {}, untagged: { keepLatest: 5 } }, packageType: "container", property: "untagged", message: /multi-arch/ },
            { policy: { olderThan: "30d" }, packageType: "docker", property: "tagged", message: /must set tagged/ },
        ];
        for (const row of INVALID) {
            it(`refuses ${JSON.stringify(row.policy)}${row.packageType ? ` for ${row.packageType}` : ""}: ${row.property}`, () => {
                const failures = checkRetentionPolicy(row.policy, row.packageType);
                const failure = failures.find((f) => f.property === row.property);
                assert.ok(failure, `no failure for ${row.property}: ${JSON.stringify(failures)}`);
                assert.match(failure.reason, row.message);
            });
        }

        const VALID: { policy: RetentionPolicy; packageType?: PackageType }[] = [
            { policy: { keepLatest: 3 } },
            { policy: { olderThan: "12h" } },
            { policy: { olderThan: "2w", ageFrom: "updatedAt" } },
            { policy: { olderThan: "6mo" } },
            { policy: { olderThan: "1y6mo" } },
            { policy: { names: { semver: "1.x || >=2.5.0 <3", prereleaseOnly: true, include: ["*"], exclude: ["*-keep"] } }, packageType: "npm" },
            { policy: { tagged: { include: ["pr-*", "{dev,test}-*"], exclude: ["latest"], keepLatest: 2 }, maxDeletions: "20%" }, packageType: "container" },
            { policy: { keepLatest: 1, protect: { tags: ["v*"], versions: ["1.*"], digests: [digest(1)], versionIds: [7] }, maxDeletions: 5, lastVersion: "delete-package" } },
        ];
        for (const row of VALID) {
            it(`accepts ${JSON.stringify(row.policy)}`, () => {
                assert.deepEqual(checkRetentionPolicy(row.policy, row.packageType), []);
            });
        }

        it("plans nothing from an invalid policy, listing every failure", () => {
            assert.throws(
                () => plan({ keepLast: 3, olderThan: "3m" } as RetentionPolicy, NPM),
                /Invalid retention policy \(2 problems\)[\s\S]*keepLast is not a retention policy field; did you mean "keepLatest"[\s\S]*olderThan/,
            );
        });
    });
});

/** Every combination of the values given for each field; undefined leaves the field out. */
function combinations<T extends object>(options: { [K in keyof T]?: readonly (T[K] | undefined)[] }): T[] {
    let results: Record<string, unknown>[] = [{}];
    for (const [key, values] of Object.entries(options) as [string, unknown[]][]) {
        results = results.flatMap((partial) => values.map((value) => (value === undefined ? { ...partial } : { ...partial, [key]: value })));
    }
    return results as T[];
}

describe("provider/retention/plan: keep counts count through the last run's listing", () => {
    // The last run listed through 2.0.0 (id 5, 50 days ago); 2.1.0 (10 days ago) was published after it.
    const mark = { createdAt: NPM[4].createdAt, versionId: 5 };
    const through = (policy: RetentionPolicy, versions: RetentionCandidate[], packageType: PackageType = "npm", graph?: RetentionOptions["graph"]) =>
        planRetention(policy, versions, { packageType, now: NOW, subject: `acme/${packageType}/app`, countedThrough: mark, graph });

    it("a version published since does not push another out of keepLatest, and is kept itself, saying why", () => {
        assert.deepEqual(summary(plan({ keepLatest: 2 }, NPM)).deleted, [1, 2, 3, 4]);
        const result = through({ keepLatest: 2 }, NPM);
        assert.deepEqual(summary(result), { deleted: [1, 2, 3], kept: { 4: "keep-latest", 5: "keep-latest", 6: "published-since-last-run" }, blocked: {}, deletePackage: false });
        assert.match(result.kept.find((k) => k.versionId === 6)!.reason, /after the newest version the last run listed \(.*\); counted and planned from the next run/);
    });

    it("no rule deletes a version published since: not by age, not by name", () => {
        // 2.1.0 stays, so 2.0.0 is no longer the package's last version: it goes by age.
        assert.deepEqual(summary(through({ olderThan: "1d", lastVersion: "keep-newest" }, NPM)).deleted, [1, 2, 3, 4, 5]);
        assert.deepEqual(summary(through({ names: { include: ["2.1.*"] } }, NPM)).kept, { 6: "published-since-last-run" });
        assert.deepEqual(summary(through({ names: { include: ["2.1.*"] } }, NPM)).deleted, []);
    });

    it("in the same second as the mark, a higher id is published after it; tagged and untagged counts skip it too", () => {
        const same = [...NPM.slice(0, 5), { ...v(7, "2.0.1", 0), createdAt: NPM[4].createdAt }];
        assert.deepEqual(summary(through({ keepLatest: 1 }, same)).kept, { 5: "keep-latest", 7: "published-since-last-run" });
        const images = [v(21, digest(21), 60, ["pr-1"]), v(22, digest(22), 55, ["pr-2"]), v(23, digest(23), 40, ["pr-3"]), v(24, digest(24), 52, [])];
        assert.deepEqual(summary(through({ tagged: { include: ["pr-*"] }, keepLatest: 0, untagged: { keepLatest: 0 } }, images, "container", { links: [], unreadable: [], manifestsRead: 4 })), {
            deleted: [21, 22, 24],
            kept: { 23: "published-since-last-run" },
            blocked: {},
            deletePackage: false,
        });
    });

    it("a new image keeps the children it shares with an image the plan deletes", () => {
        // pr-1 (old) and pr-9 (published since) share the platform child c; pr-1 goes, pr-9 and c stay.
        const images = [v(30, digest(30), 70, ["v1"]), v(31, digest(31), 60, ["pr-1"]), v(32, digest(32), 60, []), v(33, digest(33), 5, ["pr-9"])];
        const links = [31, 33].map((parent) => ({ parent: digest(parent), child: digest(32), kind: "child" as const, label: "linux/amd64" }));
        const graph = { links, unreadable: [], manifestsRead: 4 };
        const result = through({ tagged: { include: ["pr-*"] } }, images, "container", graph);
        assert.deepEqual(summary(result).deleted, [31]);
        assert.deepEqual(summary(result).kept, { 33: "published-since-last-run" });
        const unmarked = planRetention({ tagged: { include: ["pr-*"] } }, images, { packageType: "container", now: NOW, graph });
        assert.deepEqual(summary(unmarked).deleted.sort(), [31, 32, 33], "without the mark, pr-9 goes and its child with it");
    });
});

describe("provider/retention/plan: options of the cleanup tools (issue 22)", () => {
    /** The three newest tagged images are releases; the PR images are older. */
    const RELEASED = [
        v(21, digest(21), 50, ["pr-1"]),
        v(22, digest(22), 40, ["pr-2"]),
        v(23, digest(23), 30, ["pr-3"]),
        v(24, digest(24), 20, ["pr-4"]),
        v(25, digest(25), 10, ["v1"]),
        v(26, digest(26), 5, ["v2"]),
        v(27, digest(27), 1, ["v3"]),
    ];
    const graph = { links: [], unreadable: [], manifestsRead: 0 };

    describe("keep counts nested in a rule rank among the versions the rules select", () => {
        it("tagged.keepLatest keeps the newest PR images when releases are newer (snok's keep-n-most-recent)", () => {
            const result = plan({ tagged: { include: ["pr-*"], keepLatest: 3 } }, RELEASED, "container");
            assert.deepEqual(summary(result), { deleted: [21], kept: { 22: "keep-latest-tagged", 23: "keep-latest-tagged", 24: "keep-latest-tagged" }, blocked: {}, deletePackage: false });
            assert.equal(result.kept.find((k) => k.versionId === 24)!.reason, "one of the 3 most recent tagged versions selected by tagged (number 1).");
            assert.match(result.deletions[0].reason, /not among the 3 most recent tagged versions selected by tagged$/);
        });

        it("keepLatestTagged keeps the former meaning: the newest tagged versions of the package, selected or not", () => {
            const result = plan({ tagged: { include: ["pr-*"] }, keepLatestTagged: 3 }, RELEASED, "container");
            assert.deepEqual(summary(result).deleted, [21, 22, 23, 24]);
            const old = plan({ tagged: { include: ["pr-*"] }, keepLatestTagged: 6 }, RELEASED, "container");
            assert.deepEqual(summary(old), { deleted: [21], kept: { 22: "keep-latest-all-tagged", 23: "keep-latest-all-tagged", 24: "keep-latest-all-tagged" }, blocked: {}, deletePackage: false });
            assert.match(old.kept[0].reason, /most recent tagged versions of the package \(number \d; keepLatestTagged\)/);
        });

        it("ranks after olderThan, as snok and dataaxiom do: the N newest of the old images stay", () => {
            const result = plan({ tagged: { include: ["pr-*"], keepLatest: 1 }, olderThan: "25d" }, RELEASED, "container");
            assert.deepEqual(summary(result), { deleted: [21, 22], kept: { 23: "keep-latest-tagged" }, blocked: {}, deletePackage: false });
            assert.match(result.kept[0].reason, /selected by olderThan and tagged/);
        });

        it("a protected version is not counted (dataaxiom's exclude-tags, snok's skip-shas)", () => {
            const result = plan({ tagged: { include: ["pr-*"], keepLatest: 1 }, protect: { tags: ["pr-4"] } }, RELEASED, "container");
            assert.deepEqual(summary(result), { deleted: [21, 22], kept: { 23: "keep-latest-tagged", 24: "protect-tag" }, blocked: {}, deletePackage: false });
        });

        it("untagged.keepLatest ranks among the untagged versions the rules select", () => {
            const images = [v(31, digest(31), 50), v(32, digest(32), 40), v(33, digest(33), 5), v(34, digest(34), 1, ["latest"])];
            const result = planRetention({ untagged: { keepLatest: 1 }, olderThan: "30d" }, images, { packageType: "container", now: NOW, graph });
            assert.deepEqual(summary(result), { deleted: [31], kept: { 32: "keep-latest-untagged" }, blocked: {}, deletePackage: false });
        });

        it("names.keepLatest ranks among the names selected (actions' min-versions-to-keep with ignore-versions)", () => {
            const result = plan({ names: { exclude: ["/^\\d+\\.\\d+\\.\\d+$/"], keepLatest: 1 } }, NPM);
            assert.deepEqual(summary(result), { deleted: [2], kept: { 4: "keep-latest-names" }, blocked: {}, deletePackage: false });
            assert.match(result.kept[0].reason, /one of the 1 most recent versions selected by names \(number 1\)/);
        });

        it("versions published since the last run are kept and counted by no nested count", () => {
            const result = planRetention({ tagged: { include: ["pr-*"], keepLatest: 1 } }, RELEASED.slice(0, 4), {
                packageType: "container",
                now: NOW,
                countedThrough: { createdAt: RELEASED[2].createdAt, versionId: 23 },
            });
            assert.deepEqual(summary(result), { deleted: [21, 22], kept: { 23: "keep-latest-tagged", 24: "published-since-last-run" }, blocked: {}, deletePackage: false });
        });
    });

    describe("drain", () => {
        const many = Array.from({ length: 150 }, (_, i) => v(1000 + i, `1.0.${i}`, 300 - i));

        it("over the cap, deletes the oldest up to the cap and says how many wait", () => {
            const result = plan({ keepLatest: 10, maxDeletions: 100, drain: true }, many);
            assert.deepEqual(result.deletions.map((d) => d.versionId), Array.from({ length: 100 }, (_, i) => 1000 + i));
            assert.equal(result.deferred, 40);
            assert.throws(() => plan({ keepLatest: 10, maxDeletions: 100 }, many), /would delete 140 of its 150 versions[^]*set drain: true/);
            assert.equal(plan({ keepLatest: 10, maxDeletions: 140, drain: true }, many).deferred, 0);
        });

        it("never splits an image from the children it takes along", () => {
            const images = [
                v(41, digest(41), 50, ["pr-1"]),
                v(42, digest(42), 50),
                v(43, digest(43), 50),
                v(44, digest(44), 40, ["pr-2"]),
                v(45, digest(45), 40),
                v(46, digest(46), 40),
                v(47, digest(47), 1, ["latest"]),
            ];
            const link = (parent: number, child: number) => ({ parent: digest(parent), child: digest(child), kind: "child" as const, label: "linux/amd64" });
            const links = [link(41, 42), link(41, 43), link(44, 45), link(44, 46)];
            const result = planRetention({ tagged: { include: ["pr-*"] }, maxDeletions: 4, drain: true }, images, {
                packageType: "container",
                now: NOW,
                graph: { links, unreadable: [], manifestsRead: 2 },
            } as RetentionOptions);
            assert.deepEqual(result.deletions.map((d) => d.versionId).sort(), [41, 42, 43]);
            assert.equal(result.deferred, 3, "pr-2 and its two children wait");
        });
    });

    describe("explicit selection", () => {
        it("selects by id and exact name, still subject to protect rules and the other rules", () => {
            assert.deepEqual(summary(plan({ select: { versionIds: [2, 5], names: ["1.1.0"] }, protect: { versions: ["2.*"] } }, NPM)), {
                deleted: [2, 3],
                kept: { 5: "protect-version" },
                blocked: {},
                deletePackage: false,
            });
            assert.deepEqual(summary(plan({ select: { versionIds: [2, 6] }, olderThan: "30d" }, NPM)).deleted, [2]);
            assert.match(plan({ select: { versionIds: [2] } }, NPM).deletions[0].reason, /^version id 2 is in select\.versionIds$/);
        });

        it("warns of an id or name that is no active version (a typo, or deleted already): it selects nothing", () => {
            const ids = new Set(NPM.map((v) => v.versionId));
            const unknownId = Math.max(...ids) + 1000;
            const warned = plan({ select: { versionIds: [2, unknownId], names: ["1.1.0", "9.9.9-typo"] } }, NPM);
            assert.deepEqual(summary(warned).deleted, [2, 3], "the known entries still select");
            assert.deepEqual(warned.warnings, [
                `select.versionIds[1] (${unknownId}) is no active version of the package (a typo, or deleted already): it selects nothing.`,
                `select.names[1] ("9.9.9-typo") is no active version of the package (a typo, or deleted already): it selects nothing.`,
            ]);
            assert.deepEqual(plan({ select: { versionIds: [2], names: ["1.1.0"] } }, NPM).warnings, [], "entries that match warn of nothing");
        });

        it("is refused empty or with bad ids, naming the field", () => {
            assert.deepEqual(checkRetentionPolicy({ select: {} }, "npm").map((f) => f.property), ["select"]);
            assert.deepEqual(checkRetentionPolicy({ select: { versionIds: [0], names: [""] } }, "npm").map((f) => f.property), ["select.versionIds[0]", "select.names[0]"]);
        });
    });

    describe("regular expressions", () => {
        it("a /regex/ pattern matches as a regex in tag and name lists", () => {
            const images = [v(51, digest(51), 50, ["pr-12"]), v(52, digest(52), 40, ["pr-12-amd64"]), v(53, digest(53), 1, ["latest"])];
            assert.deepEqual(summary(plan({ tagged: { include: ["/^pr-\\d+$/"] } }, images, "container")).deleted, [51]);
            assert.deepEqual(summary(plan({ names: { include: ["/-(beta|rc)\\.\\d+$/i"] } }, NPM)).deleted, [2, 4]);
            assert.deepEqual(summary(plan({ olderThan: "1d", protect: { versions: ["/^2\\./"] } }, NPM)).kept, { 4: "protect-version", 5: "protect-version", 6: "protect-version" });
        });

        it("an invalid or catastrophic regex is an error naming the field, before any call", () => {
            const failures = (policy: unknown) => checkRetentionPolicy(policy, "container").map((f) => `${f.property}: ${f.reason}`);
            assert.match(failures({ tagged: { include: ["/(a+)+$/"] } }).join("\n"), /^tagged\.include\[0\]: .*catastrophic backtracking/);
            assert.match(failures({ tagged: { exclude: ["/[/"] } }).join("\n"), /^tagged\.exclude\[0\]: .*not a valid regular expression/);
            assert.match(failures({ tagged: {}, protect: { tags: ["/x/g"] } }).join("\n"), /^protect\.tags\[0\]: .*flags "g" are not allowed/);
            assert.throws(() => plan({ tagged: { include: ["/(x|x)*y/"] } }, IMAGES, "container"), /tagged\.include\[0\]/);
        });

        it("a glob that reads like a regex is a warning in the plan", () => {
            const result = plan({ tagged: { include: ["^pr-\\d+", "pr-*"] } }, IMAGES, "container");
            assert.equal(result.warnings.length, 1);
            assert.match(result.warnings[0], /^tagged\.include\[0\] "\^pr-\\d\+" is a glob that reads like a regular expression/);
            assert.deepEqual(plan({ tagged: { include: ["pr-*", "*.*.*", "/^v\\d+/"] } }, IMAGES, "container").warnings, []);
            assert.deepEqual(plan({ names: { include: [".*"] } }, NPM).warnings.length, 1);
        });
    });

    describe("pre-releases as each registry names them", () => {
        it("maven qualifiers, RubyGems letters, NuGet labels", () => {
            const maven = [v(61, "1.0-SNAPSHOT", 50), v(62, "1.0", 40), v(63, "1.1-rc-1", 30), v(64, "33.0.0-jre", 20), v(65, "2.0.0-M1", 10), v(66, "2.0", 1)];
            assert.deepEqual(summary(plan({ names: { prereleaseOnly: true } }, maven, "maven")).deleted, [61, 63, 65]);
            const gems = [v(71, "2.0.0.pre", 50), v(72, "2.0.0", 40), v(73, "2.1.0.rc1", 30), v(74, "2.1.0", 1)];
            assert.deepEqual(summary(plan({ names: { prereleaseOnly: true } }, gems, "rubygems")).deleted, [71, 73]);
            const nuget = [v(81, "1.0.0-beta1", 50), v(82, "1.0.0.1", 40), v(83, "1.1.0-rc.1", 30), v(84, "1.1.0", 1)];
            const result = plan({ names: { prereleaseOnly: true } }, nuget, "nuget");
            assert.deepEqual(summary(result).deleted, [81, 83]);
            assert.match(result.deletions[0].reason, /1\.0\.0-beta1 is a NuGet pre-release/);
        });
    });
});
