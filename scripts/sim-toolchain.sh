#!/usr/bin/env bash
# The simulated cluster's toolchain: kwokctl always; etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, kubectl and kwok where kwokctl cannot download them; the Pulumi CLI, the
# Kubernetes provider, the project's own Node.js language host (tools/sim/language-nodejs), its
# random stand-in (tools/sim/random-standin), pulumi-language-yaml and the dynamic-provider
# launcher where no installed Pulumi CLI is new enough. Modes and folders: tools/sim/lib.sh;
# versions: tools/sim/versions.sh. Everything is built from the Go module proxy (modules
# verified by the Go checksum database), in parallel, only what is missing or whose inputs
# changed (versions, these build steps, the project's Go sources, the Go version).
#
#   bash scripts/sim-toolchain.sh          build what is missing; progress on stderr
#   bash scripts/sim-toolchain.sh --env    the same, then print the `export` lines the e2e scripts eval
#
# Binaries go to $(sim_home)/bin (~1 GB when everything is built); build logs to .../logs. The Go
# build cache is Go's own (GOCACHE, about 9 GB for a full build; `go clean -cache` empties it).
# Cold on 2 cores: about 25 minutes for everything; warm: seconds.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=../tools/sim/lib.sh
. "$root/tools/sim/lib.sh"

env_only=0
[ "${1:-}" = "--env" ] && env_only=1
say() { echo "[sim-toolchain] $*" >&2; }

command -v go >/dev/null || sim_die "Go is required to build the simulator's toolchain (https://go.dev/dl, 1.26 or newer)"
command -v node >/dev/null || sim_die "Node.js is required"
decide_modes
TC=$(sim_home)
BIN=$TC/bin
mkdir -p "$BIN" "$TC/src" "$TC/logs" "$TC/stamps"

export CGO_ENABLED=0
# Module mode for the wrapper modules below (their go.sum is written as they resolve).
wrapper_go() { GOFLAGS=-mod=mod go "$@"; }

# --- build steps (each writes only its own binaries into $BIN) -----------------------------------

build_kwok() {
    # kwokctl (and, where the control plane is built, the kwok controller) from kwok's own module,
    # exactly as `go install` builds a released command.
    local cmds=(sigs.k8s.io/kwok/cmd/kwokctl@"$KWOK_VERSION")
    [ "$SPARK_S3_SIM_KUBE" = build ] && cmds+=(sigs.k8s.io/kwok/cmd/kwok@"$KWOK_VERSION")
    GOFLAGS= GOBIN="$TC/src/kwok-out" go install -trimpath -ldflags "-s -w" "${cmds[@]}"
    mv -f "$TC/src/kwok-out"/* "$BIN/"
}

build_kube() {
    # k8s.io/kubernetes is not meant to be required as a module: a wrapper module pins its
    # staging modules (every "k8s.io/X => ./staging/..." of the tag's go.mod) to v0.<minor>.<patch>.
    local w=$TC/src/kube minor=${KUBE_VERSION#v1.}
    rm -rf "$w" && mkdir -p "$w/out" && cd "$w"
    wrapper_go mod init example.local/spark-s3-sim-kube
    local gomod
    gomod=$(wrapper_go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p')
    local m
    for m in $(sed -n 's|^[[:space:]]*\(k8s.io/[^ ]*\) => ./staging/.*|\1|p' "$gomod"); do
        go mod edit -replace="$m=$m@v0.$minor"
    done
    # Upstream's default GODEBUG settings for the binaries.
    local gd
    gd=$(sed -n 's/^godebug \(.*\)$/\1/p' "$gomod" | head -n 1)
    [ -z "$gd" ] || go mod edit -godebug="$gd"
    printf '//go:build tools\n\npackage tools\n\nimport (\n' >tools.go
    for m in kube-apiserver kube-controller-manager kube-scheduler kubectl; do printf '\t_ "k8s.io/kubernetes/cmd/%s"\n' "$m" >>tools.go; done
    printf ')\n' >>tools.go
    wrapper_go get "k8s.io/kubernetes@$KUBE_VERSION"
    wrapper_go mod tidy
    local ld="-s -w" p
    for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
        ld="$ld -X $p.gitVersion=$KUBE_VERSION -X $p.gitMajor=1 -X $p.gitMinor=${minor%%.*} -X $p.gitTreeState=clean"
    done
    # The tags of upstream's build (hack/lib/golang.sh) that matter without cgo.
    wrapper_go build -trimpath -tags selinux,notest,grpcnotrace -ldflags "$ld" -o out/ \
        k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
        k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
    mv -f out/* "$BIN/"
}

build_etcd() {
    local w=$TC/src/etcd
    rm -rf "$w" && mkdir -p "$w/out" && cd "$w"
    wrapper_go mod init example.local/spark-s3-sim-etcd
    printf '//go:build tools\n\npackage tools\n\nimport _ "go.etcd.io/etcd/server/v3"\n' >tools.go
    wrapper_go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION"
    wrapper_go mod tidy
    wrapper_go build -trimpath -ldflags "-s -w" -o out/etcd go.etcd.io/etcd/server/v3
    mv -f out/etcd "$BIN/"
}

build_pulumi() {
    # One wrapper module for the CLI (github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) and the
    # project's language host and random stand-in (sdk/v3): they share most packages. pkg/v3's
    # own go.mod replaces (but for its ../sdk) are carried over.
    local w=$TC/src/pulumi
    rm -rf "$w" && mkdir -p "$w/out" "$w/cmd" && cd "$w"
    wrapper_go mod init example.local/spark-s3-sim-pulumi
    local pkgmod r
    pkgmod=$(wrapper_go mod download -json "github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p')
    for r in $(go mod edit -json "$pkgmod" | node -e '
        for (const r of JSON.parse(require("fs").readFileSync(0, "utf8")).Replace ?? [])
            if (r.New.Version) console.log(`${r.Old.Path}${r.Old.Version ? "@" + r.Old.Version : ""}=${r.New.Path}@${r.New.Version}`);'); do
        go mod edit -replace="$r"
    done
    cp -r "$root/tools/sim/language-nodejs" cmd/pulumi-language-nodejs
    cp -r "$root/tools/sim/random-standin" cmd/pulumi-resource-random
    printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"\n' >tools.go
    go mod edit -require="github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION" -require="github.com/pulumi/pulumi/sdk/v3@$PULUMI_VERSION"
    wrapper_go mod tidy
    local v=github.com/pulumi/pulumi/sdk/v3/go/common/version.Version random
    wrapper_go build -trimpath -tags osusergo,grpcnotrace -ldflags "-s -w -X $v=$PULUMI_VERSION" -o out/ \
        github.com/pulumi/pulumi/pkg/v3/cmd/pulumi ./cmd/pulumi-language-nodejs
    # The project's own Go code is vetted and tested before it is used (with the build's flags, so
    # that the packages compiled for the build are reused).
    wrapper_go vet -tags osusergo,grpcnotrace ./cmd/...
    wrapper_go test -trimpath -tags osusergo,grpcnotrace ./cmd/...
    random=$(node -p 'require(process.argv[1]).packages["node_modules/@pulumi/random"].version' "$root/package-lock.json")
    wrapper_go build -trimpath -tags osusergo,grpcnotrace -ldflags "-s -w -X main.version=$random" -o out/ ./cmd/pulumi-resource-random
    install -m 0755 "$root/tools/sim/pulumi-resource-pulumi-nodejs" out/
    mv -f out/* "$BIN/"
}

build_yaml() {
    # pulumi-language-yaml from its own module and its own pulumi pkg/sdk (v1.25.0 does not build
    # against pkg/v3 v3.259.0), as `go install` builds a released command.
    GOFLAGS= GOBIN="$TC/src/yaml-out" go install -trimpath -tags osusergo,grpcnotrace \
        -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=$PULUMI_YAML_VERSION" \
        "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@$PULUMI_YAML_VERSION"
    mv -f "$TC/src/yaml-out"/* "$BIN/"
}

build_provider() {
    # github.com/pulumi/pulumi-kubernetes/provider/v4 at the v4.25.0 commit: its //go:embed inputs
    # (schema-embed.json, terraform-mapping-embed.json) are gitignored upstream and made by its
    # generate.go from the committed schema.json and terraform-mapping.json: the same here,
    # compacted with node, the version set as `VERSION=... go run generate.go` sets it.
    local m=github.com/pulumi/pulumi-kubernetes/provider/v4 dir w=$TC/src/k8s-provider
    dir=$(wrapper_go mod download -json "$m@$PULUMI_KUBERNETES_PSEUDO" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
    rm -rf "$w" && cp -r "$dir" "$w" && chmod -R u+w "$w" && cd "$w"
    # ../sdk is not in the module zip: the published SDK module instead.
    go mod edit -dropreplace=github.com/pulumi/pulumi-kubernetes/sdk/v4
    (cd cmd/pulumi-resource-kubernetes && node -e '
        const fs = require("fs");
        const schema = JSON.parse(fs.readFileSync("schema.json", "utf8"));
        schema.version = process.argv[1];
        fs.writeFileSync("schema-embed.json", JSON.stringify(schema));
        fs.writeFileSync("terraform-mapping-embed.json", JSON.stringify(JSON.parse(fs.readFileSync("terraform-mapping.json", "utf8"))));
    ' "$PULUMI_KUBERNETES_VERSION")
    mkdir -p out
    wrapper_go build -trimpath -ldflags "-s -w -X $m/pkg/version.Version=$PULUMI_KUBERNETES_VERSION" \
        -o out/pulumi-resource-kubernetes ./cmd/pulumi-resource-kubernetes
    mv -f out/pulumi-resource-kubernetes "$BIN/"
}

# --- what to build -------------------------------------------------------------------------------

# name | binaries it leaves in $BIN | extra inputs of its stamp (files under the project root)
targets=("kwok|kwokctl|")
if [ "$SPARK_S3_SIM_KUBE" = build ]; then
    targets[0]="kwok|kwokctl kwok|"
    targets+=("kube|kube-apiserver kube-controller-manager kube-scheduler kubectl|" "etcd|etcd|")
fi
if [ "$SPARK_S3_SIM_PULUMI" = build ]; then
    targets+=(
        "pulumi|pulumi pulumi-language-nodejs pulumi-resource-random pulumi-resource-pulumi-nodejs|tools/sim/language-nodejs tools/sim/random-standin tools/sim/pulumi-resource-pulumi-nodejs package-lock.json"
        "provider|pulumi-resource-kubernetes|"
        "yaml|pulumi-language-yaml|"
    )
fi

stamp_of() { # name, extra inputs: what the build depends on, hashed
    {
        go version
        echo "$SPARK_S3_SIM_KUBE"
        cat "$root/tools/sim/versions.sh"
        declare -f "build_$1" wrapper_go
        local f
        for f in $2; do find "$root/$f" -type f | sort | xargs cat; done
    } | sha256sum | cut -c1-16
}

# One build at a time per toolchain folder (two e2e runs may start together).
exec 9>"$TC/.lock"
if ! flock -n 9; then
    say "another build of $TC is running: waiting for it"
    flock 9
fi

pids=()
names=()
for t in "${targets[@]}"; do
    IFS='|' read -r name bins extra <<<"$t"
    # SIM_ONLY="pulumi etcd": only these targets (while working on a build step).
    [ -z "${SIM_ONLY:-}" ] || [[ " $SIM_ONLY " == *" $name "* ]] || continue
    want=$(stamp_of "$name" "$extra")
    missing=""
    for b in $bins; do [ -x "$BIN/$b" ] || missing="$missing $b"; done
    if [ -z "$missing" ] && [ "$want" = "$(cat "$TC/stamps/$name" 2>/dev/null || true)" ]; then
        continue
    fi
    say "$name: building (${missing:+missing:$missing; }log: $TC/logs/$name.log)"
    (
        set -e
        "build_$name"
        echo "$want" >"$TC/stamps/$name"
    ) >"$TC/logs/$name.log" 2>&1 &
    pids+=($!)
    names+=("$name")
done

if [ ${#pids[@]} -gt 0 ]; then
    start=$(date +%s)
    while :; do
        running=""
        for i in "${!pids[@]}"; do kill -0 "${pids[$i]}" 2>/dev/null && running="$running ${names[$i]}"; done
        [ -z "$running" ] && break
        for _ in $(seq 1 60); do
            sleep 1
            still=0
            for i in "${!pids[@]}"; do kill -0 "${pids[$i]}" 2>/dev/null && still=1; done
            [ $still = 1 ] || break
        done
        [ $still = 1 ] && say "$(($(date +%s) - start)) s, still building:$running"
    done
    failed=0
    for i in "${!pids[@]}"; do
        if wait "${pids[$i]}"; then
            say "${names[$i]}: built"
        else
            failed=1
            say "${names[$i]}: FAILED; the end of its log ($TC/logs/${names[$i]}.log):"
            tail -n 30 "$TC/logs/${names[$i]}.log" >&2
        fi
    done
    say "built in $(($(date +%s) - start)) s"
    [ $failed = 0 ] || exit 1
fi
flock -u 9

kubectl_bin=$BIN/kubectl
if [ "$SPARK_S3_SIM_KUBE" = download ]; then
    kubectl_bin=$(command -v kubectl || true)
    [ -n "$kubectl_bin" ] || sim_die "kubectl is required on PATH (https://kubernetes.io/docs/tasks/tools/), or SPARK_S3_SIM_KUBE=build to build it"
fi
if [ "$SPARK_S3_SIM_PULUMI" = build ]; then
    pulumi_cli=$BIN/pulumi
else
    pulumi_cli=$(installed_pulumi)
fi
[ $env_only = 1 ] || say "ready in $BIN (control plane: $SPARK_S3_SIM_KUBE; Pulumi: $SPARK_S3_SIM_PULUMI, $pulumi_cli)"
if [ $env_only = 1 ]; then
    printf 'export SPARK_S3_SIM_KUBE=%q SPARK_S3_SIM_PULUMI=%q\n' "$SPARK_S3_SIM_KUBE" "$SPARK_S3_SIM_PULUMI"
    printf 'export SIM_TOOLCHAIN_BIN=%q SIM_KWOKCTL=%q SIM_KUBECTL=%q SIM_PULUMI_CLI=%q\n' "$BIN" "$BIN/kwokctl" "$kubectl_bin" "$pulumi_cli"
fi
