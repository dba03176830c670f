/**
 * The Spark version matrix: the one place that says which Hadoop, which jars and which image go
 * with a Spark release. The Pulumi program, the local runner and the policy pack all read it.
 *
 * Sources (checked 2026-11-24):
 * - Spark 4.0.x is built against Hadoop 3.4.1 (pyspark 4.0.4 ships hadoop-client-api-3.4.1.jar;
 *   jobs/doglover/tests read the version from pyspark's jars/ and compare with this table).
 *   hadoop-aws 3.4.1 depends on software.amazon.awssdk:bundle:2.24.6 (its Maven POM).
 * - Spark 3.5.x is built against Hadoop 3.3.4; hadoop-aws 3.3.4 depends on
 *   com.amazonaws:aws-java-sdk-bundle:1.12.262 (its Maven POM).
 * - kubeflow spark-operator chart 2.5.2 submits with Spark 4.0.4 (DESIGN.md section 3).
 * - Images: the official `apache/spark` images, tag `<spark>-scala<scala>-java17-python3-ubuntu`.
 *   Neither contains hadoop-aws nor spark-hadoop-cloud: they come through spark.jars.packages
 *   (see `packagesFor`) or a custom image (docker/Dockerfile).
 */

/** A Hadoop release whose fs.s3a.* option names the pack knows (hadoop-s3a-keys.json). */
export type HadoopKeySet = "3.4.1" | "3.3.6";

export interface SparkRuntime {
    /** Spark release, e.g. "4.0.4". */
    readonly spark: string;
    /** Scala binary version of the Spark build. */
    readonly scala: "2.13" | "2.12";
    /** Hadoop release Spark is built against; hadoop-aws must match it exactly. */
    readonly hadoop: string;
    /**
     * The Hadoop release whose option names are used to check fs.s3a.* keys. Equal to `hadoop`
     * where the project has that list; for Hadoop 3.3.4 the nearest list we hold is 3.3.6 (3.3.5
     * and 3.3.6 added a few keys, so a 3.3.6-only key is accepted for Spark 3.5).
     */
    readonly keySet: HadoopKeySet;
    /** The AWS SDK that hadoop-aws uses: v2 from Hadoop 3.4, v1 before. */
    readonly awsSdk: "v1" | "v2";
    /** Maven coordinates of the AWS SDK bundle that hadoop-aws depends on (comes transitively). */
    readonly awsSdkBundle: string;
    /** Stock image for driver and executors. */
    readonly image: string;
    /** Java in that image. */
    readonly java: string;
}

const row = (
    spark: string,
    scala: "2.13" | "2.12",
    hadoop: string,
    keySet: HadoopKeySet,
    awsSdk: "v1" | "v2",
    awsSdkBundle: string,
): SparkRuntime => ({
    spark,
    scala,
    hadoop,
    keySet,
    awsSdk,
    awsSdkBundle,
    java: "17",
    image: `apache/spark:${spark}-scala${scala}-java17-python3-ubuntu`,
});

/** Every Spark release the project supports, newest first. The first row is the default. */
export const SPARK_MATRIX: readonly SparkRuntime[] = [
    row("4.0.4", "2.13", "3.4.1", "3.4.1", "v2", "software.amazon.awssdk:bundle:2.24.6"),
    row("3.5.7", "2.12", "3.3.4", "3.3.6", "v1", "com.amazonaws:aws-java-sdk-bundle:1.12.262"),
];

export const DEFAULT_SPARK_VERSION = SPARK_MATRIX[0].spark;

export function supportedSparkVersions(): string[] {
    return SPARK_MATRIX.map((r) => r.spark);
}

/** The matrix row of a Spark release, or undefined when the project does not support it. */
export function findSparkRuntime(sparkVersion: string): SparkRuntime | undefined {
    return SPARK_MATRIX.find((r) => r.spark === sparkVersion);
}

/** Like findSparkRuntime, but throws a message that lists the supported releases. */
export function sparkRuntime(sparkVersion: string): SparkRuntime {
    const r = findSparkRuntime(sparkVersion);
    if (!r) {
        throw new Error(`Spark ${sparkVersion} is not in the version matrix; supported: ${supportedSparkVersions().join(", ")}`);
    }
    return r;
}

export const hadoopAwsPackage = (r: SparkRuntime): string => `org.apache.hadoop:hadoop-aws:${r.hadoop}`;
export const sparkHadoopCloudPackage = (r: SparkRuntime): string => `org.apache.spark:spark-hadoop-cloud_${r.scala}:${r.spark}`;

/**
 * The Maven packages the S3A committers need on the classpath: hadoop-aws (S3AFileSystem and
 * the committers; brings the AWS SDK bundle) and spark-hadoop-cloud (PathOutputCommitProtocol,
 * BindingParquetOutputCommitter).
 */
export function packagesFor(r: SparkRuntime): string[] {
    return [hadoopAwsPackage(r), sparkHadoopCloudPackage(r)];
}

/**
 * The credentials provider that reads AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY from the
 * environment, in the SDK that hadoop-aws uses.
 */
export function environmentCredentialsProvider(r: SparkRuntime): string {
    return r.awsSdk === "v2"
        ? "software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider"
        : "com.amazonaws.auth.EnvironmentVariableCredentialsProvider";
}
