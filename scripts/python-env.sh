#!/usr/bin/env bash
# Creates (once) the Python environment of the Spark job and its tests in .cache/venv, and
# prints its python. Needs Python 3.10+ and Java 17 on the machine.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${SPARK_S3_CACHE:-$root/.cache}"
venv="$cache/venv"
req="$root/jobs/doglover/requirements.txt"
stamp="$venv/.requirements"
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$req" "$stamp"; then
  echo "[python-env] creating $venv (pyspark is a ~430 MB download the first time)..." >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --disable-pip-version-check --progress-bar on -r "$req" >&2
  cp "$req" "$stamp"
fi
command -v java >/dev/null || { echo "[python-env] Java 17 is needed by Spark: install OpenJDK 17" >&2; exit 1; }
echo "$venv/bin/python"
