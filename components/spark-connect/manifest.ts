/**
 * The Spark Connect server's Kubernetes objects as plain data (pure; the component of round two
 * of issue 25 hands them to @pulumi/kubernetes): a ConfigMap with the server's spark-defaults.conf
 * (and the executors' pod template), a Deployment of one server pod that runs spark-submit in
 * client mode, and a ClusterIP Service on the Connect port.
 *
 * Why a Deployment and not the operator's SparkConnect resource (v1alpha1, chart 2.5.2; read in
 * kubeflow/spark-operator v2.5.2 `internal/controller/sparkconnect/`):
 * - a conf change must reach the server: the SparkConnect reconciler builds the server pod only
 *   while `pod.CreationTimestamp.IsZero()` (reconciler.go, mutateServerPod), so an updated
 *   SparkConnect leaves the running server on its old conf until someone deletes the pod. Here
 *   the pod template carries a hash of the conf, and a change rolls the server in place;
 * - the conf must arrive intact: the controller joins `--conf key=value` words with spaces into
 *   one `bash -c` string (reconciler.go: `container.Args = []string{strings.Join(args, " ")}`,
 *   options.go sparkConfOption, unquoted), so a value with a space (the CA trust's
 *   `-Djavax.net.ssl.trustStore=... -Djavax.net.ssl.trustStorePassword=...`) splits into stray
 *   arguments and `$` is expanded by the shell. Here the conf is a properties file in a
 *   ConfigMap and the command an argv list;
 * - `pulumi up` awaits a Deployment's rollout on the pod's readiness probe (a TCP probe on the
 *   Connect port, which opens only once the SparkSession is up) and never waits for a
 *   "completion"; the SparkConnect status (`state` Ready/NotReady from the pod's Ready condition,
 *   updateSparkConnectStatus) would need a `pulumi.com/waitFor` and a probe in a template anyway;
 * - no moving part between the program and the pod: the controller (and with webhook.enable, its
 *   validating and mutating webhooks on sparkconnects, failurePolicy Fail by default) must be up
 *   and watching the namespace before a SparkConnect does anything; a Deployment needs only the
 *   cluster's own controllers. The SparkConnect Service also fixes ports 7078/7079/4040/15002 at
 *   creation (mutateServerService).
 * Volumes, secrets and pod templates reach the pods the same way for both: Spark's own conf for
 * executors (spark.kubernetes.executor.volumes.*, .secretKeyRef.*, podTemplateFile), and for the
 * server (the driver in client mode, where Spark applies no driver pod conf) the pod spec, which
 * this module derives from the same conf keys, so the S3A profile stays the one source of both.
 */
import * as crypto from "crypto";
import type * as k8s from "@pulumi/kubernetes";
import { propertiesFile } from "../observability";
import { podTemplate, type PodAdditions } from "../spark-job";
import { CONNECT_PORT, CONNECT_PORT_NAME, CONNECT_SERVER_CLASS, CONNECT_TOKEN_ENV, CONNECT_KEYS } from "./facts";

type Volume = k8s.types.input.core.v1.Volume;
type VolumeMount = k8s.types.input.core.v1.VolumeMount;
type EnvVar = k8s.types.input.core.v1.EnvVar;

export const SERVER_CONTAINER = "spark-connect";
export const CONF_DIR = "/opt/spark/connect-conf";
export const CONF_FILE = "spark-defaults.conf";
export const EXECUTOR_TEMPLATE_FILE = "executor-pod-template.json";
/** Where the server pod sees the executors' pod template (ConnectKubernetes.executorPodTemplateFile). */
export const EXECUTOR_TEMPLATE_PATH = `${CONF_DIR}/${EXECUTOR_TEMPLATE_FILE}`;
export const SPARK_UI_PORT = 4040;
/** The key of the token in its Secret. */
export const TOKEN_KEY = "token";

/**
 * The server's command: spark-submit of the Connect server class with the conf file. The pod's
 * own address and name come from the downward API (Kubernetes expands `$(VAR)` in args): executors
 * connect to the driver at spark.driver.host, and spark.kubernetes.driver.pod.name makes the
 * server pod the executors' owner, so they are deleted with it. The local tests run this argv.
 */
export function serverCommand(sparkHome: string, confFile: string, extraConf: Readonly<Record<string, string>> = {}): string[] {
    return [
        `${sparkHome}/bin/spark-submit`,
        "--class",
        CONNECT_SERVER_CLASS,
        "--properties-file",
        confFile,
        ...Object.entries(extraConf).flatMap(([k, v]) => ["--conf", `${k}=${v}`]),
        "spark-internal",
    ];
}

/** The pod-specific conf of the server in its pod (values expanded by Kubernetes). */
export const POD_CONF = {
    "spark.driver.host": "$(POD_IP)",
    "spark.kubernetes.driver.pod.name": "$(POD_NAME)",
} as const;

/** What the server pod needs from the conf's driver-side Kubernetes keys (Spark ignores them in client mode). */
export interface DriverPodParts {
    volumes: Volume[];
    volumeMounts: VolumeMount[];
    env: EnvVar[];
}

const VOLUME_KEY =
    /^spark\.kubernetes\.driver\.volumes\.(persistentVolumeClaim|emptyDir|hostPath|nfs)\.([^.]+)\.(mount\.path|mount\.readOnly|mount\.subPath|options\.[A-Za-z]+)$/;
const SECRET_KEY_REF = /^spark\.kubernetes\.driver\.secretKeyRef\.(.+)$/;

/**
 * The volumes, mounts and secret env that `spark.kubernetes.driver.*` asks for, as a pod spec
 * (Spark's KubernetesVolumeUtils and DriverKubernetesCredentialsFeatureStep read the same keys
 * in cluster mode). Throws on a driver key it cannot translate, rather than drop it silently.
 */
export function driverPodFromConf(conf: Readonly<Record<string, string>>): DriverPodParts {
    const vols = new Map<string, { type: string; fields: Record<string, string> }>();
    const env: EnvVar[] = [];
    for (const [key, value] of Object.entries(conf).sort(([a], [b]) => a.localeCompare(b))) {
        const v = VOLUME_KEY.exec(key);
        if (v) {
            const [, type, name, field] = v;
            const entry = vols.get(name) ?? { type, fields: {} };
            if (entry.type !== type) throw new Error(`${key}: volume "${name}" is declared as ${entry.type} and ${type}`);
            entry.fields[field] = value;
            vols.set(name, entry);
            continue;
        }
        const s = SECRET_KEY_REF.exec(key);
        if (s) {
            const [secret, secretKey] = value.split(":");
            if (!secret || !secretKey) throw new Error(`${key} must be <secret>:<key>, got "${value}"`);
            env.push({ name: s[1], valueFrom: { secretKeyRef: { name: secret, key: secretKey } } });
            continue;
        }
        if (key.startsWith("spark.kubernetes.driver.volumes.") || key.startsWith("spark.kubernetes.driver.secrets.")) {
            throw new Error(
                `${key}: the Connect server cannot mount this (supported: persistentVolumeClaim, emptyDir, hostPath, nfs volumes and secretKeyRef env)`,
            );
        }
    }
    const volumes: Volume[] = [];
    const volumeMounts: VolumeMount[] = [];
    for (const [name, { type, fields }] of vols) {
        const path = fields["mount.path"];
        if (!path) throw new Error(`spark.kubernetes.driver.volumes.${type}.${name}.mount.path is missing`);
        volumeMounts.push({
            name,
            mountPath: path,
            readOnly: fields["mount.readOnly"] === "true",
            ...(fields["mount.subPath"] ? { subPath: fields["mount.subPath"] } : {}),
        });
        const opt = (o: string) => fields[`options.${o}`];
        if (type === "persistentVolumeClaim") volumes.push({ name, persistentVolumeClaim: { claimName: opt("claimName") } });
        else if (type === "emptyDir")
            volumes.push({
                name,
                emptyDir: {
                    ...(opt("sizeLimit") ? { sizeLimit: opt("sizeLimit") } : {}),
                    ...(opt("medium") ? { medium: opt("medium") } : {}),
                },
            });
        else if (type === "hostPath")
            volumes.push({ name, hostPath: { path: opt("path"), ...(opt("type") ? { type: opt("type") } : {}) } });
        else volumes.push({ name, nfs: { server: opt("server"), path: opt("path"), readOnly: opt("readOnly") === "true" } });
    }
    return { volumes, volumeMounts, env };
}

/** A Java properties file (Properties.load: `\` escapes, so it is escaped), sorted by key. */
export function propertiesText(conf: Readonly<Record<string, string>>): string {
    const esc = (s: string) =>
        s
            .replace(/\\/g, "\\\\")
            .replace(/\n/g, "\\n")
            .replace(/\r/g, "\\r")
            .replace(/^\s/, (c) => `\\${c}`);
    const escaped = Object.fromEntries(Object.entries(conf).map(([k, v]) => [k.replace(/[\\\s:=#!]/g, (c) => `\\${c}`), esc(v)]));
    return propertiesFile(escaped);
}

/** The ConfigMap's data: the server's conf and, where executors need more than conf, their pod template. */
export function connectConfigData(conf: Readonly<Record<string, string>>, executorPod?: PodAdditions): Record<string, string> {
    const template = podTemplate("spark-kubernetes-executor", executorPod);
    return {
        [CONF_FILE]: propertiesText(conf),
        ...(template ? { [EXECUTOR_TEMPLATE_FILE]: JSON.stringify(template, null, 1) + "\n" } : {}),
    };
}

/** Kubernetes quantity of a JVM size ("2g" -> 2048 MiB). */
export function mebibytes(size: string): number {
    const m = /^(\d+)([kmgt])$/i.exec(size);
    if (!m) throw new Error(`not a JVM memory size: "${size}" (e.g. 2g)`);
    const n = Number(m[1]);
    return { k: n / 1024, m: n, g: n * 1024, t: n * 1024 * 1024 }[m[2].toLowerCase() as "k" | "m" | "g" | "t"];
}

/** The server container's memory: the heap plus Spark's own driver overhead rule, max(10%, 384 MiB). */
export function serverContainerMemory(heap: string): string {
    const mib = mebibytes(heap);
    return `${Math.ceil(mib + Math.max(0.1 * mib, 384))}Mi`;
}

export interface ConnectServerArgs {
    /** The Deployment, Service and ConfigMap name (a DNS-1035 label). */
    readonly name: string;
    readonly image: string;
    readonly serviceAccount: string;
    /** connectServerConf(...) */
    readonly conf: Readonly<Record<string, string>>;
    readonly configMapName: string;
    readonly tokenSecretName: string;
    /** The S3 CA's truststore (init container, volumes) for the server pod. */
    readonly serverPod?: PodAdditions;
    /** The same for executors, through a pod template file in the ConfigMap (conf: spark.kubernetes.executor.podTemplateFile). */
    readonly executorPod?: PodAdditions;
    readonly labels?: Readonly<Record<string, string>>;
    /** Anything else whose change must restart the server (e.g. a token version): part of the pod's hash. */
    readonly restartOn?: string;
}

export function serverLabels(name: string, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
    return {
        "app.kubernetes.io/name": "spark-connect",
        "app.kubernetes.io/instance": name,
        "app.kubernetes.io/part-of": "spark-s3",
        ...extra,
    };
}

export function confHash(data: Readonly<Record<string, string>>, restartOn = ""): string {
    const h = crypto.createHash("sha256");
    for (const k of Object.keys(data).sort()) h.update(`${k}\0${data[k]}\0`);
    return h.update(restartOn).digest("hex").slice(0, 16);
}

/** The Deployment's spec: one server, replaced (never two at once: sessions live in one server). */
export function connectDeploymentSpec(args: ConnectServerArgs): k8s.types.input.apps.v1.DeploymentSpec {
    const labels = serverLabels(args.name, args.labels);
    const driver = driverPodFromConf(args.conf);
    const data = connectConfigData(args.conf, args.executorPod);
    const templateFile = args.conf["spark.kubernetes.executor.podTemplateFile"];
    if (EXECUTOR_TEMPLATE_FILE in data !== (templateFile === EXECUTOR_TEMPLATE_PATH)) {
        throw new Error(
            `the executors' pod template and spark.kubernetes.executor.podTemplateFile disagree: set it to ${EXECUTOR_TEMPLATE_PATH} exactly when executors need pod additions`,
        );
    }
    const port = Number(args.conf[CONNECT_KEYS.bindingPort] ?? CONNECT_PORT);
    const memory = serverContainerMemory(args.conf["spark.driver.memory"] ?? "1g");
    const tcp = (extra: object) => ({ tcpSocket: { port: CONNECT_PORT_NAME }, ...extra });
    return {
        replicas: 1,
        strategy: { type: "Recreate" },
        selector: { matchLabels: labels },
        template: {
            metadata: { labels, annotations: { "spark-s3.io/conf-hash": confHash(data, args.restartOn) } },
            spec: {
                serviceAccountName: args.serviceAccount,
                securityContext: { runAsNonRoot: true, runAsUser: 185, runAsGroup: 185, fsGroup: 185 },
                initContainers: args.serverPod?.initContainers,
                containers: [
                    {
                        name: SERVER_CONTAINER,
                        image: args.image,
                        command: serverCommand("/opt/spark", `${CONF_DIR}/${CONF_FILE}`, POD_CONF),
                        env: [
                            { name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
                            { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                            { name: CONNECT_TOKEN_ENV, valueFrom: { secretKeyRef: { name: args.tokenSecretName, key: TOKEN_KEY } } },
                            ...driver.env,
                            { name: "HOME", value: "/tmp" },
                        ],
                        ports: [
                            { name: CONNECT_PORT_NAME, containerPort: port },
                            { name: "spark-ui", containerPort: SPARK_UI_PORT },
                        ],
                        // A stock image resolves hadoop-aws at start: allow minutes.
                        startupProbe: tcp({ periodSeconds: 10, failureThreshold: 60 }),
                        readinessProbe: tcp({ periodSeconds: 10 }),
                        livenessProbe: tcp({ periodSeconds: 30, failureThreshold: 4, timeoutSeconds: 5 }),
                        resources: {
                            requests: { cpu: args.conf["spark.driver.cores"] ?? "1", memory },
                            limits: { memory },
                        },
                        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                        volumeMounts: [
                            { name: "conf", mountPath: CONF_DIR, readOnly: true },
                            { name: "tmp", mountPath: "/tmp" },
                            ...driver.volumeMounts,
                            ...(args.serverPod?.volumeMounts ?? []),
                        ],
                    },
                ],
                volumes: [
                    { name: "conf", configMap: { name: args.configMapName } },
                    { name: "tmp", emptyDir: { sizeLimit: "4Gi" } },
                    ...driver.volumes,
                    ...(args.serverPod?.volumes ?? []),
                ],
            },
        },
    };
}

/** The ClusterIP Service: the Connect port and the UI (metrics). */
export function connectServiceSpec(args: Pick<ConnectServerArgs, "name" | "labels" | "conf">): k8s.types.input.core.v1.ServiceSpec {
    const port = Number(args.conf[CONNECT_KEYS.bindingPort] ?? CONNECT_PORT);
    return {
        type: "ClusterIP",
        selector: serverLabels(args.name, args.labels),
        ports: [
            { name: CONNECT_PORT_NAME, port, targetPort: CONNECT_PORT_NAME, appProtocol: "grpc" },
            { name: "spark-ui", port: SPARK_UI_PORT, targetPort: "spark-ui" },
        ],
    };
}

/**
 * How a user reaches the server from a laptop: the port-forward, then the connection string to
 * `localhost` (the only host the pyspark client sends a token to without TLS, see facts.ts).
 */
export function portForwardCommand(namespace: string, service: string, port = CONNECT_PORT): string {
    return `kubectl -n ${namespace} port-forward svc/${service} ${port}:${port}`;
}

export function connectionString(token: string, port = CONNECT_PORT): string {
    return `sc://localhost:${port}/;token=${token}`;
}

/** The two-line pyspark example (the token from the environment, never on the command line). */
export function clientExample(port = CONNECT_PORT): string {
    return [
        "from pyspark.sql import SparkSession",
        `spark = SparkSession.builder.remote("sc://localhost:${port}").getOrCreate()  # token: $${CONNECT_TOKEN_ENV}`,
    ].join("\n");
}
