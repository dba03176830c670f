"""Real Spark Connect + real S3: MinIO from its Go module on 127.0.0.1 with the program's bucket,
policy and non-root key (DogLover's helpers), and the program's Connect server (the pyspark
distribution's SparkConnectServer, started with the conf and command the program renders). Every
process is stopped by its fixture even when a test fails; the temp dirs are pytest's."""

import secrets
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import connectrun  # noqa: E402
from connectrun import localrun  # noqa: E402


class Store:
    def __init__(self, minio, work, rendered, key):
        self.minio, self.work, self.rendered, self.key = minio, work, rendered, key
        self.bucket = rendered["bucket"]

    def path(self, name):
        return f"s3a://{self.bucket}/{self.rendered['dataPrefix']}/connect-it/{name}"

    def objects(self, path):
        return localrun.list_objects(self.minio, localrun.s3_key(path))

    def success(self, path):
        return localrun.success_file(self.minio, path)

    def incomplete(self, path):
        return localrun.incomplete_uploads(self.minio, localrun.s3_key(path))


@pytest.fixture(scope="session")
def store(tmp_path_factory):
    tools = localrun.ensure_go_tools()
    work = tmp_path_factory.mktemp("connect")
    with localrun.Minio(tools["minio"], tools["mc"], work) as minio:
        rendered = localrun.render(minio.url, work / "staging")
        key = ("spark" + secrets.token_hex(6), localrun.new_secret())
        minio.setup(rendered, *key)
        yield Store(minio, work, rendered, key)


@pytest.fixture(scope="session")
def token():
    return secrets.token_urlsafe(32)


#: A value the properties file must escape (Properties.load reads `\` as an escape).
PROBE_KEY, PROBE_VALUE = "spark.spark-s3.probe", "C:\\dir\\x #not a comment"


def start_server(store, token, name, **settings):
    port, ui = localrun.free_port(), localrun.free_port()
    conf_file = store.work / f"{name}.conf"
    rendered = connectrun.render_connect(localrun.localize_jars(store.rendered["sparkConf"]), conf_file,
                                         settings={"app-name": name, "server-memory": "1g", **settings},
                                         conf={**connectrun.local_conf(port, ui), PROBE_KEY: PROBE_VALUE})
    server = connectrun.ConnectServer(rendered, conf_file, token, store.key, port, store.work / f"{name}.log")
    server.ui_port = ui
    return server


@pytest.fixture(scope="module")
def server(store, token):
    with start_server(store, token, "spark-connect-it") as s:
        yield s
