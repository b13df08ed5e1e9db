import { strict as assert } from "node:assert";
import { matchTemplate, parseJson, pathSegments } from "../../../emulator/traffic/http";

describe("emulator/traffic/http", () => {
    it("splits paths into decoded segments, keeping %2F inside one", () => {
        assert.deepEqual(pathSegments("/orgs/acme/packages/container/platform%2Fapi-gateway"), ["orgs", "acme", "packages", "container", "platform/api-gateway"]);
        assert.equal(pathSegments("/orgs/%E0%A4%A"), undefined);
    });

    it("matches templates and extracts parameters", () => {
        assert.deepEqual(matchTemplate("/orgs/{org}/packages", ["orgs", "acme", "packages"]), { org: "acme" });
        assert.equal(matchTemplate("/orgs/{org}/packages", ["orgs", "acme"]), undefined);
        assert.equal(matchTemplate("/orgs/{org}/packages", ["users", "acme", "packages"]), undefined);
    });

    it("parses JSON bodies; empty is undefined", () => {
        assert.equal(parseJson("  "), undefined);
        assert.deepEqual(parseJson('{"a":1}'), { a: 1 });
        assert.throws(() => parseJson("{"), /not JSON/);
    });
});
