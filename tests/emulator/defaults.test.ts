import { strict as assert } from "node:assert";
import { DEFAULT_OPTIONS, withDefaults } from "../../emulator/defaults";

describe("emulator/defaults", () => {
    it("fills in every default, also over explicit undefined", () => {
        assert.deepEqual(withDefaults({}), DEFAULT_OPTIONS);
        assert.equal(withDefaults({ port: undefined, defaultRateLimit: 10 }).port, 0);
        assert.equal(withDefaults({ defaultRateLimit: 10 }).defaultRateLimit, 10);
    });
});
