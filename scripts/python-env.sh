#!/usr/bin/env bash
# Creates (once) the Python environment of the Spark job and its tests in .cache/venv, and
# prints its python. Needs Python 3.10+ and Java 17 on the machine.
#
#   scripts/python-env.sh                          jobs/doglover/requirements.txt in .cache/venv
#   scripts/python-env.sh jobs/connect/requirements.txt   that file in .cache/venv-connect
#
# A requirements file other than DogLover's gets a venv of its own (named after its folder), so
# the two never reinstall each other. The venv is rebuilt when the file, or a file it includes
# with `-r`, changes.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${SPARK_S3_CACHE:-$root/.cache}"
default_req="$root/jobs/doglover/requirements.txt"
req="$(cd "$(dirname "${1:-$default_req}")" && pwd)/$(basename "${1:-$default_req}")"
[ -f "$req" ] || { echo "[python-env] no requirements file $req" >&2; exit 2; }
if [ "$req" = "$default_req" ]; then
  venv="$cache/venv"
else
  venv="$cache/venv-$(basename "$(dirname "$req")")"
fi
stamp="$venv/.requirements"
# The file and the files it includes (-r path, relative to the including file), in order.
requirements_text() {
  local f="$1" inc
  cat "$f"
  sed -n 's/^[[:space:]]*-r[[:space:]]*//p' "$f" | while read -r inc; do
    requirements_text "$(dirname "$f")/$inc"
  done
}
if [ ! -x "$venv/bin/python" ] || ! cmp -s <(requirements_text "$req") "$stamp"; then
  echo "[python-env] creating $venv from ${req#"$root"/} (pyspark is a ~430 MB download the first time)..." >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --disable-pip-version-check --progress-bar on -r "$req" >&2
  requirements_text "$req" >"$stamp"
fi
command -v java >/dev/null || { echo "[python-env] Java 17 is needed by Spark: install OpenJDK 17" >&2; exit 1; }
echo "$venv/bin/python"
