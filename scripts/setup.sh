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
  install_plugin_shims
}

# True when version $1 (vX.Y.Z) is $2 or newer.
version_at_least() {
  [ -n "$1" ] && [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

# Plugins the engine would otherwise try to download. Each runs a host that ships in the
# @pulumi/pulumi npm package, resolved from the plugin's working directory:
# - pulumi-resource-pulumi-nodejs hosts dynamic providers (cwd: the program);
# - pulumi-analyzer-policy-nodejs hosts Node.js policy packs (cwd: the policy pack).
install_plugin_shims() {
  write_shim pulumi-resource-pulumi-nodejs dynamic-provider
  write_shim pulumi-analyzer-policy-nodejs run-policy-pack
}

write_shim() {
  local shim="$PGP_PULUMI_DIR/bin/$1"
  cat > "$shim" <<SHIM
#!/usr/bin/env bash
exec node -e 'const host = require.resolve("@pulumi/pulumi/cmd/$2", { paths: [process.cwd()] }); process.argv.splice(1, 0, host); require(host);' -- "\$@"
SHIM
  chmod +x "$shim"
}

ensure_node
ensure_npm_deps
ensure_pulumi
step "ready: $(node --version), pulumi $(PATH="$PGP_PULUMI_DIR/bin:$PATH" pulumi version)"
