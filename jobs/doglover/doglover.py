"""DogLover: which dog breeds does Twitter talk about, per day?

Reads tweets (Twitter API v1.1 JSON, one per line) from S3, keeps the tweets about dogs,
derives date and breed mentions, and writes through the S3A committer configured in sparkConf:

  <output>      the dog tweets, Parquet, partitioned by date
  <aggregates>  tweets, engagement and distinct users per breed per day, Parquet, by date
  <rejects>     malformed input lines with the reason, JSON lines

Malformed records never fail the job: they are counted and written to <rejects>.

Dog detection (case-insensitive): a tweet is about dogs when a hashtag or a word of its text is
in DOG_WORDS, or when it mentions a breed of BREEDS. Breed patterns match whole words in the
text and whole hashtags (hashtags are compared with spaces and dashes removed).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Iterable

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

#: Words that make a tweet about dogs, matched as whole words or as hashtags.
DOG_WORDS: tuple[str, ...] = (
    "dog", "dogs", "doggo", "doggos", "doggy", "doggie", "puppy", "puppies", "pup", "pups",
    "pupper", "canine", "woof", "dogsoftwitter", "doglover", "doglovers",
)

#: Breed -> regular expressions (lowercase, whole-word) that mention it.
BREEDS: dict[str, tuple[str, ...]] = {
    "labrador": (r"labradors?", r"labs?"),
    "golden retriever": (r"golden retrievers?", r"goldens?"),
    "german shepherd": (r"german shepherds?", r"gsds?"),
    "bulldog": (r"bulldogs?", r"frenchies", r"frenchie"),
    "poodle": (r"poodles?",),
    "beagle": (r"beagles?",),
    "dachshund": (r"dachshunds?", r"wiener dogs?", r"doxies?"),
    "corgi": (r"corgis?",),
    "husky": (r"huskies", r"husky"),
    "border collie": (r"border collies?",),
    "shiba inu": (r"shiba inus?", r"shibas?"),
    "pug": (r"pugs?",),
}

TWEET_SCHEMA = T.StructType(
    [
        T.StructField("created_at", T.StringType()),
        T.StructField("id_str", T.StringType()),
        T.StructField("text", T.StringType()),
        T.StructField("lang", T.StringType()),
        T.StructField(
            "user",
            T.StructType(
                [
                    T.StructField("screen_name", T.StringType()),
                    T.StructField("followers_count", T.LongType()),
                    T.StructField("location", T.StringType()),
                ]
            ),
        ),
        T.StructField(
            "entities",
            T.StructType(
                [
                    T.StructField(
                        "hashtags",
                        T.ArrayType(T.StructType([T.StructField("text", T.StringType())])),
                    )
                ]
            ),
        ),
        T.StructField("retweet_count", T.LongType()),
        T.StructField("favorite_count", T.LongType()),
    ]
)


def _word_regex(patterns: Iterable[str]) -> str:
    # Whole words; a leading '#' counts as a word boundary, so "#dog" in the text matches too.
    return r"(?i)(^|[^a-z0-9_])(" + "|".join(patterns) + r")($|[^a-z0-9_])"


def _hashtag_regex(patterns: Iterable[str]) -> str:
    # A hashtag is matched whole, with the pattern's spaces removed ("#goldenretriever").
    return r"^(" + "|".join(p.replace(" ", "") for p in patterns) + r")$"


def parse(lines: DataFrame) -> tuple[DataFrame, DataFrame]:
    """Split raw lines (column `value`) into parsed tweets and rejects (`value`, `reason`)."""
    parsed = lines.select(
        F.col("value"),
        F.from_json("value", TWEET_SCHEMA, {"mode": "PERMISSIVE"}).alias("t"),
    ).select(
        "value",
        "t",
        # Twitter's format is "Wed Oct 10 20:19:24 +0000 2018"; Spark parses no day-of-week,
        # so it is cut off. try_to_timestamp gives null (not an error) on a bad value.
        F.try_to_timestamp(
            F.expr("substring(t.created_at, 5)"), F.lit("MMM dd HH:mm:ss Z yyyy")
        ).alias("ts"),
    )
    # from_json gives a struct of nulls (not null) for broken JSON; json_object_keys is null
    # for anything that is not a JSON object.
    reason = (
        F.when(F.col("t").isNull() | F.expr("json_object_keys(value)").isNull(), F.lit("not a JSON object"))
        .when(F.col("t.id_str").isNull(), F.lit("missing id_str"))
        .when(F.col("t.text").isNull(), F.lit("missing text"))
        .when(F.col("ts").isNull(), F.lit("bad created_at"))
    )
    with_reason = parsed.withColumn("reason", reason)
    rejects = with_reason.where(F.col("reason").isNotNull()).select("value", "reason")
    good = with_reason.where(F.col("reason").isNull()).select("t.*", "ts")
    return good, rejects


def _hashtags(df: DataFrame) -> Column:
    tags = F.coalesce(F.col("entities.hashtags"), F.array().cast("array<struct<text:string>>"))
    return F.transform(tags, lambda h: F.regexp_replace(F.lower(h["text"]), r"[\s-]", ""))


def _mentions(text: Column, hashtags: Column, patterns: Iterable[str]) -> Column:
    patterns = tuple(patterns)
    return F.lower(text).rlike(_word_regex(patterns)) | F.exists(
        hashtags, lambda h: h.rlike(_hashtag_regex(patterns))
    )


def transform(good: DataFrame) -> DataFrame:
    """Dog tweets, one row per unique id, with date and breed mentions."""
    tagged = good.withColumn("hashtags", _hashtags(good))
    breeds = F.array_compact(
        F.array(
            *[
                F.when(_mentions(F.col("text"), F.col("hashtags"), pats), F.lit(breed))
                for breed, pats in BREEDS.items()
            ]
        )
    )
    about_dogs = _mentions(F.col("text"), F.col("hashtags"), DOG_WORDS)
    return (
        tagged.withColumn("breeds", breeds)
        .where(about_dogs | (F.size("breeds") > 0))
        .dropDuplicates(["id_str"])
        .select(
            F.col("id_str").alias("id"),
            F.col("ts").alias("created_at"),
            F.to_date(F.col("ts")).alias("date"),
            F.col("user.screen_name").alias("screen_name"),
            F.col("user.followers_count").alias("followers_count"),
            F.col("user.location").alias("location"),
            "lang",
            "text",
            "hashtags",
            F.coalesce("retweet_count", F.lit(0)).alias("retweet_count"),
            F.coalesce("favorite_count", F.lit(0)).alias("favorite_count"),
            "breeds",
        )
    )


def aggregate(dog_tweets: DataFrame) -> DataFrame:
    """Tweets, engagement (retweets + favorites) and distinct users per breed per day."""
    return (
        dog_tweets.select("date", F.explode("breeds").alias("breed"), "screen_name",
                          "retweet_count", "favorite_count")
        .groupBy("date", "breed")
        .agg(
            F.count(F.lit(1)).alias("tweets"),
            F.sum("retweet_count").alias("retweets"),
            F.sum("favorite_count").alias("favorites"),
            (F.sum("retweet_count") + F.sum("favorite_count")).alias("engagement"),
            F.countDistinct("screen_name").alias("users"),
        )
    )


def run(spark: SparkSession, input_path: str, output: str, aggregates: str, rejects: str) -> dict:
    # Dates are UTC days, whatever the cluster's time zone.
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    lines = spark.read.text(input_path)
    good, bad = parse(lines)
    dog_tweets = transform(good).cache()
    # One file per date partition: a cached plan keeps spark.sql.shuffle.partitions (200) and
    # would write up to 200 small objects per date, each a separate upload and commit.
    dog_tweets.repartition("date").write.mode("overwrite").partitionBy("date").parquet(output)
    aggregate(dog_tweets).repartition("date").write.mode("overwrite").partitionBy("date").parquet(aggregates)
    bad.write.mode("overwrite").json(rejects)
    summary = {
        "input_lines": lines.count(),
        "rejected": bad.count(),
        "dog_tweets": dog_tweets.count(),
        "output": output,
        "aggregates": aggregates,
        "rejects": rejects,
    }
    dog_tweets.unpersist()
    return summary


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--input", required=True, help="tweets, JSON lines (s3a://bucket/prefix/input/)")
    p.add_argument("--output", required=True, help="dog tweets, Parquet by date")
    p.add_argument("--aggregates", required=True, help="per breed per day, Parquet by date")
    p.add_argument("--rejects", required=True, help="malformed lines with reason, JSON lines")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    spark = SparkSession.builder.appName("doglover").getOrCreate()
    try:
        summary = run(spark, args.input, args.output, args.aggregates, args.rejects)
    finally:
        spark.stop()
    print("DOGLOVER_SUMMARY " + json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
