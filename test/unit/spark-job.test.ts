/** SparkJob: names, the manifest, and how waiting for completion reports the operator's verdict. */
import { strict as assert } from "assert";
import { MAX_APP_NAME, appNameFor, requireCompleted, sparkApplicationManifest, sparkApplicationName } from "../../components/spark-job";
import { sparkRuntime } from "../../policy/s3a/versions";

const base = {
    appName: "doglover-dev",
    namespace: "spark-jobs",
    serviceAccount: "spark",
    runtime: sparkRuntime("4.0.4"),
    type: "Python" as const,
    mainApplicationFile: "local:///opt/spark/jobs/job.py",
    sparkConf: {},
    driver: { cores: 1, memory: "1g" },
    executor: { instances: 2, cores: 1, memory: "2g" },
    waitForCompletion: true,
    timeoutMinutes: 45,
};

describe("SparkJob", () => {
    it("accepts DNS-1035 names and explains a bad one", () => {
        assert.equal(sparkApplicationName("doglover-dev"), "doglover-dev");
        for (const bad of ["Doglover", "1job", "job_x", "job-", "a".repeat(MAX_APP_NAME + 1)]) {
            assert.throws(() => sparkApplicationName(bad), /must be a DNS-1035 label of at most 42 characters/, bad);
        }
    });

    it("derives valid names from any stack name", () => {
        assert.equal(appNameFor("doglover", "dev"), "doglover-dev");
        assert.equal(appNameFor("doglover", "Team_A.pr-17"), "doglover-team-a-pr-17");
        assert.ok(appNameFor("doglover", "x".repeat(80)).length <= MAX_APP_NAME);
    });

    it("waits on the operator's terminationTime with the configured timeout", () => {
        const m = sparkApplicationManifest(base);
        assert.equal(m.metadata.annotations["pulumi.com/waitFor"], "jsonpath={.status.terminationTime}");
        assert.equal(m.metadata.annotations["pulumi.com/timeoutSeconds"], "2700");
        const noWait = sparkApplicationManifest({ ...base, waitForCompletion: false });
        assert.deepEqual(noWait.metadata.annotations, { "pulumi.com/skipAwait": "true" });
    });

    it("turns FAILED into an error with the operator's message and the driver pod", () => {
        assert.equal(requireCompleted("doglover-dev", { applicationState: { state: "COMPLETED" } }), "COMPLETED");
        assert.throws(
            () =>
                requireCompleted("doglover-dev", {
                    applicationState: { state: "FAILED", errorMessage: "driver container failed with ExitCode: 1, Reason: Error" },
                    driverInfo: { podName: "doglover-dev-driver" },
                }),
            /SparkApplication doglover-dev ended in state FAILED: driver container failed with ExitCode: 1, Reason: Error\n {2}driver log: kubectl logs -n <namespace> doglover-dev-driver/,
        );
        assert.throws(
            () => requireCompleted("x", { applicationState: { state: "SUBMISSION_FAILED" } }),
            /ended in state SUBMISSION_FAILED: \(the operator gave no error message\)/,
        );
    });
});
