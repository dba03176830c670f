/** Policy config schemas (from each rule's options) and how a policy's config maps to the checks' options. */
import type { PolicyConfigSchema } from "@pulumi/policy";
import { OPTIONS, type OptionName } from "../s3a/options";

export { checkOptions } from "../s3a/options";

/** The config schema of a policy that takes these options (undefined when it takes none). */
export function configSchema(options: readonly OptionName[]): PolicyConfigSchema | undefined {
    if (options.length === 0) return undefined;
    return {
        properties: Object.fromEntries(
            options.map((o) => [
                o,
                {
                    type: "array" as const,
                    items: OPTIONS[o].itemPattern
                        ? { type: "string" as const, pattern: OPTIONS[o].itemPattern }
                        : { type: "string" as const },
                    default: [...OPTIONS[o].default],
                    description: OPTIONS[o].description,
                },
            ]),
        ),
    };
}
