/**
 * What a rule is: one guardrail of the pack, with everything about it in its own file under
 * rules/ (name, level, what it checks, why, examples, the check), the way pulumi-policy-aws keeps
 * one policy per exported constant. rules/index.ts only assembles them; the Pulumi policies
 * (policies/), the `check` command (cli/), the docs (tools/rule-docs.ts) and the tests are all
 * built from that list.
 */
import type { CheckOptions, OptionName } from "../s3a/options";
import type { JobView } from "../s3a/job";
import type { WritesJudgement } from "../s3a/writes";
import type { SparkJob, StackResource } from "../s3a/resources";

export type EnforcementLevel = "mandatory" | "advisory";

/** One problem a rule found. */
export interface Finding {
    readonly message: string;
    /** The configuration key or field it is about (spark.jars.packages, spec.sparkVersion, ...). */
    readonly key?: string;
    /** The resource it is about (stack rules; job rules report on their job). */
    readonly urn?: string;
    /**
     * Matters only where the job commits files to s3a:// through Hadoop's output committers: on a
     * job that does not, it is dropped; where that cannot be told, s3a-committer-applicability
     * reports it as advice. Every finding of a rule whose `jobs` is "commits" is such a finding.
     */
    readonly commits?: boolean;
}

/** A finding with the rule it came from. */
export interface Violation extends Finding {
    readonly policy: string;
}

/** What a job rule sees. */
export interface JobContext {
    readonly view: JobView;
    readonly writes: WritesJudgement;
    readonly opts: CheckOptions;
    /** Every rule of the pack (for rules that report on others: preview coverage, applicability). */
    readonly rules: readonly Rule[];
}

/** What a stack rule sees. */
export interface StackContext {
    readonly resources: readonly StackResource[];
    /** The stack's Spark jobs: SparkApplications and the templates of ScheduledSparkApplications. */
    readonly jobs: readonly SparkJob[];
    readonly opts: CheckOptions;
    readonly rules: readonly Rule[];
}

/** Which parts of a SparkApplication a rule reads, so that preview coverage can say which rules could not see an unknown value. */
export interface Reads {
    /** Generic fs.s3a.* options (their per-bucket forms count too). */
    readonly hadoop?: readonly string[];
    /** sparkConf keys, exact or by pattern (hadoopConf keys are read as spark.hadoop.<key>). */
    readonly conf?: readonly (string | RegExp)[];
    /** Paths of the SparkApplication, as conf.withUnknowns names them (spec.sparkVersion, spec.deps.jars[0]...). */
    readonly spec?: readonly RegExp[];
    /** What the job writes (s3a/writes.ts: arguments, env, location conf, annotations); implied by `jobs: "commits"`. */
    readonly writes?: boolean;
}

/** An example for the docs, and a test: the rule fires on it, or it does not. */
export interface RuleExample {
    readonly title: string;
    /** Kubernetes objects (SparkApplication, ScheduledSparkApplication, PersistentVolumeClaim) or Pulumi resources ({ type, props }). */
    readonly resources: readonly ExampleResource[];
    readonly fires: boolean;
    /** Options for the rule (its own config, as in a pack config file). */
    readonly options?: Partial<Record<OptionName, readonly string[]>>;
}

export interface ExampleResource {
    /** A Pulumi type token; omitted for Kubernetes objects (the type comes from apiVersion and kind). */
    readonly type?: string;
    readonly props: Record<string, unknown>;
}

interface RuleBase<N extends string> {
    /** kebab-case, as the Pulumi policy and in config files. */
    readonly name: N;
    /** Default level (a pack config can change it). */
    readonly level: EnforcementLevel;
    /** One sentence: what it checks (the Pulumi policy's description). */
    readonly description: string;
    /** When it fires, for the docs (markdown). */
    readonly firesOn: string;
    /** Why it matters: what goes wrong at runtime without it (markdown). */
    readonly why: string;
    /** The pack config options it takes. */
    readonly options: readonly OptionName[];
    readonly examples: readonly RuleExample[];
}

/** A check of one Spark job (a SparkApplication, or a ScheduledSparkApplication's template). */
export interface JobRule<N extends string = string> extends RuleBase<N> {
    readonly kind: "job";
    /**
     * Which jobs it looks at: all of them, those that use S3A, or those that commit files to
     * s3a:// through Hadoop's committers (on jobs where that cannot be told, its findings are
     * reported by s3a-committer-applicability as advice).
     */
    readonly jobs: "all" | "s3a" | "commits";
    /** It needs the other resources of the stack (claims): a stack policy in Pulumi. */
    readonly needsStack?: boolean;
    readonly reads: Reads;
    readonly check: (job: JobContext) => Finding[];
}

/** A check over all resources together (other jobs, buckets). */
export interface StackRule<N extends string = string> extends RuleBase<N> {
    readonly kind: "stack";
    /** What it reads of each job, when it reads jobs (for preview coverage). */
    readonly reads?: Reads;
    readonly check: (stack: StackContext) => (Finding & { readonly urn: string })[];
}

export type Rule = JobRule | StackRule;

/** Define a job rule (the identity, for its types). */
export const jobRule = <N extends string>(rule: JobRule<N>): JobRule<N> => rule;
/** Define a stack rule (the identity, for its types). */
export const stackRule = <N extends string>(rule: StackRule<N>): StackRule<N> => rule;

/** A finding, without an empty key. */
export const finding = (message: string, key?: string, extra: Partial<Finding> = {}): Finding =>
    key ? { message, key, ...extra } : { message, ...extra };
