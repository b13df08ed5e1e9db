import { strict as assert } from "node:assert";
import { inspect } from "node:util";
import { REDACTED, describeValue, scrub, scrubError } from "../../../provider/shared/messages";

describe("provider/shared/messages", () => {
    describe("describeValue", () => {
        const cases: [unknown, string][] = [
            ["5", `"5" (a string)`],
            [5, `5 (a number)`],
            [true, `true (a boolean)`],
            [null, `null`],
            [undefined, `nothing`],
            [["npm/a"], `["npm/a"] (a list)`],
            [{ a: 1 }, `{"a":1} (an object)`],
        ];
        for (const [value, text] of cases) {
            it(`renders ${String(value)} as ${text}`, () => assert.equal(describeValue(value), text));
        }
    });

    describe("scrub", () => {
        it("removes the token, and each long run of it, wherever a message cut it", () => {
            const token = "ghp_AAAAbbbbCCCCdddd\n";
            assert.equal(scrub(`Headers.append: "token ghp_AAAAbbbbCCCCdddd\n" is invalid`, [token]), `Headers.append: "token ${REDACTED}" is invalid`);
            assert.equal(scrub(`value "token ghp_AAAAbbbbCCCCdddd\\n"`, [token]), `value "token ${REDACTED}\\n"`);
            assert.equal(scrub("nothing to hide", [token, undefined]), "nothing to hide");
        });

        it("cleans message, stack and causes in place", () => {
            const token = "ghp_secretsecretsecret";
            const cause = new TypeError(`bad header "token ${token}"`);
            const error = new Error(`wrapped: bad header "token ${token}"`, { cause });
            scrubError(error, [token]);
            assert.ok(!inspect(error, { depth: 5 }).includes(token));
            assert.match(error.message, /\[redacted\]/);
            assert.match(cause.stack ?? "", /\[redacted\]/);
        });
    });
});
