/**
 * Reading a SparkApplication (sparkoperator.k8s.io/v1beta2) the way Spark will see it: its
 * effective sparkConf, its Hadoop configuration and its volumes. Pure functions, no engine.
 *
 * Values Pulumi cannot know during preview (computed from other resources' outputs) reach the
 * checks as UNKNOWN: a check never reads UNKNOWN as "not set", it leaves that part unchecked,
 * and the preview-coverage policy says what was left unchecked.
 */
import { PER_BUCKET_PREFIX, SPARK_HADOOP_PREFIX } from "./facts";

/** A value that is unknown during `pulumi preview`. */
export const UNKNOWN = "<unknown during preview>";
export const isUnknown = (v: unknown): boolean => v === UNKNOWN;
/** A value that is set and known. */
export const isKnown = (v: string | undefined): v is string => v !== undefined && v !== UNKNOWN;

/**
 * The sentinels the Pulumi engine sends for unknown values of each type (boolean, number, string,
 * array, asset, archive, object), as @pulumi/policy 1.x's proxy.js lists them.
 */
const PULUMI_UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/** A deep copy with every unknown value replaced by UNKNOWN; `unknown` collects their paths. */
export function withUnknowns(raw: unknown, unknown: string[] = [], path = ""): unknown {
    if (typeof raw === "string" && (PULUMI_UNKNOWN_SENTINELS.has(raw) || raw === UNKNOWN)) {
        unknown.push(path || "(the whole resource)");
        return UNKNOWN;
    }
    if (Array.isArray(raw)) return raw.map((x, i) => withUnknowns(x, unknown, `${path}[${i}]`));
    if (raw !== null && typeof raw === "object") {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(raw)) {
            const sub = /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? (path ? `${path}.${k}` : k) : `${path}[${JSON.stringify(k)}]`;
            out[k] = withUnknowns(v, unknown, sub);
        }
        return out;
    }
    return raw;
}

/** A SparkApplication read from untrusted input, with the paths of its unknown values. */
export function readSparkApplication(raw: unknown): { app: SparkApplicationLike; unknown: string[] } {
    const unknown: string[] = [];
    const copy = withUnknowns(raw, unknown);
    return { app: (copy !== null && typeof copy === "object" ? copy : {}) as SparkApplicationLike, unknown };
}

/** `x` when it is a plain object (not UNKNOWN, not a list), else undefined. */
export function asObject<T extends object>(x: unknown): T | undefined {
    return x !== null && typeof x === "object" && !Array.isArray(x) ? (x as T) : undefined;
}

/** `x` when it is a list, else an empty one. */
export function asList<T>(x: unknown): T[] {
    return Array.isArray(x) ? (x as T[]) : [];
}

/** The parts of a SparkApplication the checks read. Everything optional: input is untrusted. */
export interface SparkApplicationLike {
    apiVersion?: string;
    kind?: string;
    metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
    spec?: {
        type?: string;
        sparkVersion?: string;
        image?: string;
        mainApplicationFile?: string;
        mainClass?: string;
        arguments?: string[];
        sparkConf?: Record<string, string>;
        hadoopConf?: Record<string, string>;
        deps?: { jars?: string[]; packages?: string[]; files?: string[]; pyFiles?: string[]; repositories?: string[] };
        volumes?: VolumeLike[];
        driver?: PodSpecLike;
        executor?: PodSpecLike;
    };
}

export interface VolumeLike {
    name?: string;
    persistentVolumeClaim?: { claimName?: string };
    nfs?: { server?: string; path?: string };
    emptyDir?: unknown;
    [other: string]: unknown;
}

export interface PodSpecLike {
    image?: string;
    env?: { name?: string; value?: string; valueFrom?: unknown }[];
    envFrom?: unknown[];
    volumeMounts?: { name?: string; mountPath?: string }[];
}

/** sparkConf of the app with hadoopConf folded in (the operator prefixes it with spark.hadoop.). */
export function effectiveSparkConf(app: SparkApplicationLike): Record<string, string> {
    const conf: Record<string, string> = {};
    const spec = asObject<NonNullable<SparkApplicationLike["spec"]>>(app.spec);
    for (const [k, v] of Object.entries(asObject<Record<string, unknown>>(spec?.hadoopConf) ?? {}))
        conf[SPARK_HADOOP_PREFIX + k] = String(v);
    for (const [k, v] of Object.entries(asObject<Record<string, unknown>>(spec?.sparkConf) ?? {})) conf[k] = String(v);
    return conf;
}

/** Is every key of the app's configuration known (neither sparkConf nor hadoopConf is unknown as a whole)? */
export function confKeysKnown(app: SparkApplicationLike): boolean {
    return !isUnknown(app.spec) && !isUnknown(app.spec?.sparkConf) && !isUnknown(app.spec?.hadoopConf);
}

/** The Hadoop configuration a sparkConf sets (spark.hadoop.* with the prefix removed). */
export function hadoopView(conf: Record<string, string>): Record<string, string> {
    const h: Record<string, string> = {};
    for (const [k, v] of Object.entries(conf)) {
        if (k.startsWith(SPARK_HADOOP_PREFIX)) h[k.slice(SPARK_HADOOP_PREFIX.length)] = v;
    }
    return h;
}

/**
 * Split a per-bucket key fs.s3a.bucket.<bucket>.<option> into its candidate (bucket, generic
 * key) readings. Bucket names may contain dots, so every split point is a candidate.
 */
export function perBucketReadings(key: string): { bucket: string; generic: string }[] {
    if (!key.startsWith(PER_BUCKET_PREFIX)) return [];
    const parts = key.slice(PER_BUCKET_PREFIX.length).split(".");
    const out: { bucket: string; generic: string }[] = [];
    for (let i = 1; i < parts.length; i++) {
        out.push({ bucket: parts.slice(0, i).join("."), generic: "fs.s3a." + parts.slice(i).join(".") });
    }
    return out;
}

/**
 * Values of a generic fs.s3a option: the global one and every per-bucket override, each with
 * the exact key that set it.
 */
export function optionSettings(hadoop: Record<string, string>, generic: string): { key: string; bucket?: string; value: string }[] {
    const out: { key: string; bucket?: string; value: string }[] = [];
    if (generic in hadoop) out.push({ key: generic, value: hadoop[generic] });
    for (const [k, v] of Object.entries(hadoop)) {
        const reading = perBucketReadings(k).find((r) => r.generic === generic);
        if (reading) out.push({ key: k, bucket: reading.bucket, value: v });
    }
    return out;
}

/** A volume mounted into a role (driver or executor), from either the operator spec or Spark conf. */
export interface RoleMount {
    readonly volume: string;
    /** UNKNOWN when the path is unknown during preview. */
    readonly mountPath: string;
    /** "pvc" with its claim, "nfs", "emptyDir", or "other" (hostPath, configMap, ...). */
    readonly kind: "pvc" | "nfs" | "emptyDir" | "other";
    /** UNKNOWN when the claim name is unknown during preview. */
    readonly claimName?: string;
}

const NATIVE_VOLUME = /^spark\.kubernetes\.(driver|executor)\.volumes\.([A-Za-z]+)\.([^.]+)\.(.+)$/;

const volumeKind = (type: string): RoleMount["kind"] =>
    type === "persistentVolumeClaim" ? "pvc" : type === "nfs" ? "nfs" : type === "emptyDir" ? "emptyDir" : "other";

/** Every volume mount of the driver or the executors. */
export function roleMounts(app: SparkApplicationLike, conf: Record<string, string>, role: "driver" | "executor"): RoleMount[] {
    const mounts: RoleMount[] = [];
    // Spark native: spark.kubernetes.<role>.volumes.<type>.<name>.mount.path / options.claimName
    const native = new Map<string, { type: string; path?: string; claim?: string }>();
    for (const [k, v] of Object.entries(conf)) {
        const m = NATIVE_VOLUME.exec(k);
        if (!m || m[1] !== role) continue;
        const id = `${m[2]}/${m[3]}`;
        const e = native.get(id) ?? { type: m[2] };
        if (m[4] === "mount.path") e.path = v;
        if (m[4] === "options.claimName") e.claim = v;
        native.set(id, e);
    }
    for (const [id, e] of native) {
        if (!e.path) continue;
        mounts.push({ volume: id.split("/")[1], mountPath: e.path, kind: volumeKind(e.type), claimName: e.claim });
    }
    // Operator spec: spec.volumes + spec.<role>.volumeMounts
    const spec = asObject<NonNullable<SparkApplicationLike["spec"]>>(app.spec);
    const volumes = new Map(
        asList<VolumeLike>(spec?.volumes).map((v) => [asObject<VolumeLike>(v)?.name, asObject<VolumeLike>(v)] as const),
    );
    for (const raw of asList<{ name?: string; mountPath?: string }>(asObject<PodSpecLike>(spec?.[role])?.volumeMounts)) {
        const vm = asObject<{ name?: string; mountPath?: string }>(raw);
        if (!vm?.name || !vm.mountPath) continue;
        const v = volumes.get(vm.name);
        const claim = asObject<{ claimName?: string }>(v?.persistentVolumeClaim)?.claimName;
        const kind: RoleMount["kind"] = v?.persistentVolumeClaim ? "pvc" : v?.nfs ? "nfs" : v?.emptyDir ? "emptyDir" : "other";
        mounts.push({ volume: vm.name, mountPath: vm.mountPath, kind, claimName: claim });
    }
    return mounts;
}

/**
 * Can the mounts of a role be known completely? Not when the operator's volume lists or any
 * Spark volume setting of that role is unknown during preview.
 */
export function mountsKnown(app: SparkApplicationLike, conf: Record<string, string>, role: "driver" | "executor"): boolean {
    const spec = asObject<NonNullable<SparkApplicationLike["spec"]>>(app.spec);
    if (isUnknown(spec?.volumes) || isUnknown(spec?.[role]) || isUnknown(asObject<PodSpecLike>(spec?.[role])?.volumeMounts)) return false;
    if (asList<unknown>(spec?.volumes).some((v) => JSON.stringify(v).includes(UNKNOWN))) return false;
    if (JSON.stringify(asObject<PodSpecLike>(spec?.[role])?.volumeMounts ?? []).includes(UNKNOWN)) return false;
    return !Object.entries(conf).some(([k, v]) => NATIVE_VOLUME.exec(k)?.[1] === role && isUnknown(v));
}

/** Is `path` equal to or below `dir`? Both absolute POSIX paths. */
export function isUnder(path: string, dir: string): boolean {
    const d = dir.replace(/\/+$/, "");
    return path === d || path.startsWith(d + "/") || d === "";
}

/** The strings of an app that can name data locations: main file, arguments, deps, conf values, driver and executor env. */
function locationStrings(app: SparkApplicationLike, conf: Record<string, string>): unknown[] {
    const spec = asObject<NonNullable<SparkApplicationLike["spec"]>>(app.spec);
    const deps = asObject<NonNullable<NonNullable<SparkApplicationLike["spec"]>["deps"]>>(spec?.deps);
    const env = (["driver", "executor"] as const).flatMap((role) =>
        asList<unknown>(asObject<PodSpecLike>(spec?.[role])?.env).map((e) => asObject<{ value?: unknown }>(e)?.value),
    );
    return [
        spec?.mainApplicationFile,
        ...asList(spec?.arguments),
        ...Object.values(conf),
        ...asList(deps?.jars),
        ...asList(deps?.files),
        ...asList(deps?.pyFiles),
        ...env,
    ];
}

/** Does the app use S3A: an s3a:// location in its main file, arguments, deps, conf or env, or fs.s3a.* settings? */
export function mentionsS3A(app: SparkApplicationLike, conf: Record<string, string>): boolean {
    return (
        locationStrings(app, conf).some((s) => typeof s === "string" && s.includes("s3a://")) ||
        Object.keys(hadoopView(conf)).some((k) => k.startsWith("fs.s3a."))
    );
}

/** Could unknown values hide S3A use (the app shows none, but some of the places it could show up are unknown)? */
export function s3aUseUndetermined(app: SparkApplicationLike, conf: Record<string, string>): boolean {
    if (mentionsS3A(app, conf)) return false;
    const spec = app.spec;
    return (
        isUnknown(spec) ||
        !confKeysKnown(app) ||
        isUnknown(spec?.arguments) ||
        isUnknown(spec?.deps) ||
        locationStrings(app, conf).some((s) => isUnknown(s))
    );
}
