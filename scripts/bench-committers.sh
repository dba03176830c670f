#!/usr/bin/env bash
# The committer benchmark (bench/committers.py): real Spark (local[2] and local-cluster) + MinIO on
# 127.0.0.1. Arguments go to the script (--quick, --reps, --big, --small, --files, --setups,
# --chart PATH, --from-json FILE). Writes results/committers.{md,png,json}; `--chart
# docs/committers.png` also writes the chart the README shows (committed; regenerate it with the
# numbers in docs/benchmarks.md).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="$("$root/scripts/python-env.sh")"
"$python" -c "import matplotlib" 2>/dev/null || "$python" -m pip install --disable-pip-version-check -q "matplotlib==3.10.8"
exec "$python" "$root/bench/committers.py" "$@"
