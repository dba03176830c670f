import type * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config";
import { AwsObjectStore } from "./aws";
import { MinioObjectStore } from "./minio";
import type { ObjectStore } from "./types";

export type { ObjectStore } from "./types";

/** Namespace of the in-cluster MinIO of the local stack. */
export const MINIO_NAMESPACE = "minio";

/** The object store the stack config asks for. */
export function createObjectStore(cfg: StackConfig, opts?: pulumi.ComponentResourceOptions): ObjectStore {
    switch (cfg.objectStore) {
        case "aws":
            return new AwsObjectStore(
                "store",
                {
                    bucketName: cfg.bucketName,
                    region: cfg.aws.region,
                    dataPrefix: cfg.dataPrefix,
                    versioning: cfg.aws.versioning,
                    protect: cfg.aws.protect,
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
                    image: cfg.minio.image,
                    mcImage: cfg.minio.mcImage,
                    storageSize: cfg.minio.storageSize,
                    storageClass: cfg.minio.storageClass,
                    region: cfg.s3Region,
                },
                opts,
            );
        case "flashblade":
            // The FlashBlade REST client and dynamic resources are their own piece of work
            // (issue "FlashBlade object store"); until then the stack stops here, clearly.
            throw new Error(
                "spark-s3:objectStore flashblade: the FlashBlade object store is not implemented yet; " +
                    "use objectStore aws or minio for now (see README, 'FlashBlade stack').",
            );
    }
}
