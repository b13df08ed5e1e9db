#!/usr/bin/env bash
# Runs a command with the project's toolchain first on PATH, setting it up when missing.
# The language host counts as missing when langhost/ is newer than it, or when language-host is
# still the folder itself (the cache layout before setup.sh installed it atomically).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain-env.sh"
if [ ! -x "$PGP_PULUMI_DIR/bin/pulumi" ] || [ ! -d "$PGP_ROOT/node_modules" ] \
    || { [ "$(pgp_node_major)" -lt 22 ] && [ ! -x "$PGP_NODE_DIR/node_modules/.bin/node" ]; } \
    || [ ! -L "$PGP_LANGHOST_DIR" ] || [ ! -f "$PGP_LANGHOST_DIR/main.js" ] || [ -n "$(find "$PGP_ROOT/langhost" -newer "$PGP_LANGHOST_DIR/main.js" -print -quit)" ]; then
  bash "$PGP_ROOT/scripts/setup.sh"
fi
pgp_activate
exec "$@"
