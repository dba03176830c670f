#!/usr/bin/env bash
# `npm run test:e2e` on a simulated cluster of its own (scripts/sim-cluster.sh: kwokctl, binary
# runtime) with the toolchain of scripts/sim-toolchain.sh (built or found once, cached). Each run
# has its own cluster, ports, PULUMI_HOME and state folder (the tests' own, test/e2e/project.ts),
# so runs in parallel on one machine do not meet; the cluster is deleted and its folder removed on
# exit, failure or Ctrl-C (kept, with the components' logs, when the tests failed).
# Arguments go to mocha, e.g. --grep flashblade.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
[ -d node_modules ] || npm ci --no-audit --no-fund
[ -d policy/node_modules ] || npm ci --prefix policy --no-audit --no-fund
# The upstream trees the tests read (the operator's chart): fetched or taken from the mirror once.
bash scripts/upstream.sh spark-operator >/dev/null
eval "$(bash scripts/sim-toolchain.sh --env)"

run=$(mktemp -d "${TMPDIR:-/tmp}/spark-s3-e2e-sim.XXXXXX")
status=1
cleanup() {
    bash scripts/sim-cluster.sh delete "$run/cluster" || true
    if [ $status -eq 0 ]; then
        rm -rf "$run"
    else
        echo "test-e2e-sim: the cluster's logs are in $run/cluster/logs" >&2
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

KUBECONFIG=$(bash scripts/sim-cluster.sh create "$run/cluster")
export KUBECONFIG
export E2E_CLUSTER_FURNITURE=$root/tools/sim/furniture.yaml
export PULUMI_HOME=$run/pulumi-home
mkdir -p "$PULUMI_HOME"
export PULUMI_CLI=$SIM_PULUMI_CLI KUBECTL=$SIM_KUBECTL
if [ "$SPARK_S3_SIM_PULUMI" = build ]; then
    # The built CLI, language hosts and providers are ambient plugins on PATH; nothing is downloaded.
    export PATH=$SIM_TOOLCHAIN_BIN:$PATH
    export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
else
    # The installed CLI's plugins (and those the engine downloads) stay in the usual plugin folder.
    plugins=${SPARK_S3_PULUMI_PLUGINS:-$HOME/.pulumi/plugins}
    mkdir -p "$plugins"
    ln -s "$plugins" "$PULUMI_HOME/plugins"
fi
start=$(date +%s)
npm run test:e2e -- "$@" && status=0
echo "test-e2e-sim: the end-to-end tests took $(($(date +%s) - start)) s"
exit $status
