"""Write throughput of a Spark Connect session beside a batch job's, on the same data, in one run.

    python jobs/connect/bench_connect.py [--records 400000] [--master local[2]]

Both run the same write-bound step with the program's conf, against one MinIO on 127.0.0.1 and
the same input (DogLover's seeded sample tweets, JSON lines): read the tweets, write them as
Parquet through the platform's S3A committer (`copy` below):
  - batch: a classic pyspark session in its own process (what a SparkApplication's driver runs);
  - session: the same `copy` from a Connect client, on the program's Connect server
    (render-connect's conf and command), already running, as a notebook finds it.
Printed: each side's seconds inside `copy`, the Parquet bytes it wrote (listed on the store) and
the throughput, then the ratio; also the batch's whole process time (its JVM start is part of
every batch run; the server's start is paid once, not per session). Numbers, never assertions.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import connectrun  # noqa: E402
from connectrun import localrun  # noqa: E402

import generate_tweets  # noqa: E402  (jobs/doglover, on the path through connectrun)

BATCH = """
import json, sys, time
sys.path.insert(0, sys.argv[3])
from pyspark.sql import SparkSession
import bench_connect
conf = json.loads(sys.argv[1])
b = SparkSession.builder.appName("bench-batch")
for k, v in conf.items():
    b = b.config(k, v)
spark = b.getOrCreate()
print("BENCH_SECONDS", bench_connect.copy(spark, *json.loads(sys.argv[2])))
spark.stop()
"""


def copy(spark, source: str, target: str) -> float:
    """The measured step: tweets (JSON lines) to Parquet, through the committer; its seconds."""
    t0 = time.monotonic()
    spark.read.json(source).write.mode("overwrite").parquet(target)
    return time.monotonic() - t0


def written(minio, path) -> int:
    return sum(o.get("size", 0) for o in localrun.list_objects(minio, localrun.s3_key(path)) if o["key"].endswith(".parquet"))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--records", type=int, default=400_000)
    p.add_argument("--master", default="local[2]")
    a = p.parse_args()
    tools = localrun.ensure_go_tools()
    work = Path(tempfile.mkdtemp(prefix="bench-connect-"))
    try:
        with localrun.Minio(tools["minio"], tools["mc"], work) as minio:
            rendered = localrun.render(minio.url, work / "staging")
            key = ("spark" + secrets.token_hex(6), localrun.new_secret())
            minio.setup(rendered, *key)
            data = work / "tweets.jsonl"
            with open(data, "w", encoding="utf-8") as f:
                generate_tweets.write(a.records, 42, f)
            minio.mc_run("cp", "--quiet", str(data), f"store/{localrun.s3_key(rendered['paths']['input'])}/tweets.jsonl", key=key)
            base = f"s3a://{rendered['bucket']}/{rendered['dataPrefix']}/bench-connect"
            source = rendered["paths"]["input"]
            target = {side: f"{base}/{side}" for side in ("batch", "session")}
            platform = localrun.localize_jars(rendered["sparkConf"])
            local = {"spark.master": a.master, "spark.ui.enabled": "false", "spark.driver.host": "127.0.0.1",
                     "spark.driver.bindAddress": "127.0.0.1"}
            results = {}

            # Batch: its own process, as a job's driver.
            env = {**os.environ, "AWS_ACCESS_KEY_ID": key[0], "AWS_SECRET_ACCESS_KEY": key[1], "SPARK_LOCAL_IP": "127.0.0.1",
                   "PYSPARK_PYTHON": sys.executable}
            t0 = time.monotonic()
            r = subprocess.run([sys.executable, "-c", BATCH, json.dumps({**platform, **local}), json.dumps([source, target["batch"]]),
                                str(HERE)], env=env, capture_output=True, text=True)
            if r.returncode != 0:
                print(r.stderr[-4000:], file=sys.stderr)
                return 1
            secs = float(next(l for l in r.stdout.splitlines() if l.startswith("BENCH_SECONDS")).split()[1])
            results["batch"] = {"seconds": secs, "process_seconds": time.monotonic() - t0, "bytes": written(minio, target["batch"])}

            # Session: a Connect client on the running server.
            port, ui = localrun.free_port(), localrun.free_port()
            conf_file = work / "connect.conf"
            server_conf = {**connectrun.local_conf(port, ui, a.master), "spark.ui.enabled": "false"}
            rc = connectrun.render_connect(platform, conf_file, settings={"app-name": "bench-connect", "server-memory": "1g"},
                                           conf=server_conf)
            token = secrets.token_urlsafe(32)
            with connectrun.ConnectServer(rc, conf_file, token, key, port, work / "connect.log"):
                spark = connectrun.session(f"sc://localhost:{port}/;token={token}")
                try:
                    secs = copy(spark, source, target["session"])
                    results["session"] = {"seconds": secs, "bytes": written(minio, target["session"])}
                finally:
                    spark.stop()
            for side in target:
                success = localrun.success_file(minio, target[side])
                results[side]["committer"] = success["committer"] if success else "file (0-byte _SUCCESS)"

            for side, res in results.items():
                res["mib_per_s"] = res["bytes"] / res["seconds"] / 2**20
                res["input_mib_per_s"] = data.stat().st_size / res["seconds"] / 2**20
            b, s = results["batch"], results["session"]
            print(f"{a.records} tweets ({data.stat().st_size} bytes of JSON) to Parquet, {a.master}, MinIO on 127.0.0.1")
            print(f"{'':10} {'write (s)':>9} {'Parquet bytes':>14} {'Parquet MiB/s':>14} {'input MiB/s':>12}  committer")
            for side, res in results.items():
                print(f"{side:10} {res['seconds']:9.2f} {res['bytes']:14d} {res['mib_per_s']:14.3f} {res['input_mib_per_s']:12.2f}  {res['committer']}")
            print(f"batch process, JVM start included: {b['process_seconds']:.2f} s")
            print(f"session/batch throughput ratio: {s['mib_per_s'] / b['mib_per_s']:.2f}")
            print("BENCH_JSON " + json.dumps(results))
            return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
