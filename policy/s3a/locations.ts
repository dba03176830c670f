/**
 * The data locations a SparkApplication names, each with the role the manifest gives it: an
 * output (the value after --output, an OUTPUT_PATH variable, an app conf key named like one, a
 * positional argument whose path says so), an input, a checkpoint, the event log, a dependency,
 * a warehouse, or a role the manifest does not tell. Read from the arguments, the conf, the
 * driver's and executors' environment and the dependencies. Pure, no engine.
 */
import { SPARK_HADOOP_PREFIX } from "./facts";
import { UNKNOWN, asList, asObject, isUnknown, type PodSpecLike, type SparkApplicationLike } from "./conf";

export type LocationRole = "output" | "input" | "checkpoint" | "eventLog" | "deps" | "warehouse" | "unknown";

export interface Location {
    /** As written (a trailing slash removed). */
    readonly uri: string;
    readonly role: LocationRole;
    /** Where the manifest names it, for messages: "--output", "spark.eventLog.dir", "env OUTPUT_PATH", "argument 2". */
    readonly where: string;
}

export interface Locations {
    readonly locations: readonly Location[];
    /** Places that could name a location but are unknown during preview (their paths). */
    readonly unknown: readonly string[];
}

const OUTPUT_WORDS = new Set([
    "out",
    "output",
    "outputs",
    "dest",
    "destination",
    "target",
    "sink",
    "save",
    "write",
    "result",
    "results",
    "export",
]);
const INPUT_WORDS = new Set(["in", "input", "inputs", "source", "sources", "src", "read", "from", "load"]);
const CHECKPOINT_WORDS = new Set(["checkpoint", "checkpoints", "checkpointlocation", "checkpointdir"]);
/** Path words that say input; "in", "read" and "from" are too common inside names to count there. */
const PATH_INPUT_WORDS = new Set(["input", "inputs", "source", "sources", "src"]);

/** Words of a name: split at non-alphanumerics and camelCase humps, lower case. */
export function words(name: string): string[] {
    return name
        .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
        .split(/[^A-Za-z0-9]+/)
        .filter(Boolean)
        .map((w) => w.toLowerCase());
}

/** The role a flag, variable or conf key name gives its value. */
export function roleOfName(name: string): LocationRole {
    const w = words(name);
    if (w.some((x) => CHECKPOINT_WORDS.has(x))) return "checkpoint";
    const out = w.some((x) => OUTPUT_WORDS.has(x));
    const inp = w.some((x) => INPUT_WORDS.has(x));
    return out && !inp ? "output" : inp && !out ? "input" : "unknown";
}

/** The role a location's own path suggests (bucket and path segments), for positional arguments. */
export function roleOfPath(uri: string): LocationRole {
    const w = words(uri.replace(/^[a-z][a-z0-9+.-]*:\/\//i, ""));
    const out = w.some((x) => OUTPUT_WORDS.has(x));
    const inp = w.some((x) => PATH_INPUT_WORDS.has(x));
    return out && !inp ? "output" : inp && !out ? "input" : "unknown";
}

/** Does a string name a data location: a URI with a scheme, or an absolute path? */
export const isLocation = (s: string) => /^[a-z][a-z0-9+.-]*:\/\/\S+/i.test(s) || /^\/[^\s]*$/.test(s);
export const isS3a = (uri: string) => uri.startsWith("s3a://");
const trim = (uri: string) => uri.trim().replace(/(.)\/+$/, "$1");

/** Conf keys whose values are where the job's code, logs or tables come from or go. */
function roleOfConfKey(key: string): LocationRole | "skip" {
    if (key.startsWith(SPARK_HADOOP_PREFIX)) return "skip"; // Hadoop settings (staging paths, endpoints), not data
    if (key === "spark.eventLog.dir" || key === "spark.history.fs.logDirectory") return "eventLog";
    if (/checkpointLocation$/i.test(key) || key === "spark.checkpoint.dir") return "checkpoint";
    if (key === "spark.sql.warehouse.dir" || /^spark\.sql\.catalog\.[^.]+\.warehouse$/.test(key)) return "warehouse";
    if (/^spark\.(jars|files|archives|submit\.pyFiles|yarn\.dist\.)/.test(key) || /\.extraClassPath$/.test(key)) return "deps";
    if (key === "spark.kubernetes.file.upload.path") return "deps"; // spark-submit uploads local files there
    const env = /^spark\.(?:kubernetes\.driverEnv|executorEnv)\.(.+)$/.exec(key);
    if (env) return roleOfName(env[1]);
    if (key.startsWith("spark.kubernetes.") || key.startsWith("spark.sql.catalog.")) return "skip";
    return roleOfName(key.split(".").pop() ?? "");
}

/** Every location the application names, with its role. */
export function jobLocations(app: SparkApplicationLike, conf: Record<string, string>): Locations {
    const spec = asObject<NonNullable<SparkApplicationLike["spec"]>>(app.spec);
    const locations: Location[] = [];
    const unknown: string[] = [];
    const add = (value: string, role: LocationRole, where: string) => {
        for (const part of value.split(",")) if (isLocation(part.trim())) locations.push({ uri: trim(part), role, where });
    };

    // Arguments: --flag value, --flag=value, and positional locations
    if (isUnknown(spec?.arguments)) unknown.push("spec.arguments");
    const args = asList<unknown>(spec?.arguments).map((a) => (typeof a === "string" ? a : UNKNOWN));
    for (let i = 0; i < args.length; i++) {
        const a = args[i];
        if (isUnknown(a)) {
            unknown.push(`spec.arguments[${i}]`);
            continue;
        }
        const eq = /^--?([A-Za-z][\w.-]*)=(.*)$/.exec(a);
        if (eq) {
            add(eq[2], roleOfName(eq[1]), `--${eq[1]}`);
            continue;
        }
        if (/^--?[A-Za-z][\w.-]*$/.test(a) && i + 1 < args.length && !args[i + 1].startsWith("-")) {
            const value = args[++i];
            if (isUnknown(value)) unknown.push(`spec.arguments[${i}]`);
            else add(value, roleOfName(a), a);
            continue;
        }
        if (isLocation(a)) add(a, roleOfPath(a), `argument ${i + 1}`);
    }

    // The application file and dependencies: read, never written through a committer
    if (typeof spec?.mainApplicationFile === "string") add(spec.mainApplicationFile, "deps", "mainApplicationFile");
    const deps = asObject<Record<string, unknown>>(spec?.deps);
    for (const k of ["jars", "files", "pyFiles", "archives"])
        for (const d of asList<unknown>(deps?.[k])) if (typeof d === "string") add(d, "deps", `deps.${k}`);

    // Conf values
    for (const [key, value] of Object.entries(conf)) {
        const role = roleOfConfKey(key);
        if (role === "skip") continue;
        if (isUnknown(value)) {
            if (role !== "unknown" || /path|dir|location|uri|url|bucket|prefix/i.test(key.split(".").pop() ?? ""))
                unknown.push(`conf ${key}`);
            continue;
        }
        add(value, role, key);
    }

    // The driver's and executors' environment
    for (const role of ["driver", "executor"] as const) {
        const pod = asObject<PodSpecLike>(spec?.[role]);
        if (isUnknown(pod?.env)) unknown.push(`spec.${role}.env`);
        for (const raw of asList<unknown>(pod?.env)) {
            const e = asObject<{ name?: unknown; value?: unknown }>(raw);
            if (typeof e?.name !== "string") continue;
            if (isUnknown(e.value)) unknown.push(`spec.${role}.env ${e.name}`);
            else if (typeof e.value === "string") add(e.value, roleOfName(e.name), `env ${e.name}`);
        }
    }
    // The same location named twice (driver and executor env) counts once per role
    const seen = new Set<string>();
    const unique = locations.filter((l) => {
        const id = `${l.role} ${l.uri}`;
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
    });
    return { locations: unique, unknown: [...new Set(unknown)] };
}
