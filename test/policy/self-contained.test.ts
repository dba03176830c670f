/** The pack must stay publishable on its own: nothing under policy/ imports from outside it. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../helpers/paths";

function tsFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) return e.name === "node_modules" || e.name === "bin" ? [] : tsFiles(p);
        return e.name.endsWith(".ts") ? [p] : [];
    });
}

describe("policy pack is self-contained", () => {
    const policyDir = path.join(ROOT, "policy");
    const files = tsFiles(policyDir);

    it("has sources to check", () => assert.ok(files.length >= 8, String(files.length)));

    it("every relative import stays inside policy/, every package import is a dependency of the pack", () => {
        const deps = Object.keys(
            (JSON.parse(fs.readFileSync(path.join(policyDir, "package.json"), "utf8")) as { dependencies: object }).dependencies,
        );
        for (const f of files) {
            for (const m of fs.readFileSync(f, "utf8").matchAll(/(?:from|require\()\s*["']([^"']+)["']/g)) {
                const spec = m[1];
                if (spec.startsWith(".")) {
                    const target = path.resolve(path.dirname(f), spec);
                    assert.ok(target.startsWith(policyDir + path.sep), `${path.relative(ROOT, f)} imports ${spec}, outside policy/`);
                } else {
                    const pkg = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
                    assert.ok(
                        deps.includes(pkg) || ["fs", "path"].includes(pkg),
                        `${path.relative(ROOT, f)} imports ${spec}, not a dependency of the pack`,
                    );
                }
            }
        }
    });
});
