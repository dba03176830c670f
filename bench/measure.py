"""The committer benchmark's measurements: the variants, the data, one timed write with its Spark
metrics and MinIO's request counters, the raw PUT limit, the Spark session of a setup. Used by
bench/committers.py (the run) and bench/report.py (the tables and chart read the Run fields)."""

from __future__ import annotations

import concurrent.futures
import glob
import json
import os
import re
import sys
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

#: The key that makes magic keep its bookkeeping in the task's JVM (Hadoop 3.4+, CommitConstants).
TRACK_IN_MEMORY = "fs.s3a.committer.magic.track.commits.in.memory.enabled"

#: variant -> (SQL conf, job Hadoop conf); everything else is the program's profile.
VARIANTS: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "classic-v1": ({"spark.sql.sources.commitProtocolClass": CLASSIC_PROTOCOL, "spark.sql.parquet.output.committer.class": CLASSIC_PARQUET},
                   {"fs.s3a.committer.name": "file", "mapreduce.fileoutputcommitter.algorithm.version": "1"}),
    "classic-v2": ({"spark.sql.sources.commitProtocolClass": CLASSIC_PROTOCOL, "spark.sql.parquet.output.committer.class": CLASSIC_PARQUET},
                   {"fs.s3a.committer.name": "file", "mapreduce.fileoutputcommitter.algorithm.version": "2"}),
    "directory": ({}, {"fs.s3a.committer.name": "directory"}),
    "partitioned": ({}, {"fs.s3a.committer.name": "partitioned", "fs.s3a.committer.staging.conflict-mode": "replace"}),
    "magic": ({}, {"fs.s3a.committer.name": "magic"}),
    # Hadoop's default bookkeeping (a .pending object per file, listed and read back at task
    # commit): the program's magic before issue 26. The tracker is chosen by the filesystem's
    # conf, the loader by the job's (MagicCommitIntegration.createTracker, MagicS3GuardCommitter
    # .loadPendingCommits): so it writes to a bucket of its own whose filesystem has the key off
    # (VARIANT_BUCKETS), with the job conf saying the same.
    "magic-s3track": ({}, {"fs.s3a.committer.name": "magic", TRACK_IN_MEMORY: "false"}),
}
#: Variants that write to a bucket of their own: variant -> that bucket's filesystem settings.
VARIANT_BUCKETS = {"magic-s3track": {TRACK_IN_MEMORY: "false"}}
BASELINE = "classic-v1"
S3A = ("directory", "partitioned", "magic", "magic-s3track")
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
API_KINDS = {"upload": ("newmultipartupload", "putobjectpart", "completemultipartupload"), "put": ("putobject",),
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
    def __init__(self, variant, size_mib, files, rep, setup="cluster", tuning="program", latency_ms=0):
        self.variant, self.size_mib, self.files, self.rep, self.setup, self.tuning = variant, size_mib, files, rep, setup, tuning
        #: Added to every S3 response by the proxy (bench/latency.py); 0: none.
        self.latency_ms = latency_ms
        self.total_s = self.job_commit_s = self.task_commit_s = self.run_s = 0.0
        self.objects = self.bytes = self.requests = self.copies = 0
        self.api: dict[str, int] = {}
        self.iostats: dict[str, int] = {}
        self.peak_heap_mib = 0.0
        self.pending_uploads = 0
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
    out = f"s3a://{bucket}/{prefix}/bench/{run.setup}-{run.variant}-{run.size_mib}m-{run.files}f-{run.tuning}-{run.latency_ms}ms-{run.rep}"
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
    if run.tuning != "warmup" and run.objects != run.files:
        log(f"WARNING: {run.variant} wrote {run.objects} of {run.files} files to {out}")
    run.pending_uploads = len(localrun.incomplete_uploads(minio, localrun.s3_key(out)))
    if run.pending_uploads:
        log(f"WARNING: {run.variant} left {run.pending_uploads} pending multipart uploads under {out}")
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
    out = f"s3a://{bucket}/{prefix}/bench/raw-{run.setup}-{run.files}f-{run.latency_ms}ms-{run.rep}-{streams}"
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


def bucket_settings(bucket: str) -> dict[str, dict[str, str]]:
    """Bucket name -> its filesystem settings: the BUCKET_TUNING and VARIANT_BUCKETS buckets."""
    return {f"{bucket}-{t}": fs for t, fs in {**BUCKET_TUNING, **VARIANT_BUCKETS}.items()}


def bucket_for(bucket: str, variant: str, tuning: str) -> str:
    """The bucket a write of `variant` with `tuning` goes to."""
    return f"{bucket}-{tuning}" if tuning in BUCKET_TUNING else f"{bucket}-{variant}" if variant in VARIANT_BUCKETS else bucket


def tuning_buckets(minio, bucket: str, user: str, work: Path) -> None:
    """The buckets of bucket_settings, and a policy giving the Spark key the same access there."""
    names = list(bucket_settings(bucket))
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
    for name, settings in bucket_settings(bucket).items():
        for k, v in settings.items():
            b = b.config(f"spark.hadoop.fs.s3a.bucket.{name}.{k[len('fs.s3a.'):]}", v)
    # The program's bucket keeps the profile's magic bookkeeping whatever job conf first creates
    # its filesystem in an executor (apply_variant changes the key per write).
    if f"spark.hadoop.{TRACK_IN_MEMORY}" in conf:
        b = b.config(f"spark.hadoop.fs.s3a.bucket.{bucket}.{TRACK_IN_MEMORY[len('fs.s3a.'):]}", conf[f"spark.hadoop.{TRACK_IN_MEMORY}"])
    spark = b.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


