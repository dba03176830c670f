import { HADOOP_KEYS, SPARK_HADOOP_PREFIX, isS3AOption } from "../s3a/facts";
import { isKnown, optionSettings } from "../s3a/conf";
import { finding, jobRule, type Finding } from "./rule";
import { goodConf, sparkApp } from "./examples";

const KEY = HADOOP_KEYS.magicTrackCommitsInMemory;
const flag = (v: string | undefined) => (v ?? "false").trim().toLowerCase() === "true";

/**
 * Hadoop 3.4's magic committer can keep a task's pending commits in memory instead of writing
 * them to S3 (fs.s3a.committer.magic.track.commits.in.memory.enabled). The two halves read the
 * setting from different configurations (hadoop-aws 3.4.1):
 * - the writer: MagicCommitIntegration.createTracker reads it from the filesystem's own
 *   configuration (getStoreContext().getConfiguration()), where per-bucket options
 *   (fs.s3a.bucket.<b>.*) have been folded in for that bucket;
 * - the committer: MagicS3GuardCommitter.loadPendingCommits (and commitTask) read it from the
 *   task's job configuration (context.getConfiguration()), where per-bucket options are not.
 * A per-bucket value that differs from the job-wide one makes the tasks keep their commits in
 * memory while the committer looks for them in S3 (or the other way round): the job commits no
 * file and writes a successful _SUCCESS (jobs/doglover/tests/integration/test_faults.py shows it
 * on real Spark and MinIO).
 */
export const magicTrackingJobWide = jobRule({
    kind: "job",
    name: "s3a-magic-tracking-job-wide",
    level: "mandatory",
    jobs: "s3a",
    description:
        "The magic committer's in-memory tracking of pending commits is set job-wide, never per bucket (writer and committer read different configurations).",
    firesOn:
        "`fs.s3a.bucket.<bucket>.committer.magic.track.commits.in.memory.enabled` set to another value than the job-wide `fs.s3a.committer.magic.track.commits.in.memory.enabled` (default false), on Hadoop lines that have the option (3.4+)",
    why: "The task's output stream decides where the pending commit goes from the bucket's filesystem configuration, the committer decides where to look from the job's: when they differ, every file's upload stays pending, the job commits nothing and still reports success.",
    options: [],
    reads: { hadoop: [KEY] },
    examples: [
        {
            title: "in-memory tracking turned on for one bucket only",
            resources: [
                sparkApp({
                    sparkConf: goodConf({
                        "spark.hadoop.fs.s3a.committer.name": "magic",
                        "spark.hadoop.fs.s3a.committer.staging.conflict-mode": undefined,
                        "spark.hadoop.fs.s3a.bucket.lake.committer.magic.track.commits.in.memory.enabled": "true",
                    }),
                }),
            ],
            fires: true,
        },
        {
            title: "in-memory tracking turned on job-wide",
            resources: [
                sparkApp({
                    sparkConf: goodConf({
                        "spark.hadoop.fs.s3a.committer.name": "magic",
                        "spark.hadoop.fs.s3a.committer.staging.conflict-mode": undefined,
                        "spark.hadoop.fs.s3a.committer.magic.track.commits.in.memory.enabled": "true",
                    }),
                }),
            ],
            fires: false,
        },
    ],
    check: ({ view }) => {
        if (!isS3AOption(KEY, view.keySet)) return [];
        const settings = optionSettings(view.hadoop, KEY);
        const jobWide = settings.find((s) => s.bucket === undefined);
        if (jobWide && !isKnown(jobWide.value)) return []; // unknown during preview
        const out: Finding[] = [];
        for (const s of settings) {
            if (s.bucket === undefined || !isKnown(s.value) || flag(s.value) === flag(jobWide?.value)) continue;
            out.push(
                finding(
                    `${SPARK_HADOOP_PREFIX}${s.key}=${s.value} differs from the job-wide ${SPARK_HADOOP_PREFIX}${KEY} (${jobWide ? jobWide.value : "not set: false"}): the magic committer's tasks decide where pending commits go from bucket ${s.bucket}'s filesystem configuration, but the committer looks for them with the job's, so a job writing to ${s.bucket} commits no file and still reports success. Set ${SPARK_HADOOP_PREFIX}${KEY} job-wide and drop the per-bucket value.`,
                    SPARK_HADOOP_PREFIX + s.key,
                ),
            );
        }
        return out;
    },
});
