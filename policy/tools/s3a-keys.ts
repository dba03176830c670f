/**
 * Derive the fs.s3a.* option names of a Hadoop release from its own sources on Maven Central:
 * every `String` constant of hadoop-aws's main sources (concatenations of literals and other
 * constants resolved) whose value starts with `fs.s3a.`, plus the fs.s3a.* names in
 * hadoop-common's core-default.xml; then leave out what is not an option a user sets (prefixes
 * and patterns, capability probes, internal keys, createFile() builder options). Deprecated options stay: Hadoop still reads or warns about them.
 *
 *   npx ts-node -T -P policy/tsconfig.json policy/tools/s3a-keys.ts 3.4.2 [3.5.0 ...]        # print the lists
 *   npx ts-node -T -P policy/tsconfig.json policy/tools/s3a-keys.ts --check 3.4.1 3.3.6      # compare with s3a/hadoop-s3a-keys.json
 *   npx ts-node -T -P policy/tsconfig.json policy/tools/s3a-keys.ts --write 3.3.4 3.4.2 3.5.0  # store them there
 *
 * `npm run test:facts` (test/contract/hadoop-keys.facts.ts) checks every stored list against this
 * derivation, with the jars cached under .cache/maven.
 */
import * as fs from "fs";
import * as path from "path";
import { MAVEN_CENTRAL } from "./maven";
import { unzipEntries } from "./zip";

export const KEYS_FILE = path.join(__dirname, "..", "s3a", "hadoop-s3a-keys.json");

/** Java source with comments removed (string and char literals kept intact). */
export function stripJavaComments(src: string): string {
    let out = "";
    for (let i = 0; i < src.length;) {
        const c = src[i];
        if (c === '"' || c === "'") {
            let j = i + 1;
            while (j < src.length && src[j] !== c) j += src[j] === "\\" ? 2 : 1;
            out += src.slice(i, j + 1);
            i = j + 1;
        } else if (src.startsWith("//", i)) {
            while (i < src.length && src[i] !== "\n") i++;
        } else if (src.startsWith("/*", i)) {
            const end = src.indexOf("*/", i + 2);
            i = end < 0 ? src.length : end + 2;
            out += " ";
        } else {
            out += c;
            i++;
        }
    }
    return out;
}

/** Split an expression at top-level `+` (outside literals and parentheses). */
function splitPlus(expr: string): string[] {
    const parts: string[] = [];
    let depth = 0;
    let start = 0;
    for (let i = 0; i < expr.length; i++) {
        const c = expr[i];
        if (c === '"') {
            i++;
            while (i < expr.length && expr[i] !== '"') i += expr[i] === "\\" ? 2 : 1;
        } else if (c === "(") depth++;
        else if (c === ")") depth--;
        else if (c === "+" && depth === 0) {
            parts.push(expr.slice(start, i).trim());
            start = i + 1;
        }
    }
    parts.push(expr.slice(start).trim());
    return parts;
}

const unescape = (s: string) => s.replace(/\\(.)/g, (_, ch: string) => ({ n: "\n", t: "\t", r: "\r" })[ch] ?? ch);

/**
 * Resolve the `String` constants of a set of Java files: name -> value, by `Class.NAME` and, when
 * unambiguous, by `NAME`. Constants built from method calls other than toLowerCase/toUpperCase stay unresolved.
 */
export function resolveStringConstants(files: Map<string, string>): Map<string, string> {
    const decls: { cls: string; name: string; expr: string }[] = [];
    for (const [file, src] of files) {
        const cls = path.basename(file, ".java");
        for (const m of stripJavaComments(src).matchAll(/\bString\s+([A-Z][A-Z0-9_]*)\s*=\s*([^;{}]+);/g)) {
            decls.push({ cls, name: m[1], expr: m[2] });
        }
    }
    const resolved = new Map<string, string>(); // "Class.NAME" -> value
    const bySimple = new Map<string, Set<string>>();
    for (const d of decls) bySimple.set(d.name, (bySimple.get(d.name) ?? new Set()).add(`${d.cls}.${d.name}`));
    const lookup = (ref: string, cls: string): string | undefined => {
        const parts = ref.split(".");
        const name = parts[parts.length - 1];
        if (parts.length >= 2) return resolved.get(`${parts[parts.length - 2]}.${name}`);
        const own = resolved.get(`${cls}.${name}`);
        if (own !== undefined) return own;
        const all = [...(bySimple.get(name) ?? [])];
        return all.length === 1 ? resolved.get(all[0]) : undefined;
    };
    const evalTerm = (term: string, cls: string): string | undefined => {
        const lit = /^"((?:[^"\\]|\\.)*)"$/.exec(term);
        if (lit) return unescape(lit[1]);
        const call = /^([A-Za-z_][\w.]*?)\.(toLowerCase|toUpperCase)\((?:Locale\.ROOT|Locale\.ENGLISH)?\)$/.exec(term);
        if (call) {
            const v = lookup(call[1], cls);
            return v === undefined ? undefined : call[2] === "toLowerCase" ? v.toLowerCase() : v.toUpperCase();
        }
        if (/^[A-Za-z_][\w.]*$/.test(term)) return lookup(term, cls);
        return undefined;
    };
    for (let progress = true; progress;) {
        progress = false;
        for (const d of decls) {
            const id = `${d.cls}.${d.name}`;
            if (resolved.has(id)) continue;
            const values = splitPlus(d.expr).map((t) => evalTerm(t, d.cls));
            if (values.every((v) => v !== undefined)) {
                resolved.set(id, values.join(""));
                progress = true;
            }
        }
    }
    return resolved;
}

/**
 * Constants whose javadoc says they are "*not* a configuration option" (createFile() builder
 * options such as fs.s3a.create.performance in Hadoop 3.3.x): Class.NAME of each.
 */
export function documentedNonOptions(files: Map<string, string>): Set<string> {
    const out = new Set<string>();
    for (const [file, src] of files) {
        const cls = path.basename(file, ".java");
        for (const m of src.matchAll(
            /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*(?:@\w+\s*)*(?:(?:public|protected|private|static|final)\s+)*String\s+([A-Z][A-Z0-9_]*)\s*=/g,
        )) {
            if (/\bnot\*?\s+a\s+configuration\s+option/i.test(m[1])) out.add(`${cls}.${m[2]}`);
        }
    }
    return out;
}

/** Names that are not options a user sets, by rule (see the file comment). */
export function isOption(name: string): boolean {
    if (name.endsWith(".") || name.includes("%s")) return false; // prefixes and patterns
    if (name.startsWith("fs.s3a.capability.")) return false; // hasPathCapability() probes
    return !NOT_OPTIONS.has(name);
}

/** Named exceptions, each checked against the release's source (see the constant's javadoc). */
const NOT_OPTIONS = new Set([
    "fs.s3a.committer.magic", // CommitConstants.MAGIC_COMMITTER_PREFIX
    "fs.s3a.analytics.accelerator", // Constants.ANALYTICS_ACCELERATOR_CONFIGURATION_PREFIX (3.4.2+), a prefix without its dot
    "fs.s3a.create.performance.enabled", // Constants.FS_S3A_CREATE_PERFORMANCE_ENABLED: a capability
    "fs.s3a.create.multipart", // createFile() builder option (3.4.2+)
    "fs.s3a.committer.uuid", // InternalCommitterConstants
    "fs.s3a.committer.uuid.source", // InternalCommitterConstants
    "fs.s3a.internal.upload.part.count.limit", // InternalConstants
]);

/** Prefixes under which any name is passed on (not validated by Hadoop): accepted by the pack. */
export function optionPrefixes(allNames: Iterable<string>): string[] {
    return [...allNames].filter((n) => n === "fs.s3a.analytics.accelerator").map((n) => n + ".");
}

/** Generic FileSystem options every scheme has (hadoop-common FileSystem: fs.<scheme>.impl.disable.cache). */
const GENERIC = ["fs.s3a.impl.disable.cache"];

async function download(url: string): Promise<Buffer> {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
}

/** `get` fetches a Maven Central URL (default: download it; the tests pass a caching one). */
export async function deriveKeys(
    hadoop: string,
    get: (url: string) => Promise<Buffer> = download,
): Promise<{ options: string[]; prefixes: string[] }> {
    const base = `${MAVEN_CENTRAL}/org/apache/hadoop`;
    const sources = unzipEntries(await get(`${base}/hadoop-aws/${hadoop}/hadoop-aws-${hadoop}-sources.jar`), (n) => n.endsWith(".java"));
    const java = new Map([...sources].map(([n, b]) => [n, b.toString("utf8")]));
    const common = unzipEntries(await get(`${base}/hadoop-common/${hadoop}/hadoop-common-${hadoop}.jar`), (n) => n === "core-default.xml");
    const coreDefault = common.get("core-default.xml")?.toString("utf8") ?? "";
    const names = new Set<string>(GENERIC);
    const notOptions = documentedNonOptions(java);
    for (const [id, v] of resolveStringConstants(java)) {
        if (v.startsWith("fs.s3a.") && v !== "fs.s3a." && !notOptions.has(id)) names.add(v);
    }
    for (const m of coreDefault.matchAll(/<name>\s*(fs\.s3a\.[^<\s]+)\s*<\/name>/g)) names.add(m[1]);
    return { options: [...names].filter(isOption).sort(), prefixes: optionPrefixes(names) };
}

async function main(argv: string[]): Promise<number> {
    const check = argv.includes("--check");
    const write = argv.includes("--write");
    const versions = argv.filter((a) => !a.startsWith("--"));
    if (versions.length === 0) {
        console.error("usage: s3a-keys.ts [--check|--write] HADOOP_VERSION...");
        return 2;
    }
    const file = JSON.parse(fs.readFileSync(KEYS_FILE, "utf8")) as Record<string, unknown> & { _prefixes?: Record<string, string[]> };
    let failed = false;
    for (const v of versions) {
        const { options, prefixes } = await deriveKeys(v);
        if (check) {
            const have = new Set((file[v] as string[] | undefined) ?? []);
            const missing = options.filter((k) => !have.has(k));
            const extra = [...have].filter((k) => !options.includes(k));
            failed ||= missing.length + extra.length > 0;
            console.log(
                `${v}: ${missing.length + extra.length === 0 ? "equal" : `derived but not stored: ${missing.join(", ") || "-"}; stored but not derived: ${extra.join(", ") || "-"}`}`,
            );
        } else if (write) {
            file[v] = options;
            if (prefixes.length > 0) file._prefixes = { ...(file._prefixes ?? {}), [v]: prefixes };
        } else {
            console.log(`# Hadoop ${v}: ${options.length} options; prefixes: ${prefixes.join(", ") || "none"}`);
            console.log(options.join("\n"));
        }
    }
    if (write) {
        // _comment, _prefixes, then the releases newest first
        const rank = (k: string) => (k === "_comment" ? 0 : k === "_prefixes" ? 1 : 2);
        const ordered = Object.fromEntries(
            Object.keys(file)
                .sort((a, b) => rank(a) - rank(b) || b.localeCompare(a, undefined, { numeric: true }))
                .map((k) => [k, file[k]]),
        );
        fs.writeFileSync(KEYS_FILE, JSON.stringify(ordered, null, 1) + "\n");
        console.log(`Wrote ${versions.join(", ")} to ${KEYS_FILE}`);
    }
    return failed ? 1 : 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (e) => {
            console.error(String(e instanceof Error ? e.message : e));
            process.exit(2);
        },
    );
}
