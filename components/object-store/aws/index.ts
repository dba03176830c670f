import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { EndpointFacts } from "../../s3a-profile";
import { eventLogReaderPolicy } from "../../observability";
import type { ObjectStore, ReaderIdentity, StoreKeys } from "../types";

/**
 * How Spark authenticates to S3 on AWS (config awsAuth):
 * - podIdentity: an IAM role that EKS Pod Identity hands to the Spark service account's pods
 *   (an association; the cluster needs the eks-pod-identity-agent add-on). No key anywhere.
 * - irsa: the same role, assumed with the service account's OIDC web identity token (the role ARN
 *   in the service account's eks.amazonaws.com/role-arn annotation). No key anywhere.
 * - accessKey: an IAM user and a long-lived key in a Kubernetes Secret: clusters outside EKS.
 */
export const AWS_AUTH_MODES = ["podIdentity", "irsa", "accessKey"] as const;
export type AwsAuth = (typeof AWS_AUTH_MODES)[number];

/** Who may assume the Spark role: the EKS Pod Identity service (AWS EKS user guide, "Pod Identity"). */
export function podIdentityTrustPolicy() {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "EksPodIdentity",
                Effect: "Allow",
                Principal: { Service: "pods.eks.amazonaws.com" },
                Action: ["sts:AssumeRole", "sts:TagSession"],
            },
        ],
    };
}

/**
 * Who may assume the Spark role with IRSA: tokens of exactly one service account, issued by the
 * cluster's OIDC provider for STS (AWS EKS user guide, "IAM roles for service accounts").
 */
export function irsaTrustPolicy(accountId: string, issuerUrl: string, namespace: string, serviceAccount: string) {
    const issuer = issuerUrl.replace(/^https:\/\//, "");
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "IrsaServiceAccount",
                Effect: "Allow",
                Principal: { Federated: `arn:aws:iam::${accountId}:oidc-provider/${issuer}` },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${issuer}:aud`]: "sts.amazonaws.com",
                        [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
                    },
                },
            },
        ],
    };
}

/** What a pod identity needs from the cluster. */
export interface EksIdentityArgs {
    clusterName: string;
    /** The cluster's OIDC issuer URL (irsa). */
    oidcIssuer: pulumi.Input<string>;
    namespace: string;
    serviceAccount: string;
}

export interface AwsObjectStoreArgs {
    bucketName: string;
    region: string;
    /** Key prefix Spark may use; the IAM policy is scoped to it. */
    dataPrefix: string;
    versioning: boolean;
    /** Data bucket: protect it and keep it when the stack is destroyed. */
    protect: boolean;
    /** Days after which S3 aborts incomplete multipart uploads (committers leave them on failure). */
    abortIncompleteUploadsAfterDays?: number;
    /** The bucket exists and another stack owns it (review stacks): only create the IAM key. */
    existingBucket?: boolean;
    /** Expire objects under REVIEW_PREFIX after this many days; 0 or undefined: no such rule. */
    reviewDataExpirationDays?: number;
    /**
     * With versioning: delete noncurrent versions after this many days (and the delete markers
     * left without versions). Without it, overwritten output and expired review data stay as
     * noncurrent versions, billed, for ever. 0 or undefined: no such rule.
     */
    noncurrentVersionExpirationDays?: number;
    tags?: Record<string, string>;
    auth: AwsAuth;
    /** For podIdentity and irsa: the cluster and the Spark service account. */
    eks?: EksIdentityArgs;
    /** A second, narrower identity for the History Server (its service account with a pod identity). */
    eventLogReader?: { serviceAccount: string };
}

/** Where review stacks keep their data in the shared bucket (expired by the owner's lifecycle). */
export const REVIEW_PREFIX = "review/";

/** Options of the data bucket: protected and kept on destroy unless the stack opts out. */
export function dataBucketOptions(protect: boolean): Pick<pulumi.CustomResourceOptions, "protect" | "retainOnDelete"> {
    return { protect, retainOnDelete: protect };
}

/**
 * The S3 actions Spark's S3A needs for reading and committing into one prefix.
 *
 * Condition keys reach only the actions that define them (AWS Service Authorization Reference,
 * "Actions, resources, and condition keys for Amazon S3"): `s3:prefix` is a key of ListBucket
 * (and ListBucketVersions), not of ListBucketMultipartUploads. A statement that scopes both with
 * an `s3:prefix` condition never allows the second (the key is absent, so the condition is
 * false), and the committers' listing of pending uploads is denied: Hadoop 3.3's committers fail
 * the job after committing, 3.4's leave the uploads pending. So listing uploads has its own
 * statement on the bucket ARN; it shows upload ids and key names under the bucket, no data.
 * test/unit/aws-iam.test.ts evaluates this document statement by statement against every
 * request S3A makes.
 */
export function sparkBucketPolicy(bucket: string, prefix: string) {
    const arn = `arn:aws:s3:::${bucket}`;
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "ListTheDataPrefix",
                Effect: "Allow",
                Action: ["s3:ListBucket"],
                Resource: [arn],
                Condition: { StringLike: { "s3:prefix": [`${prefix}/*`, prefix] } },
            },
            { Sid: "ListPendingUploads", Effect: "Allow", Action: ["s3:ListBucketMultipartUploads"], Resource: [arn] },
            { Sid: "LocateTheBucket", Effect: "Allow", Action: ["s3:GetBucketLocation"], Resource: [arn] },
            {
                Sid: "ReadWriteCommitObjects",
                Effect: "Allow",
                Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
                // The prefix itself too: S3A probes each parent path with HEAD before a write.
                Resource: [`${arn}/${prefix}`, `${arn}/${prefix}/*`],
            },
        ],
    };
}

/** Deny any request that does not use TLS. */
export function tlsOnlyBucketPolicy(bucket: string) {
    const arn = `arn:aws:s3:::${bucket}`;
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [arn, `${arn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    };
}

/** An S3 bucket with its hygiene resources and an IAM user whose key only reaches that bucket. */
export class AwsObjectStore extends pulumi.ComponentResource implements ObjectStore {
    readonly kind = "aws" as const;
    readonly bucket: pulumi.Output<string>;
    readonly endpoint: pulumi.Output<EndpointFacts>;
    readonly keys?: StoreKeys;
    readonly auth: AwsAuth;
    /** The IAM role Spark's pods assume (podIdentity, irsa). */
    readonly roleArn?: pulumi.Output<string>;
    /** Annotations the Spark service account needs (irsa: the role ARN). */
    readonly serviceAccountAnnotations?: pulumi.Output<Record<string, string>>;
    readonly eventLogReader?: ReaderIdentity;
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: AwsObjectStoreArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark-s3:store:AwsObjectStore", name, {}, opts);
        const tags = { "spark-s3:stack": pulumi.getStack(), ...args.tags };
        this.ready = [];
        this.auth = args.auth;
        const bucketName = args.existingBucket ? pulumi.output(args.bucketName) : this.createBucket(name, args, tags).bucket;
        const policy = bucketName.apply((b) => JSON.stringify(sparkBucketPolicy(b, args.dataPrefix)));

        const spark = this.identity(name, "spark", args, policy, args.eks?.serviceAccount);
        this.keys = spark.keys;
        this.roleArn = spark.roleArn;
        this.serviceAccountAnnotations = spark.serviceAccountAnnotations;
        this.ready.push(...spark.ready);
        if (args.eventLogReader) {
            const reader = this.identity(
                name,
                "history",
                args,
                bucketName.apply((b) => JSON.stringify(eventLogReaderPolicy(b, args.dataPrefix))),
                args.eventLogReader.serviceAccount,
            );
            this.eventLogReader = { ...reader, canDelete: true };
        }

        this.bucket = bucketName;
        this.endpoint = pulumi.output<EndpointFacts>({ region: args.region, pathStyle: false, tls: true });
        this.registerOutputs({ bucket: this.bucket, endpoint: this.endpoint, roleArn: this.roleArn });
    }

    /**
     * An identity with `policy`: an IAM user and key (accessKey), or a role that the service
     * account's pods assume (podIdentity: an association; irsa: the trust policy and the
     * annotation). `who` names the resources (`<name>-spark-user`, `<name>-history-role`, ...).
     */
    private identity(
        name: string,
        who: string,
        args: AwsObjectStoreArgs,
        policy: pulumi.Input<string>,
        serviceAccount: string | undefined,
    ): Omit<ReaderIdentity, "canDelete"> & { roleArn?: pulumi.Output<string> } {
        const tags = { "spark-s3:stack": pulumi.getStack(), ...args.tags };
        if (args.auth === "accessKey") {
            const user = new aws.iam.User(`${name}-${who}-user`, { path: "/spark-s3/", tags }, { parent: this });
            const userPolicy = new aws.iam.UserPolicy(`${name}-${who}-policy`, { user: user.name, policy }, { parent: user });
            const key = new aws.iam.AccessKey(
                `${name}-${who}-key`,
                { user: user.name },
                { parent: user, additionalSecretOutputs: ["secret"] },
            );
            return { keys: { accessKeyId: key.id, secretAccessKey: pulumi.secret(key.secret) }, ready: [userPolicy, key] };
        }
        const eks = args.eks;
        if (!eks || !serviceAccount) throw new Error(`awsAuth ${args.auth} needs the EKS cluster (spark-s3:eksClusterName)`);
        const assumeRolePolicy =
            args.auth === "podIdentity"
                ? JSON.stringify(podIdentityTrustPolicy())
                : pulumi
                      .all([aws.getCallerIdentityOutput({}, { parent: this }).accountId, eks.oidcIssuer])
                      .apply(([account, issuer]) => JSON.stringify(irsaTrustPolicy(account, issuer, eks.namespace, serviceAccount)));
        const role = new aws.iam.Role(`${name}-${who}-role`, { path: "/spark-s3/", assumeRolePolicy, tags }, { parent: this });
        const rolePolicy = new aws.iam.RolePolicy(`${name}-${who}-policy`, { role: role.name, policy }, { parent: role });
        const ready: pulumi.Resource[] = [role, rolePolicy];
        if (args.auth === "podIdentity") {
            ready.push(
                new aws.eks.PodIdentityAssociation(
                    `${name}-${who}-pod-identity`,
                    { clusterName: eks.clusterName, namespace: eks.namespace, serviceAccount, roleArn: role.arn, tags },
                    { parent: role },
                ),
            );
            return { ready, roleArn: role.arn };
        }
        return {
            ready,
            roleArn: role.arn,
            serviceAccountAnnotations: role.arn.apply((arn): Record<string, string> => ({ "eks.amazonaws.com/role-arn": arn })),
        };
    }

    /** The bucket and its hygiene: public access block, ownership, encryption, lifecycle, TLS-only. */
    private createBucket(name: string, args: AwsObjectStoreArgs, tags: Record<string, pulumi.Input<string>>): aws.s3.Bucket {
        const dataOpts: pulumi.CustomResourceOptions = { parent: this, ...dataBucketOptions(args.protect) };
        const bucket = new aws.s3.Bucket(`${name}-bucket`, { bucket: args.bucketName, forceDestroy: !args.protect, tags }, dataOpts);
        const child = { parent: bucket };
        const pab = new aws.s3.BucketPublicAccessBlock(
            `${name}-public-access-block`,
            { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            child,
        );
        const ownership = new aws.s3.BucketOwnershipControls(
            `${name}-ownership`,
            { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
            child,
        );
        const sse = new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-encryption`,
            { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }] },
            child,
        );
        const lifecycle = new aws.s3.BucketLifecycleConfiguration(
            `${name}-lifecycle`,
            {
                bucket: bucket.id,
                rules: [
                    {
                        id: "abort-incomplete-multipart-uploads",
                        status: "Enabled",
                        filter: {},
                        abortIncompleteMultipartUpload: { daysAfterInitiation: args.abortIncompleteUploadsAfterDays ?? 2 },
                    },
                    ...(args.reviewDataExpirationDays
                        ? [
                              {
                                  id: "expire-review-stack-data",
                                  status: "Enabled",
                                  filter: { prefix: REVIEW_PREFIX },
                                  expiration: { days: args.reviewDataExpirationDays },
                              },
                          ]
                        : []),
                    ...(args.versioning && args.noncurrentVersionExpirationDays
                        ? [
                              {
                                  id: "expire-noncurrent-versions",
                                  status: "Enabled",
                                  filter: {},
                                  noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionExpirationDays },
                                  expiration: { expiredObjectDeleteMarker: true },
                              },
                          ]
                        : []),
                ],
            },
            child,
        );
        const policy = new aws.s3.BucketPolicy(
            `${name}-tls-only`,
            { bucket: bucket.id, policy: bucket.bucket.apply((b) => JSON.stringify(tlsOnlyBucketPolicy(b))) },
            { parent: bucket, dependsOn: [pab] },
        );
        this.ready.push(bucket, pab, ownership, sse, lifecycle, policy);
        if (args.versioning) {
            this.ready.push(
                new aws.s3.BucketVersioning(
                    `${name}-versioning`,
                    { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
                    child,
                ),
            );
        }

        return bucket;
    }
}
