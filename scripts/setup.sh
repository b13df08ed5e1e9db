#!/usr/bin/env bash
# Installs what the project needs and is missing: Node 22+, npm dependencies, the Pulumi
# CLI and the plugin shims the engine needs offline. Safe to re-run; cached builds are reused.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain-env.sh"
cd "$PGP_ROOT"

step() { printf '[setup] %s\n' "$*" >&2; }

ensure_node() {
  if [ "$(pgp_node_major)" -ge 22 ]; then
    step "node $(node --version) on PATH"
    return
  fi
  if [ ! -x "$PGP_NODE_DIR/node_modules/.bin/node" ]; then
    step "system node is $(node --version 2>/dev/null || echo missing); installing node@$PGP_NODE_VERSION from the npm registry into $PGP_NODE_DIR"
    mkdir -p "$PGP_NODE_DIR"
    npm install --prefix "$PGP_NODE_DIR" --no-save --no-package-lock "node@$PGP_NODE_VERSION" >&2
  fi
  PATH="$PGP_NODE_DIR/node_modules/.bin:$PATH"
  step "node $(node --version) from $PGP_NODE_DIR"
}

ensure_npm_deps() {
  local stamp=node_modules/.package-lock.json
  if [ -f "$stamp" ] && [ "$stamp" -nt package-lock.json ]; then
    step "npm dependencies up to date"
    return
  fi
  step "npm ci"
  npm ci --no-audit --no-fund >&2
}

ensure_pulumi() {
  local want="v$PGP_PULUMI_VERSION"
  if [ -x "$PGP_PULUMI_DIR/bin/pulumi" ]; then
    step "pulumi $want cached in $PGP_PULUMI_DIR"
  elif command -v pulumi >/dev/null 2>&1 && version_at_least "$(pulumi version 2>/dev/null)" "$want"; then
    step "pulumi $(pulumi version) on PATH (>= $want)"
    mkdir -p "$PGP_PULUMI_DIR/bin"
    ln -sf "$(command -v pulumi)" "$PGP_PULUMI_DIR/bin/pulumi"
  elif command -v go >/dev/null 2>&1; then
    bash "$PGP_ROOT/scripts/build-pulumi.sh"
  else
    cat >&2 <<MSG
[setup] The Pulumi CLI $want was not found and Go is not installed to build it.
[setup] Install Pulumi with the official installer (https://www.pulumi.com/docs/install/),
[setup] or install Go 1.25+ and re-run: npm run setup
MSG
    exit 1
  fi
}

# Everything next to the CLI besides the CLI: language host and plugin shims. Cheap; always redone
# so that a changed langhost/ or a newly installed official host takes effect.
ensure_plugins() {
  PATH="$PGP_ROOT/node_modules/.bin:$PATH"
  PGP_NODE_BIN="$(node -p process.execPath)"
  build_language_host
  install_plugin_shims
  install_language_host
}

# True when version $1 (vX.Y.Z) is $2 or newer.
version_at_least() {
  [ -n "$1" ] && [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

# Plugins the engine would otherwise try to download. Each runs a host that ships in the
# @pulumi/pulumi npm package, resolved from the plugin's working directory:
# - pulumi-resource-pulumi-nodejs hosts dynamic providers (cwd: the program);
# - pulumi-analyzer-policy-nodejs hosts Node.js policy packs (cwd: the policy pack).
# They run with Node 22 by absolute path (a shell's first `node` may be older) and exit when the
# engine that started them is gone (exit-with-parent.js), so a killed engine leaves none behind.
install_plugin_shims() {
  write_shim pulumi-resource-pulumi-nodejs dynamic-provider
  write_shim pulumi-analyzer-policy-nodejs run-policy-pack
}

write_shim() {
  local shim="$PGP_PULUMI_DIR/bin/$1"
  cat > "$shim" <<SHIM
#!/usr/bin/env bash
exec "$PGP_NODE_BIN" --require "$PGP_LANGHOST_DIR/exit-with-parent.js" -e 'const host = require.resolve("@pulumi/pulumi/cmd/$2", { paths: [process.cwd()] }); process.argv.splice(1, 0, host); require(host);' -- "\$@"
SHIM
  chmod +x "$shim"
}

# The project's Node.js language host (langhost/), compiled next to the CLI. Its parent watch is
# used by the plugin shims too, so it is compiled even when an official host will be used.
build_language_host() {
  rm -rf "$PGP_LANGHOST_DIR"
  tsc -p "$PGP_ROOT/langhost/tsconfig.json" --outDir "$PGP_LANGHOST_DIR" >&2
}

# True when file $1 is the language host shim this script writes.
is_our_language_host() {
  grep -qs "$PGP_LANGHOST_MARK" "$1"
}

# An official pulumi-language-nodejs always wins: next to the CLI (where the engine looks first)
# or on PATH. Only when there is none does this project's host go next to the CLI.
install_language_host() {
  local ours="$PGP_PULUMI_DIR/bin/pulumi-language-nodejs" cli_dir candidate
  cli_dir="$(dirname "$(readlink -f "$PGP_PULUMI_DIR/bin/pulumi")")"
  for candidate in "$cli_dir/pulumi-language-nodejs" $(type -ap pulumi-language-nodejs || true); do
    if [ -x "$candidate" ] && ! is_our_language_host "$candidate"; then
      step "official language host $candidate is used (this project's host is not installed)"
      if is_our_language_host "$ours"; then rm -f "$ours"; fi
      return
    fi
  done
  cat > "$ours" <<SHIM
#!/usr/bin/env bash
# $PGP_LANGHOST_MARK: no official pulumi-language-nodejs was found,
# so scripts/setup.sh installed this project's language host (langhost/, see docs/language-host.md).
exec "$PGP_NODE_BIN" "$PGP_LANGHOST_DIR/main.js" "\$@"
SHIM
  chmod +x "$ours"
  step "language host: this project's ($ours -> $PGP_LANGHOST_DIR/main.js, node $PGP_NODE_BIN)"
}

ensure_node
ensure_npm_deps
ensure_pulumi
ensure_plugins
step "ready: $(node --version), pulumi $(PATH="$PGP_PULUMI_DIR/bin:$PATH" pulumi version)"
