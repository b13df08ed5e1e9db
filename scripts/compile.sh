#!/usr/bin/env bash
# Compiles the package into dist/ (tsconfig.build.json) and makes its bin executable, as npm does
# when it installs the package: tsc writes new files without the execute bit, and `npx
# pulumi-github-packages` in this repository (the examples' workflows) runs dist/sdk/cli.js itself.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tsc -p tsconfig.build.json
chmod +x dist/sdk/cli.js
