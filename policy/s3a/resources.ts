/**
 * The resources the checks see, engine-agnostic: the pack adapts PolicyResource to StackResource,
 * the `check` command adapts YAML manifests, tests adapt mocks. Spark jobs (SparkApplications and
 * the templates of ScheduledSparkApplications) are read into a JobView and judged for what they
 * write; claims and volumes tell the staging checks which storage is shared.
 */
import { asList, asObject, isKnown, withUnknowns } from "./conf";
import { jobView, type JobView, type ViewOptions } from "./job";
import { judgeWrites, type WritesJudgement } from "./writes";

export const SPARK_APPLICATION_TYPE = "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication";
export const SCHEDULED_SPARK_APPLICATION_TYPE = "kubernetes:sparkoperator.k8s.io/v1beta2:ScheduledSparkApplication";
export const PVC_TYPE = "kubernetes:core/v1:PersistentVolumeClaim";
export const PV_TYPE = "kubernetes:core/v1:PersistentVolume";
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

/** A Spark job of the stack: a SparkApplication, or the template of a ScheduledSparkApplication. */
export interface SparkJob {
    readonly resource: StackResource;
    readonly view: JobView;
    readonly writes: WritesJudgement;
    /** For a ScheduledSparkApplication: its spec.concurrencyPolicy (UNKNOWN during preview when computed). */
    readonly schedule?: { readonly concurrencyPolicy?: string };
}

export const isSparkJob = (r: { type: string }) => r.type === SPARK_APPLICATION_TYPE || r.type === SCHEDULED_SPARK_APPLICATION_TYPE;

/**
 * The SparkApplication a resource stands for. A ScheduledSparkApplication's spec.template is a
 * SparkApplicationSpec (api/v1beta2/scheduledsparkapplication_types.go: `Template
 * SparkApplicationSpec`), and the controller creates each run as a SparkApplication with exactly
 * that spec, in the schedule's namespace, with its labels
 * (internal/controller/scheduledsparkapplication/controller.go, createSparkApplication; operator
 * v2.5.2). So the template is checked as a SparkApplication's spec, with the schedule's metadata.
 */
export function applicationProps(r: Pick<StackResource, "type" | "props">): unknown {
    if (r.type !== SCHEDULED_SPARK_APPLICATION_TYPE) return r.props;
    const props = withUnknowns(r.props) as { metadata?: unknown; spec?: unknown };
    const spec = asObject<{ template?: unknown }>(props.spec);
    return {
        apiVersion: "sparkoperator.k8s.io/v1beta2",
        kind: "SparkApplication",
        metadata: props.metadata,
        // The spec itself unknown during preview: so is its template.
        spec: spec ? spec.template : props.spec,
    };
}

/** One job: its view (with the policy's view options) and what it writes. */
export function sparkJob(r: StackResource, options: ViewOptions = {}, claimDrivers?: ReadonlyMap<string, string>): SparkJob {
    const view = jobView(applicationProps(r), options);
    const writes = judgeWrites(view, claimDrivers);
    if (r.type !== SCHEDULED_SPARK_APPLICATION_TYPE) return { resource: r, view, writes };
    const spec = asObject<{ concurrencyPolicy?: string }>((withUnknowns(r.props) as { spec?: unknown }).spec);
    return { resource: r, view, writes, schedule: { concurrencyPolicy: spec?.concurrencyPolicy } };
}

/** Every Spark job of the resources, scheduled ones included. */
export function sparkJobs(resources: readonly StackResource[], options: ViewOptions = {}): SparkJob[] {
    const drivers = claimDrivers(resources);
    return resources.filter(isSparkJob).map((r) => sparkJob(r, options, drivers));
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

/** The CSI driver behind each claim bound to a PersistentVolume of the resources (spec.volumeName -> spec.csi.driver). */
export function claimDrivers(resources: readonly StackResource[]): Map<string, string> {
    const pvDriver = new Map<string, string>();
    for (const r of resources.filter((r) => r.type === PV_TYPE)) {
        const p = withUnknowns(r.props) as { metadata?: { name?: string }; spec?: { csi?: { driver?: string } } };
        const name = asObject<{ name?: string }>(p.metadata)?.name;
        const driver = asObject<{ csi?: { driver?: string } }>(p.spec)?.csi?.driver;
        if (isKnown(name) && isKnown(driver)) pvDriver.set(name, driver);
    }
    const m = new Map<string, string>();
    for (const r of resources.filter((r) => r.type === PVC_TYPE)) {
        const p = withUnknowns(r.props) as { metadata?: { name?: string }; spec?: { volumeName?: string } };
        const name = asObject<{ name?: string }>(p.metadata)?.name;
        const volume = asObject<{ volumeName?: string }>(p.spec)?.volumeName;
        const driver = isKnown(volume) ? pvDriver.get(volume) : undefined;
        if (isKnown(name) && driver) m.set(name, driver);
    }
    return m;
}

/** "namespace/name" of a resource (its metadata, else its Pulumi name), for messages. */
export function label(r: StackResource): string {
    const md = asObject<{ name?: string; namespace?: string }>((withUnknowns(r.props) as { metadata?: unknown }).metadata);
    const name = isKnown(md?.name) ? md!.name : r.name;
    return isKnown(md?.namespace) ? `${md!.namespace}/${name}` : name;
}
