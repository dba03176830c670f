/**
 * The pack's checks as plain functions, for code that wants them without Pulumi: the Pulumi
 * program validates a stack's sparkConf overrides with checkSparkConf, tests and tools check a
 * SparkApplication or a set of resources. The rules themselves live in ../rules, one module each.
 */
import { RULES } from "../rules";
import type { EnforcementLevel, JobRule, Violation } from "../rules/rule";
import { committerRequired } from "../rules/committer-required";
import { stagingOnSharedVolume } from "../rules/staging-on-shared-volume";
import { knownKeys } from "../rules/known-keys";
import { noLiteralCredentials, credentialsInConf } from "../rules/no-literal-credentials";
import { committerJars } from "../rules/committer-jars";
import { sparkVersionAllowed } from "../rules/spark-version-allowed";
import { tlsRequired } from "../rules/tls-required";
import { thirdPartyEndpoint } from "../rules/third-party-endpoint";
import { committerConsistency } from "../rules/committer-consistency";
import { jarDelivery } from "../rules/jar-delivery";
import { sparkVersionKnown } from "../rules/spark-version-known";
import { bufferDirLocal } from "../rules/buffer-dir-local";
import { concurrentWriters } from "../rules/concurrent-writers";
import { committerApplicability } from "../rules/committer-applicability";
import { previewCoverage } from "../rules/preview-coverage";
import { bucketAbortsIncompleteUploads } from "../rules/bucket-aborts-incomplete-uploads";
import type { CheckOptions } from "./options";
import { jobFindings, runRules } from "./run";
import { SPARK_APPLICATION_TYPE, sparkJob, type StackResource } from "./resources";

export type { CheckOptions } from "./options";
export type { EnforcementLevel, Violation } from "../rules/rule";

/** Policy names by a short name (the names themselves are each rule's own). */
export const POLICY = {
    committer: committerRequired.name,
    staging: stagingOnSharedVolume.name,
    knownKeys: knownKeys.name,
    credentials: noLiteralCredentials.name,
    jars: committerJars.name,
    versionAllowed: sparkVersionAllowed.name,
    tls: tlsRequired.name,
    thirdParty: thirdPartyEndpoint.name,
    consistency: committerConsistency.name,
    jarDelivery: jarDelivery.name,
    versionKnown: sparkVersionKnown.name,
    bufferDir: bufferDirLocal.name,
    concurrentWriters: concurrentWriters.name,
    applicability: committerApplicability.name,
    previewCoverage: previewCoverage.name,
    bucketLifecycle: bucketAbortsIncompleteUploads.name,
} as const;
export type PolicyName = (typeof POLICY)[keyof typeof POLICY];

/** Each policy's default level (a pack config can change it). */
export const POLICY_LEVEL: Readonly<Record<string, EnforcementLevel>> = Object.fromEntries(RULES.map((r) => [r.name, r.level]));

const fakeResource = (props: unknown): StackResource => ({
    type: SPARK_APPLICATION_TYPE,
    urn: "job",
    name: "job",
    props: props as Record<string, unknown>,
});

/** One job rule on one SparkApplication (claims and image Hadoop from opts). */
function onJob(rule: JobRule, props: unknown, opts: CheckOptions): Violation[] {
    const job = sparkJob(fakeResource(props), { imageHadoop: opts.imageHadoop });
    return jobFindings(rule, job, opts, RULES).map((f) => ({ ...f, policy: rule.name }));
}

/**
 * The conf-only checks: what a sparkConf alone can get wrong (the program validates a stack's
 * sparkConf overrides with it): committer, known keys, credentials in the conf, TLS, third-party
 * endpoint, consistency. The conf is judged as a job's that commits files to s3a://.
 */
export function checkSparkConf(conf: Record<string, string>, sparkVersion: string, opts: CheckOptions = {}): Violation[] {
    const props = { spec: { sparkVersion, sparkConf: conf, arguments: ["--output", "s3a://stack-config/check"] } };
    return [
        ...onJob(committerRequired, props, opts),
        ...onJob(knownKeys, props, opts),
        ...credentialsInConf(conf).map((f) => ({ ...f, policy: noLiteralCredentials.name })),
        ...onJob(tlsRequired, props, opts),
        ...onJob(thirdPartyEndpoint, props, opts),
        ...onJob(committerConsistency, props, opts),
    ];
}

/** Every job rule on one SparkApplication, the staging and buffer checks included (claims from opts). */
export function checkSparkApplication(props: unknown, opts: CheckOptions = {}): Violation[] {
    return RULES.flatMap((r) => (r.kind === "job" ? onJob(r, props, opts) : []));
}

/** Every rule over a set of resources, with the same options for all (tests and tools). */
export function checkStack(resources: readonly StackResource[], opts: CheckOptions = {}): (Violation & { urn: string })[] {
    return runRules(resources, RULES, { level: (r) => r.level, options: () => opts }).map((f) => ({
        message: f.message,
        key: f.key,
        urn: f.urn,
        policy: f.rule.name,
    }));
}
