#!/usr/bin/env bash
# A simulated Kubernetes cluster of its own, on kwokctl's binary runtime: etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler and the kwok controller as processes on 127.0.0.1,
# on ports picked free for this cluster, with its name, its folder and its kubeconfig. Pods never
# run (kwok reports them running and completes Jobs); everything else is the real API server.
#
#   bash scripts/sim-cluster.sh create DIR   prints the cluster's kubeconfig; DIR must be new or empty
#   bash scripts/sim-cluster.sh delete DIR   stops its processes (kwokctl delete cluster); DIR stays,
#                                            with the components' logs in DIR/logs
#
# What the cluster gets at creation: kwok's default stages (node init and lease heartbeat, pod
# ready, complete and delete, read from the kwok module as kwokctl v0.8.0 embeds them,
# pkg/kwokctl/runtime/cluster.go getDefaultNodeStages/getDefaultPodStages) plus every
# test/e2e/kwok/*.yaml (kwok configuration objects such as Stage: kwokctl loads them with its
# own defaults dropped, hence both); admission webhooks off (no webhook service is reachable:
# pods do not run); then tools/sim/furniture.yaml (one node, a volume for MinIO's claim).
# The toolchain: scripts/sim-toolchain.sh (run first when SIM_KWOKCTL is not set).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=../tools/sim/lib.sh
. "$root/tools/sim/lib.sh"

cmd=${1:-}
dir=${2:-}
[ -n "$dir" ] && { [ "$cmd" = create ] || [ "$cmd" = delete ]; } || sim_die "usage: bash scripts/sim-cluster.sh create|delete DIR"
if [ -z "${SIM_KWOKCTL:-}" ]; then
    eval "$(bash "$root/scripts/sim-toolchain.sh" --env)"
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
export KWOK_WORKDIR=$dir/kwok

if [ "$cmd" = delete ]; then
    [ -f "$dir/cluster-name" ] || exit 0
    # kwokctl removes the cluster's folder: its components' logs are kept in DIR/logs.
    cp -r "$KWOK_WORKDIR/clusters/$(cat "$dir/cluster-name")/logs" "$dir/" 2>/dev/null || true
    # --kubeconfig: the file kwokctl edits (never ~/.kube/config); it may not be empty here.
    "$SIM_KWOKCTL" delete cluster --name "$(cat "$dir/cluster-name")" --kubeconfig "$dir/kwokctl-contexts.yaml" >>"$dir/kwokctl.log" 2>&1 ||
        { echo "sim-cluster: kwokctl delete cluster failed (log: $dir/kwokctl.log)" >&2; exit 1; }
    rm -f "$dir/cluster-name"
    exit 0
fi

[ -z "$(ls -A "$dir")" ] || sim_die "$dir is not empty"
name="spark-s3-$$-$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"

# Free ports, held open together so that they differ, then handed to kwokctl (its own choice
# would scan down from 32767 in every kwokctl process and can pick the same ports for two
# clusters created at once).
read -r p_etcd p_peer p_api p_kwok p_kcm p_sched < <(node -e '
    const net = require("net");
    const servers = Array.from({ length: 6 }, () => net.createServer());
    Promise.all(servers.map((s) => new Promise((ok) => s.listen(0, "127.0.0.1", ok)))).then(() => {
        console.log(servers.map((s) => s.address().port).join(" "));
        servers.forEach((s) => s.close());
    });')

{
    cat <<EOF
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokctlConfiguration
options:
  runtime: binary
  bindAddress: 127.0.0.1
  kubeVersion: $KUBE_VERSION
  etcdVersion: ${ETCD_VERSION#v}
  kwokVersion: $KWOK_VERSION
  cacheDir: $(sim_home)/kwok-cache
  quietPull: true
  etcdPort: $p_etcd
  etcdPeerPort: $p_peer
  kubeApiserverPort: $p_api
  kwokControllerPort: $p_kwok
  kubeControllerManagerPort: $p_kcm
  kubeSchedulerPort: $p_sched
EOF
    if [ "$SPARK_S3_SIM_KUBE" = build ]; then
        cat <<EOF
  etcdBinary: $SIM_TOOLCHAIN_BIN/etcd
  kubeApiserverBinary: $SIM_TOOLCHAIN_BIN/kube-apiserver
  kubeControllerManagerBinary: $SIM_TOOLCHAIN_BIN/kube-controller-manager
  kubeSchedulerBinary: $SIM_TOOLCHAIN_BIN/kube-scheduler
  kubectlBinary: $SIM_TOOLCHAIN_BIN/kubectl
  kwokControllerBinary: $SIM_TOOLCHAIN_BIN/kwok
EOF
    fi
    cat <<EOF
componentsPatches:
  - name: kube-apiserver
    extraArgs:
      - key: disable-admission-plugins
        value: MutatingAdmissionWebhook,ValidatingAdmissionWebhook
EOF
} >"$dir/kwokctl.yaml"

# kwok's default stages, from the module kwokctl is built from (verified by go.sum).
kwok_src=$(GOFLAGS= go mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
[ -d "$kwok_src/kustomize/stage" ] || sim_die "sigs.k8s.io/kwok@$KWOK_VERSION has no kustomize/stage (go mod download failed?)"
configs=(-c "$dir/kwokctl.yaml")
for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
    pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    configs+=(-c "$kwok_src/kustomize/stage/$f")
done
for f in "$root"/test/e2e/kwok/*.yaml; do
    [ -f "$f" ] && configs+=(-c "$f")
done

echo "$name" >"$dir/cluster-name"
start=$(date +%s)
if ! "$SIM_KWOKCTL" "${configs[@]}" create cluster --name "$name" --kubeconfig "$dir/kwokctl-contexts.yaml" --wait 2m >"$dir/kwokctl.log" 2>&1; then
    echo "sim-cluster: kwokctl create cluster failed; the end of $dir/kwokctl.log:" >&2
    tail -n 20 "$dir/kwokctl.log" >&2
    exit 1
fi
kubeconfig=$KWOK_WORKDIR/clusters/$name/kubeconfig.yaml
for _ in $(seq 1 60); do
    "$SIM_KUBECTL" --kubeconfig "$kubeconfig" get --raw /readyz >/dev/null 2>&1 && break
    sleep 1
done
"$SIM_KUBECTL" --kubeconfig "$kubeconfig" apply -f "$root/tools/sim/furniture.yaml" >>"$dir/kwokctl.log"
echo "sim-cluster: $name up in $(($(date +%s) - start)) s ($("$SIM_KUBECTL" --kubeconfig "$kubeconfig" config view --minify -o jsonpath='{.clusters[0].cluster.server}'))" >&2
echo "$kubeconfig"
