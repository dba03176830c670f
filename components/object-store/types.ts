import * as pulumi from "@pulumi/pulumi";
import type { SparkRuntime } from "../../policy/s3a/versions";
import type { KeySpec, Reader } from "../config/reader";
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
    /** The store's kind: a key of the store registry (object-store/registry.ts). */
    readonly kind: string;
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
    readonly ready: pulumi.Resource[];
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

/**
 * The S3 client the helper Jobs use (the event-log directory, DogLover's sample data): `mc` for
 * MinIO and FlashBlade (the store's URL and the key pair), the AWS CLI on AWS (its default
 * credential chain reads the key pair, EKS Pod Identity and IRSA alike; mc does not know Pod
 * Identity).
 */
export type S3Client = { kind: "mc"; image: string } | { kind: "awscli"; image: string; region: string };

/** What a store gives the platform besides the ObjectStore facts. */
export interface PlatformStore extends ObjectStore {
    /** How Spark authenticates to the store. */
    readonly auth: S3AAuth;
    /** The IAM role Spark's pods assume (AWS podIdentity, irsa). */
    readonly roleArn?: pulumi.Output<string>;
    /** Annotations the Spark service account needs (irsa: the role ARN). */
    readonly serviceAccountAnnotations?: pulumi.Output<Record<string, string>>;
    /** A staging storage class the store created (AWS efs create), and what a claim on it waits for. */
    readonly staging?: { readonly storageClassName: string; readonly ready: pulumi.Resource[] };
    readonly client: S3Client;
}

/** The platform's settings every store reads (the common store keys, object-store/keys.ts). */
export interface StoreSettings {
    readonly kind: string;
    readonly bucketName: string;
    /** Key prefix of the platform's data in the bucket (no leading or trailing slash). */
    readonly dataPrefix: string;
    readonly versioning: boolean;
    /** Signing region S3A sends to third-party stores (MinIO, FlashBlade). */
    readonly s3Region: string;
    /** PEM content of the CA that signed the S3 endpoint's certificate, or "". */
    readonly caBundle: string;
    /** The mc image (mirrored): MinIO's setup and the helper Jobs' uploads on mc stores. */
    readonly mcImage: string;
}

/** What a store learns from the rest of the platform when it is created. */
export interface StoreContext {
    readonly stack: string;
    readonly settings: StoreSettings;
    readonly jobNamespace: string;
    readonly serviceAccount: string;
    readonly imageRegistry: string;
    readonly setupDeadlineSeconds: number;
    /** Also create the History Server's identity. */
    readonly eventLogReader: boolean;
    /**
     * The name and options (parent, aliases) of a top resource of the store, by its role: "store"
     * (the store's component), or what else the store creates ("efs", "eks").
     */
    readonly child: (role: string) => { name: string; opts: pulumi.ComponentResourceOptions };
}

/** What a store's own settings are checked against, when it is the platform's store. */
export interface StoreCheckContext {
    readonly settings: StoreSettings;
    readonly runtime: SparkRuntime;
    /** stagingHostPath is set. */
    readonly hostPathStaging: boolean;
}

/**
 * An object store kind: its config keys (declared beside its component), how it reads and
 * checks them, and how it creates its resources. A new store is a folder with one of these and
 * a line in object-store/registry.ts.
 */
export interface StoreModule<C = unknown> {
    readonly kind: string;
    /** The store's own config keys; every key is type-checked on every stack. */
    readonly keys: readonly KeySpec<any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    /** An empty bucketName is derived (spark-s3-<stack>); false: required (S3 names are global). */
    readonly derivesBucketName: boolean;
    read(r: Reader): C;
    /** Requirements and cross-key checks, when this is the platform's store. */
    check(r: Reader, c: C, ctx: StoreCheckContext): void;
    /** Its keys that must keep their defaults when another store (`kind`) is the platform's. */
    checkElsewhere?(r: Reader, c: C, kind: string): void;
    /** The store creates the staging storage class itself (no stagingStorageClass needed). */
    createsStagingClass?(c: C): boolean;
    create(c: C, ctx: StoreContext): PlatformStore;
}

/** A store component's facts with what the platform needs besides. */
export function platformStore(s: ObjectStore, extra: Omit<PlatformStore, keyof ObjectStore>): PlatformStore {
    const { kind, bucket, endpoint, keys, instance, eventLogReader, ready } = s;
    return { kind, bucket, endpoint, keys, instance, eventLogReader, ready, ...extra };
}
