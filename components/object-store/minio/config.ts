/** MinIO's config keys (descriptions in Pulumi.yaml). */
import { quantity } from "../../config/checks";
import { spec, type Reader } from "../../config/reader";

export const MINIO_KEYS = {
    minioImage: spec({
        key: "minioImage",
        type: "string",
        default: "quay.io/minio/minio:RELEASE.2025-04-22T22-12-26Z",
        example: "quay.io/minio/minio:RELEASE.2025-04-22T22-12-26Z",
    }),
    minioStorageSize: spec({ key: "minioStorageSize", type: "string", default: "20Gi", example: "20Gi", check: quantity }),
    minioStorageClass: spec({ key: "minioStorageClass", type: "string", default: "", example: '""' }),
} as const;

export interface MinioSettings {
    readonly image: string;
    readonly storageSize: string;
    /** Empty: the cluster's default storage class. */
    readonly storageClass: string;
}

export function readMinioSettings(r: Reader): MinioSettings {
    return {
        image: r.get(MINIO_KEYS.minioImage),
        storageSize: r.get(MINIO_KEYS.minioStorageSize),
        storageClass: r.get(MINIO_KEYS.minioStorageClass),
    };
}
