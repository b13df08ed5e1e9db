# Sourced by the project's scripts: versions and paths of the toolchain, in one place.
# Node 22+ and the Pulumi CLI live in a per-user cache keyed by version, so a fresh
# clone on the same machine reuses them instead of rebuilding.

PGP_NODE_VERSION="22.23.3"
PGP_PULUMI_VERSION="3.276.0"

PGP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PGP_CACHE="${PGP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-github-packages}"
PGP_NODE_DIR="$PGP_CACHE/node-$PGP_NODE_VERSION"
PGP_PULUMI_DIR="$PGP_CACHE/pulumi-v$PGP_PULUMI_VERSION"
# This project's Node.js language host, compiled next to the CLI by setup.sh (see docs/language-host.md).
PGP_LANGHOST_DIR="$PGP_PULUMI_DIR/language-host"
# The first line setup.sh writes into its language host shim, telling it from an official host.
PGP_LANGHOST_MARK="pulumi-github-packages language host"

# Node's major version on PATH, or 0 when there is none.
pgp_node_major() {
  command -v node >/dev/null 2>&1 || { echo 0; return; }
  node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

# Puts the cached toolchain first on PATH and sets the engine's environment.
pgp_activate() {
  if [ -x "$PGP_NODE_DIR/node_modules/.bin/node" ]; then
    PATH="$PGP_NODE_DIR/node_modules/.bin:$PATH"
  fi
  if [ -x "$PGP_PULUMI_DIR/bin/pulumi" ]; then
    PATH="$PGP_PULUMI_DIR/bin:$PATH"
  fi
  PATH="$PGP_ROOT/node_modules/.bin:$PATH"
  export PATH
  export PULUMI_SKIP_UPDATE_CHECK=true
  export PULUMI_DIY_BACKEND_NO_LEGACY_WARNING=true
  export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK="${PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK:-false}"
}

# A Go command built from Go modules into the cache the first time, by version (crane, actionlint):
# pgp_go_tool <name> <module>/cmd/<name> <version> prints the binary's path; exits 3 without Go.
pgp_go_tool() {
  local name="$1" package="$2" version="$3"
  local bin="$PGP_CACHE/$name-$version/$name"
  if [ ! -x "$bin" ]; then
    command -v go >/dev/null 2>&1 || { echo "$name: Go is needed to build $name $version" >&2; exit 3; }
    mkdir -p "$(dirname "$bin")"
    GOBIN="$(dirname "$bin")" GOFLAGS=-mod=mod go install "$package@$version" >&2
  fi
  echo "$bin"
}
