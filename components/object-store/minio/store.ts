/** The in-cluster MinIO as a store of the registry. */
import { mirrored } from "../../images";
import { platformStore, type StoreModule } from "../types";
import { MINIO_KEYS, readMinioSettings, type MinioSettings } from "./config";
import { MinioObjectStore } from "./index";

/** Namespace of the in-cluster MinIO. */
export const MINIO_NAMESPACE = "minio";

export const MINIO_STORE: StoreModule<MinioSettings> = {
    kind: "minio",
    keys: Object.values(MINIO_KEYS),
    derivesBucketName: true,
    read: readMinioSettings,
    check: () => undefined,
    create(c, ctx) {
        const s = ctx.settings;
        const own = ctx.child("store");
        const store = new MinioObjectStore(
            own.name,
            {
                namespace: MINIO_NAMESPACE,
                bucketName: s.bucketName,
                dataPrefix: s.dataPrefix,
                image: mirrored(c.image, ctx.imageRegistry),
                mcImage: s.mcImage,
                storageSize: c.storageSize,
                storageClass: c.storageClass,
                region: s.s3Region,
                setupDeadlineSeconds: ctx.setupDeadlineSeconds,
                eventLogReader: ctx.eventLogReader,
            },
            own.opts,
        );
        return platformStore(store, { auth: "keys", client: { kind: "mc", image: s.mcImage } });
    },
};
