/**
 * The S3A committer guardrails as plain functions: a SparkApplication (or a bare sparkConf) in,
 * the violations out. The policy pack wraps these; the Pulumi program calls them to validate a
 * user's sparkConf overrides; the tests call them directly.
 */
import {
    ARTICLE_WRONG_STAGING_KEY,
    CLASSES,
    CLASSIC_COMMITTER,
    CREDENTIAL_ENV_VARS,
    CREDENTIAL_HADOOP_KEYS,
    HADOOP_KEYS,
    S3A_COMMITTERS,
    SPARK_KEYS,
    isAwsEndpoint,
    isStagingCommitter,
    s3aKeyNames,
} from "./facts";
import {
    effectiveSparkConf,
    hadoopView,
    isUnder,
    mentionsS3A,
    optionSettings,
    perBucketReadings,
    roleMounts,
    type RoleMount,
    type SparkApplicationLike,
} from "./conf";
import {
    findSparkRuntime,
    hadoopAwsJarName,
    hadoopAwsPackage,
    sparkHadoopCloudJarName,
    sparkHadoopCloudPackage,
    supportedSparkVersions,
} from "./versions";
import { didYouMean } from "./suggest";

/** Policy names: one per guardrail, kebab-case, as the pack registers them. */
export const POLICY = {
    committer: "s3a-committer-required",
    staging: "s3a-staging-on-shared-volume",
    knownKeys: "s3a-known-keys",
    credentials: "s3a-no-literal-credentials",
    tls: "s3a-tls-required",
    jars: "s3a-committer-jars",
    thirdParty: "s3a-third-party-endpoint",
    consistency: "s3a-committer-consistency",
    bucketLifecycle: "s3-bucket-aborts-incomplete-uploads",
} as const;
export type PolicyName = (typeof POLICY)[keyof typeof POLICY];

export interface Violation {
    readonly policy: PolicyName;
    readonly message: string;
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
}

const DEFAULT_ALLOWED: readonly string[] = S3A_COMMITTERS;

const v = (policy: PolicyName, message: string): Violation => ({ policy, message });

// --- 1. committer -------------------------------------------------------------------------------

export function checkCommitter(conf: Record<string, string>, opts: CheckOptions = {}): Violation[] {
    const allowed = opts.allowedCommitters ?? DEFAULT_ALLOWED;
    const hadoop = hadoopView(conf);
    const out: Violation[] = [];
    const settings = optionSettings(hadoop, HADOOP_KEYS.committerName);
    const global = settings.find((s) => s.bucket === undefined);
    const fix = `set spark.hadoop.${HADOOP_KEYS.committerName} to one of ${allowed.join(", ")}`;
    if (!global) {
        out.push(
            v(
                POLICY.committer,
                `spark.hadoop.${HADOOP_KEYS.committerName} is not set, so Hadoop uses the classic "${CLASSIC_COMMITTER}" rename committer, which is slow and unsafe on S3: ${fix} (for example "directory").`,
            ),
        );
    }
    for (const s of settings) {
        if (!allowed.includes(s.value)) {
            const what = s.value === CLASSIC_COMMITTER ? `the classic "${CLASSIC_COMMITTER}" rename committer` : `"${s.value}"`;
            out.push(
                v(
                    POLICY.committer,
                    `spark.hadoop.${s.key}=${s.value} selects ${what}${s.bucket ? ` for bucket ${s.bucket}` : ""}, which is not an allowed S3A committer: ${fix}.`,
                ),
            );
        }
    }
    if (conf[SPARK_KEYS.commitProtocolClass] !== CLASSES.pathOutputCommitProtocol) {
        out.push(
            v(
                POLICY.committer,
                `${SPARK_KEYS.commitProtocolClass} is ${conf[SPARK_KEYS.commitProtocolClass] ?? "not set"}: set it to ${CLASSES.pathOutputCommitProtocol}, or Spark never asks the S3A committer factory.`,
            ),
        );
    }
    if (conf[SPARK_KEYS.parquetCommitterClass] !== CLASSES.bindingParquetOutputCommitter) {
        out.push(
            v(
                POLICY.committer,
                `${SPARK_KEYS.parquetCommitterClass} is ${conf[SPARK_KEYS.parquetCommitterClass] ?? "not set"}: set it to ${CLASSES.bindingParquetOutputCommitter}, or Parquet writes use the classic committer.`,
            ),
        );
    }
    return out;
}

// --- 2. staging directory on a shared volume ----------------------------------------------------

/** The staging committers in use: global and per bucket. */
function stagingCommitterSettings(hadoop: Record<string, string>) {
    return optionSettings(hadoop, HADOOP_KEYS.committerName).filter((s) => isStagingCommitter(s.value));
}

function localPathOf(uri: string): string | undefined {
    if (uri.startsWith("file://")) return uri.slice("file://".length).replace(/^\/*/, "/");
    if (uri.startsWith("/")) return uri; // no scheme: Hadoop resolves it on fs.defaultFS, file:/// on Kubernetes
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) return undefined; // hdfs://, s3a://...: not a local path
    return ""; // relative: resolved under the user's home on the default FS, a pod-local directory
}

function claimIsRwx(m: RoleMount, namespace: string | undefined, opts: CheckOptions): boolean | undefined {
    if (m.kind === "nfs") return true;
    if (m.kind !== "pvc" || !m.claimName) return false;
    if (opts.sharedClaims?.includes(m.claimName)) return true;
    const modes = opts.claimAccessModes?.get(`${namespace ?? ""}/${m.claimName}`) ?? opts.claimAccessModes?.get(m.claimName);
    if (!modes) return undefined;
    return modes.includes("ReadWriteMany");
}

export function checkStaging(app: SparkApplicationLike, opts: CheckOptions = {}): Violation[] {
    const conf = effectiveSparkConf(app);
    const hadoop = hadoopView(conf);
    const staging = stagingCommitterSettings(hadoop);
    if (staging.length === 0) return [];
    const committer = staging.map((s) => s.value).join("/");
    const paths = optionSettings(hadoop, HADOOP_KEYS.stagingTmpPath);
    const key = `spark.hadoop.${HADOOP_KEYS.stagingTmpPath}`;
    const example = `${key}=file:///staging/committer with a ReadWriteMany PVC mounted at /staging in driver and executors`;
    if (paths.length === 0) {
        const wrong = ARTICLE_WRONG_STAGING_KEY in hadoop ? ` (${ARTICLE_WRONG_STAGING_KEY} is not a Hadoop key and is ignored)` : "";
        return [
            v(
                POLICY.staging,
                `the ${committer} committer keeps pending commits in ${key}, which is not set${wrong}: Hadoop then uses tmp/staging on each pod's local disk and the job can succeed with missing output. Set ${example}.`,
            ),
        ];
    }
    const out: Violation[] = [];
    const driver = roleMounts(app, conf, "driver");
    const executor = roleMounts(app, conf, "executor");
    for (const p of paths) {
        const local = localPathOf(p.value);
        if (local === undefined) continue; // a cluster filesystem (hdfs://...): shared by nature
        if (local === "") {
            out.push(v(POLICY.staging, `spark.hadoop.${p.key}=${p.value} is a relative path on each pod's local disk: set ${example}.`));
            continue;
        }
        const dm = driver.filter((m) => isUnder(local, m.mountPath)).sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
        const em = executor.filter((m) => isUnder(local, m.mountPath)).sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
        if (!dm || !em) {
            const missing = [!dm ? "the driver" : "", !em ? "the executors" : ""].filter(Boolean).join(" and ");
            out.push(
                v(
                    POLICY.staging,
                    `spark.hadoop.${p.key}=${p.value} is not on a volume mounted in ${missing}: mount the same ReadWriteMany claim at the same path in driver and executors (spark.kubernetes.{driver,executor}.volumes.persistentVolumeClaim.<name>.mount.path).`,
                ),
            );
            continue;
        }
        const sameVolume = dm.mountPath === em.mountPath && dm.kind === em.kind && (dm.kind !== "pvc" || dm.claimName === em.claimName);
        if (!sameVolume) {
            out.push(
                v(
                    POLICY.staging,
                    `spark.hadoop.${p.key}=${p.value}: the driver mounts ${describe(dm)} but the executors mount ${describe(em)}; both must mount the same ReadWriteMany claim at the same path.`,
                ),
            );
            continue;
        }
        const rwx = claimIsRwx(dm, app.metadata?.namespace, opts);
        if (rwx === false) {
            out.push(
                v(
                    POLICY.staging,
                    `spark.hadoop.${p.key}=${p.value} is on ${describe(dm)}, which is not ReadWriteMany: driver and executors on different nodes would not share it. Use a ReadWriteMany (NFS) claim.`,
                ),
            );
        } else if (rwx === undefined) {
            out.push(
                v(
                    POLICY.staging,
                    `spark.hadoop.${p.key}=${p.value} is on claim ${dm.claimName}, which this stack does not create, so its access mode is unknown: create the claim in the stack with ReadWriteMany, or list it in the policy's sharedClaims.`,
                ),
            );
        }
    }
    return out;
}

function describe(m: RoleMount): string {
    return m.kind === "pvc" ? `claim ${m.claimName} at ${m.mountPath}` : `a ${m.kind} volume "${m.volume}" at ${m.mountPath}`;
}

// --- 3. known fs.s3a keys -----------------------------------------------------------------------

export function checkKnownKeys(conf: Record<string, string>, sparkVersion: string | undefined): Violation[] {
    const runtime = sparkVersion ? findSparkRuntime(sparkVersion) : undefined;
    const keySet = runtime?.keySet ?? "3.4.1";
    const known = s3aKeyNames(keySet);
    const out: Violation[] = [];
    for (const key of Object.keys(hadoopView(conf)).sort()) {
        if (!key.startsWith("fs.s3a.") || known.has(key)) continue;
        if (perBucketReadings(key).some((r) => known.has(r.generic))) continue;
        const suggestion = key === ARTICLE_WRONG_STAGING_KEY ? HADOOP_KEYS.stagingTmpPath : didYouMean(key, known);
        out.push(
            v(
                POLICY.knownKeys,
                `spark.hadoop.${key} is not an S3A option of Hadoop ${keySet}${runtime ? ` (Spark ${runtime.spark})` : ""}; Hadoop silently ignores it.${suggestion ? ` Did you mean spark.hadoop.${suggestion}?` : ""}`,
            ),
        );
    }
    return out;
}

// --- 4. no credentials as literals --------------------------------------------------------------

const AWS_KEY_ID = /\b(AKIA|ASIA)[0-9A-Z]{16}\b/;

export function checkCredentials(app: SparkApplicationLike): Violation[] {
    const conf = effectiveSparkConf(app);
    return [...checkCredentialsInConf(conf), ...checkCredentialsInEnv(app)];
}

export function checkCredentialsInConf(conf: Record<string, string>): Violation[] {
    const out: Violation[] = [];
    const fix =
        "put the key pair in a Kubernetes Secret and expose it with spark.kubernetes.{driver,executor}.secretKeyRef.AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY";
    const hadoop = hadoopView(conf);
    for (const generic of CREDENTIAL_HADOOP_KEYS) {
        for (const s of optionSettings(hadoop, generic)) {
            if (s.value !== "") out.push(v(POLICY.credentials, `spark.hadoop.${s.key} holds a credential in plain text: ${fix}.`));
        }
    }
    for (const [k, val] of Object.entries(conf)) {
        const env = /^spark\.(?:kubernetes\.driverEnv|executorEnv)\.(.+)$/.exec(k);
        if (env && CREDENTIAL_ENV_VARS.includes(env[1]) && val !== "") {
            out.push(v(POLICY.credentials, `${k} sets ${env[1]} in plain text: ${fix}.`));
        } else if (!k.includes("secretKeyRef") && AWS_KEY_ID.test(val) && !CREDENTIAL_HADOOP_KEYS.some((c) => k.endsWith(c))) {
            out.push(v(POLICY.credentials, `${k} contains what looks like an AWS access key id: ${fix}.`));
        }
    }
    return out;
}

function checkCredentialsInEnv(app: SparkApplicationLike): Violation[] {
    const out: Violation[] = [];
    for (const role of ["driver", "executor"] as const) {
        for (const e of app.spec?.[role]?.env ?? []) {
            if (e.name && CREDENTIAL_ENV_VARS.includes(e.name) && e.value !== undefined && e.value !== "") {
                out.push(
                    v(
                        POLICY.credentials,
                        `spec.${role}.env ${e.name} has a literal value: use valueFrom.secretKeyRef (or Spark's spark.kubernetes.${role}.secretKeyRef.${e.name}) instead.`,
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

export function checkTls(conf: Record<string, string>, opts: CheckOptions = {}): Violation[] {
    const hadoop = hadoopView(conf);
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
                ),
            );
        }
    }
    for (const s of optionSettings(hadoop, HADOOP_KEYS.sslEnabled)) {
        if (s.value.trim().toLowerCase() !== "false") continue;
        const ep = endpointFor(s.bucket);
        if (ep && endpointAllowed(ep, allow)) continue;
        out.push(
            v(
                POLICY.tls,
                `spark.hadoop.${s.key}=false turns TLS off for ${ep ?? "AWS S3"}: remove it, or add the endpoint to the policy's insecureEndpoints allow-list.`,
            ),
        );
    }
    return out;
}

// --- 6. committer jars --------------------------------------------------------------------------

export function checkJars(app: SparkApplicationLike, opts: CheckOptions = {}): Violation[] {
    const conf = effectiveSparkConf(app);
    const version = app.spec?.sparkVersion;
    const runtime = version ? findSparkRuntime(version) : undefined;
    if (!runtime) {
        return [
            v(
                POLICY.jars,
                `spec.sparkVersion ${version ? `"${version}" is not in the version matrix` : "is not set"}, so the committer jars cannot be checked: use one of ${supportedSparkVersions().join(", ")}.`,
            ),
        ];
    }
    const images = [app.spec?.image, app.spec?.driver?.image, app.spec?.executor?.image].filter((i): i is string => !!i);
    if (images.length > 0 && images.every((i) => (opts.trustedImages ?? []).some((t) => i.startsWith(t)))) return [];
    const split = (s?: string) =>
        (s ?? "")
            .split(",")
            .map((x) => x.trim())
            .filter(Boolean);
    const packages = [...split(conf[SPARK_KEYS.jarsPackages]), ...(app.spec?.deps?.packages ?? [])];
    const jars = [...split(conf[SPARK_KEYS.jars]), ...(app.spec?.deps?.jars ?? [])];
    const out: Violation[] = [];
    const need = [
        { coord: hadoopAwsPackage(runtime), jar: hadoopAwsJarName(runtime) },
        { coord: sparkHadoopCloudPackage(runtime), jar: sparkHadoopCloudJarName(runtime) },
    ];
    for (const n of need) {
        const artifact = n.coord.split(":").slice(0, 2).join(":");
        if (packages.includes(n.coord) || jars.some((j) => j.endsWith("/" + n.jar) || j === n.jar)) continue;
        const artifactName = n.jar.replace(/(_2\.1[0-9])?-[0-9][^/]*\.jar$/, "");
        const wrong =
            packages.find((p) => p.startsWith(artifact + ":")) ??
            jars.find((j) => new RegExp(`^${artifactName}(_2\\.1[0-9])?-[0-9]`).test(j.split("/").pop() ?? ""));
        out.push(
            v(
                POLICY.jars,
                wrong
                    ? `${wrong} does not match Spark ${runtime.spark} (Hadoop ${runtime.hadoop}): use ${n.coord}; mixed Hadoop versions fail at runtime.`
                    : `${n.coord} is not on the classpath (neither ${SPARK_KEYS.jarsPackages}, ${SPARK_KEYS.jars}, spec.deps nor a trusted image): add it, or use an image listed in the policy's trustedImages.`,
            ),
        );
    }
    return out;
}

// --- 7. third-party endpoints -------------------------------------------------------------------

export function checkThirdPartyEndpoint(conf: Record<string, string>, sparkVersion?: string): Violation[] {
    const hadoop = hadoopView(conf);
    const out: Violation[] = [];
    const runtime = sparkVersion ? findSparkRuntime(sparkVersion) : undefined;
    const needsRegion = (runtime?.keySet ?? "3.4.1") !== "3.3.6";
    for (const e of optionSettings(hadoop, HADOOP_KEYS.endpoint)) {
        if (!/^https?:\/\//i.test(e.value)) {
            out.push(v(POLICY.thirdParty, `spark.hadoop.${e.key}=${e.value} has no scheme: write it as https://${e.value}.`));
        }
        if (isAwsEndpoint(e.value)) continue;
        const scope = (generic: string) =>
            (e.bucket && hadoop[`fs.s3a.bucket.${e.bucket}.${generic.slice("fs.s3a.".length)}`]) ?? hadoop[generic];
        if ((scope(HADOOP_KEYS.pathStyleAccess) ?? "").trim().toLowerCase() !== "true") {
            out.push(
                v(
                    POLICY.thirdParty,
                    `spark.hadoop.${e.key}=${e.value} is not AWS: set spark.hadoop.${HADOOP_KEYS.pathStyleAccess}=true (virtual-host requests fail against MinIO and FlashBlade).`,
                ),
            );
        }
        if (needsRegion && !(scope(HADOOP_KEYS.endpointRegion) ?? "").trim()) {
            out.push(
                v(
                    POLICY.thirdParty,
                    `spark.hadoop.${e.key}=${e.value} is not AWS: set spark.hadoop.${HADOOP_KEYS.endpointRegion} (for example us-east-1); Hadoop 3.4 otherwise tries to resolve the region from AWS.`,
                ),
            );
        }
    }
    return out;
}

// --- 8. committer consistency -------------------------------------------------------------------

export function checkConsistency(conf: Record<string, string>): Violation[] {
    const hadoop = hadoopView(conf);
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
                ),
            );
        }
    }
    const conflict = optionSettings(hadoop, HADOOP_KEYS.conflictMode);
    for (const c of committers.filter((c) => isStagingCommitter(c.value))) {
        const mode = conflict.find((m) => m.bucket === c.bucket) ?? conflict.find((m) => m.bucket === undefined);
        if (!mode) {
            out.push(
                v(
                    POLICY.consistency,
                    `spark.hadoop.${c.key}=${c.value} without spark.hadoop.${HADOOP_KEYS.conflictMode}: state what happens to existing output (fail, append or replace), for example append.`,
                ),
            );
        } else if (!["fail", "append", "replace"].includes(mode.value.trim().toLowerCase())) {
            out.push(v(POLICY.consistency, `spark.hadoop.${mode.key}=${mode.value} is not one of fail, append, replace.`));
        }
    }
    const s3aInUse = committers.some((c) => c.value !== CLASSIC_COMMITTER);
    if (s3aInUse && (conf[SPARK_KEYS.partitionOverwriteMode] ?? "").trim().toLowerCase() === "dynamic") {
        out.push(
            v(
                POLICY.consistency,
                `${SPARK_KEYS.partitionOverwriteMode}=dynamic is not supported by any S3A committer: use static overwrite, or write each partition to its own path.`,
            ),
        );
    }
    return out;
}

// --- all of them --------------------------------------------------------------------------------

/** The conf-only checks: what a sparkConf alone can get wrong (used for stack config overrides). */
export function checkSparkConf(conf: Record<string, string>, sparkVersion: string, opts: CheckOptions = {}): Violation[] {
    return [
        ...checkCommitter(conf, opts),
        ...checkKnownKeys(conf, sparkVersion),
        ...checkCredentialsInConf(conf),
        ...checkTls(conf, opts),
        ...checkThirdPartyEndpoint(conf, sparkVersion),
        ...checkConsistency(conf),
    ];
}

/** Every SparkApplication guardrail. Apps that never touch s3a:// only get the credential check. */
export function checkSparkApplication(app: SparkApplicationLike, opts: CheckOptions = {}): Violation[] {
    const conf = effectiveSparkConf(app);
    if (!mentionsS3A(app, conf)) return checkCredentials(app);
    const version = app.spec?.sparkVersion;
    return [
        ...checkCommitter(conf, opts),
        ...checkStaging(app, opts),
        ...checkKnownKeys(conf, version),
        ...checkCredentials(app),
        ...checkTls(conf, opts),
        ...checkJars(app, opts),
        ...checkThirdPartyEndpoint(conf, version),
        ...checkConsistency(conf),
    ];
}
