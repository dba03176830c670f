import { HADOOP_KEYS, SPARK_HADOOP_PREFIX } from "../s3a/facts";
import { isKnown, isUnknown, optionSettings, roleMounts } from "../s3a/conf";
import { claimIsRwx, deepestMount, describeMount, localPathOf, namespaceOf } from "../s3a/volumes";
import { finding, jobRule, type Finding } from "./rule";
import { claim, goodConf, sparkApp } from "./examples";

/**
 * fs.s3a.buffer.dir on shared storage: with fs.s3a.fast.upload.buffer=disk (the default) every
 * block S3A uploads is written there first and read back for the upload, so on NFS each byte
 * crosses the network twice before it reaches S3. Hadoop's default
 * (${env.LOCAL_DIRS:-${hadoop.tmp.dir}}/s3a, core-default.xml) is pod-local.
 */
export const bufferDirLocal = jobRule({
    kind: "job",
    name: "s3a-buffer-dir-local",
    level: "advisory",
    jobs: "s3a",
    needsStack: true,
    description:
        "fs.s3a.buffer.dir is on pod-local disk, not on the shared staging claim or another ReadWriteMany volume (I/O over NFS twice).",
    firesOn: "`fs.s3a.buffer.dir` on the staging claim or another ReadWriteMany/NFS volume",
    why: "S3A writes every block it uploads to the buffer directory and reads it back for the upload; on NFS each byte crosses the network twice before it reaches S3. Only the staging directory must be shared.",
    options: ["sharedClaims"],
    reads: {
        hadoop: [HADOOP_KEYS.bufferDir, HADOOP_KEYS.stagingTmpPath],
        conf: [/^spark\.kubernetes\.(driver|executor)\.volumes\./],
        spec: [/^spec\.(image|driver|executor)$/, /^spec\.(volumes|driver\.volumeMounts|executor\.volumeMounts)(\.|\[|$)/],
    },
    examples: [
        {
            title: "the buffer on the staging claim",
            resources: [sparkApp({ sparkConf: goodConf({ "spark.hadoop.fs.s3a.buffer.dir": "/staging/buffer" }) }), claim()],
            fires: true,
        },
        {
            title: "the buffer on an emptyDir",
            resources: [
                sparkApp({
                    sparkConf: goodConf({
                        "spark.hadoop.fs.s3a.buffer.dir": "/s3a-buffer",
                        "spark.kubernetes.driver.volumes.emptyDir.buffer.mount.path": "/s3a-buffer",
                        "spark.kubernetes.executor.volumes.emptyDir.buffer.mount.path": "/s3a-buffer",
                    }),
                }),
                claim(),
            ],
            fires: false,
        },
    ],
    check: ({ view, opts }) => {
        const { app, conf, hadoop } = view;
        const out: Finding[] = [];
        const stagingPath = optionSettings(hadoop, HADOOP_KEYS.stagingTmpPath)
            .map((s) => (isKnown(s.value) ? localPathOf(s.value) : undefined))
            .find((p): p is string => !!p);
        for (const s of optionSettings(hadoop, HADOOP_KEYS.bufferDir)) {
            if (isUnknown(s.value)) continue;
            const shared = new Map<string, string[]>();
            for (const dir of s.value.split(",").map((d) => d.trim())) {
                if (!dir || dir.includes("${")) continue;
                const local = localPathOf(dir);
                if (!local) continue;
                for (const role of ["driver", "executor"] as const) {
                    const mounts = roleMounts(app, conf, role);
                    const m = deepestMount(mounts, local);
                    if (!m || isUnknown(m.claimName)) continue;
                    const stagingMount = stagingPath ? deepestMount(mounts, stagingPath) : undefined;
                    const onStagingClaim = !!stagingMount && stagingMount.kind === m.kind && stagingMount.volume === m.volume;
                    const rwx = claimIsRwx(m, namespaceOf(app), opts) === true;
                    if (!onStagingClaim && !rwx) continue;
                    const what = onStagingClaim
                        ? `the shared staging volume (${describeMount(m)})`
                        : `shared storage (${describeMount(m)}, ReadWriteMany)`;
                    shared.set(what, [...(shared.get(what) ?? []), role === "driver" ? "driver" : "executors"]);
                }
            }
            for (const [what, roles] of shared) {
                out.push(
                    finding(
                        `spark.hadoop.${s.key}=${s.value} is on ${what} in the ${[...new Set(roles)].join(" and ")}: S3A writes every block it uploads there and reads it back, so each byte crosses NFS twice before it reaches S3. Keep the buffer on pod-local disk: an emptyDir (spark.kubernetes.{driver,executor}.volumes.emptyDir.<name>.mount.path=/s3a-buffer and spark.hadoop.${HADOOP_KEYS.bufferDir}=/s3a-buffer), or leave it unset for Hadoop's pod-local default; only ${HADOOP_KEYS.stagingTmpPath} must be shared.`,
                        SPARK_HADOOP_PREFIX + s.key,
                    ),
                );
            }
        }
        return out;
    },
});
