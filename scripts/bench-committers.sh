#!/usr/bin/env bash
# The committer benchmark (bench/committers.py): real Spark + MinIO on 127.0.0.1. Arguments go to
# the script (--quick, --sizes, --files, --reps). Writes results/committers.{md,png,json}.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="$("$root/scripts/python-env.sh")"
"$python" -c "import matplotlib" 2>/dev/null || "$python" -m pip install --disable-pip-version-check -q "matplotlib==3.10.8"
exec "$python" "$root/bench/committers.py" "$@"
