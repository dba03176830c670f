#!/usr/bin/env bash
# Checks the GitHub Actions workflows with actionlint, built (once) from its Go module.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${SPARK_S3_CACHE:-$root/.cache}/bin"
module="github.com/rhysd/actionlint/cmd/actionlint@v1.7.12"
if [ ! -x "$bin/actionlint" ] || [ "$(cat "$bin/.actionlint.version" 2>/dev/null)" != "$module" ]; then
  echo "[lint-workflows] building actionlint from $module (once)..." >&2
  mkdir -p "$bin"
  GOBIN="$bin" go install "$module"
  echo "$module" > "$bin/.actionlint.version"
fi
cd "$root"
"$bin/actionlint" -no-color .github/workflows/*.yml
echo "[lint-workflows] $(ls .github/workflows/*.yml | wc -l) workflow(s) OK"
