/**
 * Checks that need more than one resource: the staging and buffer claims' access modes (PVCs
 * elsewhere in the stack), jobs that write under one another's output (another application), and
 * the bucket's lifecycle rule (a separate AWS resource). Engine-agnostic: the pack adapts
 * PolicyResource to StackResource, the `check` command adapts YAML manifests, tests adapt mocks.
 */
import { HADOOP_KEYS, SPARK_HADOOP_PREFIX, isS3ACommitter } from "./facts";
import { asList, asObject, isKnown, isUnknown, mentionsS3A, optionSettings, withUnknowns } from "./conf";
import { POLICY, checkBufferDir, checkStaging, type CheckOptions, type Violation } from "./checks";
import { jobView, type JobView } from "./job";
import { compareVersions } from "./releases";

export const SPARK_APPLICATION_TYPE = "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication";
export const SCHEDULED_SPARK_APPLICATION_TYPE = "kubernetes:sparkoperator.k8s.io/v1beta2:ScheduledSparkApplication";
export const PVC_TYPE = "kubernetes:core/v1:PersistentVolumeClaim";
export const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
export const LIFECYCLE_TYPES = [
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
];

export interface StackResource {
    readonly type: string;
    readonly urn: string;
    readonly name: string;
    /** As the engine gives them (PolicyResource.props is untyped too). */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    readonly props: Record<string, any>;
    /** URNs each property depends on (PolicyResource.propertyDependencies). */
    readonly propertyDependencies?: Record<string, readonly string[]>;
}

export interface StackViolation extends Violation {
    readonly urn: string;
}

/** A Spark job of the stack: a SparkApplication, or the template of a ScheduledSparkApplication. */
export interface SparkJob {
    readonly resource: StackResource;
    readonly view: JobView;
    /** For a ScheduledSparkApplication: its spec.concurrencyPolicy (UNKNOWN during preview when computed). */
    readonly schedule?: { readonly concurrencyPolicy?: string };
}

/** The SparkApplication props a resource stands for (a scheduled one's template with its metadata). */
export function applicationProps(r: StackResource): unknown {
    if (r.type !== SCHEDULED_SPARK_APPLICATION_TYPE) return r.props;
    const props = withUnknowns(r.props) as { metadata?: unknown; spec?: { template?: unknown } };
    return {
        apiVersion: "sparkoperator.k8s.io/v1beta2",
        kind: "SparkApplication",
        metadata: props.metadata,
        spec: asObject<{ template?: unknown }>(props.spec)?.template ?? props.spec,
    };
}

export function sparkJobs(resources: readonly StackResource[]): SparkJob[] {
    return resources
        .filter((r) => r.type === SPARK_APPLICATION_TYPE || r.type === SCHEDULED_SPARK_APPLICATION_TYPE)
        .map((r) => {
            const view = jobView(applicationProps(r));
            if (r.type !== SCHEDULED_SPARK_APPLICATION_TYPE) return { resource: r, view };
            const spec = asObject<{ concurrencyPolicy?: string }>((withUnknowns(r.props) as { spec?: unknown }).spec);
            return { resource: r, view, schedule: { concurrencyPolicy: spec?.concurrencyPolicy } };
        });
}

/** Access modes of every PVC the stack declares, by "namespace/name" and by name. */
export function claimAccessModes(resources: readonly StackResource[]): Map<string, readonly string[]> {
    const m = new Map<string, readonly string[]>();
    for (const r of resources.filter((r) => r.type === PVC_TYPE)) {
        const props = withUnknowns(r.props) as { metadata?: { name?: string; namespace?: string }; spec?: { accessModes?: unknown } };
        const name = asObject<{ name?: string }>(props.metadata)?.name;
        if (!isKnown(name)) continue;
        const modes = asList<string>(asObject<{ accessModes?: unknown }>(props.spec)?.accessModes).filter((x) => typeof x === "string");
        const ns = asObject<{ namespace?: string }>(props.metadata)?.namespace;
        m.set(`${isKnown(ns) ? ns : ""}/${name}`, modes);
        if (!m.has(name)) m.set(name, modes);
    }
    return m;
}

const perJob = (resources: readonly StackResource[], opts: CheckOptions, check: (view: JobView, o: CheckOptions) => Violation[]) => {
    const claims = claimAccessModes(resources);
    return sparkJobs(resources)
        .filter((j) => mentionsS3A(j.view.app, j.view.conf))
        .flatMap((j) => check(j.view, { ...opts, claimAccessModes: claims }).map((x) => ({ ...x, urn: j.resource.urn })));
};

/** The staging path of each S3A job on a ReadWriteMany claim of the stack. */
export function checkStagingInStack(resources: readonly StackResource[], opts: CheckOptions = {}): StackViolation[] {
    return perJob(resources, opts, checkStaging);
}

/** The S3A buffer directory of each job on pod-local disk, not on a shared claim of the stack. */
export function checkBufferDirInStack(resources: readonly StackResource[], opts: CheckOptions = {}): StackViolation[] {
    return perJob(resources, opts, checkBufferDir);
}

// --- jobs that write under one another's output ---------------------------------------------------

/** Flag names (and app conf key names) that say "this is where the job writes". */
const OUTPUT_NAME = /out|dest|target|sink|save|write|result/i;
const normalize = (url: string) => url.trim().replace(/\/+$/, "");

/**
 * The s3a:// locations a job writes to, as far as its arguments and conf say so: a value after a
 * flag such as --output/--dest/--target (or --output=...), or an application conf key named so.
 * Locations whose role cannot be told (inputs or outputs) are left out, so no input is mistaken
 * for an output.
 */
export function outputLocations(view: JobView): string[] {
    const out = new Set<string>();
    const args = asList<unknown>(asObject<{ arguments?: unknown }>(view.app.spec)?.arguments).map((a) => (typeof a === "string" ? a : ""));
    for (let i = 0; i < args.length; i++) {
        const eq = /^--?([A-Za-z][\w.-]*)=(s3a:\/\/.+)$/.exec(args[i]);
        if (eq && OUTPUT_NAME.test(eq[1])) out.add(normalize(eq[2]));
        if (/^--?[A-Za-z][\w.-]*$/.test(args[i]) && OUTPUT_NAME.test(args[i]) && args[i + 1]?.startsWith("s3a://"))
            out.add(normalize(args[i + 1]));
    }
    for (const [k, val] of Object.entries(view.conf)) {
        if (k.startsWith(SPARK_HADOOP_PREFIX) || k.startsWith("spark.kubernetes.") || !isKnown(val) || !val.startsWith("s3a://")) continue;
        if (OUTPUT_NAME.test(k.split(".").pop() ?? "")) out.add(normalize(val));
    }
    return [...out];
}

const within = (path: string, dir: string) => path === dir || path.startsWith(dir + "/");
const bucketOf = (url: string) => url.replace(/^s3a:\/\//, "").split("/")[0];

/** The committer a job writes `url` with, and whether its job cleanup aborts pending uploads there. */
function writer(view: JobView, url: string): { committer?: string; aborts: boolean | "unknown" } {
    const bucket = bucketOf(url);
    const pick = (generic: string) => {
        const s = optionSettings(view.hadoop, generic);
        return (s.find((x) => x.bucket === bucket) ?? s.find((x) => x.bucket === undefined))?.value;
    };
    const committer = pick(HADOOP_KEYS.committerName);
    const abort = pick(HADOOP_KEYS.abortPendingUploads) ?? pick(HADOOP_KEYS.stagingAbortPendingUploads);
    return { committer, aborts: isUnknown(abort) ? "unknown" : (abort ?? "true").trim().toLowerCase() !== "false" };
}

const label = (r: StackResource) => {
    const md = asObject<{ name?: string; namespace?: string }>((withUnknowns(r.props) as { metadata?: unknown }).metadata);
    const name = isKnown(md?.name) ? md!.name : r.name;
    return isKnown(md?.namespace) ? `${md!.namespace}/${name}` : name;
};

/**
 * Several jobs writing under one directory (issue 12.3). Every S3A committer's job cleanup
 * (AbstractS3ACommitter.cleanup -> abortPendingUploadsInCleanup, Hadoop 3.3.4 to 3.5.0) lists and
 * aborts *all* pending multipart uploads under its destination when
 * fs.s3a.committer.abort.pending.uploads is true. core-default.xml sets it true in every release
 * (the Java constant's default became false in 3.4, but core-default.xml is loaded first), so a
 * job that finishes aborts the uncommitted uploads of another job still writing under the same
 * directory. Hadoop 3.4 gives each magic job its own __magic_job-<uuid> directory
 * (CommitConstants.MAGIC_PATH_PREFIX), but not its own uploads; Hadoop 3.3's magic committers
 * even share __magic and delete it at cleanup.
 * A ScheduledSparkApplication overlaps with itself only with concurrencyPolicy Allow (the
 * controller starts the next run only then while one is running; kubeflow spark-operator
 * internal/controller/scheduledsparkapplication/controller.go, shouldStartNextRun).
 */
export function checkConcurrentWriters(resources: readonly StackResource[]): StackViolation[] {
    const jobs = sparkJobs(resources)
        .filter((j) => mentionsS3A(j.view.app, j.view.conf))
        .map((j) => ({ ...j, outputs: outputLocations(j.view) }))
        .filter((j) => j.outputs.length > 0);
    const out: StackViolation[] = [];
    const fix = `set spark.hadoop.${HADOOP_KEYS.abortPendingUploads}=false on jobs that share a destination (the bucket's lifecycle rule that aborts incomplete uploads then cleans up after failed jobs), or give each job its own directory`;
    const hadoop33 = (view: JobView) => !!view.hadoopVersion && compareVersions(view.hadoopVersion, "3.4") < 0;
    for (const a of jobs) {
        for (const dest of a.outputs) {
            const w = writer(a.view, dest);
            if (w.aborts !== true || !w.committer || !isS3ACommitter(w.committer)) continue;
            const magic33 =
                w.committer === "magic" && hadoop33(a.view)
                    ? ` With Hadoop ${a.view.hadoopVersion}, magic committers also share ${dest}/__magic and delete it at cleanup.`
                    : "";
            if (a.schedule?.concurrencyPolicy === "Allow") {
                out.push({
                    policy: POLICY.concurrentWriters,
                    urn: a.resource.urn,
                    key: `spark.hadoop.${HADOOP_KEYS.abortPendingUploads}`,
                    message: `runs of ${label(a.resource)} can overlap (concurrencyPolicy: Allow) and all write under ${dest}: the ${w.committer} committer's job cleanup aborts every pending multipart upload under its destination (${HADOOP_KEYS.abortPendingUploads} is true by default), including those of a run still writing.${magic33} Use concurrencyPolicy Forbid, or ${fix}.`,
                });
            }
            for (const b of jobs) {
                if (b === a) continue;
                const shared = b.outputs.find((o) => within(o, dest));
                if (!shared) continue;
                const wb = writer(b.view, shared);
                if (!wb.committer || !isS3ACommitter(wb.committer)) continue;
                out.push({
                    policy: POLICY.concurrentWriters,
                    urn: a.resource.urn,
                    key: `spark.hadoop.${HADOOP_KEYS.abortPendingUploads}`,
                    message: `${label(a.resource)} writes to ${dest} and ${label(b.resource)} writes to ${shared}, under it: when they run at the same time, ${label(a.resource)}'s job cleanup (${w.committer} committer) aborts every pending multipart upload under ${dest} (${HADOOP_KEYS.abortPendingUploads} is true by default), including ${label(b.resource)}'s uncommitted ones, which then fails or loses files. Hadoop 3.4 gives each magic job its own __magic_job-<id> directory, but not its own uploads.${magic33} If they can overlap, ${fix}.`,
                });
            }
        }
    }
    return out;
}

// --- buckets ------------------------------------------------------------------------------------

/** A lifecycle rule: aws.s3.BucketLifecycleConfiguration's shape, or the deprecated inline one. */
interface LifecycleRuleLike {
    status?: string;
    enabled?: boolean;
    prefix?: string;
    filter?: Record<string, unknown>;
    abortIncompleteMultipartUpload?: { daysAfterInitiation?: number };
    abortIncompleteMultipartUploadDays?: number;
}

/** true, false, or "unknown" when the rules are unknown during preview. */
function abortsIncompleteUploads(rules: unknown): boolean | "unknown" {
    if (isUnknown(rules) || JSON.stringify(rules ?? null).includes("<unknown during preview>")) return "unknown";
    return asList<LifecycleRuleLike>(rules).some((rule) => {
        const enabled = rule.status === undefined ? rule.enabled !== false : rule.status === "Enabled";
        const days = rule.abortIncompleteMultipartUpload?.daysAfterInitiation ?? rule.abortIncompleteMultipartUploadDays;
        const whole = !rule.prefix && Object.values(rule.filter ?? {}).every((x) => !x);
        return enabled && typeof days === "number" && days > 0 && whole;
    });
}

/** Every S3 bucket of the stack aborts incomplete multipart uploads (whole bucket). */
export function checkBucketLifecycles(resources: readonly StackResource[]): StackViolation[] {
    const props = (r: StackResource) => withUnknowns(r.props) as Record<string, unknown>;
    const lifecycles = resources.filter((r) => LIFECYCLE_TYPES.includes(r.type));
    const out: StackViolation[] = [];
    for (const b of resources.filter((r) => BUCKET_TYPES.includes(r.type))) {
        const bp = props(b);
        const results = [
            abortsIncompleteUploads(bp.lifecycleRules),
            ...lifecycles
                .filter(
                    (l) =>
                        (l.propertyDependencies?.bucket ?? []).includes(b.urn) ||
                        (props(l).bucket !== undefined && props(l).bucket === bp.bucket),
                )
                .map((l) => abortsIncompleteUploads(props(l).rules)),
            // a lifecycle whose bucket is unknown during preview (and no dependency says which) may be this bucket's
            ...lifecycles
                .filter((l) => isUnknown(props(l).bucket) && !l.propertyDependencies?.bucket?.length)
                .map(() => "unknown" as const),
        ];
        if (results.includes(true) || results.includes("unknown") || isUnknown(bp.lifecycleRules)) continue;
        out.push({
            policy: POLICY.bucketLifecycle,
            urn: b.urn,
            message: `bucket ${isKnown(bp.bucket as string) ? bp.bucket : b.name} has no enabled lifecycle rule that aborts incomplete multipart uploads: S3A committers leave uploads behind when a job fails, and S3 bills their parts. Add an aws.s3.BucketLifecycleConfiguration with a rule { status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 2 } }.`,
        });
    }
    return out;
}
