/**
 * The rules as the registry assembles them: one module per rule, every rule with examples that
 * do what they say (they are the docs' examples too), and the generated docs equal to what the
 * registry gives (policy/tools/rule-docs.ts, npm run docs:rules).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { RULES } from "../../policy/rules";
import { DOCS_PAGE, exampleFindings, generated } from "../../policy/tools/rule-docs";
import { ROOT } from "../helpers/paths";

const RULES_DIR = path.join(ROOT, "policy", "rules");
const NOT_RULES = ["index.ts", "rule.ts", "examples.ts"];

describe("the rule registry", () => {
    it("assembles one module per rule: every rule file is registered once, every rule comes from its own file", () => {
        const files = fs.readdirSync(RULES_DIR).filter((f) => f.endsWith(".ts") && !NOT_RULES.includes(f));
        const index = fs.readFileSync(path.join(RULES_DIR, "index.ts"), "utf8");
        for (const f of files) {
            const imports = [...index.matchAll(new RegExp(`from "\\./${f.replace(/\.ts$/, "")}"`, "g"))];
            assert.equal(imports.length, 1, `${f} is not imported exactly once by rules/index.ts`);
        }
        assert.equal(RULES.length, files.length, "a rule file holds one rule, and the registry lists each once");
        assert.equal(new Set(RULES.map((r) => r.name)).size, RULES.length);
        for (const r of RULES) {
            assert.match(r.name, /^[a-z0-9]+(-[a-z0-9]+)+$/, r.name);
            assert.ok(r.description.endsWith(".") && r.firesOn.length > 10 && r.why.length > 20, `${r.name}: description, firesOn and why`);
        }
    });

    it("the registry only assembles: no logic besides the list", () => {
        const code = fs.readFileSync(path.join(RULES_DIR, "index.ts"), "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
        assert.doesNotMatch(code, /\bfunction\b|=>|\bif\b|\bfor\b/);
    });

    for (const rule of RULES) {
        describe(rule.name, () => {
            it("has an example that fires and one that passes", () => {
                assert.ok(
                    rule.examples.some((e) => e.fires),
                    "no example that fires",
                );
                assert.ok(
                    rule.examples.some((e) => !e.fires),
                    "no example that passes",
                );
            });
            for (const example of rule.examples) {
                it(`${example.fires ? "fires" : "passes"}: ${example.title}`, () => {
                    const found = exampleFindings(rule, example);
                    if (example.fires) assert.ok(found.length > 0, "it reports nothing");
                    else assert.deepEqual(found, []);
                });
            }
        });
    }
});

describe("the generated rule docs", () => {
    it("policy/README.md's rule and option tables and docs/policy-rules.md are what npm run docs:rules writes", () => {
        const files = generated();
        assert.deepEqual(
            files.map((f) => path.relative(ROOT, f.file)).sort(),
            ["docs/policy-rules.md", "docs/policy.md", "policy/README.md"],
            "the project's checkout has all three",
        );
        for (const g of files)
            assert.equal(fs.readFileSync(g.file, "utf8"), g.content, `${path.relative(ROOT, g.file)} is stale: run npm run docs:rules`);
    });

    it("the README names every rule in its table", () => {
        const readme = fs.readFileSync(path.join(ROOT, "policy", "README.md"), "utf8");
        for (const r of RULES) assert.ok(readme.includes(`| \`${r.name}\` | ${r.level} |`), r.name);
        assert.ok(DOCS_PAGE.endsWith(path.join("docs", "policy-rules.md")));
    });
});
