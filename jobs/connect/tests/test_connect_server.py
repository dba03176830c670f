"""The program's Spark Connect server for real: pyspark's SparkConnectServer with the rendered conf
and command, MinIO with the program's key, real Connect clients. The tests run in file order;
the last one stops the server and reads its event log with a real History Server."""

import json
import os
import re
import signal
import subprocess
import threading
import time
import urllib.request

import grpc
import pytest

import connectrun
from conftest import PROBE_KEY, PROBE_VALUE
from connectrun import SPARK_HOME, TOKEN_ENV, localrun

SUCCESS_NAME = "org.apache.hadoop.fs.s3a.commit.files.SuccessData/1"


@pytest.fixture(autouse=True)
def no_token_in_the_clients_environment():
    # pyspark's client reads SPARK_CONNECT_AUTHENTICATE_TOKEN itself: a test's token comes from its URL only.
    assert TOKEN_ENV not in os.environ


def rows(spark, n, tag):
    from pyspark.sql import functions as F
    return spark.range(n).withColumn("tag", F.lit(tag)).withColumn("payload", F.sha2(F.col("id").cast("string"), 256))


def test_the_server_runs_the_programs_conf(server, store):
    conf = server.rendered["sparkConf"]
    assert conf["spark.hadoop.fs.s3a.committer.name"] == store.rendered["committer"]
    assert conf["spark.sql.sources.commitProtocolClass"] == "org.apache.spark.internal.io.cloud.PathOutputCommitProtocol"
    assert conf["spark.eventLog.dir"] == store.rendered["eventLogDir"]
    assert conf["spark.dynamicAllocation.shuffleTracking.enabled"] == "true"
    assert "spark.connect.authenticate.token" not in conf
    assert server.token not in server.conf_file.read_text()
    assert server.rendered["command"][:3] == [f"{SPARK_HOME}/bin/spark-submit", "--class",
                                              "org.apache.spark.sql.connect.service.SparkConnectServer"]


def test_the_right_token_writes_parquet_through_the_committer(server, store):
    path = store.path("right-token")
    spark = connectrun.session(server.url(server.token))
    try:
        rows(spark, 50_000, "right").write.mode("overwrite").parquet(path)
        assert spark.read.parquet(path).count() == 50_000
    finally:
        spark.stop()
    success = store.success(path)
    assert success is not None, "a 0-byte _SUCCESS: the classic FileOutputCommitter ran, not the S3A committer"
    assert success["name"] == SUCCESS_NAME
    assert success["committer"] == store.rendered["committer"]
    parquet = [o for o in store.objects(path) if o["key"].endswith(".parquet")]
    assert parquet and len(parquet) == len(success["filenames"])
    assert store.incomplete(path) == []


@pytest.mark.parametrize("given,error", [("wrong-" + "x" * 20, "Invalid authentication token"),
                                         (None, "No authentication token provided")],
                         ids=["wrong-token", "no-token"])
def test_a_wrong_or_missing_token_is_refused_and_writes_nothing(server, store, given, error):
    from pyspark.errors.exceptions.connect import SparkConnectGrpcException
    path = store.path(f"refused-{'none' if given is None else 'wrong'}")
    spark = connectrun.session(server.url(given))  # makes no RPC yet
    try:
        # No pyspark.sql.functions here: they read a conf from the *active* session (pyspark 4.0's
        # is_debugging_enabled), which would make the refusal come from another session.
        with pytest.raises(SparkConnectGrpcException) as e:
            spark.range(1000).write.mode("overwrite").parquet(path)
    finally:
        try:
            spark.stop()
        except SparkConnectGrpcException:
            pass  # releasing a session the server never accepted is refused too
    assert "UNAUTHENTICATED" in str(e.value) and error in str(e.value)
    assert store.objects(path) == []
    assert store.incomplete(path) == []


def test_a_token_goes_to_localhost_only_without_tls(server):
    """pyspark sends a token over TLS, except to the host spelled `localhost` (ChannelBuilder.toChannel):
    the server has no TLS, so `sc://127.0.0.1:...;token=` (as any in-cluster address) never connects.
    This is why the program's connection string is a port-forward to localhost."""
    from pyspark.sql.connect.client import DefaultChannelBuilder
    for host, reachable in (("localhost", True), ("127.0.0.1", False)):
        channel = DefaultChannelBuilder(server.url(server.token, host=host)).toChannel()
        try:
            grpc.channel_ready_future(channel).result(timeout=8)
            ready = True
        except grpc.FutureTimeoutError:
            ready = False
        finally:
            channel.close()
        assert ready is reachable, f"{host}: expected {'a' if reachable else 'no'} connection"


def test_two_concurrent_sessions_write_different_paths_and_lose_nothing(server, store):
    n = {"a": 120_000, "b": 80_000}
    paths = {k: store.path(f"concurrent-{k}") for k in n}
    barrier, errors, ids = threading.Barrier(2), {}, {}

    def write(k):
        spark = connectrun.session(server.url(server.token))
        try:
            ids[k] = spark.session_id
            df = rows(spark, n[k], k).repartition(6)
            barrier.wait(timeout=60)
            df.write.mode("overwrite").parquet(paths[k])
        except Exception as e:  # reported below, with the other session's result
            errors[k] = e
        finally:
            spark.stop()

    threads = [threading.Thread(target=write, args=(k,)) for k in n]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert not errors, errors
    assert ids["a"] != ids["b"], "each client must get its own session"
    check = connectrun.session(server.url(server.token))
    try:
        for k in n:
            df = check.read.parquet(paths[k])
            assert df.count() == n[k]
            assert df.select("id").distinct().count() == n[k]
            assert {r.tag for r in df.select("tag").distinct().collect()} == {k}
    finally:
        check.stop()
    for k in n:
        s = store.success(paths[k])
        assert s and s["committer"] == store.rendered["committer"]
        assert len(s["filenames"]) == len([o for o in store.objects(paths[k]) if o["key"].endswith(".parquet")]) == 6
        assert store.incomplete(paths[k]) == []
    server.session_ids = sorted(ids.values())


def test_the_documented_client_example_runs(server, store):
    """jobs/connect/example.py as a user runs it: the token in the environment, the server on localhost."""
    path = store.path("example")
    env = {**os.environ, TOKEN_ENV: server.token, "SPARK_LOCAL_IP": "127.0.0.1"}
    r = subprocess.run([connectrun.sys.executable, str(connectrun.HERE / "example.py"), path, "--port", str(server.port)],
                       env=env, capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stderr[-3000:]
    assert f"wrote 1000 rows to {path}" in r.stdout
    assert store.success(path)["committer"] == store.rendered["committer"]
    assert server.token not in r.stdout + r.stderr


def http_get(url, timeout=60):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read().decode()


def test_the_token_is_in_no_conf_log_or_command_line(server):
    app = json.loads(http_get(f"http://127.0.0.1:{server.ui_port}/api/v1/applications"))[0]
    env = http_get(f"http://127.0.0.1:{server.ui_port}/api/v1/applications/{app['id']}/environment")
    props = dict(json.loads(env)["sparkProperties"])
    assert props["spark.connect.grpc.binding.port"] == str(server.port)
    # The properties file (escaped for Java's Properties.load) carries values as written.
    assert props[PROBE_KEY] == PROBE_VALUE
    assert server.token not in env
    assert server.token not in server.log()
    cmdlines = [open(f"/proc/{p}/cmdline", "rb").read().decode(errors="replace") for p in server.pids()]
    assert any("SparkConnectServer" in c for c in cmdlines), cmdlines
    assert not any(server.token in c for c in cmdlines)


def test_the_history_server_lists_the_sessions_of_the_stopped_server(server, store, tmp_path):
    """Last: stops the server (its event log is complete only then: S3A makes an object visible at
    close), then a real History Server with the program's conf and the read-only key lists it."""
    assert getattr(server, "session_ids", None), "runs after the concurrent sessions test"
    server.stop()
    reader = ("history" + localrun.secrets.token_hex(6), localrun.new_secret())
    store.minio.setup(store.rendered, *store.key, history_key=reader)
    port = localrun.free_port()
    props = store.rendered["historyProperties"].splitlines()
    overrides = {"spark.history.ui.port": str(port), "spark.history.fs.update.interval": "2s",
                 "spark.jars.ivy": str(localrun.CACHE / "ivy"), "spark.hadoop.fs.s3a.endpoint": store.minio.url}
    conf_file = tmp_path / "history.conf"
    conf_file.write_text("\n".join([l for l in props if l.split(" ", 1)[0] not in overrides] +
                                   [f"{k} {v}" for k, v in overrides.items()]) + "\n")
    log = tmp_path / "history.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(SPARK_HOME / "bin" / "spark-submit"), "--class", "org.apache.spark.deploy.history.HistoryServer",
             "--properties-file", str(conf_file), "spark-internal"],
            env={**os.environ, "SPARK_HOME": str(SPARK_HOME), "SPARK_LOCAL_IP": "127.0.0.1",
                 "AWS_ACCESS_KEY_ID": reader[0], "AWS_SECRET_ACCESS_KEY": reader[1]},
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        name = server.rendered["sparkConf"]["spark.app.name"]
        apps, deadline = [], time.monotonic() + 240
        while time.monotonic() < deadline and not apps:
            assert proc.poll() is None, log.read_text()[-4000:]
            try:
                apps = [a for a in json.loads(http_get(f"http://127.0.0.1:{port}/api/v1/applications")) if a["name"] == name]
            except OSError:
                pass
            time.sleep(2)
        assert apps, "the History Server did not list the Connect server: " + log.read_text()[-4000:]
        app = apps[0]["id"]
        assert apps[0]["attempts"][0]["completed"] is True
        jobs = json.loads(http_get(f"http://127.0.0.1:{port}/api/v1/applications/{app}/jobs", timeout=60))
        assert jobs and all(j["status"] == "SUCCEEDED" for j in jobs)
        env = http_get(f"http://127.0.0.1:{port}/api/v1/applications/{app}/environment", timeout=60)
        assert server.token not in env
        # The Connect tab (SparkConnectServerHistoryServerPlugin) lists each session by its id.
        page = http_get(f"http://127.0.0.1:{port}/history/{app}/connect/", timeout=60)
        for sid in server.session_ids:
            assert sid in page, f"session {sid} not on the History Server's Connect page"
        assert re.search(r"Sessions?", page)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
