/**
 * The policy pack on a corpus of SparkApplications and buckets: each case says exactly which
 * policies fire. Runs the pack's real policy objects (test/helpers/policy.ts).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { POLICY } from "../../policy/s3a/checks";
import { fired, fromMocks, resource, runPack, type PackConfig, type Reported } from "../helpers/policy";
import { ROOT } from "../helpers/paths";
import { runProgram } from "../helpers/stack";

const APP = "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication";
const PVC = "kubernetes:core/v1:PersistentVolumeClaim";

type Conf = Record<string, string | undefined>;

/** A correct directory-committer job on MinIO with the staging claim mounted natively. */
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
        "spark.jars.packages": "org.apache.hadoop:hadoop-aws:3.4.1",
        "spark.jars": "https://repo1.maven.org/maven2/org/apache/spark/spark-hadoop-cloud_2.13/4.0.2/spark-hadoop-cloud_2.13-4.0.2.jar",
        "spark.kubernetes.driver.volumes.persistentVolumeClaim.staging.options.claimName": "spark-staging",
        "spark.kubernetes.driver.volumes.persistentVolumeClaim.staging.mount.path": "/staging",
        "spark.kubernetes.executor.volumes.persistentVolumeClaim.staging.options.claimName": "spark-staging",
        "spark.kubernetes.executor.volumes.persistentVolumeClaim.staging.mount.path": "/staging",
        "spark.kubernetes.driver.secretKeyRef.AWS_ACCESS_KEY_ID": "creds:AWS_ACCESS_KEY_ID",
        "spark.kubernetes.executor.secretKeyRef.AWS_ACCESS_KEY_ID": "creds:AWS_ACCESS_KEY_ID",
    };
}

function app(conf: Conf, spec: Record<string, any> = {}) {
    const sparkConf = Object.fromEntries(Object.entries(conf).filter(([, v]) => v !== undefined)) as Record<string, string>;
    return resource(APP, {
        apiVersion: "sparkoperator.k8s.io/v1beta2",
        kind: "SparkApplication",
        metadata: { name: "job", namespace: "spark-jobs" },
        spec: {
            type: "Python",
            sparkVersion: "4.0.4",
            image: "apache/spark:4.0.4-scala2.13-java17-python3-ubuntu",
            mainApplicationFile: "local:///opt/spark/jobs/job.py",
            arguments: ["--output", "s3a://bucket/out"],
            sparkConf,
            driver: {},
            executor: { instances: 2 },
            ...spec,
        },
    });
}

const rwxClaim = (name = "spark-staging", modes = ["ReadWriteMany"]) =>
    resource(PVC, { metadata: { name, namespace: "spark-jobs" }, spec: { accessModes: modes } });

function check(resources: ReturnType<typeof resource>[], config?: PackConfig): { names: string[]; reported: Reported[] } {
    const reported = runPack(resources, config);
    return { names: fired(reported), reported };
}

interface Case {
    what: string;
    resources: () => ReturnType<typeof resource>[];
    expect: string[];
    config?: PackConfig;
    message?: RegExp;
}

const withConf = (changes: Conf, spec?: Record<string, any>) => () => [app({ ...goodConf(), ...changes }, spec), rwxClaim()];

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
        what: "the seed article's exact configuration",
        resources: () => [app(ARTICLE)],
        expect: [POLICY.staging, POLICY.knownKeys, POLICY.credentials, POLICY.tls, POLICY.thirdParty, POLICY.consistency].sort(),
    },
    {
        what: "no committer: Hadoop's classic default",
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
        what: "a Hadoop 3.4 key on Spark 3.5 (Hadoop 3.3)",
        resources: () => [
            app(
                {
                    ...goodConf(),
                    "spark.jars.packages": "org.apache.hadoop:hadoop-aws:3.3.4,org.apache.spark:spark-hadoop-cloud_2.12:3.5.7",
                    "spark.hadoop.fs.s3a.create.performance": "true",
                },
                { sparkVersion: "3.5.7", image: "apache/spark:3.5.7-scala2.12-java17-python3-ubuntu" },
            ),
            rwxClaim(),
        ],
        expect: [POLICY.knownKeys],
        message: /not an S3A option of Hadoop 3.3.6 \(Spark 3.5.7\)/,
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
        what: "no committer jars",
        resources: withConf({ "spark.jars.packages": undefined, "spark.jars": undefined }),
        expect: [POLICY.jars],
        message: /org.apache.hadoop:hadoop-aws:3.4.1 is not on the classpath/,
    },
    {
        what: "hadoop-aws of another Hadoop",
        resources: withConf({ "spark.jars.packages": "org.apache.hadoop:hadoop-aws:3.3.4" }),
        expect: [POLICY.jars],
        message: /org.apache.hadoop:hadoop-aws:3.3.4 does not match Spark 4.0.4/,
    },
    {
        what: "spark-hadoop-cloud of another Scala, as a jar",
        resources: withConf({ "spark.jars": "/opt/jars/spark-hadoop-cloud_2.12-3.5.7.jar" }),
        expect: [POLICY.jars],
        message: /spark-hadoop-cloud_2.12-3.5.7.jar does not match Spark 4.0.4/,
    },
    {
        what: "both jars from a local path (air-gapped mirror)",
        resources: withConf({
            "spark.jars.packages": undefined,
            "spark.jars": "local:///opt/spark/extra/hadoop-aws-3.4.1.jar,local:///opt/spark/extra/spark-hadoop-cloud_2.13-4.0.2.jar",
        }),
        expect: [],
    },
    {
        what: "a trusted custom image instead of packages",
        resources: withConf(
            { "spark.jars.packages": undefined, "spark.jars": undefined },
            { image: "registry.example.com/spark-s3:4.0.4" },
        ),
        config: { [POLICY.jars]: { trustedImages: ["registry.example.com/spark-s3:"] } },
        expect: [],
    },
    {
        what: "a Spark version outside the matrix",
        resources: withConf({}, { sparkVersion: "3.4.1" }),
        expect: [POLICY.jars],
        message: /not in the version matrix/,
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

const BUCKET = "aws:s3/bucket:Bucket";
const LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";
const abortRule = { id: "a", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 2 } };

describe("policy pack corpus", () => {
    it("has at least 25 SparkApplication cases", () => assert.ok(CASES.length >= 25, String(CASES.length)));

    for (const c of CASES) {
        it(`${c.what} → ${c.expect.length ? c.expect.join(", ") : "no violation"}`, () => {
            const { names, reported } = check(c.resources(), c.config);
            assert.deepEqual(names, c.expect, JSON.stringify(reported, null, 1));
            if (c.message)
                assert.ok(
                    reported.some((r) => c.message!.test(r.message)),
                    `no message matches ${c.message}: ${JSON.stringify(reported, null, 1)}`,
                );
        });
    }

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
    });
});

describe("the program's own stacks pass the pack", () => {
    const configs: Record<string, PackConfig> = {
        local: JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "config", "local.json"), "utf8")),
        dev: {},
        flashblade: {},
    };
    for (const stack of Object.keys(configs)) {
        it(`${stack}: no violation`, async () => {
            const token = { "spark-s3:flashbladeApiToken": "T-fake-api-token-for-tests" };
            const run = await runProgram(stack, stack === "flashblade" ? token : {}, ["spark-s3:flashbladeApiToken"]);
            const resources = fromMocks(run.resources);
            assert.ok(resources.some((r) => r.type === APP));
            assert.deepEqual(runPack(resources, configs[stack]), []);
        });
    }

    it("local without its policy config trips only the TLS allow-list (so the stack test above can fail)", async () => {
        const run = await runProgram("local");
        assert.deepEqual(fired(runPack(fromMocks(run.resources))), [POLICY.tls]);
    });
});
