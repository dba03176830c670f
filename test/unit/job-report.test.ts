/**
 * The job report's pure parts. Its run against a real store, a real `_SUCCESS` and a real event
 * log is in jobs/doglover/tests/integration/test_observability.py; these cover what a real run
 * rarely shows: a failed task, a run still going, a classic 0-byte `_SUCCESS`.
 */
import { strict as assert } from "assert";
import { applicationFromEvents, formatPrometheus, outputReport, parseS3a } from "../../tools/job-report";

const ev = (o: object) => JSON.stringify(o);
const plan = {
    metrics: [],
    children: [
        {
            metrics: [
                { name: "job commit time", accumulatorId: 7 },
                { name: "task commit time", accumulatorId: 8 },
            ],
        },
    ],
};

describe("job report", () => {
    it("reads duration, jobs, tasks, failures and commit times from SparkListener events", () => {
        const app = applicationFromEvents([
            ev({ Event: "SparkListenerApplicationStart", "App Name": "doglover-dev", "App ID": "spark-1", Timestamp: 1000 }),
            ev({ Event: "org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart", sparkPlanInfo: plan }),
            ev({
                Event: "SparkListenerTaskEnd",
                "Task End Reason": { Reason: "Success" },
                "Task Info": { Accumulables: [{ ID: 8, Update: 250 }] },
            }),
            ev({
                Event: "SparkListenerTaskEnd",
                "Task End Reason": { Reason: "ExceptionFailure" },
                "Task Info": { Accumulables: [{ ID: 8, Update: 50 }] },
            }),
            ev({ Event: "SparkListenerJobEnd" }),
            ev({
                Event: "org.apache.spark.sql.execution.ui.SparkListenerDriverAccumUpdates",
                accumUpdates: [
                    [7, 1500],
                    [9, 99],
                ],
            }),
            ev({ Event: "SparkListenerApplicationEnd", Timestamp: 43_500 }),
            "",
        ]);
        assert.deepEqual(app, {
            id: "spark-1",
            name: "doglover-dev",
            durationSeconds: 42.5,
            jobs: 1,
            tasks: 2,
            failedTasks: 1,
            jobCommitSeconds: 1.5,
            taskCommitSeconds: 0.3,
            completed: true,
        });
    });

    it("a run without an end event is still running; no start event, no application", () => {
        const running = applicationFromEvents([
            ev({ Event: "SparkListenerApplicationStart", "App Name": "a", "App ID": "x", Timestamp: 1 }),
        ]);
        assert.equal(running?.completed, false);
        assert.equal(running?.durationSeconds, undefined);
        assert.equal(applicationFromEvents([ev({ Event: "SparkListenerJobEnd" })]), undefined);
    });

    it("counts the store's files and bytes (not _SUCCESS, not markers) and the commit's S3 requests by kind", () => {
        const r = outputReport(
            "output",
            "s3a://b/p/out",
            {
                committer: "magic",
                success: true,
                filenames: ["/p/out/a.parquet"],
                metrics: { object_put_request: 3, object_list_request: 0, committer_commits_completed: 2 },
            },
            [
                { Key: "p/out/_SUCCESS", Size: 900 },
                { Key: "p/out/a.parquet", Size: 100 },
                { Key: "p/out/day=1/b.parquet", Size: 20 },
                { Key: "p/out/day=1/", Size: 0 },
            ],
        );
        assert.deepEqual([r.committer, r.files, r.bytes, r.commitsCompleted, r.committedFiles], ["magic", 2, 120, 2, 1]);
        assert.deepEqual(r.s3Requests, { put: 3 });
        const classic = outputReport("output", "s3a://b/p/out", undefined, [{ Key: "p/out/_SUCCESS", Size: 0 }]);
        assert.match(classic.committer, /classic/);
        assert.equal(classic.success, false);
    });

    it("prints Prometheus text with escaped labels", () => {
        const text = formatPrometheus({
            application: {
                id: "x",
                name: 'a"b',
                durationSeconds: 2,
                jobs: 1,
                tasks: 1,
                failedTasks: 0,
                jobCommitSeconds: 0.5,
                taskCommitSeconds: 1,
                completed: true,
            },
            outputs: [
                outputReport("output", "s3a://b/p", { committer: "directory", metrics: { object_put_request: 4 } }, [
                    { Key: "p/x.parquet", Size: 5 },
                ]),
            ],
        });
        assert.match(text, /^spark_s3_job_duration_seconds\{application="a_b"\} 2$/m);
        assert.match(text, /^spark_s3_job_commit_seconds\{application="a_b",phase="job"\} 0\.5$/m);
        assert.match(text, /^spark_s3_job_commit_s3_requests\{application="a_b",output="output",kind="put"\} 4$/m);
        assert.match(text, /^spark_s3_job_bytes_written\{application="a_b",output="output",committer="directory"\} 5$/m);
    });

    it("refuses a location that is not s3a://", () => {
        assert.deepEqual(parseS3a("s3a://bucket/a/b/"), { bucket: "bucket", key: "a/b" });
        assert.throws(() => parseS3a("/tmp/x"), /not an s3a:\/\/ location/);
    });
});
