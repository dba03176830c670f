/**
 * The pure helpers the checks stand on: jar and image names, Spark's own committer defaults per
 * line, output locations, and unknown values at preview.
 */
import { strict as assert } from "assert";
import { UNKNOWN, readSparkApplication } from "../../policy/s3a/conf";
import { jobView, parseCoordinate, parseJar, sparkDefaults, stockImage } from "../../policy/s3a/job";
import { readersOf } from "../../policy/rules/preview-coverage";
import { RULES } from "../../policy/rules";
import { jobLocations } from "../../policy/s3a/locations";
import { POLICY, checkSparkConf } from "../../policy/s3a/checks";
import { UNKNOWN_STRING } from "../helpers/policy";

describe("job view helpers", () => {
    it("jar files and Maven coordinates: artifact, Scala suffix, version", () => {
        assert.deepEqual(
            [parseJar("local:///opt/x/spark-hadoop-cloud_2.13-4.0.2.jar", "spark.jars")].map((a) => [a?.base, a?.scala, a?.version]),
            [["spark-hadoop-cloud", "2.13", "4.0.2"]],
        );
        assert.equal(parseJar("/j/hadoop-aws-3.4.1-tests.jar", "spark.jars")?.version, "3.4.1");
        assert.equal(parseJar("/j/aws-java-sdk-bundle-1.12.262.jar", "spark.jars")?.artifact, "aws-java-sdk-bundle");
        assert.equal(parseJar("/j/app.jar", "spark.jars"), undefined);
        const c = parseCoordinate(" org.apache.spark:spark-sql-kafka-0-10_2.12:3.5.7 ", "spark.jars.packages");
        assert.deepEqual(
            [c?.group, c?.base, c?.scala, c?.version, c?.resolved],
            ["org.apache.spark", "spark-sql-kafka-0-10", "2.12", "3.5.7", true],
        );
        assert.equal(parseCoordinate("not-a-coordinate", "spark.jars.packages"), undefined);
    });

    it("stock images (also behind a mirror) and the Spark and Scala their tag names", () => {
        assert.deepEqual(stockImage("apache/spark:4.0.4-scala2.13-java17-python3-ubuntu"), {
            stock: true,
            version: "4.0.4",
            scala: "2.13",
        });
        assert.deepEqual(stockImage("mirror.example.com/dockerhub/apache/spark:3.5.7"), {
            stock: true,
            version: "3.5.7",
            scala: undefined,
        });
        assert.equal(stockImage("spark:3.5.7-scala2.12-java17-ubuntu").stock, true);
        assert.equal(stockImage("registry.example.com/team/spark:4.0.4").stock, false);
        assert.equal(stockImage("apache/spark-operator:2.5.2").stock, false);
    });

    it("Spark's own committer defaults: 4.1 always (with hadoop-cloud), 3.5/4.0 only after a per-bucket magic.enabled", () => {
        const magic = "spark.hadoop.fs.s3a.committer.name";
        assert.equal(sparkDefaults({}, "4.1", true).conf[magic], "magic");
        assert.equal(sparkDefaults({}, "4.2", true).conf[magic], "magic");
        assert.equal(sparkDefaults({}, "4.1", false).conf[magic], undefined, "no spark-hadoop-cloud: no default");
        assert.equal(sparkDefaults({ "spark.hadoop.fs.s3a.committer.magic.enabled": "false" }, "4.1", true).conf[magic], undefined);
        assert.equal(
            sparkDefaults({ "spark.hadoop.fs.s3a.committer.magic.enabled": "TRUE" }, "4.1", true).conf[magic],
            undefined,
            'Spark compares with equals("true")',
        );
        assert.equal(sparkDefaults({}, "4.0", true).conf[magic], undefined);
        assert.equal(sparkDefaults({ "spark.hadoop.fs.s3a.bucket.b.committer.magic.enabled": "True" }, "3.5", true).conf[magic], "magic");
        assert.equal(sparkDefaults({ [magic]: "directory" }, "4.1", true).conf[magic], "directory");
        assert.equal(sparkDefaults({}, undefined, true).conf[magic], UNKNOWN, "unknown version: unknown default");
        assert.deepEqual([...sparkDefaults({}, "4.1", true).defaulted].sort(), [
            "spark.hadoop.fs.s3a.committer.magic.enabled",
            "spark.hadoop.fs.s3a.committer.name",
            "spark.hadoop.mapreduce.outputcommitter.factory.scheme.s3a",
            "spark.sql.parquet.output.committer.class",
            "spark.sql.sources.commitProtocolClass",
        ]);
    });

    it("locations and their roles: output-like flags and conf keys, inputs, positional paths by their words", () => {
        const view = jobView({
            spec: {
                arguments: [
                    "--input",
                    "s3a://b/raw",
                    "--output",
                    "s3a://b/out/",
                    "--target=s3a://b/t",
                    "--rejects",
                    "s3a://b/rej",
                    "--timeout",
                    "30",
                    "s3a://b/x/output/",
                ],
                sparkConf: {
                    "spark.myjob.outputPath": "s3a://b/conf-out",
                    "spark.myjob.source": "s3a://b/src",
                    "spark.eventLog.dir": "s3a://b/logs",
                },
            },
        });
        const roles = jobLocations(view.app, view.conf)
            .locations.map((l) => `${l.role} ${l.uri}`)
            .sort();
        assert.deepEqual(roles, [
            "eventLog s3a://b/logs",
            "input s3a://b/raw",
            "input s3a://b/src",
            "output s3a://b/conf-out",
            "output s3a://b/out",
            "output s3a://b/t",
            "output s3a://b/x/output",
            "unknown s3a://b/rej",
        ]);
    });

    it("unknown values become UNKNOWN with their paths; checks do not read them as unset", () => {
        const { app, unknown } = readSparkApplication({
            spec: {
                sparkVersion: UNKNOWN_STRING,
                sparkConf: { "spark.hadoop.fs.s3a.endpoint": UNKNOWN_STRING },
                arguments: ["--output", UNKNOWN_STRING],
            },
        });
        assert.deepEqual(unknown, ["spec.sparkVersion", 'spec.sparkConf["spark.hadoop.fs.s3a.endpoint"]', "spec.arguments[1]"]);
        assert.equal(app.spec?.sparkVersion, UNKNOWN);
        assert.deepEqual(readersOf("spec.arguments[1]", RULES), [
            POLICY.committer,
            POLICY.staging,
            POLICY.consistency,
            "s3a-committer-scheme",
            POLICY.concurrentWriters,
        ]);
        assert.deepEqual(readersOf('spec.hadoopConf["fs.s3a.bucket.x.y.endpoint"]', RULES), [POLICY.tls, POLICY.thirdParty]);
        assert.deepEqual(readersOf('spec.sparkConf["spark.app.name"]', RULES), []);
    });

    it("checkSparkConf (the program's stack-config validation) keeps its six conf-only policies", () => {
        const conf = {
            "spark.hadoop.fs.s3a.committer.name": "file",
            "spark.hadoop.fs.s3a.bufer.dir": "/x",
            "spark.jars.packages": "org.apache.hadoop:hadoop-aws:3.3.4",
        };
        const policies = [...new Set(checkSparkConf(conf, "4.0.4").map((v) => v.policy))].sort();
        assert.deepEqual(policies, [POLICY.committer, POLICY.knownKeys]);
    });
});
