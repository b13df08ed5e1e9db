import { strict as assert } from "node:assert";
import { isPrerelease } from "../../../provider/retention/prerelease";
import { PackageType } from "../../../provider/shared/types";

describe("provider/retention/prerelease", () => {
    const cases: [PackageType, string[], string[]][] = [
        ["npm", ["1.2.0-beta.1", "2.0.0-rc.0"], ["1.2.0", "1.0", "latest"]],
        ["maven", ["1.0-SNAPSHOT", "1.0.0-snapshot", "2.0.0-M1", "1.1-rc-2", "3.0.0.Beta1", "1.0-alpha", "5.0.0-RC1", "1.0.0-cr1"], ["1.0", "33.0.0-jre", "1.0.0.Final", "2.0.0-android", "1.0-GA"]],
        ["nuget", ["1.0.0-beta1", "1.0.0-rc.1", "1.0.0.1-preview", "2.0.0-alpha+build.5"], ["1.0.0", "1.0.0.1", "1.0"]],
        ["rubygems", ["2.0.0.pre", "1.0.0.rc1", "3.0.0.beta.2", "1.0.0-alpha"], ["2.0.0", "1.0", "10.2.3.4"]],
    ];
    for (const [packageType, pre, release] of cases) {
        it(`${packageType}: pre-releases as the registry names them`, () => {
            for (const name of pre) {
                assert.equal(isPrerelease(packageType, name), true, name);
            }
            for (const name of release) {
                assert.equal(isPrerelease(packageType, name), false, name);
            }
        });
    }
});
