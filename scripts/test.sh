#!/usr/bin/env bash
# The project's test command (npm test): compiles the package the engine loads, then runs
# every mocha suite: unit tests, emulator contract tests and end-to-end tests with the real CLI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/compile.sh
# Typechecks every TypeScript file, the examples' and the test fixtures' programs included.
tsc --noEmit -p tsconfig.json
# So the programs the tests run through the CLI are transpiled only: ts-node checking each one
# again on every `pulumi up` cost 4 to 8 s a run (Pulumi's documented switch for projects that
# typecheck in a build step). The demo (npm start) runs as users do, type checks included.
export PULUMI_NODEJS_TRANSPILE_ONLY=true
exec mocha "$@"
