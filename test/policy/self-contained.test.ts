/** The pack must stay publishable on its own: nothing under policy/ imports from outside it. */
import { strict as assert } from "assert";
import * as fs from "fs";
import { builtinModules } from "module";
import * as path from "path";
import { ROOT } from "../helpers/paths";

function tsFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) return e.name === "node_modules" || e.name === "dist" ? [] : tsFiles(p);
        return /\.(ts|js)$/.test(e.name) ? [p] : [];
    });
}

describe("policy pack is self-contained", () => {
    const policyDir = path.join(ROOT, "policy");
    const files = tsFiles(policyDir);

    it("has sources to check, the command's JavaScript entry included", () => {
        assert.ok(files.length >= 15, String(files.length));
        assert.ok(files.includes(path.join(policyDir, "cli", "bin.js")));
    });

    it("every relative import stays inside policy/, every package import is a dependency of the pack or built into Node", () => {
        const manifest = JSON.parse(fs.readFileSync(path.join(policyDir, "package.json"), "utf8")) as {
            dependencies: object;
            devDependencies: object;
        };
        const deps = Object.keys(manifest.dependencies);
        // Maintainer tools and the checkout fallback of bin.js may use devDependencies (typescript, ts-node).
        const devOk = (f: string) => f.includes(`${path.sep}tools${path.sep}`) || f.endsWith(`${path.sep}bin.js`);
        for (const f of files) {
            for (const m of fs.readFileSync(f, "utf8").matchAll(/(?:\bfrom\s+|\brequire\()\s*["']([^"']+)["']/g)) {
                const spec = m[1];
                if (spec.startsWith(".")) {
                    const target = path.resolve(path.dirname(f), spec);
                    assert.ok(target.startsWith(policyDir + path.sep), `${path.relative(ROOT, f)} imports ${spec}, outside policy/`);
                } else {
                    const pkg = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
                    assert.ok(
                        deps.includes(pkg) ||
                            builtinModules.includes(pkg.replace(/^node:/, "")) ||
                            (devOk(f) && Object.keys(manifest.devDependencies).includes(pkg)),
                        `${path.relative(ROOT, f)} imports ${spec}, not a dependency of the pack`,
                    );
                }
            }
        }
    });
});
