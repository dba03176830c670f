/** Every release of every line, and jars judged by what fails at runtime. */
import { strict as assert } from "assert";
import { POLICY } from "../../../policy/s3a/checks";
import { FACTS_GATHERED, findRelease, hadoopCloudFor } from "../../../policy/s3a/releases";
import { fired, firedMandatory, runPack } from "../../helpers/policy";
import { BASE_CONFIG, onStock, sdkJar, sorted, stockImage, trustedImage, withConf, runCases, type Case } from "./helpers";

// --- 12.1 / 12.2: every release, judged by what matters ---------------------------------------

/** Correct jobs on several releases of every line: they must pass clean. */
const RELEASES = ["3.5.0", "3.5.3", "3.5.7", "3.5.9", "4.0.0", "4.0.3", "4.0.4", "4.1.0", "4.1.2", "4.1.3", "4.2.0"];

const hadoopOf = (v: string) => findRelease(v)!.hadoop;
const scalaOf = (v: string) => (v.startsWith("3.") ? "2.12" : "2.13");
const cloudOf = (v: string) => hadoopCloudFor(findRelease(v)!, scalaOf(v));
const cloudJarUrl = (v: string, c: string) =>
    `https://repo1.maven.org/maven2/org/apache/spark/spark-hadoop-cloud_${scalaOf(v)}/${c}/spark-hadoop-cloud_${scalaOf(v)}-${c}.jar`;

const RELEASE_CASES: Case[] = RELEASES.flatMap((version): Case[] => {
    const scala = scalaOf(version);
    const cloud = cloudOf(version);
    const spec = { sparkVersion: version, image: trustedImage(version, scala) };
    const cases: Case[] = [
        { what: `Spark ${version} on an image with the jars baked in`, resources: withConf({}, spec), expect: [] },
        {
            what: `Spark ${version} on the stock image without the jars`,
            resources: onStock(version, {}),
            expect: [POLICY.jars],
            message: cloud ? new RegExp(`spark-hadoop-cloud_${scala}:${cloud.replace(/\./g, "\\.")}`) : /Maven Central has none/,
        },
    ];
    if (cloud) {
        cases.push(
            {
                what: `Spark ${version} on the stock image with jar files from a mirror (hadoop-aws ${hadoopOf(version)}, spark-hadoop-cloud ${cloud})`,
                resources: onStock(version, {
                    "spark.jars": `local:///opt/spark/extra/hadoop-aws-${hadoopOf(version)}.jar,local:///opt/spark/extra/spark-hadoop-cloud_${scala}-${cloud}.jar`,
                }),
                expect: [],
            },
            {
                what: `Spark ${version} on the stock image with packages: only the delivery note`,
                resources: onStock(version, {
                    "spark.jars.packages": `org.apache.hadoop:hadoop-aws:${hadoopOf(version)}`,
                    "spark.jars": cloudJarUrl(version, cloud),
                }),
                expect: [POLICY.jarDelivery],
                message: /resolves them inside its controller pod on every submission/,
            },
        );
    }
    return cases;
});

const JAR_CASES: Case[] = [
    {
        what: "Spark 3.5.3, not in the program's matrix, with the newest 3.5 spark-hadoop-cloud: no alarm",
        resources: onStock("3.5.3", { "spark.jars": "/opt/extra/hadoop-aws-3.3.4.jar,/opt/extra/spark-hadoop-cloud_2.12-3.5.8.jar" }),
        expect: [],
    },
    {
        what: "Spark 4.0.4 with spark-hadoop-cloud 4.0.1 (same line, same Hadoop; 4.0.2 is newer)",
        resources: onStock("4.0.4", { "spark.jars": "/opt/extra/hadoop-aws-3.4.1.jar,/opt/extra/spark-hadoop-cloud_2.13-4.0.1.jar" }),
        expect: [POLICY.jarDelivery],
        message:
            /same line, same Hadoop 3.4.1, so it works, but Maven Central has no spark-hadoop-cloud_2.13:4.0.4; 4.0.2 is the newest 4.0.x/,
    },
    {
        what: "Spark 4.1.2 with spark-hadoop-cloud 4.1.1 (4.1.2's own exists)",
        resources: onStock("4.1.2", { "spark.jars": "/opt/extra/hadoop-aws-3.4.2.jar,/opt/extra/spark-hadoop-cloud_2.13-4.1.1.jar" }),
        expect: [POLICY.jarDelivery],
        message: /Maven Central has spark-hadoop-cloud_2.13:4.1.2 itself: use 4.1.2/,
    },
    {
        what: "hadoop-aws of Spark 4.0's Hadoop on Spark 4.1 (Hadoop 3.4.2), with its own SDK bundle, older than 3.4.2's",
        resources: onStock("4.1.2", { "spark.jars": "/opt/extra/hadoop-aws-3.4.1.jar,/opt/extra/spark-hadoop-cloud_2.13-4.1.2.jar" }),
        expect: sorted(POLICY.jars, POLICY.jarDelivery),
        message: /hadoop-aws 3.4.1, but Spark 4.1.2 is built with Hadoop 3.4.2.*Use org.apache.hadoop:hadoop-aws:3.4.2/,
    },
    {
        what: "hadoop-aws of another Hadoop, as a package",
        resources: onStock("4.0.4", {
            "spark.jars.packages": "org.apache.hadoop:hadoop-aws:3.3.4",
            "spark.jars": cloudJarUrl("4.0.4", "4.0.2"),
        }),
        expect: sorted(POLICY.jars, POLICY.jarDelivery),
        message: /org.apache.hadoop:hadoop-aws:3.3.4 is hadoop-aws 3.3.4, but Spark 4.0.4 is built with Hadoop 3.4.1/,
    },
    {
        what: "spark-hadoop-cloud of Spark 4.0 (Hadoop 3.4.1) on Spark 4.1",
        resources: onStock("4.1.1", { "spark.jars": "/opt/extra/hadoop-aws-3.4.2.jar,/opt/extra/spark-hadoop-cloud_2.13-4.0.2.jar" }),
        expect: [POLICY.jars],
        message: /spark-hadoop-cloud of Spark 4.0.2, built with Hadoop 3.4.1, but Spark 4.1.1 is built with Hadoop 3.4.2/,
    },
    {
        what: "spark-hadoop-cloud for Scala 2.12 on Spark 4.0 (Scala 2.13 only)",
        resources: onStock("4.0.4", { "spark.jars": "/opt/jars/hadoop-aws-3.4.1.jar,/opt/jars/spark-hadoop-cloud_2.12-3.5.7.jar" }),
        expect: [POLICY.jars],
        message: /spark-hadoop-cloud_2.12-3.5.7.jar is built for Scala 2.12, but this job runs Spark 4.0.4 for Scala 2.13/,
    },
    {
        what: "a Scala 2.13 package on a Scala 2.12 Spark 3.5 image",
        resources: onStock("3.5.7", {
            "spark.jars": "/opt/jars/hadoop-aws-3.3.4.jar,/opt/jars/spark-hadoop-cloud_2.12-3.5.7.jar",
            "spark.jars.packages": "org.apache.spark:spark-sql-kafka-0-10_2.13:3.5.7",
        }),
        expect: [POLICY.jars],
        message: /spark-sql-kafka-0-10_2.13:3.5.7 is built for Scala 2.13, but this job runs Spark 3.5.7 for Scala 2.12/,
    },
    {
        what: "spark-hadoop-cloud 4.0.4 as a package: not on Maven Central",
        resources: onStock("4.0.4", {
            "spark.jars": "/opt/jars/hadoop-aws-3.4.1.jar",
            "spark.jars.packages": "org.apache.spark:spark-hadoop-cloud_2.13:4.0.4",
        }),
        expect: sorted(POLICY.jars, POLICY.jarDelivery),
        message: /spark-hadoop-cloud_2.13:4.0.4 does not exist on Maven Central.*Use org.apache.spark:spark-hadoop-cloud_2.13:4.0.2/,
    },
    {
        what: "spark-hadoop-cloud 4.0.4 from a private repository: its own version is right",
        resources: onStock("4.0.4", {
            "spark.jars": "/opt/jars/hadoop-aws-3.4.1.jar",
            "spark.jars.packages": "org.apache.spark:spark-hadoop-cloud_2.13:4.0.4",
            "spark.jars.repositories": "https://nexus.example.com/repository/maven-public",
        }),
        expect: [POLICY.jarDelivery],
        message: /resolves them inside its controller pod/,
    },
    {
        what: "Spark 3.5 with Scala 2.13: Maven Central has no spark-hadoop-cloud_2.13 3.5.x",
        resources: onStock("3.5.7", { "spark.jars": "/opt/jars/hadoop-aws-3.3.4.jar" }, {}, "2.13"),
        expect: [POLICY.jars],
        message: /Maven Central has none for Hadoop 3.3.4/,
    },
    {
        what: "an untrusted custom image without listed jars: the pack cannot tell",
        resources: withConf({}, { image: "registry.example.com/team/spark:4.0.4" }),
        expect: [POLICY.jarDelivery],
        message: /is not in the policy's trustedImages and the job lists no hadoop-aws or spark-hadoop-cloud/,
    },
    {
        what: "a v1 SDK bundle next to hadoop-aws 3.4.1 (SDK v2)",
        resources: withConf({ "spark.jars.packages": "com.amazonaws:aws-java-sdk-bundle:1.12.262" }),
        expect: [POLICY.jarDelivery],
        message: /is AWS SDK v1, but hadoop-aws 3.4.1 uses SDK v2/,
    },
    {
        what: "the stock image's Spark differs from spec.sparkVersion in Hadoop",
        resources: withConf(
            { "spark.jars": `/opt/jars/hadoop-aws-3.4.1.jar,/opt/jars/spark-hadoop-cloud_2.13-4.0.2.jar,${sdkJar("3.4.1")}` },
            { image: stockImage("3.5.7", "2.12") },
        ),
        expect: [POLICY.jars],
        message: /spec.sparkVersion is 4.0.4 \(Hadoop 3.4.1\) but the image .* runs Spark 3.5.7 \(Hadoop 3.3.4\)/,
    },
    {
        what: "a Spark version newer than the facts: advisory with the facts' date",
        resources: withConf({}, { sparkVersion: "4.3.0", image: trustedImage("4.3.0") }),
        expect: [POLICY.versionKnown],
        message: new RegExp(`Spark 4.3.0 is newer than the pack's release facts, gathered ${FACTS_GATHERED}`),
    },
    {
        what: "a patch release newer than the facts of its line",
        resources: withConf({}, { sparkVersion: "4.0.9", image: trustedImage("4.0.9") }),
        expect: [POLICY.versionKnown],
        message: /newer than the pack's release facts/,
    },
    {
        what: "a line older than the facts cover",
        resources: withConf({}, { sparkVersion: "3.0.3", image: trustedImage("3.0.3", "2.12") }),
        expect: [POLICY.versionKnown],
        message: /older than the lines/,
    },
    {
        what: "a version inside the covered lines that was never released",
        resources: withConf({}, { sparkVersion: "3.5.03", image: trustedImage("3.5.3", "2.12") }),
        expect: [POLICY.versionKnown],
        message: /is not a release.*the 3.5 line has 3.5.0, 3.5.1/,
    },
    {
        what: "spec.sparkVersion missing",
        resources: withConf({}, { sparkVersion: undefined }),
        expect: [POLICY.versionKnown],
        message: /spec.sparkVersion is not set/,
    },
    {
        what: "a platform that pins Spark 4.0: a 3.5 job",
        resources: withConf({}, { sparkVersion: "3.5.7", image: trustedImage("3.5.7", "2.12") }),
        config: { [POLICY.versionAllowed]: { allowedSparkVersions: ["4.0"] } },
        expect: [POLICY.versionAllowed],
        message: /Spark 3.5.7 is not allowed on this platform \(allowed: 4.0\)/,
    },
    {
        what: "a platform that pins Spark 4.0: a 4.0.2 job",
        resources: withConf({}, { sparkVersion: "4.0.2", image: trustedImage("4.0.2") }),
        config: { [POLICY.versionAllowed]: { allowedSparkVersions: ["4.0.x", "4.1.2"] } },
        expect: [],
    },
    {
        what: "a platform that pins exact releases: the stock image runs another one",
        resources: onStock("4.1.2", { "spark.jars": "/j/hadoop-aws-3.4.2.jar,/j/spark-hadoop-cloud_2.13-4.1.2.jar" }, {}),
        config: { [POLICY.versionAllowed]: { allowedSparkVersions: ["4.1.2"] } },
        expect: [],
    },
];

describe("policy pack corpus: releases and jars", () => {
    describe("every release of every line (12.1)", () => runCases(RELEASE_CASES));
    describe("jars judged by what fails at runtime (12.2)", () => runCases(JAR_CASES));

    it("levels: the jar and version mistakes that fail at runtime are mandatory, drift and notes advisory", () => {
        const wrongHadoop = runPack(
            onStock("4.1.2", { "spark.jars": "/j/hadoop-aws-3.4.1.jar,/j/spark-hadoop-cloud_2.13-4.1.2.jar" })(),
            BASE_CONFIG,
        );
        assert.deepEqual(firedMandatory(wrongHadoop), [POLICY.jars]);
        const drift = runPack(
            onStock("4.0.4", { "spark.jars": "/j/hadoop-aws-3.4.1.jar,/j/spark-hadoop-cloud_2.13-4.0.1.jar" })(),
            BASE_CONFIG,
        );
        assert.deepEqual(firedMandatory(drift), []);
        assert.deepEqual(fired(drift), [POLICY.jarDelivery]);
        const newer = runPack(withConf({}, { sparkVersion: "4.3.0", image: trustedImage("4.3.0") })(), BASE_CONFIG);
        assert.deepEqual(firedMandatory(newer), []);
    });
});
