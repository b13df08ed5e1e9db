import { strict as assert } from "node:assert";
import { hash32, hexDigest, prng } from "../../../emulator/store/random";

describe("emulator/store/random", () => {
    it("hashes and digests deterministically", () => {
        assert.equal(hash32("acme"), hash32("acme"));
        assert.notEqual(hash32("acme"), hash32("acme2"));
        assert.match(hexDigest("x", 64), /^[0-9a-f]{64}$/);
        assert.equal(hexDigest("x", 20), hexDigest("x", 64).slice(0, 20));
    });

    it("repeats the same numbers in [0, 1) for the same seed", () => {
        const a = prng(5);
        const b = prng(5);
        const numbers = Array.from({ length: 100 }, () => a());
        assert.deepEqual(numbers, Array.from({ length: 100 }, () => b()));
        assert.ok(numbers.every((n) => n >= 0 && n < 1));
        assert.notDeepEqual(numbers.slice(0, 5), Array.from({ length: 5 }, prng(6)));
    });
});
