/**
 * Every guardrail of the pack as data: name, default level, one-sentence description, the config
 * options it takes, and its check. The Pulumi policies (policies/) and the `check` command
 * (cli/) are both built from this list, so they cannot drift apart.
 */
import {
    POLICY,
    POLICY_LEVEL,
    checkBufferDir,
    checkCommitter,
    checkConsistency,
    checkCredentials,
    checkJarDelivery,
    checkJars,
    checkKnownKeys,
    checkStaging,
    checkThirdPartyEndpoint,
    checkTls,
    checkVersionAllowed,
    checkVersionKnown,
    type CheckOptions,
    type EnforcementLevel,
    type PolicyName,
    type Violation,
} from "./checks";
import { S3A_COMMITTERS, perBucketGeneric } from "./facts";
import { mentionsS3A, s3aUseUndetermined } from "./conf";
import { jobView, type JobView } from "./job";
import {
    checkBucketLifecycles,
    checkBufferDirInStack,
    checkConcurrentWriters,
    checkStagingInStack,
    claimAccessModes,
    sparkJobs,
    type StackResource,
    type StackViolation,
} from "./stack-checks";

export type OptionName = "allowedCommitters" | "insecureEndpoints" | "trustedImages" | "sharedClaims" | "allowedSparkVersions";

/** The pack's config options (the same in `--policy-pack-config` and `check --config`). */
export const OPTIONS: Readonly<Record<OptionName, { readonly description: string; readonly default: readonly string[] }>> = {
    allowedCommitters: { description: "S3A committers a job may select.", default: [...S3A_COMMITTERS] },
    insecureEndpoints: {
        description:
            "Endpoints allowed without TLS: a URL, host:port, host, or *.suffix (e.g. *.svc.cluster.local for an in-cluster test store).",
        default: [],
    },
    trustedImages: { description: "Image prefixes known to carry hadoop-aws and spark-hadoop-cloud (custom images).", default: [] },
    sharedClaims: { description: "PersistentVolumeClaims created outside the stack that are known to be ReadWriteMany.", default: [] },
    allowedSparkVersions: {
        description: 'Spark versions the platform allows: releases ("4.0.4"), lines ("4.0", "4.0.x") or "*". Empty: all.',
        default: [],
    },
};

interface RuleBase {
    readonly name: PolicyName;
    readonly level: EnforcementLevel;
    readonly description: string;
    readonly options: readonly OptionName[];
}

/** A check of one Spark job (a SparkApplication, or a ScheduledSparkApplication's template). */
export interface AppRule extends RuleBase {
    readonly scope: "app";
    /** Runs on every job, not only those that use S3A. */
    readonly allApps?: boolean;
    readonly check: (view: JobView, opts: CheckOptions) => Violation[];
}

/** A check over all resources together (claims, other jobs, buckets). */
export interface StackRule extends RuleBase {
    readonly scope: "stack";
    readonly check: (resources: readonly StackResource[], opts: CheckOptions) => StackViolation[];
}

export type Rule = AppRule | StackRule;

const app = (name: PolicyName, description: string, options: OptionName[], check: AppRule["check"], allApps = false): AppRule => ({
    scope: "app",
    name,
    level: POLICY_LEVEL[name],
    description,
    options,
    check,
    allApps,
});
const stack = (name: PolicyName, description: string, options: OptionName[], check: StackRule["check"]): StackRule => ({
    scope: "stack",
    name,
    level: POLICY_LEVEL[name],
    description,
    options,
    check,
});

// --- preview coverage -----------------------------------------------------------------------------

const ALL_APP_POLICIES: readonly PolicyName[] = [
    POLICY.committer,
    POLICY.staging,
    POLICY.knownKeys,
    POLICY.credentials,
    POLICY.jars,
    POLICY.versionAllowed,
    POLICY.tls,
    POLICY.thirdParty,
    POLICY.consistency,
    POLICY.jarDelivery,
    POLICY.versionKnown,
    POLICY.bufferDir,
    POLICY.concurrentWriters,
];

/** Which policies read a Hadoop option (generic fs.s3a.* name). */
function hadoopReaders(generic: string): PolicyName[] {
    const o = generic.replace(/^fs\.s3a\./, "");
    if (o === "committer.name" || o === "committer.magic.enabled")
        return [POLICY.committer, POLICY.staging, POLICY.consistency, POLICY.concurrentWriters];
    if (o === "committer.staging.tmp.path") return [POLICY.staging, POLICY.bufferDir];
    if (o === "committer.staging.conflict-mode") return [POLICY.consistency];
    if (o === "buffer.dir") return [POLICY.bufferDir];
    if (o === "endpoint") return [POLICY.tls, POLICY.thirdParty];
    if (o === "connection.ssl.enabled") return [POLICY.tls];
    if (
        [
            "path.style.access",
            "endpoint.region",
            "checksum.generation",
            "create.checksum.algorithm",
            "create.conditional.enabled",
            "create.performance",
            "performance.flags",
        ].includes(o)
    ) {
        return [POLICY.thirdParty];
    }
    if (o === "committer.abort.pending.uploads" || o === "committer.staging.abort.pending.uploads") return [POLICY.concurrentWriters];
    if (["access.key", "secret.key", "session.token", "encryption.key", "server-side-encryption.key"].includes(o))
        return [POLICY.credentials];
    return [];
}

/** Which policies read a value at this path of the SparkApplication (as conf.withUnknowns names paths). */
export function readersOf(path: string): readonly PolicyName[] {
    if (path === "(the whole resource)" || path === "spec" || path === "spec.sparkConf" || path === "spec.hadoopConf")
        return ALL_APP_POLICIES;
    const conf = /^spec\.(sparkConf|hadoopConf)\["(.+)"\]$/.exec(path);
    if (conf) {
        const key = conf[1] === "hadoopConf" ? `spark.hadoop.${conf[2]}` : conf[2];
        if (key.startsWith("spark.hadoop.fs.s3a.")) return hadoopReaders(perBucketGeneric(key.slice("spark.hadoop.".length)));
        if (["spark.sql.sources.commitProtocolClass", "spark.sql.parquet.output.committer.class"].includes(key)) return [POLICY.committer];
        if (key === "spark.sql.sources.partitionOverwriteMode") return [POLICY.consistency];
        if (/^spark\.jars(\.|$)/.test(key)) return [POLICY.jars, POLICY.jarDelivery, POLICY.thirdParty];
        if (key === "spark.kubernetes.container.image") return [POLICY.jars, POLICY.jarDelivery, POLICY.versionAllowed];
        if (/^spark\.kubernetes\.(driver|executor)\.volumes\./.test(key)) return [POLICY.staging, POLICY.bufferDir];
        if (/^spark\.(kubernetes\.driverEnv|executorEnv)\./.test(key)) return [POLICY.credentials];
        if (!key.startsWith("spark.hadoop.") && /out|dest|target|sink|save|write|result/i.test(key.split(".").pop() ?? ""))
            return [POLICY.concurrentWriters];
        return [];
    }
    if (path === "spec.sparkVersion")
        return [
            POLICY.committer,
            POLICY.knownKeys,
            POLICY.jars,
            POLICY.jarDelivery,
            POLICY.versionKnown,
            POLICY.versionAllowed,
            POLICY.thirdParty,
        ];
    if (/^spec\.(image|driver\.image|executor\.image|driver|executor)$/.test(path))
        return [POLICY.jars, POLICY.jarDelivery, POLICY.versionAllowed, POLICY.staging, POLICY.bufferDir, POLICY.credentials];
    if (/^spec\.deps(\.|\[|$)/.test(path)) return [POLICY.jars, POLICY.jarDelivery];
    if (/^spec\.(arguments|mainApplicationFile)(\[|$)/.test(path)) return [POLICY.concurrentWriters];
    if (/^spec\.(volumes|driver\.volumeMounts|executor\.volumeMounts)(\.|\[|$)/.test(path)) return [POLICY.staging, POLICY.bufferDir];
    if (/^spec\.(driver|executor)\.env(\.|\[|$)/.test(path)) return [POLICY.credentials];
    return [];
}

/** What could not be checked because values are unknown during preview (issue 12.4). */
export function checkPreviewCoverage(view: JobView): Violation[] {
    if (view.unknown.length === 0) return [];
    const undetermined = s3aUseUndetermined(view.app, view.conf);
    const s3a = undetermined || mentionsS3A(view.app, view.conf);
    const parts: string[] = [];
    const grouped = new Map<string, string[]>();
    for (const path of view.unknown) {
        const readers = readersOf(path).filter((p) => s3a || p === POLICY.credentials);
        if (readers.length === 0) continue;
        const key = readers.join(", ");
        grouped.set(key, [...(grouped.get(key) ?? []), path]);
    }
    for (const [readers, paths] of grouped) parts.push(`${paths.join(", ")} (${readers})`);
    if (undetermined) parts.unshift("whether the job uses s3a:// at all, so only the credential check ran");
    if (parts.length === 0) return [];
    return [
        {
            policy: POLICY.previewCoverage,
            key: view.unknown[0],
            message: `during preview these values are unknown, so the policies that read them checked only the known values: ${parts.join("; ")}. Pulumi runs the pack again with the real values at pulumi up.`,
        },
    ];
}

// --- the list -------------------------------------------------------------------------------------

/** Every guardrail, in the order of the README. */
export const RULES: readonly Rule[] = [
    app(
        POLICY.committer,
        "A job that writes to s3a:// uses an allowed S3A committer with PathOutputCommitProtocol and BindingParquetOutputCommitter (Spark 4.1's magic default counts).",
        ["allowedCommitters"],
        checkCommitter,
    ),
    stack(
        POLICY.staging,
        "The directory and partitioned committers keep fs.s3a.committer.staging.tmp.path on a ReadWriteMany volume mounted at the same path in driver and executors.",
        ["sharedClaims"],
        checkStagingInStack,
    ),
    app(
        POLICY.knownKeys,
        "Every fs.s3a.* key is an option of the job's Hadoop version (unknown keys are silently ignored by Hadoop).",
        [],
        (view) => checkKnownKeys(view),
    ),
    app(
        POLICY.credentials,
        "No credentials as literals in sparkConf, hadoopConf or driver/executor env.",
        [],
        (view) => checkCredentials(view),
        true,
    ),
    app(
        POLICY.jars,
        "hadoop-aws is of the Hadoop version Spark is built with, jars match the job's Scala build, spark-hadoop-cloud exists and matches, and stock images get both jars.",
        ["trustedImages"],
        checkJars,
    ),
    app(
        POLICY.versionAllowed,
        "The job's Spark version is one the platform allows (only when allowedSparkVersions is configured).",
        ["allowedSparkVersions"],
        checkVersionAllowed,
        true,
    ),
    app(POLICY.tls, "S3 endpoints use TLS unless they are on the configured allow-list.", ["insecureEndpoints"], checkTls),
    app(
        POLICY.thirdParty,
        "Endpoints other than AWS have a scheme, path-style access, an endpoint region, and no settings third-party stores reject (checksums, conditional writes) where the job's Hadoop has them.",
        [],
        (view) => checkThirdPartyEndpoint(view),
    ),
    app(
        POLICY.consistency,
        "Committer settings agree: magic is enabled when selected, staging committers state their conflict mode, no dynamic partition overwrite.",
        [],
        (view) => checkConsistency(view),
    ),
    app(
        POLICY.jarDelivery,
        "Says how the committer jars arrive (packages resolved on every submission, or an image) and flags working but avoidable drift.",
        ["trustedImages"],
        checkJarDelivery,
    ),
    app(POLICY.versionKnown, "The job's Spark version is a release in the pack's facts (else the jar checks could not run).", [], (view) =>
        checkVersionKnown(view),
    ),
    stack(
        POLICY.bufferDir,
        "fs.s3a.buffer.dir is on pod-local disk, not on the shared staging claim or another ReadWriteMany volume (I/O over NFS twice).",
        ["sharedClaims"],
        checkBufferDirInStack,
    ),
    stack(
        POLICY.concurrentWriters,
        "Jobs that write under one another's output directory do not abort each other's pending uploads (fs.s3a.committer.abort.pending.uploads).",
        [],
        (resources) => checkConcurrentWriters(resources),
    ),
    app(
        POLICY.previewCoverage,
        "Reports which checks could not see values that are unknown during pulumi preview.",
        [],
        (view) => checkPreviewCoverage(view),
        true,
    ),
    stack(
        POLICY.bucketLifecycle,
        "Every S3 bucket the stack creates has an enabled lifecycle rule that aborts incomplete multipart uploads.",
        [],
        (resources) => checkBucketLifecycles(resources),
    ),
];

export function ruleNamed(name: string): Rule | undefined {
    return RULES.find((r) => r.name === name);
}

/** Does an app rule look at this job (S3A jobs, or all for allApps rules)? */
export function appliesTo(rule: AppRule, view: JobView): boolean {
    return !!rule.allApps || mentionsS3A(view.app, view.conf);
}

/** Every app-level guardrail on one SparkApplication, plus its staging and buffer directories (claims from opts). */
export function checkSparkApplication(props: unknown, opts: CheckOptions = {}): Violation[] {
    const view = jobView(props);
    const out: Violation[] = [];
    for (const rule of RULES) {
        if (rule.scope === "app" && appliesTo(rule, view)) out.push(...rule.check(view, opts));
    }
    if (mentionsS3A(view.app, view.conf)) out.push(...checkStaging(view, opts), ...checkBufferDir(view, opts));
    return out;
}

/** Every guardrail over a set of resources, with the same options for all (tests and tools). */
export function checkStack(resources: readonly StackResource[], opts: CheckOptions = {}): StackViolation[] {
    const claims = claimAccessModes(resources);
    const out: StackViolation[] = [];
    for (const rule of RULES) {
        if (rule.scope === "stack") {
            out.push(...rule.check(resources, opts));
            continue;
        }
        for (const job of sparkJobs(resources)) {
            if (!appliesTo(rule, job.view)) continue;
            out.push(...rule.check(job.view, { ...opts, claimAccessModes: claims }).map((x) => ({ ...x, urn: job.resource.urn })));
        }
    }
    return out;
}
