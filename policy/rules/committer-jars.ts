import { CLASSES, SPARK_KEYS } from "../s3a/facts";
import { FACTS_GATHERED, RELEASE_FACTS, findRelease, hadoopCloudFor, hadoopCloudPublished } from "../s3a/releases";
import type { Artifact, JobView } from "../s3a/job";
import type { CheckOptions } from "../s3a/options";
import { finding, jobRule, type Finding } from "./rule";
import { goodConf, sparkApp } from "./examples";

const hasVersion = (a: Artifact): a is Artifact & { version: string } => typeof a.version === "string";
/** Hadoop's own jars: all of one Hadoop version, or classes of two releases meet at runtime. */
const HADOOP_JARS = /^hadoop-(aws|common|client|client-api|client-runtime|hdfs-client|mapreduce-client-core)$/;
const SDK_BUNDLES: Readonly<Record<string, "v1" | "v2">> = {
    "com.amazonaws:aws-java-sdk-bundle": "v1",
    "software.amazon.awssdk:bundle": "v2",
};
const sdkOf = (a: Artifact): "v1" | "v2" | undefined =>
    SDK_BUNDLES[
        `${a.group ?? (a.artifact === "aws-java-sdk-bundle" ? "com.amazonaws" : a.artifact === "bundle" ? "software.amazon.awssdk" : "")}:${a.artifact}`
    ];

/** Is every image of the job trusted to carry hadoop-aws and spark-hadoop-cloud? */
export function trusted(view: JobView, opts: CheckOptions): boolean {
    const t = opts.trustedImages ?? [];
    return view.images.length > 0 && view.images.every((i) => t.some((p) => i.startsWith(p)));
}

/** What to tell a job that needs spark-hadoop-cloud for a release. */
export function cloudAdvice(release: { spark: string; line: string; hadoop: string }, scala: string): string {
    const r = findRelease(release.spark);
    const best = r ? hadoopCloudFor(r, scala) : undefined;
    return best
        ? `org.apache.spark:spark-hadoop-cloud_${scala}:${best}`
        : `a spark-hadoop-cloud_${scala} built for Spark ${release.line} (Maven Central has none for Hadoop ${release.hadoop} as of ${FACTS_GATHERED}: build Spark's hadoop-cloud module into the image)`;
}

/** "Spark 4.1.2 is built with Hadoop 3.4.2", or "the image carries Hadoop 3.4.1 (imageHadoop)". */
const hadoopOfJob = (view: JobView) =>
    view.hadoopFrom === "image"
        ? `the image ${view.images[0]} carries Hadoop ${view.hadoopVersion} (the policy's imageHadoop)`
        : `Spark ${view.release?.spark} is built with Hadoop ${view.hadoopVersion}`;

/** hadoop-aws, Hadoop's other jars and the AWS SDK bundle against the job's Hadoop. */
function hadoopCoherence(view: JobView, opts: CheckOptions): Finding[] {
    const hv = view.hadoopVersion;
    if (!hv) return [];
    const out: Finding[] = [];
    const awsCoordinate = view.hadoopFacts?.hadoopAws ?? `org.apache.hadoop:hadoop-aws:${hv}`;
    for (const a of view.artifacts.filter(hasVersion)) {
        if (a.base === "hadoop-aws" && a.version !== hv) {
            out.push(
                finding(
                    `${a.text} is hadoop-aws ${a.version}, but ${hadoopOfJob(view)}: hadoop-aws must be of exactly that Hadoop version, mixed Hadoop versions fail at runtime (NoSuchMethodError, ClassNotFoundException). Use ${awsCoordinate}.`,
                    a.from,
                ),
            );
        } else if (
            HADOOP_JARS.test(a.base) &&
            a.base !== "hadoop-aws" &&
            (a.group === undefined || a.group === "org.apache.hadoop") &&
            a.version !== hv
        ) {
            out.push(
                finding(
                    `${a.text} is Hadoop ${a.version}, but ${hadoopOfJob(view)}: two Hadoop releases on one classpath fail at runtime (NoSuchMethodError, IllegalAccessError). Use org.apache.hadoop:${a.base}:${hv}, or leave it out (the image has it).`,
                    a.from,
                ),
            );
        }
    }
    // hadoop-aws as a jar file brings no SDK: the bundle of its SDK must be there too
    const facts = view.hadoopFacts;
    const awsJars = view.artifacts.filter((a) => a.base === "hadoop-aws" && !a.resolved && a.version === hv);
    // hadoop-aws or spark-hadoop-cloud as a package: resolution brings hadoop-aws's SDK bundle with it
    const resolvedAws = view.artifacts.some((a) => (a.base === "hadoop-aws" || a.base === "spark-hadoop-cloud") && a.resolved);
    if (facts && awsJars.length > 0 && !resolvedAws && !trusted(view, opts)) {
        const bundles = view.artifacts.filter((a) => sdkOf(a) !== undefined);
        const right = bundles.filter((a) => sdkOf(a) === facts.awsSdk);
        if (right.length === 0 && (bundles.length > 0 || view.stockImagesOnly)) {
            const missingClass =
                facts.awsSdk === "v2" ? "software/amazon/awssdk/core/exception/SdkException" : "com/amazonaws/AmazonClientException";
            const listed = bundles.length
                ? `the job lists only ${bundles.map((b) => `${b.text} (SDK ${sdkOf(b)})`).join(", ")}`
                : `the stock image ${view.images[0]} has no AWS SDK`;
            out.push(
                finding(
                    `${awsJars[0].text} is a jar file, which brings no AWS SDK, and hadoop-aws ${hv} needs SDK ${facts.awsSdk} (${facts.awsSdkBundle}); ${listed}: s3a:// fails with NoClassDefFoundError (${missingClass}). Add ${facts.awsSdkBundle}, or list ${awsCoordinate} in spark.jars.packages, which brings it.`,
                    awsJars[0].from,
                ),
            );
        }
    }
    return out;
}

/** Jars for another Scala build than the job's. */
function scalaCoherence(view: JobView): Finding[] {
    const scalaArtifacts = view.artifacts.filter((a) => a.scala);
    if (view.scala && view.release) {
        return scalaArtifacts
            .filter((x) => x.scala !== view.scala)
            .map((a) =>
                finding(
                    `${a.text} is built for Scala ${a.scala}, but this job runs Spark ${view.release!.spark} for Scala ${view.scala}: Scala ${a.scala} classes fail to link at runtime. Use ${a.base}_${view.scala}.`,
                    a.from,
                ),
            );
    }
    const scalas = [...new Set(scalaArtifacts.map((a) => a.scala))];
    if (scalas.length <= 1) return [];
    return [
        finding(
            `the job mixes jars for Scala ${scalas.join(" and ")} (${scalaArtifacts.map((a) => a.text).join(", ")}): ${view.release ? `Spark ${view.release.spark}` : "one Spark build"} runs one Scala build; use the artifacts of that one only.`,
            scalaArtifacts[0].from,
        ),
    ];
}

/** spark-hadoop-cloud of another Spark line or Hadoop, or one Maven Central does not have. */
function cloudCoherence(view: JobView): Finding[] {
    const rel = view.release;
    if (!rel) return [];
    const out: Finding[] = [];
    for (const a of view.artifacts.filter(hasVersion).filter((x) => x.base === "spark-hadoop-cloud")) {
        const scala = a.scala ?? view.scala ?? rel.defaultScala;
        const jobScala = view.scala ?? a.scala ?? rel.defaultScala;
        const cloud = findRelease(a.version);
        // With the image's own Hadoop, a same-line spark-hadoop-cloud jar is only the committer binding; as a
        // package it also resolves its own Hadoop's jars (hadoop-aws, hadoop-cloud-storage...).
        const mismatch = !cloud
            ? undefined
            : view.hadoopFrom === "image"
              ? cloud.line !== rel.line || (a.resolved && cloud.hadoop !== view.hadoopVersion)
              : cloud.hadoop !== rel.hadoop;
        if (cloud && mismatch) {
            out.push(
                finding(
                    `${a.text} is spark-hadoop-cloud of Spark ${cloud.spark}, built with Hadoop ${cloud.hadoop}, but ${hadoopOfJob(view)}${view.hadoopFrom === "image" ? ` and runs Spark ${rel.spark}` : ""}: mixed Hadoop versions fail at runtime. Use ${cloudAdvice(rel, jobScala)}${view.hadoopFrom === "image" ? " as a jar file (spark.jars)" : ""}.`,
                    a.from,
                ),
            );
        } else if (a.resolved && !view.customRepositories && !hadoopCloudPublished(a.version, scala)) {
            out.push(
                finding(
                    `${a.text} does not exist on Maven Central (facts of ${FACTS_GATHERED}; it has spark-hadoop-cloud_${scala} ${RELEASE_FACTS.sparkHadoopCloud.versions[scala]?.join(", ") || "in no version"}): spark-submit fails to resolve it. Use ${cloudAdvice(rel, jobScala)}.`,
                    a.from,
                ),
            );
        }
    }
    return out;
}

/**
 * What fails at runtime: Hadoop's jars of two releases on one classpath, hadoop-aws without its
 * SDK, classes of another Scala build, a spark-hadoop-cloud of another Hadoop or one that does not
 * exist, and a stock apache/spark image, which has neither hadoop-aws nor spark-hadoop-cloud.
 * The release facts (s3a/spark-releases.json, from Maven Central) say which Hadoop each Spark
 * release is built with; the policy's imageHadoop says where an image carries another.
 */
export const committerJars = jobRule({
    kind: "job",
    name: "s3a-committer-jars",
    level: "mandatory",
    jobs: "s3a",
    description:
        "hadoop-aws, Hadoop's other jars and the AWS SDK bundle match the job's Hadoop, jars match its Scala build, spark-hadoop-cloud exists and matches, and stock images get the jars.",
    firesOn:
        "hadoop-aws (or hadoop-common, hadoop-client...) of another Hadoop version than the job's (its Spark release's, or the image's per `imageHadoop`); hadoop-aws as a jar file without the AWS SDK bundle of its generation; jars for another Scala build; spark-hadoop-cloud of another Hadoop, or a version Maven Central does not have; a stock `apache/spark` image without hadoop-aws, or (for jobs that commit files to `s3a://`) without spark-hadoop-cloud; a stock image whose Spark has another Hadoop than `spec.sparkVersion`",
    why: "Spark loads every jar into one classpath: hadoop-aws calls into hadoop-common of its own release and into the AWS SDK it was built with, and a class of another release fails with NoSuchMethodError or NoClassDefFoundError on the first s3a:// access, or at commit.",
    options: ["trustedImages", "imageHadoop"],
    reads: {
        conf: [/^spark\.jars(\.|$)/, "spark.kubernetes.container.image"],
        spec: [/^spec\.sparkVersion$/, /^spec\.(image|driver\.image|executor\.image|driver|executor)$/, /^spec\.deps(\.|\[|$)/],
    },
    examples: [
        {
            title: "hadoop-aws of Spark 4.0's Hadoop on Spark 4.1",
            resources: [
                sparkApp({
                    sparkVersion: "4.1.2",
                    image: "apache/spark:4.1.2-scala2.13-java17-python3-ubuntu",
                    sparkConf: goodConf({
                        "spark.jars.packages": "org.apache.hadoop:hadoop-aws:3.4.1",
                        "spark.jars":
                            "https://repo1.maven.org/maven2/org/apache/spark/spark-hadoop-cloud_2.13/4.1.2/spark-hadoop-cloud_2.13-4.1.2.jar",
                    }),
                }),
            ],
            fires: true,
        },
        {
            title: "hadoop-aws as a jar file with the SDK of the other generation",
            resources: [
                sparkApp({
                    image: "apache/spark:4.0.4-scala2.13-java17-python3-ubuntu",
                    deps: {
                        jars: [
                            "local:///opt/extra/hadoop-aws-3.4.1.jar",
                            "local:///opt/extra/aws-java-sdk-bundle-1.12.262.jar",
                            "local:///opt/extra/spark-hadoop-cloud_2.13-4.0.2.jar",
                        ],
                    },
                }),
            ],
            fires: true,
        },
        {
            title: "the matching jars on the stock image",
            resources: [
                sparkApp({
                    image: "apache/spark:4.0.4-scala2.13-java17-python3-ubuntu",
                    deps: {
                        jars: [
                            "local:///opt/extra/hadoop-aws-3.4.1.jar",
                            "local:///opt/extra/bundle-2.24.6.jar",
                            "local:///opt/extra/spark-hadoop-cloud_2.13-4.0.2.jar",
                        ],
                    },
                }),
            ],
            fires: false,
        },
    ],
    check: ({ view, opts }) => {
        const out: Finding[] = [...scalaCoherence(view)];
        const rel = view.release;
        // The image's own Spark (stock images name it in the tag) against spec.sparkVersion
        if (rel && view.imageSparkVersion && view.imageSparkVersion !== rel.spark) {
            const img = findRelease(view.imageSparkVersion);
            if (img && img.hadoop !== rel.hadoop) {
                out.push(
                    finding(
                        `spec.sparkVersion is ${rel.spark} (Hadoop ${rel.hadoop}) but the image ${view.images.join(", ")} runs Spark ${img.spark} (Hadoop ${img.hadoop}): the jars chosen for one fail on the other. Make spec.sparkVersion and the image agree.`,
                        "spec.sparkVersion",
                    ),
                );
            }
        }
        out.push(...hadoopCoherence(view, opts), ...cloudCoherence(view));
        // Nothing on the classpath: stock images have neither jar
        if (rel && view.stockImagesOnly && view.artifactsKnown && !trusted(view, opts)) {
            const scala = view.scala ?? rel.defaultScala;
            if (!view.artifacts.some((a) => a.base === "hadoop-aws")) {
                out.push(
                    finding(
                        `the stock image ${view.images[0]} has no hadoop-aws and the job lists none: s3a:// fails with ClassNotFoundException (S3AFileSystem). Add ${rel.hadoopFacts.hadoopAws} to spark.jars.packages, or use an image with the jars baked in and list it in the policy's trustedImages.`,
                        SPARK_KEYS.jarsPackages,
                    ),
                );
            }
            if (!view.artifacts.some((a) => a.base === "spark-hadoop-cloud")) {
                out.push(
                    finding(
                        `the stock image ${view.images[0]} has no spark-hadoop-cloud and the job lists none: the committer binding (${CLASSES.pathOutputCommitProtocol}, ${CLASSES.bindingParquetOutputCommitter}) is missing, so the job fails or falls back to the classic committer. Add ${cloudAdvice(rel, scala)} (spark.jars or spark.jars.packages), or use an image with it baked in and list it in the policy's trustedImages.`,
                        SPARK_KEYS.jars,
                        { commits: true },
                    ),
                );
            }
        }
        return out;
    },
});
