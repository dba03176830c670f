import { CLASSIC_COMMITTER, CONFLICT_MODES, HADOOP_KEYS, SPARK_HADOOP_PREFIX, SPARK_KEYS, isStagingCommitter } from "../s3a/facts";
import { isUnknown, optionSettings } from "../s3a/conf";
import { finding, jobRule, type Finding } from "./rule";
import { goodConf, sparkApp } from "./examples";

const sh = (k: string) => SPARK_HADOOP_PREFIX + k;

/**
 * Settings that contradict each other: the magic committer needs fs.s3a.committer.magic.enabled
 * (MagicS3GuardCommitter refuses to run without it); the staging committers decide what happens
 * to existing output by their conflict mode (StagingCommitter, default fail, which makes a rerun
 * fail); no S3A committer supports dynamic partition overwrite (PathOutputCommitProtocol rejects
 * it unless the committer declares the capability, which the S3A ones do not).
 */
export const committerConsistency = jobRule({
    kind: "job",
    name: "s3a-committer-consistency",
    level: "advisory",
    jobs: "commits",
    description:
        "Committer settings agree: magic is enabled when selected, staging committers state their conflict mode, no dynamic partition overwrite.",
    firesOn:
        "`magic` with `fs.s3a.committer.magic.enabled=false`; staging committers without a conflict mode; `partitionOverwriteMode=dynamic`",
    why: "Each of these fails the job at commit, or makes what happens to existing output a surprise (the staging committers' default conflict mode, fail, fails every rerun).",
    options: [],
    reads: {
        hadoop: [HADOOP_KEYS.committerName, HADOOP_KEYS.magicEnabled, HADOOP_KEYS.conflictMode],
        conf: [SPARK_KEYS.partitionOverwriteMode],
    },
    examples: [
        {
            title: "a staging committer without a conflict mode",
            resources: [sparkApp({ sparkConf: goodConf({ "spark.hadoop.fs.s3a.committer.staging.conflict-mode": undefined }) })],
            fires: true,
        },
        {
            title: "dynamic partition overwrite",
            resources: [sparkApp({ sparkConf: goodConf({ "spark.sql.sources.partitionOverwriteMode": "dynamic" }) })],
            fires: true,
        },
        { title: "the directory committer appending", resources: [sparkApp()], fires: false },
    ],
    check: ({ view }) => {
        const { hadoop, conf } = view;
        const out: Finding[] = [];
        const committers = optionSettings(hadoop, HADOOP_KEYS.committerName);
        const magicOff = optionSettings(hadoop, HADOOP_KEYS.magicEnabled).filter((s) => s.value.trim().toLowerCase() === "false");
        for (const c of committers.filter((c) => c.value === "magic")) {
            const off = magicOff.find((m) => m.bucket === undefined || m.bucket === c.bucket);
            if (off) {
                out.push(
                    finding(
                        `spark.hadoop.${c.key}=magic but spark.hadoop.${off.key}=false: the magic committer cannot run; remove the latter or choose the directory committer.`,
                        sh(off.key),
                    ),
                );
            }
        }
        const conflict = optionSettings(hadoop, HADOOP_KEYS.conflictMode);
        for (const c of committers.filter((c) => isStagingCommitter(c.value))) {
            const mode = conflict.find((m) => m.bucket === c.bucket) ?? conflict.find((m) => m.bucket === undefined);
            if (!mode) {
                if (!view.keysKnown) continue;
                out.push(
                    finding(
                        `spark.hadoop.${c.key}=${c.value} without spark.hadoop.${HADOOP_KEYS.conflictMode}: state what happens to existing output (fail, append or replace), for example append.`,
                        sh(HADOOP_KEYS.conflictMode),
                    ),
                );
            } else if (!isUnknown(mode.value) && !(CONFLICT_MODES as readonly string[]).includes(mode.value.trim().toLowerCase())) {
                out.push(finding(`spark.hadoop.${mode.key}=${mode.value} is not one of ${CONFLICT_MODES.join(", ")}.`, sh(mode.key)));
            }
        }
        const s3aInUse = committers.some((c) => c.value !== CLASSIC_COMMITTER && !isUnknown(c.value));
        if (s3aInUse && (conf[SPARK_KEYS.partitionOverwriteMode] ?? "").trim().toLowerCase() === "dynamic") {
            out.push(
                finding(
                    `${SPARK_KEYS.partitionOverwriteMode}=dynamic is not supported by any S3A committer: use static overwrite, or write each partition to its own path.`,
                    SPARK_KEYS.partitionOverwriteMode,
                ),
            );
        }
        return out;
    },
});
