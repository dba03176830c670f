/**
 * The e2e tests' operator stand-in (test/e2e/operator-standin.ts) writes what the v2.5.2
 * controller writes: every status it produces validates against the real CRD, in the controller's
 * order, with terminationTime null from the first write and set before a retry decides.
 */
import { strict as assert } from "assert";
import { sparkApplicationManifest } from "../../components/spark-job";
import { sparkRuntime } from "../../policy/s3a/versions";
import { nextStatus, serialize, type App, type Scenario } from "../e2e/operator-standin";
import { sparkApplicationValidator } from "../helpers/crd";

const manifest = sparkApplicationManifest({
    appName: "doglover-local",
    namespace: "spark-jobs",
    serviceAccount: "spark",
    runtime: sparkRuntime("4.0.4"),
    image: "apache/spark:4.0.4-scala2.13-java17-python3-ubuntu",
    type: "Python",
    mainApplicationFile: "local:///opt/spark/jobs/doglover/doglover.py",
    sparkConf: {},
    driver: { cores: 1, memory: "1g" },
    executor: { instances: 1, cores: 1, memory: "1g" },
    waitForCompletion: true,
    timeoutMinutes: 5,
    rerunHint: "x",
});

/** Every status write of one run; the clock jumps a minute when the controller would wait. */
function play(scenario: Scenario, release = false): any[] {
    const app = { ...manifest, metadata: { ...manifest.metadata, uid: "u", resourceVersion: "1" } } as unknown as App &
        Record<string, unknown>;
    const writes: any[] = [];
    let clock = Date.now();
    for (let i = 0; i < 20; i++) {
        const s = nextStatus(app, scenario, release, clock);
        if (!s) {
            const state = (app.status as any)?.applicationState?.state;
            if (state === "FAILING") {
                clock += 60_000; // the retry interval passes
                continue;
            }
            break;
        }
        app.status = serialize(s);
        writes.push(JSON.parse(JSON.stringify(app.status)));
        const validate = sparkApplicationValidator();
        assert.ok(validate({ ...app, status: app.status }), `${s.applicationState.state}: ${JSON.stringify(validate.errors)}`);
    }
    return writes;
}

describe("operator stand-in (v2.5.2 controller's status writes)", () => {
    it("success: SUBMITTED, RUNNING, SUCCEEDING, COMPLETED; terminationTime null from the first write", () => {
        const w = play("succeed");
        assert.deepEqual(
            w.map((s) => s.applicationState.state),
            ["SUBMITTED", "RUNNING", "SUCCEEDING", "COMPLETED"],
        );
        assert.ok("terminationTime" in w[0] && w[0].terminationTime === null, "present and null");
        assert.equal(w[0].driverInfo.podName, "doglover-local-driver");
        assert.deepEqual([w[0].submissionAttempts, w[0].executionAttempts], [1, 1]);
        assert.equal(w[0].sparkApplicationId, undefined, "omitempty");
        assert.notEqual(w[2].terminationTime, null, "set at SUCCEEDING, before the final state");
    });

    it("failure after the operator's one retry: the reset on PENDING_RERUN, then FAILED with its message", () => {
        const w = play("fail-after-retry");
        assert.deepEqual(
            w.map((s) => s.applicationState.state),
            ["SUBMITTED", "RUNNING", "FAILING", "PENDING_RERUN", "SUBMITTED", "RUNNING", "FAILING", "FAILED"],
        );
        const rerun = w[3];
        assert.equal(rerun.terminationTime, null);
        assert.deepEqual(rerun.driverInfo, {});
        assert.equal(rerun.sparkApplicationId, undefined);
        assert.notEqual(w[4].submissionID, w[0].submissionID);
        const failed = w[7];
        assert.equal(failed.applicationState.errorMessage, "driver container failed with ExitCode: 1, Reason: Error");
        assert.notEqual(failed.terminationTime, null);
        assert.deepEqual([failed.submissionAttempts, failed.executionAttempts], [2, 2]);
    });

    it("a hanging run stays RUNNING until released", () => {
        assert.deepEqual(
            play("hang").map((s) => s.applicationState.state),
            ["SUBMITTED", "RUNNING"],
        );
        assert.deepEqual(
            play("hang", true).map((s) => s.applicationState.state),
            ["SUBMITTED", "RUNNING", "SUCCEEDING", "COMPLETED"],
        );
    });
});
