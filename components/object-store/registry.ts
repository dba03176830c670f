import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config";
import type { EksClusterFacts } from "../efs-staging";
import { HISTORY_SERVICE_ACCOUNT } from "../history-server";
import { mirrored } from "../images";
import { AwsObjectStore } from "./aws";
import { FlashBladeObjectStore } from "./flashblade";
import { MinioObjectStore } from "./minio";
import type { ObjectStore } from "./types";

export type { ObjectStore } from "./types";

/** Namespace of the in-cluster MinIO of the local stack. */
export const MINIO_NAMESPACE = "minio";

/** The object store the stack config asks for. */
export function createObjectStore(
    cfg: StackConfig,
    eks?: pulumi.Output<EksClusterFacts>,
    opts?: pulumi.ComponentResourceOptions,
): ObjectStore & Partial<Pick<AwsObjectStore, "auth" | "roleArn" | "serviceAccountAnnotations">> {
    switch (cfg.objectStore) {
        case "aws":
            return new AwsObjectStore(
                "store",
                {
                    bucketName: cfg.bucketName,
                    region: cfg.aws.region,
                    dataPrefix: cfg.dataPrefix,
                    versioning: cfg.bucketVersioning,
                    protect: cfg.aws.protect,
                    existingBucket: cfg.aws.existingBucket,
                    reviewDataExpirationDays: cfg.aws.reviewDataExpirationDays,
                    noncurrentVersionExpirationDays: cfg.aws.noncurrentVersionExpirationDays,
                    auth: cfg.aws.auth,
                    eks:
                        cfg.aws.auth === "accessKey" || !eks
                            ? undefined
                            : {
                                  clusterName: cfg.aws.eksClusterName,
                                  oidcIssuer: eks.oidcIssuer,
                                  namespace: cfg.jobNamespace,
                                  serviceAccount: cfg.serviceAccount,
                              },
                    eventLogReader: cfg.observability.historyServer ? { serviceAccount: HISTORY_SERVICE_ACCOUNT } : undefined,
                },
                opts,
            );
        case "minio":
            return new MinioObjectStore(
                "store",
                {
                    namespace: MINIO_NAMESPACE,
                    bucketName: cfg.bucketName,
                    dataPrefix: cfg.dataPrefix,
                    image: mirrored(cfg.minio.image, cfg.imageRegistry),
                    mcImage: mirrored(cfg.minio.mcImage, cfg.imageRegistry),
                    storageSize: cfg.minio.storageSize,
                    storageClass: cfg.minio.storageClass,
                    region: cfg.s3Region,
                    setupDeadlineSeconds: cfg.setupJobDeadlineSeconds,
                    eventLogReader: cfg.observability.historyServer,
                },
                opts,
            );
        case "flashblade": {
            const fb = cfg.flashblade;
            if (fb.insecure) {
                pulumi.log.warn(`spark-s3:flashbladeInsecure is true: the TLS certificate of ${fb.managementUrl} is not verified`);
            }
            // The token only ever travels as a Pulumi secret (encrypted in state).
            const connection = new pulumi.Config().requireSecret("flashbladeApiToken").apply((apiToken) => ({
                url: fb.managementUrl,
                apiToken,
                caBundle: fb.caBundle || undefined,
                insecure: fb.insecure,
            }));
            return new FlashBladeObjectStore(
                "store",
                {
                    connection,
                    dataUrl: fb.dataUrl,
                    region: cfg.s3Region,
                    account: fb.account,
                    adoptAccount: fb.adoptAccount,
                    adoptUser: fb.adoptUser,
                    adoptBucket: fb.adoptBucket,
                    user: fb.user,
                    fullAccess: fb.fullAccess,
                    bucketName: cfg.bucketName,
                    versioning: cfg.bucketVersioning,
                    eradicateOnDelete: fb.eradicateOnDelete,
                    keyRotation: fb.keyRotation,
                    eventLogReader: cfg.observability.historyServer,
                },
                opts,
            );
        }
    }
}
