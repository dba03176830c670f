import { HADOOP_KEYS, isS3ACommitter } from "../s3a/facts";
import { isUnknown, optionSettings } from "../s3a/conf";
import { compareVersions } from "../s3a/releases";
import { label, type SparkJob } from "../s3a/resources";
import type { JobView } from "../s3a/job";
import { stackRule, type Finding } from "./rule";
import { claim, sparkApp } from "./examples";

const within = (path: string, dir: string) => path === dir || path.startsWith(dir + "/");
const bucketOf = (url: string) => url.replace(/^s3a:\/\//, "").split("/")[0];

/** The committer a job writes `url` with, and whether its job cleanup aborts pending uploads there. */
function writer(view: JobView, url: string): { committer?: string; aborts: boolean | "unknown" } {
    const bucket = bucketOf(url);
    const pick = (generic: string) => {
        const s = optionSettings(view.hadoop, generic);
        return (s.find((x) => x.bucket === bucket) ?? s.find((x) => x.bucket === undefined))?.value;
    };
    const committer = pick(HADOOP_KEYS.committerName);
    const abort = pick(HADOOP_KEYS.abortPendingUploads) ?? pick(HADOOP_KEYS.stagingAbortPendingUploads);
    return { committer, aborts: isUnknown(abort) ? "unknown" : (abort ?? "true").trim().toLowerCase() !== "false" };
}

/**
 * Several jobs writing under one directory. Every S3A committer's job cleanup
 * (AbstractS3ACommitter.cleanup -> abortPendingUploadsInCleanup, Hadoop 3.3.4 to 3.5.0) lists and
 * aborts *all* pending multipart uploads under its destination when
 * fs.s3a.committer.abort.pending.uploads is true. core-default.xml sets it true in every release
 * (the Java constant's default became false in 3.4, but core-default.xml is loaded first), so a
 * job that finishes aborts the uncommitted uploads of another job still writing under the same
 * directory. Hadoop 3.4 gives each magic job its own __magic_job-<uuid> directory
 * (CommitConstants.MAGIC_PATH_PREFIX), but not its own uploads; Hadoop 3.3's magic committers
 * even share __magic and delete it at cleanup.
 * A ScheduledSparkApplication overlaps with itself only with concurrencyPolicy Allow (the
 * controller starts the next run only then while one is running; kubeflow spark-operator
 * internal/controller/scheduledsparkapplication/controller.go, shouldStartNextRun).
 * Only outputs the jobs commit files to count (what they write, as s3a/writes.ts judges it):
 * inputs never do, so jobs that read the same data are not reported.
 */
export const concurrentWriters = stackRule({
    kind: "stack",
    name: "s3a-concurrent-writers",
    level: "advisory",
    description:
        "Jobs that write under one another's output directory do not abort each other's pending uploads (fs.s3a.committer.abort.pending.uploads).",
    firesOn:
        "a job whose output directory contains another job's output, or a `ScheduledSparkApplication` with `concurrencyPolicy: Allow`, while `fs.s3a.committer.abort.pending.uploads` is true (the default); outputs as the jobs show or declare them (`--output` and the like, `OUTPUT_PATH`, the `guardrails.spark-s3.io/s3a-outputs` annotation)",
    why: "A committer's job cleanup aborts every pending multipart upload under its destination, including those of another job still writing there, which then fails or loses files.",
    options: [],
    reads: {
        hadoop: [HADOOP_KEYS.committerName, HADOOP_KEYS.abortPendingUploads, HADOOP_KEYS.stagingAbortPendingUploads],
        writes: true,
    },
    examples: [
        {
            title: "two jobs, one writing under the other's output",
            resources: [
                sparkApp({ arguments: ["--output", "s3a://lake/events"] }, { name: "events" }),
                sparkApp({ arguments: ["--output", "s3a://lake/events/late"] }, { name: "late-events" }),
                claim(),
            ],
            fires: true,
        },
        {
            title: "two jobs reading the same input, writing apart",
            resources: [
                sparkApp({ arguments: ["--input", "s3a://lake/raw", "--output", "s3a://lake/a"] }, { name: "a" }),
                sparkApp({ arguments: ["--input", "s3a://lake/raw", "--output", "s3a://lake/b"] }, { name: "b" }),
                claim(),
            ],
            fires: false,
        },
    ],
    check: ({ jobs }) => {
        const writers = jobs.filter((j: SparkJob) => j.writes.kind === "commits" && j.writes.outputs.length > 0);
        const out: (Finding & { urn: string })[] = [];
        const fix = `set spark.hadoop.${HADOOP_KEYS.abortPendingUploads}=false on jobs that share a destination (the bucket's lifecycle rule that aborts incomplete uploads then cleans up after failed jobs), or give each job its own directory`;
        const hadoop33 = (view: JobView) => !!view.hadoopVersion && compareVersions(view.hadoopVersion, "3.4") < 0;
        const key = `spark.hadoop.${HADOOP_KEYS.abortPendingUploads}`;
        for (const a of writers) {
            for (const dest of a.writes.outputs) {
                const w = writer(a.view, dest);
                if (w.aborts !== true || !w.committer || !isS3ACommitter(w.committer)) continue;
                const magic33 =
                    w.committer === "magic" && hadoop33(a.view)
                        ? ` With Hadoop ${a.view.hadoopVersion}, magic committers also share ${dest}/__magic and delete it at cleanup.`
                        : "";
                if (a.schedule?.concurrencyPolicy === "Allow") {
                    out.push({
                        urn: a.resource.urn,
                        key,
                        message: `runs of ${label(a.resource)} can overlap (concurrencyPolicy: Allow) and all write under ${dest}: the ${w.committer} committer's job cleanup aborts every pending multipart upload under its destination (${HADOOP_KEYS.abortPendingUploads} is true by default), including those of a run still writing.${magic33} Use concurrencyPolicy Forbid, or ${fix}.`,
                    });
                }
                for (const b of writers) {
                    if (b === a) continue;
                    const shared = b.writes.outputs.find((o) => within(o, dest));
                    if (!shared) continue;
                    const wb = writer(b.view, shared);
                    if (!wb.committer || !isS3ACommitter(wb.committer)) continue;
                    out.push({
                        urn: a.resource.urn,
                        key,
                        message: `${label(a.resource)} writes to ${dest} and ${label(b.resource)} writes to ${shared}, under it: when they run at the same time, ${label(a.resource)}'s job cleanup (${w.committer} committer) aborts every pending multipart upload under ${dest} (${HADOOP_KEYS.abortPendingUploads} is true by default), including ${label(b.resource)}'s uncommitted ones, which then fails or loses files. Hadoop 3.4 gives each magic job its own __magic_job-<id> directory, but not its own uploads.${magic33} If they can overlap, ${fix}.`,
                    });
                }
            }
        }
        return out;
    },
});
