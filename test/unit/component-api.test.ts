/**
 * SparkPlatform and SparkJob from their args, as the component package constructs them for a
 * Pulumi YAML or Python program (provider/): the same keys as stack config, the same checks, the
 * problems named args.<key>. Under strict mocks, MinIO and AWS.
 */
import { strict as assert } from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { SparkJob } from "../../components/job";
import { SparkPlatform } from "../../components/platform";
import { workloadSparkConf, type PlatformHandle } from "../../components/platform/handle";
import { promiseOf, runMocked, type ProgramRun } from "../helpers/stack";

const APP = "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication";
const SCHEDULED = "kubernetes:sparkoperator.k8s.io/v1beta2:ScheduledSparkApplication";
const CODE = path.join("test", "unit", "fixtures", "jobs", "nightly");

/** A YAML program: a platform and two jobs, constructed from args only. */
function program(platformArgs: Record<string, unknown>) {
    return () => {
        const platform = new SparkPlatform("platform", { stagingStorageClassCheck: false, ...platformArgs });
        const pi = new SparkJob("pi", {
            platform: platform.handle,
            type: "Scala",
            mainFile: "local:///opt/spark/examples/jars/spark-examples.jar",
            mainClass: "org.apache.spark.examples.SparkPi",
            waitForCompletion: true,
        });
        const nightly = new SparkJob("nightly", {
            platform: platform.handle,
            codeDir: CODE,
            mainFile: "nightly.py",
            committer: "magic",
            schedule: "0 2 * * *",
        });
        return { handle: platform.handle, bucket: platform.bucket, pi: pi.state, nightly: nightly.state };
    };
}

const run = (args: Record<string, unknown>, config: Record<string, string> = {}) => runMocked("example", config, [], program(args));

describe("the component package's components, from args", () => {
    for (const [store, args, config] of [
        ["minio", { objectStore: "minio", bucketName: "spark-example", stagingHostPath: "/tmp/staging" }, {}],
        [
            "aws",
            { objectStore: "aws", bucketName: "acme-example", stagingStorageClass: "efs-sc", awsAuth: "accessKey", protectBucket: false },
            { "aws:region": "eu-west-1" },
        ],
    ] as const) {
        describe(store, () => {
            let r: ProgramRun;
            before(async () => {
                r = await run(args, config);
            });

            it("deploys the platform and both jobs", () => {
                assert.ok(r.one(`spark-s3:index:SparkPlatform`));
                assert.equal(r.byType("spark-s3:index:SparkJob").length, 2);
                assert.equal(r.one(APP).inputs.metadata.name, "pi-example");
                assert.equal(r.one(SCHEDULED).inputs.spec.template.sparkConf["spark.hadoop.fs.s3a.committer.name"], "magic");
                if (store === "aws") assert.ok(r.one("aws:s3/bucket:Bucket", "platform-store-bucket"));
                else assert.ok(r.one("kubernetes:apps/v1:Deployment", "platform-store-server"));
            });

            it("hands jobs a plain-data handle whose workload conf is the job's own profile", async () => {
                const h = (await promiseOf(r.outputs.handle as pulumi.Output<PlatformHandle>)) as PlatformHandle;
                assert.equal(h.namespace, "spark-jobs");
                assert.equal(h.credentialsSecret, "spark-s3-credentials");
                assert.ok(h.ready.length >= 5, "readiness travels with the handle");
                assert.deepEqual(JSON.parse(JSON.stringify(h)), h, "plain data: it crosses the package boundary unchanged");
                const conf = workloadSparkConf(h, { committer: "partitioned" });
                assert.equal(conf["spark.hadoop.fs.s3a.committer.name"], "partitioned");
                assert.equal(conf["spark.hadoop.fs.s3a.committer.staging.tmp.path"], "file:///staging/committer");
                assert.equal(
                    r.one(APP).inputs.spec.sparkConf["spark.kubernetes.driver.secretKeyRef.AWS_ACCESS_KEY_ID"],
                    "spark-s3-credentials:AWS_ACCESS_KEY_ID",
                );
            });
        });
    }

    it("names a bad input args.<key>, with the closest known one", async () => {
        await assert.rejects(
            run({ objectStore: "minio", comitter: "magic", executorInstances: 0, stagingHostPath: "/tmp/s" }),
            (e: Error) => {
                assert.match(e.message, /invalid SparkPlatform args \(2 problems\)/);
                assert.match(
                    e.message,
                    /args\.comitter: is not an input of SparkPlatform \(did you mean "committer"\?\).*Valid example: committer: directory/,
                );
                assert.match(e.message, /args\.executorInstances: must be between 1 and 1000, got 0/);
                return true;
            },
        );
    });

    it("names a bad SparkJob input args.<field>", async () => {
        await assert.rejects(
            runMocked("example", {}, [], () => {
                const platform = new SparkPlatform("platform", { stagingHostPath: "/tmp/s", stagingStorageClassCheck: false });
                new SparkJob("bad", { platform: platform.handle, mainFile: "x.py", schedule: "every night" } as never);
                return {};
            }),
            /invalid SparkJob args \(1 problem\):\n {2}- args\.schedule: "every night" has 2 fields; a schedule has 5 .*Valid example: schedule: "0 2 \* \* \*"/,
        );
    });

    it("keeps a FlashBlade API token given as an input a secret", async () => {
        const r = await runMocked("example", {}, [], () => {
            const platform = new SparkPlatform("platform", {
                objectStore: "flashblade",
                flashbladeManagementUrl: "https://fb.example.com",
                flashbladeDataUrl: "https://10.0.0.1",
                flashbladeAccount: "spark",
                flashbladeApiToken: pulumi.secret("T0KEN-never-plain"),
                stagingStorageClass: "px-fb-direct-access-nfsv4",
                stagingStorageClassCheck: false,
            });
            return { bucket: platform.bucket };
        });
        for (const res of r.resources) {
            if (res.type.startsWith("pulumi-nodejs:dynamic")) continue;
            assert.doesNotMatch(JSON.stringify(res.inputs), /T0KEN-never-plain/, res.name);
        }
        const account = r.one("pulumi-nodejs:dynamic:Resource", "platform-store-account");
        assert.match(
            JSON.stringify(account.rawInputs.connection),
            /4dabf18193072939515e22adb298388d/,
            "the connection (with the token) is a secret input",
        );
    });
});
