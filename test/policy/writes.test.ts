/**
 * What a job writes (policy/s3a/writes.ts), the job's declaration, the image's Hadoop, the key
 * suggestions and the jar coherence checks, each on the smallest manifest that shows it.
 */
import { strict as assert } from "assert";
import { UNKNOWN } from "../../policy/s3a/conf";
import { OUTPUTS_ANNOTATION, REASON_ANNOTATION } from "../../policy/s3a/declarations";
import { keySetsAround, s3aKeyNames } from "../../policy/s3a/facts";
import { jobView } from "../../policy/s3a/job";
import { imageHadoopOf, optionProblems } from "../../policy/s3a/options";
import { sparkJobs, type StackResource } from "../../policy/s3a/resources";
import { suggestOption } from "../../policy/s3a/suggest";
import { judgeWrites } from "../../policy/s3a/writes";
import { POLICY, checkSparkApplication } from "../../policy/s3a/checks";

const S3A = { "spark.hadoop.fs.s3a.endpoint.region": "us-east-1" };
const judge = (spec: Record<string, unknown>, annotations?: Record<string, string>) =>
    judgeWrites(
        jobView({ metadata: { name: "j", namespace: "ns", annotations }, spec: { sparkVersion: "3.5.7", sparkConf: S3A, ...spec } }),
    );

describe("what a job writes", () => {
    const cases: [string, Record<string, unknown>, string, RegExp][] = [
        ["an output flag", { arguments: ["--output", "s3a://b/out"] }, "commits", /s3a:\/\/b\/out \(--output\) is an output/],
        ["--output=", { arguments: ["--dest=s3a://b/out"] }, "commits", /--dest/],
        ["an OUTPUT_PATH variable", { executor: { env: [{ name: "OUTPUT_PATH", value: "s3a://b/out" }] } }, "commits", /env OUTPUT_PATH/],
        ["a positional path named output", { arguments: ["s3a://b/in/", "s3a://b/trips/output/"] }, "commits", /argument 2/],
        [
            "an app conf key named like an output",
            { sparkConf: { ...S3A, "spark.myjob.outputPath": "s3a://b/o" } },
            "commits",
            /spark.myjob.outputPath/,
        ],
        [
            "an S3A committer in its own conf",
            { sparkConf: { ...S3A, "spark.hadoop.fs.s3a.committer.name": "magic" } },
            "commits",
            /selects an S3A committer/,
        ],
        ["positional paths without a role", { arguments: ["s3a://b/2025", "s3a://b/by-zone"] }, "undetermined", /does not say whether/],
        ["inputs only", { arguments: ["--input", "s3a://b/raw"] }, "undetermined", /only as inputs/],
        ["the event log only", { sparkConf: { ...S3A, "spark.eventLog.dir": "s3a://b/logs" } }, "undetermined", /only as the event log/],
        ["fs.s3a settings only", {}, "undetermined", /names no s3a:\/\/ location, only fs.s3a/],
        ["a warehouse on s3a", { sparkConf: { ...S3A, "spark.sql.warehouse.dir": "s3a://b/wh" } }, "undetermined", /warehouse is on s3a/],
        ["arguments unknown at preview", { arguments: UNKNOWN }, "undetermined", /unknown during preview \(spec.arguments\)/],
        ["a local output", { arguments: ["--output", "/mnt/out"] }, "none", /its outputs are \/mnt\/out, not s3a/],
        [
            "Spark's Pi",
            { mainClass: "org.apache.spark.examples.SparkPi", sparkConf: { ...S3A, "spark.eventLog.dir": "s3a://b/l" } },
            "none",
            /Pi example/,
        ],
        [
            "Iceberg",
            { sparkConf: { ...S3A, "spark.sql.catalog.c": "org.apache.iceberg.spark.SparkCatalog" }, arguments: ["--output", "s3a://b/t"] },
            "none",
            /Iceberg.*taken for tables/,
        ],
        [
            "Delta by its package",
            { deps: { packages: ["io.delta:delta-spark_2.12:3.3.1"] } },
            "none",
            /Delta Lake \(io.delta:delta-spark_2.12:3.3.1\)/,
        ],
        ["Hudi's streamer", { mainClass: "org.apache.hudi.utilities.streamer.HoodieStreamer" }, "none", /Hudi \(mainClass/],
        [
            "a streaming checkpoint",
            { sparkConf: { ...S3A, "spark.sql.streaming.checkpointLocation": "s3a://b/cp" }, arguments: ["--output", "s3a://b/o"] },
            "none",
            /Structured Streaming/,
        ],
        ["no S3A at all", { sparkConf: {}, arguments: ["--output", "hdfs:///x"] }, "none", /does not use S3A/],
    ];
    for (const [what, spec, kind, why] of cases) {
        it(`${what} → ${kind}`, () => {
            const w = judge(spec);
            assert.equal(w.kind, kind, w.why);
            assert.match(w.why, why);
        });
    }

    it("Spark 4.1's own magic default is not the job's choice", () => {
        assert.equal(judge({ sparkVersion: "4.1.2", image: "registry.example.com/s:4.1.2" }).kind, "undetermined");
    });

    it("a Mountpoint for Amazon S3 volume is named when the stack has its PersistentVolume", () => {
        const app: StackResource = {
            type: "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication",
            urn: "a",
            name: "a",
            props: {
                spec: {
                    sparkVersion: "3.5.7",
                    arguments: ["/data/out/"],
                    sparkConf: S3A,
                    volumes: [{ name: "s3", persistentVolumeClaim: { claimName: "s3-claim" } }],
                    executor: { volumeMounts: [{ name: "s3", mountPath: "/data" }] },
                },
            },
        };
        const pv: StackResource = {
            type: "kubernetes:core/v1:PersistentVolume",
            urn: "pv",
            name: "pv",
            props: { metadata: { name: "s3-pv" }, spec: { csi: { driver: "s3.csi.aws.com" } } },
        };
        const pvc: StackResource = {
            type: "kubernetes:core/v1:PersistentVolumeClaim",
            urn: "pvc",
            name: "pvc",
            props: { metadata: { name: "s3-claim" }, spec: { volumeName: "s3-pv" } },
        };
        const [job] = sparkJobs([app, pv, pvc]);
        assert.equal(job.writes.kind, "none");
        assert.match(job.writes.why, /\/data\/out on a Mountpoint for Amazon S3 volume \(claim s3-claim\)/);
    });

    describe("the job's declaration", () => {
        it("outputs make it a committing job, whatever the manifest shows", () => {
            const w = judge({ arguments: ["s3a://b/x"] }, { [OUTPUTS_ANNOTATION]: "s3a://b/out/, s3a://b/rejects" });
            assert.equal(w.kind, "commits");
            assert.deepEqual(w.outputs, ["s3a://b/out", "s3a://b/rejects"]);
        });
        it("none with a reason waives; without a reason it is ignored, saying why", () => {
            const waived = judge(
                { arguments: ["--output", "s3a://b/o"] },
                { [OUTPUTS_ANNOTATION]: "none", [REASON_ANNOTATION]: "Delta only" },
            );
            assert.deepEqual([waived.kind, waived.declared], ["none", { kind: "none", reason: "Delta only" }]);
            const ignored = judge({ arguments: ["--output", "s3a://b/o"] }, { [OUTPUTS_ANNOTATION]: "none" });
            assert.equal(ignored.kind, "commits");
            assert.match(ignored.declarationProblems[0], /only with a reason/);
        });
        it("entries that are not s3a:// locations are named", () => {
            const w = judge({}, { [OUTPUTS_ANNOTATION]: "/tmp/x" });
            assert.equal(w.kind, "undetermined");
            assert.match(w.declarationProblems.join(" "), /lists \/tmp\/x, which are not s3a:\/\/ locations/);
        });
    });
});

describe("the image's Hadoop (imageHadoop)", () => {
    it("the longest matching prefix wins; entries are checked", () => {
        const entries = ["registry.example.com/spark:=3.4.1", "registry.example.com/spark:3.5-h343=3.4.3"];
        assert.equal(imageHadoopOf("registry.example.com/spark:3.5-h343-python", entries), "3.4.3");
        assert.equal(imageHadoopOf("registry.example.com/spark:3.5", entries), "3.4.1");
        assert.equal(imageHadoopOf("apache/spark:3.5.7", entries), undefined);
        assert.deepEqual(optionProblems("imageHadoop", ["registry.example.com/spark:3.4.1"]).length, 1);
    });
    it("a Hadoop the pack holds no list of is checked against the lists on either side", () => {
        assert.deepEqual(keySetsAround("3.4.3"), ["3.4.2", "3.5.0"]);
        assert.deepEqual(keySetsAround("3.4.1"), ["3.4.1"]);
        const conf = { ...S3A, "spark.hadoop.fs.s3a.create.conditional.enabled": "false", "spark.hadoop.fs.s3a.input.fadvise": "random" };
        const props = {
            spec: { sparkVersion: "3.5.7", image: "r.example.com/s:1", sparkConf: conf, arguments: ["--output", "s3a://b/o"] },
        };
        const keys = (opts = {}) =>
            checkSparkApplication(props, opts)
                .filter((v) => v.policy === POLICY.knownKeys)
                .map((v) => v.key);
        assert.deepEqual(keys(), ["spark.hadoop.fs.s3a.create.conditional.enabled", "spark.hadoop.fs.s3a.input.fadvise"]);
        assert.deepEqual(keys({ imageHadoop: ["r.example.com/s:=3.4.3"] }), ["spark.hadoop.fs.s3a.input.fadvise"]);
    });
});

describe("did you mean", () => {
    const known = s3aKeyNames("3.4.1");
    for (const [typo, meant] of [
        ["fs.s3a.input.fadvise", "fs.s3a.experimental.input.fadvise"],
        ["fs.s3a.fast.uplaod.buffer", "fs.s3a.fast.upload.buffer"],
        ["fs.s3a.upload.fast.buffer", "fs.s3a.fast.upload.buffer"],
        ["fs.s3a.staging.tmp.path", "fs.s3a.committer.staging.tmp.path"],
        ["fs.s3a.connection.max", "fs.s3a.connection.maximum"],
    ] as const) {
        it(`${typo} → ${meant}`, () => assert.equal(suggestOption(typo, known), meant));
    }
    it("per bucket, with the bucket kept", () => {
        const props = {
            spec: {
                sparkVersion: "4.0.4",
                sparkConf: { "spark.hadoop.fs.s3a.bucket.raw.data.input.fadvise": "random" },
                arguments: ["--input", "s3a://raw.data/x"],
            },
        };
        const v = checkSparkApplication(props).find((x) => x.policy === POLICY.knownKeys)!;
        assert.match(v.message, /Did you mean spark.hadoop.fs.s3a.bucket.raw.data.experimental.input.fadvise\?/);
    });
    it("nothing when nothing is close", () => assert.equal(suggestOption("fs.s3a.zzz", known), undefined));
});

describe("jar coherence", () => {
    const jobOn = (image: string, sparkVersion: string, conf: Record<string, string>, opts = {}) =>
        checkSparkApplication(
            { spec: { sparkVersion, image, sparkConf: { ...S3A, ...conf }, arguments: ["--output", "s3a://b/o"] } },
            opts,
        ).filter((v) => v.policy === POLICY.jars);
    it("Hadoop's other jars of another release", () => {
        const v = jobOn("r.example.com/s:1", "3.5.7", { "spark.jars": "/j/hadoop-common-3.3.6.jar" });
        assert.match(v[0].message, /hadoop-common-3.3.6.jar is Hadoop 3.3.6, but Spark 3.5.7 is built with Hadoop 3.3.4/);
    });
    it("a hadoop-aws jar file with only the other SDK generation's bundle", () => {
        const v = jobOn("apache/spark:3.5.7-scala2.12-java17-python3-ubuntu", "3.5.7", {
            "spark.jars": "/j/hadoop-aws-3.3.4.jar,/j/bundle-2.24.6.jar,/j/spark-hadoop-cloud_2.12-3.5.7.jar",
        });
        assert.equal(v.length, 1);
        assert.match(
            v[0].message,
            /needs SDK v1 \(com.amazonaws:aws-java-sdk-bundle:1.12.262\).*NoClassDefFoundError \(com\/amazonaws\/AmazonClientException\)/,
        );
    });
    it("hadoop-aws against the image's Hadoop when the policy says which", () => {
        const opts = { imageHadoop: ["r.example.com/s:=3.4.1"] };
        assert.deepEqual(jobOn("r.example.com/s:1", "3.5.7", { "spark.jars.packages": "org.apache.hadoop:hadoop-aws:3.4.1" }, opts), []);
        const v = jobOn("r.example.com/s:1", "3.5.7", { "spark.jars.packages": "org.apache.hadoop:hadoop-aws:3.3.4" }, opts);
        assert.match(
            v[0].message,
            /the image r.example.com\/s:1 carries Hadoop 3.4.1 \(the policy's imageHadoop\).*Use org.apache.hadoop:hadoop-aws:3.4.1/,
        );
    });
});
