#!/usr/bin/env bash
# Builds the Pulumi CLI from Go modules into the cache (the CLI is on neither npm nor Debian).
# scripts/pulumi-cli is a wrapper module pinning pkg/v3 and sdk/v3: `go install mod@version`
# refuses modules with `replace` directives, so the wrapper repeats the one the CLI needs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain-env.sh"

out="$PGP_PULUMI_DIR/bin"
mkdir -p "$out"
cd "$PGP_ROOT/scripts/pulumi-cli"
printf '[setup] building pulumi v%s from Go modules into %s (first time only; 3 to 8 minutes on 2 cores)\n' \
  "$PGP_PULUMI_VERSION" "$out" >&2
start=$(date +%s)
GOFLAGS=-mod=mod go build -trimpath \
  -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PGP_PULUMI_VERSION" \
  -o "$out/pulumi.partial" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
mv "$out/pulumi.partial" "$out/pulumi"
printf '[setup] built %s in %ss\n' "$("$out/pulumi" version)" "$(( $(date +%s) - start ))" >&2
