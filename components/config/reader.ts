/**
 * The generic config reader. It knows types, not features: every feature and object store
 * declares its own keys (name, type, default, example, check) beside its component, as KeySpecs,
 * and reads them through a Reader. A Reader collects every problem instead of stopping at the
 * first, and names each by its full key path (`spark-s3:jobs.nightly.executorInstances`) with a
 * valid example; ConfigError lists them all.
 *
 * The same specs validate a component's args (SparkPlatform, SparkJob from Pulumi YAML or Python):
 * only the source of the values and the way a key is named differ.
 */
import * as pulumi from "@pulumi/pulumi";
import { didYouMean } from "../../policy/s3a/suggest";

export const PROJECT = "spark-s3";

export type KeyType = "string" | "integer" | "boolean" | "array" | "object";

/** One config key: everything the reader, the docs and the Pulumi.yaml test need to know. */
export interface KeySpec<T = unknown> {
    /** The key without the project prefix, e.g. "executorInstances". */
    readonly key: string;
    readonly type: KeyType;
    /** The default; Pulumi.yaml declares the same one (test/unit/config-schema.test.ts). */
    readonly default: T;
    /** A valid value as written in a stack file, shown with every problem of this key. */
    readonly example: string;
    /** The allowed values of a string key (a near miss gets a did-you-mean). */
    readonly oneOf?: readonly string[];
    /** Bounds of an integer key. */
    readonly min?: number;
    readonly max?: number;
    /** `${stack}` in the value stands for the stack name (expanded before the check). */
    readonly stackExpand?: boolean;
    /** Applied to the expanded value before the check (e.g. a hash for long review-stack names). */
    readonly fit?: (v: string) => string;
    /** What is wrong with a well-typed value, or undefined. */
    check?(v: T): string | undefined;
    /**
     * A key Pulumi.yaml does not declare (a secret without a default: a declared key without one is
     * required by the CLI on every stack). Its description lives here and in the generated docs.
     */
    readonly undeclared?: { readonly description: string; readonly secret?: boolean };
}

/** A key spec with its value type inferred from the default. */
export function spec<T>(s: KeySpec<T>): KeySpec<T> {
    return s;
}

/** One problem: the key path (no project prefix, or "ns:key"), what is wrong, a valid example line. */
export interface ConfigProblem {
    readonly key: string;
    readonly problem: string;
    readonly example: string;
}

/**
 * A RunError: the CLI prints its message alone, without a stack trace (cmd/run's uncaught
 * handler), which is what a user with a wrong key needs to see.
 */
export class ConfigError extends pulumi.RunError {
    constructor(
        readonly problems: readonly ConfigProblem[],
        what = "stack configuration",
    ) {
        super(
            `invalid ${what} (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
                problems.map((p) => `  - ${qualify(p.key)}: ${p.problem}. Valid example: ${p.example}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

/** `spark-s3:<key>` unless the key names its own namespace (`aws:region`) or is an args path. */
export function qualify(key: string): string {
    return key.includes(":") || key.startsWith("args.") ? key : `${PROJECT}:${key}`;
}

/**
 * `${stack}` in a value stands for the stack name, so one stack file (Pulumi.pr.yaml, copied into
 * every review stack) gives each stack its own namespace and data prefix.
 */
export function expandStack(value: string, stack: string): string {
    if (!value.includes("${stack}")) return value;
    const safe = stack
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/^-+|-+$/g, "");
    return value.split("${stack}").join(safe);
}

/** Where a reader's values come from: a key (relative to the reader) to its raw value. */
export type Source = (key: string) => unknown;

/** How a source names a key in a problem, and how it writes an example of it. */
export interface Naming {
    /** The key path as the user wrote it, e.g. "jobs.nightly.executorInstances" or "args.committer". */
    path(key: string): string;
    /** A valid example line for the key. */
    example(key: string, value: string): string;
}

/** Stack config: `spark-s3:<prefix><key>`, examples as stack-file lines. */
export function configNaming(prefix = ""): Naming {
    return {
        path: (key) => (key.includes(":") ? key : `${prefix}${key}`),
        example: (key, value) => `${qualify(key.includes(":") ? key : `${prefix}${key}`)}: ${value}`,
    };
}

/** A component's args (Pulumi YAML, Python): `args.<prefix><key>`. */
export function argsNaming(prefix = ""): Naming {
    return { path: (key) => `args.${prefix}${key}`, example: (key, value) => `${prefix}${key}: ${value}` };
}

/** Reads typed values from a source; problems accumulate (shared with nested readers). */
export class Reader {
    constructor(
        private readonly source: Source,
        readonly stack: string,
        readonly naming: Naming = configNaming(),
        readonly problems: ConfigProblem[] = [],
    ) {}

    /** A reader over a nested object (a job entry), sharing this reader's problems. */
    nested(source: Source, naming: Naming): Reader {
        return new Reader(source, this.stack, naming, this.problems);
    }

    /** Record a problem of a key (relative to this reader), with a valid example value. */
    fail(key: string, problem: string, exampleValue: string): void {
        this.problems.push({ key: this.naming.path(key), problem, example: this.naming.example(key, exampleValue) });
    }

    /** Record a problem of a key, with the key's own example. */
    failOn(s: KeySpec<unknown>, problem: string): void {
        this.fail(s.key, problem, s.example);
    }

    /** The raw value of a key, for keys outside the reader's specs (e.g. aws:region). */
    raw(key: string): unknown {
        return this.source(key);
    }

    /** The key's value, typed and checked; its default when absent (or after a problem). */
    get<T>(s: KeySpec<T>): T {
        const raw = this.source(s.key);
        if (raw === undefined || raw === null) return s.default;
        const typed = this.coerce(s, raw);
        if (typed === undefined) return s.default;
        let v = typed as T;
        if (s.type === "string") {
            let str = v as unknown as string;
            if (s.stackExpand) str = expandStack(str, this.stack);
            if (s.fit) str = s.fit(str);
            v = str as unknown as T;
            if (s.oneOf && str !== "" && !s.oneOf.includes(str)) {
                const near = didYouMean(str, s.oneOf);
                this.failOn(s, `"${str}" is not one of ${s.oneOf.join(", ")}${near ? ` (did you mean "${near}"?)` : ""}`);
                return s.default;
            }
        }
        if (s.type === "integer") {
            const n = v as unknown as number;
            const min = s.min ?? Number.MIN_SAFE_INTEGER;
            const max = s.max ?? Number.MAX_SAFE_INTEGER;
            if (n < min || n > max) {
                this.failOn(s, `must be between ${min} and ${max}, got ${n}`);
                return s.default;
            }
        }
        const p = s.check?.(v);
        if (p) {
            this.failOn(s, p);
            return v;
        }
        return v;
    }

    /** Like get, but records that the key is required when the value is empty. */
    required(s: KeySpec<string>, why: string): string {
        const v = this.get(s);
        if (v === "") this.failOn(s, `is required ${why}`);
        return v;
    }

    private coerce(s: KeySpec<unknown>, raw: unknown): unknown {
        const got = JSON.stringify(raw);
        switch (s.type) {
            case "string":
                if (typeof raw === "string") return raw;
                if (typeof raw === "number" && Number.isFinite(raw)) return String(raw);
                this.failOn(s, `must be a string, got ${got}`);
                return undefined;
            case "integer": {
                const n = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw.trim()) : NaN;
                if (!Number.isInteger(n)) {
                    this.failOn(s, `must be a whole number, got ${typeof raw === "string" ? JSON.stringify(raw) : got}`);
                    return undefined;
                }
                return n;
            }
            case "boolean":
                if (raw === true || raw === "true") return true;
                if (raw === false || raw === "false") return false;
                this.failOn(s, `must be true or false, got ${typeof raw === "string" ? JSON.stringify(raw) : got}`);
                return undefined;
            case "array": {
                const list = parseJson(raw);
                if (!Array.isArray(list) || list.some((x) => typeof x !== "string")) {
                    this.failOn(s, `must be a list of strings, got ${typeof raw === "string" ? JSON.stringify(raw) : got}`);
                    return undefined;
                }
                return list;
            }
            case "object": {
                const obj = parseJson(raw);
                if (!obj || typeof obj !== "object" || Array.isArray(obj)) {
                    this.failOn(s, `must be a map of names to settings, got ${typeof raw === "string" ? JSON.stringify(raw) : got}`);
                    return undefined;
                }
                return obj;
            }
        }
    }
}

/** Config carries lists and maps as JSON text; nested values arrive parsed. */
function parseJson(raw: unknown): unknown {
    if (typeof raw !== "string") return raw;
    try {
        return JSON.parse(raw);
    } catch {
        return undefined;
    }
}

/**
 * Keys the reader does not know: each is a problem naming the closest known key, with that key's
 * example. `keys` are the names as given (relative to the reader's naming).
 */
export function unknownKeys(r: Reader, keys: Iterable<string>, known: readonly KeySpec<unknown>[], what: string, seeAlso: string): void {
    const byKey = new Map(known.map((s) => [s.key, s]));
    for (const key of keys) {
        if (byKey.has(key)) continue;
        const near = didYouMean(key, byKey.keys());
        const nearSpec = near ? byKey.get(near) : undefined;
        r.problems.push({
            key: r.naming.path(key),
            problem: `is not ${what}${near ? ` (did you mean "${near}"?)` : ""}; ${seeAlso}`,
            example: nearSpec ? r.naming.example(nearSpec.key, nearSpec.example) : seeAlso,
        });
    }
}

/** The value of a key under the args naming: a component's args object, by key. */
export function argsSource(args: object | undefined): Source {
    return (key) => (args as Record<string, unknown> | undefined)?.[key];
}
