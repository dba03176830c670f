/**
 * Dynamic providers the way the engine runs them: serialized with Pulumi's own closure
 * serializer (what `pulumi.dynamic.Resource` stores in the state as `__provider`), then loaded
 * back with require-from-string and `.handler()`, as `@pulumi/pulumi/cmd/dynamic-provider` does.
 * Module-level values the providers capture (a Set, a subclass of Error) come back as the
 * serializer rebuilds them, not as they were.
 *
 * The serializing happens in a child node process that loads the module with a plain CommonJS
 * `require` through ts-node, as Pulumi's language host loads the program: under mocha's loader
 * the serializer misses module-level `const` functions that it does capture in a real program.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { ROOT } from "./paths";

const requireFromString = require("require-from-string") as (code: string) => Record<string, () => unknown>;

/** The serialized text of each named export (a dynamic provider object) of a module under the project. */
export function serializedTexts(moduleFromRoot: string, exportNames: string[]): Record<string, string> {
    const script = `
        const sc = require("@pulumi/pulumi/runtime/closure/serializeClosure");
        const m = require(${JSON.stringify(path.join(ROOT, moduleFromRoot))});
        const names = ${JSON.stringify(exportNames)};
        Promise.all(names.map((n) => sc.serializeFunction(() => m[n], { allowSecrets: true })))
            .then((rs) => process.stdout.write(JSON.stringify(Object.fromEntries(rs.map((r, i) => [names[i], r.text])))))
            .catch((e) => { console.error(e); process.exit(1); });`;
    const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
        cwd: ROOT,
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
    });
    if (r.status !== 0) throw new Error(`serializing ${moduleFromRoot} failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as Record<string, string>;
}

/** Load a serialized provider as the dynamic-provider plugin does. */
export function loadSerialized<T>(text: string): T {
    return requireFromString(text).handler() as T;
}
