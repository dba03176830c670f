/** Stack config validation: every bad input fails at preview, naming the key and showing a valid example. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError, parseStackConfig, type RawConfig } from "../../components/config";
import { mirrored, parseImage } from "../../components/images";
import type { AwsSettings } from "../../components/object-store/aws/config";
import type { FlashBladeSettings } from "../../components/object-store/flashblade/config";
import { parseChartSource } from "../../components/operator";
import { DOGLOVER } from "../../jobs/doglover/config";
import { sparkOperator } from "../helpers/upstream";
import { stackConfig } from "../helpers/stack";

function raw(stack: string, overrides: Record<string, unknown> = {}): RawConfig {
    return stackConfig(stack, overrides);
}

const parse = (stack: string, overrides: Record<string, unknown> = {}) =>
    parseStackConfig(raw(stack, overrides), stack, { doglover: DOGLOVER });

function problems(stack: string, overrides: Record<string, unknown>): string {
    try {
        parse(stack, overrides);
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        return e.message;
    }
    assert.fail("expected a ConfigError");
}

describe("stack config", () => {
    it("parses the three stack files into typed values", () => {
        const local = parse("local").platform;
        assert.equal(local.store.kind, "minio");
        assert.equal(local.jobDefaults.executorInstances, 1);
        assert.equal(local.jobDefaults.waitForCompletion, true);
        assert.equal(local.staging.hostPath, "/tmp/spark-s3-staging");
        assert.equal(local.spark.runtime.spark, "4.0.4", "the version is its matrix row");
        const dev = parse("dev").platform;
        assert.equal(dev.store.kind, "aws");
        const aws = dev.storeConfig as AwsSettings;
        assert.equal(aws.region, "eu-west-1");
        assert.deepEqual([aws.auth, aws.efs, aws.eksClusterName], ["podIdentity", "create", "spark-dev"]);
        assert.equal(dev.spark.committer, "magic");
        const fb = parse("flashblade", { "spark-s3:flashbladeApiToken": "t0ken" }).platform;
        assert.equal(fb.staging.storageClass, "px-fb-direct-access-nfsv4");
        assert.equal((fb.storeConfig as FlashBladeSettings).dataUrl, "https://10.21.200.10");
    });

    it("derives a bucket name for minio when none is set", () => {
        assert.equal(parse("local", { "spark-s3:bucketName": "" }).platform.store.bucketName, "spark-s3-local");
    });

    const cases: [string, string, Record<string, unknown>, RegExp][] = [
        [
            "a missing required key",
            "dev",
            { "spark-s3:bucketName": "" },
            /spark-s3:bucketName: is required for objectStore aws.*Valid example: spark-s3:bucketName: acme-spark-dev-data/,
        ],
        [
            "a misspelled key, with the key it is close to and that key's example",
            "local",
            { "spark-s3:comitter": "magic" },
            /spark-s3:comitter: is not a key of this program \(did you mean "committer"\?\); every key is listed in docs\/configuration.md. Valid example: spark-s3:committer: directory/,
        ],
        [
            "a key that lost its plural",
            "local",
            { "spark-s3:executorInstance": 3 },
            /spark-s3:executorInstance: is not a key of this program \(did you mean "executorInstances"\?\)/,
        ],
        [
            "a key far from every known one",
            "local",
            { "spark-s3:bananas": "yes" },
            /spark-s3:bananas: is not a key of this program; every key is listed in docs\/configuration.md/,
        ],
        [
            "a wrong type",
            "local",
            { "spark-s3:executorInstances": "two" },
            /spark-s3:executorInstances: must be a whole number, got "two". Valid example: spark-s3:executorInstances: 2/,
        ],
        [
            "a boolean that is not",
            "local",
            { "spark-s3:waitForCompletion": "yes" },
            /spark-s3:waitForCompletion: must be true or false, got "yes"/,
        ],
        [
            "an endpoint without a scheme",
            "flashblade",
            { "spark-s3:flashbladeDataUrl": "10.21.200.10" },
            /spark-s3:flashbladeDataUrl: "10.21.200.10" must be a URL with scheme.*Valid example: spark-s3:flashbladeDataUrl: https:\/\/10.21.200.10/,
        ],
        [
            "an unknown store kind",
            "local",
            { "spark-s3:objectStore": "gcs" },
            /spark-s3:objectStore: "gcs" is not one of aws, flashblade, minio/,
        ],
        ["0 executors", "local", { "spark-s3:executorInstances": 0 }, /spark-s3:executorInstances: must be between 1 and 1000, got 0/],
        [
            "a size that is not a Kubernetes quantity",
            "local",
            { "spark-s3:stagingVolumeSize": "20GB" },
            /spark-s3:stagingVolumeSize: "20GB" is not a Kubernetes quantity.*Valid example: spark-s3:stagingVolumeSize: 20Gi/,
        ],
        [
            "a Spark memory size with a space",
            "local",
            { "spark-s3:executorMemory": "2 GB" },
            /spark-s3:executorMemory: "2 GB" is not a Spark memory size/,
        ],
        [
            "a bucket name S3 rejects",
            "dev",
            { "spark-s3:bucketName": "My_Bucket" },
            /spark-s3:bucketName: "My_Bucket" may only hold lowercase letters/,
        ],
        ["a bucket name like an IP address", "dev", { "spark-s3:bucketName": "192.168.1.10" }, /must not look like an IP address/],
        [
            "an unknown committer, with a suggestion",
            "local",
            { "spark-s3:committer": "magik" },
            /spark-s3:committer: "magik" is not one of directory, partitioned, magic \(did you mean "magic"\?\)/,
        ],
        [
            "the classic committer",
            "local",
            { "spark-s3:committer": "file" },
            /spark-s3:committer: "file" is not one of directory, partitioned, magic/,
        ],
        [
            "a Spark version outside the matrix",
            "local",
            { "spark-s3:sparkVersion": "3.4.1" },
            /spark-s3:sparkVersion: Spark 3.4.1 is not in the version matrix \(4.0.4, 3.5.7\)/,
        ],
        [
            "an override that swaps the commit protocol",
            "local",
            {
                "spark-s3:sparkConf": [
                    "spark.sql.sources.commitProtocolClass=org.apache.spark.sql.execution.datasources.SQLHadoopMapReduceCommitProtocol",
                ],
            },
            /spark-s3:sparkConf: spark.sql.sources.commitProtocolClass is .*SQLHadoopMapReduceCommitProtocol: set it to org.apache.spark.internal.io.cloud.PathOutputCommitProtocol/,
        ],
        [
            "the article's staging key as an override",
            "local",
            { "spark-s3:sparkConf": ["spark.hadoop.fs.s3a.committer.tmp.path=file:///tmp"] },
            /spark.hadoop.fs.s3a.committer.tmp.path is not an S3A option of Hadoop 3.4.1.*Did you mean spark.hadoop.fs.s3a.committer.staging.tmp.path\?/,
        ],
        [
            "an override that selects the committer behind the typed key",
            "local",
            { "spark-s3:sparkConf": ["spark.hadoop.fs.s3a.committer.name=file"] },
            /spark.hadoop.fs.s3a.committer.name is managed by the program: set spark-s3:committer instead/,
        ],
        [
            "a credential in an override",
            "local",
            { "spark-s3:sparkConf": ["spark.hadoop.fs.s3a.secret.key=abc123"] },
            /spark.hadoop.fs.s3a.secret.key holds a credential in plain text/,
        ],
        [
            "dynamic partition overwrite",
            "local",
            { "spark-s3:sparkConf": ["spark.sql.sources.partitionOverwriteMode=dynamic"] },
            /partitionOverwriteMode=dynamic is not supported by any S3A committer/,
        ],
        [
            "an override that is not key=value",
            "local",
            { "spark-s3:sparkConf": ["spark.executor.cores"] },
            /spark-s3:sparkConf: item "spark.executor.cores" is not of the form key=value/,
        ],
        [
            "a namespace that is not a DNS label",
            "local",
            { "spark-s3:jobNamespace": "Spark_Jobs" },
            /spark-s3:jobNamespace: "Spark_Jobs" is not a valid namespace/,
        ],
        [
            "aws without a region",
            "dev",
            { "aws:region": undefined },
            /aws:region: is required for objectStore aws. Valid example: aws:region: eu-west-1/,
        ],
        [
            "no RWX storage class and no hostPath",
            "dev",
            { "spark-s3:stagingStorageClass": "", "spark-s3:efs": "existing" },
            /spark-s3:stagingStorageClass: is empty and stagingHostPath is not set/,
        ],
        [
            "a chart source that is neither a repository, an OCI chart nor a path",
            "local",
            { "spark-s3:operatorChart": "charts/nowhere" },
            /spark-s3:operatorChart: "charts\/nowhere" is neither an http\(s\):\/\/ repository, an oci:\/\/ chart nor an existing path.*Valid example: spark-s3:operatorChart: https:\/\/kubeflow.github.io\/spark-operator/,
        ],
        [
            "a CA bundle that is not there",
            "flashblade",
            { "spark-s3:s3CaBundle": "certs/nowhere.pem" },
            /spark-s3:s3CaBundle: cannot use certs\/nowhere.pem: ENOENT.*Valid example: spark-s3:s3CaBundle: certs\/s3-ca.pem \(a PEM file, relative to the project\)/,
        ],
        [
            "an image registry with a scheme",
            "local",
            { "spark-s3:imageRegistry": "https://registry.example.com" },
            /spark-s3:imageRegistry: "https:\/\/registry.example.com" is not a registry host with an optional path.*Valid example: spark-s3:imageRegistry: registry.example.com\/mirror/,
        ],
        [
            "a run token that cannot be an annotation value",
            "local",
            { "spark-s3:jobRun": "run #2" },
            /spark-s3:jobRun: "run #2" must be at most 63 letters, digits/,
        ],
        [
            "a zero helper-Job deadline",
            "local",
            { "spark-s3:setupJobTimeoutMinutes": 0 },
            /spark-s3:setupJobTimeoutMinutes: must be between 1 and 1440/,
        ],
        [
            "a buffer size that is not a quantity",
            "local",
            { "spark-s3:bufferVolumeSize": "10 GB" },
            /spark-s3:bufferVolumeSize: "10 GB" is not a Kubernetes quantity/,
        ],
        [
            "flashblade without its account",
            "flashblade",
            { "spark-s3:flashbladeAccount": "" },
            /spark-s3:flashbladeAccount: is required for objectStore flashblade/,
        ],
    ];
    for (const [what, stack, overrides, expected] of cases) {
        it(`rejects ${what}`, () => {
            assert.match(problems(stack, overrides), expected);
        });
    }

    it("reports every problem at once", () => {
        const msg = problems("local", { "spark-s3:executorInstances": 0, "spark-s3:committer": "nope", "spark-s3:stagingVolumeSize": "x" });
        assert.match(msg, /3 problems/);
    });

    it("accepts a harmless override", () => {
        const cfg = parse("local", { "spark-s3:sparkConf": ["spark.hadoop.fs.s3a.threads.max=128", "spark.sql.shuffle.partitions=64"] });
        assert.deepEqual(cfg.platform.spark.conf, { "spark.hadoop.fs.s3a.threads.max": "128", "spark.sql.shuffle.partitions": "64" });
    });

    it("reads the chart source: repository, OCI, the released chart on disk; refuses another chart version", () => {
        assert.deepEqual(parseChartSource("https://charts.example.com/kubeflow/", "/"), {
            source: { kind: "repo", repo: "https://charts.example.com/kubeflow" },
        });
        assert.deepEqual(parseChartSource("oci://registry.example.com/charts/spark-operator", "/"), {
            source: { kind: "oci", ref: "oci://registry.example.com/charts/spark-operator" },
        });
        const released = sparkOperator.chart();
        assert.deepEqual(parseChartSource(released, "/"), { source: { kind: "path", path: released } });
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "chart-"));
        try {
            fs.writeFileSync(path.join(dir, "Chart.yaml"), "apiVersion: v2\nname: spark-operator\nversion: 2.4.0\n");
            assert.match(
                parseChartSource(dir, "/").problem!,
                /is spark-operator 2.4.0, but the program is built and tested for spark-operator 2.5.2/,
            );
            fs.writeFileSync(path.join(dir, "values.yaml"), "{}\n");
            assert.match(parseChartSource(path.join(dir, "values.yaml"), "/").problem!, /is a file but not a chart archive/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("image mirrors", () => {
    it("parses references the way container runtimes do", () => {
        assert.deepEqual(parseImage("apache/spark:4.0.4-scala2.13-java17-python3-ubuntu"), {
            registry: "docker.io",
            repository: "apache/spark",
            suffix: ":4.0.4-scala2.13-java17-python3-ubuntu",
        });
        assert.deepEqual(parseImage("busybox"), { registry: "docker.io", repository: "library/busybox", suffix: "" });
        assert.deepEqual(parseImage("localhost:5000/x/y@sha256:ab"), {
            registry: "localhost:5000",
            repository: "x/y",
            suffix: "@sha256:ab",
        });
    });

    it("replaces the registry and keeps the repository path; empty or already mirrored leaves the image alone", () => {
        const m = "registry.example.com/mirror";
        assert.equal(
            mirrored("quay.io/minio/minio:RELEASE.2025-04-22T22-12-26Z", m),
            "registry.example.com/mirror/minio/minio:RELEASE.2025-04-22T22-12-26Z",
        );
        assert.equal(mirrored("apache/spark:4.0.4", m), "registry.example.com/mirror/apache/spark:4.0.4");
        assert.equal(mirrored("apache/spark:4.0.4", ""), "apache/spark:4.0.4");
        assert.equal(mirrored("registry.example.com/mirror/apache/spark:4.0.4", m + "/"), "registry.example.com/mirror/apache/spark:4.0.4");
    });
});
