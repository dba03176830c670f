"""Committer benchmark: classic FileOutputCommitter v1 and v2 against the S3A directory,
partitioned and magic committers, side by side, on real Spark and a real MinIO on 127.0.0.1.

    npm run bench:committers                              # full matrix (about 45 min on 2 cores)
    npm run bench:committers -- --quick                   # a few minutes, small sizes
    npm run bench:committers -- --chart docs/committers.png   # also write the chart there

Two topologies: `local[2]` (driver and tasks in one JVM) and `local-cluster[2,1,1024]` (two
executors in their own JVMs, the shape of the program's pods), both with the committer jars on
the JVMs' class path as the image provides them (no spark.jars.packages). The staging
committers stage on a directory standing for the shared volume (`staging.tmp.path`); S3A's
buffer (`fs.s3a.buffer.dir`) is on a local directory, and in one setup on the shared one.

Same input, same output layout (Parquet, uncompressed, partitioned by p, one file per task and
partition), per session the variants run interleaved so machine drift hits them alike; each
repetition walks every setup (a Spark session each: topology and buffer placement need new JVMs)
before the next starts. Per write it records total time, job-commit and task-commit time
(Spark's SQL metrics), the tasks' run time (stage metrics: write = run time - task commit),
objects and bytes written (listing MinIO), S3 requests by kind as the server counted them
(MinIO's per-API counters, every JVM included), the S3A IOStatistics counters of the committer's
`_SUCCESS`, the driver's peak heap and the load average. The raw limit: the same number of
objects of the same size uploaded through S3A from the driver with as many concurrent streams as
the job has task slots. Filesystem settings (buffer type, part size, pool) run on buckets of
their own (per-bucket options) in one session with the program's settings on the main bucket as
the control, interleaved.

Writes results/committers.{md,json,png} (generated, not committed); `--chart` writes the chart
elsewhere too (docs/committers.png is committed). Not a test: no timing assertions.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import glob
import json
import os
import platform
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "jobs" / "doglover"))

import localrun  # noqa: E402

CLASSIC_PROTOCOL = "org.apache.spark.sql.execution.datasources.SQLHadoopMapReduceCommitProtocol"
CLASSIC_PARQUET = "org.apache.parquet.hadoop.ParquetOutputCommitter"

#: variant -> (SQL conf, Hadoop conf); everything else is the program's profile.
VARIANTS: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "classic-v1": ({"spark.sql.sources.commitProtocolClass": CLASSIC_PROTOCOL, "spark.sql.parquet.output.committer.class": CLASSIC_PARQUET},
                   {"fs.s3a.committer.name": "file", "mapreduce.fileoutputcommitter.algorithm.version": "1"}),
    "classic-v2": ({"spark.sql.sources.commitProtocolClass": CLASSIC_PROTOCOL, "spark.sql.parquet.output.committer.class": CLASSIC_PARQUET},
                   {"fs.s3a.committer.name": "file", "mapreduce.fileoutputcommitter.algorithm.version": "2"}),
    "directory": ({}, {"fs.s3a.committer.name": "directory"}),
    "partitioned": ({}, {"fs.s3a.committer.name": "partitioned", "fs.s3a.committer.staging.conflict-mode": "replace"}),
    "magic": ({}, {"fs.s3a.committer.name": "magic"}),
}
BASELINE = "classic-v1"
S3A = ("directory", "partitioned", "magic")
#: Job-conf variations (read by the committer from the job's conf: no new session needed).
JOB_TUNING = {"threads-64": {"fs.s3a.committer.threads": "64"}}
#: Filesystem settings, each on a bucket of its own (per-bucket options fs.s3a.bucket.NAME.*):
#: S3A makes a filesystem per bucket, so they run in one session with the control (the program's
#: bucket), interleaved, and the executors' cached filesystems cannot mix them up.
BUCKET_TUNING = {"array": {"fs.s3a.fast.upload.buffer": "array"},
                 "bytebuffer": {"fs.s3a.fast.upload.buffer": "bytebuffer"},
                 "parts-16m": {"fs.s3a.multipart.size": "16M", "fs.s3a.fast.upload.active.blocks": "8"},
                 "pool-16": {"fs.s3a.threads.max": "16", "fs.s3a.connection.maximum": "16"}}
#: The S3A throughput keys the program sets (components/s3a-profile.ts DEFAULT_TUNING).
TUNING_KEYS = ("fs.s3a.threads.max", "fs.s3a.connection.maximum", "fs.s3a.committer.threads",
               "fs.s3a.fast.upload.buffer", "fs.s3a.fast.upload.active.blocks", "fs.s3a.multipart.size")
TOPOLOGIES = {"local": "local[2]", "cluster": "local-cluster[2,1,1024]"}
SLOTS = 2  # task slots in both topologies (and concurrent streams of the raw PUT)
ROW_BYTES = 1024  # payload per row; written PLAIN (no dictionary) and uncompressed, so bytes = rows x 1 KiB
#: Files per task at most this many tasks: more files come from more partitions per task (so
#: the file count, which drives commit cost, grows without Spark's per-task cost growing too).
MAX_TASKS = 256
#: S3 APIs as MinIO names them, grouped for the tables.
API_KINDS = {"put": ("putobject", "putobjectpart", "newmultipartupload", "completemultipartupload"),
             "copy": ("copyobject", "copyobjectpart"), "head": ("headobject", "headbucket"),
             "list": ("listobjectsv1", "listobjectsv2", "listmultipartuploads", "listobjectparts"),
             "get": ("getobject",), "delete": ("deleteobject", "deletemultipleobjects", "abortmultipartupload")}


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


class Setup:
    """One Spark session's shape: topology, S3A buffer placement and filesystem settings."""

    def __init__(self, name, topology, buffer="local", fs=None):
        self.name, self.topology, self.buffer, self.fs = name, topology, buffer, dict(fs or {})


class Run:
    def __init__(self, variant, size_mib, files, rep, setup="cluster", tuning="program"):
        self.variant, self.size_mib, self.files, self.rep, self.setup, self.tuning = variant, size_mib, files, rep, setup, tuning
        self.total_s = self.job_commit_s = self.task_commit_s = self.run_s = 0.0
        self.objects = self.bytes = self.requests = self.copies = 0
        self.api: dict[str, int] = {}
        self.iostats: dict[str, int] = {}
        self.peak_heap_mib = 0.0
        self.load = 0.0


def minio_api_counts(minio) -> dict[str, int]:
    """MinIO's own S3 request counters by API (every client: all JVMs)."""
    # Metrics v3: counted as requests arrive (v2's node metrics are cached for about 10 s).
    text = urllib.request.urlopen(f"{minio.url}/minio/metrics/v3/api/requests", timeout=10).read().decode()
    out: dict[str, int] = {}
    for m in re.finditer(r'^minio_api_requests_total\{name="([A-Za-z0-9]+)"[^}]*type="s3"[^}]*\} ([0-9.e+]+)$', text, re.M):
        out[m.group(1).lower()] = out.get(m.group(1).lower(), 0) + int(float(m.group(2)))
    return out


def api_delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {k: v - before.get(k, 0) for k, v in after.items() if v - before.get(k, 0) > 0}


def kinds(api: dict[str, int]) -> dict[str, int]:
    out = {k: sum(api.get(a, 0) for a in names) for k, names in API_KINDS.items()}
    out["other"] = sum(api.values()) - sum(out.values())
    return out


def parse_ms(value: str) -> float:
    """'1.2 s' / '345 ms' / 'total (...)\n886 ms (...)' -> seconds."""
    m = re.search(r"([0-9.,]+)\s*(ms|s|m|h)\b", value.split("\n")[-1] if "\n" in value else value)
    if not m:
        return 0.0
    n = float(m.group(1).replace(",", ""))
    return n / 1000 if m.group(2) == "ms" else n * {"s": 1, "m": 60, "h": 3600}[m.group(2)]


def last_execution(spark) -> int:
    sc = spark.sparkContext
    data = json.load(urllib.request.urlopen(f"{sc.uiWebUrl}/api/v1/applications/{sc.applicationId}/sql?details=false&length=5000"))
    return max((e["id"] for e in data), default=-1)


def write_metrics(spark, after: int) -> tuple[float, float, float]:
    """(job commit s, task commit s summed over tasks, task run time s summed over tasks) of the
    write: the first SQL execution after `after` that wrote files. Spark's listeners update the
    metrics asynchronously (late on a busy machine), so wait until they are there."""
    sc = spark.sparkContext
    api = f"{sc.uiWebUrl}/api/v1/applications/{sc.applicationId}"
    deadline = time.monotonic() + 60
    while True:
        data = json.load(urllib.request.urlopen(f"{api}/sql?details=true&length=5000"))
        for execution in sorted((e for e in data if e["id"] > after), key=lambda e: e["id"]):
            for node in execution.get("nodes", []):
                if "InsertIntoHadoopFsRelationCommand" not in node.get("nodeName", ""):
                    continue
                metrics = {m["name"]: m["value"] for m in node.get("metrics", [])}
                if execution.get("status") != "COMPLETED" or "job commit time" not in metrics or "task commit time" not in metrics:
                    break
                run_ms = 0
                for job in execution.get("successJobIds", []):
                    for stage in json.load(urllib.request.urlopen(f"{api}/jobs/{job}"))["stageIds"]:
                        run_ms += sum(a.get("executorRunTime", 0) for a in json.load(urllib.request.urlopen(f"{api}/stages/{stage}")))
                return (parse_ms(metrics["job commit time"]), parse_ms(metrics["task commit time"]), run_ms / 1000)
        if time.monotonic() > deadline:
            log("no SQL metrics for the write (Spark's listener did not catch up in 60 s)")
            return 0.0, 0.0, 0.0
        time.sleep(0.5)


class HeapSampler:
    """Peak JVM heap of the driver in use during a write (sampled every 50 ms)."""

    def __init__(self, spark):
        self.rt = spark._jvm.java.lang.Runtime.getRuntime()
        self.peak = 0
        self._stop = threading.Event()

    def __enter__(self):
        self.rt.gc()
        self._t = threading.Thread(target=self._loop, daemon=True)
        self._t.start()
        return self

    def _loop(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.rt.totalMemory() - self.rt.freeMemory())
            self._stop.wait(0.05)

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()


def shape(files: int) -> tuple[int, int]:
    """(tasks, partition directories) for `files` output files."""
    tasks = min(files, MAX_TASKS)
    return tasks, max(4, files // tasks)


def dataset(spark, size_mib: int, files: int):
    """size_mib of rows in `tasks` partitions; each task's rows fall into files/tasks values of
    p (contiguous ids, p = file index mod directories), so the write makes exactly `files` files."""
    from pyspark.sql import functions as F
    tasks, dirs = shape(files)
    rows = size_mib * 1024 * 1024 // ROW_BYTES
    per = max(1, rows // files)
    payload = F.concat(F.lit("x" * (ROW_BYTES - 16)), F.lpad(F.col("id").cast("string"), 16, "0"))
    return (spark.range(0, rows, 1, numPartitions=tasks)
            .withColumn("p", (F.floor(F.col("id") / per) % dirs).cast("int"))
            .withColumn("payload", payload))


def apply_variant(spark, variant: str, job_tuning: dict[str, str]):
    """Committer settings of `variant` on the driver's Hadoop conf (each write's job conf, which
    the executors get with the tasks); the session's own settings stay."""
    sql, hadoop = VARIANTS[variant]
    hconf = spark.sparkContext._jsc.hadoopConfiguration()
    session = spark.sparkContext.getConf()
    for k in {k for _, h in VARIANTS.values() for k in h} | {k for t in JOB_TUNING.values() for k in t}:
        if session.contains("spark.hadoop." + k):
            hconf.set(k, session.get("spark.hadoop." + k))
        else:
            hconf.unset(k)
    for k, v in {**hadoop, **job_tuning}.items():
        hconf.set(k, v)
    for k, d in base_sql().items():
        spark.conf.set(k, sql.get(k, d))


def base_sql() -> dict[str, str]:
    return {"spark.sql.sources.commitProtocolClass": "org.apache.spark.internal.io.cloud.PathOutputCommitProtocol",
            "spark.sql.parquet.output.committer.class": "org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter"}


def one_write(spark, minio, bucket, prefix, run: Run) -> Run:
    out = f"s3a://{bucket}/{prefix}/bench/{run.setup}-{run.variant}-{run.size_mib}m-{run.files}f-{run.tuning}-{run.rep}"
    df = dataset(spark, run.size_mib, run.files)
    before, execution = minio_api_counts(minio), last_execution(spark)
    with HeapSampler(spark) as heap:
        t0 = time.perf_counter()
        (df.write.mode("overwrite").option("compression", "none").option("parquet.enable.dictionary", "false")
         .partitionBy("p").parquet(out))
        run.total_s = time.perf_counter() - t0
    run.api = api_delta(before, minio_api_counts(minio))
    run.load = os.getloadavg()[0]
    run.peak_heap_mib = heap.peak / 2**20
    run.job_commit_s, run.task_commit_s, run.run_s = write_metrics(spark, execution)
    run.requests, run.copies = sum(run.api.values()), kinds(run.api)["copy"]
    objs = [o for o in localrun.list_objects(minio, localrun.s3_key(out)) if o["key"].endswith(".parquet")]
    run.objects, run.bytes = len(objs), sum(o.get("size", 0) for o in objs)
    if run.variant in S3A:
        success = localrun.success_file(minio, out) or {}
        run.iostats = {k: int(v) for k, v in (success.get("iostatistics") or {}).get("counters", {}).items() if int(v)}
    minio.mc_run("rm", "--recursive", "--force", f"store/{localrun.s3_key(out)}")
    return run


def generate_only(spark, size_mib: int, files: int) -> float:
    """Seconds to compute the same data without writing it (Spark's noop sink)."""
    t0 = time.perf_counter()
    dataset(spark, size_mib, files).write.mode("overwrite").format("noop").save()
    return time.perf_counter() - t0


def raw_put(spark, minio, bucket, prefix, run: Run, work: Path, streams: int) -> Run:
    """The physical limit for this output shape: `files` objects of size/files each uploaded
    through S3A (copyFromLocalFile: one PUT, or multipart at the profile's part size) from the
    driver by `streams` concurrent threads, the job's task slots."""
    each = run.size_mib * 2**20 // run.files
    local = work / f"raw-{each}.bin"
    if not local.exists():
        with open(local, "wb") as f:
            f.write(os.urandom(each))
    jvm = spark._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    src = jvm.org.apache.hadoop.fs.Path(f"file://{local}")
    out = f"s3a://{bucket}/{prefix}/bench/raw-{run.setup}-{run.files}f-{run.rep}-{streams}"
    fs = jvm.org.apache.hadoop.fs.Path(out).getFileSystem(conf)
    before = minio_api_counts(minio)
    t0 = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(streams) as pool:
        list(pool.map(lambda i: fs.copyFromLocalFile(False, True, src, jvm.org.apache.hadoop.fs.Path(f"{out}/f-{i:05d}.bin")), range(run.files)))
    run.total_s = time.perf_counter() - t0
    run.api = api_delta(before, minio_api_counts(minio))
    run.requests, run.load = sum(run.api.values()), os.getloadavg()[0]
    minio.mc_run("rm", "--recursive", "--force", f"store/{localrun.s3_key(out)}")
    return run


def tuning_buckets(minio, bucket: str, user: str, work: Path) -> None:
    """The BUCKET_TUNING buckets, and a policy giving the Spark key the same access there."""
    names = [f"{bucket}-{t}" for t in BUCKET_TUNING]
    for name in names:
        minio.mc_run("mb", "--ignore-existing", f"store/{name}")
    policy = work / "bench-tuning-policy.json"
    policy.write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:*"], "Resource": [f"arn:aws:s3:::{n}" for n in names] + [f"arn:aws:s3:::{n}/*" for n in names]}]}))
    minio.mc_run("admin", "policy", "create", "store", "bench-tuning", str(policy))
    minio.mc_run("admin", "policy", "attach", "store", "bench-tuning", "--user", user)


def committer_jars(conf: dict[str, str]) -> list[str]:
    """The committer jars as the image has them on its class path: the profile's spark.jars
    (cached by localrun) and what Ivy resolved for its spark.jars.packages (hadoop-aws and the
    AWS SDK bundle). Only these: the cache holds other Spark versions' jars too."""
    jars = [j for j in localrun.localize_jars(conf).get("spark.jars", "").split(",") if j]
    jars += sorted(glob.glob(str(localrun.CACHE / "ivy" / "jars" / "*.jar")))
    if not any("hadoop-aws" in j for j in jars):
        raise SystemExit("no cached committer jars: run `python3 jobs/doglover/localrun.py --prepare` (or any integration test) once")
    return jars


def private_spark_home(work: Path) -> Path:
    """A SPARK_HOME of links to pyspark's, with a work directory of its own: local-cluster
    workers keep each application's files in $SPARK_HOME/work, and the tests running beside
    the benchmark check that theirs stays clean."""
    import pyspark
    src = Path(os.environ.get("SPARK_HOME") or os.path.dirname(pyspark.__file__))
    home = work / "spark-home"
    home.mkdir()
    for entry in src.iterdir():
        if entry.name != "work":
            (home / entry.name).symlink_to(entry)
    (home / "work").mkdir()
    return home


def start_session(setup: Setup, conf: dict[str, str], work: Path, bucket: str):
    from pyspark.sql import SparkSession
    cp = ":".join(committer_jars(conf))
    b = (SparkSession.builder.master(TOPOLOGIES[setup.topology]).appName(f"bench-committers-{setup.name}")
         .config("spark.driver.memory", "2g").config("spark.executor.memory", "1g").config("spark.ui.port", "0")
         .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
         .config("spark.sql.ui.retainedExecutions", "5000").config("spark.ui.showConsoleProgress", "false")
         .config("spark.driver.extraClassPath", cp).config("spark.executor.extraClassPath", cp))
    for k, v in conf.items():
        if k not in ("spark.jars.packages", "spark.jars", "spark.jars.ivy"):
            b = b.config(k, v)
    buffer = work / ("shared/buffer" if setup.buffer == "shared" else "local-buffer")
    buffer.mkdir(parents=True, exist_ok=True)
    b = b.config("spark.hadoop.fs.s3a.buffer.dir", str(buffer))
    for k, v in setup.fs.items():
        b = b.config("spark.hadoop." + k, v)
    for t, settings in BUCKET_TUNING.items():
        for k, v in settings.items():
            b = b.config(f"spark.hadoop.fs.s3a.bucket.{bucket}-{t}.{k[len('fs.s3a.'):]}", v)
    spark = b.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def med(xs):
    return statistics.median(xs) if xs else 0.0


def spread(xs):
    return max(xs) - min(xs) if xs else 0.0


def pick(runs, **kw):
    return [r for r in runs if all(getattr(r, k) == v for k, v in kw.items())]


def cells_of(runs, setup):
    return sorted({(r.size_mib, r.files) for r in runs if r.setup == setup and r.tuning == "program" and r.variant in VARIANTS}, key=lambda c: (c[1], c[0]))


def summarize(runs: list[Run], meta: dict) -> str:
    lines = [f"# Committer benchmark ({meta['date']})", "",
             f"Machine: {meta['machine']}; load average during the run {meta.get('load', '?')}. Spark {meta['spark']}, "
             f"MinIO on 127.0.0.1 (one server, one disk), {meta['reps']} repetitions, variants interleaved per session, "
             f"setups interleaved per repetition. Median (spread = max - min over repetitions); × = ratio to {BASELINE} "
             f"of the same setup and shape. Command: `{meta['command']}`.", "",
             "Setups: " + "; ".join(f"`{s['name']}` = {TOPOLOGIES[s['topology']]}, buffer on {s['buffer']} disk"
                                    + (", " + ", ".join(f"{k}={v}" for k, v in s["fs"].items()) if s["fs"] else "") for s in meta["setups"]), ""]
    for setup in [s["name"] for s in meta["setups"]]:
        for size, files in cells_of(runs, setup):
            group = pick(runs, setup=setup, size_mib=size, files=files, tuning="program")
            if not any(r.variant == BASELINE for r in group):
                continue
            tasks, dirs = shape(files)
            lines += [f"## {setup}: {size} MiB in {files} files ({tasks} tasks, {dirs} directories)", "",
                      "| committer | total s | × | job commit s | × | task commit s | task write s | objects | MiB | S3 requests | × | put | copy | head | list | get | delete | load |",
                      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
            base = pick(group, variant=BASELINE)
            b_total, b_commit, b_req = med([r.total_s for r in base]), med([r.job_commit_s for r in base]), med([r.requests for r in base])
            for v in VARIANTS:
                rs = pick(group, variant=v)
                if not rs:
                    continue
                total, commit, req = med([r.total_s for r in rs]), med([r.job_commit_s for r in rs]), med([r.requests for r in rs])
                k = {n: med([kinds(r.api)[n] for r in rs]) for n in API_KINDS}
                # Per task slot: the tasks' summed times over the slots that ran them.
                tc, tw = med([r.task_commit_s for r in rs]) / SLOTS, med([r.run_s - r.task_commit_s for r in rs]) / SLOTS
                lines.append(
                    f"| {v} | {total:.2f} ({spread([r.total_s for r in rs]):.2f}) | {total / b_total:.2f} | {commit:.2f} | {commit / b_commit if b_commit else 0:.2f} | "
                    f"{tc:.2f} | {tw:.2f} | {med([r.objects for r in rs]):.0f} | {med([r.bytes for r in rs]) / 2**20:.0f} | "
                    f"{req:.0f} | {req / b_req if b_req else 0:.2f} | " + " | ".join(f"{k[n]:.0f}" for n in API_KINDS) + f" | {med([r.load for r in rs]):.1f} |")
            gen = [r.total_s for r in pick(runs, setup=setup, variant="generate-only", size_mib=size, files=files)]
            if gen:
                lines.append(f"| (generate only, noop sink) | {med(gen):.2f} ({spread(gen):.2f}) | {med(gen) / b_total:.2f} |" + " |" * 15)
            raw = pick(runs, setup=setup, variant="raw-put", size_mib=size, files=files)
            if raw:
                best = min((v for v in S3A if pick(group, variant=v)), key=lambda v: med([r.total_s for r in pick(group, variant=v)]))
                best_total = med([r.total_s for r in pick(group, variant=best)])
                raw_s = med([r.total_s for r in raw])
                lines += ["", f"Raw limit: {files} objects of {size * 1024 / files:.0f} KiB through S3A with {SLOTS} concurrent streams "
                              f"took {raw_s:.2f} s ({spread([r.total_s for r in raw]):.2f}), {size / raw_s:.0f} MiB/s, "
                              f"{med([r.requests for r in raw]):.0f} requests. Best S3A committer ({best}): {size / best_total:.0f} MiB/s "
                              f"end to end, **{raw_s / best_total:.2f} of the limit**."]
            lines.append("")
    lines += where_time_goes(runs, meta)
    lines += growth(runs, meta)
    lines += placements(runs, meta)
    return "\n".join(lines)


def where_time_goes(runs, meta) -> list[str]:
    setup = meta["main"]
    files = 1024
    rows = []
    for v in ("classic-v1", "directory", "magic"):
        rs = [r for r in runs if r.setup == setup and r.variant == v and r.files == files and r.tuning == "program"]
        if not rs:
            continue
        size = rs[0].size_mib
        rs = [r for r in rs if r.size_mib == size]
        ios = {}
        for key in sorted({k for r in rs for k in r.iostats}):
            ios[key] = med([r.iostats.get(key, 0) for r in rs])
        counts = {k: v for k, v in ios.items() if "bytes" not in k and "data" not in k}
        top = ", ".join(f"{k} {v:.0f}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1])[:8])
        apis = {}
        for r in rs:
            for k, n in r.api.items():
                apis.setdefault(k, []).append(n)
        api_s = ", ".join(f"{k} {med(n):.0f}" for k, n in sorted(apis.items(), key=lambda kv: -med(kv[1])))
        rows.append(f"| {v} ({size} MiB) | {med([r.total_s for r in rs]):.2f} | {med([r.run_s - r.task_commit_s for r in rs]) / SLOTS:.2f} | "
                    f"{med([r.task_commit_s for r in rs]) / SLOTS:.2f} | {med([r.job_commit_s for r in rs]):.2f} | {api_s} | {top or '-'} |")
    if not rows:
        return []
    return [f"## Where the time goes: {setup}, {files} files", "",
            f"Task write and task commit are the tasks' summed times divided by the {SLOTS} slots (wall-clock equivalent); "
            "the rest of the total is scheduling, the job's setup and the driver. Requests: MinIO's count by API; S3A: the "
            "largest IOStatistics counters in the committer's `_SUCCESS` (tasks and job commit, as S3A saw them).", "",
            "| committer | total s | task write s | task commit s | job commit s | S3 requests by API (MinIO) | S3A IOStatistics (_SUCCESS) |",
            "|---|---:|---:|---:|---:|---|---|", *rows, ""]


def growth_shapes(runs, meta) -> list[tuple[int, int]]:
    """The many-files shapes (same MiB, more and more files) of the main setup."""
    return sorted({(r.size_mib, r.files) for r in runs if r.setup == meta["main"] and r.size_mib == meta["small"] and r.variant in VARIANTS
                   and r.tuning == "program"}, key=lambda c: c[1])


def growth(runs, meta) -> list[str]:
    setup = meta["main"]
    shapes = growth_shapes(runs, meta)
    if len(shapes) < 2:
        return []
    lines = [f"## Job commit time by file count ({setup})", "",
             "| committer | " + " | ".join(f"{f} files ({s} MiB)" for s, f in shapes) + " | growth |",
             "|---|" + "---:|" * (len(shapes) + 1)]
    for v in VARIANTS:
        xs = [med([r.job_commit_s for r in pick(runs, setup=setup, variant=v, size_mib=s, files=f, tuning="program")]) for s, f in shapes]
        if all(xs):
            lines.append(f"| {v} | " + " | ".join(f"{x:.2f}" for x in xs) + f" | {xs[-1] / xs[0]:.1f}× for {shapes[-1][1] // shapes[0][1]}× files |")
    for t in JOB_TUNING:
        for v in S3A:
            xs = [med([r.job_commit_s for r in pick(runs, setup=setup, variant=v, size_mib=s, files=f, tuning=t)]) for s, f in shapes]
            if any(xs):
                lines.append(f"| {v}, {t} | " + " | ".join(f"{x:.2f}" if x else "" for x in xs) + " | |")
    return lines + [""]


def placements(runs, meta) -> list[str]:
    """Setups and job-conf tunings against the main setup, same committer and shape, as ratios."""
    main = meta["main"]
    lines = [f"## Setups and tuning against `{main}` (same committer, same shape; ratio of medians, < 1 is faster)", "",
             f"Bucket settings ({', '.join(BUCKET_TUNING)}) against the control in their own session (`cluster-tuning`), the rest against `{main}`.", "",
             "| setup / tuning | committer | shape | total s | spread | control s | control spread | ratio | job commit ratio |", "|---|---|---|---:|---:|---:|---:|---:|---:|"]
    n = 0
    for r0 in sorted({(r.setup, r.tuning, r.variant, r.size_mib, r.files) for r in runs if r.variant in VARIANTS and (r.setup, r.tuning) != (main, "program")}):
        setup, tuning, v, size, files = r0
        rs = pick(runs, setup=setup, tuning=tuning, variant=v, size_mib=size, files=files)
        # Bucket settings against the control of their own session; the rest against the main setup.
        base = pick(runs, setup=setup if tuning in BUCKET_TUNING else main, tuning="program", variant=v, size_mib=size, files=files)
        if not rs or not base:
            continue
        t, b = med([r.total_s for r in rs]), med([r.total_s for r in base])
        jc, bjc = med([r.job_commit_s for r in rs]), med([r.job_commit_s for r in base])
        name = setup if tuning == "program" else f"{setup}, {tuning}"
        lines.append(f"| {name} | {v} | {size} MiB / {files} files | {t:.2f} | {spread([r.total_s for r in rs]):.2f} | {b:.2f} | "
                     f"{spread([r.total_s for r in base]):.2f} | {t / b:.2f} | {jc / bjc if bjc else 0:.2f} |")
        n += 1
    return lines + [""] if n else []


def chart(runs: list[Run], meta: dict, paths: list[Path]) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    setup = meta["main"]
    cells = [c for c in cells_of(runs, setup) if pick(runs, setup=setup, variant=BASELINE, size_mib=c[0], files=c[1])]
    names = [v for v in VARIANTS if v != BASELINE]
    colors = {"classic-v1": "#636363", "classic-v2": "#bdbdbd", "directory": "#3182bd", "partitioned": "#9ecae1", "magic": "#e6550d"}
    fig, axes = plt.subplots(2, 2, figsize=(12, 8.5))
    width = 0.8 / len(names)
    for ax, metric, title in ((axes[0][0], "total_s", "total time"), (axes[0][1], "job_commit_s", "job-commit time")):
        for i, v in enumerate(names):
            ys, xs = [], []
            for j, (size, files) in enumerate(cells):
                rs = pick(runs, setup=setup, variant=v, size_mib=size, files=files, tuning="program")
                base = med([getattr(r, metric) for r in pick(runs, setup=setup, variant=BASELINE, size_mib=size, files=files, tuning="program")])
                if rs and base:
                    xs.append(j + (i - (len(names) - 1) / 2) * width)
                    ys.append(med([getattr(r, metric) for r in rs]) / base)
            ax.bar(xs, ys, width, color=colors[v], label=v)
        ax.axhline(1.0, color=colors[BASELINE], lw=1, ls="--", label=f"{BASELINE} = 1")
        ax.set_xticks(range(len(cells)), [f"{s} MiB\n{f} files" for s, f in cells], fontsize=8)
        ax.set_ylabel(f"{title} / {BASELINE} (median)")
        ax.set_title(f"{title}, ratio to {BASELINE} ({TOPOLOGIES[meta['setups_by_name'][setup]['topology']]})", fontsize=10)
        if metric == "job_commit_s":
            ax.set_yscale("log")
    axes[0][0].legend(fontsize=7)
    ax = axes[1][0]
    shapes = growth_shapes(runs, meta)
    for v in VARIANTS:
        pts = [(f, med([r.job_commit_s for r in pick(runs, setup=setup, variant=v, size_mib=s, files=f, tuning="program")])) for s, f in shapes]
        pts = [(f, y) for f, y in pts if y]
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", color=colors[v], label=v)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("files written")
    ax.set_ylabel("job-commit time, s (median)")
    ax.set_title("job-commit time by file count", fontsize=10)
    ax.legend(fontsize=7)
    ax = axes[1][1]
    raw_cells = [c for c in cells if pick(runs, setup=setup, variant="raw-put", size_mib=c[0], files=c[1])]
    for i, v in enumerate(["raw-put", *S3A]):
        xs, ys = [], []
        for j, (size, files) in enumerate(raw_cells):
            rs = pick(runs, setup=setup, variant=v, size_mib=size, files=files, tuning="program")
            if rs:
                xs.append(j + (i - 1.5) * 0.2)
                ys.append(size / med([r.total_s for r in rs]))
        ax.bar(xs, ys, 0.2, color=colors.get(v, "#31a354"), label=f"raw S3A PUT, {SLOTS} streams" if v == "raw-put" else v)
    ax.set_xticks(range(len(raw_cells)), [f"{s} MiB\n{f} files" for s, f in raw_cells], fontsize=8)
    ax.set_ylabel("MiB/s (median)")
    ax.set_title("throughput against the raw PUT limit (same objects, same parallelism)", fontsize=10)
    ax.legend(fontsize=7)
    fig.suptitle(f"S3A committers, Spark {meta['spark']}, MinIO on loopback, {meta['machine']} ({meta['date']}, {meta['reps']} reps)", fontsize=10)
    fig.tight_layout()
    for p in paths:
        p.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(p, dpi=100)


def setups_for(quick: bool) -> list[Setup]:
    if quick:
        return [Setup("cluster", "cluster"), Setup("local", "local"), Setup("cluster-tuning", "cluster")]
    return [Setup("cluster", "cluster"), Setup("local", "local"),
            Setup("cluster-buffer-shared", "cluster", buffer="shared"),
            Setup("cluster-tuning", "cluster")]


def plan_for(setup: Setup, rep: int, big: int, small: int, files: list[int], quick: bool) -> list[tuple[int, int, str]]:
    """(MiB, files, variant[:tuning]) of one session, in the order they run. Budgeted for 2 cores:
    every committer on few large files, the many-files shapes for the committers that matter
    (classic v1 at the largest file count in the first repetition only: it takes minutes)."""
    few, mid = files[0], files[1] if len(files) > 2 else files[0]
    many = 1024 if 1024 in files else files[-1]
    if setup.name == "cluster":
        out = [(big, few, v) for v in [*VARIANTS, "generate-only", "raw-put"]]
        for f in files[1:]:
            vs = ["classic-v1", "directory", "magic", "generate-only"]
            if f > many and rep > 0 and not quick:
                vs.remove("classic-v1")
            if f == many:
                vs.append("raw-put")
                if not quick:
                    vs += [f"{v}:{t}" for t in JOB_TUNING for v in ("directory", "magic")]
            out += [(small, f, v) for v in vs]
        return out
    if setup.name == "local":
        return [(big, few, v) for v in ("classic-v1", "directory", "magic")] + [(small, many, v) for v in ("directory", "magic")]
    if setup.buffer == "shared":
        return [(c, f, v) for c, f in ((big, few), (small, many)) for v in ("directory", "magic")]
    # The control (the program's settings) beside each bucket's settings. Block buffers: only
    # magic writes through them (the staging committers upload whole files); parts: only files
    # larger than a part.
    # The order rotates with the repetition, so the control is not always first.
    out = []
    for c, f in ((big, few), (small, mid)):
        for v, ts in (("magic", ["program", "array", "bytebuffer", "parts-16m", "pool-16"]), ("directory", ["program", "parts-16m", "pool-16"])):
            ts = [t for t in ts if f == few or t != "parts-16m"]
            out += [(c, f, f"{v}:{t}") for t in ts[rep % len(ts):] + ts[:rep % len(ts)]]
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="small sizes, 1 repetition, three setups (a smoke run)")
    p.add_argument("--big", type=int, default=512, help="MiB of the few-large-files write (default 512)")
    p.add_argument("--small", type=int, default=256, help="MiB of the many-files writes (default 256)")
    p.add_argument("--files", default="16,256,1024,2048", help="files per write (default 16,256,1024,2048)")
    p.add_argument("--reps", type=int, default=2, help="repetitions (default 2: the full matrix in about 45 min on 2 cores)")
    p.add_argument("--setups", help="comma-separated subset of the setups (default all)")
    p.add_argument("--out", default=str(ROOT / "results"))
    p.add_argument("--chart", action="append", default=[], help="also write the chart here (e.g. docs/committers.png)")
    p.add_argument("--from-json", help="only summarize an earlier (possibly partial) run's committers.json")
    a = p.parse_args(argv)
    out = Path(a.out)
    if a.from_json:
        src = Path(a.from_json)
        runs = []
        for d in json.loads(src.read_text()):
            r = Run(d["variant"], d["size_mib"], d["files"], d["rep"])
            r.__dict__.update(d)
            runs.append(r)
        meta = json.loads((src.parent / "committers.meta.json").read_text())
        md = summarize(runs, meta)
        print(md)
        (src.parent / "committers.md").write_text(md + "\n")
        chart(runs, meta, [src.parent / "committers.png", *map(Path, a.chart)])
        return 0
    big, small = (16, 8) if a.quick else (a.big, a.small)
    files_list = [4, 16, 64] if a.quick else [int(x) for x in a.files.split(",")]
    reps = 1 if a.quick else a.reps
    setups = setups_for(a.quick)
    if a.setups:
        setups = [s for s in setups if s.name in a.setups.split(",")]
    out.mkdir(parents=True, exist_ok=True)

    tools = localrun.ensure_go_tools()
    work = Path(tempfile.mkdtemp(prefix="bench-committers-"))
    os.environ["SPARK_HOME"] = str(private_spark_home(work))
    os.environ["MINIO_PROMETHEUS_AUTH_TYPE"] = "public"  # the per-API request counters, unauthenticated
    runs: list[Run] = []
    spark = None
    try:
        with localrun.Minio(tools["minio"], tools["mc"], work) as minio:
            rendered = localrun.render(minio.url, work / "shared")
            key = ("spark" + secrets.token_hex(6), localrun.new_secret())
            minio.setup(rendered, *key)
            tuning_buckets(minio, rendered["bucket"], key[0], work)
            os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"] = key
            os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
            conf = rendered["sparkConf"]
            meta = {"date": time.strftime("%Y-%m-%d"), "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
                    f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB", "spark": rendered["sparkVersion"],
                    "reps": reps, "big": big, "small": small, "command": "npm run bench:committers" + (" -- --quick" if a.quick else ""), "main": setups[0].name,
                    "setups": [s.__dict__ for s in setups], "setups_by_name": {s.name: s.__dict__ for s in setups},
                    "staging": conf.get("spark.hadoop.fs.s3a.committer.staging.tmp.path"),
                    "tuning": {k[len("spark.hadoop."):]: v for k, v in conf.items() if k[len("spark.hadoop."):] in TUNING_KEYS}}
            plans = {(s.name, rep): plan_for(s, rep, big, small, files_list, a.quick) for s in setups for rep in range(reps)}
            total = sum(len(x) for x in plans.values())
            t_start, i, loads = time.monotonic(), 0, []
            for rep in range(reps):
                # Rotate the setups' order too, so no setup always runs first (or last) in a repetition.
                for setup in setups[rep % len(setups):] + setups[:rep % len(setups)]:
                    t_session = time.monotonic()
                    spark = start_session(setup, conf, work, rendered["bucket"])
                    # Warm up the JVMs (class loading, JIT, the filesystems), untimed.
                    apply_variant(spark, "magic", {})
                    one_write(spark, minio, rendered["bucket"], rendered["dataPrefix"], Run("magic", max(1, big // 16), 16, rep, setup.name, "warmup"))
                    log(f"session {setup.name} (repetition {rep + 1}) ready in {time.monotonic() - t_session:.0f} s, warm-up included")
                    for size, files, v in plans[setup.name, rep]:
                        i += 1
                        variant, _, tuning = v.partition(":")
                        tuning = tuning or "program"
                        if variant == "generate-only":
                            r = Run(variant, size, files, rep, setup.name, "noop")
                            r.total_s, r.load = generate_only(spark, size, files), os.getloadavg()[0]
                        elif variant == "raw-put":
                            r = raw_put(spark, minio, rendered["bucket"], rendered["dataPrefix"], Run(variant, size, files, rep, setup.name), work, SLOTS)
                        else:
                            apply_variant(spark, variant, JOB_TUNING.get(tuning, {}))
                            bucket = f"{rendered['bucket']}-{tuning}" if tuning in BUCKET_TUNING else rendered["bucket"]
                            r = one_write(spark, minio, bucket, rendered["dataPrefix"], Run(variant, size, files, rep, setup.name, tuning))
                        runs.append(r)
                        loads.append(r.load)
                        (out / "committers.json").write_text(json.dumps([x.__dict__ for x in runs], indent=1))
                        log(f"{i}/{total} {setup.name:22s} {variant:11s} {tuning:10s} {size:5d} MiB {files:5d} files: {r.total_s:6.2f} s, "
                            f"commit {r.job_commit_s:5.2f} s, {r.requests} requests, load {r.load:.1f} ({time.monotonic() - t_start:.0f} s elapsed)")
                    spark.stop()
                    spark = None
            meta["load"] = f"{min(loads):.1f}-{max(loads):.1f} (median {med(loads):.1f})"
            (out / "committers.meta.json").write_text(json.dumps(meta))
    finally:
        if spark is not None:
            spark.stop()
        shutil.rmtree(work, ignore_errors=True)

    md = summarize(runs, meta)
    (out / "committers.md").write_text(md + "\n")
    try:
        chart(runs, meta, [out / "committers.png", *map(Path, a.chart)])
    except ImportError:
        log("matplotlib is not installed: no chart (pip install matplotlib)")
    print(md)
    log(f"wrote {out / 'committers.md'}, {out / 'committers.json'} and the chart {[str(out / 'committers.png'), *a.chart]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
