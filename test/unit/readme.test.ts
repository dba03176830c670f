/** The README stays true to the code: every config key, policy and npm command it names exists. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { POLICY } from "../../policy/s3a/checks";
import { ROOT } from "../helpers/paths";

const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const project = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as {
    config: Record<string, { type: string; default: unknown }>;
};
const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;

describe("README", () => {
    it("documents every config key in the reference table with its default", () => {
        for (const [key, decl] of Object.entries(project.config).filter(([k]) => !k.includes(":"))) {
            const row = readme.split("\n").find((l) => l.startsWith(`| \`${key}\` | ${decl.type} |`));
            assert.ok(row, `config key ${key} is missing from the README's configuration reference`);
            const shown =
                typeof decl.default === "string"
                    ? decl.default === ""
                        ? '`""`'
                        : `\`${decl.default}\``
                    : `\`${JSON.stringify(decl.default)}\``;
            assert.ok(row!.includes(shown), `${key}: README shows another default than ${shown}`);
        }
    });

    it("documents every policy of the pack", () => {
        for (const name of Object.values(POLICY)) assert.ok(readme.includes(`\`${name}\``), `policy ${name} is not in the README`);
    });

    it("only names npm scripts that exist", () => {
        const named = [...readme.matchAll(/npm run ([a-z0-9:-]+)/g)].map((m) => m[1]);
        assert.ok(named.length >= 4);
        for (const s of named) assert.ok(s in scripts, `README names npm run ${s}, which package.json lacks`);
        assert.ok(readme.includes("npm test") && "test" in scripts);
    });
});
