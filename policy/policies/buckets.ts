/** Guardrails on the S3 buckets a stack creates. */
import type { StackValidationPolicy } from "@pulumi/policy";
import { POLICY } from "../s3a/checks";
import { checkBucketLifecycles } from "../s3a/stack-checks";
import { toStackResources } from "./spark-application";

export const bucketAbortsIncompleteUploads: StackValidationPolicy = {
    name: POLICY.bucketLifecycle,
    description: "Every S3 bucket the stack creates has an enabled lifecycle rule that aborts incomplete multipart uploads.",
    enforcementLevel: "advisory",
    validateStack: (args, reportViolation) => {
        for (const v of checkBucketLifecycles(toStackResources(args.resources))) reportViolation(v.message, v.urn);
    },
};
