"""A notebook's first cell, as a script: connect to the platform's Spark Connect server and write
Parquet to the stack's bucket through the platform's S3A committer.

    kubectl -n spark-jobs port-forward svc/spark-connect 15002:15002 &
    export SPARK_CONNECT_AUTHENTICATE_TOKEN="$(pulumi stack output connectToken --show-secrets)"
    python example.py s3a://<bucket>/<prefix>/notebooks/example [--port 15002]

The token comes from the environment (pyspark's client reads SPARK_CONNECT_AUTHENTICATE_TOKEN),
so it is in no notebook, no shell history and no process list. `localhost` matters: pyspark sends
a token without TLS only there, and the port-forward is what makes the server local.
jobs/connect/tests/test_example.py runs this file against a real server.
"""

import argparse

from pyspark.sql import SparkSession
from pyspark.sql import functions as F


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("output", help="an s3a:// path under the stack's data prefix")
    p.add_argument("--port", type=int, default=15002)
    a = p.parse_args()

    spark = SparkSession.builder.remote(f"sc://localhost:{a.port}").getOrCreate()
    df = spark.range(1000).withColumn("square", F.col("id") * F.col("id"))
    df.write.mode("overwrite").parquet(a.output)
    print(f"wrote {spark.read.parquet(a.output).count()} rows to {a.output}")
    spark.stop()


if __name__ == "__main__":
    main()
