/**
 * One job, read from an entry of `spark-s3:jobs` or from SparkJob's args: the same fields
 * (job/keys.ts), the same checks, every problem named by its key path
 * (`spark-s3:jobs.nightly.executorInstances`, `args.executorInstances`).
 */
import * as fs from "fs";
import * as path from "path";
import type { ConflictMode, S3ACommitter } from "../../policy/s3a/facts";
import type { SparkRuntime } from "../../policy/s3a/versions";
import { keyValues } from "../config/checks";
import { qualify, unknownKeys, type KeySpec, type Reader } from "../config/reader";
import { codeBundle, codeFileList, uriProblem } from "./code";
import { overrideProblems } from "./conf-check";
import { JOB_FIELDS, type CONCURRENCY_POLICIES, type JOB_TYPES } from "./keys";
import { cronProblem, timeZoneProblem } from "./schedule";

export interface JobSchedule {
    readonly cron: string;
    readonly timeZone: string;
    readonly suspend: boolean;
    readonly concurrencyPolicy: (typeof CONCURRENCY_POLICIES)[number];
    readonly successfulRunHistoryLimit: number;
    readonly failedRunHistoryLimit: number;
}

/** A job as the SparkJob component builds it; undefined fields take the platform's defaults. */
export interface JobSpec {
    readonly type: (typeof JOB_TYPES)[number];
    /** Absolute path of the code folder, or "". */
    readonly codeDir: string;
    /** The files shipped from codeDir (relative to it). */
    readonly codeFiles: readonly string[];
    readonly mainFile: string;
    readonly mainClass: string;
    readonly arguments: readonly string[];
    readonly jars: readonly string[];
    readonly pyFiles: readonly string[];
    readonly files: readonly string[];
    readonly packages: readonly string[];
    readonly image: string;
    readonly driverCores?: number;
    readonly driverMemory?: string;
    readonly executorInstances?: number;
    readonly executorCores?: number;
    readonly executorMemory?: string;
    readonly committer?: S3ACommitter;
    readonly conflictMode?: ConflictMode;
    readonly sparkConf: Readonly<Record<string, string>>;
    readonly waitForCompletion?: boolean;
    readonly timeoutMinutes?: number;
    readonly run?: string;
    readonly schedule?: JobSchedule;
}

/** Job names become resource names, Kubernetes names and key paths. */
export const JOB_NAME = /^[a-z]([-a-z0-9]{0,28}[a-z0-9])?$/;
const MAVEN = /^[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+:[A-Za-z0-9_.+-]+$/;
const SCHEDULE_ONLY = ["timeZone", "suspend", "concurrencyPolicy", "successfulRunHistoryLimit", "failedRunHistoryLimit"] as const;
const RUN_ONLY = ["waitForCompletion", "timeoutMinutes", "run"] as const;

/** Every field of an entry, for the unknown-field check and the docs. */
export const JOB_FIELD_SPECS = Object.values(JOB_FIELDS) as KeySpec<unknown>[];

/**
 * Read one job. `keys`: the fields the entry sets (unknown ones are problems); `baseDir`: what
 * codeDir is relative to. Platform-dependent checks (conf, s3a:// code) are in jobPlatformProblems.
 */
export function readJobSpec(r: Reader, keys: Iterable<string>, baseDir: string): JobSpec {
    const f = JOB_FIELDS;
    const set = new Set(keys);
    unknownKeys(r, set, JOB_FIELD_SPECS, "a field of a job", "the fields are listed in docs/jobs.md");
    const type = r.get(f.type) as JobSpec["type"];
    const codeDirRaw = r.get(f.codeDir);
    const codeDir = codeDirRaw === "" ? "" : path.resolve(baseDir, codeDirRaw);
    let codeFiles: string[] = [];
    if (codeDir !== "" && !(fs.existsSync(codeDir) && fs.statSync(codeDir).isDirectory())) {
        r.failOn(f.codeDir, `cannot ship ${codeDirRaw}: ${codeDir} is not a folder (codeDir is relative to the project)`);
    } else if (codeDir !== "") {
        try {
            codeFiles = codeFileList(codeDir, r.get(f.codeFiles));
            codeBundle(codeDir, codeFiles);
        } catch (e) {
            r.failOn(f.codeDir, `cannot ship ${codeDirRaw}: ${e instanceof Error ? e.message : String(e)}`);
        }
    }
    const mainFile = r.get(f.mainFile);
    if (mainFile === "") r.failOn(f.mainFile, "is required: the job's main file (in codeDir) or its URI");
    const mainClass = r.get(f.mainClass);
    if (type !== "Python" && mainClass === "") r.failOn(f.mainClass, `is required for a ${type} job`);
    if (type === "Python" && mainClass !== "") r.failOn(f.mainClass, "applies to Scala and Java jobs only");
    const packages = r.get(f.packages);
    for (const p of packages)
        if (!MAVEN.test(p)) r.fail(f.packages.key, `"${p}" is not a Maven coordinate (group:artifact:version)`, f.packages.example);
    const { map: sparkConf, bad } = keyValues(r.get(f.sparkConf));
    for (const item of bad) r.fail(f.sparkConf.key, `item ${JSON.stringify(item)} is not of the form key=value`, f.sparkConf.example);

    const cron = r.get(f.schedule);
    if (cron !== "") {
        const p = cronProblem(cron);
        if (p) r.failOn(f.schedule, p);
        for (const key of RUN_ONLY)
            if (set.has(key)) r.fail(key, "applies to jobs without schedule (the operator runs a scheduled job)", "(remove it)");
    } else {
        for (const key of SCHEDULE_ONLY) if (set.has(key)) r.fail(key, "applies to scheduled jobs only (set schedule)", "(remove it)");
    }
    const timeZone = r.get(f.timeZone);
    const tzProblem = timeZoneProblem(timeZone);
    if (tzProblem) r.failOn(f.timeZone, tzProblem);

    return {
        type,
        codeDir,
        codeFiles,
        mainFile,
        mainClass,
        arguments: r.get(f.arguments),
        jars: r.get(f.jars),
        pyFiles: r.get(f.pyFiles),
        files: r.get(f.files),
        packages,
        image: r.get(f.image),
        driverCores: r.get(f.driverCores),
        driverMemory: r.get(f.driverMemory),
        executorInstances: r.get(f.executorInstances),
        executorCores: r.get(f.executorCores),
        executorMemory: r.get(f.executorMemory),
        committer: r.get(f.committer) as S3ACommitter | undefined,
        conflictMode: r.get(f.conflictMode) as ConflictMode | undefined,
        sparkConf,
        waitForCompletion: r.get(f.waitForCompletion),
        timeoutMinutes: r.get(f.timeoutMinutes),
        run: r.get(f.run),
        schedule:
            cron === ""
                ? undefined
                : {
                      cron,
                      timeZone,
                      suspend: r.get(f.suspend),
                      concurrencyPolicy: r.get(f.concurrencyPolicy) as JobSchedule["concurrencyPolicy"],
                      successfulRunHistoryLimit: r.get(f.successfulRunHistoryLimit),
                      failedRunHistoryLimit: r.get(f.failedRunHistoryLimit),
                  },
    };
}

/** What a job's checks need from its platform. */
export interface JobPlatformContext {
    readonly runtime: SparkRuntime;
    readonly committer: S3ACommitter;
    readonly conflictMode: ConflictMode;
    readonly platformConf: Readonly<Record<string, string>>;
    readonly stagingMountPath: string;
    readonly s3Region: string;
    readonly operatorReadsS3a: boolean;
}

/** The checks that need the platform: code and dependency URIs, and the job's conf. */
export function jobPlatformProblems(r: Reader, job: JobSpec, p: JobPlatformContext): void {
    const f = JOB_FIELDS;
    // No files: the folder itself was the problem (reported by readJobSpec).
    const ctx = { codeDir: job.codeDir, shipped: job.codeFiles.length ? job.codeFiles : undefined, operatorReadsS3a: p.operatorReadsS3a };
    const main = uriProblem(job.mainFile, ctx);
    if (job.mainFile !== "" && main) r.failOn(f.mainFile, main);
    for (const s of [f.jars, f.pyFiles, f.files]) {
        for (const ref of job[s.key as "jars" | "pyFiles" | "files"]) {
            const problem = uriProblem(ref, ctx);
            if (problem) r.fail(s.key, problem, s.example);
        }
    }
    if (Object.keys(job.sparkConf).length === 0) return;
    for (const problem of overrideProblems(
        { ...p.platformConf, ...job.sparkConf },
        {
            runtime: p.runtime,
            committer: job.committer ?? p.committer,
            conflictMode: job.conflictMode ?? p.conflictMode,
            stagingMountPath: p.stagingMountPath,
            s3Region: p.s3Region,
            field: (name) => qualify(r.naming.path(name)),
        },
    )) {
        r.fail(f.sparkConf.key, problem, '["spark.sql.shuffle.partitions=64"]');
    }
}
