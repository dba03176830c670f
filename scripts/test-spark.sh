#!/usr/bin/env bash
# The slow tests: DogLover's transformations on local Spark, then real Spark + real MinIO
# (every committer, the reject guard, the article's lost output). Several minutes; the first
# run builds MinIO and mc from their Go modules and downloads pyspark and the jars.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="$("$root/scripts/python-env.sh")"
cd "$root/jobs/doglover"
echo "== DogLover unit tests (local Spark) =="
"$python" -m pytest -q -p no:cacheprovider tests --ignore=tests/integration
echo "== prepare: MinIO and mc from their Go modules, committer jars (cached after the first run) =="
"$python" localrun.py --prepare-only
echo "== DogLover on real Spark + MinIO (integration) =="
"$python" -m pytest -q -p no:cacheprovider tests/integration
