#!/usr/bin/env bash
# One command for the quick start: `pulumi up` of the `local` stack on the current kubeconfig
# context (kind, minikube, Docker Desktop), state in a local file backend, policy pack on.
# Needs: Node 20, a reachable cluster in the current kubeconfig context, internet for images
# and charts. The npm package `pulumi` fetches the Pulumi CLI on first use.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
[ -d node_modules ] || npm ci --no-audit --no-fund
[ -d policy/node_modules ] || npm ci --prefix policy --no-audit --no-fund
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$HOME/.pulumi-spark-s3}"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-}"
mkdir -p "${PULUMI_BACKEND_URL#file://}"
echo "[up-local] kubeconfig context: $(kubectl config current-context 2>/dev/null || echo '(kubectl not found; Pulumi uses ~/.kube/config)')"
npx pulumi stack select --create local
npx pulumi up --yes --stack local --policy-pack ./policy --policy-pack-config ./policy/config/local.json "$@"
npx pulumi stack output --stack local
