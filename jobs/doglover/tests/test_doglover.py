"""Unit tests of DogLover's transformations on a local SparkSession (no S3)."""

import json

import pytest

import doglover
import generate_tweets


def tweet(i, text, tags=(), created="Mon May 06 10:00:00 +0000 2024", user="ann", rt=0, fav=0):
    return json.dumps(
        {
            "created_at": created,
            "id_str": str(i),
            "text": text,
            "lang": "en",
            "user": {"screen_name": user, "followers_count": 10, "location": "Berlin"},
            "entities": {"hashtags": [{"text": t} for t in tags]},
            "retweet_count": rt,
            "favorite_count": fav,
        }
    )


def lines_df(spark, lines):
    return spark.createDataFrame([(line,) for line in lines], "value string")


def dog_rows(spark, lines):
    good, _ = doglover.parse(lines_df(spark, lines))
    return {r["id"]: r for r in doglover.transform(good).collect()}


def test_keeps_dog_tweets_by_word_and_hashtag_case_insensitive(spark):
    rows = dog_rows(spark, [
        tweet(1, "My DOG is asleep"),
        tweet(2, "coffee time", tags=["DogsOfTwitter"]),
        tweet(3, "coffee time", tags=["monday"]),
        tweet(4, "hotdog stand downtown"),  # 'dog' inside a word is not a dog
    ])
    assert sorted(rows) == ["1", "2"]


def test_breeds_from_text_and_hashtags(spark):
    rows = dog_rows(spark, [
        tweet(1, "our Golden Retriever and a pug"),
        tweet(2, "look", tags=["ShibaInu"]),
        tweet(3, "best lab ever"),
        tweet(4, "a laboratory visit, no dogs here"),  # 'dogs' makes it a dog tweet, no breed
    ])
    assert sorted(rows["1"]["breeds"]) == ["golden retriever", "pug"]
    assert rows["2"]["breeds"] == ["shiba inu"]
    assert rows["3"]["breeds"] == ["labrador"]
    assert rows["4"]["breeds"] == []


def test_timestamp_date_and_duplicates(spark):
    rows = dog_rows(spark, [
        tweet(7, "puppy!", created="Sun May 12 23:59:59 +0000 2024"),
        tweet(7, "puppy!", created="Sun May 12 23:59:59 +0000 2024"),
    ])
    assert list(rows) == ["7"]
    assert rows["7"]["date"].isoformat() == "2024-05-12"
    assert rows["7"]["created_at"].hour == 23


def test_malformed_lines_are_rejected_with_reason(spark):
    good, bad = doglover.parse(lines_df(spark, [
        '{"created_at": "Mon May 06 10:00:00 +0000 2024", "id_str": "1", "text": "trunc',
        json.dumps({"created_at": "Mon May 06 10:00:00 +0000 2024", "text": "dog"}),
        json.dumps({"created_at": "yesterday", "id_str": "3", "text": "dog"}),
        tweet(4, "dog"),
    ]))
    reasons = sorted(r["reason"] for r in bad.collect())
    assert reasons == ["bad created_at", "missing id_str", "not a JSON object"]
    assert good.count() == 1


def test_aggregate_per_breed_per_day(spark):
    good, _ = doglover.parse(lines_df(spark, [
        tweet(1, "my corgi", user="a", rt=2, fav=3),
        tweet(2, "two corgis and a pug", user="b", rt=1, fav=0),
        tweet(3, "corgi again", user="a", created="Tue May 07 10:00:00 +0000 2024"),
    ]))
    agg = {(r["date"].isoformat(), r["breed"]): r for r in doglover.aggregate(doglover.transform(good)).collect()}
    assert agg[("2024-05-06", "corgi")]["tweets"] == 2
    assert agg[("2024-05-06", "corgi")]["engagement"] == 6
    assert agg[("2024-05-06", "corgi")]["users"] == 2
    assert agg[("2024-05-06", "pug")]["tweets"] == 1
    assert agg[("2024-05-07", "corgi")]["tweets"] == 1


def test_generated_sample_matches_its_expected_counts(spark, tmp_path):
    out = tmp_path / "tweets.jsonl"
    with open(out, "w") as f:
        exp = generate_tweets.write(3000, 7, f)
    lines = spark.read.text(str(out))
    good, bad = doglover.parse(lines)
    dogs = doglover.transform(good)
    assert lines.count() == exp["input_lines"] == 3000
    assert bad.count() == exp["rejected"] > 0
    assert dogs.count() == exp["dog_tweets"]
    got = {f"{r['date'].isoformat()}|{r['breed']}": {"tweets": r["tweets"], "engagement": r["engagement"], "users": r["users"]}
           for r in doglover.aggregate(dogs).collect()}
    assert got == exp["breed_daily"]


def test_generator_is_deterministic(tmp_path):
    import io
    a, b, c = io.StringIO(), io.StringIO(), io.StringIO()
    generate_tweets.write(500, 1, a)
    generate_tweets.write(500, 1, b)
    generate_tweets.write(500, 2, c)
    assert a.getvalue() == b.getvalue()
    assert a.getvalue() != c.getvalue()


def test_main_requires_paths():
    with pytest.raises(SystemExit):
        doglover.main(["--input", "x"])
