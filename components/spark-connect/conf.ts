/**
 * The Spark Connect server's sparkConf (pure): the platform's job conf (the S3A profile, its
 * Kubernetes volumes and secrets, the event log and metrics) plus what a long-running server adds:
 * its port, the Kubernetes client-mode keys, dynamic allocation bounds and the idle policy.
 *
 * Every session on the server writes through the platform's S3A committer: the committer keys are
 * the platform's own, and user overrides go through the same pack checks (checkSparkConf) as a
 * SparkApplication's. The pre-shared token is never in here (see CONNECT_TOKEN_CONF).
 */
import type { SparkRuntime } from "../../policy/s3a/versions";
import { ALLOCATION_KEYS, CONNECT_KEYS, CONNECT_PORT, CONNECT_TOKEN_CONF, CONNECT_TOKEN_ENV, connectSupport } from "./facts";

/**
 * What a stack chooses for its server (stack config `spark-s3:connect`, validated in round two of
 * issue 25 with the same names; errors here name them too).
 */
export interface ConnectSettings {
    /** spark.app.name: how the History Server and the UI list the server. */
    readonly appName: string;
    /** The server (the sessions' driver): JVM heap (spark.driver.memory) and cores. */
    readonly serverCores: number;
    readonly serverMemory: string;
    readonly executorCores: number;
    readonly executorMemory: string;
    /** Dynamic allocation bounds: executors come and go with the sessions' work. */
    readonly minExecutors: number;
    readonly maxExecutors: number;
    /** Executors at start; default minExecutors. */
    readonly initialExecutors?: number;
    /** An executor with no task (and no cached or shuffle data) for this long is released. */
    readonly executorIdleTimeout: string;
    /**
     * An executor that holds cached blocks or shuffle files is released after this long without a
     * task. Spark's defaults keep such executors for ever (cachedExecutorIdleTimeout infinity,
     * shuffleTracking.timeout infinity): one notebook's `.cache()` would pin them.
     */
    readonly dataIdleTimeout: string;
    /** A session with no RPC for this long is closed, with its temp views and cache (-1: never). */
    readonly sessionIdleTimeout: string;
    /** The Connect port (gRPC). */
    readonly port?: number;
}

export const DEFAULT_CONNECT_SETTINGS: Omit<ConnectSettings, "appName"> = {
    serverCores: 1,
    serverMemory: "2g",
    executorCores: 1,
    executorMemory: "2g",
    minExecutors: 0,
    maxExecutors: 4,
    executorIdleTimeout: "60s",
    dataIdleTimeout: "30min",
    sessionIdleTimeout: "60m",
};

/** Where the server runs on Kubernetes (absent: a local run, the tests' `--master local[n]`). */
export interface ConnectKubernetes {
    readonly namespace: string;
    /** The executors' image (the server's own is the Deployment's). */
    readonly image: string;
    /** Executors run as the platform's Spark service account (their S3 identity on EKS). */
    readonly serviceAccount: string;
    /** Executor pod names start with this (a DNS label). */
    readonly podNamePrefix: string;
    /** Labels on every executor pod. */
    readonly executorLabels: Readonly<Record<string, string>>;
    /** A pod template file in the server's pod (what Spark's conf cannot say: the CA's init container). */
    readonly executorPodTemplateFile?: string;
}

export interface ConnectConfArgs {
    /** The platform's rendered job conf (sparkConfFor + observabilityConf + the stack's overrides). */
    readonly platformConf: Readonly<Record<string, string>>;
    readonly runtime: SparkRuntime;
    readonly settings: ConnectSettings;
    readonly kubernetes?: ConnectKubernetes;
    /** The server's own additions and overrides; applied last, checked like the platform's. */
    readonly overrides?: Readonly<Record<string, string>>;
}

/** The in-cluster API server (spark.master of a client-mode driver in a pod). */
export const IN_CLUSTER_MASTER = "k8s://https://kubernetes.default.svc";
/** Fixed driver ports, so a NetworkPolicy can name them (executors connect to them). */
export const DRIVER_PORT = 7078;
export const BLOCK_MANAGER_PORT = 7079;

/** Spark time strings (JavaUtils.timeStringAs): a number and a unit. */
const TIME = /^\d+(us|ms|s|m|min|h|d)$/;
const MEMORY = /^\d+[kmgt]$/i;

function settingError(field: string, problem: string, example: string): Error {
    return new Error(`spark-s3:connect.${field} ${problem}; e.g. ${example}`);
}

/** Throws, naming the setting, where a value cannot work. */
export function validateConnectSettings(s: ConnectSettings): void {
    const int = (field: keyof ConnectSettings, v: number | undefined, min: number, example: string) => {
        if (v !== undefined && (!Number.isInteger(v) || v < min)) {
            throw settingError(field, `must be an integer >= ${min}, got ${v}`, example);
        }
    };
    int("serverCores", s.serverCores, 1, "serverCores: 1");
    int("executorCores", s.executorCores, 1, "executorCores: 1");
    int("minExecutors", s.minExecutors, 0, "minExecutors: 0");
    int("maxExecutors", s.maxExecutors, 1, "maxExecutors: 4");
    int("initialExecutors", s.initialExecutors, 0, "initialExecutors: 1");
    int("port", s.port, 1, `port: ${CONNECT_PORT}`);
    if (s.port !== undefined && s.port > 65535) throw settingError("port", `must be a TCP port, got ${s.port}`, `port: ${CONNECT_PORT}`);
    if (s.minExecutors > s.maxExecutors) {
        throw settingError(
            "minExecutors",
            `(${s.minExecutors}) must not exceed maxExecutors (${s.maxExecutors})`,
            "minExecutors: 0, maxExecutors: 4",
        );
    }
    const initial = s.initialExecutors ?? s.minExecutors;
    if (initial < s.minExecutors || initial > s.maxExecutors) {
        throw settingError("initialExecutors", `(${initial}) must lie between minExecutors and maxExecutors`, "initialExecutors: 1");
    }
    for (const field of ["serverMemory", "executorMemory"] as const) {
        if (!MEMORY.test(s[field])) throw settingError(field, `must be a JVM memory size, got "${s[field]}"`, `${field}: 2g`);
    }
    for (const field of ["executorIdleTimeout", "dataIdleTimeout"] as const) {
        if (!TIME.test(s[field])) throw settingError(field, `must be a Spark duration, got "${s[field]}"`, `${field}: 60s`);
    }
    if (s.sessionIdleTimeout !== "-1" && !TIME.test(s.sessionIdleTimeout)) {
        throw settingError(
            "sessionIdleTimeout",
            `must be a Spark duration or -1 (never), got "${s.sessionIdleTimeout}"`,
            "sessionIdleTimeout: 60m",
        );
    }
    if (!/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/.test(s.appName)) {
        throw settingError("appName", `must be letters, digits, ' ', '.', '_' or '-', got "${s.appName}"`, "appName: spark-connect-dev");
    }
}

/**
 * The server's complete sparkConf. Throws where the Spark row cannot authenticate clients (3.5:
 * no token, see facts.ts) and where any conf holds the token.
 */
export function connectServerConf(args: ConnectConfArgs): Record<string, string> {
    const support = connectSupport(args.runtime);
    if (!support.token) {
        throw new Error(
            `spark-s3:connect needs a Spark that authenticates its clients: Spark ${args.runtime.spark}'s Connect server has no token ` +
                `(Spark 4.0 added ${CONNECT_TOKEN_ENV}); run notebooks on a 4.0 stack, e.g. spark-s3:sparkVersion: 4.0.4`,
        );
    }
    for (const [where, conf] of [
        ["the platform's sparkConf", args.platformConf],
        ["spark-s3:connect overrides", args.overrides ?? {}],
    ] as const) {
        if (CONNECT_TOKEN_CONF in conf) {
            throw new Error(
                `${where} sets ${CONNECT_TOKEN_CONF}: the token would land in the event log and the UI. The server reads it from its Secret (env ${CONNECT_TOKEN_ENV}); remove the key`,
            );
        }
    }
    const s = args.settings;
    validateConnectSettings(s);
    const A = ALLOCATION_KEYS;
    const conf: Record<string, string> = {
        ...args.platformConf,
        "spark.app.name": s.appName,
        [CONNECT_KEYS.bindingPort]: String(s.port ?? CONNECT_PORT),
        [CONNECT_KEYS.sessionTimeout]: s.sessionIdleTimeout,
        "spark.driver.cores": String(s.serverCores),
        "spark.driver.memory": s.serverMemory,
        "spark.executor.cores": String(s.executorCores),
        "spark.executor.memory": s.executorMemory,
        // Dynamic allocation without an external shuffle service (Kubernetes has none): shuffle
        // tracking keeps an executor while its shuffle files are referenced, the timeouts bound that.
        [A.enabled]: "true",
        [A.shuffleServiceEnabled]: "false",
        [A.shuffleTrackingEnabled]: "true",
        [A.minExecutors]: String(s.minExecutors),
        [A.maxExecutors]: String(s.maxExecutors),
        [A.initialExecutors]: String(s.initialExecutors ?? s.minExecutors),
        [A.executorIdleTimeout]: s.executorIdleTimeout,
        [A.cachedExecutorIdleTimeout]: s.dataIdleTimeout,
        [A.shuffleTrackingTimeout]: s.dataIdleTimeout,
    };
    const k = args.kubernetes;
    if (k) {
        Object.assign(conf, {
            "spark.master": IN_CLUSTER_MASTER,
            "spark.submit.deployMode": "client",
            "spark.kubernetes.namespace": k.namespace,
            "spark.kubernetes.container.image": k.image,
            "spark.kubernetes.executor.podNamePrefix": k.podNamePrefix,
            "spark.kubernetes.authenticate.executor.serviceAccountName": k.serviceAccount,
            "spark.driver.port": String(DRIVER_PORT),
            "spark.driver.blockManager.port": String(BLOCK_MANAGER_PORT),
            "spark.driver.bindAddress": "0.0.0.0",
            ...Object.fromEntries(Object.entries(k.executorLabels).map(([l, v]) => [`spark.kubernetes.executor.label.${l}`, v])),
        });
        if (k.executorPodTemplateFile) {
            conf["spark.kubernetes.executor.podTemplateFile"] = k.executorPodTemplateFile;
            conf["spark.kubernetes.executor.podTemplateContainerName"] = "spark-kubernetes-executor";
        }
    }
    return { ...conf, ...(args.overrides ?? {}) };
}
