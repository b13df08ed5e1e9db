// Mocha reporter for measuring where `npm test` spends its time: the spec reporter, plus the wall time
// of each test file written to $TIMING_OUT (JSON, slowest first). `npm test -- --reporter scripts/test-timing.js`
// In a parallel run the files' events reach the reporter only when a worker has finished a file, so
// the workers time their own files (scripts/test-timing-hooks.js) and the reporter collects the figures.
const Mocha = require("mocha");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { DIR_VAR } = require("./test-timing-hooks");
const { EVENT_SUITE_BEGIN, EVENT_SUITE_END, EVENT_RUN_END } = Mocha.Runner.constants;
class Timing extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const times = {}; const started = new Map();
    const relative = (file) => file.replace(process.cwd() + "/", "");
    // Workers start after the reporter and inherit its environment.
    const dir = options.parallel ? fs.mkdtempSync(path.join(os.tmpdir(), "pgp-timing-")) : undefined;
    if (dir) {
      process.env[DIR_VAR] = dir;
    } else {
      runner.on(EVENT_SUITE_BEGIN, (s) => { if (s.file && s.parent && s.parent.root) started.set(s, Date.now()); });
      runner.on(EVENT_SUITE_END, (s) => { if (started.has(s)) { const f = relative(s.file); times[f] = (times[f] || 0) + (Date.now() - started.get(s)); } });
    }
    runner.once(EVENT_RUN_END, () => {
      if (dir) {
        for (const name of fs.readdirSync(dir)) {
          for (const line of fs.readFileSync(path.join(dir, name), "utf8").split("\n").filter(Boolean)) {
            const { file, ms } = JSON.parse(line);
            times[relative(file)] = (times[relative(file)] || 0) + ms;
          }
        }
        fs.rmSync(dir, { recursive: true, force: true });
      }
      const sorted = Object.entries(times).sort((a, b) => b[1] - a[1]);
      fs.writeFileSync(process.env.TIMING_OUT || "/tmp/timing.json", JSON.stringify(sorted, null, 1));
    });
  }
}
module.exports = Timing;
