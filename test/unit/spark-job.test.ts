/** SparkJob: names, the manifest, the wait condition and how a run's verdict is reported. */
import { strict as assert } from "assert";
import {
    MAX_APP_NAME,
    WAIT_FOR_FINAL_STATE,
    appNameFor,
    failureReport,
    jobFilesAdditions,
    isNewFailure,
    sparkApplicationManifest,
    sparkApplicationName,
    stateOf,
    type SparkAppArgs,
} from "../../components/spark-job";
import { sparkRuntime } from "../../policy/s3a/versions";

const base: SparkAppArgs = {
    appName: "doglover-dev",
    namespace: "spark-jobs",
    serviceAccount: "spark",
    runtime: sparkRuntime("4.0.4"),
    image: "apache/spark:4.0.4-scala2.13-java17-python3-ubuntu",
    type: "Python",
    mainApplicationFile: "local:///opt/spark/jobs/job.py",
    sparkConf: {},
    driver: { cores: 1, memory: "1g" },
    executor: { instances: 2, cores: 1, memory: "2g" },
    waitForCompletion: true,
    timeoutMinutes: 45,
    rerunHint: "pulumi config set spark-s3:jobRun <a new value> && pulumi up",
};

/** Status writes as the v2.5.2 controller makes them (terminationTime null from the first write). */
const submitted = { applicationState: { state: "SUBMITTED" }, terminationTime: null, driverInfo: { podName: "doglover-dev-driver" } };
const failed = {
    applicationState: { state: "FAILED", errorMessage: "driver container failed with ExitCode: 1, Reason: Error" },
    terminationTime: "2026-11-24T10:00:00Z",
    submissionID: "b",
    executionAttempts: 2,
    driverInfo: { podName: "doglover-dev-driver" },
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

    it("waits for a final state (COMPLETED or FAILED), not for terminationTime, with the configured timeout", () => {
        const m = sparkApplicationManifest(base);
        assert.equal(m.metadata.annotations["pulumi.com/waitFor"], WAIT_FOR_FINAL_STATE);
        assert.equal(WAIT_FOR_FINAL_STATE, "jsonpath={.status[?@.state=='COMPLETED' || @.state=='FAILED']}");
        assert.doesNotMatch(WAIT_FOR_FINAL_STATE, /terminationTime/);
        assert.equal(m.metadata.annotations["pulumi.com/timeoutSeconds"], "2700");
        const noWait = sparkApplicationManifest({ ...base, waitForCompletion: false });
        assert.deepEqual(noWait.metadata.annotations, { "pulumi.com/skipAwait": "true" });
    });

    it("lets the operator keep finished applications (no TTL: refresh must not turn into a re-run)", () => {
        assert.equal("timeToLiveSeconds" in sparkApplicationManifest(base).spec, false);
    });

    it("delivers job files through the driver pod template, not the webhook's configMaps", () => {
        const m = sparkApplicationManifest({ ...base, driverPod: jobFilesAdditions("code-abc", "/opt/spark/jobs/x") });
        assert.equal("configMaps" in m.spec.driver, false);
        const tpl = (m.spec.driver as { template?: any }).template;
        assert.deepEqual(tpl.spec.containers, [
            { name: "spark-kubernetes-driver", volumeMounts: [{ name: "job-files", mountPath: "/opt/spark/jobs/x", readOnly: true }] },
        ]);
        assert.deepEqual(tpl.spec.volumes, [{ name: "job-files", configMap: { name: "code-abc" } }]);
    });

    it("puts the run token and the inputs' fingerprint in the spec, so changing either runs the job again", () => {
        const a = sparkApplicationManifest({ ...base, run: "1", inputs: "abc" });
        const b = sparkApplicationManifest({ ...base, run: "2", inputs: "abc" });
        assert.deepEqual((a.spec.driver as any).annotations, { "spark-s3.io/run": "1", "spark-s3.io/inputs": "abc" });
        assert.notDeepEqual(a.spec, b.spec);
        assert.equal("annotations" in sparkApplicationManifest(base).spec.driver, false);
    });

    it("reads the operator's NEW state (empty) and a missing status as NEW", () => {
        assert.equal(stateOf(undefined), "NEW");
        assert.equal(stateOf({ applicationState: { state: "" } }), "NEW");
        assert.equal(stateOf(submitted), "SUBMITTED");
    });

    it("reports a failure with the operator's message, the real namespace, the driver log and how to rerun", () => {
        const msg = failureReport({ name: "doglover-dev", namespace: "spark-team-a" }, failed, base.rerunHint);
        assert.match(
            msg,
            /^SparkApplication spark-team-a\/doglover-dev FAILED after 2 attempts: driver container failed with ExitCode: 1, Reason: Error$/m,
        );
        assert.match(msg, /driver log: kubectl -n spark-team-a logs doglover-dev-driver/);
        assert.match(msg, /run it again \(same inputs\): pulumi config set spark-s3:jobRun <a new value> && pulumi up/);
        assert.doesNotMatch(msg, /<namespace>/);
        assert.match(
            failureReport({ name: "x", namespace: "n" }, { applicationState: { state: "FAILED" } }, "h"),
            /the operator gave no error message/,
        );
    });

    it("reports a failure once: on create, or on an update whose old outputs did not hold that run's failure", () => {
        assert.equal(isNewFailure(failed), true);
        assert.equal(isNewFailure({ applicationState: { state: "COMPLETED" } }), false);
        assert.equal(isNewFailure(submitted), false);
        // The update after a timeout (old: still running) ends in FAILED: report it.
        assert.equal(isNewFailure(failed, { applicationState: { state: "RUNNING" }, submissionID: "b" }), true);
        // An update of an application whose FAILED run was reported before: do not report again.
        assert.equal(isNewFailure(failed, failed), false);
        // ...unless it is another run.
        assert.equal(isNewFailure(failed, { ...failed, submissionID: "a" }), true);
    });
});
