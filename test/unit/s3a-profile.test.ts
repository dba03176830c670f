/** The S3A profile per committer and per store, exactly as DESIGN.md section 4 says. */
import { strict as assert } from "assert";
import { sparkRuntime } from "../../policy/s3a/versions";
import { S3A_COMMITTERS } from "../../policy/s3a/facts";
import { s3aSparkConf, sparkConfFor, type EndpointFacts } from "../../components/s3a-profile";

const STORES: Record<string, EndpointFacts> = {
    aws: { region: "eu-west-1", pathStyle: false, tls: true },
    minio: { url: "http://minio.minio.svc.cluster.local:9000", region: "us-east-1", pathStyle: true, tls: false },
    flashblade: { url: "https://10.21.200.10", region: "us-east-1", pathStyle: true, tls: true },
};
const staging = { volumeName: "staging", claimName: "spark-staging", mountPath: "/staging" };
const buffer = { volumeName: "s3a-buffer", mountPath: "/s3a-buffer", sizeLimit: "10Gi" };
const credentials = { secretName: "creds", accessKeyIdKey: "AWS_ACCESS_KEY_ID", secretAccessKeyKey: "AWS_SECRET_ACCESS_KEY" };

describe("S3A profile", () => {
    for (const committer of S3A_COMMITTERS) {
        for (const [store, endpoint] of Object.entries(STORES)) {
            it(`${committer} committer on ${store}`, () => {
                const c = sparkConfFor({
                    endpoint,
                    committer,
                    conflictMode: "append",
                    runtime: sparkRuntime("4.0.4"),
                    staging,
                    buffer,
                    credentials,
                    packages: true,
                });
                assert.equal(c["spark.hadoop.fs.s3a.committer.name"], committer);
                assert.equal(c["spark.sql.sources.commitProtocolClass"], "org.apache.spark.internal.io.cloud.PathOutputCommitProtocol");
                assert.equal(
                    c["spark.sql.parquet.output.committer.class"],
                    "org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter",
                );
                assert.equal(c["spark.hadoop.pathoutputcommit.reject.fileoutput"], "true");
                assert.equal(c["spark.hadoop.fs.s3a.committer.tmp.path"], undefined, "the article's key is never emitted");
                if (committer === "magic") {
                    assert.equal(c["spark.hadoop.fs.s3a.committer.staging.tmp.path"], undefined);
                    assert.equal(c["spark.hadoop.fs.s3a.committer.magic.enabled"], "true");
                } else {
                    assert.equal(c["spark.hadoop.fs.s3a.committer.staging.tmp.path"], "file:///staging/committer");
                    assert.equal(c["spark.hadoop.fs.s3a.committer.staging.conflict-mode"], "append");
                }
                assert.equal(c["spark.hadoop.fs.s3a.endpoint"], endpoint.url);
                assert.equal(c["spark.hadoop.fs.s3a.path.style.access"], String(endpoint.pathStyle));
                assert.equal(c["spark.hadoop.fs.s3a.endpoint.region"], endpoint.region);
                assert.equal(c["spark.hadoop.fs.s3a.connection.ssl.enabled"], String(endpoint.tls));
                // Upload buffers (and the staging committers' task output) on pod-local disk, never on the shared claim.
                assert.equal(c["spark.hadoop.fs.s3a.buffer.dir"], "/s3a-buffer");
                for (const role of ["driver", "executor"]) {
                    assert.equal(c[`spark.kubernetes.${role}.volumes.emptyDir.s3a-buffer.mount.path`], "/s3a-buffer");
                    assert.equal(c[`spark.kubernetes.${role}.volumes.emptyDir.s3a-buffer.options.sizeLimit`], "10Gi");
                    assert.equal(c[`spark.kubernetes.${role}.volumes.persistentVolumeClaim.staging.options.claimName`], "spark-staging");
                    assert.equal(c[`spark.kubernetes.${role}.volumes.persistentVolumeClaim.staging.mount.path`], "/staging");
                    assert.equal(c[`spark.kubernetes.${role}.secretKeyRef.AWS_ACCESS_KEY_ID`], "creds:AWS_ACCESS_KEY_ID");
                }
                assert.ok(!Object.keys(c).some((k) => /access\.key|secret\.key/.test(k)), "no credential keys");
            });
        }
    }

    it("uses the AWS SDK v1 provider and Scala 2.12 jars on Spark 3.5", () => {
        const c = sparkConfFor({
            endpoint: STORES.minio,
            committer: "directory",
            conflictMode: "fail",
            runtime: sparkRuntime("3.5.7"),
            staging,
            buffer,
            credentials,
            packages: true,
        });
        assert.equal(c["spark.hadoop.fs.s3a.aws.credentials.provider"], "com.amazonaws.auth.EnvironmentVariableCredentialsProvider");
        assert.equal(c["spark.jars.packages"], "org.apache.hadoop:hadoop-aws:3.3.4");
        assert.equal(
            c["spark.jars"],
            "https://repo1.maven.org/maven2/org/apache/spark/spark-hadoop-cloud_2.12/3.5.7/spark-hadoop-cloud_2.12-3.5.7.jar",
        );
    });

    it("leaves packages out for a custom image and applies overrides last", () => {
        const c = sparkConfFor({
            endpoint: STORES.aws,
            committer: "directory",
            conflictMode: "append",
            runtime: sparkRuntime("4.0.4"),
            staging,
            buffer,
            credentials,
            packages: false,
            overrides: { "spark.hadoop.fs.s3a.threads.max": "7" },
        });
        assert.equal(c["spark.jars.packages"], undefined);
        assert.equal(c["spark.hadoop.fs.s3a.threads.max"], "7");
    });

    it("builds the staging path from any mount path (the local runner uses a temp dir)", () => {
        const c = s3aSparkConf({
            endpoint: STORES.minio,
            committer: "partitioned",
            conflictMode: "replace",
            runtime: sparkRuntime("4.0.4"),
            stagingMountPath: "/tmp/x/",
            bufferDir: "/tmp/local-buffer",
        });
        assert.equal(c["spark.hadoop.fs.s3a.committer.staging.tmp.path"], "file:///tmp/x/committer");
        assert.equal(c["spark.hadoop.fs.s3a.buffer.dir"], "/tmp/local-buffer");
    });

    it("takes the Spark version as its matrix row, resolved once (a version outside the matrix fails there)", () => {
        assert.throws(() => sparkRuntime("3.4.0"), /Spark 3.4.0 is not in the version matrix; supported: 4.0.4, 3.5.7/);
    });
});

describe("S3A tuning defaults", () => {
    it("are Hadoop 3.4.1's own values (the benchmark found no gain elsewhere), stated explicitly", async () => {
        const fs = await import("fs");
        const { sharedFile } = await import("../helpers/paths");
        const { DEFAULT_TUNING } = await import("../../components/s3a-profile");
        const defaults = new Map(
            fs
                .readFileSync(sharedFile("facts", "s3a-keys-hadoop-3.4.1.tsv"), "utf8")
                .split("\n")
                .map((l) => l.split("\t"))
                .map((c) => [c[0], c[3]] as [string, string]),
        );
        assert.equal(String(DEFAULT_TUNING.threadsMax), defaults.get("fs.s3a.threads.max"));
        assert.equal(String(DEFAULT_TUNING.connectionMaximum), defaults.get("fs.s3a.connection.maximum"));
        assert.equal(String(DEFAULT_TUNING.committerThreads), defaults.get("fs.s3a.committer.threads"));
        assert.equal(DEFAULT_TUNING.fastUploadBuffer, defaults.get("fs.s3a.fast.upload.buffer"));
        assert.equal(DEFAULT_TUNING.multipartSize, defaults.get("fs.s3a.multipart.size"));
    });
});
