import { strict as assert } from "node:assert";
import type * as pulumi from "@pulumi/pulumi";
import type { Emulator } from "../../emulator";
import {
    checkListVersionsArgs,
    checkVersionArgs,
    getOrgPackageVersion,
    getOrgPackageVersionOutput,
    listOrgPackageVersions,
    listOrgPackageVersionsOutput,
    restoreOrgPackageVersion,
    restoreOrgPackageVersionOutput,
} from "../../sdk/versions";
import { startDemo, TOKENS } from "../emulator/support";
import { rejection } from "../support/provider";

const ENV = {
    GITHUB_TOKEN: TOKENS.admin,
    GITHUB_PACKAGES_RETRY_BASE_MS: "5",
    GITHUB_PACKAGES_REQUEST_TIMEOUT_MS: "400",
};

/** The value of an Output outside a Pulumi program. */
function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return (output as unknown as { promise(): Promise<T> }).promise();
}

const UTILS = { org: "acme", packageType: "npm" as const, packageName: "internal-utils" };

describe("sdk/versions", () => {
    let emulator: Emulator;
    const saved: Record<string, string | undefined> = {};

    beforeEach(async () => {
        emulator = await startDemo();
        for (const [key, value] of Object.entries({ ...ENV, GITHUB_API_URL: emulator.url })) {
            saved[key] = process.env[key];
            process.env[key] = value;
        }
    });

    afterEach(async () => {
        for (const [key, value] of Object.entries(saved)) {
            if (value === undefined) {
                delete process.env[key];
            } else {
                process.env[key] = value;
            }
        }
        await emulator.close();
    });

    it("lists active and deleted versions, and gets one", async () => {
        const active = await listOrgPackageVersions(UTILS);
        assert.deepEqual(active.map((v) => v.name).sort(), ["2.3.0", "2.4.0"]);
        assert.ok(active.every((v) => v.org === "acme" && v.packageName === "internal-utils" && v.deletedAt === null));
        const old = active.find((v) => v.name === "2.3.0")!;
        assert.deepEqual(await getOrgPackageVersion({ ...UTILS, versionId: old.versionId }), old);
        emulator.admin.deleteVersion({ org: "acme", packageType: "npm", name: "internal-utils" }, old.versionId);
        assert.equal(await getOrgPackageVersion({ ...UTILS, versionId: old.versionId }), undefined);
        const deleted = await listOrgPackageVersions({ ...UTILS, state: "deleted" });
        assert.deepEqual(deleted.map((v) => v.versionId), [old.versionId]);
        assert.equal(typeof deleted[0].deletedAt, "string");
    });

    it("restores a deleted version once; a second call changes nothing", async () => {
        const [version] = await listOrgPackageVersions(UTILS);
        emulator.admin.deleteVersion({ org: "acme", packageType: "npm", name: "internal-utils" }, version.versionId);
        const restored = await restoreOrgPackageVersion({ ...UTILS, versionId: version.versionId });
        assert.equal(restored.restored, true);
        assert.equal(restored.name, version.name);
        assert.equal((await listOrgPackageVersions(UTILS)).length, 2, "the emulator holds it again");
        emulator.admin.resetRequests();
        const again = await restoreOrgPackageVersion({ ...UTILS, versionId: version.versionId });
        assert.equal(again.restored, false);
        assert.equal(emulator.admin.requests().counts["packages/restore-package-version-for-org"] ?? 0, 0, "no second restore request");
    });

    it("explains a restore past GitHub's 30 days", async () => {
        const [version] = await listOrgPackageVersions(UTILS);
        emulator.admin.deleteVersion({ org: "acme", packageType: "npm", name: "internal-utils" }, version.versionId);
        emulator.admin.advance("31d");
        const error = await rejection(restoreOrgPackageVersion({ ...UTILS, versionId: version.versionId }));
        assert.match(error.message, /within 30 days of its deletion/);
        assert.equal((await listOrgPackageVersions(UTILS)).length, 1);
    });

    it("has Output forms", async () => {
        const versions = await valueOf(listOrgPackageVersionsOutput(UTILS));
        assert.equal(versions.length, 2);
        const one = await valueOf(getOrgPackageVersionOutput({ ...UTILS, versionId: versions[0].versionId }));
        assert.equal(one?.versionId, versions[0].versionId);
        const restored = await valueOf(restoreOrgPackageVersionOutput({ ...UTILS, versionId: versions[0].versionId }));
        assert.equal(restored.restored, false);
    });

    describe("validates before any call", () => {
        const CASES: { call: () => Promise<unknown>; message: RegExp }[] = [
            { call: () => getOrgPackageVersion({ ...UTILS, versionID: 3 } as never), message: /versionID is not an argument; did you mean "versionId"\?/ },
            { call: () => getOrgPackageVersion({ ...UTILS, versionId: "12" } as never), message: /versionId must be a GitHub version id/ },
            { call: () => getOrgPackageVersion({ ...UTILS, versionId: 0 }), message: /versionId must be a GitHub version id/ },
            { call: () => listOrgPackageVersions({ ...UTILS, state: "gone" } as never), message: /state must be one of "active", "deleted", got "gone"/ },
            { call: () => listOrgPackageVersions({ ...UTILS, sate: "deleted" } as never), message: /sate is not an argument; did you mean "state"\?/ },
            { call: () => listOrgPackageVersions({ ...UTILS, packageType: "pypi" } as never), message: /packageType must be one of/ },
            { call: () => restoreOrgPackageVersion({ ...UTILS, packageName: "", versionId: 1 }), message: /packageName is required/ },
            { call: () => restoreOrgPackageVersion({ org: "acme", packageType: "npm", pakageName: "x", versionId: 1 } as never), message: /did you mean "packageName"/ },
        ];
        CASES.forEach(({ call, message }, i) => {
            it(`refuses case ${i + 1}: ${message.source}`, async () => {
                emulator.admin.resetRequests();
                const error = await rejection(call());
                assert.match(error.message, message);
                assert.equal(emulator.admin.requests().total, 0, "no request was sent");
            });
        });

        it("accepts the documented arguments", () => {
            assert.deepEqual(checkVersionArgs({ ...UTILS, versionId: 5 }), []);
            assert.deepEqual(checkListVersionsArgs({ ...UTILS, state: "deleted" }), []);
            assert.deepEqual(checkListVersionsArgs(UTILS), []);
        });
    });
});
