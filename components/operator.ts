import * as fs from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { dnsLabel, fitDnsLabel } from "./config/checks";
import { spec, type Reader } from "./config/reader";
import { mirroredRegistry } from "./images";

/**
 * kubeflow spark-operator chart (https://kubeflow.github.io/spark-operator). 2.5.2 is the
 * release whose values.yaml and CRD are in shared/contracts/spark-operator-2.5.2/ (the contract
 * tests read them); its controller submits with Spark 4.0.4.
 */
export const OPERATOR_CHART = {
    repo: "https://kubeflow.github.io/spark-operator",
    chart: "spark-operator",
    version: "2.5.2",
} as const;

/**
 * Label on every job namespace the program creates; the operator this program installs also
 * watches namespaces that carry it, so review stacks' namespaces need no operator reinstall.
 */
export const JOB_NAMESPACE_LABEL = { key: "spark-s3.io/spark-jobs", value: "enabled" } as const;

/** Fixed Helm release name: without it Pulumi appends a random suffix to every chart name. */
export const OPERATOR_RELEASE_NAME = "spark-operator";

/** The registry of the chart's images (values.yaml `image.registry`, `hook.image.registry`). */
export const OPERATOR_IMAGE_REGISTRY = "ghcr.io";

/**
 * Where the chart comes from (config `operatorChart`): the public repository or a mirror of it
 * (an https Helm repository), an OCI registry (`oci://.../spark-operator`), or a local chart
 * (a directory or .tgz, for air-gapped clusters).
 */
export type ChartSource =
    | { readonly kind: "repo"; readonly repo: string }
    | { readonly kind: "oci"; readonly ref: string }
    | { readonly kind: "path"; readonly path: string };

/** The Release's chart arguments for a source (the version is pinned except for a local chart, whose Chart.yaml the config check reads). */
export function chartArgs(source: ChartSource): Pick<k8s.helm.v3.ReleaseArgs, "chart" | "version" | "repositoryOpts"> {
    switch (source.kind) {
        case "repo":
            return { chart: OPERATOR_CHART.chart, version: OPERATOR_CHART.version, repositoryOpts: { repo: source.repo } };
        case "oci":
            return { chart: source.ref, version: OPERATOR_CHART.version };
        case "path":
            return { chart: source.path };
    }
}

/**
 * operatorChart: an https Helm repository (the public one or a mirror), an OCI chart reference,
 * or a local chart (directory or .tgz, relative to the project). A local directory must be the
 * pinned chart version: its Chart.yaml is read now, so a wrong chart fails at preview.
 */
export function parseChartSource(value: string, baseDir: string): { source?: ChartSource; problem?: string } {
    if (/^https?:\/\//i.test(value)) {
        try {
            new URL(value);
        } catch {
            return { problem: `"${value}" is not a valid repository URL` };
        }
        return { source: { kind: "repo", repo: value.replace(/\/+$/, "") } };
    }
    if (value.startsWith("oci://")) {
        if (!/^oci:\/\/[^\s/]+\/\S+$/.test(value))
            return { problem: `"${value}" is not an OCI chart reference (oci://host/path/spark-operator)` };
        return { source: { kind: "oci", ref: value.replace(/\/+$/, "") } };
    }
    if (value === "") return { problem: "is empty: name a Helm repository, an OCI chart or a local chart" };
    const abs = path.resolve(baseDir, value);
    if (!fs.existsSync(abs))
        return { problem: `"${value}" is neither an http(s):// repository, an oci:// chart nor an existing path (looked for ${abs})` };
    if (fs.statSync(abs).isDirectory()) {
        const chartFile = path.join(abs, "Chart.yaml");
        if (!fs.existsSync(chartFile)) return { problem: `${abs} has no Chart.yaml: point at the unpacked chart directory or its .tgz` };
        const text = fs.readFileSync(chartFile, "utf8");
        const name = /^name:\s*"?([^"\s]+)"?\s*$/m.exec(text)?.[1];
        const version = /^version:\s*"?([^"\s]+)"?\s*$/m.exec(text)?.[1];
        if (name !== OPERATOR_CHART.chart || version !== OPERATOR_CHART.version) {
            return {
                problem: `${chartFile} is ${name ?? "?"} ${version ?? "?"}, but the program is built and tested for ${OPERATOR_CHART.chart} ${OPERATOR_CHART.version}`,
            };
        }
    } else if (!/\.(tgz|tar\.gz)$/.test(abs)) {
        return { problem: `${abs} is a file but not a chart archive (.tgz)` };
    }
    return { source: { kind: "path", path: abs } };
}

/** The operator's and the job namespace's config keys (descriptions in Pulumi.yaml). */
export const OPERATOR_KEYS = {
    installOperator: spec({ key: "installOperator", type: "boolean", default: true, example: "true" }),
    operatorChart: spec({
        key: "operatorChart",
        type: "string",
        default: OPERATOR_CHART.repo as string,
        example: `${OPERATOR_CHART.repo} (or oci://registry.example.com/charts/spark-operator, or charts/spark-operator-${OPERATOR_CHART.version}.tgz)`,
    }),
    operatorNamespace: spec({
        key: "operatorNamespace",
        type: "string",
        default: "spark-operator",
        example: "spark-operator",
        check: dnsLabel("namespace"),
    }),
    jobNamespace: spec({
        key: "jobNamespace",
        type: "string",
        default: "spark-jobs",
        example: "spark-${stack}",
        stackExpand: true,
        fit: fitDnsLabel,
        check: dnsLabel("namespace"),
    }),
    sparkServiceAccount: spec({
        key: "sparkServiceAccount",
        type: "string",
        default: "spark",
        example: "spark",
        check: dnsLabel("service account name"),
    }),
} as const;

export interface OperatorSettings {
    readonly install: boolean;
    readonly namespace: string;
    /** Where the spark-operator chart comes from (repository, OCI registry or local chart). */
    readonly chart: ChartSource;
    readonly jobNamespace: string;
    readonly serviceAccount: string;
}

/** The operator's settings; a local chart is read now (relative to the working directory). */
export function readOperatorSettings(r: Reader): OperatorSettings {
    const k = OPERATOR_KEYS;
    const chartValue = r.get(k.operatorChart);
    const chart = parseChartSource(chartValue, process.cwd());
    if (chart.problem) r.failOn(k.operatorChart, chart.problem);
    return {
        install: r.get(k.installOperator),
        namespace: r.get(k.operatorNamespace),
        chart: chart.source ?? { kind: "repo", repo: OPERATOR_CHART.repo },
        jobNamespace: r.get(k.jobNamespace),
        serviceAccount: r.get(k.sparkServiceAccount),
    };
}

export interface SparkOperatorArgs {
    /** false on a shared cluster whose operator already watches `jobNamespace`. */
    install: boolean;
    /** Namespace of the operator release (created when install is true). */
    operatorNamespace: string;
    /** Namespace where SparkApplications, drivers and executors run (always created). */
    jobNamespace: string;
    /** Service account of Spark drivers and executors (always created, with its RBAC). */
    serviceAccountName: string;
    /** Annotations of that service account (IRSA: eks.amazonaws.com/role-arn). */
    serviceAccountAnnotations?: pulumi.Input<Record<string, string>>;
    chart: ChartSource;
    /** Registry mirror for the operator's images ("" for ghcr.io). */
    imageRegistry: string;
    /** The cluster has the Prometheus operator's CRDs: the chart creates the operator's PodMonitor. */
    podMonitor?: boolean;
}

/**
 * Rules the Spark driver needs in its namespace: it creates and deletes executor pods, their
 * services and config maps, and claims on demand (spark.kubernetes docs, "RBAC").
 */
export const SPARK_DRIVER_RULES: k8s.types.input.rbac.v1.PolicyRule[] = [
    {
        apiGroups: [""],
        resources: ["pods", "services", "configmaps", "persistentvolumeclaims"],
        verbs: ["create", "get", "list", "watch", "update", "patch", "delete", "deletecollection"],
    },
];

/** The chart's values, as Pulumi passes them to Helm (keys checked against the chart's values.yaml). */
export function operatorValues(args: Pick<SparkOperatorArgs, "jobNamespace" | "serviceAccountName" | "imageRegistry" | "podMonitor">) {
    const registry = mirroredRegistry(OPERATOR_IMAGE_REGISTRY, args.imageRegistry);
    return {
        image: { registry },
        // Nothing the program deploys needs the mutating webhook: volumes, secrets and the job
        // file reach the pods through Spark's own conf and the driver pod template. Off, it cannot
        // fail admissions, and it would only act in spark.jobNamespaces anyway (its
        // namespaceSelector ignores jobNamespaceSelector in 2.5.2).
        webhook: { enable: false },
        // 2.x key: a list. The 1.x keys sparkJobNamespace(s) are silently ignored by 2.x.
        spark: {
            jobNamespaces: [args.jobNamespace],
            jobNamespaceSelector: `${JOB_NAMESPACE_LABEL.key}=${JOB_NAMESPACE_LABEL.value}`,
            // This component creates the service account and RBAC itself, the same way whether
            // or not it installs the chart, so a shared cluster gets the same driver identity.
            serviceAccount: { create: false, name: args.serviceAccountName },
            rbac: { create: false },
        },
        hook: { upgradeCrd: true, image: { registry } },
        // The controller's own metrics (submissions, running/failed apps, latencies) on :8080/metrics;
        // its PodMonitor only when the Prometheus operator's CRDs exist (the chart fails otherwise).
        prometheus: { metrics: { enable: true }, podMonitor: { create: args.podMonitor ?? false } },
    };
}

/** The Spark operator (optional), the job namespace and the driver's service account and RBAC. */
export class SparkOperator extends pulumi.ComponentResource {
    readonly jobNamespace: pulumi.Output<string>;
    readonly serviceAccountName: pulumi.Output<string>;
    readonly release?: k8s.helm.v3.Release;
    /** Resources a SparkApplication must wait for. */
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: SparkOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark-s3:operator:SparkOperator", name, {}, opts);
        const labels = { "app.kubernetes.io/part-of": "spark-s3" };

        const jobNs = new k8s.core.v1.Namespace(
            `${name}-jobs`,
            { metadata: { name: args.jobNamespace, labels: { ...labels, [JOB_NAMESPACE_LABEL.key]: JOB_NAMESPACE_LABEL.value } } },
            { parent: this },
        );
        const sa = new k8s.core.v1.ServiceAccount(
            `${name}-spark-sa`,
            {
                metadata: {
                    name: args.serviceAccountName,
                    namespace: jobNs.metadata.name,
                    labels,
                    annotations: args.serviceAccountAnnotations,
                },
            },
            { parent: this },
        );
        const role = new k8s.rbac.v1.Role(
            `${name}-spark-role`,
            { metadata: { name: `${args.serviceAccountName}-driver`, namespace: jobNs.metadata.name, labels }, rules: SPARK_DRIVER_RULES },
            { parent: this },
        );
        const binding = new k8s.rbac.v1.RoleBinding(
            `${name}-spark-binding`,
            {
                metadata: { name: `${args.serviceAccountName}-driver`, namespace: jobNs.metadata.name, labels },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
                subjects: [{ kind: "ServiceAccount", name: sa.metadata.name, namespace: jobNs.metadata.name }],
            },
            { parent: this },
        );
        this.ready = [jobNs, sa, role, binding];

        if (args.install) {
            const opNs = new k8s.core.v1.Namespace(
                `${name}-operator`,
                { metadata: { name: args.operatorNamespace, labels } },
                { parent: this },
            );
            this.release = new k8s.helm.v3.Release(
                `${name}-release`,
                {
                    name: OPERATOR_RELEASE_NAME,
                    ...chartArgs(args.chart),
                    namespace: opNs.metadata.name,
                    values: operatorValues(args),
                    atomic: true,
                    cleanupOnFail: true,
                    timeout: 600,
                },
                // Job namespaces must exist before the release (the chart creates RBAC in them).
                { parent: this, dependsOn: [jobNs, sa] },
            );
            this.ready.push(this.release);
        }

        this.jobNamespace = jobNs.metadata.name;
        this.serviceAccountName = sa.metadata.name;
        this.registerOutputs({ jobNamespace: this.jobNamespace, serviceAccountName: this.serviceAccountName });
    }
}
