import { strict as assert } from "node:assert";
import type { Emulator } from "../../../emulator";
import { OrgPackageProvider } from "../../../provider/org-package/provider";
import { OrgPackageInputs } from "../../../provider/shared/types";
import { checkInputs, checkListOptions, describeValue, ORG_PACKAGE_INPUTS, ORG_PACKAGE_OUTPUTS, parsePackageKey, withDefaults } from "../../../provider/shared/validate";
import { startDemo, TOKENS } from "../../emulator/support";
import { providerFor } from "../../support/provider";

const valid = { org: "acme", packageType: "npm", packageName: "widgets" };

function properties(input: Record<string, unknown>): string[] {
    return checkInputs(input).map((f) => f.property);
}

describe("provider/shared/validate", () => {
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
        const [unknown] = checkListOptions({ org: "acme", packageType: "npm", visiblity: "private" } as never);
        assert.equal(unknown.property, "visiblity");
        assert.match(unknown.reason, /not an argument of listOrgPackages; did you mean "visibility"/);
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

    it("quotes bad values with their type and never a token", () => {
        assert.equal(describeValue("5"), '"5" (a string)');
        assert.equal(describeValue(5), "5 (a number)");
        assert.equal(describeValue(["npm"]), '["npm"] (a list)');
        assert.equal(describeValue({ a: 1 }), '{"a":1} (an object)');
        assert.equal(describeValue(undefined), "nothing");
        const token = "ghp_" + "a1B2".repeat(9);
        assert.ok(!describeValue(`reason ${token}`).includes(token));
        assert.ok(!describeValue("github_pat_" + "x".repeat(40)).includes("x".repeat(40)));
    });

    it("lists every input of OrgPackage once", () => {
        assert.equal(new Set(ORG_PACKAGE_INPUTS).size, ORG_PACKAGE_INPUTS.length);
        for (const key of ORG_PACKAGE_INPUTS) {
            assert.ok(!(ORG_PACKAGE_OUTPUTS as readonly string[]).includes(key) || key === ("visibility" as string), `${key} is both`);
        }
    });

    describe("check refuses bad OrgPackage inputs before any request", () => {
        let emulator: Emulator;
        let provider: OrgPackageProvider;

        before(async () => {
            emulator = await startDemo();
            provider = await providerFor(emulator, TOKENS.admin);
        });

        after(() => emulator.close());

        /** [what, inputs over `valid`, the property named, what the message says] */
        const rows: [string, Record<string, unknown>, string, RegExp][] = [
            ["an unknown input, with the nearest known one", { ensrue: "absent" }, "ensrue", /ensrue is not an OrgPackage input; did you mean "ensure"\? Known fields: org, packageType/],
            ["a misspelled flag", { deleteOnDestory: true }, "deleteOnDestory", /did you mean "deleteOnDestroy"/],
            ["an output given a value", { status: "present" }, "status", /status is an output of OrgPackage.*remove it/],
            ["org missing", { org: undefined }, "org", /org must be a GitHub organization login .*got nothing/],
            ["org not text", { org: 42 }, "org", /got 42 \(a number\)/],
            ["org malformed", { org: "-acme" }, "org", /got "-acme" \(a string\)/],
            ["packageType unknown", { packageType: "pypi" }, "packageType", /packageType must be one of "npm", "maven", .*got "pypi" \(a string\)/],
            ["packageType a list", { packageType: ["npm"] }, "packageType", /got \["npm"\] \(a list\)/],
            ["packageName missing", { packageName: undefined }, "packageName", /packageName is required.*got nothing/],
            ["packageName not text", { packageName: 7 }, "packageName", /packageName must be text.*got 7 \(a number\)/],
            ["packageName with a slash outside container", { packageName: "a/b" }, "packageName", /only container package names/],
            ["ensure unknown", { ensure: "gone" }, "ensure", /ensure must be one of "present", "absent", got "gone" \(a string\)/],
            ["restoreIfDeleted as text", { restoreIfDeleted: "yes" }, "restoreIfDeleted", /restoreIfDeleted must be true or false, got "yes" \(a string\)/],
            ["deleteOnDestroy as a number", { deleteOnDestroy: 1 }, "deleteOnDestroy", /deleteOnDestroy must be true or false, got 1 \(a number\)/],
            ["onUndeletable unknown", { onUndeletable: "ignore" }, "onUndeletable", /onUndeletable must be one of "fail", "report", got "ignore" \(a string\)/],
            ["reason not text", { reason: ["x"] }, "reason", /reason must be text, got \["x"\] \(a list\)/],
            ["watchVersions as text", { watchVersions: "no" }, "watchVersions", /watchVersions must be true or false, got "no" \(a string\)/],
            ["expectedVisibility unknown", { expectedVisibility: "privat" }, "expectedVisibility", /expectedVisibility must be one of "public", "private", "internal", got "privat" \(a string\)/],
        ];

        it("covers every input", () => {
            const covered = new Set(rows.map(([, , property]) => property));
            for (const input of ORG_PACKAGE_INPUTS) {
                assert.ok(covered.has(input), `no row for ${input}`);
            }
        });

        for (const [what, change, property, message] of rows) {
            it(`refuses ${what}, naming ${property}`, async () => {
                const before = emulator.admin.requests().total;
                const result = await provider.check(valid as OrgPackageInputs, { ...valid, ...change } as OrgPackageInputs);
                assert.equal(result.inputs, undefined, "no inputs come back from a failed check");
                assert.deepEqual(result.failures?.map((f) => f.property), [property], JSON.stringify(result.failures));
                assert.match(result.failures![0].reason, message);
                assert.equal(emulator.admin.requests().total, before, "no request reached the emulator");
            });
        }

        it("reports every bad input at once", async () => {
            const result = await provider.check(valid as OrgPackageInputs, { org: "-x", packageType: "pypi", packageName: "w", ensrue: "absent", reason: 1 } as never);
            assert.deepEqual(result.failures?.map((f) => f.property).sort(), ["ensrue", "org", "packageType", "reason"]);
        });

        it("passes the engine's serialized provider and the outputs the SDK registers as undefined", async () => {
            const outputs = Object.fromEntries(ORG_PACKAGE_OUTPUTS.map((name) => [name, undefined]));
            const news = { ...valid, ...outputs, __provider: "exports.handler = __f0;" } as unknown as OrgPackageInputs;
            const result = await provider.check(valid as OrgPackageInputs, news);
            assert.deepEqual(result.failures, undefined);
            assert.equal(result.inputs?.ensure, "present", "defaults applied");
        });
    });
});
