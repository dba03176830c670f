/** Current S3A knowledge: Spark's own committer defaults, third-party stores per Hadoop release, the buffer directory. */
import { POLICY } from "../../../policy/s3a/checks";
import { app, goodConf, onStock, rwxClaim, runCases, sorted, trustedImage, withConf, type Case, type Conf } from "./helpers";

// --- 12.3: current S3A knowledge ---------------------------------------------------------------

const NO_COMMITTER: Conf = {
    "spark.sql.sources.commitProtocolClass": undefined,
    "spark.sql.parquet.output.committer.class": undefined,
    "spark.hadoop.fs.s3a.committer.name": undefined,
    "spark.hadoop.fs.s3a.committer.staging.conflict-mode": undefined,
    "spark.hadoop.fs.s3a.committer.staging.tmp.path": undefined,
};

const KNOWLEDGE_CASES: Case[] = [
    {
        what: "Spark 4.1 without any committer setting: magic by default (SPARK-47618), not a finding",
        resources: withConf(NO_COMMITTER, { sparkVersion: "4.1.2", image: trustedImage("4.1.2") }),
        expect: [],
    },
    {
        what: "Spark 4.2 without any committer setting: magic by default too",
        resources: withConf(NO_COMMITTER, { sparkVersion: "4.2.0", image: trustedImage("4.2.0") }),
        expect: [],
    },
    {
        what: "Spark 4.0 without any committer setting: classic committer",
        resources: withConf(NO_COMMITTER, { sparkVersion: "4.0.4", image: trustedImage("4.0.4") }),
        expect: [POLICY.committer],
        message: /classic "file" rename committer/,
    },
    {
        what: "Spark 4.1 without committer settings and magic turned off: classic committer",
        resources: withConf(
            { ...NO_COMMITTER, "spark.hadoop.fs.s3a.committer.magic.enabled": "false" },
            { sparkVersion: "4.1.2", image: trustedImage("4.1.2") },
        ),
        expect: [POLICY.committer],
        message: /would default to the magic committer, but spark.hadoop.fs.s3a.committer.magic.enabled=false turns that off/,
    },
    {
        what: "Spark 4.1 on the stock image without spark-hadoop-cloud: no magic default",
        resources: onStock("4.1.2", { "spark.jars": "/opt/jars/hadoop-aws-3.4.2.jar" }, NO_COMMITTER),
        expect: sorted(POLICY.committer, POLICY.jars),
        message: /defaults to the magic committer only when spark-hadoop-cloud is on the classpath/,
    },
    {
        what: "Spark 4.1's magic default on a platform that allows only directory",
        resources: withConf(NO_COMMITTER, { sparkVersion: "4.1.2", image: trustedImage("4.1.2") }),
        config: { [POLICY.committer]: { allowedCommitters: ["directory"] } },
        expect: [POLICY.committer],
        message: /committer.name=magic selects "magic" \(Spark 4.1.2 selects it by default/,
    },
    {
        what: "Spark 3.5 with only a per-bucket magic.enabled=true: Spark fills in the magic committer",
        resources: withConf(
            { ...NO_COMMITTER, "spark.hadoop.fs.s3a.bucket.bucket.committer.magic.enabled": "true" },
            { sparkVersion: "3.5.7", image: trustedImage("3.5.7", "2.12") },
        ),
        expect: [],
    },
    {
        what: "fs.s3a.checksum.generation=true on a third-party store with Hadoop 3.5 (Spark 4.2)",
        resources: withConf({ "spark.hadoop.fs.s3a.checksum.generation": "true" }, { sparkVersion: "4.2.0", image: trustedImage("4.2.0") }),
        expect: [POLICY.thirdParty],
        message: /third-party stores such as FlashBlade reject/,
    },
    {
        what: "fs.s3a.checksum.generation=false (Hadoop's default) with Spark 4.2",
        resources: withConf(
            { "spark.hadoop.fs.s3a.checksum.generation": "false" },
            { sparkVersion: "4.2.0", image: trustedImage("4.2.0") },
        ),
        expect: [],
    },
    {
        what: "fs.s3a.checksum.generation on Spark 4.0, whose Hadoop 3.4.1 does not have it",
        resources: withConf({ "spark.hadoop.fs.s3a.checksum.generation": "false" }),
        expect: [POLICY.knownKeys],
        message: /not an S3A option of Hadoop 3.4.1 \(Spark 4.0.4\).*It is an option of Hadoop 3.5.0/,
    },
    {
        what: "create performance on a third-party store with Hadoop 3.4.2 (Spark 4.1): conditional PUTs",
        resources: withConf({ "spark.hadoop.fs.s3a.create.performance": "true" }, { sparkVersion: "4.1.2", image: trustedImage("4.1.2") }),
        expect: [POLICY.thirdParty],
        message: /Set spark.hadoop.fs.s3a.create.conditional.enabled=false unless the store supports them/,
    },
    {
        what: "performance flags including create, same thing",
        resources: withConf(
            { "spark.hadoop.fs.s3a.performance.flags": "create,mkdir" },
            { sparkVersion: "4.1.2", image: trustedImage("4.1.2") },
        ),
        expect: [POLICY.thirdParty],
        message: /If-None-Match/,
    },
    {
        what: "create performance with conditional create off",
        resources: withConf(
            { "spark.hadoop.fs.s3a.create.performance": "true", "spark.hadoop.fs.s3a.create.conditional.enabled": "false" },
            { sparkVersion: "4.1.2", image: trustedImage("4.1.2") },
        ),
        expect: [],
    },
    {
        what: "create performance on Spark 4.0 (Hadoop 3.4.1 has no conditional create)",
        resources: withConf({ "spark.hadoop.fs.s3a.create.performance": "true" }),
        expect: [],
    },
    {
        what: "create performance against AWS: conditional writes are supported",
        resources: withConf(
            {
                "spark.hadoop.fs.s3a.create.performance": "true",
                "spark.hadoop.fs.s3a.endpoint": undefined,
                "spark.hadoop.fs.s3a.path.style.access": undefined,
            },
            { sparkVersion: "4.1.2", image: trustedImage("4.1.2") },
        ),
        expect: [],
    },
    {
        what: "an upload checksum algorithm on a third-party store (Hadoop 3.4.2)",
        resources: withConf(
            { "spark.hadoop.fs.s3a.create.checksum.algorithm": "CRC32C" },
            { sparkVersion: "4.1.2", image: trustedImage("4.1.2") },
        ),
        expect: [POLICY.thirdParty],
        message: /create.checksum.algorithm=CRC32C/,
    },
    {
        what: "an AWS SDK bundle newer than 2.29.52 with Hadoop 3.4.1 on a third-party store",
        resources: withConf({ "spark.jars.packages": "software.amazon.awssdk:bundle:2.31.1" }),
        expect: sorted(POLICY.thirdParty, POLICY.jarDelivery),
        message: /has no fs.s3a.checksum.generation to turn them off/,
    },
    {
        what: "the S3A buffer on the shared staging claim (issue 11.3)",
        resources: withConf({ "spark.hadoop.fs.s3a.buffer.dir": "/staging/buffer" }),
        expect: [POLICY.bufferDir],
        message: /is on the shared staging volume \(claim spark-staging at \/staging\) in the driver and executors.*crosses NFS twice/,
    },
    {
        what: "the S3A buffer on a pod-local emptyDir",
        resources: withConf({
            "spark.hadoop.fs.s3a.buffer.dir": "/s3a-buffer",
            "spark.kubernetes.driver.volumes.emptyDir.buffer.mount.path": "/s3a-buffer",
            "spark.kubernetes.executor.volumes.emptyDir.buffer.mount.path": "/s3a-buffer",
            "spark.kubernetes.executor.volumes.emptyDir.buffer.options.sizeLimit": "20Gi",
        }),
        expect: [],
    },
    {
        what: "the S3A buffer on another ReadWriteMany claim",
        resources: () => [
            app({
                ...goodConf(),
                "spark.hadoop.fs.s3a.buffer.dir": "/scratch/s3a",
                "spark.kubernetes.executor.volumes.persistentVolumeClaim.scratch.options.claimName": "scratch",
                "spark.kubernetes.executor.volumes.persistentVolumeClaim.scratch.mount.path": "/scratch",
            }),
            rwxClaim(),
            rwxClaim("scratch"),
        ],
        expect: [POLICY.bufferDir],
        message: /shared storage \(claim scratch at \/scratch, ReadWriteMany\) in the executors/,
    },
    {
        what: "the S3A buffer on a per-pod ReadWriteOnce claim",
        resources: () => [
            app({
                ...goodConf(),
                "spark.hadoop.fs.s3a.buffer.dir": "/scratch/s3a",
                "spark.kubernetes.executor.volumes.persistentVolumeClaim.scratch.options.claimName": "OnDemand",
                "spark.kubernetes.executor.volumes.persistentVolumeClaim.scratch.mount.path": "/scratch",
            }),
            rwxClaim(),
        ],
        expect: [],
    },
];

describe("policy pack corpus: current S3A knowledge (12.3, 11.3)", () => runCases(KNOWLEDGE_CASES));
