/**
 * Run the pack's real policy objects (policy/policies) the way the engine calls them, without
 * the engine: validateResource per resource, validateStack once, getConfig = the policy's schema
 * defaults merged with the given config (what `--policy-pack-config` does).
 */
import { policies, type Policy, type ResourceValidationPolicy, type StackValidationPolicy } from "../../policy/policies";
import type { StackResource } from "../../policy/s3a/stack-checks";
import type { MockResource } from "./stack";

export interface Reported {
    policy: string;
    message: string;
    urn?: string;
}

export type PackConfig = Record<string, Record<string, unknown>>;

function configFor(p: Policy, config: PackConfig): Record<string, unknown> {
    const defaults = Object.fromEntries(
        Object.entries(p.configSchema?.properties ?? {}).map(([k, s]) => [k, (s as { default?: unknown }).default]),
    );
    return { ...defaults, ...(config[p.name] ?? {}) };
}

export function runPack(resources: StackResource[], config: PackConfig = {}): Reported[] {
    const out: Reported[] = [];
    for (const p of policies) {
        const getConfig = <T extends object>() => configFor(p, config) as T;
        if ("validateResource" in p && p.validateResource) {
            const vr = (p as ResourceValidationPolicy).validateResource;
            const fns = (Array.isArray(vr) ? vr : [vr]).filter((f) => f !== undefined);
            for (const r of resources) {
                const args = { type: r.type, props: r.props, urn: r.urn, name: r.name, opts: {}, getConfig } as any;
                for (const fn of fns) fn(args, (message: string) => out.push({ policy: p.name, message, urn: r.urn }));
            }
        }
        if ("validateStack" in p) {
            const byUrn = new Map(resources.map((r) => [r.urn, r]));
            const policyResources = resources.map((r) => ({
                type: r.type,
                urn: r.urn,
                name: r.name,
                props: r.props,
                propertyDependencies: Object.fromEntries(
                    Object.entries(r.propertyDependencies ?? {}).map(([k, urns]) => [k, urns.map((u) => byUrn.get(u)).filter(Boolean)]),
                ),
            }));
            (p as StackValidationPolicy).validateStack({ resources: policyResources, getConfig } as any, (message: string, urn?: string) =>
                out.push({ policy: p.name, message, urn }),
            );
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
