#!/usr/bin/env bash
# Upstream sources the tests and tools read, by version and pin, in a cache of the project's own.
#
#   bash scripts/upstream.sh <name>       prints the directory of the verified tree
#   bash scripts/upstream.sh --list       prints every pin
#
# Each pin names the upstream repository, its tag, and the git tree id of that tag. A tree comes
# from the offline mirror when SPARK_S3_MIRROR names a folder that holds its bundle, else from a
# shallow clone of the upstream tag; either way it is verified by its tree id (the same for both)
# before it is used, and cached in ${SPARK_S3_CACHE:-.cache}/upstream/<name>-<tag>/. Nothing
# upstream is committed to this repository.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${SPARK_S3_CACHE:-$root/.cache}/upstream"

# name | tag | upstream URL | tree id of the tag | mirror bundle (file in $SPARK_S3_MIRROR) | branch in the bundle
PINS=(
    # kubeflow/spark-operator v2.5.2 (commit 43afb8bbd32463037d8fb6e414e252c69081882b): the Helm
    # chart (charts/spark-operator-chart: values.yaml, CRDs) and the controller's source (cmd/operator).
    "spark-operator|v2.5.2|https://github.com/kubeflow/spark-operator|cd38360f018d0d4e3195a69052f53ff241c17648|kubeflow-spark-operator-v2.5.2.bundle|mirror-v2.5.2"
)

die() {
    echo "upstream: $*" >&2
    exit 2
}

pin_of() {
    local p
    for p in "${PINS[@]}"; do
        [ "${p%%|*}" = "$1" ] && { echo "$p"; return 0; }
    done
    return 1
}

if [ "${1:-}" = "--list" ]; then
    printf '%s\n' "${PINS[@]}"
    exit 0
fi
[ $# -eq 1 ] || die "usage: bash scripts/upstream.sh <name> | --list"
pin=$(pin_of "$1") || die "no pin named '$1' (known: $(printf '%s ' "${PINS[@]%%|*}"))"
IFS='|' read -r name tag url tree bundle branch <<<"$pin"
dir="$cache/$name-$tag"

# Fast path: verified before (the stamp is written only after the tree id matched).
if [ "$(cat "$dir/.upstream-tree" 2>/dev/null || true)" = "$tree" ] && [ -d "$dir/src" ]; then
    echo "$dir/src"
    exit 0
fi

command -v git >/dev/null || die "git is required to fetch $name $tag"
mkdir -p "$cache"
tmp=$(mktemp -d "$cache/.$name-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

from=""
if [ -n "${SPARK_S3_MIRROR:-}" ] && [ -f "$SPARK_S3_MIRROR/$bundle" ]; then
    if git clone -q --branch "$branch" "$SPARK_S3_MIRROR/$bundle" "$tmp/src" 2>"$tmp/err"; then
        from="the mirror ($SPARK_S3_MIRROR/$bundle)"
    else
        echo "upstream: the mirror's bundle did not clone: $(cat "$tmp/err")" >&2
        rm -rf "$tmp/src"
    fi
fi
if [ -z "$from" ]; then
    echo "upstream: fetching $name $tag from $url ..." >&2
    if GIT_TERMINAL_PROMPT=0 timeout "${UPSTREAM_CLONE_TIMEOUT:-300}" \
        git clone -q --depth 1 --branch "$tag" "$url" "$tmp/src" 2>"$tmp/err"; then
        from="$url"
    else
        {
            echo "upstream: cannot get $name $tag: $(tail -n 1 "$tmp/err")"
            echo "  upstream: git clone --depth 1 --branch $tag $url"
            if [ -n "${SPARK_S3_MIRROR:-}" ]; then
                echo "  mirror:   SPARK_S3_MIRROR=$SPARK_S3_MIRROR has no $bundle"
            else
                echo "  offline:  set SPARK_S3_MIRROR to a folder that holds $bundle (a git bundle of that tag)"
            fi
        } >&2
        exit 2
    fi
fi

got=$(git -C "$tmp/src" rev-parse 'HEAD^{tree}')
[ "$got" = "$tree" ] || die "$name $tag from $from has tree $got, the pin is $tree: not used"
rm -rf "$dir"
mkdir -p "$dir"
mv "$tmp/src" "$dir/src"
echo "$tree" >"$dir/.upstream-tree"
echo "upstream: $name $tag (tree $tree) from $from in $dir/src" >&2
echo "$dir/src"
