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
 * - spark-hadoop-cloud_2.13 is not on Maven Central for 4.0.3 and 4.0.4 (its maven-metadata.xml
 *   lists 4.0.0-4.0.2, then 4.1.x, while spark-core_2.13 has 4.0.4), so the 4.0.4 row uses the
 *   newest 4.0.x one, 4.0.2: the same committer classes, proven with pyspark 4.0.4 by the
 *   integration test (jobs/doglover/tests/test_integration.py).
 * - spark-hadoop-cloud's own dependencies (gcs-connector, hadoop-azure, hadoop-cloud-storage, a
 *   second AWS SDK bundle) are not wanted: the committer classes need only Spark and Hadoop,
 *   which the image has. So it ships as one jar (spark.jars), and hadoop-aws with its SDK
 *   bundle through spark.jars.packages.
 * - Images: the official `apache/spark` images, tag `<spark>-scala<scala>-java17-python3-ubuntu`.
 *   Neither contains hadoop-aws nor spark-hadoop-cloud: they come through spark.jars.packages
 *   (see `committerJars`) or a custom image (docker/Dockerfile).
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
    /** Version of spark-hadoop-cloud_<scala> (equal to `spark` where Maven Central has it). */
    readonly hadoopCloud: string;
}

const row = (
    spark: string,
    scala: "2.13" | "2.12",
    hadoop: string,
    keySet: HadoopKeySet,
    awsSdk: "v1" | "v2",
    awsSdkBundle: string,
    hadoopCloud: string,
): SparkRuntime => ({
    spark,
    scala,
    hadoop,
    keySet,
    awsSdk,
    awsSdkBundle,
    hadoopCloud,
    java: "17",
    image: `apache/spark:${spark}-scala${scala}-java17-python3-ubuntu`,
});

/** Every Spark release the project supports, newest first. The first row is the default. */
export const SPARK_MATRIX: readonly SparkRuntime[] = [
    row("4.0.4", "2.13", "3.4.1", "3.4.1", "v2", "software.amazon.awssdk:bundle:2.24.6", "4.0.2"),
    row("3.5.7", "2.12", "3.3.4", "3.3.6", "v1", "com.amazonaws:aws-java-sdk-bundle:1.12.262", "3.5.7"),
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
export const sparkHadoopCloudPackage = (r: SparkRuntime): string => `org.apache.spark:spark-hadoop-cloud_${r.scala}:${r.hadoopCloud}`;
export const sparkHadoopCloudJarName = (r: SparkRuntime): string => `spark-hadoop-cloud_${r.scala}-${r.hadoopCloud}.jar`;
export const hadoopAwsJarName = (r: SparkRuntime): string => `hadoop-aws-${r.hadoop}.jar`;

export const MAVEN_CENTRAL = "https://repo1.maven.org/maven2";

/** Maven Central URL of the spark-hadoop-cloud jar (no transitive dependencies). */
export function sparkHadoopCloudJarUrl(r: SparkRuntime): string {
    return `${MAVEN_CENTRAL}/org/apache/spark/spark-hadoop-cloud_${r.scala}/${r.hadoopCloud}/${sparkHadoopCloudJarName(r)}`;
}

/**
 * What puts the S3A committers on the classpath of a stock image: hadoop-aws as a package (it
 * brings S3AFileSystem, the committers and the AWS SDK bundle) and spark-hadoop-cloud as a
 * single jar (PathOutputCommitProtocol, BindingParquetOutputCommitter).
 */
export function committerJars(r: SparkRuntime): { packages: string[]; jars: string[] } {
    return { packages: [hadoopAwsPackage(r)], jars: [sparkHadoopCloudJarUrl(r)] };
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
