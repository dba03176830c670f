/**
 * The S3A committer guardrails as plain functions: a SparkApplication (read into a JobView) in,
 * the violations out. The policy pack (policies/) and the `check` command (cli/) wrap these; the
 * Pulumi program calls checkSparkConf to validate a user's sparkConf overrides; tests call them
 * directly. Values unknown during preview are never read as "not set" (see conf.ts).
 */
import {
    ARTICLE_WRONG_STAGING_KEY,
    CLASSES,
    CLASSIC_COMMITTER,
    CREDENTIAL_ENV_VARS,
    CREDENTIAL_HADOOP_KEYS,
    HADOOP_KEYS,
    HADOOP_KEY_SETS,
    S3A_COMMITTERS,
    SPARK_HADOOP_PREFIX,
    SPARK_KEYS,
    isAwsEndpoint,
    isS3AOption,
    isStagingCommitter,
    s3aKeyNames,
    type HadoopKeySet,
} from "./facts";
import {
    asList,
    asObject,
    isKnown,
    isUnder,
    isUnknown,
    mountsKnown,
    optionSettings,
    perBucketReadings,
    roleMounts,
    type PodSpecLike,
    type RoleMount,
    type SparkApplicationLike,
} from "./conf";
import { jobView, type Artifact, type JobView } from "./job";
import {
    FACTS_GATHERED,
    RELEASE_FACTS,
    compareVersions,
    findRelease,
    hadoopCloudFor,
    hadoopCloudPublished,
    lineOf,
    newestRelease,
    releasesOfLine,
} from "./releases";
import { didYouMean } from "./suggest";

/** Policy names: one per guardrail, kebab-case, as the pack registers them. */
export const POLICY = {
    committer: "s3a-committer-required",
    staging: "s3a-staging-on-shared-volume",
    knownKeys: "s3a-known-keys",
    credentials: "s3a-no-literal-credentials",
    jars: "s3a-committer-jars",
    versionAllowed: "spark-version-allowed",
    tls: "s3a-tls-required",
    thirdParty: "s3a-third-party-endpoint",
    consistency: "s3a-committer-consistency",
    jarDelivery: "s3a-jar-delivery",
    versionKnown: "spark-version-known",
    bufferDir: "s3a-buffer-dir-local",
    concurrentWriters: "s3a-concurrent-writers",
    previewCoverage: "s3a-preview-coverage",
    bucketLifecycle: "s3-bucket-aborts-incomplete-uploads",
} as const;
export type PolicyName = (typeof POLICY)[keyof typeof POLICY];

export type EnforcementLevel = "mandatory" | "advisory";

/** Each policy's default enforcement level (a pack config file can change it). */
export const POLICY_LEVEL: Readonly<Record<PolicyName, EnforcementLevel>> = {
    [POLICY.committer]: "mandatory",
    [POLICY.staging]: "mandatory",
    [POLICY.knownKeys]: "mandatory",
    [POLICY.credentials]: "mandatory",
    [POLICY.jars]: "mandatory",
    [POLICY.versionAllowed]: "mandatory",
    [POLICY.tls]: "advisory",
    [POLICY.thirdParty]: "advisory",
    [POLICY.consistency]: "advisory",
    [POLICY.jarDelivery]: "advisory",
    [POLICY.versionKnown]: "advisory",
    [POLICY.bufferDir]: "advisory",
    [POLICY.concurrentWriters]: "advisory",
    [POLICY.previewCoverage]: "advisory",
    [POLICY.bucketLifecycle]: "advisory",
};

export interface Violation {
    readonly policy: PolicyName;
    readonly message: string;
    /** The configuration key or field the finding is about (e.g. spark.jars.packages, spec.sparkVersion). */
    readonly key?: string;
}

export interface CheckOptions {
    /** Committers a job may use. Default: directory, partitioned, magic. */
    readonly allowedCommitters?: readonly string[];
    /** Endpoints (host, host:port or URL prefix) allowed without TLS. Default: none. */
    readonly insecureEndpoints?: readonly string[];
    /** Image prefixes known to carry hadoop-aws and spark-hadoop-cloud. Default: none. */
    readonly trustedImages?: readonly string[];
    /**
     * Access modes of the claims the stack knows (name -> modes, or "namespace/name" -> modes). A
     * claim missing here is only accepted when listed in `sharedClaims`.
     */
    readonly claimAccessModes?: ReadonlyMap<string, readonly string[]>;
    /** Claims created outside the stack that are known to be ReadWriteMany. */
    readonly sharedClaims?: readonly string[];
    /**
     * Spark versions a platform allows: exact releases ("4.0.4"), lines ("4.0", "4.0.x", "4.0.*")
     * or "*". Empty or unset: every version is allowed.
     */
    readonly allowedSparkVersions?: readonly string[];
}

const DEFAULT_ALLOWED: readonly string[] = S3A_COMMITTERS;

const v = (policy: PolicyName, message: string, key?: string): Violation => (key ? { policy, message, key } : { policy, message });
const sh = (hadoopKey: string) => SPARK_HADOOP_PREFIX + hadoopKey;

// --- 1. committer -------------------------------------------------------------------------------

export function checkCommitter(view: JobView, opts: CheckOptions = {}): Violation[] {
    const allowed = opts.allowedCommitters ?? DEFAULT_ALLOWED;
    const out: Violation[] = [];
    const settings = optionSettings(view.hadoop, HADOOP_KEYS.committerName);
    const global = settings.find((s) => s.bucket === undefined);
    const fix = `set spark.hadoop.${HADOOP_KEYS.committerName} to one of ${allowed.join(", ")}`;
    const committerKey = sh(HADOOP_KEYS.committerName);
    if (!global && view.keysKnown) {
        out.push(
            v(
                POLICY.committer,
                `spark.hadoop.${HADOOP_KEYS.committerName} is not set, so Hadoop uses the classic "${CLASSIC_COMMITTER}" rename committer, which is slow and unsafe on S3: ${fix} (for example "directory").${magicDefaultNote(view)}`,
                committerKey,
            ),
        );
    }
    for (const s of settings) {
        if (isUnknown(s.value) || allowed.includes(s.value)) continue;
        const what = s.value === CLASSIC_COMMITTER ? `the classic "${CLASSIC_COMMITTER}" rename committer` : `"${s.value}"`;
        const byDefault = view.defaulted.has(sh(s.key))
            ? ` (Spark ${view.sparkVersion} selects it by default when spark-hadoop-cloud is on the classpath)`
            : "";
        out.push(
            v(
                POLICY.committer,
                `spark.hadoop.${s.key}=${s.value} selects ${what}${s.bucket ? ` for bucket ${s.bucket}` : ""}${byDefault}, which is not an allowed S3A committer: ${fix}.`,
                sh(s.key),
            ),
        );
    }
    const protocol = view.conf[SPARK_KEYS.commitProtocolClass];
    if (!isUnknown(protocol) && protocol !== CLASSES.pathOutputCommitProtocol && (protocol !== undefined || view.keysKnown)) {
        out.push(
            v(
                POLICY.committer,
                `${SPARK_KEYS.commitProtocolClass} is ${protocol ?? "not set"}: set it to ${CLASSES.pathOutputCommitProtocol}, or Spark never asks the S3A committer factory.`,
                SPARK_KEYS.commitProtocolClass,
            ),
        );
    }
    const parquet = view.conf[SPARK_KEYS.parquetCommitterClass];
    if (!isUnknown(parquet) && parquet !== CLASSES.bindingParquetOutputCommitter && (parquet !== undefined || view.keysKnown)) {
        out.push(
            v(
                POLICY.committer,
                `${SPARK_KEYS.parquetCommitterClass} is ${parquet ?? "not set"}: set it to ${CLASSES.bindingParquetOutputCommitter}, or Parquet writes use the classic committer.`,
                SPARK_KEYS.parquetCommitterClass,
            ),
        );
    }
    return out;
}

/** Why Spark 4.1's magic default did not apply, when the job is on 4.1 or later. */
function magicDefaultNote(view: JobView): string {
    if (!isKnown(view.sparkVersion) || !/^\d+\.\d+/.test(view.sparkVersion) || compareVersions(lineOf(view.sparkVersion), "4.1") < 0)
        return "";
    const magic = view.conf[sh(HADOOP_KEYS.magicEnabled)];
    if (magic !== undefined && magic !== "true") {
        return ` (Spark ${view.sparkVersion} would default to the magic committer, but spark.hadoop.${HADOOP_KEYS.magicEnabled}=${magic} turns that off.)`;
    }
    return ` (Spark ${view.sparkVersion} defaults to the magic committer only when spark-hadoop-cloud is on the classpath, and this job has no spark-hadoop-cloud.)`;
}

// --- 2. staging directory on a shared volume ----------------------------------------------------

function localPathOf(uri: string): string | undefined {
    if (uri.startsWith("file://")) return uri.slice("file://".length).replace(/^\/*/, "/");
    if (uri.startsWith("/")) return uri; // no scheme: Hadoop resolves it on fs.defaultFS, file:/// on Kubernetes
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) return undefined; // hdfs://, s3a://...: not a local path
    return ""; // relative: resolved under the user's home on the default FS, a pod-local directory
}

function claimIsRwx(m: RoleMount, namespace: string | undefined, opts: CheckOptions): boolean | undefined {
    if (m.kind === "nfs") return true;
    if (m.kind !== "pvc" || !m.claimName) return false;
    if (isUnknown(m.claimName)) return undefined;
    if (opts.sharedClaims?.includes(m.claimName)) return true;
    const modes = opts.claimAccessModes?.get(`${namespace ?? ""}/${m.claimName}`) ?? opts.claimAccessModes?.get(m.claimName);
    if (!modes) return undefined;
    return modes.includes("ReadWriteMany");
}

const deepestMount = (mounts: RoleMount[], path: string) =>
    mounts.filter((m) => isKnown(m.mountPath) && isUnder(path, m.mountPath)).sort((a, b) => b.mountPath.length - a.mountPath.length)[0];

const namespaceOf = (app: SparkApplicationLike) => (typeof app.metadata?.namespace === "string" ? app.metadata.namespace : undefined);

export function checkStaging(view: JobView, opts: CheckOptions = {}): Violation[] {
    const { app, conf, hadoop } = view;
    const staging = optionSettings(hadoop, HADOOP_KEYS.committerName).filter((s) => isStagingCommitter(s.value));
    if (staging.length === 0) return [];
    const committer = staging.map((s) => s.value).join("/");
    const paths = optionSettings(hadoop, HADOOP_KEYS.stagingTmpPath);
    const key = sh(HADOOP_KEYS.stagingTmpPath);
    const example = `${key}=file:///staging/committer with a ReadWriteMany PVC mounted at /staging in driver and executors`;
    if (paths.length === 0) {
        if (!view.keysKnown) return [];
        const wrong = ARTICLE_WRONG_STAGING_KEY in hadoop ? ` (${ARTICLE_WRONG_STAGING_KEY} is not a Hadoop key and is ignored)` : "";
        return [
            v(
                POLICY.staging,
                `the ${committer} committer keeps pending commits in ${key}, which is not set${wrong}: Hadoop then uses tmp/staging on each pod's local disk and the job can succeed with missing output. Set ${example}.`,
                key,
            ),
        ];
    }
    const out: Violation[] = [];
    const driver = roleMounts(app, conf, "driver");
    const executor = roleMounts(app, conf, "executor");
    const known = { driver: mountsKnown(app, conf, "driver"), executor: mountsKnown(app, conf, "executor") };
    for (const p of paths) {
        if (isUnknown(p.value)) continue;
        const local = localPathOf(p.value);
        if (local === undefined) continue; // a cluster filesystem (hdfs://...): shared by nature
        if (local === "") {
            out.push(
                v(
                    POLICY.staging,
                    `spark.hadoop.${p.key}=${p.value} is a relative path on each pod's local disk: set ${example}.`,
                    sh(p.key),
                ),
            );
            continue;
        }
        const dm = deepestMount(driver, local);
        const em = deepestMount(executor, local);
        if ((!dm && !known.driver) || (!em && !known.executor)) continue; // mounts unknown during preview
        if (!dm || !em) {
            const missing = [!dm ? "the driver" : "", !em ? "the executors" : ""].filter(Boolean).join(" and ");
            out.push(
                v(
                    POLICY.staging,
                    `spark.hadoop.${p.key}=${p.value} is not on a volume mounted in ${missing}: mount the same ReadWriteMany claim at the same path in driver and executors (spark.kubernetes.{driver,executor}.volumes.persistentVolumeClaim.<name>.mount.path).`,
                    sh(p.key),
                ),
            );
            continue;
        }
        if (isUnknown(dm.claimName) || isUnknown(em.claimName)) continue;
        const sameVolume = dm.mountPath === em.mountPath && dm.kind === em.kind && (dm.kind !== "pvc" || dm.claimName === em.claimName);
        if (!sameVolume) {
            out.push(
                v(
                    POLICY.staging,
                    `spark.hadoop.${p.key}=${p.value}: the driver mounts ${describe(dm)} but the executors mount ${describe(em)}; both must mount the same ReadWriteMany claim at the same path.`,
                    sh(p.key),
                ),
            );
            continue;
        }
        const rwx = claimIsRwx(dm, namespaceOf(app), opts);
        if (rwx === false) {
            out.push(
                v(
                    POLICY.staging,
                    `spark.hadoop.${p.key}=${p.value} is on ${describe(dm)}, which is not ReadWriteMany: driver and executors on different nodes would not share it. Use a ReadWriteMany (NFS) claim.`,
                    sh(p.key),
                ),
            );
        } else if (rwx === undefined && !isUnknown(dm.claimName)) {
            out.push(
                v(
                    POLICY.staging,
                    `spark.hadoop.${p.key}=${p.value} is on claim ${dm.claimName}, which is not among the resources checked (the stack, or the manifests given to the check command), so its access mode is unknown: declare the claim there with ReadWriteMany, or list it in the policy's sharedClaims.`,
                    sh(p.key),
                ),
            );
        }
    }
    return out;
}

function describe(m: RoleMount): string {
    return m.kind === "pvc" ? `claim ${m.claimName} at ${m.mountPath}` : `a ${m.kind} volume "${m.volume}" at ${m.mountPath}`;
}

// --- 2b. S3A buffer directory on pod-local disk ------------------------------------------------

/**
 * fs.s3a.buffer.dir on shared storage (DESIGN.md section 4, issue 11.3): with fast.upload.buffer
 * =disk (the default) every block S3A uploads is written there first and read back for the
 * upload, so on NFS each byte crosses the network twice before it reaches S3. Hadoop's default
 * (${env.LOCAL_DIRS:-${hadoop.tmp.dir}}/s3a) is pod-local.
 */
export function checkBufferDir(view: JobView, opts: CheckOptions = {}): Violation[] {
    const { app, conf, hadoop } = view;
    const out: Violation[] = [];
    const stagingPath = optionSettings(hadoop, HADOOP_KEYS.stagingTmpPath)
        .map((s) => (isKnown(s.value) ? localPathOf(s.value) : undefined))
        .find((p): p is string => !!p);
    for (const s of optionSettings(hadoop, HADOOP_KEYS.bufferDir)) {
        if (isUnknown(s.value)) continue;
        const shared = new Map<string, string[]>();
        for (const dir of s.value.split(",").map((d) => d.trim())) {
            if (!dir || dir.includes("${")) continue;
            const local = localPathOf(dir);
            if (!local) continue;
            for (const role of ["driver", "executor"] as const) {
                const mounts = roleMounts(app, conf, role);
                const m = deepestMount(mounts, local);
                if (!m || isUnknown(m.claimName)) continue;
                const stagingMount = stagingPath ? deepestMount(mounts, stagingPath) : undefined;
                const onStagingClaim = !!stagingMount && stagingMount.kind === m.kind && stagingMount.volume === m.volume;
                const rwx = claimIsRwx(m, namespaceOf(app), opts) === true;
                if (!onStagingClaim && !rwx) continue;
                const what = onStagingClaim
                    ? `the shared staging volume (${describe(m)})`
                    : `shared storage (${describe(m)}, ReadWriteMany)`;
                shared.set(what, [...(shared.get(what) ?? []), role === "driver" ? "driver" : "executors"]);
            }
        }
        for (const [what, roles] of shared) {
            out.push(
                v(
                    POLICY.bufferDir,
                    `spark.hadoop.${s.key}=${s.value} is on ${what} in the ${[...new Set(roles)].join(" and ")}: S3A writes every block it uploads there and reads it back, so each byte crosses NFS twice before it reaches S3. Keep the buffer on pod-local disk: an emptyDir (spark.kubernetes.{driver,executor}.volumes.emptyDir.<name>.mount.path=/s3a-buffer and spark.hadoop.${HADOOP_KEYS.bufferDir}=/s3a-buffer), or leave it unset for Hadoop's pod-local default; only ${HADOOP_KEYS.stagingTmpPath} must be shared.`,
                    sh(s.key),
                ),
            );
        }
    }
    return out;
}

// --- 3. known fs.s3a keys -----------------------------------------------------------------------

export function checkKnownKeys(view: JobView): Violation[] {
    const out: Violation[] = [];
    // Spark version unknown (preview) or not set: only what no Hadoop release knows is certain.
    const anyVersion = !view.release && !(view.standing && view.standing.kind !== "unreleased");
    const sets: readonly HadoopKeySet[] = anyVersion ? HADOOP_KEY_SETS : [view.keySet];
    const isOption = (k: string) => sets.some((s) => isS3AOption(k, s));
    for (const key of Object.keys(view.hadoop).sort()) {
        if (!key.startsWith("fs.s3a.") || view.defaulted.has(sh(key)) || isOption(key)) continue;
        if (perBucketReadings(key).some((r) => isOption(r.generic))) continue;
        const known = anyVersion ? new Set(HADOOP_KEY_SETS.flatMap((s) => [...s3aKeyNames(s)])) : s3aKeyNames(view.keySet);
        const suggestion = key === ARTICLE_WRONG_STAGING_KEY ? HADOOP_KEYS.stagingTmpPath : didYouMean(key, known);
        const elsewhere = HADOOP_KEY_SETS.filter(
            (s) => isS3AOption(key, s) || perBucketReadings(key).some((r) => isS3AOption(r.generic, s)),
        );
        const where = anyVersion
            ? `any Hadoop release the pack knows (${HADOOP_KEY_SETS.join(", ")})`
            : `Hadoop ${view.keySet}${view.release ? ` (Spark ${view.release.spark})` : view.keySetExact ? "" : ` (the newest list the pack holds; Spark ${view.sparkVersion} is newer than its facts)`}`;
        out.push(
            v(
                POLICY.knownKeys,
                `spark.hadoop.${key} is not an S3A option of ${where}; Hadoop silently ignores it.${elsewhere.length ? ` It is an option of Hadoop ${elsewhere.join(", ")}.` : ""}${suggestion ? ` Did you mean spark.hadoop.${suggestion}?` : ""}`,
                sh(key),
            ),
        );
    }
    return out;
}

// --- 4. no credentials as literals --------------------------------------------------------------

const AWS_KEY_ID = /\b(AKIA|ASIA)[0-9A-Z]{16}\b/;

export function checkCredentials(view: JobView): Violation[] {
    return [...checkCredentialsInConf(view.conf), ...checkCredentialsInEnv(view.app)];
}

export function checkCredentialsInConf(conf: Record<string, string>): Violation[] {
    const out: Violation[] = [];
    const fix =
        "put the key pair in a Kubernetes Secret and expose it with spark.kubernetes.{driver,executor}.secretKeyRef.AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY";
    const hadoop: Record<string, string> = {};
    for (const [k, val] of Object.entries(conf)) if (k.startsWith(SPARK_HADOOP_PREFIX)) hadoop[k.slice(SPARK_HADOOP_PREFIX.length)] = val;
    for (const generic of CREDENTIAL_HADOOP_KEYS) {
        for (const s of optionSettings(hadoop, generic)) {
            if (s.value !== "" && !isUnknown(s.value)) {
                out.push(v(POLICY.credentials, `spark.hadoop.${s.key} holds a credential in plain text: ${fix}.`, sh(s.key)));
            }
        }
    }
    for (const [k, val] of Object.entries(conf)) {
        if (isUnknown(val)) continue;
        const env = /^spark\.(?:kubernetes\.driverEnv|executorEnv)\.(.+)$/.exec(k);
        if (env && CREDENTIAL_ENV_VARS.includes(env[1]) && val !== "") {
            out.push(v(POLICY.credentials, `${k} sets ${env[1]} in plain text: ${fix}.`, k));
        } else if (!k.includes("secretKeyRef") && AWS_KEY_ID.test(val) && !CREDENTIAL_HADOOP_KEYS.some((c) => k.endsWith(c))) {
            out.push(v(POLICY.credentials, `${k} contains what looks like an AWS access key id: ${fix}.`, k));
        }
    }
    return out;
}

function checkCredentialsInEnv(app: SparkApplicationLike): Violation[] {
    const out: Violation[] = [];
    for (const role of ["driver", "executor"] as const) {
        for (const raw of asList<unknown>(
            asObject<PodSpecLike>(asObject<NonNullable<SparkApplicationLike["spec"]>>(app.spec)?.[role])?.env,
        )) {
            const e = asObject<{ name?: string; value?: string }>(raw);
            if (e?.name && CREDENTIAL_ENV_VARS.includes(e.name) && e.value !== undefined && e.value !== "" && !isUnknown(e.value)) {
                out.push(
                    v(
                        POLICY.credentials,
                        `spec.${role}.env ${e.name} has a literal value: use valueFrom.secretKeyRef (or Spark's spark.kubernetes.${role}.secretKeyRef.${e.name}) instead.`,
                        `spec.${role}.env`,
                    ),
                );
            }
        }
    }
    return out;
}

// --- 5. TLS -------------------------------------------------------------------------------------

function endpointAllowed(endpoint: string, allow: readonly string[]): boolean {
    const bare = endpoint.replace(/^[a-z]+:\/\//i, "").replace(/\/.*$/, "");
    const host = bare.split(":")[0];
    return allow.some(
        (a) =>
            a === endpoint ||
            a === bare ||
            a === host ||
            (a.includes("://") && endpoint.startsWith(a)) ||
            (a.startsWith("*.") && host.endsWith(a.slice(1))),
    );
}

export function checkTls(view: JobView, opts: CheckOptions = {}): Violation[] {
    const hadoop = view.hadoop;
    const allow = opts.insecureEndpoints ?? [];
    const out: Violation[] = [];
    const endpoints = optionSettings(hadoop, HADOOP_KEYS.endpoint);
    const endpointFor = (bucket?: string) =>
        endpoints.find((e) => e.bucket === bucket)?.value ?? endpoints.find((e) => e.bucket === undefined)?.value;
    for (const e of endpoints) {
        if (e.value.toLowerCase().startsWith("http://") && !endpointAllowed(e.value, allow)) {
            out.push(
                v(
                    POLICY.tls,
                    `spark.hadoop.${e.key}=${e.value} sends data and signed requests without TLS: use https://, or add this endpoint to the policy's insecureEndpoints allow-list (for an in-cluster test store only).`,
                    sh(e.key),
                ),
            );
        }
    }
    for (const s of optionSettings(hadoop, HADOOP_KEYS.sslEnabled)) {
        if (s.value.trim().toLowerCase() !== "false") continue;
        const ep = endpointFor(s.bucket);
        if (isUnknown(ep) || (ep && endpointAllowed(ep, allow))) continue;
        out.push(
            v(
                POLICY.tls,
                `spark.hadoop.${s.key}=false turns TLS off for ${ep ?? "AWS S3"}: remove it, or add the endpoint to the policy's insecureEndpoints allow-list.`,
                sh(s.key),
            ),
        );
    }
    return out;
}

// --- 6. committer jars (mandatory: what fails at runtime) ----------------------------------------

const hasVersion = (a: Artifact): a is Artifact & { version: string } => typeof a.version === "string";

function trusted(view: JobView, opts: CheckOptions): boolean {
    const t = opts.trustedImages ?? [];
    return view.images.length > 0 && view.images.every((i) => t.some((p) => i.startsWith(p)));
}

/** What to tell a job that needs spark-hadoop-cloud for a release. */
function cloudAdvice(release: { spark: string; line: string; hadoop: string }, scala: string): string {
    const best = findRelease(release.spark) ? hadoopCloudFor(findRelease(release.spark)!, scala) : undefined;
    return best
        ? `org.apache.spark:spark-hadoop-cloud_${scala}:${best}`
        : `a spark-hadoop-cloud_${scala} built for Spark ${release.line} (Maven Central has none for Hadoop ${release.hadoop} as of ${FACTS_GATHERED}: build Spark's hadoop-cloud module into the image)`;
}

export function checkJars(view: JobView, opts: CheckOptions = {}): Violation[] {
    const out: Violation[] = [];
    const rel = view.release;
    const scalaArtifacts = view.artifacts.filter((a) => a.scala);
    if (!rel) {
        // Without release facts only a mix of Scala builds is certain to fail.
        const scalas = [...new Set(scalaArtifacts.map((a) => a.scala))];
        if (scalas.length > 1) {
            out.push(
                v(
                    POLICY.jars,
                    `the job mixes jars for Scala ${scalas.join(" and ")} (${scalaArtifacts.map((a) => a.text).join(", ")}): one Spark build runs one Scala; use the artifacts of the job's Scala build only.`,
                    scalaArtifacts[0].from,
                ),
            );
        }
        return out;
    }
    // The image's own Spark (stock images name it in the tag) against spec.sparkVersion
    if (view.imageSparkVersion && view.imageSparkVersion !== rel.spark) {
        const img = findRelease(view.imageSparkVersion);
        if (img && img.hadoop !== rel.hadoop) {
            out.push(
                v(
                    POLICY.jars,
                    `spec.sparkVersion is ${rel.spark} (Hadoop ${rel.hadoop}) but the image ${view.images.join(", ")} runs Spark ${img.spark} (Hadoop ${img.hadoop}): the jars chosen for one fail on the other. Make spec.sparkVersion and the image agree.`,
                    "spec.sparkVersion",
                ),
            );
        }
    }
    for (const a of view.artifacts.filter(hasVersion)) {
        if (a.base === "hadoop-aws" && a.version !== rel.hadoop) {
            out.push(
                v(
                    POLICY.jars,
                    `${a.text} is hadoop-aws ${a.version}, but Spark ${rel.spark} is built with Hadoop ${rel.hadoop}: hadoop-aws must be of exactly that Hadoop version, mixed Hadoop versions fail at runtime (NoSuchMethodError, ClassNotFoundException). Use ${rel.hadoopFacts.hadoopAws}.`,
                    a.from,
                ),
            );
        }
    }
    // Jars for another Scala build
    if (view.scala) {
        for (const a of scalaArtifacts.filter((x) => x.scala !== view.scala)) {
            out.push(
                v(
                    POLICY.jars,
                    `${a.text} is built for Scala ${a.scala}, but this job runs Spark ${rel.spark} for Scala ${view.scala}: Scala ${a.scala} classes fail to link at runtime. Use ${a.base}_${view.scala}.`,
                    a.from,
                ),
            );
        }
    } else {
        const scalas = [...new Set(scalaArtifacts.map((a) => a.scala))];
        if (scalas.length > 1) {
            out.push(
                v(
                    POLICY.jars,
                    `the job mixes jars for Scala ${scalas.join(" and ")} (${scalaArtifacts.map((a) => a.text).join(", ")}): Spark ${rel.spark} runs one Scala build; use the artifacts of that one only.`,
                    scalaArtifacts[0].from,
                ),
            );
        }
    }
    // spark-hadoop-cloud of another Hadoop, or one Maven Central does not have
    for (const a of view.artifacts.filter(hasVersion).filter((x) => x.base === "spark-hadoop-cloud")) {
        const scala = a.scala ?? view.scala ?? rel.defaultScala; // the build it names, to look it up
        const jobScala = view.scala ?? a.scala ?? rel.defaultScala; // the build to advise
        const cloudRelease = findRelease(a.version);
        if (cloudRelease && cloudRelease.hadoop !== rel.hadoop) {
            out.push(
                v(
                    POLICY.jars,
                    `${a.text} is spark-hadoop-cloud of Spark ${cloudRelease.spark}, built with Hadoop ${cloudRelease.hadoop}, but Spark ${rel.spark} is built with Hadoop ${rel.hadoop}: mixed Hadoop versions fail at runtime. Use ${cloudAdvice(rel, jobScala)}.`,
                    a.from,
                ),
            );
        } else if (a.resolved && !view.customRepositories && !hadoopCloudPublished(a.version, scala)) {
            out.push(
                v(
                    POLICY.jars,
                    `${a.text} does not exist on Maven Central (facts of ${FACTS_GATHERED}; it has spark-hadoop-cloud_${scala} ${RELEASE_FACTS.sparkHadoopCloud.versions[scala]?.join(", ") || "in no version"}): spark-submit fails to resolve it. Use ${cloudAdvice(rel, jobScala)}.`,
                    a.from,
                ),
            );
        }
    }
    // Nothing on the classpath: stock images have neither jar
    if (view.stockImagesOnly && view.artifactsKnown && !trusted(view, opts)) {
        const scala = view.scala ?? rel.defaultScala;
        if (!view.artifacts.some((a) => a.base === "hadoop-aws")) {
            out.push(
                v(
                    POLICY.jars,
                    `the stock image ${view.images[0]} has no hadoop-aws and the job lists none: s3a:// fails with ClassNotFoundException (S3AFileSystem). Add ${rel.hadoopFacts.hadoopAws} to spark.jars.packages, or use an image with the jars baked in and list it in the policy's trustedImages.`,
                    SPARK_KEYS.jarsPackages,
                ),
            );
        }
        if (!view.artifacts.some((a) => a.base === "spark-hadoop-cloud")) {
            out.push(
                v(
                    POLICY.jars,
                    `the stock image ${view.images[0]} has no spark-hadoop-cloud and the job lists none: the committer binding (${CLASSES.pathOutputCommitProtocol}, ${CLASSES.bindingParquetOutputCommitter}) is missing, so the job fails or falls back to the classic committer. Add ${cloudAdvice(rel, scala)} (spark.jars or spark.jars.packages), or use an image with it baked in and list it in the policy's trustedImages.`,
                    SPARK_KEYS.jars,
                ),
            );
        }
    }
    return out;
}

// --- 6b. how the jars arrive, and drift that works but is worth a look (advisory) --------------

export function checkJarDelivery(view: JobView, opts: CheckOptions = {}): Violation[] {
    const out: Violation[] = [];
    const rel = view.release;
    const committerJars = view.artifacts.filter((a) => a.base === "hadoop-aws" || a.base === "spark-hadoop-cloud");
    // A different spark-hadoop-cloud patch release of the same line and Hadoop: works, but not the best choice
    if (rel) {
        for (const a of view.artifacts.filter(hasVersion).filter((x) => x.base === "spark-hadoop-cloud")) {
            const scala = a.scala ?? view.scala ?? rel.defaultScala;
            const cloudRelease = findRelease(a.version);
            const best = hadoopCloudFor(rel, scala);
            if (!cloudRelease || cloudRelease.hadoop !== rel.hadoop || !best || a.version === best) continue;
            const why =
                best === rel.spark
                    ? `Maven Central has spark-hadoop-cloud_${scala}:${rel.spark} itself`
                    : `Maven Central has no spark-hadoop-cloud_${scala}:${rel.spark}; ${best} is the newest ${rel.line}.x with Hadoop ${rel.hadoop}`;
            out.push(
                v(
                    POLICY.jarDelivery,
                    `${a.text} is spark-hadoop-cloud ${a.version} with Spark ${rel.spark}: same line, same Hadoop ${rel.hadoop}, so it works, but ${why}: use ${best}.`,
                    a.from,
                ),
            );
        }
        // An AWS SDK bundle listed next to hadoop-aws
        for (const a of view.artifacts.filter(hasVersion)) {
            const bundle = `${a.group ?? ""}:${a.artifact}`;
            if (bundle !== "com.amazonaws:aws-java-sdk-bundle" && bundle !== "software.amazon.awssdk:bundle") continue;
            if (`${bundle}:${a.version}` === rel.hadoopFacts.awsSdkBundle) continue;
            const major = bundle.startsWith("com.amazonaws") ? "v1" : "v2";
            out.push(
                v(
                    POLICY.jarDelivery,
                    major !== rel.hadoopFacts.awsSdk
                        ? `${a.text} is AWS SDK ${major}, but hadoop-aws ${rel.hadoop} uses SDK ${rel.hadoopFacts.awsSdk} (${rel.hadoopFacts.awsSdkBundle}, which it brings itself): drop it.`
                        : `${a.text} replaces the AWS SDK bundle hadoop-aws ${rel.hadoop} is built and tested with (${rel.hadoopFacts.awsSdkBundle}, which it brings itself): drop it unless you need a fix from it.`,
                    a.from,
                ),
            );
        }
    }
    // Delivery: packages resolved at every submission (issue 11.4)
    const resolved = committerJars.filter((a) => a.resolved);
    if (resolved.length > 0) {
        const others = committerJars.filter((a) => !a.resolved).map((a) => `${a.text} from ${a.from}`);
        out.push(
            v(
                POLICY.jarDelivery,
                `the committer jars come from ${[...new Set(resolved.map((a) => a.from))].join(" and ")} (${resolved.map((a) => a.text).join(", ")})${others.length ? `, plus ${others.join(", ")}` : ""}: in cluster mode the operator's spark-submit resolves them inside its controller pod on every submission (hadoop-aws brings the AWS SDK bundle, about 500 MB, into the controller's emptyDir), and the driver resolves them again. Bake them into the image (hadoop-aws, its SDK bundle and spark-hadoop-cloud in /opt/spark/jars) and list it in the policy's trustedImages.`,
                resolved[0].from,
            ),
        );
    } else if (view.imagesKnown && view.artifactsKnown && !view.stockImagesOnly && !trusted(view, opts)) {
        const missing = ["hadoop-aws", "spark-hadoop-cloud"].filter((b) => !committerJars.some((a) => a.base === b));
        if (missing.length > 0) {
            out.push(
                v(
                    POLICY.jarDelivery,
                    view.images.length === 0
                        ? `the job names no image and lists no ${missing.join(" or ")}: the pack cannot tell whether the committer jars are on the classpath. Name the image and list it in trustedImages (of ${POLICY.jarDelivery} and ${POLICY.jars}) if it carries them.`
                        : `the image ${view.images.join(", ")} is not in the policy's trustedImages and the job lists no ${missing.join(" or ")}: the pack cannot tell whether the image carries the committer jars. If it does, list it in trustedImages (of ${POLICY.jarDelivery} and ${POLICY.jars}); if not, add them.`,
                    "spec.image",
                ),
            );
        }
    }
    return out;
}

// --- 6c. Spark version: known to the facts, allowed by the platform ----------------------------

export function checkVersionKnown(view: JobView): Violation[] {
    const version = view.sparkVersion;
    if (isUnknown(version)) return [];
    const facts = `the pack's release facts, gathered ${FACTS_GATHERED} from Maven Central`;
    if (version === undefined || version.trim() === "") {
        return [
            v(
                POLICY.versionKnown,
                `spec.sparkVersion is not set: the pack cannot tell which Hadoop, hadoop-aws and spark-hadoop-cloud the job needs, so the jar checks were skipped and fs.s3a keys were checked against every Hadoop release it knows. Set it to the image's Spark version.`,
                "spec.sparkVersion",
            ),
        ];
    }
    const out: Violation[] = [];
    const s = view.standing;
    if (s?.kind === "newer") {
        out.push(
            v(
                POLICY.versionKnown,
                `Spark ${version} is newer than ${facts} (newest known: ${newestRelease().spark}): its Hadoop version and jars could not be checked, and fs.s3a keys were checked against Hadoop ${view.keySet}. Update the pack (policy/tools/spark-releases.ts) when Spark ${version} is on Maven Central.`,
                "spec.sparkVersion",
            ),
        );
    } else if (s?.kind === "older") {
        out.push(
            v(
                POLICY.versionKnown,
                `Spark ${version} is older than the lines ${facts} cover (${RELEASE_FACTS.minLine} and later): its Hadoop version and jars could not be checked.`,
                "spec.sparkVersion",
            ),
        );
    } else if (s?.kind === "unreleased") {
        const line = releasesOfLine(lineOf(version)).map((r) => r.spark);
        out.push(
            v(
                POLICY.versionKnown,
                `Spark ${version} is not a release in ${facts}${line.length ? ` (the ${lineOf(version)} line has ${[...line].reverse().join(", ")})` : ""}: check spec.sparkVersion; its jars could not be checked.`,
                "spec.sparkVersion",
            ),
        );
    }
    const rel = view.release;
    if (rel && view.imageSparkVersion && view.imageSparkVersion !== rel.spark) {
        const img = findRelease(view.imageSparkVersion);
        if (!img || img.hadoop === rel.hadoop) {
            out.push(
                v(
                    POLICY.versionKnown,
                    `spec.sparkVersion is ${rel.spark} but the image ${view.images.join(", ")} runs Spark ${view.imageSparkVersion}: the pack checked the jars for ${rel.spark}. Make them agree.`,
                    "spec.sparkVersion",
                ),
            );
        }
    }
    return out;
}

/** Does a version match an allowedSparkVersions entry ("4.0.4", "4.0", "4.0.x", "4.0.*", "*")? */
export function versionAllowedBy(version: string, pattern: string): boolean {
    const p = pattern.trim();
    if (p === "*" || p === version) return true;
    const line = /^(\d+\.\d+)(?:\.[x*])?$/.exec(p);
    return !!line && lineOf(version) === line[1];
}

export function checkVersionAllowed(view: JobView, opts: CheckOptions = {}): Violation[] {
    const allowed = opts.allowedSparkVersions ?? [];
    if (allowed.length === 0 || isUnknown(view.sparkVersion)) return [];
    const out: Violation[] = [];
    const list = allowed.join(", ");
    const version = view.sparkVersion;
    if (!version) {
        return [v(POLICY.versionAllowed, `spec.sparkVersion is not set; this platform allows Spark ${list}.`, "spec.sparkVersion")];
    }
    if (!allowed.some((p) => versionAllowedBy(version, p))) {
        out.push(v(POLICY.versionAllowed, `Spark ${version} is not allowed on this platform (allowed: ${list}).`, "spec.sparkVersion"));
    }
    const img = view.imageSparkVersion;
    if (img && img !== version && !allowed.some((p) => versionAllowedBy(img, p))) {
        out.push(
            v(
                POLICY.versionAllowed,
                `the image ${view.images.join(", ")} runs Spark ${img}, which is not allowed on this platform (allowed: ${list}).`,
                "spec.image",
            ),
        );
    }
    return out;
}

// --- 7. third-party endpoints -------------------------------------------------------------------

/** The newest AWS SDK v2 before the SDK's default request checksums (2.30.0), which third-party stores reject. */
const LAST_SDK_WITHOUT_DEFAULT_CHECKSUMS = "2.29.52";

export function checkThirdPartyEndpoint(view: JobView): Violation[] {
    const hadoop = view.hadoop;
    const out: Violation[] = [];
    // Hadoop 3.4 (SDK v2) resolves the region from AWS when none is set; 3.3 does not need it.
    const needsRegion = !view.hadoopVersion || compareVersions(view.hadoopVersion, "3.4") >= 0;
    // Options third-party stores need only where the job's Hadoop has them (its own key list).
    const has = (key: string) => (view.release || view.keySetExact ? isS3AOption(key, view.keySet) : false);
    for (const e of optionSettings(hadoop, HADOOP_KEYS.endpoint)) {
        if (isUnknown(e.value)) continue;
        if (!/^https?:\/\//i.test(e.value)) {
            out.push(v(POLICY.thirdParty, `spark.hadoop.${e.key}=${e.value} has no scheme: write it as https://${e.value}.`, sh(e.key)));
        }
        if (isAwsEndpoint(e.value)) continue;
        const scope = (generic: string) =>
            (e.bucket && hadoop[`fs.s3a.bucket.${e.bucket}.${generic.slice("fs.s3a.".length)}`]) ?? hadoop[generic];
        const setting = (generic: string) =>
            e.bucket && hadoop[`fs.s3a.bucket.${e.bucket}.${generic.slice("fs.s3a.".length)}`] !== undefined
                ? `fs.s3a.bucket.${e.bucket}.${generic.slice("fs.s3a.".length)}`
                : generic;
        const pathStyle = scope(HADOOP_KEYS.pathStyleAccess);
        if (!isUnknown(pathStyle) && (pathStyle !== undefined || view.keysKnown) && (pathStyle ?? "").trim().toLowerCase() !== "true") {
            out.push(
                v(
                    POLICY.thirdParty,
                    `spark.hadoop.${e.key}=${e.value} is not AWS: set spark.hadoop.${HADOOP_KEYS.pathStyleAccess}=true (virtual-host requests fail against MinIO and FlashBlade).`,
                    sh(HADOOP_KEYS.pathStyleAccess),
                ),
            );
        }
        const region = scope(HADOOP_KEYS.endpointRegion);
        if (needsRegion && !isUnknown(region) && (region !== undefined || view.keysKnown) && !(region ?? "").trim()) {
            out.push(
                v(
                    POLICY.thirdParty,
                    `spark.hadoop.${e.key}=${e.value} is not AWS: set spark.hadoop.${HADOOP_KEYS.endpointRegion} (for example us-east-1); Hadoop 3.4 otherwise tries to resolve the region from AWS.`,
                    sh(HADOOP_KEYS.endpointRegion),
                ),
            );
        }
        // Hadoop 3.5.0 (AWS SDK 2.35): fs.s3a.checksum.generation=true makes the SDK send checksums on every request.
        const generation = scope(HADOOP_KEYS.checksumGeneration);
        if (has(HADOOP_KEYS.checksumGeneration) && isKnown(generation) && generation.trim().toLowerCase() === "true") {
            out.push(
                v(
                    POLICY.thirdParty,
                    `spark.hadoop.${setting(HADOOP_KEYS.checksumGeneration)}=true with ${e.value}, which is not AWS: the SDK then adds checksums to every request, which third-party stores such as FlashBlade reject. Leave it at Hadoop's default, false.`,
                    sh(setting(HADOOP_KEYS.checksumGeneration)),
                ),
            );
        }
        // Hadoop 3.4.2+: fs.s3a.create.checksum.algorithm asks the store for a checksum on every upload.
        const algorithm = scope(HADOOP_KEYS.checksumAlgorithm);
        if (has(HADOOP_KEYS.checksumAlgorithm) && isKnown(algorithm) && !["", "none"].includes(algorithm.trim().toLowerCase())) {
            out.push(
                v(
                    POLICY.thirdParty,
                    `spark.hadoop.${setting(HADOOP_KEYS.checksumAlgorithm)}=${algorithm} with ${e.value}, which is not AWS: many third-party stores (older MinIO, FlashBlade) reject uploads with ${algorithm} checksums. Remove it unless the store documents support.`,
                    sh(setting(HADOOP_KEYS.checksumAlgorithm)),
                ),
            );
        }
        // Hadoop 3.4.2+: create.performance without overwrite sends a conditional PUT (If-None-Match: *),
        // unless fs.s3a.create.conditional.enabled=false (S3AFileSystem.innerCreateFile, default true).
        if (has(HADOOP_KEYS.conditionalCreate)) {
            const perf = scope(HADOOP_KEYS.createPerformance);
            const flags = scope(HADOOP_KEYS.performanceFlags);
            const perfOn =
                (isKnown(perf) && perf.trim().toLowerCase() === "true") ||
                (isKnown(flags) && flags.split(",").some((f) => ["create", "*"].includes(f.trim().toLowerCase())));
            const conditional = scope(HADOOP_KEYS.conditionalCreate);
            if (perfOn && !isUnknown(conditional) && (conditional ?? "true").trim().toLowerCase() !== "false") {
                out.push(
                    v(
                        POLICY.thirdParty,
                        `${e.value} is not AWS and create performance is on: Hadoop ${view.keySet} then writes new files with a conditional PUT (If-None-Match: *), which stores without conditional writes reject. Set spark.hadoop.${HADOOP_KEYS.conditionalCreate}=false unless the store supports them.`,
                        sh(HADOOP_KEYS.conditionalCreate),
                    ),
                );
            }
        }
        // An SDK bundle newer than 2.29.52 on a Hadoop without fs.s3a.checksum.generation: no way to turn the checksums off.
        for (const a of view.artifacts) {
            if (a.group !== "software.amazon.awssdk" || a.artifact !== "bundle" || !a.version) continue;
            if (compareVersions(a.version, LAST_SDK_WITHOUT_DEFAULT_CHECKSUMS) <= 0 || has(HADOOP_KEYS.checksumGeneration) || !view.release)
                continue;
            out.push(
                v(
                    POLICY.thirdParty,
                    `${a.text} with ${e.value}, which is not AWS: SDK versions after ${LAST_SDK_WITHOUT_DEFAULT_CHECKSUMS} add checksums to every request, which third-party stores such as FlashBlade reject, and Hadoop ${view.release.hadoop} has no fs.s3a.checksum.generation to turn them off. Use the bundle hadoop-aws brings (${view.release.hadoopFacts.awsSdkBundle}).`,
                    a.from,
                ),
            );
        }
    }
    return out;
}

// --- 8. committer consistency -------------------------------------------------------------------

export function checkConsistency(view: JobView): Violation[] {
    const { hadoop, conf } = view;
    const out: Violation[] = [];
    const committers = optionSettings(hadoop, HADOOP_KEYS.committerName);
    const magicOff = optionSettings(hadoop, HADOOP_KEYS.magicEnabled).filter((s) => s.value.trim().toLowerCase() === "false");
    for (const c of committers.filter((c) => c.value === "magic")) {
        const off = magicOff.find((m) => m.bucket === undefined || m.bucket === c.bucket);
        if (off) {
            out.push(
                v(
                    POLICY.consistency,
                    `spark.hadoop.${c.key}=magic but spark.hadoop.${off.key}=false: the magic committer cannot run; remove the latter or choose the directory committer.`,
                    sh(off.key),
                ),
            );
        }
    }
    const conflict = optionSettings(hadoop, HADOOP_KEYS.conflictMode);
    for (const c of committers.filter((c) => isStagingCommitter(c.value))) {
        const mode = conflict.find((m) => m.bucket === c.bucket) ?? conflict.find((m) => m.bucket === undefined);
        if (!mode) {
            if (!view.keysKnown) continue;
            out.push(
                v(
                    POLICY.consistency,
                    `spark.hadoop.${c.key}=${c.value} without spark.hadoop.${HADOOP_KEYS.conflictMode}: state what happens to existing output (fail, append or replace), for example append.`,
                    sh(HADOOP_KEYS.conflictMode),
                ),
            );
        } else if (!isUnknown(mode.value) && !["fail", "append", "replace"].includes(mode.value.trim().toLowerCase())) {
            out.push(v(POLICY.consistency, `spark.hadoop.${mode.key}=${mode.value} is not one of fail, append, replace.`, sh(mode.key)));
        }
    }
    const s3aInUse = committers.some((c) => c.value !== CLASSIC_COMMITTER && !isUnknown(c.value));
    if (s3aInUse && (conf[SPARK_KEYS.partitionOverwriteMode] ?? "").trim().toLowerCase() === "dynamic") {
        out.push(
            v(
                POLICY.consistency,
                `${SPARK_KEYS.partitionOverwriteMode}=dynamic is not supported by any S3A committer: use static overwrite, or write each partition to its own path.`,
                SPARK_KEYS.partitionOverwriteMode,
            ),
        );
    }
    return out;
}

// --- all of them --------------------------------------------------------------------------------

/**
 * The conf-only checks: what a sparkConf alone can get wrong (the program validates a stack's
 * sparkConf overrides with it). Same policies as before the job view: committer, known keys,
 * credentials, TLS, third-party endpoint, consistency.
 */
export function checkSparkConf(conf: Record<string, string>, sparkVersion: string, opts: CheckOptions = {}): Violation[] {
    const view = jobView({ spec: { sparkVersion, sparkConf: conf } });
    return [
        ...checkCommitter(view, opts),
        ...checkKnownKeys(view),
        ...checkCredentialsInConf(view.conf),
        ...checkTls(view, opts),
        ...checkThirdPartyEndpoint(view),
        ...checkConsistency(view),
    ];
}
