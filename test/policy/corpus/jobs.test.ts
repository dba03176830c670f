/** Several jobs under one directory, and values unknown at preview. */
import { POLICY } from "../../../policy/s3a/checks";
import { resource, UNKNOWN_ARRAY, UNKNOWN_OBJECT, UNKNOWN_STRING } from "../../helpers/policy";
import { APP, job, rwxClaim, runCases, scheduled, sorted, trustedImage, withConf, type Case } from "./helpers";

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

describe("policy pack corpus: several jobs under one directory (12.3)", () => runCases(CONCURRENCY_CASES));
describe("policy pack corpus: unknown values at preview (12.4)", () => runCases(PREVIEW_CASES));
