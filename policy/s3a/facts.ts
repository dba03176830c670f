/**
 * S3A and committer facts (Hadoop 3.4.1 / 3.3.x, Spark 3.5 / 4.0). The single source of these
 * names for the policy pack and the Pulumi program.
 *
 * Sources: Hadoop's hadoop-aws `Constants` and `CommitConstants`, the S3A committer docs
 * ("Committing work to S3 with the S3A Committers"), and Spark's hadoop-cloud module
 * (`PathOutputCommitProtocol`, `BindingParquetOutputCommitter`).
 */
import * as keyLists from "./hadoop-s3a-keys.json";
import { compareVersions } from "./releases";

/**
 * A Hadoop release whose fs.s3a.* option names the pack holds (hadoop-s3a-keys.json, derived from
 * the releases' sources by policy/tools/s3a-keys.ts): the Hadoop of every covered Spark line
 * (3.2.0: Spark 3.1; 3.3.1: 3.2; 3.3.2: 3.3; 3.3.4: 3.4 and 3.5; 3.4.1: 4.0; 3.4.2: 4.1; 3.5.0:
 * 4.2), plus 3.3.6, the newest 3.3 release.
 */
export type HadoopKeySet = "3.2.0" | "3.3.1" | "3.3.2" | "3.3.4" | "3.3.6" | "3.4.1" | "3.4.2" | "3.5.0";
export const HADOOP_KEY_SETS: readonly HadoopKeySet[] = ["3.2.0", "3.3.1", "3.3.2", "3.3.4", "3.3.6", "3.4.1", "3.4.2", "3.5.0"];

/** The S3A committers. `file` is the classic rename committer, which is not one of them. */
export const S3A_COMMITTERS = ["directory", "partitioned", "magic"] as const;
export type S3ACommitter = (typeof S3A_COMMITTERS)[number];
/** Hadoop's default when fs.s3a.committer.name is unset: the classic FileOutputCommitter. */
export const CLASSIC_COMMITTER = "file";
/** The staging committers keep pending commits in fs.s3a.committer.staging.tmp.path. */
export const STAGING_COMMITTERS: readonly S3ACommitter[] = ["directory", "partitioned"];
export const DEFAULT_COMMITTER: S3ACommitter = "directory";
export const CONFLICT_MODES = ["fail", "append", "replace"] as const;
export type ConflictMode = (typeof CONFLICT_MODES)[number];

export function isS3ACommitter(name: string): name is S3ACommitter {
    return (S3A_COMMITTERS as readonly string[]).includes(name);
}
export function isStagingCommitter(name: string): boolean {
    return (STAGING_COMMITTERS as readonly string[]).includes(name);
}

export const CLASSES = {
    pathOutputCommitProtocol: "org.apache.spark.internal.io.cloud.PathOutputCommitProtocol",
    bindingParquetOutputCommitter: "org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter",
    s3aCommitterFactory: "org.apache.hadoop.fs.s3a.commit.S3ACommitterFactory",
    s3aFileSystem: "org.apache.hadoop.fs.s3a.S3AFileSystem",
    /** The `name` field of the JSON _SUCCESS file that an S3A committer writes. */
    successDataName: "org.apache.hadoop.fs.s3a.commit.files.SuccessData/1",
} as const;

/** Spark configuration keys (not Hadoop ones). */
export const SPARK_KEYS = {
    commitProtocolClass: "spark.sql.sources.commitProtocolClass",
    parquetCommitterClass: "spark.sql.parquet.output.committer.class",
    partitionOverwriteMode: "spark.sql.sources.partitionOverwriteMode",
    jarsPackages: "spark.jars.packages",
    jars: "spark.jars",
    jarsIvy: "spark.jars.ivy",
} as const;

/** Prefix under which sparkConf carries Hadoop configuration. */
export const SPARK_HADOOP_PREFIX = "spark.hadoop.";

/** Hadoop configuration keys (set in sparkConf with the `spark.hadoop.` prefix). */
export const HADOOP_KEYS = {
    committerName: "fs.s3a.committer.name",
    stagingTmpPath: "fs.s3a.committer.staging.tmp.path",
    conflictMode: "fs.s3a.committer.staging.conflict-mode",
    uniqueFilenames: "fs.s3a.committer.staging.unique-filenames",
    magicEnabled: "fs.s3a.committer.magic.enabled",
    /** Hadoop 3.4+ (CommitConstants.FS_S3A_COMMITTER_MAGIC_TRACK_COMMITS_IN_MEMORY_ENABLED, default false). */
    magicTrackCommitsInMemory: "fs.s3a.committer.magic.track.commits.in.memory.enabled",
    committerThreads: "fs.s3a.committer.threads",
    abortPendingUploads: "fs.s3a.committer.abort.pending.uploads",
    bufferDir: "fs.s3a.buffer.dir",
    endpoint: "fs.s3a.endpoint",
    endpointRegion: "fs.s3a.endpoint.region",
    pathStyleAccess: "fs.s3a.path.style.access",
    sslEnabled: "fs.s3a.connection.ssl.enabled",
    credentialsProvider: "fs.s3a.aws.credentials.provider",
    accessKey: "fs.s3a.access.key",
    secretKey: "fs.s3a.secret.key",
    sessionToken: "fs.s3a.session.token",
    threadsMax: "fs.s3a.threads.max",
    connectionMaximum: "fs.s3a.connection.maximum",
    fastUploadBuffer: "fs.s3a.fast.upload.buffer",
    fastUploadActiveBlocks: "fs.s3a.fast.upload.active.blocks",
    multipartSize: "fs.s3a.multipart.size",
    /** keep | delete | authoritative; Constants.DEFAULT_DIRECTORY_MARKER_POLICY: delete in Hadoop 3.3.x, keep in 3.4. */
    directoryMarkerRetention: "fs.s3a.directory.marker.retention",
    committerFactoryS3a: "mapreduce.outputcommitter.factory.scheme.s3a",
    /** Read by Spark's PathOutputCommitProtocol: fail rather than fall back to the classic committer. */
    rejectFileOutput: "pathoutputcommit.reject.fileoutput",
    fileOutputCommitterAlgorithm: "mapreduce.fileoutputcommitter.algorithm.version",
    /** Deprecated name of abortPendingUploads (CommitConstants, Hadoop 3.3 and 3.4). */
    stagingAbortPendingUploads: "fs.s3a.committer.staging.abort.pending.uploads",
    createPerformance: "fs.s3a.create.performance",
    performanceFlags: "fs.s3a.performance.flags",
    /** Hadoop 3.4.2+ (Constants.FS_S3A_CONDITIONAL_CREATE_ENABLED, default true). */
    conditionalCreate: "fs.s3a.create.conditional.enabled",
    /** Hadoop 3.4.2+ (Constants.CHECKSUM_ALGORITHM, unset by default). */
    checksumAlgorithm: "fs.s3a.create.checksum.algorithm",
    /** Hadoop 3.5.0+ (Constants.CHECKSUM_GENERATION, default false). */
    checksumGeneration: "fs.s3a.checksum.generation",
} as const;

/**
 * The key the seed article used for the staging directory. It is not a Hadoop option: Hadoop
 * ignores it and the staging committers fall back to `tmp/staging` on each pod's local disk.
 */
export const ARTICLE_WRONG_STAGING_KEY = "fs.s3a.committer.tmp.path";

/** Per-bucket overrides: fs.s3a.bucket.<bucket>.<option> stands for fs.s3a.<option>. */
export const PER_BUCKET_PREFIX = "fs.s3a.bucket.";

const PER_BUCKET_OPTIONS = [
    "committer.magic.enabled",
    "committer.staging.tmp.path",
    "committer.staging.conflict-mode",
    "committer.staging.abort.pending.uploads",
    "committer.abort.pending.uploads",
    "committer.name",
    "connection.ssl.enabled",
    "path.style.access",
    "endpoint.region",
    "endpoint",
    "buffer.dir",
];

/**
 * The generic option a (possibly per-bucket) fs.s3a key stands for: fs.s3a.bucket.b.endpoint ->
 * fs.s3a.endpoint. Keys the pack does not read come back unchanged.
 */
export function perBucketGeneric(key: string): string {
    if (!key.startsWith(PER_BUCKET_PREFIX)) return key;
    const rest = key.slice(PER_BUCKET_PREFIX.length);
    const option = PER_BUCKET_OPTIONS.find((o) => rest.endsWith("." + o));
    return option ? "fs.s3a." + option : key;
}

const KEY_FILE = keyLists as unknown as Record<HadoopKeySet, string[]> & { _prefixes?: Partial<Record<HadoopKeySet, string[]>> };
const keyNameCache = new Map<HadoopKeySet, ReadonlySet<string>>();

/** Valid fs.s3a.* option names of a Hadoop release. */
export function s3aKeyNames(keySet: HadoopKeySet): ReadonlySet<string> {
    let names = keyNameCache.get(keySet);
    if (!names) keyNameCache.set(keySet, (names = new Set(KEY_FILE[keySet])));
    return names;
}

/** Prefixes under which Hadoop passes options on without knowing them (e.g. the analytics accelerator's). */
export function s3aKeyPrefixes(keySet: HadoopKeySet): readonly string[] {
    return KEY_FILE._prefixes?.[keySet] ?? [];
}

/** Is `key` (fs.s3a.*) an option of that Hadoop release, directly or under one of its pass-through prefixes? */
export function isS3AOption(key: string, keySet: HadoopKeySet): boolean {
    return s3aKeyNames(keySet).has(key) || s3aKeyPrefixes(keySet).some((p) => key.startsWith(p));
}

/**
 * The key list to check a Hadoop version against: its own when the pack holds it (exact), else
 * the newest held list not newer than it, else the oldest held list.
 */
export function keySetForHadoop(hadoop: string): { keySet: HadoopKeySet; exact: boolean } {
    const exact = HADOOP_KEY_SETS.find((k) => k === hadoop);
    if (exact) return { keySet: exact, exact: true };
    const older = HADOOP_KEY_SETS.filter((k) => compareVersions(k, hadoop) <= 0);
    return { keySet: older[older.length - 1] ?? HADOOP_KEY_SETS[0], exact: false };
}

/** Hadoop keys whose value is a credential; a literal value for any of them is a leak. */
export const CREDENTIAL_HADOOP_KEYS: readonly string[] = [
    HADOOP_KEYS.accessKey,
    HADOOP_KEYS.secretKey,
    HADOOP_KEYS.sessionToken,
    "fs.s3a.encryption.key",
    "fs.s3a.server-side-encryption.key",
];

/** Environment variables whose value is a credential. */
export const CREDENTIAL_ENV_VARS: readonly string[] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECRET_KEY",
    "AWS_ACCESS_KEY",
    "MINIO_ROOT_PASSWORD",
    "MINIO_SECRET_KEY",
];

/** Is this an S3 endpoint hosted by AWS (so no path style or explicit region is needed)? */
export function isAwsEndpoint(endpoint: string | undefined): boolean {
    if (!endpoint) return true; // no endpoint: the SDK picks AWS from the region
    const host = endpoint
        .replace(/^[a-z]+:\/\//i, "")
        .split(/[/:]/)[0]
        .toLowerCase();
    return host.endsWith(".amazonaws.com") || host.endsWith(".amazonaws.com.cn");
}

/**
 * The key lists to accept a Hadoop version's keys from: its own list, else the nearest held
 * lists on either side (a key of both neighbours' releases, or of either, may well be its key
 * too: only what neither knows is reported).
 */
export function keySetsAround(hadoop: string): readonly HadoopKeySet[] {
    const exact = HADOOP_KEY_SETS.find((k) => k === hadoop);
    if (exact) return [exact];
    const older = HADOOP_KEY_SETS.filter((k) => compareVersions(k, hadoop) < 0);
    const newer = HADOOP_KEY_SETS.filter((k) => compareVersions(k, hadoop) > 0);
    return [older[older.length - 1], newer[0]].filter((k): k is HadoopKeySet => k !== undefined);
}
