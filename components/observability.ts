import { HADOOP_KEYS, SPARK_HADOOP_PREFIX, SPARK_KEYS } from "../policy/s3a/facts";
import { quantity } from "./config/checks";
import { spec, type Reader } from "./config/reader";

/**
 * Observability of every SparkApplication the program deploys: event logs on the stack's own S3
 * prefix (read by a Spark History Server) and Prometheus metrics from the driver's UI port.
 *
 * Spark facts (Spark 3.5/4.0 docs "Monitoring and Instrumentation", and the code):
 * - the event log directory must exist before the driver starts: EventLogFileWriter's
 *   requireLogBaseDirAsDirectory calls getFileStatus on it and the driver fails with
 *   FileNotFoundException otherwise (seen with pyspark 4.0.4 on MinIO). S3 has no directories,
 *   so the platform's event-log Job puts a directory marker (`<prefix>/spark-events/`) that S3A treats as one;
 * - the History Server fails the same way on a missing directory, so it starts after that Job;
 * - no event log compaction (spark.history.fs.eventLog.rolling.maxFilesToRetain): the History
 *   Server would write compacted files, and its key is read (and delete) only;
 * - PrometheusServlet serves the driver's metrics at the sink's path on the UI port, and
 *   `spark.ui.prometheus.enabled` adds the executors' summary at /metrics/executors/prometheus/
 *   (aggregated in the driver: executor pods serve no HTTP);
 * - the driver pod's UI port is named `spark-ui` (resource-managers/kubernetes Constants.scala
 *   UI_PORT_NAME) and driver pods carry `spark-role: driver`.
 */

/**
 * The Spark keys this module sets. jobs/doglover/tests/test_spark_keys.py finds each one in the
 * spark-core jar of every Spark version of the matrix (Spark defines them as ConfigEntry
 * constants, or as documented prefixes for the metrics system and pod annotations).
 */
export const OBSERVABILITY_KEYS = {
    eventLogEnabled: "spark.eventLog.enabled",
    eventLogDir: "spark.eventLog.dir",
    eventLogCompress: "spark.eventLog.compress",
    eventLogCompressionCodec: "spark.eventLog.compression.codec",
    eventLogRollingEnabled: "spark.eventLog.rolling.enabled",
    eventLogRollingMaxFileSize: "spark.eventLog.rolling.maxFileSize",
    uiPrometheusEnabled: "spark.ui.prometheus.enabled",
    appStatusSourceEnabled: "spark.metrics.appStatusSource.enabled",
    metricsNamespace: "spark.metrics.namespace",
    executorMetricsFileSystemSchemes: "spark.executor.metrics.fileSystemSchemes",
    historyLogDirectory: "spark.history.fs.logDirectory",
    historyUiPort: "spark.history.ui.port",
    historyUpdateInterval: "spark.history.fs.update.interval",
    historyCleanerEnabled: "spark.history.fs.cleaner.enabled",
    historyCleanerMaxAge: "spark.history.fs.cleaner.maxAge",
    historyCleanerInterval: "spark.history.fs.cleaner.interval",
    driverExtraJavaOptions: "spark.driver.extraJavaOptions",
} as const;
const K = OBSERVABILITY_KEYS;
/** Metrics-system settings go under this prefix (MetricsConfig reads spark.metrics.conf.*). */
export const PROMETHEUS_SERVLET_CONF = "spark.metrics.conf.*.sink.prometheusServlet";

/** Where event logs go under the stack's data prefix. */
export const EVENTS_DIR = "spark-events";
/** The driver's UI port (Spark's default spark.ui.port), which serves the metrics too. */
export const SPARK_UI_PORT = 4040;
export const SPARK_UI_PORT_NAME = "spark-ui";
/** Driver metrics (PrometheusServlet) and the executors' summary (spark.ui.prometheus.enabled). */
export const METRICS_PATHS = { driver: "/metrics/prometheus/", executors: "/metrics/executors/prometheus/" } as const;
/**
 * One metrics namespace for every job: metric names are then the same for every run (Spark's
 * default namespace is the application id, a new name each run), and Prometheus tells jobs apart
 * by their pod labels. Names look like `metrics_spark_driver_appStatus_jobDuration_Value`.
 */
export const METRICS_NAMESPACE = "spark";
export const HISTORY_PORT = 18080;
export const HISTORY_SERVICE = "spark-history";
/** The History Server's own service account (its pod identity on EKS). */
export const HISTORY_SERVICE_ACCOUNT = "spark-history";
/** Event log files roll at this size, so a long job's log is readable while it runs and cleanable. */
export const EVENT_LOG_ROLL_SIZE = "128m";

/** `s3a://<bucket>/<prefix>/spark-events`: each stack (and each review stack) its own. */
export function eventLogDir(bucket: string, dataPrefix: string): string {
    return `s3a://${bucket}/${dataPrefix}/${EVENTS_DIR}`;
}

/** The key (no bucket, no scheme) of the directory marker of an event log dir. */
export function eventLogMarkerKey(dataPrefix: string): string {
    return `${dataPrefix}/${EVENTS_DIR}/`;
}

/**
 * Event logs: compressed (zstd), rolling, on the stack's prefix.
 *
 * Directory markers kept: Hadoop 3.3.x's S3A deletes a directory's marker when it writes under it
 * (Constants.DEFAULT_DIRECTORY_MARKER_POLICY = delete; 3.4 keeps them), so on the Spark 3.5 row
 * the seed's `spark-events/` marker would vanish with the first event log, and the directory
 * with the last log the cleaner removes: the next driver then fails on a missing directory, and
 * the cleaner's S3A would PUT a new marker its read key may not write. `keep` is 3.4's default.
 */
export function eventLogConf(dir: string): Record<string, string> {
    return {
        [SPARK_HADOOP_PREFIX + HADOOP_KEYS.directoryMarkerRetention]: "keep",
        [K.eventLogEnabled]: "true",
        [K.eventLogDir]: dir,
        [K.eventLogCompress]: "true",
        [K.eventLogCompressionCodec]: "zstd",
        [K.eventLogRollingEnabled]: "true",
        [K.eventLogRollingMaxFileSize]: EVENT_LOG_ROLL_SIZE,
    };
}

/** Prometheus metrics on the driver's UI port, and the standard scrape annotations on the driver pod. */
export function metricsConf(): Record<string, string> {
    const annotation = (k: string) => `spark.kubernetes.driver.annotation.prometheus.io/${k}`;
    return {
        [K.uiPrometheusEnabled]: "true",
        [`${PROMETHEUS_SERVLET_CONF}.class`]: "org.apache.spark.metrics.sink.PrometheusServlet",
        [`${PROMETHEUS_SERVLET_CONF}.path`]: METRICS_PATHS.driver.replace(/\/$/, ""),
        [K.appStatusSourceEnabled]: "true",
        [K.metricsNamespace]: METRICS_NAMESPACE,
        // Which file systems the executors' filesystem metrics cover (s3a is not in the default).
        [K.executorMetricsFileSystemSchemes]: "file,s3a",
        [annotation("scrape")]: "true",
        [annotation("port")]: String(SPARK_UI_PORT),
        [annotation("path")]: METRICS_PATHS.driver,
    };
}

/** What every SparkApplication gets: its event log on `dir` and its metrics. */
export function observabilityConf(dir: string): Record<string, string> {
    return { ...eventLogConf(dir), ...metricsConf() };
}

/**
 * The S3A keys a reader of the store needs from the jobs' rendered conf: endpoint, region,
 * addressing, TLS and credentials provider, plus the committer jars of a stock image. The
 * rendered conf stays the one source of these values.
 */
export const READER_KEYS = [
    HADOOP_KEYS.endpoint,
    HADOOP_KEYS.endpointRegion,
    HADOOP_KEYS.pathStyleAccess,
    HADOOP_KEYS.sslEnabled,
    HADOOP_KEYS.credentialsProvider,
    HADOOP_KEYS.directoryMarkerRetention,
].map((k) => SPARK_HADOOP_PREFIX + k);
/** A stock image's hadoop-aws package (resolved by spark-submit); spark-hadoop-cloud is for writers only. */
const JAR_KEYS: string[] = [SPARK_KEYS.jarsPackages, SPARK_KEYS.jarsIvy];

/** The History Server's spark-defaults.conf entries. */
export function historyConf(args: {
    jobConf: Readonly<Record<string, string>>;
    eventLogDir: string;
    retentionDays: number;
    /** The cleaner deletes logs older than retentionDays; off where the reader key cannot delete. */
    cleaner: boolean;
    javaOptions?: string;
}): Record<string, string> {
    const picked = Object.fromEntries(Object.entries(args.jobConf).filter(([k]) => READER_KEYS.includes(k) || JAR_KEYS.includes(k)));
    return {
        ...picked,
        [K.historyLogDirectory]: args.eventLogDir,
        [K.historyUiPort]: String(HISTORY_PORT),
        [K.historyUpdateInterval]: "30s",
        [K.historyCleanerEnabled]: String(args.cleaner),
        [K.historyCleanerMaxAge]: `${args.retentionDays}d`,
        [K.historyCleanerInterval]: "1d",
        ...(args.javaOptions ? { [K.driverExtraJavaOptions]: args.javaOptions } : {}),
    };
}

/** spark-defaults.conf text (`key value` lines, sorted). */
export function propertiesFile(conf: Readonly<Record<string, string>>): string {
    return (
        Object.keys(conf)
            .sort()
            .map((k) => `${k} ${conf[k]}`)
            .join("\n") + "\n"
    );
}

/**
 * What the History Server may do: list, read and delete (its cleaner) the event logs under
 * `<prefix>/spark-events/`, nothing else: no writes, no other data. Listing is scoped the way
 * the Spark key's policies scope it (ListBucket with s3:prefix); S3A probes the directory itself with
 * HEAD (GetObject on the key without the slash) and LIST (prefix with the slash).
 * The same document on AWS and MinIO (S3 IAM syntax); test/unit/history-server.test.ts evaluates it against the requests S3A makes.
 */
export function eventLogReaderPolicy(bucket: string, prefix: string) {
    const arn = `arn:aws:s3:::${bucket}`;
    const events = `${prefix}/${EVENTS_DIR}`;
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "ListTheEventLogs",
                Effect: "Allow",
                Action: ["s3:ListBucket"],
                Resource: [arn],
                Condition: { StringLike: { "s3:prefix": [`${events}/*`, events] } },
            },
            { Sid: "LocateTheBucket", Effect: "Allow", Action: ["s3:GetBucketLocation"], Resource: [arn] },
            {
                Sid: "ReadAndCleanEventLogs",
                Effect: "Allow",
                Action: ["s3:GetObject", "s3:DeleteObject"],
                Resource: [`${arn}/${events}`, `${arn}/${events}/*`],
            },
        ],
    };
}

/**
 * A PodMonitor (Prometheus operator, monitoring.coreos.com/v1) that scrapes every driver of the
 * job namespace on its UI port: its own metrics and the executors' summary.
 */
export function driverPodMonitorSpec(namespace: string) {
    return {
        namespaceSelector: { matchNames: [namespace] },
        selector: { matchLabels: { "spark-role": "driver" } },
        podMetricsEndpoints: [METRICS_PATHS.driver, METRICS_PATHS.executors].map((path) => ({
            port: SPARK_UI_PORT_NAME,
            path,
            interval: "30s",
        })),
    };
}

/** The observability config keys (descriptions in Pulumi.yaml). */
export const OBSERVABILITY_CONFIG = {
    historyServer: spec({ key: "historyServer", type: "boolean", default: true, example: "true" }),
    eventLogRetentionDays: spec({ key: "eventLogRetentionDays", type: "integer", default: 30, example: "30", min: 1, max: 3650 }),
    historyServerMemory: spec({ key: "historyServerMemory", type: "string", default: "1Gi", example: "1Gi", check: quantity }),
    prometheusOperator: spec({ key: "prometheusOperator", type: "boolean", default: false, example: "false" }),
} as const;

export interface ObservabilitySettings {
    /** A Spark History Server on the event logs (they are written either way). */
    readonly historyServer: boolean;
    /** The History Server's cleaner deletes event logs older than this. */
    readonly eventLogRetentionDays: number;
    readonly historyServerMemory: string;
    /** The cluster has the Prometheus operator's CRDs: create PodMonitors. */
    readonly prometheusOperator: boolean;
}

export function readObservabilitySettings(r: Reader): ObservabilitySettings {
    const k = OBSERVABILITY_CONFIG;
    return {
        historyServer: r.get(k.historyServer),
        eventLogRetentionDays: r.get(k.eventLogRetentionDays),
        historyServerMemory: r.get(k.historyServerMemory),
        prometheusOperator: r.get(k.prometheusOperator),
    };
}
