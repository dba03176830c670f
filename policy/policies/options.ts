/** Policy config schemas (from the rule list) and how a policy's config maps to the checks' options. */
import type { PolicyConfigSchema } from "@pulumi/policy";
import { OPTIONS, type OptionName } from "../s3a/rules";
import type { CheckOptions } from "../s3a/checks";

/** The config schema of a policy that takes these options (undefined when it takes none). */
export function configSchema(options: readonly OptionName[]): PolicyConfigSchema | undefined {
    if (options.length === 0) return undefined;
    return {
        properties: Object.fromEntries(
            options.map((o) => [
                o,
                {
                    type: "array" as const,
                    items: { type: "string" as const },
                    default: [...OPTIONS[o].default],
                    description: OPTIONS[o].description,
                },
            ]),
        ),
    };
}

/** The check options from a policy's config object (missing keys: the checks' defaults). */
export function checkOptions(config: Partial<Record<OptionName, unknown>>): CheckOptions {
    const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : undefined);
    return {
        allowedCommitters: list(config.allowedCommitters),
        insecureEndpoints: list(config.insecureEndpoints),
        trustedImages: list(config.trustedImages),
        sharedClaims: list(config.sharedClaims),
        allowedSparkVersions: list(config.allowedSparkVersions),
    };
}
