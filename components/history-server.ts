import * as crypto from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HISTORY_PORT, HISTORY_SERVICE, HISTORY_SERVICE_ACCOUNT, driverPodMonitorSpec, historyConf, propertiesFile } from "./observability";
import { keyPairEnv } from "./s3-credentials";
import type { PodAdditions } from "./spark-job";

/**
 * The Spark History Server on the jobs' event logs, and the drivers' PodMonitor. What they read
 * and set (event log and metrics conf, the reader's policy) is in observability.ts.
 */

/** How the History Server reaches the store: its own key, or (AWS on EKS) its own role. */
export interface HistoryAccess {
    /** Secret with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY; absent with a pod identity. */
    credentialsSecret?: pulumi.Input<string>;
    /** Service account annotations (irsa: the role ARN). */
    serviceAccountAnnotations?: pulumi.Input<Record<string, string>>;
    /** Whether that identity may delete event logs (then the cleaner runs). */
    canDelete: boolean;
}

export interface HistoryServerArgs {
    namespace: pulumi.Input<string>;
    /** The same Spark image as the jobs. */
    image: string;
    /** The jobs' rendered sparkConf (the endpoint and credential keys are taken from it). */
    jobConf: pulumi.Input<Record<string, string>>;
    eventLogDir: pulumi.Input<string>;
    retentionDays: number;
    access: HistoryAccess;
    /** The S3 CA's truststore (s3CaBundle), as the Spark pods get it. */
    trust?: PodAdditions;
    javaOptions?: string;
    resources: { cpu: string; memory: string };
}

/**
 * A Spark History Server on the event logs: the jobs' image running
 * org.apache.spark.deploy.history.HistoryServer through spark-submit (so a stock image resolves
 * the hadoop-aws package as the jobs do), a ConfigMap with its spark-defaults.conf, its own
 * service account and read key, a Deployment (non-root, read-only root file system, probes on the
 * REST API) and a Service.
 */
export class HistoryServer extends pulumi.ComponentResource {
    readonly serviceName: pulumi.Output<string>;
    readonly url: pulumi.Output<string>;
    readonly portForward: pulumi.Output<string>;

    constructor(name: string, args: HistoryServerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark-s3:history:HistoryServer", name, {}, opts);
        const labels = { "app.kubernetes.io/name": "spark-history", "app.kubernetes.io/part-of": "spark-s3" };
        const conf = pulumi.all([args.jobConf, args.eventLogDir]).apply(([jobConf, dir]) =>
            propertiesFile(
                historyConf({
                    jobConf,
                    eventLogDir: dir,
                    retentionDays: args.retentionDays,
                    cleaner: args.access.canDelete,
                    javaOptions: args.javaOptions,
                }),
            ),
        );
        const configMap = new k8s.core.v1.ConfigMap(
            `${name}-conf`,
            { metadata: { namespace: args.namespace, labels }, data: { "spark-defaults.conf": conf } },
            { parent: this },
        );
        const sa = new k8s.core.v1.ServiceAccount(
            `${name}-sa`,
            {
                metadata: {
                    name: HISTORY_SERVICE_ACCOUNT,
                    namespace: args.namespace,
                    labels,
                    annotations: args.access.serviceAccountAnnotations,
                },
                // It never calls the Kubernetes API: no token, except where an EKS identity reads the pod's tokens.
                automountServiceAccountToken: args.access.credentialsSecret === undefined,
            },
            { parent: this },
        );
        const probe = (extra: object) => ({ httpGet: { path: "/api/v1/version", port: "http" }, ...extra });
        const deployment = new k8s.apps.v1.Deployment(
            `${name}-server`,
            {
                metadata: { name: HISTORY_SERVICE, namespace: args.namespace, labels },
                spec: {
                    replicas: 1,
                    selector: { matchLabels: labels },
                    template: {
                        // A new conf rolls the pod.
                        metadata: { labels, annotations: { "spark-s3/conf-hash": conf.apply(hash) } },
                        spec: {
                            serviceAccountName: sa.metadata.name,
                            securityContext: { runAsNonRoot: true, runAsUser: 185, runAsGroup: 185, fsGroup: 185 },
                            initContainers: args.trust?.initContainers,
                            containers: [
                                {
                                    name: "history-server",
                                    image: args.image,
                                    command: [
                                        "/opt/spark/bin/spark-submit",
                                        "--class",
                                        "org.apache.spark.deploy.history.HistoryServer",
                                        "--properties-file",
                                        "/opt/spark/history-conf/spark-defaults.conf",
                                        "spark-internal",
                                    ],
                                    env: [
                                        ...keyPairEnv(args.access.credentialsSecret),
                                        { name: "SPARK_NO_DAEMONIZE", value: "true" },
                                        { name: "HOME", value: "/tmp" },
                                        { name: "SPARK_LOG_DIR", value: "/tmp/spark-logs" },
                                    ],
                                    ports: [{ name: "http", containerPort: HISTORY_PORT }],
                                    // A stock image downloads hadoop-aws at start: allow minutes.
                                    startupProbe: probe({ periodSeconds: 10, failureThreshold: 60 }),
                                    readinessProbe: probe({ periodSeconds: 10 }),
                                    livenessProbe: probe({ periodSeconds: 30, failureThreshold: 4, timeoutSeconds: 5 }),
                                    resources: {
                                        requests: { cpu: args.resources.cpu, memory: args.resources.memory },
                                        limits: { memory: args.resources.memory },
                                    },
                                    securityContext: {
                                        allowPrivilegeEscalation: false,
                                        readOnlyRootFilesystem: true,
                                        capabilities: { drop: ["ALL"] },
                                    },
                                    volumeMounts: [
                                        { name: "conf", mountPath: "/opt/spark/history-conf", readOnly: true },
                                        { name: "tmp", mountPath: "/tmp" },
                                        ...(args.trust?.volumeMounts ?? []),
                                    ],
                                },
                            ],
                            volumes: [
                                { name: "conf", configMap: { name: configMap.metadata.name } },
                                { name: "tmp", emptyDir: { sizeLimit: "2Gi" } },
                                ...(args.trust?.volumes ?? []),
                            ],
                        },
                    },
                },
            },
            { parent: this },
        );
        const service = new k8s.core.v1.Service(
            `${name}-svc`,
            {
                // Readiness is the Deployment's (awaited on its readiness probe). pulumi-kubernetes'
                // Service await (pkg/await/service.go) watches v1 Endpoints and, when no Endpoints
                // object ever appears (a cluster that cannot publish the pod's address, as the
                // loopback pod IPs of kwok), waits its whole 10-minute timeout before succeeding.
                metadata: { name: HISTORY_SERVICE, namespace: args.namespace, labels, annotations: { "pulumi.com/skipAwait": "true" } },
                spec: { selector: labels, ports: [{ name: "http", port: HISTORY_PORT, targetPort: "http" }] },
            },
            { parent: this, dependsOn: [deployment] },
        );
        this.serviceName = service.metadata.name;
        this.url = pulumi.interpolate`http://${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local:${HISTORY_PORT}`;
        this.portForward = pulumi.interpolate`kubectl -n ${service.metadata.namespace} port-forward svc/${service.metadata.name} ${HISTORY_PORT}:${HISTORY_PORT}   # then open http://localhost:${HISTORY_PORT}`;
        this.registerOutputs({ url: this.url, portForward: this.portForward });
    }
}

function hash(s: string): string {
    return crypto.createHash("sha256").update(s).digest("hex").slice(0, 16);
}

export function driverPodMonitor(name: string, namespace: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions) {
    return new k8s.apiextensions.CustomResource(
        name,
        {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "PodMonitor",
            metadata: { name: "spark-drivers", namespace, labels: { "app.kubernetes.io/part-of": "spark-s3" } },
            spec: pulumi.output(namespace).apply(driverPodMonitorSpec),
        },
        opts,
    );
}
