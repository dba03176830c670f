/**
 * The Spark version matrix: the releases the Pulumi program deploys, with the Hadoop, jars and
 * image that go with each. The program, the local runner and the policy pack all read it.
 *
 * Every fact in a row comes from the release facts (releases.ts / spark-releases.json, gathered
 * from Maven Central with their source POMs): the Hadoop version the release is built with, the
 * AWS SDK bundle its hadoop-aws depends on, and the spark-hadoop-cloud version to use (the
 * release's own when Maven Central has it; for 4.0.4 it does not, so the newest 4.0.x with the
 * same Hadoop, 4.0.2 -- proven with pyspark 4.0.4 by jobs/doglover/tests/test_integration.py).
 * What a row adds is the program's choice: which releases, which Scala build, which image.
 * test/policy/release-facts.test.ts checks every row against the facts.
 *
 * Further sources:
 * - kubeflow spark-operator chart 2.5.2 submits with Spark 4.0.4 (its Dockerfile's SPARK_IMAGE, apache/spark:4.0.4).
 * - spark-hadoop-cloud's own dependencies (gcs-connector, hadoop-azure, hadoop-cloud-storage, a
 *   second AWS SDK bundle) are not wanted: the committer classes need only Spark and Hadoop,
 *   which the image has. So it ships as one jar (spark.jars), and hadoop-aws with its SDK
 *   bundle through spark.jars.packages.
 * - Images: the official `apache/spark` images, tag `<spark>-scala<scala>-java17-python3-ubuntu`.
 *   Neither contains hadoop-aws nor spark-hadoop-cloud: they come through spark.jars.packages
 *   (see `committerJars`) or a custom image (docker/Dockerfile).
 */
import type { HadoopKeySet } from "./facts";
import { findRelease, hadoopCloudFor } from "./releases";

export type { HadoopKeySet } from "./facts";

export interface SparkRuntime {
    /** Spark release, e.g. "4.0.4". */
    readonly spark: string;
    /** Scala binary version of the Spark build. */
    readonly scala: "2.13" | "2.12";
    /** Hadoop release Spark is built against; hadoop-aws must match it exactly. */
    readonly hadoop: string;
    /**
     * The Hadoop release whose option names the program's contract test checks emitted keys
     * against (3.4.1 and 3.3.6; npm run test:facts checks every list against Maven Central). The pack itself checks a job's keys against
     * the list of its exact Hadoop version (3.3.4 for Spark 3.5), which is stricter.
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

/** A matrix row: the release and Scala build the program deploys; everything else from the facts. */
function row(spark: string, scala: "2.13" | "2.12", keySet: HadoopKeySet): SparkRuntime {
    const release = findRelease(spark);
    if (!release || !(scala in release.scala)) throw new Error(`Spark ${spark} (Scala ${scala}) is not in the release facts`);
    const hadoopCloud = hadoopCloudFor(release, scala);
    if (!hadoopCloud) throw new Error(`no spark-hadoop-cloud_${scala} for Spark ${spark} on Maven Central`);
    return {
        spark,
        scala,
        hadoop: release.hadoop,
        keySet,
        awsSdk: release.hadoopFacts.awsSdk,
        awsSdkBundle: release.hadoopFacts.awsSdkBundle,
        hadoopCloud,
        java: "17",
        image: `apache/spark:${spark}-scala${scala}-java17-python3-ubuntu`,
    };
}

/** Every Spark release the program deploys, newest first. The first row is the default. */
export const SPARK_MATRIX: readonly SparkRuntime[] = [row("4.0.4", "2.13", "3.4.1"), row("3.5.7", "2.12", "3.3.6")];

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

/**
 * The credentials provider for IAM Roles for Service Accounts (the web identity token the EKS
 * pod identity webhook mounts: AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE).
 *
 * Checked against the sources jars on Maven Central (2026-11-25): hadoop-aws 3.4.1 instantiates
 * a v2 provider through a (URI, Configuration) or (Configuration) constructor, a static
 * `create()` or a no-arg constructor (CredentialProviderListFactory.createAWSV2CredentialProvider,
 * S3AUtils.getInstanceFromReflection); SDK v2 2.24.6's WebIdentityTokenFileCredentialsProvider
 * has `create()`. hadoop-aws 3.3.4 takes the same constructors or a static `getInstance()`
 * (S3AUtils.createAWSCredentialProvider); SDK v1 1.12.262's WebIdentityTokenCredentialsProvider
 * has a public no-arg constructor. Both need the SDK's STS classes, which the bundles carry.
 */
export function webIdentityCredentialsProvider(r: SparkRuntime): string {
    return r.awsSdk === "v2"
        ? "software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider"
        : "com.amazonaws.auth.WebIdentityTokenCredentialsProvider";
}

/**
 * The credentials provider for EKS Pod Identity (the agent on 169.254.170.23, with
 * AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE), or undefined
 * where the SDK cannot use it.
 *
 * hadoop-aws 3.4.1's IAMInstanceCredentialsProvider tries the SDK v2 ContainerCredentialsProvider
 * first, then the EC2 instance profile; 2.24.6's ContainerCredentialsProvider allows the EKS host
 * 169.254.170.23 and reads AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (its sources). The SDK v1
 * 1.12.262 of hadoop-aws 3.3.4 does neither: its ContainerCredentialsProvider accepts a full URI
 * only on localhost/127.0.0.1 and knows no token file (aws-java-sdk-core-1.12.262 sources), so the
 * Spark 3.5 row cannot use Pod Identity (IRSA works there).
 */
export function podIdentityCredentialsProvider(r: SparkRuntime): string | undefined {
    return r.awsSdk === "v2" ? "org.apache.hadoop.fs.s3a.auth.IAMInstanceCredentialsProvider" : undefined;
}
