/**
 * A job's config keys. The top-level keys (`spark-s3:executorInstances`, ...) are the platform's
 * defaults for every job; each entry of `spark-s3:jobs` may set the same fields and the ones only
 * a job has (code, schedule). Descriptions of the top-level keys in Pulumi.yaml; of the entry
 * fields in JOB_FIELD_DOCS (docs/configuration.md is generated from both).
 */
import { CONFLICT_MODES, S3A_COMMITTERS } from "../../policy/s3a/facts";
import { annotationValue, sparkMemory } from "../config/checks";
import { spec, type Reader } from "../config/reader";

/** The job shape every job takes from the platform unless it sets its own. */
export interface JobDefaults {
    readonly driverCores: number;
    readonly driverMemory: string;
    readonly executorInstances: number;
    readonly executorCores: number;
    readonly executorMemory: string;
    readonly waitForCompletion: boolean;
    readonly jobTimeoutMinutes: number;
    /** Any value; changing it runs every job again that sets no run of its own. */
    readonly jobRun: string;
}

/** The platform-wide job defaults: top-level keys. */
export const JOB_DEFAULT_KEYS = {
    driverCores: spec({ key: "driverCores", type: "integer", default: 1, example: "1", min: 1, max: 64 }),
    driverMemory: spec({ key: "driverMemory", type: "string", default: "1g", example: "1g", check: sparkMemory }),
    executorInstances: spec({ key: "executorInstances", type: "integer", default: 2, example: "2", min: 1, max: 1000 }),
    executorCores: spec({ key: "executorCores", type: "integer", default: 1, example: "1", min: 1, max: 64 }),
    executorMemory: spec({ key: "executorMemory", type: "string", default: "2g", example: "2g", check: sparkMemory }),
    waitForCompletion: spec({ key: "waitForCompletion", type: "boolean", default: false, example: "true" }),
    jobTimeoutMinutes: spec({ key: "jobTimeoutMinutes", type: "integer", default: 30, example: "30", min: 1, max: 24 * 60 }),
    jobRun: spec({ key: "jobRun", type: "string", default: "", example: '"2026-11-24"', check: annotationValue }),
} as const;

export function readJobDefaults(r: Reader): JobDefaults {
    const k = JOB_DEFAULT_KEYS;
    return {
        driverCores: r.get(k.driverCores),
        driverMemory: r.get(k.driverMemory),
        executorInstances: r.get(k.executorInstances),
        executorCores: r.get(k.executorCores),
        executorMemory: r.get(k.executorMemory),
        waitForCompletion: r.get(k.waitForCompletion),
        jobTimeoutMinutes: r.get(k.jobTimeoutMinutes),
        jobRun: r.get(k.jobRun),
    };
}

export const JOB_TYPES = ["Python", "Scala", "Java"] as const;
export const CONCURRENCY_POLICIES = ["Forbid", "Allow", "Replace"] as const;

const list = (key: string, example: string) => spec({ key, type: "array", default: [] as string[], example });
/** A field that falls back to the platform's default: its spec default is undefined. */
const inherit = <T>(s: {
    key: string;
    type: "integer" | "string" | "boolean";
    example: string;
    min?: number;
    max?: number;
    oneOf?: readonly string[];
    check?: (v: T) => string | undefined;
}) => spec<T | undefined>({ ...s, default: undefined, check: s.check as ((v: T | undefined) => string | undefined) | undefined });

/** The fields of one `spark-s3:jobs` entry (and of SparkJob's args). */
export const JOB_FIELDS = {
    type: spec({ key: "type", type: "string", default: "Python", example: "Python", oneOf: JOB_TYPES }),
    codeDir: spec({ key: "codeDir", type: "string", default: "", example: "jobs/nightly" }),
    codeFiles: list("codeFiles", '["nightly.py", "lib/util.py"]'),
    mainFile: spec({ key: "mainFile", type: "string", default: "", example: "nightly.py" }),
    mainClass: spec({ key: "mainClass", type: "string", default: "", example: "com.example.Nightly" }),
    arguments: list("arguments", '["--input", "s3a://${bucket}/${dataPrefix}/nightly/in"]'),
    jars: list("jars", '["lib/udfs.jar"]'),
    pyFiles: list("pyFiles", '["lib/util.py"]'),
    files: list("files", '["lookup.csv"]'),
    packages: list("packages", '["org.apache.spark:spark-avro_2.13:4.0.1"]'),
    image: spec({ key: "image", type: "string", default: "", example: "registry.example.com/team-a/nightly:1.4" }),
    driverCores: inherit<number>({ key: "driverCores", type: "integer", example: "1", min: 1, max: 64 }),
    driverMemory: inherit<string>({ key: "driverMemory", type: "string", example: "1g", check: sparkMemory }),
    executorInstances: inherit<number>({ key: "executorInstances", type: "integer", example: "2", min: 1, max: 1000 }),
    executorCores: inherit<number>({ key: "executorCores", type: "integer", example: "1", min: 1, max: 64 }),
    executorMemory: inherit<string>({ key: "executorMemory", type: "string", example: "2g", check: sparkMemory }),
    committer: inherit<string>({ key: "committer", type: "string", example: "magic", oneOf: S3A_COMMITTERS }),
    conflictMode: inherit<string>({ key: "conflictMode", type: "string", example: "replace", oneOf: CONFLICT_MODES }),
    sparkConf: list("sparkConf", '["spark.sql.shuffle.partitions=64"]'),
    waitForCompletion: inherit<boolean>({ key: "waitForCompletion", type: "boolean", example: "true" }),
    timeoutMinutes: inherit<number>({ key: "timeoutMinutes", type: "integer", example: "30", min: 1, max: 24 * 60 }),
    run: inherit<string>({ key: "run", type: "string", example: '"2026-11-24"', check: annotationValue }),
    schedule: spec({ key: "schedule", type: "string", default: "", example: '"0 2 * * *"' }),
    timeZone: spec({ key: "timeZone", type: "string", default: "", example: "Europe/Berlin" }),
    suspend: spec({ key: "suspend", type: "boolean", default: false, example: "true" }),
    concurrencyPolicy: spec({
        key: "concurrencyPolicy",
        type: "string",
        default: "Forbid",
        example: "Forbid",
        oneOf: CONCURRENCY_POLICIES,
    }),
    successfulRunHistoryLimit: spec({ key: "successfulRunHistoryLimit", type: "integer", default: 1, example: "3", min: 0, max: 100 }),
    failedRunHistoryLimit: spec({ key: "failedRunHistoryLimit", type: "integer", default: 1, example: "3", min: 0, max: 100 }),
} as const;

/** What each entry field means (the docs page's table; the top-level keys are described in Pulumi.yaml). */
export const JOB_FIELD_DOCS: Record<keyof typeof JOB_FIELDS, string> = {
    type: "Python, Scala or Java.",
    codeDir:
        "A folder of the project (relative to it) shipped to the cluster as a ConfigMap (at most 1 MiB) and mounted at /opt/spark/jobs/<job> in the driver (and the executors when deps name files in it). Empty: mainFile is a URI.",
    codeFiles: "With codeDir: the files to ship (relative to codeDir). Empty: every file of the folder except hidden ones and __pycache__.",
    mainFile:
        "With codeDir: the main file in it (nightly.py, app.jar). Without: a URI: local:///path/in/the/image, https://..., or s3a://bucket/key (only where the operator's own spark-submit has hadoop-aws: operatorSubmitsS3a).",
    mainClass: "Scala and Java: the main class (required for them).",
    arguments:
        "The application's arguments. ${bucket}, ${dataPrefix} and ${stack} stand for the platform's bucket, data prefix and the stack name.",
    jars: "Extra jars: files in codeDir, local:// paths or https:// URLs (added to spark.jars, after the committer jars).",
    pyFiles: "Python modules or zips: files in codeDir, local:// paths or https:// URLs (spark.submit.pyFiles).",
    files: "Files put in each executor's working directory: files in codeDir, local:// paths or https:// URLs (spark.files).",
    packages: "Maven coordinates resolved at submission (added to spark.jars.packages, after the committer packages).",
    image: "The job's own image (it must hold what the platform's image holds: Spark of sparkVersion, and hadoop-aws when sparkImage is set). Empty: the platform's image.",
    driverCores: "Driver cores. Default: spark-s3:driverCores.",
    driverMemory: "Driver memory. Default: spark-s3:driverMemory.",
    executorInstances: "Number of executors. Default: spark-s3:executorInstances.",
    executorCores: "Cores per executor. Default: spark-s3:executorCores.",
    executorMemory: "Memory per executor. Default: spark-s3:executorMemory.",
    committer: "The job's S3A committer (directory, partitioned or magic). Default: spark-s3:committer.",
    conflictMode: "Staging committers: fail, append or replace. Default: spark-s3:conflictMode.",
    sparkConf: "The job's extra sparkConf (key=value), after the platform's spark-s3:sparkConf; checked by the same rules.",
    waitForCompletion: "pulumi up waits for the run (jobs without schedule). Default: spark-s3:waitForCompletion.",
    timeoutMinutes: "How long pulumi up waits (with waitForCompletion). Default: spark-s3:jobTimeoutMinutes.",
    run: "Any value; change it to run the job again with unchanged inputs (jobs without schedule). Default: spark-s3:jobRun.",
    schedule:
        'A cron expression ("0 2 * * *", "@daily", "@every 6h"): the job becomes a ScheduledSparkApplication that the operator runs on it. Empty: one run per change.',
    timeZone: 'The schedule\'s time zone (an IANA name such as "Europe/Berlin", or "UTC"). Empty: the operator\'s local time.',
    suspend: "Scheduled jobs: true stops further runs (a running one finishes); false resumes.",
    concurrencyPolicy:
        "Scheduled jobs: Forbid skips a run while the last one is still going, Allow runs them side by side, Replace stops the last one.",
    successfulRunHistoryLimit: "Scheduled jobs: how many finished successful runs (SparkApplications) the operator keeps.",
    failedRunHistoryLimit: "Scheduled jobs: how many failed runs the operator keeps.",
};

export { CONFLICT_MODES, S3A_COMMITTERS };
