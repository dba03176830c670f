/**
 * Does a job commit files to s3a:// through Hadoop's output committers? The committer rules
 * (committer name, commit protocol, staging directory, ...) matter only where it does: Spark's
 * file sources (Parquet, ORC, CSV, JSON, text, saveAsTextFile, tables saved in a Hive-style
 * warehouse) commit through spark.sql.sources.commitProtocolClass and the Hadoop committer of the
 * destination's scheme. Other writers commit on their own, and never ask an S3A committer:
 *
 * - Delta Lake writes files with its own DelayedCommitProtocol and commits in _delta_log
 *   (delta-io/delta spark/src/main/scala/org/apache/spark/sql/delta/files/TransactionalWrite.scala,
 *   getCommitter);
 * - Iceberg writes data files through its DataSource V2 SparkWrite and commits a snapshot through
 *   its catalog (apache/iceberg spark/v3.5/spark/src/main/java/org/apache/iceberg/spark/source/SparkWrite.java);
 * - Hudi commits on its timeline through its write client (apache/hudi
 *   hudi-spark-datasource/hudi-spark-common/src/main/scala/org/apache/hudi/HoodieSparkSqlWriter.scala);
 * - Structured Streaming writes checkpoints through CheckpointFileManager and file sinks through
 *   spark.sql.streaming.commitProtocolClass, ManifestFileCommitProtocol by default (apache/spark
 *   sql/core/src/main/scala/org/apache/spark/sql/execution/streaming/FileStreamSink.scala);
 * - event logs are written by the EventLoggingListener with plain FileSystem streams.
 *
 * The judgement comes from what the manifest shows (the job's declaration first, then
 * arguments, conf, environment, table-format catalogs and extensions) and says why; where the
 * manifest cannot tell, it says so and the committer rules are reported as advice. A job set up
 * for a table format or Structured Streaming is taken to write through it (a Delta table is a
 * path, often passed as --output); plain files it also commits to s3a:// are declared in its
 * annotation.
 */
import { CLASSES, SPARK_KEYS, isS3ACommitter } from "./facts";
import { readDeclaration } from "./declarations";
import { isS3a, jobLocations, type Location } from "./locations";
import { isKnown, mentionsS3A, roleMounts, s3aUseUndetermined } from "./conf";
import type { JobView } from "./job";

export type WritesKind = "commits" | "none" | "undetermined";

export interface WritesJudgement {
    readonly kind: WritesKind;
    /** Why, as a clause: "s3a://lake/out follows --output". */
    readonly why: string;
    /** The s3a:// locations the job commits files to, as far as the manifest or declaration tells. */
    readonly outputs: readonly string[];
    /** The job's own declaration decided (outputs declared, or a waiver with its reason). */
    readonly declared?: { readonly kind: "outputs" } | { readonly kind: "none"; readonly reason: string };
    /** Why parts of the job's declaration were ignored. */
    readonly declarationProblems: readonly string[];
    /** Values the judgement depends on are unknown during preview. */
    readonly unknown: readonly string[];
}

/** A table format a job is set up for, and the setting that says so. */
export interface TableFormat {
    readonly name: "Iceberg" | "Delta Lake" | "Hudi";
    readonly evidence: string;
}

const FORMAT_CLASSES: readonly [TableFormat["name"], RegExp][] = [
    ["Iceberg", /^org\.apache\.iceberg\.spark\.(SparkCatalog|SparkSessionCatalog|extensions\.IcebergSparkSessionExtensions)$/],
    ["Delta Lake", /^(io\.delta\.sql\.DeltaSparkSessionExtension|org\.apache\.spark\.sql\.delta\.catalog\.DeltaCatalog)$/],
    ["Hudi", /^org\.apache\.spark\.sql\.hudi\.(HoodieSparkSessionExtension|catalog\.HoodieCatalog)$/],
];
const FORMAT_ARTIFACTS: readonly [TableFormat["name"], RegExp][] = [
    ["Iceberg", /^iceberg-spark-runtime/],
    ["Delta Lake", /^delta-(core|spark)$/],
    ["Hudi", /^hudi-(spark[\d.]*-bundle|utilities(-slim)?-bundle)$/],
];
/** Hudi's own ingestion programs (HoodieStreamer, and its old name HoodieDeltaStreamer). */
const HUDI_MAIN = /^org\.apache\.hudi\.utilities\.(streamer\.HoodieStreamer|deltastreamer\.HoodieDeltaStreamer)$/;

/** The table formats a job is set up for: its catalogs and session extensions, its jars, its main class. */
export function tableFormats(view: JobView): TableFormat[] {
    const found = new Map<TableFormat["name"], string>();
    for (const [key, value] of Object.entries(view.conf)) {
        if (!isKnown(value) || !(key === "spark.sql.extensions" || /^spark\.sql\.catalog\.[^.]+$/.test(key))) continue;
        for (const cls of value.split(",").map((c) => c.trim())) {
            for (const [name, re] of FORMAT_CLASSES) if (re.test(cls) && !found.has(name)) found.set(name, `${key}=${cls}`);
        }
    }
    for (const a of view.artifacts) {
        for (const [name, re] of FORMAT_ARTIFACTS) if (re.test(a.base) && !found.has(name)) found.set(name, a.text);
    }
    const main = typeof view.app.spec?.mainClass === "string" ? view.app.spec.mainClass : "";
    if (HUDI_MAIN.test(main) && !found.has("Hudi")) found.set("Hudi", `mainClass ${main}`);
    return [...found].map(([name, evidence]) => ({ name, evidence }));
}

/** Spark's own examples that write no files (the operator's and most platforms' smoke tests). */
function writesNothingExample(view: JobView): string | undefined {
    const spec = view.app.spec;
    const main = typeof spec?.mainClass === "string" ? spec.mainClass : "";
    const file = typeof spec?.mainApplicationFile === "string" ? spec.mainApplicationFile : "";
    if (/^org\.apache\.spark\.examples\.(JavaSparkPi|SparkPi)$/.test(main)) return `${main}, Spark's Pi example, writes no files`;
    if (/\/examples\/src\/main\/(python\/pi\.py|r\/pi\.R)$/.test(file)) return `${file}, Spark's Pi example, writes no files`;
    return undefined;
}

const list = (locs: readonly Location[]) => {
    const shown = locs.slice(0, 3).map((l) => `${l.uri} (${l.where})`);
    return locs.length > 3 ? `${shown.join(", ")} and ${locs.length - 3} more` : shown.join(", ");
};

/** Where a local output lands: the volume mounted there, when the manifest mounts one. */
function localTarget(view: JobView, uri: string, claimDrivers?: ReadonlyMap<string, string>): string {
    const path = uri.replace(/^file:\/\//, "");
    const mount = roleMounts(view.app, view.conf, "executor")
        .filter((m) => isKnown(m.mountPath) && (path === m.mountPath || path.startsWith(m.mountPath.replace(/\/+$/, "") + "/")))
        .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
    if (!mount) return uri;
    const driver = mount.claimName ? claimDrivers?.get(mount.claimName) : undefined;
    const what =
        driver === "s3.csi.aws.com" ? "a Mountpoint for Amazon S3 volume" : mount.kind === "pvc" ? "a volume" : `a ${mount.kind} volume`;
    return `${uri} on ${what}${mount.claimName ? ` (claim ${mount.claimName})` : ""}`;
}

/**
 * The S3A committer setting of the job's own conf, if it makes one (not Spark 4.1's defaults, and
 * not mapreduce.fileoutputcommitter.*, which tunes the classic committer wherever it writes): a job
 * that selects an S3A committer says that it commits files through it.
 */
function committerConfigured(view: JobView): string | undefined {
    const own = (key: string) => (view.defaulted.has(key) ? undefined : view.conf[key]);
    for (const [key, value] of Object.entries(view.conf)) {
        if (!key.startsWith("spark.hadoop.fs.s3a.") || !key.endsWith(".committer.name") || view.defaulted.has(key)) continue;
        if (isKnown(value) && isS3ACommitter(value.trim())) return `${key}=${value}`;
    }
    const protocol = own(SPARK_KEYS.commitProtocolClass);
    if (protocol === CLASSES.pathOutputCommitProtocol) return `${SPARK_KEYS.commitProtocolClass}=${protocol}`;
    return undefined;
}

/**
 * Judge what a job writes. `claimDrivers` (claim name -> CSI driver of its PersistentVolume), when
 * the stack or the manifests have them, only sharpens the reason given for local outputs.
 */
export function judgeWrites(view: JobView, claimDrivers?: ReadonlyMap<string, string>): WritesJudgement {
    const { declaration, problems } = readDeclaration(view.app);
    const base = { declarationProblems: problems, unknown: [] as string[] };
    if (declaration?.kind === "outputs") {
        return {
            ...base,
            kind: "commits",
            why: `its annotation declares that it commits files to ${declaration.outputs.join(", ")}`,
            outputs: declaration.outputs,
            declared: { kind: "outputs" },
        };
    }
    if (declaration?.kind === "none") {
        return { ...base, kind: "none", why: `its annotation waives them: ${declaration.reason}`, outputs: [], declared: declaration };
    }
    if (declaration?.kind === "unknown") {
        return {
            ...base,
            kind: "undetermined",
            why: "its declaration is unknown during preview",
            outputs: [],
            unknown: ["metadata.annotations"],
        };
    }

    if (!mentionsS3A(view.app, view.conf) && !s3aUseUndetermined(view.app, view.conf)) {
        return { ...base, kind: "none", why: "it does not use S3A (no s3a:// location, no fs.s3a.* setting)", outputs: [] };
    }
    const { locations, unknown } = jobLocations(view.app, view.conf);
    const s3aOut = locations.filter((l) => l.role === "output" && isS3a(l.uri));
    const outputs = [...new Set(s3aOut.map((l) => l.uri))];
    const otherOut = locations.filter((l) => l.role === "output" && !isS3a(l.uri));
    const unclassified = locations.filter((l) => l.role === "unknown" && isS3a(l.uri));
    const warehouses = locations.filter((l) => l.role === "warehouse" && isS3a(l.uri));
    const checkpoints = locations.filter((l) => l.role === "checkpoint");
    const judged = (kind: WritesKind, why: string, extra: Partial<WritesJudgement> = {}): WritesJudgement => ({
        ...base,
        kind,
        why,
        outputs,
        ...extra,
    });
    const commitsWhy = () => `${list(s3aOut)} ${s3aOut.length === 1 ? "is an output" : "are outputs"} of the job`;

    const example = writesNothingExample(view);
    if (example) return judged("none", example, { outputs: [] });
    // A job set up for a table format writes its tables through it: its s3a:// locations are taken for
    // tables (a Delta table is a path, often passed as --output); plain files next to them are declared.
    const formats = tableFormats(view);
    if (formats.length > 0) {
        const named = [...s3aOut, ...unclassified];
        return judged(
            "none",
            `it is set up for ${formats.map((f) => `${f.name} (${f.evidence})`).join(" and ")}, which ${formats.length === 1 ? "commits" : "commit"} through ${formats.length === 1 ? "its own log or catalog" : "their own logs or catalogs"}${named.length ? `; ${list(named)} ${named.length === 1 ? "is" : "are"} taken for tables` : ""}`,
            { outputs: [] },
        );
    }
    // Structured Streaming: checkpoints through CheckpointFileManager, file sinks through ManifestFileCommitProtocol
    if (checkpoints.length > 0) {
        return judged(
            "none",
            `it is a Structured Streaming job (${list(checkpoints)}): checkpoints and file sinks commit through their own logs, not Hadoop's output committers`,
            { outputs: [] },
        );
    }
    if (s3aOut.length > 0) return judged("commits", commitsWhy());
    const configured = committerConfigured(view);
    if (configured) return judged("commits", `its own conf selects an S3A committer (${configured}), so it commits files through it`);
    if (unknown.length > 0) {
        return judged("undetermined", `what it writes depends on values unknown during preview (${unknown.join(", ")})`, { unknown });
    }
    if (unclassified.length > 0) {
        return judged(
            "undetermined",
            `the manifest does not say whether ${list(unclassified)} ${unclassified.length === 1 ? "is an input or an output" : "are inputs or outputs"}`,
        );
    }
    if (otherOut.length > 0) {
        return judged("none", `its outputs are ${otherOut.map((l) => localTarget(view, l.uri, claimDrivers)).join(", ")}, not s3a://`);
    }
    if (warehouses.length > 0) {
        return judged("undetermined", `its warehouse is on s3a:// (${list(warehouses)}), where tables it saves are committed as files`);
    }
    const s3aNamed = locations.filter((l) => isS3a(l.uri));
    if (s3aNamed.length > 0) {
        return judged(
            "undetermined",
            `it names s3a:// only as ${[...new Set(s3aNamed.map((l) => ROLE_NAMES[l.role]))].join(" and ")} (${list(s3aNamed)}), and the manifest does not say where its code writes`,
        );
    }
    return judged("undetermined", "the manifest names no s3a:// location, only fs.s3a.* settings, so its code chooses where it writes");
}

const ROLE_NAMES: Record<Location["role"], string> = {
    output: "outputs",
    input: "inputs",
    checkpoint: "checkpoints",
    eventLog: "the event log",
    deps: "the application's files",
    warehouse: "a warehouse",
    unknown: "locations",
};
