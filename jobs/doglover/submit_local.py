"""Start a local SparkSession from a sparkConf file and run DogLover in it (one JVM per call).

    python3 submit_local.py --conf-file conf.json [--master local[2]] -- <doglover.py arguments>
"""

from __future__ import annotations

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--conf-file", required=True)
    p.add_argument("--master", default="local[2]")
    p.add_argument("job_args", nargs=argparse.REMAINDER)
    a = p.parse_args(argv)
    job_args = a.job_args[1:] if a.job_args[:1] == ["--"] else a.job_args

    from pyspark.sql import SparkSession

    import doglover

    with open(a.conf_file, encoding="utf-8") as f:
        conf = json.load(f)
    builder = SparkSession.builder.master(a.master).appName("doglover-local")
    for k, v in {"spark.ui.enabled": "false", "spark.driver.bindAddress": "127.0.0.1",
                 "spark.driver.host": "127.0.0.1", **conf}.items():
        builder = builder.config(k, v)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    args = doglover.build_parser().parse_args(job_args)
    try:
        summary = doglover.run(spark, args.input, args.output, args.aggregates, args.rejects)
    finally:
        spark.stop()
    print("DOGLOVER_SUMMARY " + json.dumps(summary, sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
