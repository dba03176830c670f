import { compareVersions, findRelease, hadoopCloudFor } from "../s3a/releases";
import type { Artifact } from "../s3a/job";
import { finding, jobRule, type Finding } from "./rule";
import { committerJars, trusted } from "./committer-jars";
import { goodConf, sparkApp } from "./examples";

const NAME = "s3a-jar-delivery";
const hasVersion = (a: Artifact): a is Artifact & { version: string } => typeof a.version === "string";

/**
 * How the committer jars arrive, and drift that works but is worth a look. spark.jars.packages
 * are resolved by spark-submit: in cluster mode the operator's, inside its controller pod, on
 * every submission (hadoop-aws brings the AWS SDK bundle, about 500 MB), and again by the driver.
 */
export const jarDelivery = jobRule({
    kind: "job",
    name: NAME,
    level: "advisory",
    jobs: "s3a",
    description:
        "Says how the committer jars arrive (packages resolved on every submission, or an image) and flags working but avoidable drift.",
    firesOn:
        "committer jars from `spark.jars.packages` (resolved by the operator's spark-submit in its controller pod, about 500 MB of AWS SDK, on every submission); a spark-hadoop-cloud patch release of the same line and Hadoop that is not the best one; an extra AWS SDK bundle; an image not in `trustedImages` with no jars listed",
    why: "Packages resolved at submission make every run depend on Maven Central and fill the operator's pod; an SDK bundle other than the one hadoop-aws is built with is untested with it.",
    options: ["trustedImages", "imageHadoop"],
    reads: {
        conf: [/^spark\.jars(\.|$)/, "spark.kubernetes.container.image"],
        spec: [/^spec\.sparkVersion$/, /^spec\.(image|driver\.image|executor\.image|driver|executor)$/, /^spec\.deps(\.|\[|$)/],
    },
    examples: [
        {
            title: "the committer jars as packages",
            resources: [
                sparkApp({
                    image: "apache/spark:4.0.4-scala2.13-java17-python3-ubuntu",
                    sparkConf: goodConf({
                        "spark.jars.packages": "org.apache.hadoop:hadoop-aws:3.4.1,org.apache.spark:spark-hadoop-cloud_2.13:4.0.2",
                    }),
                }),
            ],
            fires: true,
        },
        {
            title: "an image with the jars baked in, trusted",
            resources: [sparkApp()],
            fires: false,
            options: { trustedImages: ["registry.example.com/platform/spark:"] },
        },
    ],
    check: ({ view, writes, opts }) => {
        const out: Finding[] = [];
        const rel = view.release;
        const committerArtifacts = view.artifacts.filter((a) => a.base === "hadoop-aws" || a.base === "spark-hadoop-cloud");
        if (rel) {
            // A different spark-hadoop-cloud patch release of the same line and Hadoop: works, but not the best choice
            for (const a of view.artifacts.filter(hasVersion).filter((x) => x.base === "spark-hadoop-cloud")) {
                const scala = a.scala ?? view.scala ?? rel.defaultScala;
                const cloud = findRelease(a.version);
                const best = hadoopCloudFor(rel, scala);
                if (!cloud || cloud.hadoop !== rel.hadoop || !best || a.version === best) continue;
                const why =
                    best === rel.spark
                        ? `Maven Central has spark-hadoop-cloud_${scala}:${rel.spark} itself`
                        : `Maven Central has no spark-hadoop-cloud_${scala}:${rel.spark}; ${best} is the newest ${rel.line}.x with Hadoop ${rel.hadoop}`;
                out.push(
                    finding(
                        `${a.text} is spark-hadoop-cloud ${a.version} with Spark ${rel.spark}: same line, same Hadoop ${rel.hadoop}, so it works, but ${why}: use ${best}.`,
                        a.from,
                    ),
                );
            }
        }
        // An AWS SDK bundle next to hadoop-aws, other than the one it is built with
        const facts = view.hadoopFacts;
        if (facts) {
            const hv = view.hadoopVersion;
            for (const a of view.artifacts.filter(hasVersion)) {
                const bundle = `${a.group ?? (a.artifact === "aws-java-sdk-bundle" ? "com.amazonaws" : a.artifact === "bundle" ? "software.amazon.awssdk" : "")}:${a.artifact}`;
                if (bundle !== "com.amazonaws:aws-java-sdk-bundle" && bundle !== "software.amazon.awssdk:bundle") continue;
                if (`${bundle}:${a.version}` === facts.awsSdkBundle) continue;
                const major = bundle.startsWith("com.amazonaws") ? "v1" : "v2";
                const builtWith = facts.awsSdkBundle.split(":")[2];
                out.push(
                    finding(
                        major !== facts.awsSdk
                            ? `${a.text} is AWS SDK ${major}, but hadoop-aws ${hv} uses SDK ${facts.awsSdk} (${facts.awsSdkBundle}, which it brings itself): drop it.`
                            : compareVersions(a.version, builtWith) < 0
                              ? `${a.text} is older than the AWS SDK bundle hadoop-aws ${hv} is built with (${facts.awsSdkBundle}): where it wins on the classpath, S3A calls into SDK methods it lacks (NoSuchMethodError). Use ${facts.awsSdkBundle}.`
                              : `${a.text} replaces the AWS SDK bundle hadoop-aws ${hv} is built and tested with (${facts.awsSdkBundle}, which it brings itself): drop it unless you need a fix from it.`,
                        a.from,
                    ),
                );
            }
        }
        // Delivery: packages resolved at every submission
        const resolved = committerArtifacts.filter((a) => a.resolved);
        if (resolved.length > 0) {
            const others = committerArtifacts.filter((a) => !a.resolved).map((a) => `${a.text} from ${a.from}`);
            out.push(
                finding(
                    `the committer jars come from ${[...new Set(resolved.map((a) => a.from))].join(" and ")} (${resolved.map((a) => a.text).join(", ")})${others.length ? `, plus ${others.join(", ")}` : ""}: in cluster mode the operator's spark-submit resolves them inside its controller pod on every submission (hadoop-aws brings the AWS SDK bundle, about 500 MB, into the controller's emptyDir), and the driver resolves them again. Bake them into the image (hadoop-aws, its SDK bundle and spark-hadoop-cloud in /opt/spark/jars) and list it in the policy's trustedImages.`,
                    resolved[0].from,
                ),
            );
        } else if (view.imagesKnown && view.artifactsKnown && !view.stockImagesOnly && !trusted(view, opts)) {
            // spark-hadoop-cloud matters only to jobs that (may) commit files to s3a://
            const needed = writes.kind === "none" ? ["hadoop-aws"] : ["hadoop-aws", "spark-hadoop-cloud"];
            const missing = needed.filter((b) => !committerArtifacts.some((a) => a.base === b));
            if (missing.length > 0) {
                out.push(
                    finding(
                        view.images.length === 0
                            ? `the job names no image and lists no ${missing.join(" or ")}: the pack cannot tell whether the committer jars are on the classpath. Name the image and list it in trustedImages (of ${NAME} and ${committerJars.name}) if it carries them.`
                            : `the image ${view.images.join(", ")} is not in the policy's trustedImages and the job lists no ${missing.join(" or ")}: the pack cannot tell whether the image carries ${missing.length === 1 ? "it" : "the committer jars"}. If it does, list it in trustedImages (of ${NAME} and ${committerJars.name}); if not, add ${missing.length === 1 ? "it" : "them"}.`,
                        "spec.image",
                    ),
                );
            }
        }
        return out;
    },
});
