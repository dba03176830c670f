# Versions of the simulated cluster's toolchain: the one place they are named. Sourced by
# scripts/sim-toolchain.sh and scripts/sim-cluster.sh. Every module named here is fetched from
# the Go module proxy and verified by the Go checksum database (go.sum), or, where kwokctl
# downloads a binary itself on a connected machine, from the release named by the same version.

# sigs.k8s.io/kwok: kwokctl (creates and deletes the clusters) and the kwok controller (fake node
# and pod status).
KWOK_VERSION=v0.8.0
# Kubernetes control plane (kube-apiserver, kube-controller-manager, kube-scheduler, kubectl):
# k8s.io/kubernetes at this tag, its staging modules (k8s.io/api, ...) at v0.<minor>.<patch>.
# kwokctl v0.8.0 defaults to 1.36.1 (pkg/consts/consts.go); 1.36.3 is the newest patch here.
KUBE_VERSION=v1.36.3
# go.etcd.io/etcd/server/v3 (its root package is etcd's main).
ETCD_VERSION=v3.6.16
# github.com/pulumi/pulumi/pkg/v3 and sdk/v3: the CLI, and the SDK the project's own language
# host and random stand-in are built with.
PULUMI_VERSION=v3.259.0
# github.com/pulumi/pulumi-kubernetes/provider/v4 has no release tags on the proxy: this
# pseudo-version is the commit of tag v4.25.0.
PULUMI_KUBERNETES_VERSION=4.25.0
PULUMI_KUBERNETES_PSEUDO=v4.0.0-20260115033456-f47bc2d6f199
# github.com/pulumi/pulumi-yaml: pulumi-language-yaml (YAML programs).
PULUMI_YAML_VERSION=v1.25.0
