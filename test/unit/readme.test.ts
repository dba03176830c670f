/**
 * The README and docs/ stay true to the code: every config key, policy and npm command they name
 * exists, every link between them resolves (files and #anchors), and every docs page is reachable
 * from the README.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { POLICY } from "../../policy/s3a/checks";
import { ROOT } from "../helpers/paths";

const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), "utf8");
const DOCS = fs
    .readdirSync(path.join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`);
const PAGES = ["README.md", ...DOCS];
const project = yaml.load(read("Pulumi.yaml")) as { config: Record<string, { type: string; default: unknown }> };
const scripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts;

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
    return heading
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, "")
        .replace(/\s/g, "-");
}

function anchorsOf(markdown: string): Set<string> {
    const out = new Set<string>();
    let inCode = false;
    for (const line of markdown.split("\n")) {
        if (line.startsWith("```")) inCode = !inCode;
        const m = !inCode && /^#{1,6} (.*)$/.exec(line);
        if (m) out.add(slug(m[1]));
    }
    return out;
}

/** Relative links of a page, outside code blocks: [text](target). */
function linksOf(markdown: string): string[] {
    const prose = markdown.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
    return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((t) => !/^[a-z]+:/.test(t));
}

describe("README and docs", () => {
    it("link only to files and headings that exist", () => {
        const broken: string[] = [];
        for (const page of PAGES) {
            for (const link of linksOf(read(page))) {
                const [file, anchor] = link.split("#");
                const target = file ? path.normalize(path.join(path.dirname(page), file)) : page;
                if (!fs.existsSync(path.join(ROOT, target))) {
                    broken.push(`${page}: ${link} (no file ${target})`);
                } else if (anchor && target.endsWith(".md") && !anchorsOf(read(target)).has(anchor)) {
                    broken.push(`${page}: ${link} (no heading #${anchor} in ${target})`);
                }
            }
        }
        assert.deepEqual(broken, []);
    });

    it("every docs page is linked from the README", () => {
        const linked = new Set(linksOf(read("README.md")).map((l) => path.normalize(l.split("#")[0])));
        assert.deepEqual(
            DOCS.filter((d) => !linked.has(d)),
            [],
        );
    });

    it("the README stays a newcomer's page (one or two screens)", () => {
        assert.ok(read("README.md").length < 15_000, `README.md is ${read("README.md").length} bytes`);
    });

    it("documents every config key in the reference table with its default", () => {
        const reference = read("docs/configuration.md");
        for (const [key, decl] of Object.entries(project.config).filter(([k]) => !k.includes(":"))) {
            // An untyped key (jobs: a map of maps) is an object.
            const row = reference.split("\n").find((l) => l.startsWith(`| \`${key}\` | ${decl.type ?? "object"} |`));
            assert.ok(row, `config key ${key} is missing from docs/configuration.md`);
            const shown =
                typeof decl.default === "string"
                    ? decl.default === ""
                        ? '`""`'
                        : `\`${decl.default}\``
                    : `\`${JSON.stringify(decl.default)}\``;
            assert.ok(row!.includes(shown), `${key}: docs/configuration.md shows another default than ${shown}`);
        }
    });

    it("documents every policy of the pack", () => {
        const doc = read("docs/policy.md");
        for (const name of Object.values(POLICY)) assert.ok(doc.includes(`\`${name}\``), `policy ${name} is not in docs/policy.md`);
    });

    it("only names npm scripts that exist", () => {
        const named = PAGES.flatMap((p) => [...read(p).matchAll(/npm run ([a-z0-9:-]+)/g)].map((m) => `${p}: ${m[1]}`));
        assert.ok(named.length >= 4);
        assert.deepEqual(
            named.filter((n) => !(n.split(": ")[1] in scripts)),
            [],
        );
        assert.ok(read("README.md").includes("npm test") && "test" in scripts);
    });
});
