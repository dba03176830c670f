/**
 * Checks that need more than one resource: the staging claim's access mode (a PVC elsewhere in
 * the stack) and the bucket's lifecycle rule (a separate AWS resource). Engine-agnostic: the pack
 * adapts PolicyResource to StackResource, the tests adapt Pulumi mocks.
 */
import { POLICY, checkSparkApplication, checkStaging, type CheckOptions, type Violation } from "./checks";
import type { SparkApplicationLike } from "./conf";

export const SPARK_APPLICATION_TYPE = "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication";
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

/** Access modes of every PVC the stack declares, by "namespace/name" and by name. */
export function claimAccessModes(resources: readonly StackResource[]): Map<string, readonly string[]> {
    const m = new Map<string, readonly string[]>();
    for (const r of resources.filter((r) => r.type === PVC_TYPE)) {
        const name = r.props.metadata?.name;
        if (!name) continue;
        const modes: string[] = r.props.spec?.accessModes ?? [];
        m.set(`${r.props.metadata?.namespace ?? ""}/${name}`, modes);
        if (!m.has(name)) m.set(name, modes);
    }
    return m;
}

/** Policy 2 over a stack: the staging path of each SparkApplication on a RWX claim of the stack. */
export function checkStagingInStack(resources: readonly StackResource[], opts: CheckOptions = {}): StackViolation[] {
    const claims = claimAccessModes(resources);
    return resources
        .filter((r) => r.type === SPARK_APPLICATION_TYPE)
        .flatMap((r) =>
            checkStaging(r.props as SparkApplicationLike, { ...opts, claimAccessModes: claims }).map((v) => ({ ...v, urn: r.urn })),
        );
}

/** A lifecycle rule: aws.s3.BucketLifecycleConfiguration's shape, or the deprecated inline one. */
interface LifecycleRuleLike {
    status?: string;
    enabled?: boolean;
    prefix?: string;
    filter?: Record<string, unknown>;
    abortIncompleteMultipartUpload?: { daysAfterInitiation?: number };
    abortIncompleteMultipartUploadDays?: number;
}

function abortsIncompleteUploads(rules: LifecycleRuleLike[] | undefined): boolean {
    return (rules ?? []).some((rule) => {
        const enabled = rule.status === undefined ? rule.enabled !== false : rule.status === "Enabled";
        const days = rule.abortIncompleteMultipartUpload?.daysAfterInitiation ?? rule.abortIncompleteMultipartUploadDays;
        const whole = !rule.prefix && Object.values(rule.filter ?? {}).every((v) => !v);
        return enabled && typeof days === "number" && days > 0 && whole;
    });
}

/** Policy 9: every S3 bucket of the stack aborts incomplete multipart uploads (whole bucket). */
export function checkBucketLifecycles(resources: readonly StackResource[]): StackViolation[] {
    const lifecycles = resources.filter((r) => LIFECYCLE_TYPES.includes(r.type));
    const out: StackViolation[] = [];
    for (const b of resources.filter((r) => BUCKET_TYPES.includes(r.type))) {
        const inline = abortsIncompleteUploads(b.props.lifecycleRules);
        const separate = lifecycles.some(
            (l) =>
                ((l.propertyDependencies?.bucket ?? []).includes(b.urn) ||
                    (l.props.bucket !== undefined && l.props.bucket === b.props.bucket)) &&
                abortsIncompleteUploads(l.props.rules),
        );
        if (!inline && !separate) {
            out.push({
                policy: POLICY.bucketLifecycle,
                urn: b.urn,
                message: `bucket ${b.props.bucket ?? b.name} has no enabled lifecycle rule that aborts incomplete multipart uploads: S3A committers leave uploads behind when a job fails, and S3 bills their parts. Add an aws.s3.BucketLifecycleConfiguration with a rule { status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 2 } }.`,
            });
        }
    }
    return out;
}

/** Every check of the pack over a whole stack, with the same options for all (tests and tools). */
export function checkStack(resources: readonly StackResource[], opts: CheckOptions = {}): StackViolation[] {
    const claims = claimAccessModes(resources);
    const apps = resources.filter((r) => r.type === SPARK_APPLICATION_TYPE);
    return [
        ...apps.flatMap((r) =>
            checkSparkApplication(r.props as SparkApplicationLike, { ...opts, claimAccessModes: claims }).map((v) => ({
                ...v,
                urn: r.urn,
            })),
        ),
        ...checkBucketLifecycles(resources),
    ];
}
