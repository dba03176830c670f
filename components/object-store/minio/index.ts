import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { helperJob } from "../../batch-job";
import type { EndpointFacts } from "../../s3a-profile";
import { eventLogReaderPolicy } from "../../observability";
import type { ObjectStore, ReaderIdentity, StoreKeys } from "../types";

export interface MinioObjectStoreArgs {
    namespace: string;
    bucketName: string;
    /** Key prefix Spark may use; the MinIO policy is scoped to it. */
    dataPrefix: string;
    image: string;
    mcImage: string;
    storageSize: string;
    /** Empty: the cluster's default storage class. */
    storageClass: string;
    region: string;
    /** Deadline of the setup Job (it is failed by Kubernetes after this). */
    setupDeadlineSeconds: number;
    /** Also create the History Server's key (read and delete event logs only). */
    eventLogReader: boolean;
}

export const MINIO_PORT = 9000;

/** MinIO policy (S3 IAM syntax) for the Spark key: the data prefix of one bucket. */
export function minioSparkPolicy(bucket: string, prefix: string) {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Action: ["s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:GetBucketLocation"],
                Resource: [`arn:aws:s3:::${bucket}`],
            },
            {
                Effect: "Allow",
                Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
                Resource: [`arn:aws:s3:::${bucket}/${prefix}`, `arn:aws:s3:::${bucket}/${prefix}/*`],
            },
        ],
    };
}

/**
 * The bucket, policy and user setup, run by `mc` inside the cluster with the root credentials.
 * Values come from the environment (a Secret), never from the script text.
 *
 * Safe to run twice: `mc mb --ignore-existing`; `policy create` and `user add` replace; and
 * `policy attach` of an attached policy exits 0 (mc RELEASE.2025-04-16 cmd/admin-policy-attach.go
 * ignores the server's XMinioAdminPolicyChangeAlreadyApplied).
 *
 * Only POSIX sh, `sleep` and `mc`: the mc image is ubi9/ubi-micro plus mc (its Dockerfile.release),
 * with no grep, seq or mktemp. The integration tests run it twice with a PATH of just those.
 */
export const MINIO_SETUP_SCRIPT = `set -eu
i=0
until mc alias set store "$MINIO_URL" "$ROOT_USER" "$ROOT_PASSWORD" >/dev/null; do
  i=$((i + 1))
  if [ "$i" -ge 60 ]; then echo "MinIO at $MINIO_URL did not answer within 5 minutes" >&2; exit 1; fi
  echo "waiting for MinIO at $MINIO_URL ($i/60)"
  sleep 5
done
mc admin info store >/dev/null
mc mb --ignore-existing "store/$BUCKET"
policy_file="\${MC_CONFIG_DIR:-/tmp}/spark-policy.json"
printf '%s' "$SPARK_POLICY" > "$policy_file"
mc admin policy create store "$POLICY_NAME" "$policy_file"
: > "$policy_file"
mc admin user add store "$SPARK_ACCESS_KEY" "$SPARK_SECRET_KEY"
mc admin policy attach store "$POLICY_NAME" --user "$SPARK_ACCESS_KEY"
if [ -n "\${HISTORY_ACCESS_KEY:-}" ]; then
  printf '%s' "$HISTORY_POLICY" > "$policy_file"
  mc admin policy create store "$POLICY_NAME-history" "$policy_file"
  : > "$policy_file"
  mc admin user add store "$HISTORY_ACCESS_KEY" "$HISTORY_SECRET_KEY"
  mc admin policy attach store "$POLICY_NAME-history" --user "$HISTORY_ACCESS_KEY"
fi
echo "bucket $BUCKET ready; Spark key has policy $POLICY_NAME"
`;

/**
 * An in-cluster MinIO for the `local` stack: one server with a volume, root credentials from
 * @pulumi/random, and a setup Job that creates the bucket and a non-root key for Spark.
 */
export class MinioObjectStore extends pulumi.ComponentResource implements ObjectStore {
    readonly kind = "minio" as const;
    readonly bucket: pulumi.Output<string>;
    readonly endpoint: pulumi.Output<EndpointFacts>;
    readonly keys: StoreKeys;
    readonly eventLogReader?: ReaderIdentity;
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: MinioObjectStoreArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark-s3:store:MinioObjectStore", name, {}, opts);
        const labels = { "app.kubernetes.io/name": "minio", "app.kubernetes.io/part-of": "spark-s3" };
        const ns = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: args.namespace, labels } }, { parent: this });

        const rootUser = new random.RandomString(`${name}-root-user`, { length: 16, special: false, upper: false }, { parent: this });
        const rootPassword = new random.RandomPassword(`${name}-root-password`, { length: 40, special: false }, { parent: this });
        const sparkKey = new random.RandomString(
            `${name}-spark-access-key`,
            { length: 20, special: false, lower: false },
            { parent: this },
        );
        const sparkSecret = new random.RandomPassword(`${name}-spark-secret-key`, { length: 40, special: false }, { parent: this });
        const reader = args.eventLogReader
            ? {
                  key: new random.RandomString(
                      `${name}-history-access-key`,
                      { length: 20, special: false, lower: false },
                      { parent: this },
                  ),
                  secret: new random.RandomPassword(`${name}-history-secret-key`, { length: 40, special: false }, { parent: this }),
              }
            : undefined;

        const rootSecret = new k8s.core.v1.Secret(
            `${name}-root`,
            {
                metadata: { name: "minio-root", namespace: ns.metadata.name, labels },
                stringData: { MINIO_ROOT_USER: pulumi.secret(rootUser.result), MINIO_ROOT_PASSWORD: rootPassword.result },
            },
            { parent: this, additionalSecretOutputs: ["data", "stringData"] },
        );
        const pvc = new k8s.core.v1.PersistentVolumeClaim(
            `${name}-data`,
            {
                metadata: { name: "minio-data", namespace: ns.metadata.name, labels, annotations: { "pulumi.com/skipAwait": "true" } },
                spec: {
                    accessModes: ["ReadWriteOnce"],
                    ...(args.storageClass ? { storageClassName: args.storageClass } : {}),
                    resources: { requests: { storage: args.storageSize } },
                },
            },
            { parent: this },
        );
        const deployment = new k8s.apps.v1.Deployment(
            `${name}-server`,
            {
                metadata: { name: "minio", namespace: ns.metadata.name, labels },
                spec: {
                    replicas: 1,
                    strategy: { type: "Recreate" },
                    selector: { matchLabels: labels },
                    template: {
                        metadata: { labels },
                        spec: {
                            containers: [
                                {
                                    name: "minio",
                                    image: args.image,
                                    args: ["server", "/data", "--address", `:${MINIO_PORT}`],
                                    envFrom: [{ secretRef: { name: rootSecret.metadata.name } }],
                                    env: [
                                        // Committers leave multipart uploads behind on failure; MinIO
                                        // has no AbortIncompleteMultipartUpload lifecycle rule, it
                                        // expires stale uploads itself.
                                        { name: "MINIO_API_STALE_UPLOADS_EXPIRY", value: "24h" },
                                        { name: "MINIO_API_STALE_UPLOADS_CLEANUP_INTERVAL", value: "6h" },
                                        { name: "MINIO_REGION", value: args.region },
                                    ],
                                    ports: [{ name: "s3", containerPort: MINIO_PORT }],
                                    readinessProbe: { httpGet: { path: "/minio/health/ready", port: MINIO_PORT }, periodSeconds: 5 },
                                    livenessProbe: { httpGet: { path: "/minio/health/live", port: MINIO_PORT }, periodSeconds: 20 },
                                    resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } },
                                    volumeMounts: [{ name: "data", mountPath: "/data" }],
                                },
                            ],
                            volumes: [{ name: "data", persistentVolumeClaim: { claimName: pvc.metadata.name } }],
                        },
                    },
                },
            },
            { parent: this },
        );
        const service = new k8s.core.v1.Service(
            `${name}-svc`,
            {
                metadata: { name: "minio", namespace: ns.metadata.name, labels },
                spec: { selector: labels, ports: [{ name: "s3", port: MINIO_PORT, targetPort: MINIO_PORT }] },
            },
            { parent: this },
        );
        const url = `http://minio.${args.namespace}.svc.cluster.local:${MINIO_PORT}`;
        const policyName = `spark-${args.bucketName}`;
        const setupSecret = new k8s.core.v1.Secret(
            `${name}-setup`,
            {
                metadata: { name: "minio-setup", namespace: ns.metadata.name, labels },
                stringData: {
                    ROOT_USER: pulumi.secret(rootUser.result),
                    ROOT_PASSWORD: rootPassword.result,
                    SPARK_ACCESS_KEY: pulumi.secret(sparkKey.result),
                    SPARK_SECRET_KEY: sparkSecret.result,
                    ...(reader ? { HISTORY_ACCESS_KEY: pulumi.secret(reader.key.result), HISTORY_SECRET_KEY: reader.secret.result } : {}),
                },
            },
            { parent: this, additionalSecretOutputs: ["data", "stringData"] },
        );
        const setup = helperJob(
            `${name}-setup`,
            {
                namespace: ns.metadata.name,
                labels: { ...labels, "app.kubernetes.io/component": "setup" },
                podSpec: {
                    containers: [
                        {
                            name: "mc",
                            image: args.mcImage,
                            command: ["sh", "-c", MINIO_SETUP_SCRIPT],
                            env: [
                                { name: "MINIO_URL", value: url },
                                { name: "BUCKET", value: args.bucketName },
                                { name: "POLICY_NAME", value: policyName },
                                { name: "SPARK_POLICY", value: JSON.stringify(minioSparkPolicy(args.bucketName, args.dataPrefix)) },
                                ...(reader
                                    ? [
                                          {
                                              name: "HISTORY_POLICY",
                                              value: JSON.stringify(eventLogReaderPolicy(args.bucketName, args.dataPrefix)),
                                          },
                                      ]
                                    : []),
                                { name: "MC_CONFIG_DIR", value: "/tmp/.mc" },
                            ],
                            envFrom: [{ secretRef: { name: setupSecret.metadata.name } }],
                        },
                    ],
                },
                deadlineSeconds: args.setupDeadlineSeconds,
            },
            { parent: this, dependsOn: [deployment, service] },
        );

        this.ready = [setup];
        this.bucket = pulumi.output(args.bucketName);
        this.endpoint = pulumi.output<EndpointFacts>({ url, region: args.region, pathStyle: true, tls: false });
        this.keys = { accessKeyId: sparkKey.result, secretAccessKey: pulumi.secret(sparkSecret.result) };
        if (reader) {
            this.eventLogReader = {
                keys: { accessKeyId: reader.key.result, secretAccessKey: pulumi.secret(reader.secret.result) },
                canDelete: true,
                ready: [setup],
            };
        }
        this.registerOutputs({ bucket: this.bucket, endpoint: this.endpoint });
    }
}
