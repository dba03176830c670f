/**
 * The S3A profile: pure functions from the object store's endpoint facts, the committer, the
 * staging volume and the Spark version to the sparkConf a job needs. No Pulumi resources here,
 * so the local runner (jobs/doglover) and the tests call the same code the program deploys.
 *
 * Facts (key names, class names, the version matrix) come from the policy pack, which is the
 * single source of them. The Spark version arrives as its matrix row (SparkRuntime), resolved
 * once where the config is read; the builders read the row, they never look it up again.
 */
import {
    CLASSES,
    HADOOP_KEYS,
    SPARK_HADOOP_PREFIX,
    SPARK_KEYS,
    isS3AOption,
    isStagingCommitter,
    keySetForHadoop,
    type ConflictMode,
    type S3ACommitter,
} from "../policy/s3a/facts";
import { compareVersions } from "../policy/s3a/releases";
import {
    committerJars,
    environmentCredentialsProvider,
    podIdentityCredentialsProvider,
    webIdentityCredentialsProvider,
    type SparkRuntime,
} from "../policy/s3a/versions";

/** What every ObjectStore implementation tells Spark about its S3 endpoint (no secrets). */
export interface EndpointFacts {
    /** Endpoint URL with scheme, e.g. "http://minio.spark-jobs.svc:9000"; undefined means AWS S3 by region. */
    readonly url?: string;
    /** Signing region; for third-party stores any non-empty value the store accepts. */
    readonly region: string;
    /** Path-style requests (https://host/bucket/key), needed by MinIO and FlashBlade. */
    readonly pathStyle: boolean;
    /** TLS on the S3 endpoint. */
    readonly tls: boolean;
}

/**
 * Pod-local disk for S3A's upload buffers (`fs.s3a.buffer.dir`): an emptyDir in driver and every
 * executor. The staging committers also write each task's whole output there before uploading it
 * (Hadoop's S3A committer docs, "Staging committer"), so on the shared NFS volume every byte would
 * cross the network twice before reaching S3. Only `fs.s3a.committer.staging.tmp.path` (small
 * pending-commit files) must be shared.
 */
export interface BufferMount {
    /** Volume name in Spark's spark.kubernetes.*.volumes.emptyDir conf (a DNS label). */
    readonly volumeName: string;
    /** Mount path in every pod; fs.s3a.buffer.dir. */
    readonly mountPath: string;
    /** sizeLimit of the emptyDir (Kubernetes quantity); a pod that writes more is evicted. */
    readonly sizeLimit: string;
}

export const S3A_BUFFER_VOLUME = "s3a-buffer";
export const S3A_BUFFER_PATH = "/s3a-buffer";

/** The shared RWX volume, as Spark mounts it in driver and executors. */
export interface StagingMount {
    /** Volume name in Spark's spark.kubernetes.*.volumes conf (a DNS label). */
    readonly volumeName: string;
    /** The PersistentVolumeClaim to mount. */
    readonly claimName: string;
    /** Mount path in every pod, e.g. "/staging". */
    readonly mountPath: string;
}

/**
 * How S3A gets its credentials: an access key pair in the environment (from a Kubernetes Secret),
 * or an IAM role through the pod's identity on EKS: Pod Identity or IRSA (no key anywhere).
 */
export type S3AAuth = "keys" | "podIdentity" | "irsa";

/** The fs.s3a.aws.credentials.provider of an auth mode on a Spark row; throws where the row's SDK cannot. */
export function credentialsProviderFor(auth: S3AAuth, runtime: SparkRuntime): string {
    switch (auth) {
        case "keys":
            return environmentCredentialsProvider(runtime);
        case "irsa":
            return webIdentityCredentialsProvider(runtime);
        case "podIdentity": {
            const p = podIdentityCredentialsProvider(runtime);
            if (!p) {
                throw new Error(
                    `EKS Pod Identity needs the AWS SDK v2 of Hadoop 3.4 (Spark 4.0); Spark ${runtime.spark} has hadoop-aws ${runtime.hadoop} with SDK v1, which cannot use it: use awsAuth irsa`,
                );
            }
            return p;
        }
    }
}

/** Where driver and executors read the S3 key pair from (a Kubernetes Secret). */
export interface CredentialsRef {
    readonly secretName: string;
    readonly accessKeyIdKey: string;
    readonly secretAccessKeyKey: string;
}

/**
 * S3A throughput settings the program sets, explicitly, on every Spark version.
 *
 * Set from the committer benchmark (bench/committers.py, README "Benchmarks", 2026-11-24, 2 cores,
 * MinIO on loopback, directory committer, 1 GiB in 256 files, 3 interleaved repetitions): the
 * program's earlier choice (200 connections, 32 committer threads) took 20.85 s median against
 * 21.54 s with Hadoop 3.4.1's own defaults, a difference well inside the spread (~3 s), with the
 * same 788 requests and the same job commit (1.8 s vs 1.7 s). No measurable gain, so the program
 * uses Hadoop 3.4.1's values, stated explicitly so the Spark 3.5 row (Hadoop 3.3.4: 64 threads,
 * 96 connections) behaves the same.
 *
 * Checked again on executors in JVMs of their own (docs/benchmarks.md, "Tuning", 2026-11-25,
 * local-cluster[2,1,1024], each alternative on its own bucket beside these values in one session,
 * 3 repetitions): fast.upload.buffer array 1.15-1.16x and bytebuffer 1.05-1.11x the time, 16M
 * parts with 8 active blocks 1.15x, a 16-connection pool 0.96-1.04x, committer.threads 64 no
 * faster job commit; every difference inside the control's own spread, so nothing changed.
 * Revisit against real S3, where request latency (not 2 cores) bounds the committer threads.
 */
export interface S3ATuning {
    /** fs.s3a.threads.max: upload/copy thread pool per filesystem instance. */
    readonly threadsMax: number;
    /** fs.s3a.connection.maximum: HTTP connection pool; keep >= threadsMax. */
    readonly connectionMaximum: number;
    /** fs.s3a.committer.threads: parallel commits/aborts of pending uploads. */
    readonly committerThreads: number;
    /** fs.s3a.fast.upload.buffer: disk | array | bytebuffer. */
    readonly fastUploadBuffer: "disk" | "array" | "bytebuffer";
    /** fs.s3a.multipart.size: part size, e.g. "64M". */
    readonly multipartSize: string;
}

/** Hadoop 3.4.1's core-default.xml values (test/contract/hadoop-defaults.facts.ts checks them against the release's jar). */
export const DEFAULT_TUNING: S3ATuning = {
    threadsMax: 96,
    connectionMaximum: 500,
    committerThreads: 8,
    fastUploadBuffer: "disk",
    multipartSize: "64M",
};

export interface S3AProfileArgs {
    readonly endpoint: EndpointFacts;
    readonly committer: S3ACommitter;
    /** Conflict mode of the staging committers (directory, partitioned). */
    readonly conflictMode: ConflictMode;
    /** The Spark version's row of the matrix. */
    readonly runtime: SparkRuntime;
    /** Path of the shared staging volume as the pods (or a local run) see it. */
    readonly stagingMountPath: string;
    /** Pod-local (never shared) directory of S3A's upload buffers. */
    readonly bufferDir: string;
    /** Default "keys" (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the environment). */
    readonly auth?: S3AAuth;
    readonly tuning?: Partial<S3ATuning>;
}

const hadoop = (key: string): string => SPARK_HADOOP_PREFIX + key;

/**
 * S3 requests the committers skip, per Hadoop line (issue 26), from hadoop-aws's own code (the
 * sources jars of 3.4.1, 3.3.6 and 3.3.4 on Maven Central). Each setting is set where the job's
 * Hadoop has the key (the pack's key list of that exact release) and where it is not already
 * Hadoop's behaviour; docs/benchmarks.md has the requests per file they save.
 *
 * - fs.s3a.committer.magic.track.commits.in.memory.enabled=true (Hadoop 3.4+): the magic
 *   committer keeps each file's pending commit in the task's JVM (InMemoryMagicCommitTracker)
 *   instead of PUTting a 0-byte marker and a .pending object per file that the task commit then
 *   LISTs, HEADs and GETs back (S3MagicCommitTracker.aboutToComplete,
 *   MagicS3GuardCommitter.loadPendingCommits), and answers Spark's getFileStatus of the written
 *   file from memory (S3AFileSystem.getFileStatus): about 7 requests per file. Gives up: the
 *   pending commits live only in the JVM that wrote them, so the task commit/abort must run
 *   there (Spark runs both in the task that wrote, FileFormatWriter.executeTask) and the tracker (chosen from the filesystem's conf, per-bucket options
 *   included: MagicCommitIntegration.createTracker) and the committer (the job's conf) must
 *   agree: never set it per bucket (the output is lost while the job reports success, as
 *   jobs/doglover/tests/integration/test_faults.py shows); an executor
 *   that dies takes its attempt's records with it, and its uploads are aborted by the job's
 *   cleanup (fs.s3a.committer.abort.pending.uploads, true by default), as with files in S3.
 * - fs.s3a.performance.flags=mkdir (Hadoop 3.4+): mkdirs skips the walk up the parents that
 *   looks for a file in the way (MkdirOperation.verifyFileStatusOfClosestAncestor), a HEAD/LIST
 *   per missing level of the job's own mkdirs (setupJob: the output directory and magic's job
 *   directory). Gives up: mkdirs under a path that is a file no longer fails. Hadoop 3.4.1 reads
 *   only two of PerformanceFlagEnum's names (`delete` and `open` are parsed and unused): the
 *   other, `create`, is not set: it skips create's probes for something at the path
 *   (S3AFileSystem.create, innerCreateFile) and makes create(overwrite=false) overwrite, but
 *   the committers already write their own files with it (PersistentCommitData.saveFile) and
 *   skip the probes under __magic (innerCreateFile: isUnderMagicCommitPath), so it would save
 *   them nothing and take that check from every other writer of the job.
 * - fs.s3a.directory.marker.retention=keep (Hadoop 3.3 only; 3.4's default,
 *   Constants.DEFAULT_DIRECTORY_MARKER_POLICY): 3.3 deletes the parent directory markers after
 *   every file it writes or commits, a DELETE per file (S3AFileSystem.finishedWrite,
 *   deleteUnnecessaryFakeDirectories). Gives up: S3A clients without marker awareness (Hadoop
 *   before 3.3.1, 3.2.2 and 3.1.4; HADOOP-13230) misread a directory whose marker is kept.
 */
export function requestSavingConf(runtime: SparkRuntime): Record<string, string> {
    const { keySet } = keySetForHadoop(runtime.hadoop);
    const conf: Record<string, string> = {};
    if (isS3AOption(HADOOP_KEYS.magicTrackCommitsInMemory, keySet)) conf[hadoop(HADOOP_KEYS.magicTrackCommitsInMemory)] = "true";
    if (isS3AOption(HADOOP_KEYS.performanceFlags, keySet))
        conf[hadoop(HADOOP_KEYS.performanceFlags)] = REQUEST_SAVING_PERFORMANCE_FLAGS.join(",");
    if (compareVersions(runtime.hadoop, "3.4") < 0) conf[hadoop(HADOOP_KEYS.directoryMarkerRetention)] = "keep";
    return conf;
}

/** The fs.s3a.performance.flags the profile sets (see requestSavingConf). */
export const REQUEST_SAVING_PERFORMANCE_FLAGS = ["mkdir"] as const;

/** The committer's shared staging directory, as a file:// URI on the staging mount. */
export function stagingTmpPath(mountPath: string): string {
    return `file://${trimSlash(mountPath)}/committer`;
}

function trimSlash(p: string): string {
    return p.length > 1 ? p.replace(/\/+$/, "") : p;
}

/**
 * S3A + committer sparkConf, engine-agnostic (no Kubernetes keys, no jars): what a local
 * pyspark run and a SparkApplication both use.
 */
export function s3aSparkConf(args: S3AProfileArgs): Record<string, string> {
    const t: S3ATuning = { ...DEFAULT_TUNING, ...args.tuning };
    const conf: Record<string, string> = {
        // Committer selection (docs/architecture.md, "Decisions"). Always explicit: Spark 4.1 changed its default.
        [SPARK_KEYS.commitProtocolClass]: CLASSES.pathOutputCommitProtocol,
        [SPARK_KEYS.parquetCommitterClass]: CLASSES.bindingParquetOutputCommitter,
        [hadoop(HADOOP_KEYS.committerFactoryS3a)]: CLASSES.s3aCommitterFactory,
        [hadoop(HADOOP_KEYS.committerName)]: args.committer,
        // Fail the job instead of silently falling back to the classic rename committer.
        [hadoop(HADOOP_KEYS.rejectFileOutput)]: "true",
        [hadoop(HADOOP_KEYS.committerThreads)]: String(t.committerThreads),
        // Endpoint.
        [hadoop(HADOOP_KEYS.endpointRegion)]: args.endpoint.region,
        [hadoop(HADOOP_KEYS.pathStyleAccess)]: String(args.endpoint.pathStyle),
        [hadoop(HADOOP_KEYS.sslEnabled)]: String(args.endpoint.tls),
        // Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (a Kubernetes Secret).
        [hadoop(HADOOP_KEYS.credentialsProvider)]: credentialsProviderFor(args.auth ?? "keys", args.runtime),
        // Uploads.
        [hadoop(HADOOP_KEYS.bufferDir)]: args.bufferDir,
        [hadoop(HADOOP_KEYS.fastUploadBuffer)]: t.fastUploadBuffer,
        [hadoop(HADOOP_KEYS.multipartSize)]: t.multipartSize,
        [hadoop(HADOOP_KEYS.threadsMax)]: String(t.threadsMax),
        [hadoop(HADOOP_KEYS.connectionMaximum)]: String(t.connectionMaximum),
        // Fewer requests per committed file on the job's Hadoop line.
        ...requestSavingConf(args.runtime),
    };
    if (args.endpoint.url) {
        conf[hadoop(HADOOP_KEYS.endpoint)] = args.endpoint.url;
    }
    if (isStagingCommitter(args.committer)) {
        // The real key (not the article's fs.s3a.committer.tmp.path), on the shared volume.
        conf[hadoop(HADOOP_KEYS.stagingTmpPath)] = stagingTmpPath(args.stagingMountPath);
        conf[hadoop(HADOOP_KEYS.conflictMode)] = args.conflictMode;
    } else {
        conf[hadoop(HADOOP_KEYS.magicEnabled)] = "true";
    }
    return conf;
}

/**
 * The committer jars for a stock image (see committerJars); the image's home is not writable,
 * hence the ivy dir.
 */
export function packagesSparkConf(runtime: SparkRuntime): Record<string, string> {
    const { packages, jars } = committerJars(runtime);
    return {
        [SPARK_KEYS.jarsPackages]: packages.join(","),
        [SPARK_KEYS.jars]: jars.join(","),
        [SPARK_KEYS.jarsIvy]: "/tmp/.ivy2",
    };
}

/**
 * Kubernetes-native conf: the staging PVC and the pod-local buffer emptyDir in driver and
 * executors, and the credentials as env from a Secret. Spark applies all of them itself
 * (spark.kubernetes.{driver,executor}.volumes.*, .secretKeyRef.*), so none depends on the
 * operator's webhook.
 */
export function kubernetesSparkConf(staging: StagingMount, buffer: BufferMount, creds: CredentialsRef | undefined): Record<string, string> {
    const conf: Record<string, string> = {};
    for (const role of ["driver", "executor"]) {
        const v = `spark.kubernetes.${role}.volumes.persistentVolumeClaim.${staging.volumeName}`;
        conf[`${v}.options.claimName`] = staging.claimName;
        conf[`${v}.mount.path`] = staging.mountPath;
        conf[`${v}.mount.readOnly`] = "false";
        const b = `spark.kubernetes.${role}.volumes.emptyDir.${buffer.volumeName}`;
        conf[`${b}.mount.path`] = buffer.mountPath;
        conf[`${b}.mount.readOnly`] = "false";
        conf[`${b}.options.sizeLimit`] = buffer.sizeLimit;
        if (creds) {
            conf[`spark.kubernetes.${role}.secretKeyRef.AWS_ACCESS_KEY_ID`] = `${creds.secretName}:${creds.accessKeyIdKey}`;
            conf[`spark.kubernetes.${role}.secretKeyRef.AWS_SECRET_ACCESS_KEY`] = `${creds.secretName}:${creds.secretAccessKeyKey}`;
        }
    }
    return conf;
}

export interface SparkConfArgs extends Omit<S3AProfileArgs, "stagingMountPath" | "bufferDir"> {
    readonly staging: StagingMount;
    readonly buffer: BufferMount;
    /** The key pair's Secret (auth "keys"); absent with a pod identity. */
    readonly credentials?: CredentialsRef;
    /** Use spark.jars.packages (stock image); false when a custom image carries the jars. */
    readonly packages: boolean;
    /** User additions and overrides from stack config; applied last. */
    readonly overrides?: Readonly<Record<string, string>>;
    /** JVM options driver and executors need (the S3 CA's truststore); appended to any the overrides set. */
    readonly javaOptions?: string;
    /** A job's own dependencies, appended to the committer jars and packages (never replacing them). */
    readonly deps?: JobDeps;
}

/**
 * A job's dependencies, as URIs spark-submit reads (local://, https://). They go into sparkConf,
 * not spec.deps: the operator turns spec.deps.jars and .packages into --jars and --packages,
 * which replace spark.jars and spark.jars.packages (SparkSubmitArguments reads the conf only when
 * the option is absent), and with them the committer jars of a stock image.
 */
export interface JobDeps {
    readonly jars?: readonly string[];
    readonly packages?: readonly string[];
    readonly pyFiles?: readonly string[];
    readonly files?: readonly string[];
}

/** The complete sparkConf of a SparkApplication. */
export function sparkConfFor(args: SparkConfArgs): Record<string, string> {
    const conf: Record<string, string> = {
        ...s3aSparkConf({ ...args, stagingMountPath: args.staging.mountPath, bufferDir: args.buffer.mountPath }),
        ...(args.packages ? packagesSparkConf(args.runtime) : {}),
        ...kubernetesSparkConf(args.staging, args.buffer, args.credentials),
        ...(args.overrides ?? {}),
        ...javaOptionsConf(args.javaOptions, args.overrides),
    };
    const append = (key: string, more: readonly string[] | undefined) => {
        if (more?.length) conf[key] = [...(conf[key] ? conf[key].split(",") : []), ...more].join(",");
    };
    append(SPARK_KEYS.jars, args.deps?.jars);
    append(SPARK_KEYS.jarsPackages, args.deps?.packages);
    append("spark.submit.pyFiles", args.deps?.pyFiles);
    append("spark.files", args.deps?.files);
    return conf;
}

/** spark.{driver,executor}.extraJavaOptions: the overrides' own options, then the program's. */
function javaOptionsConf(options: string | undefined, overrides: Readonly<Record<string, string>> | undefined): Record<string, string> {
    if (!options) return {};
    const conf: Record<string, string> = {};
    for (const key of ["spark.driver.extraJavaOptions", "spark.executor.extraJavaOptions"]) {
        conf[key] = [overrides?.[key], options].filter(Boolean).join(" ");
    }
    return conf;
}
