"""Real Spark + real S3: MinIO built from its Go module on 127.0.0.1, pyspark local, the sparkConf
rendered from the program's S3A profile. MinIO is stopped by the fixture even when a test fails."""

import glob
import json
import secrets
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

import generate_tweets  # noqa: E402
import localrun  # noqa: E402

RECORDS = 3000


class Env:
    def __init__(self, minio, work, rendered, key, expected):
        self.minio = minio
        self.work = work
        self.rendered = rendered
        self.key = key
        self.expected = expected
        self.bucket = rendered["bucket"]

    def paths(self, name):
        base = f"s3a://{self.bucket}/{self.rendered['dataPrefix']}/it/{name}"
        return {"input": self.rendered["paths"]["input"], "output": f"{base}/dog_tweets",
                "aggregates": f"{base}/breed_daily", "rejects": f"{base}/rejects"}

    def conf(self, committer=None, drop=(), **extra):
        """The program's conf for the local stack (optionally another committer), jars cached."""
        staging = self.work / f"staging-{secrets.token_hex(3)}"
        r = localrun.render(self.minio.url, staging, committer)
        conf = localrun.localize_jars(r["sparkConf"])
        for k in drop:
            conf.pop(k, None)
        conf.update(extra)
        return conf

    def run(self, name, conf, **kw):
        paths = self.paths(name)
        result = localrun.run_job(conf, paths, *self.key, self.work, **kw)
        return paths, result

    def objects(self, path):
        return localrun.list_objects(self.minio, localrun.s3_key(path))

    def success(self, path):
        return localrun.success_file(self.minio, path)

    def incomplete(self, paths):
        """Pending multipart uploads under this test's outputs."""
        return [u for p in ("output", "aggregates", "rejects")
                for u in localrun.incomplete_uploads(self.minio, localrun.s3_key(paths[p]))]

    def abort_incomplete(self, paths):
        for p in ("output", "aggregates", "rejects"):
            self.minio.mc_run("rm", "--incomplete", "--recursive", "--force", f"store/{localrun.s3_key(paths[p])}", check=False)

    def executor_classpath(self):
        """local-cluster executors are separate JVMs on this machine: put the cached committer
        jars on their JVM classpath (harness only; in a cluster the image or spark.jars does)."""
        jars = sorted(glob.glob(str(localrun.CACHE / "ivy" / "jars" / "*.jar")) + glob.glob(str(localrun.CACHE / "jars" / "*.jar")))
        assert jars, "the committer jars are cached by an earlier run"
        return ":".join(jars)


@pytest.fixture(scope="session")
def env(tmp_path_factory):
    tools = localrun.ensure_go_tools()
    work = tmp_path_factory.mktemp("it")
    with localrun.Minio(tools["minio"], tools["mc"], work) as minio:
        rendered = localrun.render(minio.url, work / "staging")
        key = ("spark" + secrets.token_hex(6), localrun.new_secret())
        minio.setup(rendered, *key)
        data = work / "tweets.jsonl"
        with open(data, "w", encoding="utf-8") as f:
            expected = generate_tweets.write(RECORDS, 42, f)
        minio.mc_run("cp", "--quiet", str(data), f"store/{localrun.s3_key(rendered['paths']['input'])}/tweets.jsonl", key=key)
        (work / "expected.json").write_text(json.dumps(expected))
        yield Env(minio, work, rendered, key, expected)
