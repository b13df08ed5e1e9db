import { strict as assert } from "node:assert";
import { isUndeletablePackage, isUndeletableVersion, restorable, withinRestoreWindow } from "../../../emulator/rest/rules";
import { PackageRecord, VersionRecord } from "../../../emulator";

const DAY = 86_400_000;

function version(downloads: number, deletedAt?: number): VersionRecord {
    return { id: 1, name: "1", downloads, tags: [], license: undefined, description: undefined, createdAt: 0, updatedAt: 0, deletedAt };
}

function pkg(visibility: "public" | "private", versions: VersionRecord[], deletedAt?: number): PackageRecord {
    return { id: 1, org: "o", name: "p", packageType: "npm", visibility, repository: undefined, createdAt: 0, updatedAt: 0, deletedAt, restoreToken: undefined, versions, actionsAccess: new Map() };
}

describe("emulator/rest/rules", () => {
    it("refuses to delete public packages and versions over 5,000 downloads only", () => {
        assert.equal(isUndeletableVersion(pkg("public", []), version(5001)), true);
        assert.equal(isUndeletableVersion(pkg("public", []), version(5000)), false);
        assert.equal(isUndeletableVersion(pkg("private", []), version(1_000_000)), false);
        assert.equal(isUndeletablePackage(pkg("public", [version(10), version(6000)])), true);
        assert.equal(isUndeletablePackage(pkg("public", [version(10), version(6000, 5)])), false, "deleted versions do not count");
    });

    it("restores within 30 days of the deletion", () => {
        assert.equal(withinRestoreWindow(0, 30 * DAY), true);
        assert.equal(withinRestoreWindow(0, 30 * DAY + 1), false);
        const recent = pkg("private", [], 20 * DAY);
        const old = pkg("private", [], 0);
        assert.deepEqual(restorable([old, recent], 40 * DAY), [recent]);
    });
});
