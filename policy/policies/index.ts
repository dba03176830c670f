import type { Policies } from "@pulumi/policy";
import { bucketAbortsIncompleteUploads } from "./buckets";
import {
    s3aCommitterConsistency,
    s3aCommitterJars,
    s3aCommitterRequired,
    s3aKnownKeys,
    s3aNoLiteralCredentials,
    s3aStagingOnSharedVolume,
    s3aTlsRequired,
    s3aThirdPartyEndpoint,
} from "./spark-application";

/** Every policy of the pack, in the order of the README. */
export const policies: Policies = [
    s3aCommitterRequired,
    s3aStagingOnSharedVolume,
    s3aKnownKeys,
    s3aNoLiteralCredentials,
    s3aTlsRequired,
    s3aCommitterJars,
    s3aThirdPartyEndpoint,
    s3aCommitterConsistency,
    bucketAbortsIncompleteUploads,
];

/** Re-exported for tools and tests outside the pack's own node_modules. */
export type { Policy, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
