// Mocha reporter for measuring where `npm test` spends its time: the spec reporter, plus the wall time
// of each test file written to $TIMING_OUT (JSON, slowest first). `npm test -- --reporter scripts/test-timing.js`
const Mocha = require("mocha");
const fs = require("node:fs");
const { EVENT_SUITE_BEGIN, EVENT_SUITE_END, EVENT_RUN_END } = Mocha.Runner.constants;
class Timing extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const times = {}; const started = new Map();
    runner.on(EVENT_SUITE_BEGIN, (s) => { if (s.file && s.parent && s.parent.root) started.set(s, Date.now()); });
    runner.on(EVENT_SUITE_END, (s) => { if (started.has(s)) { const f = s.file.replace(process.cwd() + "/", ""); times[f] = (times[f] || 0) + (Date.now() - started.get(s)); } });
    runner.once(EVENT_RUN_END, () => {
      const sorted = Object.entries(times).sort((a, b) => b[1] - a[1]);
      fs.writeFileSync(process.env.TIMING_OUT || "/tmp/timing.json", JSON.stringify(sorted, null, 1));
    });
  }
}
module.exports = Timing;
