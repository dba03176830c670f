/**
 * The rules (../rules) as Pulumi policies: a job rule becomes a resource policy on
 * SparkApplications and ScheduledSparkApplications (a stack policy when it needs the stack's
 * claims), a stack rule a stack policy. Props are read without @pulumi/policy's unknown-checking
 * proxy, so a value unknown during preview leaves only the checks that need it unchecked (and
 * s3a-preview-coverage says which) instead of throwing.
 */
import type { Policy, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { RULES } from "../rules";
import type { JobRule, Rule } from "../rules/rule";
import { jobFindings, ruleFindings } from "../s3a/run";
import { isSparkJob, sparkJob, type StackResource } from "../s3a/resources";
import { checkOptions, configSchema } from "./options";

/**
 * The object behind @pulumi/policy's proxy (its proxy.js answers this property with the target),
 * in which unknown values are the engine's sentinels that ../s3a/conf.ts recognises.
 */
export function unproxied<T>(props: T): T {
    const target = props !== null && typeof props === "object" ? (props as Record<string, unknown>)["__getSpecialProxyTarget"] : undefined;
    return (target ?? props) as T;
}

const optionsOf = (rule: Rule, getConfig: <T extends object>() => T) =>
    checkOptions(rule.options.length ? getConfig<Record<string, unknown>>() : {});

function resourcePolicy(rule: JobRule): ResourceValidationPolicy {
    return {
        name: rule.name,
        description: rule.description,
        enforcementLevel: rule.level,
        configSchema: configSchema(rule.options),
        validateResource: (args, reportViolation) => {
            if (!isSparkJob(args)) return;
            const opts = optionsOf(rule, args.getConfig);
            const job = sparkJob(
                { type: args.type, urn: args.urn, name: args.name, props: unproxied(args.props) },
                { imageHadoop: opts.imageHadoop },
            );
            for (const f of jobFindings(rule, job, opts, RULES)) reportViolation(f.message);
        },
    };
}

function stackPolicy(rule: Rule): StackValidationPolicy {
    return {
        name: rule.name,
        description: rule.description,
        enforcementLevel: rule.level,
        configSchema: configSchema(rule.options),
        validateStack: (args, reportViolation) => {
            const opts = optionsOf(rule, args.getConfig);
            for (const f of ruleFindings(rule, toStackResources(args.resources), opts, RULES)) reportViolation(f.message, f.urn);
        },
    };
}

export function toPolicy(rule: Rule): Policy {
    return rule.kind === "job" && !rule.needsStack ? resourcePolicy(rule) : stackPolicy(rule);
}

/** Adapt the engine's resources to the checks' StackResource. */
export function toStackResources(
    resources: readonly {
        type: string;
        urn: string;
        name: string;
        props: StackResource["props"];
        propertyDependencies?: Record<string, { urn: string }[]>;
    }[],
): StackResource[] {
    return resources.map((r) => ({
        type: r.type,
        urn: r.urn,
        name: r.name,
        props: unproxied(r.props),
        propertyDependencies: Object.fromEntries(
            Object.entries(r.propertyDependencies ?? {}).map(([k, deps]) => [k, deps.map((d) => d.urn)]),
        ),
    }));
}

export const sparkPolicies: Policy[] = RULES.map(toPolicy);
