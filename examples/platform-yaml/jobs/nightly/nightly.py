"""A small nightly job: totals per day of generated events, written as Parquet through the S3A
committer the platform configures (the job's own choice here: magic)."""

import argparse

from pyspark.sql import SparkSession, functions as F


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--output", required=True, help="s3a:// directory of the totals")
    args = parser.parse_args()
    spark = SparkSession.builder.appName("nightly-totals").getOrCreate()
    events = spark.range(0, 100_000).select(
        (F.col("id") % 7).alias("day"),
        (F.col("id") % 100).cast("double").alias("amount"),
    )
    totals = events.groupBy("day").agg(F.count("*").alias("events"), F.sum("amount").alias("amount"))
    totals.write.mode("overwrite").parquet(args.output)
    spark.stop()


if __name__ == "__main__":
    main()
