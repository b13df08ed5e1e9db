#!/usr/bin/env bash
# Installs what the project needs and is missing: Node 22+, npm dependencies, the Pulumi
# CLI and the plugin shims the engine needs offline. Safe to re-run; cached builds are reused.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain-env.sh"
cd "$PGP_ROOT"

step() { printf '[setup] %s\n' "$*" >&2; }

# Temporary files and folders of this run, removed when it exits (those renamed into place are
# gone from their temporary names by then). A host build a killed run leaves is removed later by
# remove_old_language_hosts; a shim's temporary file is a dot file nothing runs.
PGP_TMP=()
trap 'rm -rf ${PGP_TMP[@]+"${PGP_TMP[@]}"}' EXIT

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
    replace_symlink "$(command -v pulumi)" "$PGP_PULUMI_DIR/bin/pulumi"
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
#
# The cache is shared by every checkout of the user, and a `pulumi up` in another one may start
# the language host or a plugin through the shims at any instant, so none of it is ever missing or
# half-written: see build_language_host. What the shims named before this run is marked
# superseded (its time is when it stopped being used) once they name the new host.
ensure_plugins() {
  local -a previous
  local dir
  PATH="$PGP_ROOT/node_modules/.bin:$PATH"
  PGP_NODE_BIN="$(node -p process.execPath)"
  mapfile -t previous < <(referenced_language_hosts)
  build_language_host
  install_plugin_shims
  install_language_host
  replace_symlink "${PGP_LANGHOST_BUILT##*/}" "$PGP_LANGHOST_DIR"
  for dir in ${previous[@]+"${previous[@]}"}; do
    if [ "$dir" != "$PGP_LANGHOST_BUILT" ]; then touch -c "$dir"; fi
  done
  remove_old_language_hosts
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
  write_executable "$PGP_PULUMI_DIR/bin/$1" <<SHIM
#!/usr/bin/env bash
exec "$PGP_NODE_BIN" --require "$PGP_LANGHOST_BUILT/exit-with-parent.js" -e 'const host = require.resolve("@pulumi/pulumi/cmd/$2", { paths: [process.cwd()] }); process.argv.splice(1, 0, host); require(host);' -- "\$@"
SHIM
}

# Writes stdin to the executable file $1 through a temporary file in its directory and a rename,
# so that whoever runs $1 at any instant reads the old text or the new one, whole (a shell running
# the old one keeps reading the old file). Leaves $1 alone when it already holds that text.
write_executable() {
  local file="$1" tmp
  tmp="$(mktemp "$(dirname "$file")/.${file##*/}.XXXXXX")"
  PGP_TMP+=("$tmp")
  cat > "$tmp"
  if [ -x "$file" ] && [ ! -L "$file" ] && cmp -s "$tmp" "$file"; then
    rm -f "$tmp"
  else
    chmod 755 "$tmp"
    mv -fT "$tmp" "$file"
  fi
}

# Makes $2 a symlink to $1 by renaming a new link over it: at every instant $2 is the old link or
# the new one (`ln -sf` removes it first). Leaves it alone when it already points there.
replace_symlink() {
  local target="$1" link="$2" tmp legacy
  if [ -L "$link" ] && [ "$(readlink "$link")" = "$target" ]; then return; fi
  tmp="$(mktemp -u "$(dirname "$link")/.${link##*/}.XXXXXX")"
  PGP_TMP+=("$tmp")
  ln -s "$target" "$tmp"
  if [ -d "$link" ] && [ ! -L "$link" ]; then
    # The layout before versioned host folders: language-host was the folder itself. Moved aside
    # (and removed later like any old host; a rename can't replace a folder with a link), the link
    # takes its place right after, so shims written before name a complete host again at once.
    legacy="$(mktemp -u "$link.legacy.XXXXXX")"
    if mv -T "$link" "$legacy" 2>/dev/null; then touch -c "$legacy"; fi
  fi
  mv -fT "$tmp" "$link"
}

# The project's Node.js language host (langhost/), compiled next to the CLI. Its parent watch is
# used by the plugin shims too, so it is compiled even when an official host will be used.
#
# Installed without ever being missing or partial, for a `pulumi up` running meanwhile elsewhere:
# - each build gets a folder of its own, language-host.<hash of its files>.<unique>, compiled under
#   a temporary name and renamed into place when complete; an installed folder never changes;
# - the shims name that folder, so a process started from a shim reads one host throughout;
# - $PGP_LANGHOST_DIR (language-host) is a symlink to the current folder, for with-toolchain.sh
#   and for people, replaced by a rename;
# - when the build equals the current host, it is dropped and nothing is replaced (an older folder
#   with the same files is not reused: remove_old_language_hosts may be removing it).
# Old folders are removed later, by remove_old_language_hosts. Sets PGP_LANGHOST_BUILT.
build_language_host() {
  local tmp hash current
  tmp="$(mktemp -d "$PGP_PULUMI_DIR/language-host.build.XXXXXX")"
  PGP_TMP+=("$tmp")
  tsc -p "$PGP_ROOT/langhost/tsconfig.json" --outDir "$tmp" >&2
  hash="$(cd "$tmp" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12)"
  current="$(readlink "$PGP_LANGHOST_DIR" 2>/dev/null || true)"
  if [[ "$current" == "language-host.$hash."* ]] && [ -f "$PGP_PULUMI_DIR/$current/main.js" ]; then
    rm -rf "$tmp"
    PGP_LANGHOST_BUILT="$PGP_PULUMI_DIR/$current"
    # with-toolchain.sh re-runs setup while langhost/ is newer than this file.
    touch "$PGP_LANGHOST_BUILT/main.js"
    return
  fi
  PGP_LANGHOST_BUILT="$PGP_PULUMI_DIR/language-host.$hash.${tmp##*.}"
  chmod 755 "$tmp"
  mv -T "$tmp" "$PGP_LANGHOST_BUILT"
}

# The installed host folders (language-host.*, not the link) that the link or a shim names.
referenced_language_hosts() {
  local dir
  for dir in "$PGP_PULUMI_DIR"/language-host.*; do
    if [ -d "$dir" ] && [ ! -L "$dir" ] && language_host_referenced "$dir"; then printf '%s\n' "$dir"; fi
  done
}

# True when host folder $1 is where the language-host link points or a shim names it.
language_host_referenced() {
  local shim
  if [ "$(readlink "$PGP_LANGHOST_DIR" 2>/dev/null)" = "${1##*/}" ]; then return 0; fi
  for shim in pulumi-language-nodejs pulumi-resource-pulumi-nodejs pulumi-analyzer-policy-nodejs; do
    if grep -qsF "$1/" "$PGP_PULUMI_DIR/bin/$shim"; then return 0; fi
  done
  return 1
}

# Removes a host folder (or a build left by an interrupted setup) when all three hold:
# - neither the link nor a shim names it;
# - it was superseded more than an hour ago (ensure_plugins touches a folder when the shims stop
#   naming it; a build's time is when it was written);
# - no running process names it on its command line: the language host and the plugins started
#   from the shims do (`node <folder>/main.js`, `node --require <folder>/exit-with-parent.js`).
# Why not at once: a process starting from a folder needs its files until Node has loaded them,
# and that can be after the shims moved on (a shell that read a shim just before it was replaced
# still runs the old one, then Node loads main.js, then what main.js requires; a module could
# also be required later). The command-line check keeps a folder for as long as anything started
# from it runs (where there is a /proc); the hour covers the instants before such a process
# exists, and systems without /proc, by a wide margin. Builds are small (about 50 KB), so a bound
# on their number is not needed: the builds of the last hour and those in use stay, no more.
remove_old_language_hosts() {
  local dir trash
  for dir in "$PGP_PULUMI_DIR"/language-host.*; do
    if [ ! -d "$dir" ] || [ -L "$dir" ] || language_host_referenced "$dir"; then continue; fi
    if [ -z "$(find "$dir" -maxdepth 0 -mmin +60 2>/dev/null)" ]; then continue; fi
    if grep -qsaF "$dir/" /proc/[0-9]*/cmdline; then continue; fi
    # Renamed first, so that no folder is ever seen half-removed under a host's name.
    trash="$(mktemp -u "$PGP_PULUMI_DIR/language-host.removed.XXXXXX")"
    if mv -T "$dir" "$trash" 2>/dev/null; then rm -rf "$trash"; fi
  done
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
  write_executable "$ours" <<SHIM
#!/usr/bin/env bash
# $PGP_LANGHOST_MARK: no official pulumi-language-nodejs was found,
# so scripts/setup.sh installed this project's language host (langhost/, see docs/language-host.md).
exec "$PGP_NODE_BIN" "$PGP_LANGHOST_BUILT/main.js" "\$@"
SHIM
  step "language host: this project's ($ours -> $PGP_LANGHOST_BUILT/main.js, node $PGP_NODE_BIN)"
}

ensure_node
ensure_npm_deps
ensure_pulumi
ensure_plugins
step "ready: $(node --version), pulumi $(PATH="$PGP_PULUMI_DIR/bin:$PATH" pulumi version)"
