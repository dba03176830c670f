import * as pulumi from "@pulumi/pulumi";
import type { EndpointFacts, S3AAuth } from "../s3a-profile";

/** An access key pair scoped to the store's bucket. */
export interface StoreKeys {
    /** An identifier, not a secret (the key resources keep it as their plain id). */
    readonly accessKeyId: pulumi.Output<string>;
    /** Pulumi secret. */
    readonly secretAccessKey: pulumi.Output<string>;
}

/**
 * What every object store (AWS, FlashBlade, MinIO) provides to Spark: a bucket, the endpoint
 * facts S3A needs, and how Spark authenticates: an access key pair scoped to that bucket, or (AWS
 * on EKS) an IAM role its pods assume through their service account.
 */
export interface ObjectStore {
    readonly kind: "aws" | "flashblade" | "minio";
    readonly bucket: pulumi.Output<string>;
    /** Endpoint as Spark inside the cluster reaches it. */
    readonly endpoint: pulumi.Output<EndpointFacts>;
    /** The key pair; absent when the pods' identity carries the permissions. */
    readonly keys?: StoreKeys;
    /**
     * Changes when the bucket is created again (e.g. after an out-of-band delete), so what fills
     * it (the sample-data seed) runs again. Undefined where the store cannot tell.
     */
    readonly instance?: pulumi.Output<string>;
    /** The History Server's identity on the event logs (`<prefix>/spark-events/`), if asked for. */
    readonly eventLogReader?: ReaderIdentity;
    /** Resources a job must wait for before it touches the bucket (bucket, key, policies). */
    readonly ready: pulumi.Input<pulumi.Resource>[];
}

/**
 * The identity the Spark History Server reads event logs with: its own, narrower than Spark's.
 * A key pair, or (AWS on EKS) service account annotations of a role; `canDelete` says whether
 * it may also delete event logs (then the server's cleaner enforces the retention).
 */
export interface ReaderIdentity {
    readonly keys?: StoreKeys;
    readonly serviceAccountAnnotations?: pulumi.Output<Record<string, string>>;
    readonly canDelete: boolean;
    /** Resources the reader must wait for (user, key, policy, association). */
    readonly ready: pulumi.Resource[];
}

/** How S3A authenticates to a store. */
export function s3aAuthOf(store: ObjectStore & { auth?: string }): S3AAuth {
    if (store.keys) return "keys";
    if (store.auth === "podIdentity" || store.auth === "irsa") return store.auth;
    throw new Error(`object store ${store.kind} gives Spark neither a key nor a pod identity`);
}
