import { asList, isKnown, isUnknown, withUnknowns } from "../s3a/conf";
import { BUCKET_TYPES, LIFECYCLE_TYPES, type StackResource } from "../s3a/resources";
import { stackRule, type Finding } from "./rule";

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

const props = (r: StackResource) => withUnknowns(r.props) as Record<string, unknown>;

/** Committers upload parts before they commit; a failed job leaves them, and S3 bills them until they are aborted. */
export const bucketAbortsIncompleteUploads = stackRule({
    kind: "stack",
    name: "s3-bucket-aborts-incomplete-uploads",
    level: "advisory",
    description: "Every S3 bucket the stack creates has an enabled lifecycle rule that aborts incomplete multipart uploads.",
    firesOn: "an `aws.s3.Bucket` without an enabled whole-bucket lifecycle rule with `abortIncompleteMultipartUpload` (Pulumi stacks only)",
    why: "S3A committers upload every file as multipart parts and complete them at job commit; a job that fails leaves the parts behind, invisible in listings and billed until a lifecycle rule aborts them.",
    options: [],
    examples: [
        {
            title: "a bucket without a lifecycle rule",
            resources: [{ type: "aws:s3/bucket:Bucket", props: { bucket: "lake" } }],
            fires: true,
        },
        {
            title: "a bucket whose lifecycle aborts incomplete uploads after two days",
            resources: [
                { type: "aws:s3/bucket:Bucket", props: { bucket: "lake" } },
                {
                    type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
                    props: {
                        bucket: "lake",
                        rules: [{ id: "abort", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 2 } }],
                    },
                },
            ],
            fires: false,
        },
    ],
    check: ({ resources }) => {
        const lifecycles = resources.filter((r) => LIFECYCLE_TYPES.includes(r.type));
        const out: (Finding & { urn: string })[] = [];
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
                urn: b.urn,
                message: `bucket ${isKnown(bp.bucket as string) ? bp.bucket : b.name} has no enabled lifecycle rule that aborts incomplete multipart uploads: S3A committers leave uploads behind when a job fails, and S3 bills their parts. Add an aws.s3.BucketLifecycleConfiguration with a rule { status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 2 } }.`,
            });
        }
        return out;
    },
});
