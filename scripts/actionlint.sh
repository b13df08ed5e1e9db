#!/usr/bin/env bash
# Runs actionlint (the GitHub Actions workflow linter) on the given files, building it from Go
# modules into the project cache the first time (about a minute). Used by the tests that check
# the workflows this project asks users to copy.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain-env.sh"
bin="$(pgp_go_tool actionlint github.com/rhysd/actionlint/cmd/actionlint v1.7.12)"
exec "$bin" -no-color "$@"
