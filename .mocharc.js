// Mocha's options for `npm test`: every tests/**/*.test.ts, two files at a time.
// End-to-end files mostly wait on process start-up and paced writes, so two workers use the two
// cores; the slow folders go first so that the quick ones fill in at the end instead of one slow
// file running alone. Programs are transpiled only: `tsc --noEmit` checked every file first.
const fs = require("node:fs");
const path = require("node:path");

/** Folders whose files take minutes (docs/development.md, "Where the time goes"), slowest first. */
const SLOW_FIRST = ["tests/e2e", "tests/examples", "tests/policy"];

function testFiles(dir) {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const file = path.join(dir, entry.name);
        return entry.isDirectory() ? testFiles(file) : entry.name.endsWith(".test.ts") ? [file] : [];
    });
}

const rank = (file) => {
    const i = SLOW_FIRST.findIndex((dir) => file.startsWith(dir + path.sep));
    return i < 0 ? SLOW_FIRST.length : i;
};

/** Test files named on the command line (`npm test -- tests/e2e/drift.test.ts`): only those run. */
const named = process.argv.slice(2).filter((arg) => !arg.startsWith("-") && arg.endsWith(".test.ts"));

module.exports = {
    require: ["ts-node/register/transpile-only", "scripts/test-timing-hooks.js"],
    extension: ["ts"],
    spec: named.length > 0 ? [] : testFiles("tests").sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)),
    parallel: true,
    jobs: 2,
    timeout: 180000,
    reporter: "spec",
};
