/**
 * Running the rules: a job rule on each job it looks at, its findings routed by what the job
 * writes (s3a/writes.ts); a stack rule once over all resources. The Pulumi policies (policies/),
 * the `check` command (cli/) and the program's own conf validation (checks.ts) all run rules
 * through here, so they report the same findings.
 */
import type { EnforcementLevel, Finding, JobRule, Rule } from "../rules/rule";
import { mentionsS3A } from "./conf";
import type { CheckOptions } from "./options";
import { claimAccessModes, sparkJobs, type SparkJob, type StackResource } from "./resources";

/** Does a job rule look at this job (every job, or the jobs that use S3A)? */
export function looksAt(rule: JobRule, job: Pick<SparkJob, "view">): boolean {
    return rule.jobs === "all" || mentionsS3A(job.view.app, job.view.conf);
}

/** Is a finding of this rule one that matters only where the job commits files to s3a://? */
export const needsCommits = (rule: JobRule, f: Finding) => rule.jobs === "commits" || f.commits === true;

/** A job rule's findings on one job: those that need commits only where the job commits files to s3a://. */
export function jobFindings(rule: JobRule, job: SparkJob, opts: CheckOptions, rules: readonly Rule[]): Finding[] {
    if (!looksAt(rule, job)) return [];
    const found = rule.check({ view: job.view, writes: job.writes, opts, rules });
    return job.writes.kind === "commits" ? found : found.filter((f) => !needsCommits(rule, f));
}

/** The findings a job rule holds back on a job that does not (or may not) commit files to s3a://. */
export function heldBack(rule: JobRule, job: SparkJob, opts: CheckOptions, rules: readonly Rule[]): Finding[] {
    if (job.writes.kind === "commits" || !looksAt(rule, job)) return [];
    return rule.check({ view: job.view, writes: job.writes, opts, rules }).filter((f) => needsCommits(rule, f));
}

/** A rule's findings over a set of resources (a stack, or the manifests given to `check`), each on a resource. */
export function ruleFindings(
    rule: Rule,
    resources: readonly StackResource[],
    opts: CheckOptions,
    rules: readonly Rule[],
    jobs: readonly SparkJob[] = sparkJobs(resources, { imageHadoop: opts.imageHadoop }),
): (Finding & { urn: string })[] {
    const withClaims = { ...opts, claimAccessModes: opts.claimAccessModes ?? claimAccessModes(resources) };
    if (rule.kind === "stack") return rule.check({ resources, jobs, opts: withClaims, rules });
    return jobs.flatMap((job) => jobFindings(rule, job, withClaims, rules).map((f) => ({ ...f, urn: job.resource.urn })));
}

export interface RunConfig {
    readonly level: (rule: Rule) => EnforcementLevel | "disabled";
    readonly options: (rule: Rule) => CheckOptions;
}

export interface RunFinding extends Finding {
    readonly urn: string;
    readonly rule: Rule;
    readonly level: EnforcementLevel;
}

/** Every enabled rule over the resources, at the level the config gives it. */
export function runRules(resources: readonly StackResource[], rules: readonly Rule[], config: RunConfig): RunFinding[] {
    const claims = claimAccessModes(resources);
    const jobsByOptions = new Map<string, SparkJob[]>();
    const out: RunFinding[] = [];
    for (const rule of rules) {
        const level = config.level(rule);
        if (level === "disabled") continue;
        const opts = config.options(rule);
        const key = JSON.stringify(opts.imageHadoop ?? []);
        if (!jobsByOptions.has(key)) jobsByOptions.set(key, sparkJobs(resources, { imageHadoop: opts.imageHadoop }));
        for (const f of ruleFindings(rule, resources, { ...opts, claimAccessModes: claims }, rules, jobsByOptions.get(key)))
            out.push({ ...f, rule, level });
    }
    return out;
}
