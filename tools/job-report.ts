/**
 * What a finished DogLover run did, from what it left in the store: the committer's `_SUCCESS`
 * manifest of each output (committer, files, S3 requests of the commit), the objects written
 * (files, bytes) and the run's event log (application id, duration, jobs, tasks).
 *
 *   npm run report -- --stack dev                    # reads `pulumi stack output --show-secrets`
 *   npm run report -- --outputs outputs.json         # a saved `pulumi stack output --json`
 *        [--endpoint http://localhost:9000]          # e.g. the local stack's MinIO, port-forwarded
 *        [--format text|json|prometheus]
 *
 * Credentials: the stack's key pair when its outputs carry one (local, flashblade, accessKey),
 * else the AWS SDK's default chain (your own AWS profile or SSO session on the identity stacks).
 * `--format prometheus` prints the figures as metrics (spark_s3_job_*) for a Pushgateway: Spark's
 * own sinks export neither the committer's S3 requests nor its result.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import { GetObjectCommand, ListObjectsV2Command, S3Client, type _Object } from "@aws-sdk/client-s3";
import { decompress } from "fzstd";

export interface StackOutputs {
    bucket: string;
    s3Endpoint?: { url?: string; region?: string; pathStyle?: boolean };
    s3AccessKeyId?: string;
    s3SecretAccessKey?: string;
    sparkApplication?: string;
    output?: string;
    aggregates?: string;
    rejects?: string;
    eventLogDirectory?: string;
}

/** The committer's manifest (hadoop-aws SuccessData), as far as the report reads it. */
export interface SuccessData {
    name?: string;
    success?: boolean;
    committer?: string;
    date?: string;
    jobId?: string;
    hostname?: string;
    filenames?: string[];
    metrics?: Record<string, number>;
    diagnostics?: Record<string, string>;
}

/** S3 requests of the commit, by kind (the manifest's S3A statistics; zero kinds are left out). */
export const REQUEST_KINDS: Record<string, string> = {
    put: "object_put_request",
    multipart_initiated: "object_multipart_initiated",
    multipart_aborted: "object_multipart_aborted",
    list: "object_list_request",
    head: "object_metadata_request",
    delete: "object_delete_request",
    bulk_delete: "object_bulk_delete_request",
    copy: "object_copy_requests",
    continue_list: "object_continue_list_request",
};

export interface OutputReport {
    name: string;
    path: string;
    committer: string;
    success: boolean;
    /** File names the _SUCCESS manifest lists: at most 100 (Hadoop caps the list), so `files` (the listing) is the count. */
    committedFiles: number;
    /** What the store holds under the path now, _SUCCESS left out. */
    files: number;
    bytes: number;
    commitsCompleted: number;
    s3Requests: Record<string, number>;
}

export interface RunReport {
    application?: {
        id: string;
        name: string;
        durationSeconds?: number;
        jobs: number;
        tasks: number;
        failedTasks: number;
        /** Job commit (driver) and task commit (all tasks, summed) of the run's writes. */
        jobCommitSeconds: number;
        taskCommitSeconds: number;
        completed: boolean;
    };
    eventLogDirectory?: string;
    outputs: OutputReport[];
}

export function parseS3a(uri: string): { bucket: string; key: string } {
    const m = /^s3a?:\/\/([^/]+)\/?(.*)$/.exec(uri);
    if (!m) throw new Error(`not an s3a:// location: ${uri}`);
    return { bucket: m[1], key: m[2].replace(/\/+$/, "") };
}

/** One output's figures from its manifest and listing (pure). */
export function outputReport(name: string, path: string, success: SuccessData | undefined, listing: _Object[]): OutputReport {
    const data = listing.filter((o) => !o.Key!.endsWith("/_SUCCESS") && !o.Key!.endsWith("/"));
    const m = success?.metrics ?? {};
    const s3Requests = Object.fromEntries(
        Object.entries(REQUEST_KINDS)
            .map(([kind, key]) => [kind, Number(m[key] ?? 0)] as const)
            .filter(([, n]) => n > 0),
    );
    return {
        name,
        path,
        committer: success ? (success.committer ?? "unknown") : "classic (0-byte _SUCCESS) or none",
        success: success?.success ?? false,
        committedFiles: success?.filenames?.length ?? 0,
        files: data.length,
        bytes: data.reduce((n, o) => n + (o.Size ?? 0), 0),
        commitsCompleted: Number(m["committer_commits_completed"] ?? 0),
        s3Requests,
    };
}

/** The fields of SparkListener events (JsonProtocol) the report reads. */
interface SparkEvent {
    Event: string;
    "App ID"?: string;
    "App Name"?: string;
    Timestamp?: number;
    "Task End Reason"?: { Reason?: string };
    "Task Info"?: { Accumulables?: { ID: number; Update?: string | number }[] };
    sparkPlanInfo?: PlanInfo;
    accumUpdates?: [number, number][];
}

interface PlanInfo {
    metrics?: { name: string; accumulatorId: number }[];
    children?: PlanInfo[];
}

/** SQL metrics of a write (InsertIntoHadoopFsRelationCommand, BasicWriteJobStatsTracker), in ms. */
const COMMIT_METRICS = { job: "job commit time", task: "task commit time" } as const;

function planMetricIds(plan: PlanInfo | undefined, name: string, into: Set<number>): Set<number> {
    for (const m of plan?.metrics ?? []) if (m.name === name) into.add(m.accumulatorId);
    for (const c of plan?.children ?? []) planMetricIds(c, name, into);
    return into;
}

/** A run's application facts from its event log lines (SparkListener events, one JSON per line). */
export function applicationFromEvents(lines: Iterable<string>): RunReport["application"] {
    let id = "",
        name = "",
        start: number | undefined,
        end: number | undefined;
    let jobs = 0,
        tasks = 0,
        failedTasks = 0,
        jobCommitMs = 0,
        taskCommitMs = 0;
    const jobCommitIds = new Set<number>();
    const taskCommitIds = new Set<number>();
    for (const line of lines) {
        if (!line.trim()) continue;
        const e = JSON.parse(line) as SparkEvent;
        switch (e.Event) {
            case "SparkListenerApplicationStart":
                id = e["App ID"] ?? "";
                name = e["App Name"] ?? "";
                start = e.Timestamp;
                break;
            case "SparkListenerApplicationEnd":
                end = e.Timestamp;
                break;
            case "SparkListenerJobEnd":
                jobs++;
                break;
            case "SparkListenerTaskEnd":
                tasks++;
                if (e["Task End Reason"]?.Reason !== "Success") failedTasks++;
                for (const acc of e["Task Info"]?.Accumulables ?? []) {
                    if (taskCommitIds.has(acc.ID)) taskCommitMs += Number(acc.Update ?? 0);
                }
                break;
            case "org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart":
            case "org.apache.spark.sql.execution.ui.SparkListenerSQLAdaptiveExecutionUpdate":
                planMetricIds(e.sparkPlanInfo, COMMIT_METRICS.job, jobCommitIds);
                planMetricIds(e.sparkPlanInfo, COMMIT_METRICS.task, taskCommitIds);
                break;
            case "org.apache.spark.sql.execution.ui.SparkListenerDriverAccumUpdates":
                for (const [id, v] of e.accumUpdates ?? []) if (jobCommitIds.has(id)) jobCommitMs += Number(v);
                break;
        }
    }
    if (!id) return undefined;
    return {
        id,
        name,
        durationSeconds: start !== undefined && end !== undefined ? (end - start) / 1000 : undefined,
        jobs,
        tasks,
        failedTasks,
        jobCommitSeconds: jobCommitMs / 1000,
        taskCommitSeconds: taskCommitMs / 1000,
        completed: end !== undefined,
    };
}

export function formatText(r: RunReport): string {
    const out: string[] = [];
    const a = r.application;
    if (a) {
        const d = a.durationSeconds !== undefined ? `${a.durationSeconds.toFixed(1)} s` : "still running (no end event)";
        out.push(
            `application ${a.name} (${a.id}): ${d}, ${a.jobs} jobs, ${a.tasks} tasks (${a.failedTasks} failed); ` +
                `commit: job ${a.jobCommitSeconds.toFixed(2)} s, tasks ${a.taskCommitSeconds.toFixed(2)} s (summed)`,
        );
    } else {
        out.push(`no event log found under ${r.eventLogDirectory ?? "(no eventLogDirectory output)"}`);
    }
    for (const o of r.outputs) {
        const req = Object.entries(o.s3Requests)
            .map(([k, n]) => `${k} ${n}`)
            .join(", ");
        out.push(
            `${o.name}: ${o.path}\n  committer ${o.committer}${o.success ? "" : " (NOT successful)"}; ${o.files} files, ${fmtBytes(o.bytes)}; ` +
                `${o.commitsCompleted} uploads committed; S3 requests of the commit: ${req || "none recorded"}`,
        );
    }
    return out.join("\n") + "\n";
}

export function formatPrometheus(r: RunReport): string {
    const app = r.application?.name ?? "unknown";
    const lines: string[] = [];
    const metric = (name: string, help: string, samples: [Record<string, string>, number][]) => {
        lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
        for (const [labels, v] of samples) {
            const l = Object.entries({ application: app, ...labels })
                .map(([k, x]) => `${k}="${x.replace(/["\\\n]/g, "_")}"`)
                .join(",");
            lines.push(`${name}{${l}} ${v}`);
        }
    };
    if (r.application?.durationSeconds !== undefined) {
        metric("spark_s3_job_duration_seconds", "Run time from the event log.", [[{}, r.application.durationSeconds]]);
    }
    if (r.application) {
        metric("spark_s3_job_commit_seconds", "Commit time of the run's writes from the event log (task: summed over tasks).", [
            [{ phase: "job" }, r.application.jobCommitSeconds],
            [{ phase: "task" }, r.application.taskCommitSeconds],
        ]);
    }
    metric(
        "spark_s3_job_files_written",
        "Data files under each output.",
        r.outputs.map((o) => [{ output: o.name, committer: o.committer }, o.files]),
    );
    metric(
        "spark_s3_job_bytes_written",
        "Bytes under each output.",
        r.outputs.map((o) => [{ output: o.name, committer: o.committer }, o.bytes]),
    );
    metric(
        "spark_s3_job_commit_s3_requests",
        "S3 requests of the job commit by kind (the committer's _SUCCESS statistics).",
        r.outputs.flatMap((o) =>
            Object.entries(o.s3Requests).map(([kind, n]): [Record<string, string>, number] => [{ output: o.name, kind }, n]),
        ),
    );
    return lines.join("\n") + "\n";
}

function fmtBytes(n: number): string {
    return n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
}

// --- I/O ----------------------------------------------------------------------------------------

async function listAll(s3: S3Client, bucket: string, prefix: string): Promise<_Object[]> {
    const out: _Object[] = [];
    let token: string | undefined;
    do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        out.push(...(page.Contents ?? []));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
}

async function getBytes(s3: S3Client, bucket: string, key: string): Promise<Uint8Array> {
    const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return r.Body!.transformToByteArray();
}

/** The newest event log of `appName` under `dir` (rolled, maybe zstd-compressed), as lines. */
async function eventLogLines(s3: S3Client, dir: string, appName: string | undefined): Promise<string[] | undefined> {
    const { bucket, key } = parseS3a(dir);
    const objects = await listAll(s3, bucket, `${key}/`);
    // Rolling logs: <dir>/eventlog_v2_<appId>/events_<n>_<appId>[.zstd]; one dir per run.
    const runs = new Map<string, _Object[]>();
    for (const o of objects) {
        const m = /\/(eventlog_v2_[^/]+)\/events_(\d+)_/.exec(o.Key!);
        if (m) runs.set(m[1], [...(runs.get(m[1]) ?? []), o]);
    }
    const newest = [...runs.values()]
        .map((files) => ({ files, time: Math.max(...files.map((f) => f.LastModified?.getTime() ?? 0)) }))
        .sort((a, b) => b.time - a.time);
    for (const run of newest) {
        const files = run.files.sort((a, b) => index(a.Key!) - index(b.Key!));
        const lines: string[] = [];
        for (const f of files) {
            const raw = await getBytes(s3, bucket, f.Key!);
            const text = Buffer.from(f.Key!.endsWith(".zstd") ? decompress(raw) : raw).toString("utf8");
            lines.push(...text.split("\n"));
        }
        const app = applicationFromEvents(lines);
        if (app && (!appName || app.name === appName)) return lines;
    }
    return undefined;
}

function index(key: string): number {
    return Number(/\/events_(\d+)_/.exec(key)?.[1] ?? 0);
}

export async function report(outputs: StackOutputs, opts: { endpoint?: string }): Promise<RunReport> {
    const url = opts.endpoint ?? outputs.s3Endpoint?.url;
    const s3 = new S3Client({
        region: outputs.s3Endpoint?.region ?? process.env.AWS_REGION ?? "us-east-1",
        ...(url ? { endpoint: url, forcePathStyle: outputs.s3Endpoint?.pathStyle ?? true } : {}),
        ...(outputs.s3AccessKeyId && outputs.s3SecretAccessKey
            ? { credentials: { accessKeyId: outputs.s3AccessKeyId, secretAccessKey: outputs.s3SecretAccessKey } }
            : {}),
    });
    const result: RunReport = { eventLogDirectory: outputs.eventLogDirectory, outputs: [] };
    if (outputs.eventLogDirectory) {
        const lines = await eventLogLines(s3, outputs.eventLogDirectory, outputs.sparkApplication);
        if (lines) result.application = applicationFromEvents(lines);
    }
    for (const name of ["output", "aggregates", "rejects"] as const) {
        const path = outputs[name];
        if (!path) continue;
        const { bucket, key } = parseS3a(path);
        const listing = await listAll(s3, bucket, `${key}/`);
        let success: SuccessData | undefined;
        if (listing.some((o) => o.Key === `${key}/_SUCCESS` && (o.Size ?? 0) > 0)) {
            success = JSON.parse(Buffer.from(await getBytes(s3, bucket, `${key}/_SUCCESS`)).toString("utf8")) as SuccessData;
        }
        result.outputs.push(outputReport(name, path, success, listing));
    }
    return result;
}

function parseArgs(argv: string[]) {
    const a: { stack?: string; outputs?: string; endpoint?: string; format: "text" | "json" | "prometheus" } = { format: "text" };
    for (let i = 0; i < argv.length; i += 2) {
        const [flag, value] = [argv[i], argv[i + 1]];
        if (value === undefined) throw new Error(`${flag} needs a value`);
        if (flag === "--stack") a.stack = value;
        else if (flag === "--outputs") a.outputs = value;
        else if (flag === "--endpoint") a.endpoint = value;
        else if (flag === "--format" && ["text", "json", "prometheus"].includes(value)) a.format = value as typeof a.format;
        else throw new Error(`unknown flag or value: ${flag} ${value}`);
    }
    if (!a.stack && !a.outputs)
        throw new Error("usage: job-report (--stack NAME | --outputs FILE) [--endpoint URL] [--format text|json|prometheus]");
    return a;
}

async function main() {
    const a = parseArgs(process.argv.slice(2));
    const json = a.outputs
        ? fs.readFileSync(a.outputs, "utf8")
        : execFileSync("pulumi", ["stack", "output", "--json", "--show-secrets", "--stack", a.stack!], { encoding: "utf8" });
    const r = await report(JSON.parse(json) as StackOutputs, { endpoint: a.endpoint });
    process.stdout.write(
        a.format === "json" ? JSON.stringify(r, null, 1) + "\n" : a.format === "prometheus" ? formatPrometheus(r) : formatText(r),
    );
}

if (require.main === module) {
    main().catch((e: unknown) => {
        process.stderr.write(`job-report: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(1);
    });
}
