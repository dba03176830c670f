# Shared by scripts/sim-toolchain.sh and scripts/sim-cluster.sh (sourced; needs $root, the
# project's root). Where the toolchain lives and which parts of it are built here.
#
#   SPARK_S3_TOOLCHAIN  the toolchain's folder (default: ${XDG_CACHE_HOME:-~/.cache}/spark-s3/toolchain),
#                       shared by every clone and every run on the machine; builds are serialized.
#   SPARK_S3_SIM_KUBE   download: kwokctl downloads etcd, the control plane and kwok itself
#                       (connected machines); build: the project builds them from the Go module
#                       proxy and hands them to kwokctl. Default: download where dl.k8s.io and
#                       github.com answer, else build.
#   SPARK_S3_SIM_PULUMI installed: the Pulumi CLI on PATH (or PULUMI_CLI) with its distribution's
#                       language hosts, the engine fetching providers as usual; build: the CLI, the
#                       Kubernetes provider, the project's own Node.js language host and random
#                       stand-in, pulumi-language-yaml, from the Go module proxy. Default: installed
#                       where that CLI meets Pulumi.yaml's requiredPulumiVersion, else build.

# shellcheck source=versions.sh
. "$root/tools/sim/versions.sh"

sim_home() {
    echo "${SPARK_S3_TOOLCHAIN:-${XDG_CACHE_HOME:-$HOME/.cache}/spark-s3/toolchain}"
}

sim_die() {
    echo "sim: $*" >&2
    exit 2
}

# version_ge A B: A >= B (dotted versions, an optional leading v).
version_ge() {
    [ "$(printf '%s\n%s\n' "${1#v}" "${2#v}" | sort -V | head -n 1)" = "${2#v}" ]
}

# The minimum of Pulumi.yaml's requiredPulumiVersion (">=X.Y.Z").
required_pulumi() {
    sed -n 's/^requiredPulumiVersion: *"\{0,1\}>= *\([0-9.]*\)"\{0,1\}.*/\1/p' "$root/Pulumi.yaml"
}

# The installed Pulumi CLI: PULUMI_CLI, else the first `pulumi` on PATH outside node_modules
# (npm's `pulumi` package there is a lazy installer that downloads a CLI).
installed_pulumi() {
    if [ -n "${PULUMI_CLI:-}" ]; then
        echo "$PULUMI_CLI"
        return
    fi
    local d
    local IFS=:
    for d in $PATH; do
        case "$d" in */node_modules/*) continue ;; esac
        if [ -x "$d/pulumi" ]; then
            echo "$d/pulumi"
            return 0
        fi
    done
    return 0
}

decide_modes() {
    case "${SPARK_S3_SIM_KUBE:-}" in
    download | build) ;;
    "")
        SPARK_S3_SIM_KUBE=build
        if command -v curl >/dev/null &&
            curl -fsS -o /dev/null --max-time 5 "https://dl.k8s.io/release/$KUBE_VERSION/bin/linux/amd64/kube-apiserver.sha256" 2>/dev/null &&
            curl -fsS -o /dev/null --max-time 5 https://github.com 2>/dev/null; then
            SPARK_S3_SIM_KUBE=download
        fi
        ;;
    *) sim_die "SPARK_S3_SIM_KUBE=$SPARK_S3_SIM_KUBE: use download or build" ;;
    esac
    case "${SPARK_S3_SIM_PULUMI:-}" in
    installed | build) ;;
    "")
        SPARK_S3_SIM_PULUMI=build
        local cli have
        cli=$(installed_pulumi)
        if [ -n "$cli" ] && have=$("$cli" version 2>/dev/null) && version_ge "$have" "$(required_pulumi)"; then
            SPARK_S3_SIM_PULUMI=installed
        fi
        ;;
    *) sim_die "SPARK_S3_SIM_PULUMI=$SPARK_S3_SIM_PULUMI: use installed or build" ;;
    esac
    export SPARK_S3_SIM_KUBE SPARK_S3_SIM_PULUMI
}
