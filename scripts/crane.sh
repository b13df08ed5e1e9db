#!/usr/bin/env bash
# Runs crane (go-containerregistry's registry client) with the given arguments, building it from
# Go modules into the project cache the first time (about a minute). The tests use it as a real
# OCI client: it pulls images from the emulator's registry end to end (manifests and blobs).
# `scripts/crane.sh --install` only makes sure it is built.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain-env.sh"
version="v0.22.1"
bin="$PGP_CACHE/crane-$version/crane"
if [ ! -x "$bin" ]; then
  command -v go >/dev/null 2>&1 || { echo "crane: Go is needed to build crane $version" >&2; exit 3; }
  mkdir -p "$(dirname "$bin")"
  GOBIN="$(dirname "$bin")" GOFLAGS=-mod=mod go install "github.com/google/go-containerregistry/cmd/crane@$version" >&2
fi
if [ "${1:-}" = "--install" ]; then
  exit 0
fi
exec "$bin" "$@"
