import type { Policies } from "@pulumi/policy";
import { sparkPolicies } from "./spark-application";

/** Every policy of the pack, in the order of the registry (rules/index.ts). */
export const policies: Policies = sparkPolicies;

/** Re-exported for tools and tests outside the pack's own node_modules. */
export type { Policy, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
