import { ARTICLE_WRONG_STAGING_KEY, HADOOP_KEYS, SPARK_HADOOP_PREFIX, isStagingCommitter } from "../s3a/facts";
import { isUnknown, mountsKnown, optionSettings, roleMounts } from "../s3a/conf";
import { claimIsRwx, deepestMount, describeMount, localPathOf, namespaceOf } from "../s3a/volumes";
import { finding, jobRule, type Finding } from "./rule";
import { claim, goodConf, sparkApp } from "./examples";

const sh = (hadoopKey: string) => SPARK_HADOOP_PREFIX + hadoopKey;

/**
 * The staging committers (directory, partitioned) write each task's data to the buffer
 * directory and keep the pending-commit information in fs.s3a.committer.staging.tmp.path, where
 * the driver reads it at job commit (Hadoop's StagingCommitter). Hadoop's default, tmp/staging on
 * the cluster filesystem, is each pod's own disk on Kubernetes: the driver finds nothing to commit
 * and the job succeeds with missing output.
 */
export const stagingOnSharedVolume = jobRule({
    kind: "job",
    name: "s3a-staging-on-shared-volume",
    level: "mandatory",
    jobs: "commits",
    needsStack: true,
    description:
        "The directory and partitioned committers keep fs.s3a.committer.staging.tmp.path on a ReadWriteMany volume mounted at the same path in driver and executors.",
    firesOn:
        "`directory`/`partitioned` committer whose `fs.s3a.committer.staging.tmp.path` is unset, relative, not mounted in driver and executors at the same path, or on a claim that is not ReadWriteMany (claims come from the stack, the manifests given to `check`, or `sharedClaims`)",
    why: "The driver commits what the tasks left in the staging directory. On a pod's own disk it finds nothing from the executors, and the job succeeds with files missing from its output.",
    options: ["sharedClaims"],
    reads: {
        hadoop: [HADOOP_KEYS.committerName, HADOOP_KEYS.magicEnabled, HADOOP_KEYS.stagingTmpPath],
        conf: [/^spark\.kubernetes\.(driver|executor)\.volumes\./],
        spec: [/^spec\.(image|driver|executor)$/, /^spec\.(volumes|driver\.volumeMounts|executor\.volumeMounts)(\.|\[|$)/],
    },
    examples: [
        {
            title: "staging on the pod's own disk",
            resources: [
                sparkApp({ sparkConf: goodConf({ "spark.hadoop.fs.s3a.committer.staging.tmp.path": "file:///tmp/staging" }) }),
                claim(),
            ],
            fires: true,
        },
        { title: "a ReadWriteOnce staging claim", resources: [sparkApp(), claim("spark-staging", ["ReadWriteOnce"])], fires: true },
        { title: "the staging claim is ReadWriteMany and mounted in driver and executors", resources: [sparkApp(), claim()], fires: false },
    ],
    check: ({ view, opts }) => {
        const { app, conf, hadoop } = view;
        const staging = optionSettings(hadoop, HADOOP_KEYS.committerName).filter((s) => isStagingCommitter(s.value));
        if (staging.length === 0) return [];
        const committer = staging.map((s) => s.value).join("/");
        const paths = optionSettings(hadoop, HADOOP_KEYS.stagingTmpPath);
        const key = sh(HADOOP_KEYS.stagingTmpPath);
        const example = `${key}=file:///staging/committer with a ReadWriteMany PVC mounted at /staging in driver and executors`;
        if (paths.length === 0) {
            if (!view.keysKnown) return [];
            const wrong = ARTICLE_WRONG_STAGING_KEY in hadoop ? ` (${ARTICLE_WRONG_STAGING_KEY} is not a Hadoop key and is ignored)` : "";
            return [
                finding(
                    `the ${committer} committer keeps pending commits in ${key}, which is not set${wrong}: Hadoop then uses tmp/staging on each pod's local disk and the job can succeed with missing output. Set ${example}.`,
                    key,
                ),
            ];
        }
        const out: Finding[] = [];
        const driver = roleMounts(app, conf, "driver");
        const executor = roleMounts(app, conf, "executor");
        const known = { driver: mountsKnown(app, conf, "driver"), executor: mountsKnown(app, conf, "executor") };
        for (const p of paths) {
            if (isUnknown(p.value)) continue;
            const local = localPathOf(p.value);
            if (local === undefined) continue; // a cluster filesystem (hdfs://...): shared by nature
            if (local === "") {
                out.push(
                    finding(`spark.hadoop.${p.key}=${p.value} is a relative path on each pod's local disk: set ${example}.`, sh(p.key)),
                );
                continue;
            }
            const dm = deepestMount(driver, local);
            const em = deepestMount(executor, local);
            if ((!dm && !known.driver) || (!em && !known.executor)) continue; // mounts unknown during preview
            if (!dm || !em) {
                const missing = [!dm ? "the driver" : "", !em ? "the executors" : ""].filter(Boolean).join(" and ");
                out.push(
                    finding(
                        `spark.hadoop.${p.key}=${p.value} is not on a volume mounted in ${missing}: mount the same ReadWriteMany claim at the same path in driver and executors (spark.kubernetes.{driver,executor}.volumes.persistentVolumeClaim.<name>.mount.path).`,
                        sh(p.key),
                    ),
                );
                continue;
            }
            if (isUnknown(dm.claimName) || isUnknown(em.claimName)) continue;
            const sameVolume = dm.mountPath === em.mountPath && dm.kind === em.kind && (dm.kind !== "pvc" || dm.claimName === em.claimName);
            if (!sameVolume) {
                out.push(
                    finding(
                        `spark.hadoop.${p.key}=${p.value}: the driver mounts ${describeMount(dm)} but the executors mount ${describeMount(em)}; both must mount the same ReadWriteMany claim at the same path.`,
                        sh(p.key),
                    ),
                );
                continue;
            }
            const rwx = claimIsRwx(dm, namespaceOf(app), opts);
            if (rwx === false) {
                out.push(
                    finding(
                        `spark.hadoop.${p.key}=${p.value} is on ${describeMount(dm)}, which is not ReadWriteMany: driver and executors on different nodes would not share it. Use a ReadWriteMany (NFS) claim.`,
                        sh(p.key),
                    ),
                );
            } else if (rwx === undefined && !isUnknown(dm.claimName)) {
                out.push(
                    finding(
                        `spark.hadoop.${p.key}=${p.value} is on claim ${dm.claimName}, which is not among the resources checked (the stack, or the manifests given to the check command), so its access mode is unknown: declare the claim there with ReadWriteMany, or list it in the policy's sharedClaims.`,
                        sh(p.key),
                    ),
                );
            }
        }
        return out;
    },
});
