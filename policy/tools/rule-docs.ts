/**
 * The rule docs, generated from the registry (rules/index.ts): the rule and option tables of
 * policy/README.md (between its GENERATED markers) and, in the project's checkout, the rule
 * summary of docs/policy.md and docs/policy-rules.md (the whole page: every rule with its why,
 * options and examples, whose messages come from running the rule on them). test/policy/rule-docs.test.ts keeps every copy
 * equal to what this prints.
 *
 *   npx ts-node -T -P policy/tsconfig.json policy/tools/rule-docs.ts           # rewrite them (npm run docs:rules)
 *   npx ts-node -T -P policy/tsconfig.json policy/tools/rule-docs.ts --check   # exit 1 when one differs
 *   ... rule-docs.ts --create-docs                                            # also create docs/policy-rules.md
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { RULES } from "../rules";
import type { Rule, RuleExample } from "../rules/rule";
import { sparkApp } from "../rules/examples";
import { OPTIONS, type OptionName } from "../s3a/options";
import { runRules } from "../s3a/run";
import { PV_TYPE, PVC_TYPE, SCHEDULED_SPARK_APPLICATION_TYPE, SPARK_APPLICATION_TYPE, type StackResource } from "../s3a/resources";

export const POLICY_DIR = path.join(__dirname, "..");
export const README = path.join(POLICY_DIR, "README.md");
/** The docs pages, in the project's checkout (the published pack has no docs/ beside it). */
export const DOCS_PAGE = path.join(POLICY_DIR, "..", "docs", "policy-rules.md");
export const DOCS_SUMMARY = path.join(POLICY_DIR, "..", "docs", "policy.md");

const KIND_TYPES: Record<string, string> = {
    SparkApplication: SPARK_APPLICATION_TYPE,
    ScheduledSparkApplication: SCHEDULED_SPARK_APPLICATION_TYPE,
    PersistentVolumeClaim: PVC_TYPE,
    PersistentVolume: PV_TYPE,
};

/** An example's resources as the checks see them. */
export function exampleResources(example: RuleExample): StackResource[] {
    return example.resources.map((r, i) => {
        const kind = String((r.props as { kind?: unknown }).kind ?? "");
        const type = r.type ?? KIND_TYPES[kind] ?? kind;
        return { type, urn: `example-${i}:${type}`, name: `r${i}`, props: r.props };
    });
}

/** What a rule reports on one of its examples, with the example's options for it and defaults for the others. */
export function exampleFindings(rule: Rule, example: RuleExample): string[] {
    const resources = exampleResources(example);
    const defaults = (r: Rule) => Object.fromEntries(r.options.map((o) => [o, [...OPTIONS[o].default]]));
    const found = runRules(resources, RULES, {
        level: (r) => (r === rule ? r.level : "disabled"),
        options: (r) => ({ ...defaults(r), ...(r === rule ? example.options : {}) }),
    });
    return found.map((f) => f.message);
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const firstMessage = (rule: Rule) => {
    const ex = rule.examples.find((e) => e.fires);
    return ex ? exampleFindings(rule, ex)[0] : undefined;
};

/** The README's rule table. */
export function ruleTable(): string {
    const rows = RULES.map((r) => {
        const msg = firstMessage(r);
        return `| \`${r.name}\` | ${r.level} | ${cell(r.firesOn)} | ${msg ? `\`${cell(msg)}\`` : ""} |`;
    });
    return ["| rule | level | fires on | example message |", "|---|---|---|---|", ...rows].join("\n");
}

/** docs/policy.md's summary: every rule with its level, what it looks at and what it checks, linked to the rule page. */
export function summaryTable(): string {
    const rows = RULES.map((r) => `| [\`${r.name}\`](policy-rules.md#${r.name}) | ${r.level} | ${scopeOf(r)} | ${cell(r.description)} |`);
    return ["| rule | level | looks at | checks |", "|---|---|---|---|", ...rows].join("\n");
}

const scopeOf = (r: Rule) =>
    r.kind === "stack"
        ? "all resources"
        : r.jobs === "commits"
          ? "jobs that commit files to s3a://"
          : r.jobs === "s3a"
            ? "S3A jobs"
            : "every job";

/** The README's option table: every option, the rules that take it, its default. */
export function optionTable(): string {
    const rows = (Object.keys(OPTIONS) as OptionName[]).map((o) => {
        const rules = RULES.filter((r) => r.options.includes(o)).map((r) => `\`${r.name}\``);
        return `| \`${o}\` | ${rules.join(", ")} | \`${JSON.stringify(OPTIONS[o].default)}\` | ${cell(OPTIONS[o].description)} e.g. \`"${OPTIONS[o].example}"\` |`;
    });
    return ["| option | of policies | default | meaning |", "|---|---|---|---|", ...rows].join("\n");
}

const BASE = sparkApp().props as { spec: Record<string, unknown> };

/** An example resource for the docs: a SparkApplication as its changes from the base job, anything else in full. */
function exampleYaml(props: Record<string, unknown>): string {
    if (props.kind !== "SparkApplication") return yaml.dump(props, { lineWidth: 140 }).trimEnd();
    const spec = (props.spec ?? {}) as Record<string, unknown>;
    const changed: Record<string, unknown> = {};
    const removed: string[] = [];
    for (const [k, v] of Object.entries(spec)) {
        if (k === "sparkConf") continue;
        if (JSON.stringify(v) !== JSON.stringify(BASE.spec[k])) changed[k] = v;
    }
    const conf = (spec.sparkConf ?? {}) as Record<string, string>;
    const baseConf = (BASE.spec.sparkConf ?? {}) as Record<string, string>;
    const confChanges = Object.fromEntries(Object.entries(conf).filter(([k, v]) => baseConf[k] !== v));
    for (const k of Object.keys(baseConf)) if (!(k in conf)) removed.push(k);
    if (Object.keys(confChanges).length) changed.sparkConf = confChanges;
    const md = props.metadata as Record<string, unknown> | undefined;
    const head =
        md &&
        JSON.stringify(md) !== JSON.stringify((BASE as { metadata?: unknown }).metadata ?? { name: "daily-etl", namespace: "spark-jobs" })
            ? yaml.dump({ metadata: md }, { lineWidth: 140 })
            : "";
    const body = Object.keys(changed).length ? yaml.dump({ spec: changed }, { lineWidth: 140 }) : "spec: {} # the base job as it is\n";
    const gone = removed.map((k) => `# without sparkConf ${k}`).join("\n");
    return `${head}${body}${gone}`.trimEnd();
}

function ruleSection(rule: Rule): string {
    const scope =
        rule.kind === "stack"
            ? "the stack or the manifests as a whole"
            : rule.jobs === "all"
              ? "every Spark job"
              : rule.jobs === "s3a"
                ? "Spark jobs that use S3A"
                : "Spark jobs that commit files to `s3a://` (advice where that cannot be told, see `s3a-committer-applicability`)";
    const options = rule.options.length ? rule.options.map((o) => `\`${o}\``).join(", ") : "none";
    const examples = rule.examples.map((ex) => {
        const found = exampleFindings(rule, ex);
        const yamls = ex.resources
            .map((r) => "```yaml\n" + (r.type ? `# a Pulumi ${r.type}\n` : "") + exampleYaml(r.props) + "\n```")
            .join("\n\n");
        const cfg =
            ex.options && Object.keys(ex.options).length ? `\n\nwith the policy's options ${"`"}${JSON.stringify(ex.options)}${"`"}` : "";
        const result = found.length ? found.map((m) => `> ${m}`).join("\n>\n") : "> (nothing)";
        return `#### ${ex.fires ? "Fires" : "Passes"}: ${ex.title}\n\n${yamls}${cfg}\n\n${result}`;
    });
    return [
        `### \`${rule.name}\``,
        "",
        `**${rule.level}** · looks at ${scope} · options: ${options}`,
        "",
        rule.description,
        "",
        `**Fires on:** ${rule.firesOn}`,
        "",
        `**Why:** ${rule.why}`,
        "",
        ...examples.flatMap((e) => [e, ""]),
    ].join("\n");
}

/** The whole docs page. */
export function docsPage(): string {
    return (
        [
            "# Policy rules",
            "",
            "<!-- Generated from policy/rules/ by `npm run docs:rules`; test/policy/rule-docs.test.ts keeps it equal. Do not edit by hand. -->",
            "",
            "Every rule of the policy pack `spark-s3-guardrails` ([policy.md](policy.md) and [policy/README.md](../policy/README.md) tell how to run it, with Pulumi or as `check` on manifests).",
            "Mandatory findings block `pulumi up` and fail `check`; advisory ones are reported. A pack config file can change any level.",
            "",
            "| rule | level | looks at |",
            "|---|---|---|",
            ...RULES.map(
                (r) =>
                    `| [\`${r.name}\`](#${r.name}) | ${r.level} | ${r.kind === "stack" ? "all resources" : r.jobs === "commits" ? "jobs that commit files to s3a://" : r.jobs === "s3a" ? "S3A jobs" : "every job"} |`,
            ),
            "",
            "## Options",
            "",
            optionTable(),
            "",
            "## The examples",
            "",
            "Each example changes one thing of this job (a directory-committer job writing Parquet to `s3a://lake/daily` on a third-party store, its staging claim mounted natively), and shows what the rule reports:",
            "",
            "```yaml",
            yaml.dump(BASE, { lineWidth: 140 }).trimEnd(),
            "```",
            "",
            "## Rules",
            "",
            ...RULES.map(ruleSection),
        ]
            .join("\n")
            .trimEnd() + "\n"
    );
}

/** Replace the text between `<!-- BEGIN GENERATED: name -->` and `<!-- END GENERATED: name -->`. */
export function replaceSection(text: string, name: string, content: string, file = README): string {
    const begin = `<!-- BEGIN GENERATED: ${name} (npm run docs:rules) -->`;
    const end = `<!-- END GENERATED: ${name} -->`;
    const i = text.indexOf(begin);
    const j = text.indexOf(end);
    if (i < 0 || j < i) throw new Error(`${file} lacks the markers ${begin} ... ${end}`);
    return `${text.slice(0, i + begin.length)}\n${content}\n${text.slice(j)}`;
}

/** Every generated file with the content it must have. */
export function generated(createDocs = false): { file: string; content: string }[] {
    const readme = fs.readFileSync(README, "utf8");
    const out = [{ file: README, content: replaceSection(replaceSection(readme, "rules", ruleTable()), "options", optionTable()) }];
    if (fs.existsSync(DOCS_PAGE) || (createDocs && fs.existsSync(path.dirname(DOCS_PAGE))))
        out.push({ file: DOCS_PAGE, content: docsPage() });
    if (fs.existsSync(DOCS_SUMMARY)) {
        const summary = fs.readFileSync(DOCS_SUMMARY, "utf8");
        out.push({ file: DOCS_SUMMARY, content: replaceSection(summary, "rules-summary", summaryTable(), DOCS_SUMMARY) });
    }
    return out;
}

function main(argv: string[]): number {
    const check = argv.includes("--check");
    const stale = generated(argv.includes("--create-docs")).filter(
        (g) => !fs.existsSync(g.file) || fs.readFileSync(g.file, "utf8") !== g.content,
    );
    if (check) {
        for (const g of stale) console.error(`${path.relative(process.cwd(), g.file)} differs from the rules: run npm run docs:rules`);
        return stale.length ? 1 : 0;
    }
    for (const g of stale) {
        fs.writeFileSync(g.file, g.content);
        console.log(`wrote ${path.relative(process.cwd(), g.file)}`);
    }
    if (stale.length === 0) console.log("the rule docs are up to date");
    return 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
