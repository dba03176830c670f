"""Committer benchmark: classic FileOutputCommitter v1 and v2 against the S3A directory,
partitioned and magic committers, side by side, on real Spark and a real MinIO on 127.0.0.1.

    npm run bench:committers                      # full matrix (tens of minutes on 2 cores)
    npm run bench:committers -- --quick           # a few minutes, small sizes

Same input, same output layout (Parquet, partitioned by p into 4 directories, one file per
task), same session: the variants run interleaved in one SparkSession so machine drift hits them
alike; only the committer settings change between writes. Per write it records total job time,
job-commit and task-commit time (Spark's own SQL metrics), objects and bytes written (listing
MinIO), S3 requests (S3A's own request counters: store_io_request, object_copy_requests) and the peak JVM heap. It also measures the
physical limit here, one process uploading the same bytes through S3A (multipart, same part
size), and the S3A tuning the program sets against Hadoop's defaults.

Writes results/committers.md and results/committers.png. Not a test: no timing assertions.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
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
#: The S3A throughput keys the program sets (components/s3a-profile.ts DEFAULT_TUNING).
TUNING_KEYS = ("fs.s3a.threads.max", "fs.s3a.connection.maximum", "fs.s3a.committer.threads",
               "fs.s3a.fast.upload.buffer", "fs.s3a.multipart.size")
ROW_BYTES = 1024  # payload per row; written PLAIN (no dictionary) and uncompressed, so bytes = rows x 1 KiB


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


class Run:
    def __init__(self, variant, size_mib, files, rep, tuning="program"):
        self.variant, self.size_mib, self.files, self.rep, self.tuning = variant, size_mib, files, rep, tuning
        self.total_s = self.job_commit_s = self.task_commit_s = 0.0
        self.objects = self.bytes = self.requests = self.copies = 0
        self.peak_heap_mib = 0.0


def s3_requests(spark, path: str) -> tuple[int, int]:
    """S3 requests made by this process's S3A filesystem for the bucket (the instance is new for
    each write, see apply_variant; in local mode tasks share it): (all requests, copy requests)."""
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    counters = spark._jvm.org.apache.hadoop.fs.Path(path).getFileSystem(conf).getIOStatistics().counters()
    get = lambda k: int(counters.get(k) or 0)  # noqa: E731
    return get("store_io_request"), get("object_copy_requests")


def parse_ms(value: str) -> float:
    """'1.2 s' / '345 ms' / 'total (...)\n886 ms (...)' -> seconds."""
    m = re.search(r"([0-9.,]+)\s*(ms|s|m|h)\b", value.split("\n")[-1] if "\n" in value else value)
    if not m:
        return 0.0
    n = float(m.group(1).replace(",", ""))
    return n / 1000 if m.group(2) == "ms" else n * {"s": 1, "m": 60, "h": 3600}[m.group(2)]


def write_metrics(spark) -> tuple[float, float]:
    sc = spark.sparkContext
    data = json.load(urllib.request.urlopen(f"{sc.uiWebUrl}/api/v1/applications/{sc.applicationId}/sql?details=true&length=1000"))
    for execution in reversed(data):
        for node in execution.get("nodes", []):
            if "InsertIntoHadoopFsRelationCommand" in node.get("nodeName", ""):
                metrics = {m["name"]: m["value"] for m in node.get("metrics", [])}
                return parse_ms(metrics.get("job commit time", "0 ms")), parse_ms(metrics.get("task commit time", "0 ms"))
    return 0.0, 0.0


class HeapSampler:
    """Peak JVM heap in use during a write (sampled every 50 ms)."""

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


def dataset(spark, size_mib: int, files: int):
    from pyspark.sql import functions as F
    rows = size_mib * 1024 * 1024 // ROW_BYTES
    per = max(1, rows // files)
    payload = F.concat(F.lit("x" * (ROW_BYTES - 16)), F.lpad(F.col("id").cast("string"), 16, "0"))
    return (spark.range(0, rows, 1, numPartitions=files)
            .withColumn("p", (F.floor(F.col("id") / per) % 4).cast("int"))
            .withColumn("payload", payload))


def apply_variant(spark, base_hadoop: dict[str, str], variant: str, tuning_hadoop: dict[str, str]):
    sql, hadoop = VARIANTS[variant]
    hconf = spark.sparkContext._jsc.hadoopConfiguration()
    for k, v in {**base_hadoop, **tuning_hadoop, **hadoop}.items():
        hconf.set(k, v)
    for k in TUNING_KEYS:
        if k not in tuning_hadoop and k not in base_hadoop:
            hconf.unset(k)
    spark.conf.set("spark.sql.sources.commitProtocolClass", sql.get("spark.sql.sources.commitProtocolClass", base_sql()["spark.sql.sources.commitProtocolClass"]))
    spark.conf.set("spark.sql.parquet.output.committer.class", sql.get("spark.sql.parquet.output.committer.class", base_sql()["spark.sql.parquet.output.committer.class"]))
    # New filesystem instances pick up pool sizes and committer settings.
    spark._jvm.org.apache.hadoop.fs.FileSystem.closeAll()


def base_sql() -> dict[str, str]:
    return {"spark.sql.sources.commitProtocolClass": "org.apache.spark.internal.io.cloud.PathOutputCommitProtocol",
            "spark.sql.parquet.output.committer.class": "org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter"}


def one_write(spark, minio, bucket, prefix, run: Run) -> Run:
    out = f"s3a://{bucket}/{prefix}/bench/{run.variant}-{run.size_mib}m-{run.files}f-{run.tuning}-{run.rep}"
    df = dataset(spark, run.size_mib, run.files)
    with HeapSampler(spark) as heap:
        t0 = time.perf_counter()
        (df.write.mode("overwrite").option("compression", "none").option("parquet.enable.dictionary", "false")
         .partitionBy("p").parquet(out))
        run.total_s = time.perf_counter() - t0
    run.peak_heap_mib = heap.peak / 2**20
    run.job_commit_s, run.task_commit_s = write_metrics(spark)
    run.requests, run.copies = s3_requests(spark, out)
    objs = [o for o in localrun.list_objects(minio, localrun.s3_key(out)) if o["key"].endswith(".parquet")]
    run.objects, run.bytes = len(objs), sum(o.get("size", 0) for o in objs)
    minio.mc_run("rm", "--recursive", "--force", f"store/{localrun.s3_key(out)}")
    return run


def generate_only(spark, size_mib: int, files: int) -> float:
    """Seconds to compute the same data without writing it (Spark's noop sink)."""
    t0 = time.perf_counter()
    dataset(spark, size_mib, files).write.mode("overwrite").format("noop").save()
    return time.perf_counter() - t0


def raw_put(spark, bucket, prefix, size_mib, work: Path) -> float:
    """Seconds for one process to upload size_mib through S3A (multipart, the profile's part size)."""
    local = work / f"raw-{size_mib}.bin"
    with open(local, "wb") as f:
        for _ in range(size_mib):
            f.write(os.urandom(1024 * 1024))
    jvm = spark._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    src = jvm.org.apache.hadoop.fs.Path(f"file://{local}")
    dst = jvm.org.apache.hadoop.fs.Path(f"s3a://{bucket}/{prefix}/bench/raw-{size_mib}.bin")
    t0 = time.perf_counter()
    jvm.org.apache.hadoop.fs.FileUtil.copy(src.getFileSystem(conf), src, dst.getFileSystem(conf), dst, False, True, conf)
    secs = time.perf_counter() - t0
    local.unlink()
    return secs


def summarize(runs: list[Run], raw: dict[int, float], meta: dict) -> str:
    def med(xs):
        return statistics.median(xs) if xs else 0.0

    lines = [f"# Committer benchmark ({meta['date']})", "",
             f"Machine: {meta['machine']}. Spark {meta['spark']} local[{meta['cores']}], MinIO on 127.0.0.1 (one server, one disk), "
             f"{meta['reps']} repetitions, variants interleaved in one session. Median (spread = max - min); "
             f"ratios to {BASELINE}. Command: `{meta['command']}`.", ""]
    cells = sorted({(r.size_mib, r.files) for r in runs if r.tuning == "program"})
    for size, files in cells:
        lines += [f"## {size} MiB in {files} files", "",
                  "| committer | total s | × | job commit s | × | task commit s | objects | MiB written | S3 requests | × | copies | peak heap MiB |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        group = [r for r in runs if r.size_mib == size and r.files == files and r.tuning == "program"]
        base = [r for r in group if r.variant == BASELINE]
        b_total, b_commit, b_req = med([r.total_s for r in base]), med([r.job_commit_s for r in base]), med([r.requests for r in base])
        for v in VARIANTS:
            rs = [r for r in group if r.variant == v]
            if not rs:
                continue
            total, commit, req = med([r.total_s for r in rs]), med([r.job_commit_s for r in rs]), med([r.requests for r in rs])
            spread = max(r.total_s for r in rs) - min(r.total_s for r in rs)
            lines.append(
                f"| {v} | {total:.2f} ({spread:.2f}) | {total / b_total:.2f} | {commit:.2f} | {commit / b_commit if b_commit else 0:.2f} | "
                f"{med([r.task_commit_s for r in rs]):.2f} | {med([r.objects for r in rs]):.0f} | {med([r.bytes for r in rs]) / 2**20:.0f} | "
                f"{req:.0f} | {req / b_req if b_req else 0:.2f} | {med([r.copies for r in rs]):.0f} | {med([r.peak_heap_mib for r in rs]):.0f} |")
        gen = [r.total_s for r in runs if r.variant == "generate-only" and (r.size_mib, r.files) == (size, files)]
        if gen:
            lines.append(f"| (generate only, noop sink) | {med(gen):.2f} ({max(gen) - min(gen):.2f}) | {med(gen) / b_total:.2f} | | | | | | | | | |")
        if size in raw:
            # The S3A committers only: classic v2 is fast but not atomic (task output becomes
            # visible at task commit, so a failed job leaves partial output).
            best = min((v for v in VARIANTS if not v.startswith("classic") and any(r.variant == v for r in group)),
                       key=lambda v: med([r.total_s for r in group if r.variant == v]))
            best_total = med([r.total_s for r in group if r.variant == best])
            net = best_total - med(gen) if gen and best_total > med(gen) else best_total
            lines += ["", f"Physical limit: one process uploading {size} MiB through S3A took {raw[size]:.2f} s "
                          f"({size / raw[size]:.0f} MiB/s). Best committer ({best}): {size / best_total:.0f} MiB/s end to end, "
                          f"{size / net:.0f} MiB/s without the data generation: {raw[size] / net:.2f} of the limit."]
        lines.append("")
    tuning = [r for r in runs if r.tuning != "program" or (r.variant == "directory" and (r.size_mib, r.files) == meta["tuning_cell"])]
    if any(r.tuning == "hadoop-defaults" for r in tuning):
        size, files = meta["tuning_cell"]
        lines += [f"## S3A tuning: the program's settings against Hadoop's defaults (directory committer, {size} MiB, {files} files)", "",
                  "| settings | total s | job commit s | S3 requests | peak heap MiB |", "|---|---:|---:|---:|---:|"]
        for t in ("program", "hadoop-defaults"):
            rs = [r for r in tuning if r.tuning == t and r.variant == "directory" and (r.size_mib, r.files) == (size, files)]
            if rs:
                lines.append(f"| {t} | {med([r.total_s for r in rs]):.2f} | {med([r.job_commit_s for r in rs]):.2f} | "
                             f"{med([r.requests for r in rs]):.0f} | {med([r.peak_heap_mib for r in rs]):.0f} |")
        lines.append("")
    return "\n".join(lines)


def chart(runs: list[Run], path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cells = sorted({(r.size_mib, r.files) for r in runs if r.tuning == "program"})
    fig, axes = plt.subplots(1, len(cells), figsize=(4 * len(cells), 4), squeeze=False)
    for ax, (size, files) in zip(axes[0], cells):
        names = [v for v in VARIANTS if any(r.variant == v and (r.size_mib, r.files) == (size, files) for r in runs)]
        total = [statistics.median([r.total_s for r in runs if r.variant == v and (r.size_mib, r.files) == (size, files) and r.tuning == "program"]) for v in names]
        commit = [statistics.median([r.job_commit_s for r in runs if r.variant == v and (r.size_mib, r.files) == (size, files) and r.tuning == "program"]) for v in names]
        xs = range(len(names))
        ax.bar(xs, total, color="#9ecae1", label="total")
        ax.bar(xs, commit, color="#08519c", label="job commit")
        ax.set_xticks(list(xs), names, rotation=35, ha="right", fontsize=8)
        ax.set_title(f"{size} MiB, {files} files", fontsize=10)
        ax.set_ylabel("seconds (median)")
    axes[0][0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="small sizes, 1 repetition (a smoke run)")
    p.add_argument("--sizes", default="64,1024", help="MiB per write (default 64,1024)")
    # 2048 files take 80-105 s per write on 2 cores (about 50 ms per task): 1024 keeps a full
    # run of 3 repetitions under an hour while still showing how commit cost grows with files.
    p.add_argument("--files", default="16,256,1024", help="files per write (default 16,256,1024)")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--out", default=str(ROOT / "results"))
    p.add_argument("--from-json", help="only summarize an earlier (possibly partial) run's committers.json")
    a = p.parse_args(argv)
    if a.from_json:
        data = json.loads(Path(a.from_json).read_text())
        runs = []
        for d in data:
            r = Run(d["variant"], d["size_mib"], d["files"], d["rep"], d["tuning"])
            r.__dict__.update(d)
            runs.append(r)
        meta = json.loads((Path(a.from_json).parent / "committers.meta.json").read_text())
        meta["tuning_cell"] = tuple(meta["tuning_cell"])
        raw = {int(k): v for k, v in meta.pop("raw", {}).items()}
        print(summarize(runs, raw, meta))
        chart(runs, Path(a.from_json).parent / "committers.png")
        return 0
    sizes = [8] if a.quick else [int(x) for x in a.sizes.split(",")]
    files_list = [16, 64] if a.quick else [int(x) for x in a.files.split(",")]
    reps = 1 if a.quick else a.reps
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)

    tools = localrun.ensure_go_tools()
    work = Path(tempfile.mkdtemp(prefix="bench-committers-"))
    with localrun.Minio(tools["minio"], tools["mc"], work) as minio:
        rendered = localrun.render(minio.url, work / "staging")
        key = ("spark" + secrets.token_hex(6), secrets.token_urlsafe(30))
        minio.setup(rendered, *key)
        os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"] = key
        os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
        conf = localrun.localize_jars(rendered["sparkConf"])
        from pyspark.sql import SparkSession

        b = (SparkSession.builder.master("local[2]").appName("bench-committers")
             .config("spark.driver.memory", "3g").config("spark.ui.port", "0")
             .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
             .config("spark.sql.ui.retainedExecutions", "2000").config("spark.ui.showConsoleProgress", "false"))
        for k, v in conf.items():
            b = b.config(k, v)
        spark = b.getOrCreate()
        spark.sparkContext.setLogLevel("ERROR")
        base_hadoop = {k[len("spark.hadoop."):]: v for k, v in conf.items() if k.startswith("spark.hadoop.")}
        program_tuning = {k: base_hadoop.pop(k) for k in list(base_hadoop) if k in TUNING_KEYS}

        runs: list[Run] = []
        plan = [(rep, size, files, v) for rep in range(reps) for size in sizes for files in files_list for v in [*VARIANTS, "generate-only"]]
        tuning_cell = (sizes[-1], files_list[len(files_list) // 2])
        plan += [(rep, tuning_cell[0], tuning_cell[1], "directory:hadoop-defaults") for rep in range(reps)]
        meta = {"date": time.strftime("%Y-%m-%d"), "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
                f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB", "spark": rendered["sparkVersion"], "cores": 2,
                "reps": reps, "command": "npm run bench:committers" + (" -- --quick" if a.quick else ""), "tuning_cell": tuning_cell}
        (out / "committers.meta.json").write_text(json.dumps(meta))
        # Interleave: every repetition walks all variants before the next one starts.
        t_start = time.monotonic()
        for i, (rep, size, files, v) in enumerate(plan, 1):
            variant, _, tuning = v.partition(":")
            tuning = tuning or "program"
            if variant == "generate-only":
                r = Run(variant, size, files, rep, "noop")
                r.total_s = generate_only(spark, size, files)
            else:
                apply_variant(spark, base_hadoop, variant, program_tuning if tuning == "program" else {})
                r = one_write(spark, minio, rendered["bucket"], rendered["dataPrefix"], Run(variant, size, files, rep, tuning))
            runs.append(r)
            (out / "committers.json").write_text(json.dumps([x.__dict__ for x in runs], indent=1))
            log(f"{i}/{len(plan)} {variant:11s} {tuning:15s} {size:5d} MiB {files:5d} files: {r.total_s:6.2f} s, commit {r.job_commit_s:5.2f} s, "
                f"{r.requests} requests ({time.monotonic() - t_start:.0f} s elapsed)")
        apply_variant(spark, base_hadoop, "directory", program_tuning)
        raw = {size: statistics.median([raw_put(spark, rendered["bucket"], rendered["dataPrefix"], size, work) for _ in range(reps)]) for size in sizes}
        spark.stop()

    (out / "committers.meta.json").write_text(json.dumps({**meta, "raw": raw}))
    md = summarize(runs, raw, meta)
    (out / "committers.md").write_text(md + "\n")
    (out / "committers.json").write_text(json.dumps([r.__dict__ for r in runs], indent=1))
    try:
        chart(runs, out / "committers.png")
    except ImportError:
        log("matplotlib is not installed: no chart (pip install matplotlib)")
    print(md)
    log(f"wrote {out / 'committers.md'} and {out / 'committers.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
