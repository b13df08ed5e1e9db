// Root hooks for scripts/test-timing.js in a parallel run (loaded through .mocharc.js's `require`):
// a worker runs one test file per root suite, so the root suite's wall time, hooks included, is the
// file's. Each worker appends `{file, ms}` lines to a file in the directory the reporter names in
// $PGP_TEST_TIMING_DIR; without it (a serial run, or another reporter) these hooks do nothing.
const fs = require("node:fs");
const path = require("node:path");
const DIR_VAR = "PGP_TEST_TIMING_DIR";
let started = 0;
module.exports = {
  DIR_VAR,
  mochaHooks: {
    beforeAll() {
      started = Date.now();
    },
    afterAll() {
      const dir = process.env[DIR_VAR];
      const files = new Set(this.test.parent.suites.map((s) => s.file).filter(Boolean));
      if (dir && files.size === 1) {
        fs.appendFileSync(path.join(dir, `${process.pid}.jsonl`), JSON.stringify({ file: [...files][0], ms: Date.now() - started }) + "\n");
      }
    },
  },
};
