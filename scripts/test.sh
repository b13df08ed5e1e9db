#!/usr/bin/env bash
# The project's test command (npm test): compiles the package the engine loads, then runs
# every mocha suite: unit tests, emulator contract tests and end-to-end tests with the real CLI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tsc -p tsconfig.build.json
tsc --noEmit -p tsconfig.json
exec mocha "$@"
