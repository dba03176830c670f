import { HADOOP_KEYS, SPARK_HADOOP_PREFIX, isAwsEndpoint, isS3AOption } from "../s3a/facts";
import { isKnown, isUnknown, optionSettings } from "../s3a/conf";
import { compareVersions } from "../s3a/releases";
import { finding, jobRule, type Finding } from "./rule";
import { goodConf, sparkApp } from "./examples";

/** The newest AWS SDK v2 before the SDK's default request checksums (2.30.0), which third-party stores reject. */
const LAST_SDK_WITHOUT_DEFAULT_CHECKSUMS = "2.29.52";
const sh = (k: string) => SPARK_HADOOP_PREFIX + k;

/**
 * What stores other than AWS need from S3A, and the settings they reject, where the job's Hadoop
 * has them (its own key list): Hadoop 3.4's SDK v2 resolves the region from AWS when none is set;
 * virtual-host requests fail against MinIO and FlashBlade; 3.4.2 writes with conditional PUTs
 * under create performance (S3AFileSystem.innerCreateFile) and can ask for upload checksums; 3.5.0
 * (SDK 2.35) sends request checksums when fs.s3a.checksum.generation=true.
 */
export const thirdPartyEndpoint = jobRule({
    kind: "job",
    name: "s3a-third-party-endpoint",
    level: "advisory",
    jobs: "s3a",
    description:
        "Endpoints other than AWS have a scheme, path-style access, an endpoint region, and no settings third-party stores reject (checksums, conditional writes) where the job's Hadoop has them.",
    firesOn:
        "non-AWS endpoints without scheme, path-style access or (Hadoop 3.4+) region; where the job's Hadoop has them: `fs.s3a.checksum.generation=true` (3.5.0+), an upload `fs.s3a.create.checksum.algorithm` (3.4.2+), create performance without `fs.s3a.create.conditional.enabled=false` (3.4.2+: conditional PUTs); an AWS SDK bundle newer than 2.29.52 on a Hadoop without `checksum.generation`",
    why: "MinIO, FlashBlade and other S3-compatible stores answer virtual-host requests, missing regions, conditional writes and SDK checksums with errors, often only on the first write of a job.",
    options: ["imageHadoop"],
    reads: {
        hadoop: [
            HADOOP_KEYS.endpoint,
            HADOOP_KEYS.pathStyleAccess,
            HADOOP_KEYS.endpointRegion,
            HADOOP_KEYS.checksumGeneration,
            HADOOP_KEYS.checksumAlgorithm,
            HADOOP_KEYS.conditionalCreate,
            HADOOP_KEYS.createPerformance,
            HADOOP_KEYS.performanceFlags,
        ],
        conf: [/^spark\.jars(\.|$)/],
        spec: [/^spec\.sparkVersion$/, /^spec\.deps(\.|\[|$)/],
    },
    examples: [
        {
            title: "MinIO without path-style access",
            resources: [sparkApp({ sparkConf: goodConf({ "spark.hadoop.fs.s3a.path.style.access": undefined }) })],
            fires: true,
        },
        {
            title: "create performance on Hadoop 3.4.2 (Spark 4.1) against a third-party store",
            resources: [
                sparkApp({
                    sparkVersion: "4.1.2",
                    image: "registry.example.com/platform/spark:4.1.2",
                    sparkConf: goodConf({ "spark.hadoop.fs.s3a.create.performance": "true" }),
                }),
            ],
            fires: true,
        },
        { title: "path style and a region on a third-party store", resources: [sparkApp()], fires: false },
    ],
    check: ({ view }) => {
        const hadoop = view.hadoop;
        const out: Finding[] = [];
        const hv = view.hadoopVersion;
        const needsRegion = !hv || compareVersions(hv, "3.4") >= 0;
        const has = (key: string) => (hv || view.keySetExact ? isS3AOption(key, view.keySet) : false);
        for (const e of optionSettings(hadoop, HADOOP_KEYS.endpoint)) {
            if (isUnknown(e.value)) continue;
            if (!/^https?:\/\//i.test(e.value)) {
                out.push(finding(`spark.hadoop.${e.key}=${e.value} has no scheme: write it as https://${e.value}.`, sh(e.key)));
            }
            if (isAwsEndpoint(e.value)) continue;
            const perBucket = (generic: string) => `fs.s3a.bucket.${e.bucket}.${generic.slice("fs.s3a.".length)}`;
            const scope = (generic: string) => (e.bucket && hadoop[perBucket(generic)]) ?? hadoop[generic];
            const setting = (generic: string) => (e.bucket && hadoop[perBucket(generic)] !== undefined ? perBucket(generic) : generic);
            const pathStyle = scope(HADOOP_KEYS.pathStyleAccess);
            if (!isUnknown(pathStyle) && (pathStyle !== undefined || view.keysKnown) && (pathStyle ?? "").trim().toLowerCase() !== "true") {
                out.push(
                    finding(
                        `spark.hadoop.${e.key}=${e.value} is not AWS: set spark.hadoop.${HADOOP_KEYS.pathStyleAccess}=true (virtual-host requests fail against MinIO and FlashBlade).`,
                        sh(HADOOP_KEYS.pathStyleAccess),
                    ),
                );
            }
            const region = scope(HADOOP_KEYS.endpointRegion);
            if (needsRegion && !isUnknown(region) && (region !== undefined || view.keysKnown) && !(region ?? "").trim()) {
                out.push(
                    finding(
                        `spark.hadoop.${e.key}=${e.value} is not AWS: set spark.hadoop.${HADOOP_KEYS.endpointRegion} (for example us-east-1); Hadoop 3.4 otherwise tries to resolve the region from AWS.`,
                        sh(HADOOP_KEYS.endpointRegion),
                    ),
                );
            }
            const generation = scope(HADOOP_KEYS.checksumGeneration);
            if (has(HADOOP_KEYS.checksumGeneration) && isKnown(generation) && generation.trim().toLowerCase() === "true") {
                out.push(
                    finding(
                        `spark.hadoop.${setting(HADOOP_KEYS.checksumGeneration)}=true with ${e.value}, which is not AWS: the SDK then adds checksums to every request, which third-party stores such as FlashBlade reject. Leave it at Hadoop's default, false.`,
                        sh(setting(HADOOP_KEYS.checksumGeneration)),
                    ),
                );
            }
            const algorithm = scope(HADOOP_KEYS.checksumAlgorithm);
            if (has(HADOOP_KEYS.checksumAlgorithm) && isKnown(algorithm) && !["", "none"].includes(algorithm.trim().toLowerCase())) {
                out.push(
                    finding(
                        `spark.hadoop.${setting(HADOOP_KEYS.checksumAlgorithm)}=${algorithm} with ${e.value}, which is not AWS: many third-party stores (older MinIO, FlashBlade) reject uploads with ${algorithm} checksums. Remove it unless the store documents support.`,
                        sh(setting(HADOOP_KEYS.checksumAlgorithm)),
                    ),
                );
            }
            if (has(HADOOP_KEYS.conditionalCreate)) {
                const perf = scope(HADOOP_KEYS.createPerformance);
                const flags = scope(HADOOP_KEYS.performanceFlags);
                const perfOn =
                    (isKnown(perf) && perf.trim().toLowerCase() === "true") ||
                    (isKnown(flags) && flags.split(",").some((f) => ["create", "*"].includes(f.trim().toLowerCase())));
                const conditional = scope(HADOOP_KEYS.conditionalCreate);
                if (perfOn && !isUnknown(conditional) && (conditional ?? "true").trim().toLowerCase() !== "false") {
                    out.push(
                        finding(
                            `${e.value} is not AWS and create performance is on: Hadoop ${view.keySet} then writes new files with a conditional PUT (If-None-Match: *), which stores without conditional writes reject. Set spark.hadoop.${HADOOP_KEYS.conditionalCreate}=false unless the store supports them.`,
                            sh(HADOOP_KEYS.conditionalCreate),
                        ),
                    );
                }
            }
            // An SDK bundle newer than 2.29.52 on a Hadoop without fs.s3a.checksum.generation: no way to turn the checksums off.
            for (const a of view.artifacts) {
                if (a.group !== "software.amazon.awssdk" || a.artifact !== "bundle" || !a.version) continue;
                if (compareVersions(a.version, LAST_SDK_WITHOUT_DEFAULT_CHECKSUMS) <= 0 || has(HADOOP_KEYS.checksumGeneration) || !hv)
                    continue;
                out.push(
                    finding(
                        `${a.text} with ${e.value}, which is not AWS: SDK versions after ${LAST_SDK_WITHOUT_DEFAULT_CHECKSUMS} add checksums to every request, which third-party stores such as FlashBlade reject, and Hadoop ${hv} has no fs.s3a.checksum.generation to turn them off.${view.hadoopFacts ? ` Use the bundle hadoop-aws brings (${view.hadoopFacts.awsSdkBundle}).` : ""}`,
                        a.from,
                    ),
                );
            }
        }
        return out;
    },
});
