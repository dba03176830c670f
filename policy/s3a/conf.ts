/**
 * Reading a SparkApplication (sparkoperator.k8s.io/v1beta2) the way Spark will see it: its
 * effective sparkConf, its Hadoop configuration and its volumes. Pure functions, no engine.
 */
import { PER_BUCKET_PREFIX, SPARK_HADOOP_PREFIX } from "./facts";

/** The parts of a SparkApplication the checks read. Everything optional: input is untrusted. */
export interface SparkApplicationLike {
    apiVersion?: string;
    kind?: string;
    metadata?: { name?: string; namespace?: string };
    spec?: {
        type?: string;
        sparkVersion?: string;
        image?: string;
        mainApplicationFile?: string;
        arguments?: string[];
        sparkConf?: Record<string, string>;
        hadoopConf?: Record<string, string>;
        deps?: { jars?: string[]; packages?: string[]; files?: string[]; pyFiles?: string[] };
        volumes?: VolumeLike[];
        driver?: PodSpecLike;
        executor?: PodSpecLike;
    };
}

export interface VolumeLike {
    name?: string;
    persistentVolumeClaim?: { claimName?: string };
    nfs?: { server?: string; path?: string };
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
    for (const [k, v] of Object.entries(app.spec?.hadoopConf ?? {})) conf[SPARK_HADOOP_PREFIX + k] = String(v);
    for (const [k, v] of Object.entries(app.spec?.sparkConf ?? {})) conf[k] = String(v);
    return conf;
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
    readonly mountPath: string;
    /** "pvc" with its claim, "nfs", or "other" (emptyDir, hostPath, ...). */
    readonly kind: "pvc" | "nfs" | "other";
    readonly claimName?: string;
}

const NATIVE_VOLUME = /^spark\.kubernetes\.(driver|executor)\.volumes\.([A-Za-z]+)\.([^.]+)\.(.+)$/;

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
        const kind = e.type === "persistentVolumeClaim" ? "pvc" : e.type === "nfs" ? "nfs" : "other";
        mounts.push({
            volume: id.split("/")[1],
            mountPath: e.path,
            kind,
            claimName: e.claim,
        });
    }
    // Operator spec: spec.volumes + spec.<role>.volumeMounts
    const volumes = new Map((app.spec?.volumes ?? []).map((v) => [v.name, v] as const));
    for (const vm of app.spec?.[role]?.volumeMounts ?? []) {
        if (!vm.name || !vm.mountPath) continue;
        const v = volumes.get(vm.name);
        const kind = v?.persistentVolumeClaim ? "pvc" : v?.nfs ? "nfs" : "other";
        mounts.push({
            volume: vm.name,
            mountPath: vm.mountPath,
            kind,
            claimName: v?.persistentVolumeClaim?.claimName,
        });
    }
    return mounts;
}

/** Is `path` equal to or below `dir`? Both absolute POSIX paths. */
export function isUnder(path: string, dir: string): boolean {
    const d = dir.replace(/\/+$/, "");
    return path === d || path.startsWith(d + "/") || d === "";
}

/** Every string in the app that names an s3a:// location (arguments, main file, deps, conf). */
export function mentionsS3A(app: SparkApplicationLike, conf: Record<string, string>): boolean {
    const strings = [
        app.spec?.mainApplicationFile ?? "",
        ...(app.spec?.arguments ?? []),
        ...Object.values(conf),
        ...(app.spec?.deps?.jars ?? []),
        ...(app.spec?.deps?.files ?? []),
    ];
    return (
        strings.some((s) => typeof s === "string" && s.includes("s3a://")) ||
        Object.keys(hadoopView(conf)).some((k) => k.startsWith("fs.s3a."))
    );
}
