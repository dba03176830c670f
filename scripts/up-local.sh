#!/usr/bin/env bash
# One command for the quick start: `pulumi up` of the `local` stack on the current kubeconfig
# context (kind, minikube, Docker Desktop), state in a local file backend, policy pack on.
# Needs: Node 20, kubectl and a reachable cluster in the current kubeconfig context, internet for
# images and charts. The npm package `pulumi` fetches the Pulumi CLI on first use.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
say() { echo "[up-local] $*"; }
fail() {
    echo "[up-local] $*" >&2
    exit 1
}

# A cluster first: nothing else is worth downloading without one.
command -v kubectl >/dev/null || fail "kubectl is not on PATH: install it (https://kubernetes.io/docs/tasks/tools/) and create a cluster, e.g. 'kind create cluster'"
context=$(kubectl config current-context 2>/dev/null) ||
    fail "kubectl has no current context (KUBECONFIG=${KUBECONFIG:-~/.kube/config}): create a cluster ('kind create cluster', 'minikube start') or 'kubectl config use-context <name>'"
kubectl version --request-timeout=10s >/dev/null 2>&1 ||
    fail "the cluster of context '$context' does not answer (kubectl version failed): start it, or choose another context with 'kubectl config use-context <name>'"
say "kubeconfig context: $context"

[ -d node_modules ] || npm ci --no-audit --no-fund
[ -d policy/node_modules ] || npm ci --prefix policy --no-audit --no-fund
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$HOME/.pulumi-spark-s3}"
# Pulumi.local.yaml carries the salt of the empty passphrase (so `stack init` leaves it unchanged).
export PULUMI_CONFIG_PASSPHRASE=""
mkdir -p "${PULUMI_BACKEND_URL#file://}"
npx pulumi stack select --create local
npx pulumi up --yes --stack local --policy-pack ./policy --policy-pack-config ./policy/config/local.json "$@"
npx pulumi stack output --stack local
