import { strict as assert } from "node:assert";
import { IdSequence, defaultVersionName, restoreTokenFor } from "../../../emulator/store/state";
import { buildStore } from "../../../emulator/store/seed";
import { NOW, demoSeed } from "../support";

describe("emulator/store/state", () => {
    it("hands out ids in order, skipping taken ones", () => {
        const ids = new IdSequence(10, new Set([11, 13]));
        assert.deepEqual([ids.take(), ids.take(), ids.take()], [10, 12, 14]);
    });

    it("names default versions per registry", () => {
        assert.equal(defaultVersionName("npm", "p", 7, 2), "1.0.2");
        assert.match(defaultVersionName("container", "p", 7, 0), /^sha256:[0-9a-f]{64}$/);
        assert.equal(defaultVersionName("docker", "p", 7, 0), defaultVersionName("docker", "p", 7, 0));
    });

    it("derives restore tokens from the package and the deletion time", () => {
        assert.equal(restoreTokenFor(1, 2), restoreTokenFor(1, 2));
        assert.notEqual(restoreTokenFor(1, 2), restoreTokenFor(1, 3));
    });

    it("finds active and deleted packages by name, and lists a registry oldest first", () => {
        const store = buildStore(demoSeed(), Date.parse(NOW), 5000);
        const acme = store.org("Acme");
        assert.ok(acme);
        assert.equal(store.activePackage({ org: "acme", packageType: "npm", name: "old-dashboard" }), undefined);
        assert.equal(store.deletedPackages({ org: "acme", packageType: "npm", name: "old-dashboard" }).length, 1);
        assert.deepEqual(
            store.activePackages(acme, "container").map((pkg) => pkg.name),
            ["platform/api-gateway", "tools/ci-runner"],
        );
        const pkg = store.activePackage({ org: "acme", packageType: "npm", name: "internal-utils" });
        assert.ok(pkg);
        store.deletePackage(pkg, 123);
        assert.equal(pkg.deletedAt, 123);
        assert.equal(pkg.restoreToken, restoreTokenFor(pkg.id, 123));
        store.restorePackage(pkg);
        assert.equal(pkg.deletedAt, undefined);
    });
});
