"""Committer benchmark: classic FileOutputCommitter v1 and v2 against the S3A directory,
partitioned and magic committers, side by side, on real Spark and a real MinIO on 127.0.0.1, each
at 0 ms and at an S3-like per-request latency (Toxiproxy between S3A and MinIO).

    npm run bench:committers                              # the latency matrix (about an hour on 2 busy cores)
    npm run bench:committers -- --quick                   # a few minutes, small sizes
    npm run bench:committers -- --chart docs/committers.png   # also write the chart there
    npm run bench:committers -- --setups local,cluster-buffer-shared,cluster-tuning   # the other studies

Latency: S3A's endpoint is a Toxiproxy proxy in front of MinIO (bench/latency.py). In the main
setup every write runs twice in the same Spark session, on the same data: with no toxic (0 ms) and
with `--latency` ms added to every S3 response (default 20: AWS's performance guidelines give
median latencies "in the tens of milliseconds" for small requests, "Timeouts and Retries for
Latency-Sensitive Applications" in "Best Practices Design Patterns: Optimizing Amazon S3
Performance"; 20 ms is the low end, so the committers' savings are not overstated). The other
setups run at 0 ms.

Two topologies: `local[2]` (driver and tasks in one JVM) and `local-cluster[2,1,1024]` (two
executors in their own JVMs, the shape of the program's pods), both with the committer jars on
the JVMs' class path as the image provides them (no spark.jars.packages). The staging
committers stage on a directory standing for the shared volume (`staging.tmp.path`); S3A's
buffer (`fs.s3a.buffer.dir`) is on a local directory, and in one setup on the shared one.

Same input, same output layout (Parquet, uncompressed, partitioned by p, one file per task and
partition); per session the variants run interleaved (and the latencies alternate their order per
repetition) so machine drift hits them alike; each repetition walks every setup (a Spark session
each: topology and buffer placement need new JVMs) before the next starts. Per write it records
total time, job-commit and task-commit time (Spark's SQL metrics), the tasks' run time (stage
metrics: write = run time - task commit), objects and bytes written and pending uploads left
(listing MinIO), S3 requests by API as the server counted them (MinIO's per-API counters, every
JVM included), the S3A IOStatistics counters of the committer's `_SUCCESS`, the driver's peak heap
and the load average. The raw limit: the same number of objects of the same size uploaded through
S3A from the driver with as many concurrent streams as the job has task slots. Filesystem settings
(buffer type, part size, pool; magic's bookkeeping in S3) run on buckets of their own (per-bucket
options) in one session with the program's settings on the main bucket as the control.

Writes results/committers.{md,json,png} (generated, not committed); `--chart` writes the chart
elsewhere too (docs/committers.png is committed). Not a test: no timing assertions.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import latency  # noqa: E402
import measure  # noqa: E402
import report  # noqa: E402
from measure import JOB_TUNING, SLOTS, TUNING_KEYS, VARIANTS, Run, Setup, localrun, log  # noqa: E402

#: The setups of the default (full) run and of --quick; the others are studies of their own
#: (docs/benchmarks.md has their last results), run with --setups.
SETUPS = {s.name: s for s in [Setup("cluster", "cluster"), Setup("local", "local"),
                              Setup("cluster-buffer-shared", "cluster", buffer="shared"), Setup("cluster-tuning", "cluster")]}
DEFAULT_SETUPS = ("cluster",)


def plan_for(setup: Setup, rep: int, big: int, small: int, files: list[int], quick: bool, lat: int) -> list[tuple[int, int, str, int]]:
    """(MiB, files, variant[:tuning], latency ms) of one session, in the order they run. Budgeted
    for 2 cores: every committer on few large files, the many-files shapes for the committers that
    matter, each at 0 ms and at `lat` ms (the order of the two alternates with the repetition);
    classic v1 at `lat` ms on more than 256 files in the first repetition only (minutes a write:
    it makes ~24 requests per file, most of them one after another in the job commit)."""
    few = files[0]
    lats = [0, lat] if rep % 2 == 0 else [lat, 0]
    if setup.name == "cluster":
        out = []
        for f in files:
            size = big if f == few else small
            for ms in lats:
                if f == few:
                    vs = [*VARIANTS, "generate-only", "raw-put"]
                else:
                    vs = ["classic-v1", "directory", "magic", "magic-s3track", "generate-only", "raw-put"]
                    if ms and f > 256 and rep > 0 and not quick:
                        vs.remove("classic-v1")
                    if not quick and f == 1024 and ms and rep == 0:
                        # Committer threads bound a job commit where requests cost time (1024 completes / 8 threads).
                        vs += [f"{v}:{t}" for t in JOB_TUNING for v in ("directory", "magic")]
                out += [(size, f, v, ms) for v in vs]
        return out
    many = 1024 if 1024 in files else files[-1]
    mid = files[1] if len(files) > 2 else files[0]
    if setup.name == "local":
        return [(big, few, v, 0) for v in ("classic-v1", "directory", "magic")] + [(small, many, v, 0) for v in ("directory", "magic")]
    if setup.buffer == "shared":
        return [(c, f, v, 0) for c, f in ((big, few), (small, many)) for v in ("directory", "magic")]
    # The control (the program's settings) beside each bucket's settings. Block buffers: only
    # magic writes through them (the staging committers upload whole files); parts: only files
    # larger than a part.
    # The order rotates with the repetition, so the control is not always first.
    out = []
    for c, f in ((big, few), (small, mid)):
        for v, ts in (("magic", ["program", "array", "bytebuffer", "parts-16m", "pool-16"]), ("directory", ["program", "parts-16m", "pool-16"])):
            ts = [t for t in ts if f == few or t != "parts-16m"]
            out += [(c, f, f"{v}:{t}", 0) for t in ts[rep % len(ts):] + ts[:rep % len(ts)]]
    return out


def from_json(src: Path, charts: list[str]) -> int:
    runs = []
    for d in json.loads(src.read_text()):
        r = Run(d["variant"], d["size_mib"], d["files"], d["rep"])
        r.__dict__.update(d)
        runs.append(r)
    meta = json.loads((src.parent / "committers.meta.json").read_text())
    md = report.summarize(runs, meta)
    print(md)
    (src.parent / "committers.md").write_text(md + "\n")
    report.chart(runs, meta, [src.parent / "committers.png", *map(Path, charts)])
    return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="small sizes, 1 repetition (a smoke run, a few minutes)")
    p.add_argument("--big", type=int, default=128, help="MiB of the few-large-files write (default 128)")
    p.add_argument("--small", type=int, default=128, help="MiB of the many-files writes (default 128)")
    p.add_argument("--files", default="16,1024", help="files per write (default 16,1024; the first gets --big MiB, the others --small)")
    p.add_argument("--reps", type=int, default=2, help="repetitions (default 2)")
    p.add_argument("--latency", type=int, default=20, help="ms added to every S3 response in the latency runs (default 20)")
    p.add_argument("--setups", help=f"comma-separated setups, of {', '.join(SETUPS)} (default {', '.join(DEFAULT_SETUPS)})")
    p.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE",
                   help="a sparkConf setting on top of the program's profile (to try one before the profile has it)")
    p.add_argument("--out", default=str(ROOT / "results"))
    p.add_argument("--chart", action="append", default=[], help="also write the chart here (e.g. docs/committers.png)")
    p.add_argument("--from-json", help="only summarize an earlier (possibly partial) run's committers.json")
    a = p.parse_args(argv)
    if a.from_json:
        return from_json(Path(a.from_json), a.chart)
    out = Path(a.out)
    big, small = (16, 8) if a.quick else (a.big, a.small)
    files_list = [4, 16, 64] if a.quick else [int(x) for x in a.files.split(",")]
    reps = 1 if a.quick else a.reps
    names = a.setups.split(",") if a.setups else list(DEFAULT_SETUPS)
    unknown = [n for n in names if n not in SETUPS]
    if unknown:
        p.error(f"unknown setup(s) {', '.join(unknown)}; choose from {', '.join(SETUPS)}")
    setups = [SETUPS[n] for n in names]
    extra = dict(kv.split("=", 1) for kv in a.conf)
    out.mkdir(parents=True, exist_ok=True)

    tools = localrun.ensure_go_tools()
    toxiproxy = latency.ensure_toxiproxy()
    work = Path(tempfile.mkdtemp(prefix="bench-committers-"))
    os.environ["SPARK_HOME"] = str(measure.private_spark_home(work))
    os.environ["MINIO_PROMETHEUS_AUTH_TYPE"] = "public"  # the per-API request counters, unauthenticated
    runs: list[Run] = []
    spark = None
    try:
        with localrun.Minio(tools["minio"], tools["mc"], work) as minio, \
                latency.Toxiproxy(toxiproxy, f"127.0.0.1:{minio.port}", work) as proxy:
            # S3A goes through the proxy; mc, the setup script and the counters go to MinIO directly.
            rendered = localrun.render(proxy.url, work / "shared", conf=extra)
            key = ("spark" + secrets.token_hex(6), localrun.new_secret())
            minio.setup(rendered, *key)
            measure.tuning_buckets(minio, rendered["bucket"], key[0], work)
            os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"] = key
            os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
            conf = rendered["sparkConf"]
            meta = {"date": time.strftime("%Y-%m-%d"), "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
                    f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB", "spark": rendered["sparkVersion"],
                    "reps": reps, "big": big, "small": small, "latency_ms": a.latency, "main": setups[0].name,
                    "command": "npm run bench:committers" + (" -- " + " ".join(argv if argv is not None else sys.argv[1:]) if (argv if argv is not None else sys.argv[1:]) else ""),
                    "setups": [s.__dict__ for s in setups], "setups_by_name": {s.name: s.__dict__ for s in setups},
                    "staging": conf.get("spark.hadoop.fs.s3a.committer.staging.tmp.path"), "extra_conf": extra,
                    "tuning": {k[len("spark.hadoop."):]: v for k, v in conf.items() if k[len("spark.hadoop."):] in TUNING_KEYS},
                    "requests": {k: v for k, v in conf.items() if any(w in k for w in ("performance", "marker", "track.commits", "committer.threads"))}}
            (out / "committers.meta.json").write_text(json.dumps(meta))  # a partial run can be summarized (--from-json)
            plans = {(s.name, rep): plan_for(s, rep, big, small, files_list, a.quick, a.latency) for s in setups for rep in range(reps)}
            total = sum(len(x) for x in plans.values())
            t_start, i, loads = time.monotonic(), 0, []
            for rep in range(reps):
                # Rotate the setups' order too, so no setup always runs first (or last) in a repetition.
                for setup in setups[rep % len(setups):] + setups[:rep % len(setups)]:
                    t_session = time.monotonic()
                    proxy.set_latency(0)
                    spark = measure.start_session(setup, conf, work, rendered["bucket"])
                    # Warm up the JVMs (class loading, JIT, the filesystems), untimed.
                    measure.apply_variant(spark, "magic", {})
                    measure.one_write(spark, minio, rendered["bucket"], rendered["dataPrefix"], Run("magic", max(1, big // 16), 16, rep, setup.name, "warmup"))
                    log(f"session {setup.name} (repetition {rep + 1}) ready in {time.monotonic() - t_session:.0f} s, warm-up included")
                    for size, files, v, ms in plans[setup.name, rep]:
                        i += 1
                        proxy.set_latency(ms)
                        variant, _, tuning = v.partition(":")
                        tuning = tuning or "program"
                        if variant == "generate-only":
                            r = Run(variant, size, files, rep, setup.name, "noop", ms)
                            r.total_s, r.load = measure.generate_only(spark, size, files), os.getloadavg()[0]
                        elif variant == "raw-put":
                            r = measure.raw_put(spark, minio, rendered["bucket"], rendered["dataPrefix"], Run(variant, size, files, rep, setup.name, "program", ms), work, SLOTS)
                        else:
                            measure.apply_variant(spark, variant, JOB_TUNING.get(tuning, {}))
                            bucket = measure.bucket_for(rendered["bucket"], variant, tuning)
                            r = measure.one_write(spark, minio, bucket, rendered["dataPrefix"], Run(variant, size, files, rep, setup.name, tuning, ms))
                        runs.append(r)
                        loads.append(r.load)
                        (out / "committers.json").write_text(json.dumps([x.__dict__ for x in runs], indent=1))
                        log(f"{i}/{total} {setup.name:14s} {variant:13s} {tuning:10s} {ms:3d} ms {size:4d} MiB {files:5d} files: {r.total_s:7.2f} s, "
                            f"commit {r.job_commit_s:6.2f} s, {r.requests} requests, load {r.load:.1f} ({time.monotonic() - t_start:.0f} s elapsed)")
                    spark.stop()
                    spark = None
            meta["load"] = f"{min(loads):.1f}-{max(loads):.1f} (median {report.med(loads):.1f})"
            (out / "committers.meta.json").write_text(json.dumps(meta))
    finally:
        if spark is not None:
            spark.stop()
        shutil.rmtree(work, ignore_errors=True)

    md = report.summarize(runs, meta)
    (out / "committers.md").write_text(md + "\n")
    try:
        report.chart(runs, meta, [out / "committers.png", *map(Path, a.chart)])
    except ImportError:
        log("matplotlib is not installed: no chart (pip install matplotlib)")
    print(md)
    log(f"wrote {out / 'committers.md'}, {out / 'committers.json'} and the chart {[str(out / 'committers.png'), *a.chart]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
