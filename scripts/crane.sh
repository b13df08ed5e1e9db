#!/usr/bin/env bash
# Runs crane (go-containerregistry's registry client) with the given arguments, building it from
# Go modules into the project cache the first time (about a minute). The tests use it as a real
# OCI client: it pulls images from the emulator's registry end to end (manifests and blobs).
# `scripts/crane.sh --install` only makes sure it is built.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain-env.sh"
bin="$(pgp_go_tool crane github.com/google/go-containerregistry/cmd/crane v0.22.1)"
if [ "${1:-}" = "--install" ]; then
  exit 0
fi
exec "$bin" "$@"
