"""A Spark application for the committer fault tests (test_faults.py): writes known rows through
the configured committer under faults, and prints what happened as one JSON line.

    python fault_writer.py --conf-file conf.json --master local-cluster[2,1,1024] --base s3a://b/p/faults/x \
        --scenarios retry,failed,concurrent

Scenarios, each writing ROWS rows (ids 0..ROWS-1, unique) in PARTITIONS tasks, a file every
RECORDS_PER_FILE rows (`maxRecordsPerFile`, so a task closes several files before it fails):

- retry: the first attempt of task 0 fails after it has closed files (their uploads are pending),
  the retry writes them again: the output must hold every row once.
- failed: every attempt of task 0 fails, so the job fails: nothing may be visible, nothing pending.
- concurrent: two writes to sibling directories at once in this application (threads), while the
  other application of the test does the same: each output exact.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time

ROWS = 2000
PARTITIONS = 8
RECORDS_PER_FILE = 50
#: The row of task 0 at which it fails. Rows reach the writer from the Python UDF in batches of
#: 100 (spark.sql.execution.python.udf.maxRecordsPerBatch), so rows 0-99 are written, in 2 files
#: closed (uploads pending) before the batch with this row fails.
FAIL_AT = 180


def frame(spark, fail: str):
    """ROWS rows; `fail`: "" (none), "once" (task 0's first attempt) or "always" (every attempt of task 0)."""
    from pyspark import TaskContext
    from pyspark.sql import functions as F
    from pyspark.sql.types import LongType

    rows_per_task = ROWS // PARTITIONS

    def check(i):
        ctx = TaskContext.get()
        if i == FAIL_AT and ctx.partitionId() == 0 and (fail == "always" or (fail == "once" and ctx.attemptNumber() == 0)):
            raise RuntimeError(f"injected fault in task {ctx.partitionId()} attempt {ctx.attemptNumber()}")
        return i

    assert FAIL_AT < rows_per_task
    boom = F.udf(check, LongType())
    return (spark.range(0, ROWS, 1, numPartitions=PARTITIONS).withColumn("id", boom(F.col("id")))
            .withColumn("payload", F.concat(F.lit("row-"), F.col("id").cast("string"))))


def write(df, path: str) -> None:
    df.write.mode("overwrite").option("maxRecordsPerFile", RECORDS_PER_FILE).parquet(path)


def run(spark, base: str, scenario: str) -> dict:
    t0 = time.time()
    out = {"scenario": scenario, "start": t0}
    try:
        if scenario == "retry":
            write(frame(spark, "once"), f"{base}/retry")
        elif scenario == "failed":
            write(frame(spark, "always"), f"{base}/failed")
        elif scenario == "concurrent":
            errors = []

            def one(name):
                try:
                    write(frame(spark, ""), f"{base}/{name}")
                except Exception as e:  # reported, not raised: the other thread keeps writing
                    errors.append(f"{name}: {e}")

            threads = [threading.Thread(target=one, args=(n,)) for n in ("concurrent-a", "concurrent-b")]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            if errors:
                raise RuntimeError("; ".join(errors))
        else:
            raise ValueError(f"unknown scenario {scenario}")
        out["ok"] = True
    except Exception as e:
        lines = [line.strip() for line in str(e).splitlines() if line.strip()]
        out["ok"], out["error"] = False, next((line for line in lines if "injected fault" in line), lines[0] if lines else repr(e))[:500]
    out["end"] = time.time()
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--conf-file", required=True)
    p.add_argument("--master", default="local[2]")
    p.add_argument("--base", required=True)
    p.add_argument("--scenarios", default="retry,failed,concurrent")
    a = p.parse_args(argv)
    from pyspark.sql import SparkSession

    with open(a.conf_file, encoding="utf-8") as f:
        conf = json.load(f)
    builder = SparkSession.builder.master(a.master).appName("committer-faults")
    for k, v in {"spark.ui.enabled": "false", "spark.driver.bindAddress": "127.0.0.1", "spark.driver.host": "127.0.0.1",
                 "spark.task.maxFailures": "4", "spark.ui.showConsoleProgress": "false", **conf}.items():
        builder = builder.config(k, v)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    try:
        results = [run(spark, a.base, s) for s in a.scenarios.split(",")]
    finally:
        spark.stop()
    print("FAULTS_RESULT " + json.dumps(results), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
