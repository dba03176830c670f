"""Event logs, the History Server, Prometheus metrics and the job report, for real: pyspark and
MinIO on 127.0.0.1, the program's rendered conf (event log keys included), the program's
History Server conf and MinIO policy, the History Server class of the same pyspark distribution,
and tools/job-report.ts against the same store."""

import json
import os
import re
import secrets
import signal
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pyspark
import pytest

import localrun

ROOT = Path(__file__).resolve().parents[4]
SPARK_HOME = Path(pyspark.__file__).parent
DASHBOARD = ROOT / "dashboards" / "spark-s3.json"


def http_get(url, timeout=3):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read().decode()


def events_key(env):
    return localrun.s3_key(env.rendered["eventLogDir"])


@pytest.fixture(scope="module")
def observed(env):
    """One DogLover run with the program's conf, its UI on a loopback port, scraped while it runs."""
    ui = localrun.free_port()
    conf = env.conf(**{"spark.ui.enabled": "true", "spark.ui.port": str(ui)})
    assert conf["spark.eventLog.dir"] == env.rendered["eventLogDir"]
    scraped, stop = {}, threading.Event()

    def scrape():
        while not stop.is_set():
            for path in ("/metrics/prometheus/", "/metrics/executors/prometheus/"):
                try:
                    body = http_get(f"http://127.0.0.1:{ui}{path}")
                    if "appStatus" in body or "executor" in path:
                        scraped[path] = body
                except OSError:
                    pass
            stop.wait(1)

    t = threading.Thread(target=scrape, daemon=True)
    t.start()
    try:
        paths, result = env.run("observed", conf)
    finally:
        stop.set()
        t.join()
    assert result.returncode == 0, result.log[-4000:]
    yield paths, scraped


def test_the_event_log_lands_on_the_stacks_prefix_compressed_and_rolling(env, observed):
    objs = [o["key"] for o in env.objects(env.rendered["eventLogDir"])]
    logs = [k for k in objs if re.match(r"eventlog_v2_local-\d+/events_1_local-\d+\.zstd$", k)]
    assert logs, f"no rolled zstd event log under {env.rendered['eventLogDir']}: {objs}"
    app_dir = logs[-1].split("/")[0]
    assert any(k.startswith(f"{app_dir}/appstatus_") and not k.endswith(".inprogress") for k in objs), objs


def test_a_real_history_server_with_its_read_key_lists_the_run(env, observed, tmp_path):
    reader = ("history" + secrets.token_hex(6), localrun.new_secret())
    env.minio.setup(env.rendered, *env.key, history_key=reader)  # the program's script, run again: idempotent

    # The reader key: event logs only, read and delete, no writes, no data.
    probe = tmp_path / "probe.txt"
    probe.write_text("x")
    denied = env.minio.mc_run("cp", str(probe), f"store/{events_key(env)}/probe.txt", key=reader, check=False)
    assert "Access Denied" in denied or env.minio.mc_run("ls", f"store/{events_key(env)}/probe.txt", key=env.key, check=False) == ""
    data = env.minio.mc_run("ls", f"store/{localrun.s3_key(env.rendered['paths']['input'])}/", key=reader, check=False)
    assert "tweets.jsonl" not in data, "the History Server's key must not read the jobs' data"

    port = localrun.free_port()
    props = env.rendered["historyProperties"].splitlines()
    assert any(l.startswith("spark.jars.packages org.apache.hadoop:hadoop-aws:") for l in props), props
    overrides = {"spark.history.ui.port": str(port), "spark.history.fs.update.interval": "2s",
                 "spark.jars.ivy": str(localrun.CACHE / "ivy"), "spark.hadoop.fs.s3a.endpoint": env.minio.url}
    kept = [l for l in props if l.split(" ", 1)[0] not in overrides]
    conf_file = tmp_path / "history.conf"
    conf_file.write_text("\n".join(kept + [f"{k} {v}" for k, v in overrides.items()]) + "\n")
    log = (tmp_path / "history.log").open("wb")
    proc = subprocess.Popen(
        [str(SPARK_HOME / "bin" / "spark-submit"), "--class", "org.apache.spark.deploy.history.HistoryServer",
         "--properties-file", str(conf_file), "spark-internal"],
        env={**os.environ, "SPARK_HOME": str(SPARK_HOME), "SPARK_LOCAL_IP": "127.0.0.1",
             "AWS_ACCESS_KEY_ID": reader[0], "AWS_SECRET_ACCESS_KEY": reader[1]},
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        apps, deadline = [], time.monotonic() + 240
        while time.monotonic() < deadline and not apps:
            assert proc.poll() is None, (tmp_path / "history.log").read_text()[-4000:]
            try:
                apps = [a for a in json.loads(http_get(f"http://127.0.0.1:{port}/api/v1/applications"))
                        if a["name"] == "doglover-local"]
            except OSError:
                pass
            time.sleep(2)
        assert apps, "the History Server did not list the run: " + (tmp_path / "history.log").read_text()[-4000:]
        attempt = apps[0]["attempts"][0]
        assert attempt["completed"] is True
        assert attempt["duration"] > 0
        assert attempt["appSparkVersion"] == pyspark.__version__
        jobs = json.loads(http_get(f"http://127.0.0.1:{port}/api/v1/applications/{apps[0]['id']}/jobs", timeout=30))
        assert jobs and all(j["status"] == "SUCCEEDED" for j in jobs)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def metric_names(text):
    return {m.group(1) for m in re.finditer(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]", text, re.M)}


def report(env, paths, fmt):
    outputs = {"bucket": env.bucket, "s3Endpoint": {"url": env.minio.url, "region": "us-east-1", "pathStyle": True},
               "sparkApplication": "doglover-local", "eventLogDirectory": env.rendered["eventLogDir"], **paths}
    outputs.pop("input")
    out_file = env.work / f"outputs-{secrets.token_hex(3)}.json"
    out_file.write_text(json.dumps(outputs))  # no key in it: the report takes the environment's, as the AWS SDK does
    try:
        r = subprocess.run([str(ROOT / "node_modules" / ".bin" / "ts-node"), "-T", str(ROOT / "tools" / "job-report.ts"),
                            "--outputs", str(out_file), "--format", fmt], cwd=ROOT, capture_output=True, text=True,
                           env={**os.environ, "AWS_ACCESS_KEY_ID": env.key[0], "AWS_SECRET_ACCESS_KEY": env.key[1]})
    finally:
        out_file.unlink()
    assert r.returncode == 0, r.stderr
    assert env.key[1] not in r.stdout + r.stderr
    return r.stdout


def test_the_running_job_serves_spark_metrics_and_the_dashboard_asks_only_for_real_ones(env, observed):
    paths, scraped = observed
    driver = scraped.get("/metrics/prometheus/", "")
    executors = scraped.get("/metrics/executors/prometheus/", "")
    assert "metrics_spark_driver_appStatus_jobs_succeededJobs_Count" in driver, driver[:2000]
    assert re.search(r'metrics_executor_completedTasks_total\{[^}]*application_name="doglover-local"', executors), executors[:2000]
    known = metric_names(driver) | metric_names(executors) | metric_names(report(env, paths, "prometheus"))
    exprs = [t["expr"] for p in json.loads(DASHBOARD.read_text())["panels"] for t in p["targets"]]
    used = {m for e in exprs for m in re.findall(r"\b(metrics_[A-Za-z0-9_]+|spark_s3_[a-z0-9_]+)\b", e)}
    assert used and used <= known, f"dashboard metrics no endpoint serves: {sorted(used - known)}"


def test_the_job_report_reads_manifest_listing_and_event_log(env, observed):
    paths, _ = observed
    r = json.loads(report(env, paths, "json"))
    out = {o["name"]: o for o in r["outputs"]}
    success = env.success(paths["output"])
    assert out["output"]["committer"] == success["committer"] == "directory"
    assert out["output"]["success"] is True
    parquet = [o for o in env.objects(paths["output"]) if o["key"].endswith(".parquet")]
    assert out["output"]["files"] == len(parquet) == len(success["filenames"])
    assert out["output"]["bytes"] == sum(o["size"] for o in parquet) > 0
    assert out["output"]["s3Requests"].get("multipart_initiated", 0) >= 1
    app = r["application"]
    assert app["name"] == "doglover-local" and app["completed"] is True
    assert app["durationSeconds"] > 0 and app["tasks"] > 0 and app["failedTasks"] == 0
    assert app["jobCommitSeconds"] >= 0 and app["taskCommitSeconds"] > 0
    text = report(env, paths, "text")
    assert "committer directory" in text and paths["output"] in text
