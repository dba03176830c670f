/**
 * Building blocks of the rules' examples: a correct directory-committer job on a third-party
 * store (trusted image, staging claim mounted natively) that each example changes in one place.
 * The examples are the docs' examples and a test (test/policy/rule-examples.test.ts).
 */
import type { ExampleResource } from "./rule";

export const EXAMPLE_IMAGE = "registry.example.com/platform/spark:4.0.4";
export const EXAMPLE_TRUSTED = { trustedImages: ["registry.example.com/platform/spark:"] } as const;

/** The sparkConf of a correct directory-committer job; `undefined` in `changes` removes a key. */
export function goodConf(changes: Record<string, string | undefined> = {}): Record<string, string> {
    const conf: Record<string, string | undefined> = {
        "spark.hadoop.fs.s3a.committer.name": "directory",
        "spark.hadoop.fs.s3a.committer.staging.conflict-mode": "append",
        "spark.hadoop.fs.s3a.committer.staging.tmp.path": "file:///staging/committer",
        "spark.sql.sources.commitProtocolClass": "org.apache.spark.internal.io.cloud.PathOutputCommitProtocol",
        "spark.sql.parquet.output.committer.class": "org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter",
        "spark.hadoop.fs.s3a.endpoint": "https://s3.store.example.com",
        "spark.hadoop.fs.s3a.endpoint.region": "us-east-1",
        "spark.hadoop.fs.s3a.path.style.access": "true",
        "spark.kubernetes.driver.volumes.persistentVolumeClaim.staging.options.claimName": "spark-staging",
        "spark.kubernetes.driver.volumes.persistentVolumeClaim.staging.mount.path": "/staging",
        "spark.kubernetes.executor.volumes.persistentVolumeClaim.staging.options.claimName": "spark-staging",
        "spark.kubernetes.executor.volumes.persistentVolumeClaim.staging.mount.path": "/staging",
        ...changes,
    };
    return Object.fromEntries(Object.entries(conf).filter((e): e is [string, string] => e[1] !== undefined));
}

/** A SparkApplication writing Parquet to s3a://lake/daily, with `spec` changes on top. */
export function sparkApp(spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): ExampleResource {
    return {
        props: {
            apiVersion: "sparkoperator.k8s.io/v1beta2",
            kind: "SparkApplication",
            metadata: { name: "daily-etl", namespace: "spark-jobs", ...metadata },
            spec: {
                type: "Python",
                sparkVersion: "4.0.4",
                image: EXAMPLE_IMAGE,
                mainApplicationFile: "local:///opt/spark/jobs/etl.py",
                arguments: ["--input", "s3a://lake/raw", "--output", "s3a://lake/daily"],
                sparkConf: goodConf(),
                ...spec,
            },
        },
    };
}

/** The staging claim (ReadWriteMany unless told otherwise). */
export function claim(name = "spark-staging", accessModes = ["ReadWriteMany"]): ExampleResource {
    return {
        props: {
            apiVersion: "v1",
            kind: "PersistentVolumeClaim",
            metadata: { name, namespace: "spark-jobs" },
            spec: { accessModes, storageClassName: "nfs", resources: { requests: { storage: "100Gi" } } },
        },
    };
}
