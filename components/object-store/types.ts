import * as pulumi from "@pulumi/pulumi";
import type { EndpointFacts } from "../s3a-profile";

/**
 * What every object store (AWS, FlashBlade, MinIO) provides to Spark: a bucket, the endpoint
 * facts S3A needs, and an access key pair scoped to that bucket.
 */
export interface ObjectStore {
    readonly kind: "aws" | "flashblade" | "minio";
    readonly bucket: pulumi.Output<string>;
    /** Endpoint as Spark inside the cluster reaches it. */
    readonly endpoint: pulumi.Output<EndpointFacts>;
    /** An identifier, not a secret (the key resources keep it as their plain id). */
    readonly accessKeyId: pulumi.Output<string>;
    /** Pulumi secret. */
    readonly secretAccessKey: pulumi.Output<string>;
    /**
     * Changes when the bucket is created again (e.g. after an out-of-band delete), so what fills
     * it (the sample-data seed) runs again. Undefined where the store cannot tell.
     */
    readonly instance?: pulumi.Output<string>;
    /** Resources a job must wait for before it touches the bucket (bucket, key, policies). */
    readonly ready: pulumi.Input<pulumi.Resource>[];
}
