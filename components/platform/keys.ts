/** The platform's own config keys: images, helper Jobs, Spark (descriptions in Pulumi.yaml). */
import { CONFLICT_MODES, S3A_COMMITTERS } from "../../policy/s3a/facts";
import { findSparkRuntime, supportedSparkVersions } from "../../policy/s3a/versions";
import { imageRegistry } from "../config/checks";
import { spec } from "../config/reader";

export const PLATFORM_KEYS = {
    imageRegistry: spec({
        key: "imageRegistry",
        type: "string",
        default: "",
        example: "registry.example.com/mirror",
        check: imageRegistry,
    }),
    setupJobTimeoutMinutes: spec({ key: "setupJobTimeoutMinutes", type: "integer", default: 10, example: "10", min: 1, max: 24 * 60 }),
    sparkVersion: spec({
        key: "sparkVersion",
        type: "string",
        default: supportedSparkVersions()[0],
        example: `"${supportedSparkVersions()[0]}"`,
        check: (v: string) =>
            findSparkRuntime(v) ? undefined : `Spark ${v} is not in the version matrix (${supportedSparkVersions().join(", ")})`,
    }),
    sparkImage: spec({ key: "sparkImage", type: "string", default: "", example: '"registry.example.com/spark-s3:4.0.4"' }),
    committer: spec({ key: "committer", type: "string", default: "directory", example: "directory", oneOf: S3A_COMMITTERS }),
    conflictMode: spec({ key: "conflictMode", type: "string", default: "append", example: "append", oneOf: CONFLICT_MODES }),
    sparkConf: spec({ key: "sparkConf", type: "array", default: [] as string[], example: '["spark.sql.shuffle.partitions=64"]' }),
    operatorReadsS3a: spec({ key: "operatorReadsS3a", type: "boolean", default: false, example: "true" }),
} as const;
