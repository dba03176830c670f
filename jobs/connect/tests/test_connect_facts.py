"""Contract: the Spark Connect facts the program builds on (components/spark-connect/facts.ts) are
in Spark's own classes, for each row of the version matrix: pyspark's jars for its own version,
Maven Central's spark-connect jar for the other row. Class files hold their string constants as
UTF-8 in the constant pool, so a key or message is found in the bytes of the class that defines it."""

import json
import subprocess
import zipfile
from pathlib import Path

import pyspark
import pytest

from connectrun import ROOT, localrun

JARS = Path(pyspark.__file__).parent / "jars"
CENTRAL = "https://repo1.maven.org/maven2/org/apache/spark"


def program_facts():
    code = ("const f=require('./components/spark-connect/facts');const v=require('./policy/s3a/versions');"
            "console.log(JSON.stringify({f, support: v.SPARK_MATRIX.map(r => ({row: r, s: f.connectSupport(r)}))}))")
    r = subprocess.run([str(ROOT / "node_modules" / ".bin" / "ts-node"), "-T", "-e", code], cwd=ROOT,
                       capture_output=True, text=True, check=True)
    return json.loads(r.stdout)


FACTS = program_facts()
F = FACTS["f"]


def jar(module, row):
    local = JARS / f"{module}_{row['scala']}-{row['spark']}.jar"
    if local.exists():
        return local
    name = f"{module}_{row['scala']}-{row['spark']}.jar"
    return localrun.fetch_jar(f"{CENTRAL}/{module}_{row['scala']}/{row['spark']}/{name}", cache=localrun.CACHE / "contract")


def classes(path):
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n.endswith(".class")}


def cls(name):
    return name.replace(".", "/") + ".class"


@pytest.mark.parametrize("item", FACTS["support"], ids=lambda i: f"spark-{i['row']['spark']}")
def test_the_server_class_port_and_session_keys_exist(item):
    row = item["row"]
    connect = classes(jar("spark-connect", row))
    assert cls(F["CONNECT_SERVER_CLASS"]) in connect
    config = connect[cls("org.apache.spark.sql.connect.config.Connect$")]
    assert F["CONNECT_KEYS"]["bindingPort"].encode() in config
    # The bind address and the idle-session timeout arrived with 4.0, as the token did (3.5.7 has
    # neither): the program sets them only where the server has a token.
    for key in (F["CONNECT_KEYS"]["bindingAddress"], F["CONNECT_KEYS"]["sessionTimeout"]):
        assert (key.encode() in config) == item["s"]["token"], f"Spark {row['spark']}: {key}"
    core = b"\0".join(classes(jar("spark-core", row)).values())
    for key in F["ALLOCATION_KEYS"].values():
        assert key.encode() in core, f"Spark {row['spark']} has no {key}"


@pytest.mark.parametrize("item", FACTS["support"], ids=lambda i: f"spark-{i['row']['spark']}")
def test_the_token_exists_exactly_where_the_program_says(item):
    row = item["row"]
    connect = classes(jar("spark-connect", row))
    config = connect[cls("org.apache.spark.sql.connect.config.Connect$")]
    interceptor = cls("org.apache.spark.sql.connect.service.PreSharedKeyAuthenticationInterceptor")
    has = F["CONNECT_TOKEN_CONF"].encode() in config
    assert has == item["s"]["token"], f"Spark {row['spark']}: token key present={has}, program says {item['s']['token']}"
    assert (interceptor in connect) == item["s"]["token"]
    if item["s"]["token"]:
        assert F["CONNECT_TOKEN_ENV"].encode() in config
        body = connect[interceptor]
        # The header it reads, what it expects, and how it refuses.
        for s in (b"Authorization", b"Bearer ", b"No authentication token provided", b"Invalid authentication token"):
            assert s in body
        service = connect[cls("org.apache.spark.sql.connect.service.SparkConnectService$")]
        assert b"PreSharedKeyAuthenticationInterceptor" in service and b"getAuthenticateToken" in service


def test_the_distribution_carries_the_server_exactly_where_the_program_says():
    """pyspark's jars/ are its Spark distribution's (the 3.5 tarball is not here to look into)."""
    item = next(i for i in FACTS["support"] if i["row"]["spark"] == pyspark.__version__)
    assert item["s"]["inDistribution"] is True
    assert (JARS / f"spark-connect_{item['row']['scala']}-{pyspark.__version__}.jar").exists()


def test_the_server_has_no_tls_of_its_own():
    """No TLS key in 4.0's Connect config: in-cluster clients need TLS in front of the port."""
    row = FACTS["support"][0]["row"]
    config = classes(jar("spark-connect", row))[cls("org.apache.spark.sql.connect.config.Connect$")]
    assert b"spark.connect.grpc.binding.port" in config
    assert not any(s in config for s in (b"spark.connect.grpc.ssl", b"spark.connect.ssl", b"keyStore", b"certChain"))
