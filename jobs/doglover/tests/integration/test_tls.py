"""A private CA on the S3 endpoint (s3CaBundle), for real: MinIO serving HTTPS on 127.0.0.1 with a
certificate a throwaway CA signed (IP SAN, as a data VIP addressed by IP needs), mc trusting the CA
from $MC_CONFIG_DIR/certs/CAs (where the seed Job mounts it), a truststore built by the program's
own init-container script (components/s3-trust.ts), and DogLover reading and writing through S3A
with the program's JVM options. Without those options the same job fails the TLS handshake."""

import os
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest

import localrun


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_ca_and_server_cert(d: Path) -> tuple[Path, Path]:
    """A CA, and a server certificate for 127.0.0.1 (IP SAN) signed by it: MinIO's certs dir."""
    certs = d / "certs"
    certs.mkdir()
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1",
             "-subj", "/CN=spark-s3 test CA", cwd=d)
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "certs/private.key", "-out", "server.csr",
             "-subj", "/CN=127.0.0.1", cwd=d)
    (d / "san.ext").write_text("subjectAltName=IP:127.0.0.1\n")
    _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
             "-out", "certs/public.crt", "-days", "1", "-extfile", "san.ext", cwd=d)
    return certs, d / "ca.crt"


def java_home() -> str:
    if os.environ.get("JAVA_HOME"):
        return os.environ["JAVA_HOME"]
    java = shutil.which("java")
    assert java, "Java is required"
    return str(Path(os.path.realpath(java)).parent.parent)


@pytest.fixture(scope="module")
def tls_env(tmp_path_factory):
    tools = localrun.ensure_go_tools()
    work = tmp_path_factory.mktemp("tls")
    certs, ca = make_ca_and_server_cert(work)
    with localrun.Minio(tools["minio"], tools["mc"], work, certs_dir=certs, ca=ca) as minio:
        truststore = work / "truststore" / "cacerts"
        rendered = localrun.render(minio.url, work / "staging", truststore=truststore)
        key = ("spark" + secrets.token_hex(6), localrun.new_secret())
        minio.setup(rendered, *key)  # mc over HTTPS, trusting the CA from MC_CONFIG_DIR/certs/CAs
        yield minio, work, rendered, key, ca, truststore


def test_the_init_container_script_builds_a_truststore_with_the_jdk_cas_and_the_bundle(tls_env):
    minio, work, rendered, key, ca, truststore = tls_env
    # A bundle of two certificates: keytool imports one per file, the script splits them.
    bundle = work / "bundle.pem"
    bundle.write_text(ca.read_text() + (work / "certs" / "public.crt").read_text())
    truststore.parent.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["sh", "-c", rendered["trust"]["script"]], capture_output=True, text=True,
                       env={**os.environ, "CA_FILE": str(bundle), "TRUSTSTORE": str(truststore), "JAVA_HOME": java_home()})
    assert r.returncode == 0, r.stderr
    assert "and 2 from" in r.stdout
    listing = subprocess.run([f"{java_home()}/bin/keytool", "-list", "-keystore", str(truststore), "-storepass", "changeit"],
                             capture_output=True, text=True, check=True).stdout
    assert "spark-s3-ca-1" in listing and "spark-s3-ca-2" in listing
    assert not (truststore.parent / "pem").exists(), "the split files are removed"


def test_spark_writes_through_s3a_over_tls_with_the_programs_truststore_and_not_without(tls_env):
    minio, work, rendered, key, ca, truststore = tls_env
    assert truststore.exists(), "built by the test above"
    data = work / "tweets.jsonl"
    import generate_tweets
    with open(data, "w", encoding="utf-8") as f:
        generate_tweets.write(500, 7, f)
    minio.mc_run("cp", "--quiet", str(data), f"store/{localrun.s3_key(rendered['paths']['input'])}/tweets.jsonl", key=key)
    conf = localrun.localize_jars(rendered["sparkConf"])
    assert conf["spark.hadoop.fs.s3a.connection.ssl.enabled"] == "true"
    assert conf["spark.hadoop.fs.s3a.endpoint"].startswith("https://127.0.0.1:")
    base = f"s3a://{rendered['bucket']}/{rendered['dataPrefix']}/tls"
    paths = {"input": rendered["paths"]["input"], "output": f"{base}/dog_tweets",
             "aggregates": f"{base}/breed_daily", "rejects": f"{base}/rejects"}

    ok = localrun.run_job(conf, paths, *key, work)
    assert ok.returncode == 0, ok.log[-3000:]
    assert ok.summary["input_lines"] >= 500
    assert localrun.success_file(minio, paths["output"])["committer"] == "directory"

    # Without the JVM options: the JDK's own CAs only. S3A and the SDK retry a failed handshake
    # (minutes with the defaults), so this run retries once, quickly: the verdict is the same.
    untrusted = {k: v for k, v in conf.items() if not k.endswith("extraJavaOptions")}
    untrusted.update({"spark.hadoop.fs.s3a.attempts.maximum": "1", "spark.hadoop.fs.s3a.retry.limit": "1",
                      "spark.hadoop.fs.s3a.retry.interval": "100ms"})
    bad = localrun.run_job(untrusted, {**paths, "output": f"{base}/untrusted"}, *key, work, timeout=600)
    assert bad.returncode != 0
    assert "PKIX path building failed" in bad.log or "SSLHandshakeException" in bad.log, bad.log[-3000:]
    assert localrun.list_objects(minio, localrun.s3_key(f"{base}/untrusted")) == [], "nothing written without trust"
