#!/usr/bin/env bash
# The Spark Connect server on real components: the facts in Spark's jars, then the program's
# server (pyspark's SparkConnectServer with the rendered conf and command) with MinIO and real
# Connect clients, and a real History Server on its event log. A few minutes; the first run
# creates the client's venv (.cache/venv-connect) and shares MinIO, mc and the jars with
# `npm run test:spark` (.cache/bin, .cache/jars, .cache/ivy).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="$("$root/scripts/python-env.sh" "$root/jobs/connect/requirements.txt")"
echo "== prepare: MinIO and mc from their Go modules, committer jars (cached after the first run) =="
"$python" "$root/jobs/doglover/localrun.py" --prepare-only
cd "$root/jobs/connect"
# A temp dir of this run's own (not the shared /tmp/pytest-of-$USER, which other runs on the
# machine rotate), removed afterwards, also when a test fails.
basetemp=$(mktemp -d -t spark-connect-tests.XXXXXX)
trap 'rm -rf "$basetemp"' EXIT
echo "== Spark Connect: facts, server, clients, History Server (real Spark + MinIO) =="
"$python" -m pytest -q -p no:cacheprovider --basetemp "$basetemp" tests "$@"
