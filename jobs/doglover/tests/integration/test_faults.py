"""The committers under faults, with the program's request-saving settings (issue 26): real Spark
(local-cluster: executors in JVMs of their own, as pods) and real MinIO.

Two applications run at the same time, one per committer the stacks use (directory, magic), each
writing under its own prefix of one bucket (fault_writer.py): a task that fails once and is
retried, a job that fails, and two concurrent writes. Whatever happens, no row twice, no partial
output, no pending multipart upload, no committer leftovers. Then the one unsafe way to use the
new setting: magic's in-memory bookkeeping switched per bucket loses the output while the job
reports success.
"""

import json
import secrets
import subprocess
import sys
from pathlib import Path

import pyarrow.dataset as ds
import pytest

import localrun

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import fault_writer  # noqa: E402

TRACK = "spark.hadoop.fs.s3a.committer.magic.track.commits.in.memory.enabled"
COMMITTERS = ("directory", "magic")
CLUSTER = "local-cluster[2,1,1024]"


def start(env, tmp: Path, committer: str, base: str, master: str, scenarios: str, extra: dict | None = None) -> subprocess.Popen:
    conf = env.conf(committer, **(extra or {}))
    if master.startswith("local-cluster"):
        conf["spark.executor.extraClassPath"] = env.executor_classpath()
    conf_file = tmp / f"conf-{committer}-{secrets.token_hex(3)}.json"
    conf_file.write_text(json.dumps(conf))
    (tmp / "workers").mkdir(exist_ok=True)
    env_vars = {**localrun.os.environ, "AWS_ACCESS_KEY_ID": env.key[0], "AWS_SECRET_ACCESS_KEY": env.key[1],
                "PYSPARK_PYTHON": sys.executable, "SPARK_LOCAL_IP": "127.0.0.1", "SPARK_WORKER_DIR": str(tmp / "workers")}
    log = open(tmp / f"{committer}.log", "w")
    return subprocess.Popen([sys.executable, str(HERE / "fault_writer.py"), "--conf-file", str(conf_file), "--master", master,
                             "--base", base, "--scenarios", scenarios], env=env_vars, stdout=log, stderr=subprocess.STDOUT, text=True)


def finish(proc: subprocess.Popen, log: Path, timeout: int = 900) -> tuple[list[dict], str]:
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    text = log.read_text()
    lines = [line for line in text.splitlines() if line.startswith("FAULTS_RESULT ")]
    assert proc.returncode == 0 and lines, f"the fault application failed (exit {proc.returncode}):\n{text[-4000:]}"
    return json.loads(lines[-1].split(" ", 1)[1]), text


def base_of(env, name: str) -> str:
    return f"s3a://{env.bucket}/{env.rendered['dataPrefix']}/faults/{name}"


@pytest.fixture(scope="module")
def faults(env, tmp_path_factory):
    """Both applications, started together; their results by committer, then everything removed."""
    tmp = tmp_path_factory.mktemp("faults")
    bases = {c: base_of(env, f"{c}-{secrets.token_hex(3)}") for c in COMMITTERS}
    procs = {c: start(env, tmp, c, bases[c], CLUSTER, "retry,failed,concurrent") for c in COMMITTERS}
    try:
        out = {c: (*finish(p, tmp / f"{c}.log"), bases[c]) for c, p in procs.items()}
        yield out
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.kill()
        for b in bases.values():
            key = localrun.s3_key(b)
            env.minio.mc_run("rm", "--incomplete", "--recursive", "--force", f"store/{key}", check=False)
            env.minio.mc_run("rm", "--recursive", "--force", f"store/{key}", check=False)


def scenario(results, name):
    return next(r for r in results if r["scenario"] == name)


def keys(env, path):
    return [o["key"] for o in env.objects(path)]


def assert_exact(env, path: str, committer: str, tmp: Path):
    """Every row once, only committed files, the committer's manifest, nothing pending or left."""
    names = keys(env, path)
    parquet = [k for k in names if k.endswith(".parquet")]
    assert not [k for k in names if "__magic" in k or "_temporary" in k or k.endswith(".pending") or k.endswith(".pendingset")], names
    assert localrun.incomplete_uploads(env.minio, localrun.s3_key(path)) == [], "pending multipart uploads left"
    success = env.success(path)
    assert success is not None and success["committer"] == committer and success["success"] is True
    assert len(parquet) == fault_writer.ROWS // fault_writer.RECORDS_PER_FILE, f"one file per {fault_writer.RECORDS_PER_FILE} rows: {parquet}"
    local = tmp / secrets.token_hex(4)
    env.minio.mc_run("cp", "--recursive", "--quiet", f"store/{localrun.s3_key(path)}/", f"{local}/")
    ids = ds.dataset(str(local), format="parquet", exclude_invalid_files=True).to_table().column("id").to_pylist()
    assert sorted(ids) == list(range(fault_writer.ROWS)), "every row exactly once"


def test_the_applications_run_with_the_request_saving_settings(env):
    """The fault cases below are worth something only with the settings issue 26 added."""
    magic = env.conf("magic")
    assert magic[TRACK] == "true", "magic keeps its bookkeeping in the task's JVM"
    assert magic["spark.hadoop.fs.s3a.performance.flags"] == "mkdir"
    assert env.conf("directory")["spark.hadoop.fs.s3a.performance.flags"] == "mkdir"


def test_the_two_applications_ran_at_the_same_time(faults):
    (a, _, _), (b, _, _) = faults["directory"], faults["magic"]
    assert min(a[-1]["end"], b[-1]["end"]) > max(a[0]["start"], b[0]["start"]), "their writes overlapped"


@pytest.mark.parametrize("committer", COMMITTERS)
def test_a_task_that_fails_once_is_retried_without_duplicates(env, faults, committer, tmp_path):
    results, log, base = faults[committer]
    r = scenario(results, "retry")
    assert r["ok"], r
    assert "injected fault in task 0 attempt 0" in log, "the first attempt failed"
    assert_exact(env, f"{base}/retry", committer, tmp_path)


@pytest.mark.parametrize("committer", COMMITTERS)
def test_a_failed_job_leaves_no_output_and_nothing_pending(env, faults, committer):
    results, log, base = faults[committer]
    r = scenario(results, "failed")
    assert not r["ok"] and "injected fault in task 0 attempt 3" in log, r
    path = f"{base}/failed"
    assert [k for k in keys(env, path) if not k.endswith("/")] == [], "nothing visible, no leftovers"
    assert localrun.incomplete_uploads(env.minio, localrun.s3_key(path)) == [], "pending multipart uploads left"


@pytest.mark.parametrize("committer", COMMITTERS)
def test_concurrent_jobs_each_write_exactly_their_rows(env, faults, committer, tmp_path):
    results, _, base = faults[committer]
    r = scenario(results, "concurrent")
    assert r["ok"], r
    for name in ("concurrent-a", "concurrent-b"):
        assert_exact(env, f"{base}/{name}", committer, tmp_path)


def test_per_bucket_in_memory_tracking_loses_the_output_and_reports_success(env, tmp_path):
    """Why fs.s3a.bucket.<b>.committer.magic.track.commits.in.memory.enabled must never be set:
    the filesystem reads per-bucket options (S3AFileSystem.initialize propagates them) and picks
    the tracker from them (MagicCommitIntegration.createTracker), the committer reads the job's
    conf (MagicS3GuardCommitter.loadPendingCommits). Off for the bucket, on for the job: the
    tasks write .pending files, the task commit looks in memory, finds nothing and commits an
    empty task; the job commits no file and writes a _SUCCESS."""
    base = base_of(env, f"per-bucket-{secrets.token_hex(3)}")
    per_bucket = f"spark.hadoop.fs.s3a.bucket.{env.bucket}.committer.magic.track.commits.in.memory.enabled"
    proc = start(env, tmp_path, "magic", base, "local[2]", "concurrent", {per_bucket: "false"})
    try:
        results, _ = finish(proc, tmp_path / "magic.log")
        assert results[0]["ok"], results
        path = f"{base}/concurrent-a"
        success = env.success(path)
        assert success["committer"] == "magic" and success["success"] is True, "the job says it succeeded"
        assert success["filenames"] == [] and not [k for k in keys(env, path) if k.endswith(".parquet")], "but no file is there"
    finally:
        key = localrun.s3_key(base)
        env.minio.mc_run("rm", "--incomplete", "--recursive", "--force", f"store/{key}", check=False)
        env.minio.mc_run("rm", "--recursive", "--force", f"store/{key}", check=False)
