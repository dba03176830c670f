#!/usr/bin/env bash
# A Spark Connect session's write throughput beside a batch job's, DogLover on the same data, in
# one run (jobs/connect/bench_connect.py). Prints numbers; asserts nothing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="$("$root/scripts/python-env.sh" "$root/jobs/connect/requirements.txt")"
"$python" "$root/jobs/doglover/localrun.py" --prepare-only
exec "$python" "$root/jobs/connect/bench_connect.py" "$@"
