import {
    ARTICLE_WRONG_STAGING_KEY,
    HADOOP_KEYS,
    HADOOP_KEY_SETS,
    PER_BUCKET_PREFIX,
    SPARK_HADOOP_PREFIX,
    isS3AOption,
    keySetsAround,
    s3aKeyNames,
    type HadoopKeySet,
} from "../s3a/facts";
import { perBucketReadings } from "../s3a/conf";
import { editDistance, suggestOption } from "../s3a/suggest";
import type { JobView } from "../s3a/job";
import { finding, jobRule, type Finding } from "./rule";
import { goodConf, sparkApp } from "./examples";

/** The key lists a job's keys are checked against, and how to name them in a message. */
function keyLists(view: JobView): { sets: readonly HadoopKeySet[]; where: string } {
    const basis = view.hadoopVersion ?? (view.standing?.kind === "newer" ? view.keySet : undefined);
    if (!basis) {
        // Spark version unknown (preview), unset or not a release: only what no Hadoop release knows is certain.
        return { sets: HADOOP_KEY_SETS, where: `any Hadoop release the pack knows (${HADOOP_KEY_SETS.join(", ")})` };
    }
    const sets = view.hadoopVersion ? keySetsAround(view.hadoopVersion) : [view.keySet];
    const whose =
        view.hadoopFrom === "image"
            ? ` (the image's, as the policy's imageHadoop says)`
            : view.release
              ? ` (Spark ${view.release.spark})`
              : ` (the newest list the pack holds; Spark ${view.sparkVersion} is newer than its facts)`;
    const held =
        sets.length === 1 && sets[0] === basis ? "" : `; the pack holds no list of ${basis} and checked against ${sets.join(" and ")}`;
    return { sets, where: `Hadoop ${basis}${whose}${held}` };
}

/** The option a key most likely meant, per-bucket keys as fs.s3a.bucket.<bucket>.<option>. */
function suggestion(key: string, known: ReadonlySet<string>): string | undefined {
    if (key === ARTICLE_WRONG_STAGING_KEY) return HADOOP_KEYS.stagingTmpPath;
    if (key.startsWith(PER_BUCKET_PREFIX)) {
        let best: { name: string; d: number } | undefined;
        for (const r of perBucketReadings(key)) {
            const s = suggestOption(r.generic, known);
            const d = s ? editDistance(r.generic, s) : Infinity;
            if (s && (!best || d < best.d)) best = { name: `${PER_BUCKET_PREFIX}${r.bucket}.${s.slice("fs.s3a.".length)}`, d };
        }
        if (best) return best.name;
    }
    return suggestOption(key, known);
}

/**
 * Hadoop reads the options it knows and ignores every other fs.s3a.* key without a word, so a
 * misspelled or misplaced key silently leaves the default in force (S3AFileSystem and its
 * Constants; per-bucket keys fs.s3a.bucket.<b>.<option> are copied onto <option> by
 * S3AUtils.propagateBucketOptions). The lists are derived from each release's own sources
 * (policy/tools/s3a-keys.ts).
 */
export const knownKeys = jobRule({
    kind: "job",
    name: "s3a-known-keys",
    level: "mandatory",
    jobs: "s3a",
    description: "Every fs.s3a.* key is an option of the job's Hadoop version (unknown keys are silently ignored by Hadoop).",
    firesOn:
        "an `fs.s3a.*` key (or per-bucket key) that the job's Hadoop does not have: its Spark release's, or the image's as the `imageHadoop` option says; with the key it most likely meant (a typo, a segment too many or too few, per bucket too)",
    why: "Hadoop ignores unknown fs.s3a.* keys without a warning, so the setting the job relies on (a staging path, a committer, a read policy) is silently not applied.",
    options: ["imageHadoop"],
    // It reads key names, not values: only an unknown sparkConf or hadoopConf as a whole hides keys from it.
    reads: { spec: [/^spec\.sparkVersion$/, /^spec\.(image|driver\.image|executor\.image)$/] },
    examples: [
        {
            title: "the experimental read policy without its experimental segment",
            resources: [sparkApp({ sparkConf: goodConf({ "spark.hadoop.fs.s3a.input.fadvise": "random" }) })],
            fires: true,
        },
        {
            title: "a typo in a per-bucket key",
            resources: [sparkApp({ sparkConf: goodConf({ "spark.hadoop.fs.s3a.bucket.lake.multipart.sise": "128M" }) })],
            fires: true,
        },
        {
            title: "a Hadoop 3.4 key on a Spark 3.5 image that carries Hadoop 3.4.1",
            resources: [
                sparkApp({
                    sparkVersion: "3.5.3",
                    image: "registry.example.com/platform/spark:3.5.3-hadoop3.4.1",
                    sparkConf: goodConf({
                        "spark.hadoop.fs.s3a.aws.credentials.provider.mapping":
                            "com.amazonaws.auth.WebIdentityTokenCredentialsProvider=software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider",
                    }),
                }),
            ],
            fires: false,
            options: { imageHadoop: ["registry.example.com/platform/spark:3.5.3-hadoop3.4.1=3.4.1"] },
        },
    ],
    check: ({ view }) => {
        const out: Finding[] = [];
        const { sets, where } = keyLists(view);
        const isOption = (k: string) => sets.some((s) => isS3AOption(k, s));
        const known = new Set(sets.flatMap((s) => [...s3aKeyNames(s)]));
        for (const key of Object.keys(view.hadoop).sort()) {
            if (!key.startsWith("fs.s3a.") || view.defaulted.has(SPARK_HADOOP_PREFIX + key) || isOption(key)) continue;
            if (perBucketReadings(key).some((r) => isOption(r.generic))) continue;
            const meant = suggestion(key, known);
            const elsewhere = HADOOP_KEY_SETS.filter(
                (s) => isS3AOption(key, s) || perBucketReadings(key).some((r) => isS3AOption(r.generic, s)),
            );
            const imageHint =
                elsewhere.length > 0 && view.hadoopFrom === "release"
                    ? " If the job's image carries another Hadoop than its Spark release, say so in the policy's imageHadoop option."
                    : "";
            out.push(
                finding(
                    `spark.hadoop.${key} is not an S3A option of ${where}; Hadoop silently ignores it.${elsewhere.length ? ` It is an option of Hadoop ${elsewhere.join(", ")}.${imageHint}` : ""}${meant ? ` Did you mean spark.hadoop.${meant}?` : ""}`,
                    SPARK_HADOOP_PREFIX + key,
                ),
            );
        }
        return out;
    },
});
