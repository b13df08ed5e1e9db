import { strict as assert } from "node:assert";
import { checkInputs, checkListOptions, parsePackageKey, withDefaults } from "../../provider/validate";

const valid = { org: "acme", packageType: "npm", packageName: "widgets" };

function properties(input: Record<string, unknown>): string[] {
    return checkInputs(input).map((f) => f.property);
}

describe("provider/validate", () => {
    it("accepts a valid package and nested container names", () => {
        assert.deepEqual(checkInputs(valid), []);
        assert.deepEqual(checkInputs({ ...valid, packageType: "container", packageName: "platform/api-gateway" }), []);
        assert.deepEqual(checkInputs({ ...valid, packageType: "maven", packageName: "com.acme.core-lib" }), []);
    });

    it("names the property of each bad input", () => {
        assert.deepEqual(properties({ ...valid, org: "-acme" }), ["org"]);
        assert.deepEqual(properties({ ...valid, org: "a".repeat(40) }), ["org"]);
        assert.deepEqual(properties({ ...valid, packageType: "pypi" }), ["packageType"]);
        assert.deepEqual(properties({ ...valid, packageName: "" }), ["packageName"]);
        assert.deepEqual(properties({ ...valid, ensure: "gone" }), ["ensure"]);
        assert.deepEqual(properties({ ...valid, onUndeletable: "ignore" }), ["onUndeletable"]);
        assert.deepEqual(properties({ ...valid, restoreIfDeleted: "yes" }), ["restoreIfDeleted"]);
        assert.deepEqual(properties({ ...valid, deleteOnDestroy: 1 }), ["deleteOnDestroy"]);
    });

    it("refuses path tricks in package names", () => {
        for (const packageName of ["..", "../other", "a/../b", "/lead", "trail/", "a//b", "a%2Fb", "has space", "a\u0000b"]) {
            const failures = checkInputs({ ...valid, packageType: "container", packageName });
            assert.equal(failures.length, 1, `expected ${JSON.stringify(packageName)} to be refused`);
            assert.equal(failures[0].property, "packageName");
            assert.match(failures[0].reason, new RegExp(packageName.includes("/") || packageName === ".." ? "segment|contains|may only" : "may only"));
        }
    });

    it("allows '/' only in container names", () => {
        const [failure] = checkInputs({ ...valid, packageName: "platform/widgets" });
        assert.equal(failure.property, "packageName");
        assert.match(failure.reason, /only container package names/);
    });

    it("checks list options", () => {
        assert.deepEqual(checkListOptions({ org: "acme", packageType: "container" }), []);
        assert.deepEqual(
            checkListOptions({ org: "acme", packageType: "container", visibility: "secret" }).map((f) => f.property),
            ["visibility"],
        );
    });

    it("applies defaults that keep packages safe", () => {
        assert.deepEqual(withDefaults({ org: "acme", packageType: "npm", packageName: "w" }), {
            org: "acme",
            packageType: "npm",
            packageName: "w",
            ensure: "present",
            restoreIfDeleted: false,
            deleteOnDestroy: false,
            onUndeletable: "fail",
            reason: "",
        });
    });

    it("parses package keys, keeping the slashes of container names", () => {
        assert.deepEqual(parsePackageKey("container/platform/api-gateway"), { packageType: "container", packageName: "platform/api-gateway" });
        assert.deepEqual(parsePackageKey("npm/widgets"), { packageType: "npm", packageName: "widgets" });
        for (const bad of ["widgets", "pypi/requests", "npm/", ""]) {
            assert.throws(() => parsePackageKey(bad), /is not a package key "type\/name"/, bad);
        }
    });
});
