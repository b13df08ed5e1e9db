import { strict as assert } from "node:assert";
import { DEFAULTS, resolveClientConfig } from "../../provider/config";

describe("provider/config", () => {
    it("prefers stack config over the environment", () => {
        const config = resolveClientConfig((key) => ({ token: "from-config", apiUrl: "http://127.0.0.1:1/" })[key], {
            GITHUB_TOKEN: "from-env",
            GITHUB_API_URL: "http://127.0.0.1:2",
        });
        assert.equal(config.token, "from-config");
        assert.equal(config.baseUrl, "http://127.0.0.1:1");
    });

    it("falls back to the environment, then to the defaults", () => {
        const config = resolveClientConfig(undefined, { GITHUB_TOKEN: "from-env", GITHUB_PACKAGES_RETRIES: "5" });
        assert.equal(config.token, "from-env");
        assert.equal(config.retries, 5);
        assert.equal(config.baseUrl, DEFAULTS.baseUrl);
        assert.equal(config.requestTimeoutMs, DEFAULTS.requestTimeoutMs);
    });

    it("names the setting when a number is not one", () => {
        assert.throws(() => resolveClientConfig((key) => (key === "retries" ? "many" : undefined), {}), /github-packages:retries \(or GITHUB_PACKAGES_RETRIES\)/);
    });
});
