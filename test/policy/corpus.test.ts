/**
 * The policy pack on a corpus of SparkApplications and buckets: each case says exactly which
 * policies fire. Runs the pack's real policy objects the way the engine does (test/helpers/policy.ts),
 * and no case may need the engine to skip a policy.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { POLICY } from "../../policy/s3a/checks";
import { FACTS_GATHERED, findRelease, hadoopCloudFor, hadoopFactsOf } from "../../policy/s3a/releases";
import {
    fired,
    firedMandatory,
    fromMocks,
    resource,
    runPack,
    UNKNOWN_ARRAY,
    UNKNOWN_OBJECT,
    UNKNOWN_STRING,
    type PackConfig,
    type Reported,
} from "../helpers/policy";
import { ROOT } from "../helpers/paths";
import { runProgram } from "../helpers/stack";

const APP = "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication";
const SCHEDULED = "kubernetes:sparkoperator.k8s.io/v1beta2:ScheduledSparkApplication";
const PVC = "kubernetes:core/v1:PersistentVolumeClaim";

type Conf = Record<string, string | undefined>;
type Resource = ReturnType<typeof resource>;

/** A custom image with hadoop-aws and spark-hadoop-cloud baked in, trusted by the corpus's pack config. */
const TRUSTED = "registry.example.com/spark-s3:";
const trustedImage = (v: string, scala = "2.13") => `${TRUSTED}${v}-scala${scala}`;
const stockImage = (v: string, scala = "2.13") => `apache/spark:${v}-scala${scala}-java17-python3-ubuntu`;
const BASE_CONFIG: PackConfig = {
    [POLICY.jars]: { trustedImages: [TRUSTED] },
    [POLICY.jarDelivery]: { trustedImages: [TRUSTED] },
};

/** A correct directory-committer job on a third-party store with the staging claim mounted natively. */
function goodConf(): Conf {
    return {
        "spark.sql.sources.commitProtocolClass": "org.apache.spark.internal.io.cloud.PathOutputCommitProtocol",
        "spark.sql.parquet.output.committer.class": "org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter",
        "spark.hadoop.fs.s3a.committer.name": "directory",
        "spark.hadoop.fs.s3a.committer.staging.conflict-mode": "append",
        "spark.hadoop.fs.s3a.committer.staging.tmp.path": "file:///staging/committer",
        "spark.hadoop.fs.s3a.endpoint": "https://s3.store.example.com",
        "spark.hadoop.fs.s3a.endpoint.region": "us-east-1",
        "spark.hadoop.fs.s3a.path.style.access": "true",
        "spark.kubernetes.driver.volumes.persistentVolumeClaim.staging.options.claimName": "spark-staging",
        "spark.kubernetes.driver.volumes.persistentVolumeClaim.staging.mount.path": "/staging",
        "spark.kubernetes.executor.volumes.persistentVolumeClaim.staging.options.claimName": "spark-staging",
        "spark.kubernetes.executor.volumes.persistentVolumeClaim.staging.mount.path": "/staging",
        "spark.kubernetes.driver.secretKeyRef.AWS_ACCESS_KEY_ID": "creds:AWS_ACCESS_KEY_ID",
        "spark.kubernetes.executor.secretKeyRef.AWS_ACCESS_KEY_ID": "creds:AWS_ACCESS_KEY_ID",
    };
}

const clean = (conf: Conf) => Object.fromEntries(Object.entries(conf).filter(([, v]) => v !== undefined)) as Record<string, string>;

function app(conf: Conf, spec: Record<string, any> = {}, name = "job") {
    return resource(APP, {
        apiVersion: "sparkoperator.k8s.io/v1beta2",
        kind: "SparkApplication",
        metadata: { name, namespace: "spark-jobs" },
        spec: {
            type: "Python",
            sparkVersion: "4.0.4",
            image: trustedImage("4.0.4"),
            mainApplicationFile: "local:///opt/spark/jobs/job.py",
            arguments: ["--output", "s3a://bucket/out"],
            sparkConf: clean(conf),
            driver: {},
            executor: { instances: 2 },
            ...spec,
        },
    });
}

const rwxClaim = (name = "spark-staging", modes = ["ReadWriteMany"]) =>
    resource(PVC, { metadata: { name, namespace: "spark-jobs" }, spec: { accessModes: modes } });

function mergeConfig(extra: PackConfig = {}): PackConfig {
    const out: PackConfig = { ...BASE_CONFIG };
    for (const [k, v] of Object.entries(extra)) out[k] = { ...(out[k] ?? {}), ...v };
    return out;
}

function check(resources: Resource[], config?: PackConfig): { names: string[]; reported: Reported[] } {
    const reported = runPack(resources, mergeConfig(config));
    return { names: fired(reported), reported };
}

interface Case {
    what: string;
    resources: () => Resource[];
    expect: string[];
    config?: PackConfig;
    message?: RegExp;
}

const withConf = (changes: Conf, spec?: Record<string, any>) => () => [app({ ...goodConf(), ...changes }, spec), rwxClaim()];

/** Only the jar settings of a job on a stock image: packages and jars as given. */
/** The AWS SDK bundle jar file that hadoop-aws of Hadoop `h` is built with (a jar file of hadoop-aws brings none). */
const sdkJar = (h: string) => {
    const [, artifact, version] = hadoopFactsOf(h)!.awsSdkBundle.split(":");
    return `/opt/extra/${artifact}-${version}.jar`;
};

/** hadoop-aws jar files in spark.jars get the SDK bundle jar of their Hadoop, as a mirror of the jars would hold it. */
const withSdkJars = (jars: Conf): Conf => {
    const list = jars["spark.jars"];
    const aws = list && /hadoop-aws-(\d+\.\d+\.\d+)\.jar/.exec(list);
    if (!aws || !hadoopFactsOf(aws[1]) || /bundle-\d/.test(list!)) return jars;
    return { ...jars, "spark.jars": `${list},${sdkJar(aws[1])}` };
};

/** Only the jar settings of a job on a stock image: packages and jars as given (hadoop-aws jar files with their SDK). */
const onStock = (version: string, jars: Conf, changes: Conf = {}, scala?: string) => {
    const s = scala ?? (version.startsWith("3.") ? "2.12" : "2.13");
    return withConf({ ...withSdkJars(jars), ...changes }, { sparkVersion: version, image: stockImage(version, s) });
};

const sorted = (...names: string[]) => [...names].sort();

/** The seed article's configuration: wrong staging key, keys in plain text, no shared staging path. */
const ARTICLE: Conf = {
    "spark.sql.sources.commitProtocolClass": "org.apache.spark.internal.io.cloud.PathOutputCommitProtocol",
    "spark.sql.parquet.output.committer.class": "org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter",
    "spark.hadoop.fs.s3a.committer.name": "directory",
    "spark.hadoop.fs.s3a.committer.tmp.path": "file:///tmp/staging",
    "spark.hadoop.fs.s3a.endpoint": "http://192.168.170.12",
    "spark.hadoop.fs.s3a.connection.ssl.enabled": "false",
    "spark.hadoop.fs.s3a.path.style.access": "true",
    "spark.hadoop.fs.s3a.access.key": "PSFBSAZRTESTKEYXYZ",
    "spark.hadoop.fs.s3a.secret.key": "0A1B2C3D4E5F-not-a-real-secret",
    "spark.jars.packages": "org.apache.hadoop:hadoop-aws:3.4.1,org.apache.spark:spark-hadoop-cloud_2.13:4.0.2",
};

// --- the guardrails of the first version (adapted: the good job now runs on a trusted image) --------

const CASES: Case[] = [
    { what: "the good directory-committer job", resources: withConf({}), expect: [] },
    {
        what: "a good magic-committer job without any volume",
        resources: () => [
            app({
                ...goodConf(),
                "spark.hadoop.fs.s3a.committer.name": "magic",
                "spark.hadoop.fs.s3a.committer.staging.tmp.path": undefined,
                "spark.hadoop.fs.s3a.committer.staging.conflict-mode": undefined,
                "spark.kubernetes.driver.volumes.persistentVolumeClaim.staging.options.claimName": undefined,
                "spark.kubernetes.driver.volumes.persistentVolumeClaim.staging.mount.path": undefined,
                "spark.kubernetes.executor.volumes.persistentVolumeClaim.staging.options.claimName": undefined,
                "spark.kubernetes.executor.volumes.persistentVolumeClaim.staging.mount.path": undefined,
            }),
        ],
        expect: [],
    },
    {
        what: "a good partitioned-committer job",
        resources: withConf({
            "spark.hadoop.fs.s3a.committer.name": "partitioned",
            "spark.hadoop.fs.s3a.committer.staging.conflict-mode": "replace",
        }),
        expect: [],
    },
    {
        what: "the seed article's exact configuration (stock image, packages)",
        resources: () => [app(ARTICLE, { image: stockImage("4.0.4") })],
        expect: sorted(
            POLICY.staging,
            POLICY.knownKeys,
            POLICY.credentials,
            POLICY.tls,
            POLICY.thirdParty,
            POLICY.consistency,
            POLICY.jarDelivery,
        ),
    },
    {
        what: "no committer: Hadoop's classic default (Spark 4.0)",
        resources: withConf({
            "spark.hadoop.fs.s3a.committer.name": undefined,
            "spark.hadoop.fs.s3a.committer.staging.conflict-mode": undefined,
        }),
        expect: [POLICY.committer],
        message: /classic "file" rename committer/,
    },
    {
        what: "the classic committer by name",
        resources: withConf({ "spark.hadoop.fs.s3a.committer.name": "file" }),
        expect: [POLICY.committer],
    },
    {
        what: "the classic committer for one bucket",
        resources: withConf({ "spark.hadoop.fs.s3a.bucket.raw-data.committer.name": "file" }),
        expect: [POLICY.committer],
        message: /for bucket raw-data/,
    },
    {
        what: "a missing commit protocol",
        resources: withConf({ "spark.sql.sources.commitProtocolClass": undefined }),
        expect: [POLICY.committer],
        message: /PathOutputCommitProtocol/,
    },
    {
        what: "a missing Parquet binding committer",
        resources: withConf({ "spark.sql.parquet.output.committer.class": "org.apache.parquet.hadoop.ParquetOutputCommitter" }),
        expect: [POLICY.committer],
    },
    {
        what: "a committer outside the configured allow-list",
        resources: withConf({ "spark.hadoop.fs.s3a.committer.name": "partitioned" }),
        config: { [POLICY.committer]: { allowedCommitters: ["directory"] } },
        expect: [POLICY.committer],
    },
    {
        what: "a relative staging path (pod-local)",
        resources: withConf({ "spark.hadoop.fs.s3a.committer.staging.tmp.path": "tmp/staging" }),
        expect: [POLICY.staging],
        message: /relative path/,
    },
    {
        what: "a staging path outside every mount",
        resources: withConf({ "spark.hadoop.fs.s3a.committer.staging.tmp.path": "file:///tmp/staging" }),
        expect: [POLICY.staging],
        message: /not on a volume mounted in the driver and the executors/,
    },
    {
        what: "the staging volume mounted in the driver only",
        resources: withConf({
            "spark.kubernetes.executor.volumes.persistentVolumeClaim.staging.mount.path": undefined,
            "spark.kubernetes.executor.volumes.persistentVolumeClaim.staging.options.claimName": undefined,
        }),
        expect: [POLICY.staging],
        message: /mounted in the executors/,
    },
    {
        what: "driver and executors mounting different claims",
        resources: withConf({ "spark.kubernetes.executor.volumes.persistentVolumeClaim.staging.options.claimName": "other" }),
        expect: [POLICY.staging],
        message: /the driver mounts claim spark-staging.*executors mount claim other/,
    },
    {
        what: "operator-style volumes and mounts on a RWX claim",
        resources: () => [
            app(
                {
                    ...goodConf(),
                    "spark.kubernetes.driver.volumes.persistentVolumeClaim.staging.options.claimName": undefined,
                    "spark.kubernetes.driver.volumes.persistentVolumeClaim.staging.mount.path": undefined,
                    "spark.kubernetes.executor.volumes.persistentVolumeClaim.staging.options.claimName": undefined,
                    "spark.kubernetes.executor.volumes.persistentVolumeClaim.staging.mount.path": undefined,
                },
                {
                    volumes: [{ name: "staging", persistentVolumeClaim: { claimName: "spark-staging" } }],
                    driver: { volumeMounts: [{ name: "staging", mountPath: "/staging" }] },
                    executor: { instances: 2, volumeMounts: [{ name: "staging", mountPath: "/staging" }] },
                },
            ),
            rwxClaim(),
        ],
        expect: [],
    },
    {
        what: "a ReadWriteOnce staging claim",
        resources: () => [app(goodConf()), rwxClaim("spark-staging", ["ReadWriteOnce"])],
        expect: [POLICY.staging],
        message: /not ReadWriteMany/,
    },
    {
        what: "a staging claim the stack does not create",
        resources: () => [app(goodConf())],
        expect: [POLICY.staging],
        message: /sharedClaims/,
    },
    {
        what: "an outside claim listed in sharedClaims",
        resources: () => [app(goodConf())],
        config: { [POLICY.staging]: { sharedClaims: ["spark-staging"] } },
        expect: [],
    },
    {
        what: "a typo in an fs.s3a key",
        resources: withConf({ "spark.hadoop.fs.s3a.fast.uplaod.buffer": "disk" }),
        expect: [POLICY.knownKeys],
        message: /Did you mean spark.hadoop.fs.s3a.fast.upload.buffer\?/,
    },
    {
        what: "a valid per-bucket option",
        resources: withConf({ "spark.hadoop.fs.s3a.bucket.raw.data.endpoint.region": "eu-west-1" }),
        expect: [],
    },
    {
        what: "a typo in a per-bucket option",
        resources: withConf({ "spark.hadoop.fs.s3a.bucket.raw.multipart.sise": "64M" }),
        expect: [POLICY.knownKeys],
    },
    {
        what: "a Hadoop 3.4 key on Spark 3.5.7, which ships Hadoop 3.3.4",
        resources: withConf(
            { "spark.hadoop.fs.s3a.create.performance": "true" },
            { sparkVersion: "3.5.7", image: trustedImage("3.5.7", "2.12") },
        ),
        expect: [POLICY.knownKeys],
        message: /not an S3A option of Hadoop 3.3.4 \(Spark 3.5.7\).*It is an option of Hadoop 3.4.1, 3.4.2, 3.5.0\./,
    },
    {
        what: "a Hadoop 3.3.6 key on Spark 3.5.7: Hadoop 3.3.4 does not know it either",
        resources: withConf(
            { "spark.hadoop.fs.s3a.prefetch.enabled": "true" },
            { sparkVersion: "3.5.7", image: trustedImage("3.5.7", "2.12") },
        ),
        expect: [POLICY.knownKeys],
        message: /not an S3A option of Hadoop 3.3.4 \(Spark 3.5.7\).*It is an option of Hadoop 3.3.6, 3.4.1, 3.4.2, 3.5.0\./,
    },
    { what: "keys in hadoopConf", resources: withConf({}, { hadoopConf: { "fs.s3a.secret.key": "abc" } }), expect: [POLICY.credentials] },
    {
        what: "a literal secret in the driver's env",
        resources: withConf({}, { driver: { env: [{ name: "AWS_SECRET_ACCESS_KEY", value: "abc" }] } }),
        expect: [POLICY.credentials],
        message: /spec.driver.env AWS_SECRET_ACCESS_KEY has a literal value/,
    },
    {
        what: "a literal key id in executorEnv",
        resources: withConf({ "spark.executorEnv.AWS_ACCESS_KEY_ID": "abc" }),
        expect: [POLICY.credentials],
    },
    {
        what: "env from a secretKeyRef is fine",
        resources: withConf(
            {},
            { driver: { env: [{ name: "AWS_SECRET_ACCESS_KEY", valueFrom: { secretKeyRef: { name: "c", key: "k" } } }] } },
        ),
        expect: [],
    },
    {
        what: "plain http to an endpoint not on the allow-list",
        resources: withConf({ "spark.hadoop.fs.s3a.endpoint": "http://minio.minio.svc.cluster.local:9000" }),
        expect: [POLICY.tls],
    },
    {
        what: "plain http to an allow-listed in-cluster endpoint",
        resources: withConf({
            "spark.hadoop.fs.s3a.endpoint": "http://minio.minio.svc.cluster.local:9000",
            "spark.hadoop.fs.s3a.connection.ssl.enabled": "false",
        }),
        config: { [POLICY.tls]: { insecureEndpoints: ["*.svc.cluster.local"] } },
        expect: [],
    },
    {
        what: "TLS switched off for an https endpoint",
        resources: withConf({ "spark.hadoop.fs.s3a.connection.ssl.enabled": "false" }),
        expect: [POLICY.tls],
    },
    {
        what: "a third-party endpoint without path style",
        resources: withConf({ "spark.hadoop.fs.s3a.path.style.access": undefined }),
        expect: [POLICY.thirdParty],
        message: /path.style.access=true/,
    },
    {
        what: "a third-party endpoint without region",
        resources: withConf({ "spark.hadoop.fs.s3a.endpoint.region": undefined }),
        expect: [POLICY.thirdParty],
        message: /endpoint.region/,
    },
    {
        what: "no region needed with Hadoop 3.3 (Spark 3.5)",
        resources: withConf(
            { "spark.hadoop.fs.s3a.endpoint.region": undefined },
            { sparkVersion: "3.5.7", image: trustedImage("3.5.7", "2.12") },
        ),
        expect: [],
    },
    {
        what: "an endpoint without scheme",
        resources: withConf({ "spark.hadoop.fs.s3a.endpoint": "10.21.200.10" }),
        expect: [POLICY.thirdParty],
        message: /has no scheme/,
    },
    {
        what: "AWS by region needs neither",
        resources: withConf({ "spark.hadoop.fs.s3a.endpoint": undefined, "spark.hadoop.fs.s3a.path.style.access": undefined }),
        expect: [],
    },
    {
        what: "magic selected but disabled",
        resources: withConf({ "spark.hadoop.fs.s3a.committer.name": "magic", "spark.hadoop.fs.s3a.committer.magic.enabled": "false" }),
        expect: [POLICY.consistency],
    },
    {
        what: "a staging committer without conflict mode",
        resources: withConf({ "spark.hadoop.fs.s3a.committer.staging.conflict-mode": undefined }),
        expect: [POLICY.consistency],
    },
    {
        what: "dynamic partition overwrite",
        resources: withConf({ "spark.sql.sources.partitionOverwriteMode": "dynamic" }),
        expect: [POLICY.consistency],
    },
    {
        what: "a job that never touches s3a",
        resources: () => [resource(APP, { spec: { sparkVersion: "4.0.4", arguments: ["--out", "hdfs:///x"], sparkConf: {} } })],
        expect: [],
    },
    {
        what: "a non-S3 job still may not hold S3 keys",
        resources: () => [
            resource(APP, { spec: { sparkVersion: "4.0.4", sparkConf: { "spark.executorEnv.AWS_SECRET_ACCESS_KEY": "x" } } }),
        ],
        expect: [POLICY.credentials],
    },
];

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

// --- 12.3: several jobs under one directory ------------------------------------------------------

const job = (name: string, args: string[], conf: Conf = {}) => app({ ...goodConf(), ...conf }, { arguments: args }, name);

function scheduled(concurrencyPolicy: string | undefined, conf: Conf = {}) {
    const template = (
        app({ ...goodConf(), ...conf }, { arguments: ["--input", "s3a://bucket/raw", "--output", "s3a://bucket/daily"] }).props as any
    ).spec;
    return resource(SCHEDULED, {
        apiVersion: "sparkoperator.k8s.io/v1beta2",
        kind: "ScheduledSparkApplication",
        metadata: { name: "daily", namespace: "spark-jobs" },
        spec: { schedule: "@hourly", ...(concurrencyPolicy ? { concurrencyPolicy } : {}), template },
    });
}

const CONCURRENCY_CASES: Case[] = [
    {
        what: "two jobs, one writing under the other's output",
        resources: () => [
            job("events", ["--output", "s3a://bucket/lake"]),
            job("late-events", ["--output=s3a://bucket/lake/late/"]),
            rwxClaim(),
        ],
        expect: [POLICY.concurrentWriters],
        message:
            /spark-jobs\/events writes to s3a:\/\/bucket\/lake and spark-jobs\/late-events writes to s3a:\/\/bucket\/lake\/late, under it.*aborts every pending multipart upload/,
    },
    {
        what: "the same, with abort.pending.uploads=false on the outer job",
        resources: () => [
            job("events", ["--output", "s3a://bucket/lake"], { "spark.hadoop.fs.s3a.committer.abort.pending.uploads": "false" }),
            job("late-events", ["--output", "s3a://bucket/lake/late"]),
            rwxClaim(),
        ],
        expect: [],
    },
    {
        what: "two jobs reading the same input, writing apart",
        resources: () => [
            job("a", ["--input", "s3a://bucket/raw", "--output", "s3a://bucket/a"]),
            job("b", ["--input", "s3a://bucket/raw", "--dest", "s3a://bucket/b"]),
            rwxClaim(),
        ],
        expect: [],
    },
    {
        what: "sibling directories that share a name prefix are not nested",
        resources: () => [job("a", ["--output", "s3a://bucket/lake"]), job("b", ["--output", "s3a://bucket/lake2"]), rwxClaim()],
        expect: [],
    },
    {
        what: "a schedule whose runs may overlap (concurrencyPolicy: Allow)",
        resources: () => [scheduled("Allow"), rwxClaim()],
        expect: [POLICY.concurrentWriters],
        message: /runs of spark-jobs\/daily can overlap \(concurrencyPolicy: Allow\)/,
    },
    { what: "a schedule that forbids overlapping runs", resources: () => [scheduled("Forbid"), rwxClaim()], expect: [] },
    {
        what: "a ScheduledSparkApplication's template gets every job check",
        resources: () => [scheduled("Forbid", { "spark.hadoop.fs.s3a.committer.name": "file" }), rwxClaim()],
        expect: [POLICY.committer],
    },
];

// --- 12.4: nothing skipped silently at preview -------------------------------------------------

const PREVIEW_CASES: Case[] = [
    {
        what: "sparkConf unknown as a whole: no false alarm, one coverage note",
        resources: () => [
            resource(APP, {
                metadata: { name: "p" },
                spec: {
                    sparkVersion: "4.0.4",
                    image: trustedImage("4.0.4"),
                    arguments: ["--output", "s3a://b/o"],
                    sparkConf: UNKNOWN_OBJECT,
                },
            }),
            rwxClaim(),
        ],
        expect: [POLICY.previewCoverage],
        message: /spec.sparkConf \(s3a-committer-required, s3a-staging-on-shared-volume/,
    },
    {
        what: "an unknown endpoint: TLS and third-party checks say they could not see it",
        resources: withConf({ "spark.hadoop.fs.s3a.endpoint": UNKNOWN_STRING }),
        expect: [POLICY.previewCoverage],
        message: /spec.sparkConf\["spark.hadoop.fs.s3a.endpoint"\] \(s3a-tls-required, s3a-third-party-endpoint\)/,
    },
    {
        what: "an unknown committer name is not 'not set'",
        resources: withConf({ "spark.hadoop.fs.s3a.committer.name": UNKNOWN_STRING }),
        expect: [POLICY.previewCoverage],
        message:
            /committer.name"\] \(s3a-committer-required, s3a-staging-on-shared-volume, s3a-committer-consistency, s3a-concurrent-writers\)/,
    },
    {
        what: "an unknown staging claim name",
        resources: withConf({
            "spark.kubernetes.driver.volumes.persistentVolumeClaim.staging.options.claimName": UNKNOWN_STRING,
            "spark.kubernetes.executor.volumes.persistentVolumeClaim.staging.options.claimName": UNKNOWN_STRING,
        }),
        expect: [POLICY.previewCoverage],
        message: /s3a-staging-on-shared-volume, s3a-buffer-dir-local/,
    },
    {
        what: "an unknown Spark version",
        resources: withConf({}, { sparkVersion: UNKNOWN_STRING }),
        expect: [POLICY.previewCoverage],
        message: /spec.sparkVersion \(/,
    },
    {
        what: "unknown arguments and no S3A settings: whether it uses s3a at all",
        resources: () => [
            resource(APP, { metadata: { name: "p" }, spec: { sparkVersion: "4.0.4", arguments: UNKNOWN_ARRAY, sparkConf: {} } }),
        ],
        expect: [POLICY.previewCoverage],
        message: /whether the job uses s3a:\/\/ at all/,
    },
    {
        what: "known violations are still reported next to unknown values",
        resources: withConf({ "spark.hadoop.fs.s3a.secret.key": "literal", "spark.hadoop.fs.s3a.endpoint": UNKNOWN_STRING }),
        expect: sorted(POLICY.credentials, POLICY.previewCoverage),
    },
    {
        what: "an unknown value no policy reads needs no note",
        resources: withConf({ "spark.app.name": UNKNOWN_STRING }),
        expect: [],
    },
];

const BUCKET = "aws:s3/bucket:Bucket";
const LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";
const abortRule = { id: "a", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 2 } };

function runCases(cases: Case[]) {
    for (const c of cases) {
        it(`${c.what} → ${c.expect.length ? c.expect.join(", ") : "no violation"}`, () => {
            const { names, reported } = check(c.resources(), c.config);
            assert.deepEqual(names, c.expect, JSON.stringify(reported, null, 1));
            assert.deepEqual(
                reported.filter((r) => r.skipped),
                [],
                "the engine had to skip a policy",
            );
            if (c.message)
                assert.ok(
                    reported.some((r) => c.message!.test(r.message)),
                    `no message matches ${c.message}: ${JSON.stringify(reported, null, 1)}`,
                );
        });
    }
}

describe("policy pack corpus", () => {
    it("has at least 100 SparkApplication cases", () => {
        const n = [CASES, RELEASE_CASES, JAR_CASES, KNOWLEDGE_CASES, CONCURRENCY_CASES, PREVIEW_CASES].flat().length;
        assert.ok(n >= 100, String(n));
    });

    describe("the guardrails", () => runCases(CASES));
    describe("every release of every line (12.1)", () => runCases(RELEASE_CASES));
    describe("jars judged by what fails at runtime (12.2)", () => runCases(JAR_CASES));
    describe("current S3A knowledge (12.3, 11.3)", () => runCases(KNOWLEDGE_CASES));
    describe("several jobs under one directory (12.3)", () => runCases(CONCURRENCY_CASES));
    describe("unknown values at preview (12.4)", () => runCases(PREVIEW_CASES));

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

    it("the pack config can make an advisory mandatory, or disable a policy", () => {
        const resources = withConf({ "spark.hadoop.fs.s3a.connection.ssl.enabled": "false" })();
        assert.deepEqual(firedMandatory(runPack(resources, mergeConfig({ [POLICY.tls]: { enforcementLevel: "mandatory" } }))), [
            POLICY.tls,
        ]);
        assert.deepEqual(fired(runPack(resources, mergeConfig({ [POLICY.tls]: { enforcementLevel: "disabled" } }))), []);
    });

    it("the engine's own proxy would have skipped the policies: the pack reads past it", () => {
        // Without unwrapping, reading an unknown value throws UnknownValueError and the engine skips the whole policy.
        const reported = runPack(
            withConf({ "spark.hadoop.fs.s3a.endpoint": UNKNOWN_STRING, "spark.hadoop.fs.s3a.access.key": "AKIAABCDEFGHIJKLMNOP" })(),
            BASE_CONFIG,
        );
        assert.ok(!reported.some((r) => r.skipped));
        assert.ok(reported.some((r) => r.policy === POLICY.credentials));
    });

    it("flags the article's wrong key with the real one, its plain-text keys, and its staging path", () => {
        const { reported } = check([app(ARTICLE)]);
        const msgs = reported.map((r) => r.message).join("\n");
        assert.match(
            msgs,
            /spark.hadoop.fs.s3a.committer.tmp.path is not an S3A option.*Did you mean spark.hadoop.fs.s3a.committer.staging.tmp.path\?/,
        );
        assert.match(msgs, /spark.hadoop.fs.s3a.access.key holds a credential in plain text/);
        assert.match(msgs, /spark.hadoop.fs.s3a.secret.key holds a credential in plain text/);
        assert.match(
            msgs,
            /fs.s3a.committer.staging.tmp.path, which is not set \(fs.s3a.committer.tmp.path is not a Hadoop key and is ignored\)/,
        );
    });

    describe("buckets", () => {
        it("a bucket without a lifecycle → s3-bucket-aborts-incomplete-uploads", () => {
            assert.deepEqual(fired(runPack([resource(BUCKET, { bucket: "b1" })])), [POLICY.bucketLifecycle]);
        });
        it("a bucket with the abort rule (matched by dependency) → no violation", () => {
            const b = resource(BUCKET, { bucket: "b2" }, "b2");
            assert.deepEqual(fired(runPack([b, resource(LIFECYCLE, { rules: [abortRule] }, "lc", { bucket: [b.urn] })])), []);
        });
        it("a disabled rule, or one limited to a prefix, does not count", () => {
            const b = resource(BUCKET, { bucket: "b3" });
            assert.deepEqual(fired(runPack([b, resource(LIFECYCLE, { bucket: "b3", rules: [{ ...abortRule, status: "Disabled" }] })])), [
                POLICY.bucketLifecycle,
            ]);
            assert.deepEqual(
                fired(runPack([b, resource(LIFECYCLE, { bucket: "b3", rules: [{ ...abortRule, filter: { prefix: "tmp/" } }] })])),
                [POLICY.bucketLifecycle],
            );
        });
        it("a lifecycle whose rules are unknown at preview is not reported as missing", () => {
            const b = resource(BUCKET, { bucket: "b4" }, "b4");
            const reported = runPack([
                b,
                resource(LIFECYCLE, { bucket: UNKNOWN_STRING, rules: UNKNOWN_ARRAY }, "lc4", { bucket: [b.urn] }),
            ]);
            assert.deepEqual(fired(reported), []);
            assert.ok(!reported.some((r) => r.skipped));
        });
    });
});

describe("the program's own stacks pass the pack", () => {
    /** Each stack previews with its own pack config (policy/config/<stack>.json). */
    const configs: Record<string, PackConfig> = Object.fromEntries(
        ["local", "dev", "flashblade"].map((s) => [
            s,
            JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "config", `${s}.json`), "utf8")),
        ]),
    );
    /**
     * dev and flashblade run the image with the jars baked in (sparkImage, trusted in their pack
     * config): nothing fires. The local stack tries things out on the stock image, whose jars come
     * as packages: that advisory, and nothing else.
     */
    const EXPECTED: Record<string, string[]> = { local: [POLICY.jarDelivery], dev: [], flashblade: [] };
    for (const stack of Object.keys(configs)) {
        it(`${stack}: no mandatory violation, no advisory but the expected ones (${EXPECTED[stack].join(", ") || "none"})`, async () => {
            const token = { "spark-s3:flashbladeApiToken": "T-fake-api-token-for-tests" };
            const run = await runProgram(stack, stack === "flashblade" ? token : {}, ["spark-s3:flashbladeApiToken"]);
            const resources = fromMocks(run.resources);
            assert.ok(resources.some((r) => r.type === APP));
            const reported = runPack(resources, configs[stack]);
            assert.deepEqual(firedMandatory(reported), [], JSON.stringify(reported, null, 1));
            assert.deepEqual(fired(reported), EXPECTED[stack], JSON.stringify(reported, null, 1));
        });
    }

    it("local without its policy config trips the TLS allow-list (so the stack test above can fail)", async () => {
        const run = await runProgram("local");
        assert.ok(fired(runPack(fromMocks(run.resources))).includes(POLICY.tls));
    });
});
