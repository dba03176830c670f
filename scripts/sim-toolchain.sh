#!/usr/bin/env bash
# Build the ../shared/sim toolchain (etcd, kube-apiserver & co., kubectl, kwok, the Pulumi CLI,
# its Node.js language host and the Kubernetes provider) from the Go module proxy, in parallel,
# only what is missing or whose build script changed. Binaries are cached in $SIMBUILD
# (default $HOME/.cache/spark-s3-sim, ~700 MB); the Go build cache of these builds lives in
# $SIMBUILD/go-build only while they run (about 9 GB) and is removed after a successful build.
# Cold: about 20 minutes on 2 cores; warm (all binaries present): seconds.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
SIM=${SIM_DIR:-$root/../shared/sim}
export SIMBUILD=${SIMBUILD:-$HOME/.cache/spark-s3-sim}
[ -d "$SIM" ] || { echo "sim-toolchain: $SIM not found (../shared beside the checkout)" >&2; exit 2; }
command -v go >/dev/null || { echo "sim-toolchain: Go is required (go.dev/dl)" >&2; exit 2; }
command -v jq >/dev/null || { echo "sim-toolchain: jq is required (apt-get install jq)" >&2; exit 2; }
mkdir -p "$SIMBUILD/logs" "$SIMBUILD/stamps"
export GOCACHE="$SIMBUILD/go-build"

# name | build scripts (run in order) | binaries it must leave behind
targets=(
    "k8s|build-k8s.sh build-kwok.sh|kbin/bin/kube-apiserver kbin/bin/kube-controller-manager kbin/bin/kube-scheduler kbin/bin/kubectl kbin/bin/kwok"
    "etcd|build-etcd.sh|etcdbin/bin/etcd"
    "pulumi|build-pulumi.sh build-pulumi-plugins.sh|pulumibin/bin/pulumi pulumibin/bin/pulumi-language-nodejs pulumibin/bin/pulumi-resource-random"
    "provider|build-k8s-provider.sh|k8sprovider/bin/pulumi-resource-kubernetes"
)

stamp_of() { # the build scripts' content (versions are in them) and the Go version
    local scripts=$1 s
    {
        go version
        for s in $scripts; do cat "$SIM/$s"; done
        if [ "$scripts" = "build-pulumi.sh build-pulumi-plugins.sh" ]; then cat "$SIM"/upstream/pulumi-language-nodejs/*.go "$SIM"/random-stub/*.go; fi
    } | sha256sum | cut -c1-16
}

pids=()
names=()
for t in "${targets[@]}"; do
    IFS='|' read -r name scripts bins <<<"$t"
    want=$(stamp_of "$scripts")
    have=$(cat "$SIMBUILD/stamps/$name" 2>/dev/null || true)
    missing=""
    for b in $bins; do [ -x "$SIMBUILD/$b" ] || missing="$missing $b"; done
    if [ -z "$missing" ] && [ "$want" = "$have" ]; then
        echo "[sim-toolchain] $name: cached"
        continue
    fi
    echo "[sim-toolchain] $name: building (${missing:+missing:$missing}${missing:+; }log: $SIMBUILD/logs/$name.log)"
    (
        set -e
        for s in $scripts; do bash "$SIM/$s"; done
        echo "$want" >"$SIMBUILD/stamps/$name"
    ) >"$SIMBUILD/logs/$name.log" 2>&1 &
    pids+=($!)
    names+=("$name")
done

[ ${#pids[@]} -eq 0 ] && exit 0
start=$(date +%s)
failed=0
# Progress: one line a minute with what is still building.
while :; do
    running=""
    for i in "${!pids[@]}"; do kill -0 "${pids[$i]}" 2>/dev/null && running="$running ${names[$i]}"; done
    [ -z "$running" ] && break
    sleep 60
    echo "[sim-toolchain] $(($(date +%s) - start)) s, still building:$running"
done
for i in "${!pids[@]}"; do
    if wait "${pids[$i]}"; then
        echo "[sim-toolchain] ${names[$i]}: built"
    else
        failed=1
        echo "[sim-toolchain] ${names[$i]}: FAILED; the end of its log:" >&2
        tail -n 30 "$SIMBUILD/logs/${names[$i]}.log" >&2
    fi
done
echo "[sim-toolchain] done in $(($(date +%s) - start)) s"
[ $failed -eq 0 ] || exit 1
# The binaries are what is cached; the build cache is not needed to run them.
rm -rf "$GOCACHE"
