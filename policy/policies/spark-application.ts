/**
 * The rules (../s3a/rules) as Pulumi policies: a job rule becomes a resource policy on
 * SparkApplications and ScheduledSparkApplications, a stack rule a stack policy. Props are read
 * without @pulumi/policy's unknown-checking proxy, so a value unknown during preview leaves only
 * the checks that need it unchecked (and s3a-preview-coverage says which) instead of throwing.
 */
import type { Policy, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { RULES, appliesTo, type AppRule, type Rule, type StackRule } from "../s3a/rules";
import { jobView } from "../s3a/job";
import { SCHEDULED_SPARK_APPLICATION_TYPE, SPARK_APPLICATION_TYPE, applicationProps, type StackResource } from "../s3a/stack-checks";
import { checkOptions, configSchema } from "./options";

/**
 * The object behind @pulumi/policy's proxy (its proxy.js answers this property with the target),
 * in which unknown values are the engine's sentinels that ../s3a/conf.ts recognises.
 */
export function unproxied<T>(props: T): T {
    const target = props !== null && typeof props === "object" ? (props as Record<string, unknown>)["__getSpecialProxyTarget"] : undefined;
    return (target ?? props) as T;
}

function resourcePolicy(rule: AppRule): ResourceValidationPolicy {
    return {
        name: rule.name,
        description: rule.description,
        enforcementLevel: rule.level,
        configSchema: configSchema(rule.options),
        validateResource: (args, reportViolation) => {
            if (args.type !== SPARK_APPLICATION_TYPE && args.type !== SCHEDULED_SPARK_APPLICATION_TYPE) return;
            const props = applicationProps({ type: args.type, urn: args.urn, name: args.name, props: unproxied(args.props) });
            const view = jobView(props);
            if (!appliesTo(rule, view)) return;
            const opts = checkOptions(rule.options.length ? args.getConfig<Record<string, unknown>>() : {});
            for (const v of rule.check(view, opts)) reportViolation(v.message);
        },
    };
}

function stackPolicy(rule: StackRule): StackValidationPolicy {
    return {
        name: rule.name,
        description: rule.description,
        enforcementLevel: rule.level,
        configSchema: configSchema(rule.options),
        validateStack: (args, reportViolation) => {
            const opts = checkOptions(rule.options.length ? args.getConfig<Record<string, unknown>>() : {});
            for (const v of rule.check(toStackResources(args.resources), opts)) reportViolation(v.message, v.urn);
        },
    };
}

export function toPolicy(rule: Rule): Policy {
    return rule.scope === "app" ? resourcePolicy(rule) : stackPolicy(rule);
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
