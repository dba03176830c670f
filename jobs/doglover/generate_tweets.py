"""Deterministic sample tweets for DogLover, with the answers the job must find.

    python3 generate_tweets.py --records 20000 --seed 42 --out tweets.jsonl [--expected expected.json]

Writes Twitter API v1.1-shaped tweets, one JSON object per line: about 40% about dogs (some
naming breeds in text or hashtags), the rest about other things; heavy-tailed followers and
engagement; a week of timestamps; about 2% re-delivered duplicates and about 0.5% malformed
lines. The expected results are known by construction (which tweets the generator made about
which breeds), not by re-running the job's matching rules, so they are an independent check.
Only the standard library: it runs in the Spark image and on any machine with Python 3.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import random
import sys

# How people write each breed (surface forms), independent of the job's patterns.
BREED_FORMS = {
    "labrador": ["Labrador", "lab", "labs", "#Labrador"],
    "golden retriever": ["Golden Retriever", "golden retrievers", "#GoldenRetriever"],
    "german shepherd": ["German Shepherd", "GSD", "#GermanShepherd"],
    "bulldog": ["bulldog", "Frenchie", "#bulldog"],
    "poodle": ["poodle", "Poodles", "#poodle"],
    "beagle": ["beagle", "#Beagle"],
    "dachshund": ["dachshund", "wiener dog", "#Dachshund"],
    "corgi": ["corgi", "Corgis", "#corgi"],
    "husky": ["husky", "huskies", "#Husky"],
    "border collie": ["border collie", "#BorderCollie"],
    "shiba inu": ["Shiba Inu", "shiba", "#ShibaInu"],
    "pug": ["pug", "pugs", "#Pug"],
}
DOG_PHRASES = [
    "my dog {v} today", "this puppy {v}", "look at this good boy, a doggo that {v}",
    "our pup {v}", "the dogs {v} at the park", "#DogsOfTwitter he {v}",
]
BREED_PHRASES = ["my {b} {v} today", "the {b} next door {v}", "best {b} ever {v}"]
VERBS = ["slept all afternoon", "chased a ball", "stole a sandwich", "learned a trick",
         "met a friend", "went for a swim", "got a bath"]
OTHER_PHRASES = [
    "coffee first, then the meeting", "the train is late again", "new phone, who dis",
    "reading a great book about gardens", "match day! come on team", "baking bread this weekend",
    "the sunset over the river tonight", "finally finished the marathon", "rainy monday mood",
]
OTHER_TAGS = ["coffee", "monday", "books", "football", "baking", "travel", "running"]
LANGS = ["en"] * 8 + ["es", "de", "fr"]
LOCATIONS = ["London", "Austin, TX", "Berlin", "", "Sydney", "Toronto", "Madrid", None]
START = dt.datetime(2024, 5, 6, tzinfo=dt.timezone.utc)
DAYS = 7


def twitter_time(t: dt.datetime) -> str:
    return t.strftime("%a %b %d %H:%M:%S +0000 %Y")


MALFORMED = "malformed"
DUPLICATE = "duplicate"


def generate(records: int, seed: int):
    """Yield (line, truth): truth is MALFORMED, DUPLICATE, or what the tweet is about."""
    rng = random.Random(seed)
    users = [
        {
            "screen_name": f"user{i:05d}",
            "followers_count": int(rng.lognormvariate(5, 1.6)),
            "location": rng.choice(LOCATIONS),
        }
        for i in range(max(50, records // 20))
    ]
    emitted: list[str] = []
    for i in range(records):
        r = rng.random()
        if r < 0.005:
            yield malformed(rng, i), MALFORMED
            continue
        if r < 0.025 and emitted:
            yield rng.choice(emitted), DUPLICATE  # a re-delivered tweet: same id
            continue
        t = START + dt.timedelta(seconds=rng.randrange(DAYS * 86400))
        user = rng.choice(users)
        breeds: list[str] = []
        tags: list[str] = []
        kind = rng.random()
        if kind < 0.25:
            text = rng.choice(DOG_PHRASES).format(v=rng.choice(VERBS))
            # A hashtag in the text is also in entities.hashtags, as Twitter delivers it.
            tags = [w[1:] for w in text.split() if w.startswith("#")]
            text = " ".join(w for w in text.split() if not w.startswith("#"))
        elif kind < 0.40:
            breeds = rng.sample(sorted(BREED_FORMS), rng.choice([1, 1, 1, 2]))
            forms = [rng.choice(BREED_FORMS[b]) for b in breeds]
            words = [f for f in forms if not f.startswith("#")]
            tags = [f[1:] for f in forms if f.startswith("#")]
            text = rng.choice(BREED_PHRASES).format(
                b=" and ".join(words) if words else "dog", v=rng.choice(VERBS))
        else:
            text = rng.choice(OTHER_PHRASES)
            if rng.random() < 0.3:
                tags.append(rng.choice(OTHER_TAGS))
        about_dogs = kind < 0.40
        tweet = {
            "created_at": twitter_time(t),
            "id_str": str(1_790_000_000_000_000_000 + i),
            "text": text + "".join(f" #{h}" for h in tags),
            "lang": rng.choice(LANGS),
            "user": user,
            "entities": {"hashtags": [{"text": h} for h in tags]},
            "retweet_count": int(rng.paretovariate(1.5)) - 1,
            "favorite_count": int(rng.paretovariate(1.2)) - 1,
        }
        line = json.dumps(tweet, separators=(",", ":"))
        emitted.append(line)
        truth = {"dog": about_dogs, "breeds": breeds, "date": t.date().isoformat(),
                 "user": user["screen_name"], "rt": tweet["retweet_count"],
                 "fav": tweet["favorite_count"]}
        yield line, truth


def malformed(rng: random.Random, i: int) -> str:
    kind = rng.randrange(3)
    if kind == 0:
        return '{"created_at":"Mon May 06 10:00:00 +0000 2024","id_str":"' + str(i) + '","text":"trunc'
    if kind == 1:
        return json.dumps({"created_at": "Mon May 06 10:00:00 +0000 2024", "text": "no id, dog"})
    return json.dumps({"created_at": "yesterday", "id_str": f"bad{i}", "text": "my dog"})


def expected(truths: list, lines: int) -> dict:
    dog = [t for t in truths if isinstance(t, dict) and t["dog"]]
    per = collections.defaultdict(lambda: {"tweets": 0, "engagement": 0, "users": set()})
    for t in dog:
        for b in t["breeds"]:
            e = per[(t["date"], b)]
            e["tweets"] += 1
            e["engagement"] += t["rt"] + t["fav"]
            e["users"].add(t["user"])
    return {
        "input_lines": lines,
        "rejected": sum(1 for x in truths if x == MALFORMED),
        "dog_tweets": len(dog),
        "dates": sorted({t["date"] for t in dog}),
        "breed_daily": {f"{d}|{b}": {"tweets": e["tweets"], "engagement": e["engagement"],
                                     "users": len(e["users"])}
                        for (d, b), e in sorted(per.items())},
    }


def write(records: int, seed: int, out, progress=None) -> dict:
    truths: list = []
    for line, truth in generate(records, seed):
        out.write(line + "\n")
        truths.append(truth)
        if progress and len(truths) % 100_000 == 0:
            progress(len(truths))
    return expected(truths, len(truths))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--records", type=int, default=20000, help="lines to write (default 20000)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--out", required=True, help="output file ('-' for stdout)")
    p.add_argument("--expected", help="write the expected job results here (JSON)")
    a = p.parse_args(argv)
    if a.records < 1:
        p.error("--records must be at least 1")
    out = sys.stdout if a.out == "-" else open(a.out, "w", encoding="utf-8")
    try:
        exp = write(a.records, a.seed, out,
                    progress=lambda n: print(f"generated {n} tweets", file=sys.stderr))
    finally:
        if out is not sys.stdout:
            out.close()
    if a.expected:
        with open(a.expected, "w", encoding="utf-8") as f:
            json.dump(exp, f, indent=1, sort_keys=True)
    print(f"wrote {exp['input_lines']} lines ({exp['dog_tweets']} unique dog tweets, "
          f"{exp['rejected']} malformed)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
