"""The seed article's mistake, pinned down: `fs.s3a.committer.tmp.path` is not a Hadoop key.

Hadoop ignores it, and the staging committers keep their pending-commit data in the default
`tmp/staging`, a path relative to each JVM's working directory on the default filesystem
(file:// without HDFS). In one JVM that happens to work; with executors in other JVMs (other
pods on Kubernetes, here Spark's local-cluster mode) the driver never sees what the tasks staged.
"""

import os
from pathlib import Path

WRONG_KEY = "spark.hadoop.fs.s3a.committer.tmp.path"
REAL_KEY = "spark.hadoop.fs.s3a.committer.staging.tmp.path"


def parquet_keys(env, paths):
    return [o["key"] for o in env.objects(paths["output"]) if o["key"].endswith(".parquet")]


def article_conf(env, shared: Path):
    conf = env.conf(drop=(REAL_KEY,))
    conf[WRONG_KEY] = f"file://{shared}"
    return conf


def test_wrong_key_in_one_jvm_works_by_accident_and_stages_elsewhere(env, tmp_path):
    shared, cwd = tmp_path / "shared", tmp_path / "cwd"
    shared.mkdir()
    cwd.mkdir()
    paths, r = env.run("article-local", article_conf(env, shared), cwd=cwd)
    assert r.returncode == 0, r.log[-3000:]
    assert len(parquet_keys(env, paths)) == len(env.expected["dates"]), "one JVM: output complete"
    assert list(shared.iterdir()) == [], "the configured directory was never used: the key is ignored"
    assert (cwd / "tmp" / "staging").is_dir(), "Hadoop staged under the default tmp/staging of the working directory"


def test_wrong_key_across_jvms_loses_all_output_and_reports_success(env, tmp_path):
    shared, cwd, workers = tmp_path / "shared", tmp_path / "cwd", tmp_path / "workers"
    for d in (shared, cwd, workers):
        d.mkdir()
    conf = article_conf(env, shared)
    conf["spark.executor.extraClassPath"] = env.executor_classpath()
    paths, r = env.run("article-cluster", conf, master="local-cluster[2,1,1024]", cwd=cwd,
                       extra_env={"SPARK_WORKER_DIR": str(workers)})
    try:
        # What really happens: the job succeeds and says so...
        assert r.returncode == 0, r.log[-3000:]
        assert r.summary["dog_tweets"] == env.expected["dog_tweets"] > 0
        success = env.success(paths["output"])
        assert success["committer"] == "directory" and success["success"] is True
        # ...but the driver found no pending commits in its own tmp/staging: nothing was committed.
        assert success["filenames"] == []
        assert parquet_keys(env, paths) == [], "no data file is visible"
        # Only the manifest (and the directory marker "/" of the output prefix) exists.
        assert [o["key"] for o in env.objects(paths["output"]) if not o["key"].endswith("/")] == ["_SUCCESS"]
        # The tasks' data went up as multipart uploads that nobody completes: some runs leave
        # them pending (billed by S3 until a lifecycle rule aborts them), in others the job
        # cleanup aborts them first. Either way it is not in the output.
        print(f"pending multipart uploads after the job: {len(env.incomplete(paths))}")
        assert list(shared.iterdir()) == []
    finally:
        env.abort_incomplete(paths)


def test_real_key_on_a_shared_directory_across_jvms_commits_everything(env, tmp_path):
    shared, workers = tmp_path / "shared", tmp_path / "workers"
    shared.mkdir()
    workers.mkdir()
    conf = env.conf(drop=(REAL_KEY,))
    conf[REAL_KEY] = f"file://{shared}/committer"
    conf["spark.executor.extraClassPath"] = env.executor_classpath()
    paths, r = env.run("shared-cluster", conf, master="local-cluster[2,1,1024]",
                       extra_env={"SPARK_WORKER_DIR": str(workers)})
    assert r.returncode == 0, r.log[-3000:]
    success = env.success(paths["output"])
    assert len(success["filenames"]) == len(parquet_keys(env, paths)) == len(env.expected["dates"])
    assert env.incomplete(paths) == []


def test_the_local_cluster_runs_leave_no_application_directories(spark_work_dir_at_start):
    """local-cluster executors copy the jars into $SPARK_HOME/work/app-*/ (about 400 MB a run):
    the earlier tests of this module ran there; the conftest fixture removed what they made."""
    work, at_start = spark_work_dir_at_start
    left = sorted(set(os.listdir(work)) - at_start) if os.path.isdir(work) else []
    assert left == [], f"left in {work}: {left}"
