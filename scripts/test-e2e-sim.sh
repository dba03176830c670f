#!/usr/bin/env bash
# `npm run test:e2e` on the ../shared/sim cluster: builds the toolchain if needed (cached, see
# scripts/sim-toolchain.sh), starts a fresh etcd + kube-apiserver + controller-manager +
# scheduler + kwok on 127.0.0.1, runs the end-to-end tests with the sim's Pulumi CLI and
# Kubernetes provider, and stops the cluster and removes its data on exit, failure or Ctrl-C.
# Admission webhooks are off: their services would not be reachable (pods never run here).
# Arguments go to mocha, e.g. --grep flashblade.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
SIM=${SIM_DIR:-$root/../shared/sim}
export SIMBUILD=${SIMBUILD:-$HOME/.cache/spark-s3-sim}
cd "$root"
bash scripts/sim-toolchain.sh
[ -d node_modules ] || npm ci --no-audit --no-fund
[ -d policy/node_modules ] || npm ci --prefix policy --no-audit --no-fund

for port in 2379 2380 6443 10247 10257 10259; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "test-e2e-sim: 127.0.0.1:$port is in use (another sim cluster? bash $SIM/stop-cluster.sh)" >&2
        exit 2
    fi
done

status=1
cleanup() {
    bash "$SIM/stop-cluster.sh" || true
    if [ $status -eq 0 ]; then
        rm -rf "$SIMBUILD/run" "$SIMBUILD/state"
    else
        rm -rf "$SIMBUILD/run/etcd-data"
        echo "test-e2e-sim: the cluster's logs are in $SIMBUILD/run/*.log" >&2
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bash "$SIM/pki.sh" >/dev/null
APISERVER_EXTRA=--disable-admission-plugins=MutatingAdmissionWebhook,ValidatingAdmissionWebhook bash "$SIM/start-cluster.sh"
# shellcheck source=/dev/null
. "$SIM/env.sh"
for i in $(seq 1 30); do kubectl get --raw /readyz >/dev/null 2>&1 && break; sleep 1; done
kubectl apply -f "$SIM/sim-objects.yaml"
export E2E_CLUSTER_FURNITURE="$SIM/sim-objects.yaml"
start=$(date +%s)
npm run test:e2e -- "$@" && status=0
echo "test-e2e-sim: the end-to-end tests took $(($(date +%s) - start)) s"
exit $status
