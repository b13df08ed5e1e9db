#!/usr/bin/env bash
# Runs a command with the project's toolchain first on PATH, setting it up when missing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain-env.sh"
if [ ! -x "$PGP_PULUMI_DIR/bin/pulumi" ] || [ ! -d "$PGP_ROOT/node_modules" ] \
    || { [ "$(pgp_node_major)" -lt 22 ] && [ ! -x "$PGP_NODE_DIR/node_modules/.bin/node" ]; } \
    || [ ! -f "$PGP_LANGHOST_DIR/main.js" ] || [ -n "$(find "$PGP_ROOT/langhost" -newer "$PGP_LANGHOST_DIR/main.js" -print -quit)" ]; then
  bash "$PGP_ROOT/scripts/setup.sh"
fi
pgp_activate
exec "$@"
