#!/usr/bin/env bash
# Runs actionlint (the GitHub Actions workflow linter) on the given files, building it from Go
# modules into the project cache the first time (about a minute). Used by the tests that check
# the workflows this project asks users to copy.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain-env.sh"
version="v1.7.12"
bin="$PGP_CACHE/actionlint-$version/actionlint"
if [ ! -x "$bin" ]; then
  command -v go >/dev/null 2>&1 || { echo "actionlint: Go is needed to build actionlint $version (or put actionlint on PATH)" >&2; exit 3; }
  mkdir -p "$(dirname "$bin")"
  GOBIN="$(dirname "$bin")" go install "github.com/rhysd/actionlint/cmd/actionlint@$version" >&2
fi
exec "$bin" -no-color "$@"
