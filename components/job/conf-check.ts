/**
 * Extra sparkConf (the platform's spark-s3:sparkConf, a job's sparkConf) must not break the
 * committer setup: the policy pack's conf checks run at preview on the conf the additions would
 * produce, and keys the program owns are refused with the field to set instead. The complete
 * SparkApplication is checked again by the pack.
 */
import { POLICY, checkSparkConf } from "../../policy/s3a/checks";
import type { ConflictMode, S3ACommitter } from "../../policy/s3a/facts";
import type { SparkRuntime } from "../../policy/s3a/versions";
import { S3A_BUFFER_PATH, s3aSparkConf } from "../s3a-profile";

/** Keys the program owns, and the field that sets each (named by `field`). */
function ownedPrefixes(field: (name: string) => string): readonly [string, string][] {
    return [
        ["spark.kubernetes.driver.secretKeyRef.", "credentials come from the Kubernetes Secret the program creates"],
        ["spark.kubernetes.executor.secretKeyRef.", "credentials come from the Kubernetes Secret the program creates"],
        ["spark.hadoop.fs.s3a.committer.name", `set ${field("committer")} instead`],
        ["spark.hadoop.fs.s3a.committer.staging.conflict-mode", `set ${field("conflictMode")} instead`],
        ["spark.hadoop.fs.s3a.committer.staging.tmp.path", "it is derived from spark-s3:stagingMountPath"],
        ["spark.hadoop.fs.s3a.endpoint", "it comes from the object store"],
        ["spark.jars.packages", `list them in ${field("packages")} (they are added to the committer jars)`],
        ["spark.jars", `list them in ${field("jars")} (they are added to the committer jars)`],
    ];
}

export interface ConfCheckContext {
    readonly runtime: SparkRuntime;
    readonly committer: S3ACommitter;
    readonly conflictMode: ConflictMode;
    readonly stagingMountPath: string;
    readonly s3Region: string;
    /** How a field that replaces an owned key is named: "spark-s3:committer", "jobs.nightly.committer". */
    readonly field: (name: string) => string;
}

/** What is wrong with these additions (each message names the key and the rule). */
export function overrideProblems(overrides: Readonly<Record<string, string>>, ctx: ConfCheckContext): string[] {
    const out: string[] = [];
    for (const key of Object.keys(overrides)) {
        const owned = ownedPrefixes(ctx.field).find(([p]) => key === p || (p.endsWith(".") && key.startsWith(p)));
        if (owned) out.push(`${key} is managed by the program: ${owned[1]}`);
    }
    // The profile's own conf with the additions on top. The endpoint is not known yet (the object
    // store computes it), so endpoint checks wait for the pack at preview.
    const base = s3aSparkConf({
        endpoint: { region: ctx.s3Region, pathStyle: false, tls: true },
        committer: ctx.committer,
        conflictMode: ctx.conflictMode,
        runtime: ctx.runtime,
        stagingMountPath: ctx.stagingMountPath,
        bufferDir: S3A_BUFFER_PATH,
    });
    const endpointPolicies: string[] = [POLICY.tls, POLICY.thirdParty];
    for (const violation of checkSparkConf({ ...base, ...overrides }, ctx.runtime.spark)) {
        if (endpointPolicies.includes(violation.policy)) continue;
        out.push(`${violation.message} [${violation.policy}]`);
    }
    return out;
}
