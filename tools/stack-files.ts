/**
 * Stack config as the Pulumi CLI passes it to the program: Pulumi.yaml's defaults, then
 * Pulumi.<stack>.yaml. Used by the tests (mocks do not apply defaults) and by tools that render
 * what a stack would deploy without running Pulumi.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

export const ROOT = path.resolve(__dirname, "..");

interface ProjectFile {
    name: string;
    config?: Record<string, unknown>;
}

/** "project:key" -> string (JSON for non-strings), as PULUMI_CONFIG carries it. */
export function stackConfig(stack: string, overrides: Record<string, unknown> = {}, configFile = stack): Record<string, string> {
    const project = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as ProjectFile;
    const out: Record<string, string> = {};
    const put = (key: string, value: unknown) => {
        out[key] = typeof value === "string" ? value : JSON.stringify(value);
    };
    for (const [key, decl] of Object.entries(project.config ?? {})) {
        // "ns:key: value" sets another package's config (a provider setting) for every stack.
        if (key.includes(":")) put(key, decl);
        else if (decl && typeof decl === "object" && "default" in decl) put(`${project.name}:${key}`, decl.default);
    }
    // Review stacks get the template's file (Pulumi.pr.yaml) copied in: configFile names it.
    const file = path.join(ROOT, `Pulumi.${configFile}.yaml`);
    if (fs.existsSync(file)) {
        const s = yaml.load(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | undefined;
        for (const [key, value] of Object.entries(s?.config ?? {})) put(key, value);
    }
    for (const [key, value] of Object.entries(overrides)) {
        if (value === undefined) delete out[key];
        else put(key, value);
    }
    return out;
}
