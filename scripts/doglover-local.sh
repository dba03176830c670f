#!/usr/bin/env bash
# Runs DogLover on this machine: MinIO on 127.0.0.1 (built from its Go module), pyspark local,
# the local stack's sparkConf. Arguments go to jobs/doglover/localrun.py (--records, --committer).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="$("$root/scripts/python-env.sh")"
exec "$python" "$root/jobs/doglover/localrun.py" "$@"
