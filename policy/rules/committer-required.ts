import { CLASSES, CLASSIC_COMMITTER, HADOOP_KEYS, S3A_COMMITTERS, SPARK_HADOOP_PREFIX, SPARK_KEYS } from "../s3a/facts";
import { isKnown, isUnknown, optionSettings } from "../s3a/conf";
import { compareVersions, lineOf } from "../s3a/releases";
import type { JobView } from "../s3a/job";
import { finding, jobRule, type Finding } from "./rule";
import { EXAMPLE_TRUSTED, goodConf, sparkApp } from "./examples";

const sh = (hadoopKey: string) => SPARK_HADOOP_PREFIX + hadoopKey;

/** Why Spark 4.1's magic default did not apply, when the job is on 4.1 or later. */
function magicDefaultNote(view: JobView): string {
    if (!isKnown(view.sparkVersion) || !/^\d+\.\d+/.test(view.sparkVersion) || compareVersions(lineOf(view.sparkVersion), "4.1") < 0)
        return "";
    const magic = view.conf[sh(HADOOP_KEYS.magicEnabled)];
    if (magic !== undefined && magic !== "true") {
        return ` (Spark ${view.sparkVersion} would default to the magic committer, but spark.hadoop.${HADOOP_KEYS.magicEnabled}=${magic} turns that off.)`;
    }
    return ` (Spark ${view.sparkVersion} defaults to the magic committer only when spark-hadoop-cloud is on the classpath, and this job has no spark-hadoop-cloud.)`;
}

/**
 * The S3A committer is chosen by fs.s3a.committer.name (Hadoop's S3ACommitterFactory, which
 * mapreduce.outputcommitter.factory.scheme.s3a names by default); Spark asks it only through
 * spark-hadoop-cloud's PathOutputCommitProtocol, and Parquet only through
 * BindingParquetOutputCommitter. Unset, Hadoop uses the classic FileOutputCommitter ("file"),
 * whose renames are copies on S3. Spark 4.1 fills in the magic committer itself when
 * spark-hadoop-cloud is on the classpath (see sparkDefaults in s3a/job.ts).
 */
export const committerRequired = jobRule({
    kind: "job",
    name: "s3a-committer-required",
    level: "mandatory",
    jobs: "commits",
    description:
        "A job that commits files to s3a:// uses an allowed S3A committer with PathOutputCommitProtocol and BindingParquetOutputCommitter (Spark 4.1's magic default counts).",
    firesOn:
        "`fs.s3a.committer.name` unset (Hadoop's classic `file` committer), `file`, or not in `allowedCommitters` (also per bucket); commit protocol or Parquet committer not the cloud ones. Spark 4.1+ selects `magic` by itself when spark-hadoop-cloud is on the classpath, so a 4.1 job without committer settings passes. Only on jobs that commit files to `s3a://` (see `s3a-committer-applicability`).",
    why: "The classic committer commits by renaming, which S3 does by copying every byte, file by file and not atomically: slow, and a failed job leaves partial output visible. Without PathOutputCommitProtocol Spark never asks the S3A committer factory, and without BindingParquetOutputCommitter Parquet writes use the classic committer anyway.",
    options: ["allowedCommitters"],
    reads: {
        hadoop: [HADOOP_KEYS.committerName, HADOOP_KEYS.magicEnabled],
        conf: [SPARK_KEYS.commitProtocolClass, SPARK_KEYS.parquetCommitterClass],
        spec: [/^spec\.sparkVersion$/],
    },
    examples: [
        {
            title: "a Spark 4.0 job without a committer",
            resources: [sparkApp({ sparkConf: goodConf({ "spark.hadoop.fs.s3a.committer.name": undefined }) })],
            fires: true,
        },
        {
            title: "the classic committer for one bucket",
            resources: [sparkApp({ sparkConf: goodConf({ "spark.hadoop.fs.s3a.bucket.lake.committer.name": "file" }) })],
            fires: true,
        },
        { title: "the directory committer with the cloud commit protocol", resources: [sparkApp()], fires: false },
        {
            title: "Spark 4.1 without committer settings on an image with spark-hadoop-cloud (magic by default)",
            resources: [
                sparkApp({
                    sparkVersion: "4.1.2",
                    image: "registry.example.com/platform/spark:4.1.2",
                    sparkConf: goodConf({
                        "spark.hadoop.fs.s3a.committer.name": undefined,
                        "spark.sql.sources.commitProtocolClass": undefined,
                        "spark.sql.parquet.output.committer.class": undefined,
                    }),
                }),
            ],
            fires: false,
            options: EXAMPLE_TRUSTED,
        },
    ],
    check: ({ view, opts }) => {
        const allowed = opts.allowedCommitters ?? S3A_COMMITTERS;
        const out: Finding[] = [];
        const settings = optionSettings(view.hadoop, HADOOP_KEYS.committerName);
        const global = settings.find((s) => s.bucket === undefined);
        const fix = `set spark.hadoop.${HADOOP_KEYS.committerName} to one of ${allowed.join(", ")}`;
        if (!global && view.keysKnown) {
            out.push(
                finding(
                    `spark.hadoop.${HADOOP_KEYS.committerName} is not set, so Hadoop uses the classic "${CLASSIC_COMMITTER}" rename committer, which is slow and unsafe on S3: ${fix} (for example "directory").${magicDefaultNote(view)}`,
                    sh(HADOOP_KEYS.committerName),
                ),
            );
        }
        for (const s of settings) {
            if (isUnknown(s.value) || allowed.includes(s.value)) continue;
            const what = s.value === CLASSIC_COMMITTER ? `the classic "${CLASSIC_COMMITTER}" rename committer` : `"${s.value}"`;
            const byDefault = view.defaulted.has(sh(s.key))
                ? ` (Spark ${view.sparkVersion} selects it by default when spark-hadoop-cloud is on the classpath)`
                : "";
            out.push(
                finding(
                    `spark.hadoop.${s.key}=${s.value} selects ${what}${s.bucket ? ` for bucket ${s.bucket}` : ""}${byDefault}, which is not an allowed S3A committer: ${fix}.`,
                    sh(s.key),
                ),
            );
        }
        const protocol = view.conf[SPARK_KEYS.commitProtocolClass];
        if (!isUnknown(protocol) && protocol !== CLASSES.pathOutputCommitProtocol && (protocol !== undefined || view.keysKnown)) {
            out.push(
                finding(
                    `${SPARK_KEYS.commitProtocolClass} is ${protocol ?? "not set"}: set it to ${CLASSES.pathOutputCommitProtocol}, or Spark never asks the S3A committer factory.`,
                    SPARK_KEYS.commitProtocolClass,
                ),
            );
        }
        const parquet = view.conf[SPARK_KEYS.parquetCommitterClass];
        if (!isUnknown(parquet) && parquet !== CLASSES.bindingParquetOutputCommitter && (parquet !== undefined || view.keysKnown)) {
            out.push(
                finding(
                    `${SPARK_KEYS.parquetCommitterClass} is ${parquet ?? "not set"}: set it to ${CLASSES.bindingParquetOutputCommitter}, or Parquet writes use the classic committer.`,
                    SPARK_KEYS.parquetCommitterClass,
                ),
            );
        }
        return out;
    },
});
