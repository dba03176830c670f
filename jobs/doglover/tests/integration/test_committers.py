"""DogLover on real Spark and MinIO: which committer ran, what it wrote, and what it left behind."""

import pyarrow.dataset as ds
import pytest

from conftest import RECORDS

SUCCESS_NAME = "org.apache.hadoop.fs.s3a.commit.files.SuccessData/1"


def download(env, path, name):
    """Copy an output directory out of MinIO and open it as a hive-partitioned Parquet dataset."""
    local = env.work / "dl" / name
    env.minio.mc_run("cp", "--recursive", "--quiet", f"store/{path.split('://', 1)[1]}/", f"{local}/")
    return ds.dataset(str(local), format="parquet", partitioning="hive", exclude_invalid_files=True)


def assert_clean(env, paths):
    keys = [o["key"] for p in ("output", "aggregates", "rejects") for o in env.objects(paths[p])]
    assert keys, "the job wrote something"
    assert not [k for k in keys if "_temporary" in k or "__magic" in k], f"committer leftovers: {keys}"
    assert env.incomplete(paths) == [], "pending multipart uploads left in the bucket"


@pytest.mark.parametrize("committer", ["directory", "partitioned", "magic"])
def test_committer_writes_everything_and_says_so(env, committer):
    conf = env.conf(committer)
    paths, r = env.run(f"c-{committer}", conf)
    assert r.returncode == 0, r.log[-4000:]

    # The S3A committer's JSON manifest names the committer that ran.
    for p in ("output", "aggregates", "rejects"):
        s = env.success(paths[p])
        assert s is not None, f"{p}: _SUCCESS is 0 bytes, so the classic committer ran"
        assert s["name"] == SUCCESS_NAME
        assert s["committer"] == committer
    parquet = [o["key"] for o in env.objects(paths["output"]) if o["key"].endswith(".parquet")]
    manifest = env.success(paths["output"])["filenames"]
    assert len(manifest) == len(parquet) == len(env.expected["dates"]), "one file per date, all of them committed"
    assert all(any(f.endswith(k) for k in parquet) for f in manifest)

    # The Parquet output holds exactly what the seeded data implies.
    tweets = download(env, paths["output"], f"{committer}-tweets").to_table()
    assert tweets.num_rows == env.expected["dog_tweets"]
    assert len(set(tweets.column("id").to_pylist())) == tweets.num_rows, "no duplicate ids"
    assert sorted({str(d) for d in tweets.column("date").to_pylist()}) == env.expected["dates"]
    agg = download(env, paths["aggregates"], f"{committer}-agg").to_table().to_pylist()
    got = {f"{row['date']}|{row['breed']}": {"tweets": row["tweets"], "engagement": row["engagement"], "users": row["users"]} for row in agg}
    assert got == env.expected["breed_daily"]
    assert r.summary["input_lines"] == RECORDS
    assert r.summary["rejected"] == env.expected["rejected"]
    assert_clean(env, paths)


def test_reject_fileoutput_fails_instead_of_falling_back(env):
    """With pathoutputcommit.reject.fileoutput=true (the program's profile), a job that would
    fall back to the classic FileOutputCommitter fails instead of running slow and unsafe."""
    conf = env.conf(drop=("spark.hadoop.fs.s3a.committer.staging.tmp.path",))
    conf["spark.hadoop.fs.s3a.committer.name"] = "file"
    paths, r = env.run("reject", conf)
    assert r.returncode != 0, "the job must fail"
    assert "FileOutputCommitter" in r.log or "PathOutputCommitProtocol" in r.log, r.log[-3000:]
    assert not [o for o in env.objects(paths["output"]) if o["key"].endswith(".parquet")]


def test_without_reject_the_classic_committer_runs_silently(env):
    """The same job without the guard 'succeeds' with the classic rename committer: 0-byte _SUCCESS."""
    conf = env.conf(drop=("spark.hadoop.fs.s3a.committer.staging.tmp.path",))
    conf["spark.hadoop.fs.s3a.committer.name"] = "file"
    conf["spark.hadoop.pathoutputcommit.reject.fileoutput"] = "false"
    paths, r = env.run("classic", conf)
    assert r.returncode == 0, r.log[-3000:]
    assert env.success(paths["output"]) is None, "the classic committer writes a 0-byte _SUCCESS"


def test_minio_setup_runs_twice_with_only_sh_sleep_and_mc(env, tmp_path):
    """The setup Job may run again (a replaced Job, a retry): the script must succeed over what it
    already made, with the tools the mc image has (ubi-micro + mc: no grep, seq or mktemp)."""
    import shutil
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool, target in (("mc", str(env.minio.mc)), ("sleep", shutil.which("sleep"))):
        (bin_dir / tool).symlink_to(target)
    for _ in range(2):
        env.minio.setup(env.rendered, *env.key, path=str(bin_dir))
    # The Spark key still works and still has its policy (one attachment, not an error).
    listed = env.minio.mc_run("ls", f"store/{env.bucket}/{env.rendered['dataPrefix']}/", key=env.key)
    assert "input/" in listed
