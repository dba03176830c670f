/** The config keys every object store reads (descriptions in Pulumi.yaml); each store adds its own. */
import { bucketNameProblem, keyPrefix, readPem } from "../config/checks";
import { spec, type KeySpec, type Reader } from "../config/reader";
import { mirrored } from "../images";
import type { StoreSettings } from "./types";

export const STORE_KEYS = {
    bucketName: spec({ key: "bucketName", type: "string", default: "", example: "acme-spark-dev-data", stackExpand: true }),
    dataPrefix: spec({
        key: "dataPrefix",
        type: "string",
        default: "doglover",
        example: "review/${stack}",
        stackExpand: true,
        check: keyPrefix,
    }),
    bucketVersioning: spec({ key: "bucketVersioning", type: "boolean", default: false, example: "true" }),
    s3Region: spec({
        key: "s3Region",
        type: "string",
        default: "us-east-1",
        example: "us-east-1",
        check: (v: string) => (/^[a-z0-9-]+$/.test(v) ? undefined : `"${v}" must be a non-empty region name`),
    }),
    s3CaBundle: spec({ key: "s3CaBundle", type: "string", default: "", example: "certs/s3-ca.pem (a PEM file, relative to the project)" }),
    minioClientImage: spec({
        key: "minioClientImage",
        type: "string",
        default: "quay.io/minio/mc:RELEASE.2025-04-16T18-13-26Z",
        example: "quay.io/minio/mc:RELEASE.2025-04-16T18-13-26Z",
    }),
} as const;

/** A CA bundle file named by a key, read now so a wrong path fails at preview; its PEM or "". */
export function readCaBundle(r: Reader, s: KeySpec<string>): string {
    const file = r.get(s);
    if (file === "") return "";
    const { pem, problem } = readPem(file);
    if (problem) r.failOn(s, problem);
    return pem ?? "";
}

/** The common store settings; `derivesBucketName`: the store's kind derives an empty bucket name. */
export function readStoreSettings(r: Reader, kind: string, derivesBucketName: boolean, imageRegistry: string): StoreSettings {
    const k = STORE_KEYS;
    const given = r.get(k.bucketName);
    const bucketName = given !== "" ? given : `spark-s3-${r.stack.toLowerCase().replace(/[^a-z0-9-]/g, "-")}`;
    if (given === "" && !derivesBucketName) {
        r.failOn(k.bucketName, `is required for objectStore ${kind} (S3 bucket names are global, so none is derived)`);
    } else {
        const p = bucketNameProblem(bucketName);
        if (p) r.failOn(k.bucketName, p);
    }
    return {
        kind,
        bucketName,
        dataPrefix: r.get(k.dataPrefix),
        versioning: r.get(k.bucketVersioning),
        s3Region: r.get(k.s3Region),
        caBundle: readCaBundle(r, k.s3CaBundle),
        mcImage: mirrored(r.get(k.minioClientImage), imageRegistry),
    };
}
