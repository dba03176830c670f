/**
 * Run the pack's real policy objects (policy/policies) the way the engine calls them, without
 * the engine: validateResource per resource, validateStack once, getConfig = the policy's schema
 * defaults merged with the given config (what `--policy-pack-config` does). Props are wrapped in
 * @pulumi/policy's own unknown-checking proxy, as the engine's analyzer does, and a policy that
 * throws its UnknownValueError is recorded the way the engine reports it ("can't run policy ...
 * during preview"), so a test can tell a checked value from a skipped policy.
 */
import { policies, type Policy, type ResourceValidationPolicy, type StackValidationPolicy } from "../../policy/policies";
import type { StackResource } from "../../policy/s3a/resources";
import type { MockResource } from "./stack";

// @pulumi/policy's proxy module (its types are internal): the pack's own copy, as the engine loads it.
const proxy = require("../../policy/node_modules/@pulumi/policy/proxy") as {
    unknownCheckingProxy: <T>(props: T) => T;
    UnknownValueError: new (...args: any[]) => Error;
    unknownStringValue: string;
    unknownArrayValue: string;
    unknownObjectValue: string;
};

/** The sentinels the engine sends for values unknown during preview. */
export const UNKNOWN_STRING = proxy.unknownStringValue;
export const UNKNOWN_ARRAY = proxy.unknownArrayValue;
export const UNKNOWN_OBJECT = proxy.unknownObjectValue;

export interface Reported {
    policy: string;
    message: string;
    level: string;
    urn?: string;
    /** The engine could not run the policy (it threw UnknownValueError). */
    skipped?: boolean;
}

export type PackConfig = Record<string, Record<string, unknown>>;

function configFor(p: Policy, config: PackConfig): Record<string, unknown> {
    const defaults = Object.fromEntries(
        Object.entries(p.configSchema?.properties ?? {}).map(([k, s]) => [k, (s as { default?: unknown }).default]),
    );
    return { ...defaults, ...(config[p.name] ?? {}) };
}

function levelFor(p: Policy, config: PackConfig): string {
    const own = config[p.name]?.enforcementLevel;
    return typeof own === "string" ? own : (p.enforcementLevel ?? "advisory");
}

export function runPack(resources: StackResource[], config: PackConfig = {}): Reported[] {
    const out: Reported[] = [];
    for (const p of policies) {
        const level = levelFor(p, config);
        if (level === "disabled") continue;
        const getConfig = <T extends object>() => configFor(p, config) as T;
        const report = (message: string, urn?: string) => out.push({ policy: p.name, message, level, urn });
        const skipped = (e: unknown, urn?: string) => {
            if (!(e instanceof proxy.UnknownValueError)) throw e;
            out.push({
                policy: p.name,
                message: `can't run policy '${p.name}' during preview: ${e.message}`,
                level: "advisory",
                urn,
                skipped: true,
            });
        };
        if ("validateResource" in p && p.validateResource) {
            const vr = (p as ResourceValidationPolicy).validateResource;
            const fns = (Array.isArray(vr) ? vr : [vr]).filter((f) => f !== undefined);
            for (const r of resources) {
                const args = {
                    type: r.type,
                    props: proxy.unknownCheckingProxy(r.props),
                    urn: r.urn,
                    name: r.name,
                    opts: {},
                    getConfig,
                } as any;
                for (const fn of fns) {
                    try {
                        fn(args, (message: string) => report(message, r.urn));
                    } catch (e) {
                        skipped(e, r.urn);
                    }
                }
            }
        }
        if ("validateStack" in p) {
            const byUrn = new Map(resources.map((r) => [r.urn, r]));
            const policyResources = resources.map((r) => ({
                type: r.type,
                urn: r.urn,
                name: r.name,
                props: proxy.unknownCheckingProxy(r.props),
                propertyDependencies: Object.fromEntries(
                    Object.entries(r.propertyDependencies ?? {}).map(([k, urns]) => [k, urns.map((u) => byUrn.get(u)).filter(Boolean)]),
                ),
            }));
            try {
                (p as StackValidationPolicy).validateStack(
                    { resources: policyResources, getConfig } as any,
                    (message: string, urn?: string) => report(message, urn),
                );
            } catch (e) {
                skipped(e);
            }
        }
    }
    return out;
}

let n = 0;
export function resource(
    type: string,
    props: Record<string, any>,
    name = `r${++n}`,
    propertyDependencies?: Record<string, string[]>,
): StackResource {
    return { type, urn: `urn:pulumi:test::spark-s3::${type}::${name}`, name, props, propertyDependencies };
}

/** Mock-run resources as the engine would show them to the pack. */
export function fromMocks(resources: MockResource[]): StackResource[] {
    return resources.map((r) => ({ type: r.type, urn: `urn:pulumi:test::spark-s3::${r.type}::${r.name}`, name: r.name, props: r.state }));
}

/** Sorted, de-duplicated policy names that fired. */
export function fired(reported: Reported[]): string[] {
    return [...new Set(reported.map((r) => r.policy))].sort();
}

/** Sorted, de-duplicated names of the policies that fired at mandatory level. */
export function firedMandatory(reported: Reported[]): string[] {
    return fired(reported.filter((r) => r.level === "mandatory"));
}
