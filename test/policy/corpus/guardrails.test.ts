/** The first guardrails on one job each: committer, staging, keys, credentials, TLS, endpoints, consistency, buckets. */
import { strict as assert } from "assert";
import { POLICY } from "../../../policy/s3a/checks";
import { fired, firedMandatory, resource, runPack, UNKNOWN_ARRAY, UNKNOWN_STRING } from "../../helpers/policy";
import {
    APP,
    ARTICLE,
    BASE_CONFIG,
    app,
    check,
    goodConf,
    mergeConfig,
    rwxClaim,
    runCases,
    sorted,
    stockImage,
    trustedImage,
    withConf,
    type Case,
} from "./helpers";

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

const BUCKET = "aws:s3/bucket:Bucket";
const LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";
const abortRule = { id: "a", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 2 } };

describe("policy pack corpus: the guardrails", () => {
    runCases(CASES);

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
