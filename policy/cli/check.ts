/**
 * `s3a-committer-policies check FILE|DIR...`: the pack's guardrails on Kubernetes manifests, for
 * teams that submit SparkApplications with kubectl, Helm (rendered) or GitOps. The same rules,
 * levels and config file as the Pulumi policy pack (s3a/rules.ts).
 *
 * Exit codes: 0 no mandatory finding, 1 a mandatory finding, 2 a usage, config or parse error.
 */
import * as fs from "fs";
import * as path from "path";
import { RULES } from "../rules";
import type { EnforcementLevel, Rule } from "../rules/rule";
import { OPTIONS, optionProblems, type CheckOptions, type OptionName } from "../s3a/options";
import { runRules as run } from "../s3a/run";
import { isSparkJob, sparkJobs, type StackResource } from "../s3a/resources";
import { FACTS_GATHERED } from "../s3a/releases";
import { readManifests, type ManifestSource } from "./manifests";

export const USAGE = `Usage: s3a-committer-policies check [--format human|json] [--config PACK-CONFIG.json] FILE|DIR|-...

Checks the SparkApplications and ScheduledSparkApplications in Kubernetes YAML manifests (files with
several documents, directories searched for *.yaml and *.yml, - for standard input) with the guardrails of the Pulumi
policy pack spark-s3-guardrails. PersistentVolumeClaims and PersistentVolumes in the same manifests
tell which claims are ReadWriteMany and which volumes are Mountpoint for Amazon S3. A job's annotation
guardrails.spark-s3.io/s3a-outputs declares the s3a:// locations it commits files to (or none, with a
reason in guardrails.spark-s3.io/s3a-outputs-reason); --format json lists what each job was judged to write.

  --format human|json   human-readable lines (default) or one JSON document for CI
  --config FILE         a policy pack config file, the same as pulumi's --policy-pack-config:
                        {"<policy>": {"enforcementLevel": "mandatory|advisory|disabled", <options>}}
  -h, --help            this text

Exit code: 0 no mandatory finding, 1 at least one mandatory finding, 2 usage, config or YAML errors.`;

export interface Finding {
    readonly file: string;
    readonly kind: string;
    readonly namespace?: string;
    readonly name: string;
    readonly policy: string;
    readonly level: EnforcementLevel;
    readonly key?: string;
    readonly message: string;
}

export interface Io {
    readonly out: (text: string) => void;
    readonly err: (text: string) => void;
    readonly cwd: string;
    /** Standard input, for the file name `-` (default: the process's). */
    readonly stdin?: () => string;
}

type Level = EnforcementLevel | "disabled";
const LEVELS: readonly string[] = ["mandatory", "advisory", "disabled"];

/** A pack config: per policy its level and options (schema defaults filled in). */
export interface ResolvedConfig {
    readonly level: Map<string, Level>;
    readonly options: Map<string, CheckOptions>;
}

/** Read a policy pack config object the way `pulumi --policy-pack-config` does; throws on what Pulumi would reject. */
export function resolveConfig(raw: unknown): ResolvedConfig {
    if (raw === null || typeof raw !== "object" || Array.isArray(raw))
        throw new Error("the config must be a JSON object keyed by policy name");
    const cfg = raw as Record<string, unknown>;
    const level = new Map<string, Level>();
    const options = new Map<string, CheckOptions>();
    const all = cfg.all;
    if (all !== undefined && (typeof all !== "string" || !LEVELS.includes(all)))
        throw new Error(`"all" must be one of ${LEVELS.join(", ")}`);
    for (const key of Object.keys(cfg)) {
        if (key !== "all" && !RULES.some((r) => r.name === key))
            throw new Error(`"${key}" is not a policy of this pack (policies: ${RULES.map((r) => r.name).join(", ")})`);
    }
    for (const rule of RULES) {
        const entry = cfg[rule.name];
        let lvl: Level = (all as Level | undefined) ?? rule.level;
        const values: Partial<Record<OptionName, string[]>> = {};
        if (typeof entry === "string") {
            if (!LEVELS.includes(entry)) throw new Error(`${rule.name}: "${entry}" is not one of ${LEVELS.join(", ")}`);
            lvl = entry as Level;
        } else if (entry !== undefined) {
            if (entry === null || typeof entry !== "object" || Array.isArray(entry))
                throw new Error(`${rule.name}: expected an object or a level`);
            for (const [k, val] of Object.entries(entry)) {
                if (k === "enforcementLevel") {
                    if (typeof val !== "string" || !LEVELS.includes(val))
                        throw new Error(`${rule.name}.enforcementLevel: "${String(val)}" is not one of ${LEVELS.join(", ")}`);
                    lvl = val as Level;
                } else if ((rule.options as readonly string[]).includes(k)) {
                    if (!Array.isArray(val) || !val.every((x) => typeof x === "string"))
                        throw new Error(`${rule.name}.${k}: expected a list of strings, e.g. ["${OPTIONS[k as OptionName].example}"]`);
                    const problems = optionProblems(k as OptionName, val as string[]);
                    if (problems.length) throw new Error(problems.map((p) => `${rule.name}.${p}`).join("; "));
                    values[k as OptionName] = val as string[];
                } else {
                    throw new Error(
                        `${rule.name}: unknown option "${k}"${rule.options.length ? ` (options: ${rule.options.join(", ")})` : " (it takes none)"}`,
                    );
                }
            }
        }
        level.set(rule.name, lvl);
        const opts: Record<string, readonly string[]> = {};
        for (const o of rule.options) opts[o] = values[o] ?? OPTIONS[o].default;
        options.set(rule.name, opts as CheckOptions);
    }
    return { level, options };
}

/** Every finding of every enabled rule over the resources. */
export function runRules(
    resources: readonly StackResource[],
    config: ResolvedConfig,
): { urn: string; rule: Rule; level: EnforcementLevel; key?: string; message: string }[] {
    return run(resources, RULES, {
        level: (rule) => config.level.get(rule.name) ?? rule.level,
        options: (rule) => config.options.get(rule.name) ?? {},
    }).map((f) => ({ urn: f.urn, rule: f.rule, level: f.level, key: f.key, message: f.message }));
}

function parseArgs(argv: readonly string[]): { format: "human" | "json"; config?: string; paths: string[]; help: boolean } | string {
    const args = [...argv];
    if (args[0] === "-h" || args[0] === "--help" || args[0] === "help") return { format: "human", paths: [], help: true };
    if (args[0] !== "check") return args.length === 0 ? "no command given" : `unknown command "${args[0]}" (the command is check)`;
    args.shift();
    let format: "human" | "json" = "human";
    let config: string | undefined;
    const paths: string[] = [];
    for (let i = 0; i < args.length; i++) {
        const a = args[i];
        const value = (name: string) => {
            const eq = a.indexOf("=");
            if (eq > 0) return a.slice(eq + 1);
            if (i + 1 >= args.length) throw new Error(`${name} needs a value`);
            return args[++i];
        };
        try {
            if (a === "-h" || a === "--help") return { format, paths, help: true };
            if (a === "--format" || a.startsWith("--format=")) {
                const f = value("--format");
                if (f !== "human" && f !== "json") return `--format must be human or json, not "${f}"`;
                format = f;
            } else if (a === "--config" || a.startsWith("--config=")) config = value("--config");
            else if (a === "--") paths.push(...args.splice(i + 1));
            else if (a.startsWith("-") && a !== "-") return `unknown option ${a}`;
            else paths.push(a);
        } catch (e) {
            return (e as Error).message;
        }
    }
    if (paths.length === 0) return "name at least one FILE or DIR";
    return { format, config, paths, help: false };
}

const where = (s: Pick<ManifestSource, "kind" | "namespace" | "name">) => `${s.kind} ${s.namespace ? `${s.namespace}/` : ""}${s.name}`;

/** Run the command; returns the exit code. */
export function main(
    argv: readonly string[],
    io: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), cwd: process.cwd() },
): number {
    const parsed = parseArgs(argv);
    if (typeof parsed === "string") {
        io.err(`s3a-committer-policies: ${parsed}\n\n${USAGE}\n`);
        return 2;
    }
    if (parsed.help) {
        io.out(USAGE + "\n");
        return 0;
    }
    let config: ResolvedConfig;
    try {
        const raw = parsed.config ? JSON.parse(fs.readFileSync(path.resolve(io.cwd, parsed.config), "utf8")) : {};
        config = resolveConfig(raw);
    } catch (e) {
        const msg = `config ${parsed.config}: ${(e as Error).message}`;
        if (parsed.format === "json")
            io.out(JSON.stringify({ findings: [], errors: [{ file: parsed.config, message: msg }], exitCode: 2 }, null, 2) + "\n");
        else io.err(`s3a-committer-policies: ${msg}\n`);
        return 2;
    }
    const set = readManifests(parsed.paths, io.cwd, io.stdin);
    const findings: Finding[] = runRules(set.resources, config).map((f) => {
        const s = set.sources.get(f.urn)!;
        return {
            file: s.file,
            kind: s.kind,
            namespace: s.namespace,
            name: s.name,
            policy: f.rule.name,
            level: f.level,
            key: f.key,
            message: f.message,
        };
    });
    findings.sort(
        (a, b) =>
            a.file.localeCompare(b.file) ||
            where(a).localeCompare(where(b)) ||
            (a.level === b.level ? 0 : a.level === "mandatory" ? -1 : 1),
    );
    const apps = set.resources.filter(isSparkJob).length;
    const mandatory = findings.filter((f) => f.level === "mandatory").length;
    const advisory = findings.length - mandatory;
    const exitCode = set.errors.length > 0 ? 2 : mandatory > 0 ? 1 : 0;
    if (parsed.format === "json") {
        // What the pack judged each job to write (why the committer rules applied, were advice, or did not apply)
        const jobs = sparkJobs(set.resources).map((j) => {
            const s = set.sources.get(j.resource.urn)!;
            return { file: s.file, kind: s.kind, namespace: s.namespace, name: s.name, writes: j.writes.kind, why: j.writes.why };
        });
        io.out(
            JSON.stringify(
                {
                    files: set.files,
                    applications: apps,
                    jobs,
                    findings,
                    errors: set.errors,
                    summary: { mandatory, advisory },
                    factsGathered: FACTS_GATHERED,
                    exitCode,
                },
                null,
                2,
            ) + "\n",
        );
        return exitCode;
    }
    for (const e of set.errors) io.err(`${e.file}: error: ${e.message}\n`);
    for (const f of findings) io.out(`${f.file}: ${where(f)}: ${f.level} ${f.policy}${f.key ? ` [${f.key}]` : ""}: ${f.message}\n`);
    const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;
    io.out(
        `${plural(apps, "Spark application")} in ${plural(set.files.length, "file")}: ${findings.length === 0 ? "no findings" : `${mandatory} mandatory, ${advisory} advisory`}${set.errors.length ? `, ${plural(set.errors.length, "error")}` : ""}.\n`,
    );
    return exitCode;
}
