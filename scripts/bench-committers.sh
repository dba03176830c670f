#!/usr/bin/env bash
# The committer benchmark (bench/committers.py): real Spark (local-cluster, and local[2] in its own
# study) + MinIO on 127.0.0.1 behind Toxiproxy (built from its Go module), every write at 0 ms and
# at --latency ms per S3 request in one Spark session. Arguments go to the script (--quick, --reps,
# --big, --small, --files, --latency, --setups, --conf KEY=VALUE, --chart PATH, --from-json FILE).
# Writes results/committers.{md,png,json}; `--chart docs/committers.png` also writes the chart
# docs/benchmarks.md shows (committed; regenerate it with the numbers in docs/benchmarks.md).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="$("$root/scripts/python-env.sh")"
"$python" -c "import matplotlib" 2>/dev/null || "$python" -m pip install --disable-pip-version-check -q "matplotlib==3.10.8"
exec "$python" "$root/bench/committers.py" "$@"
