"""Contract: every Spark key the program's observability sets exists in Spark's own code, for each
Spark version of the program's matrix. Spark declares its keys as string constants (ConfigBuilder
entries in org.apache.spark.internal.config, the metrics system's spark.metrics.conf. prefix,
Kubernetes' annotation prefixes), so each key is found in the constant pool of some class of the
spark-core (or spark-kubernetes) jar of that version: pyspark's own jars for its version, the
Maven Central jars for the other row."""

import json
import re
import subprocess
import urllib.request
import zipfile
from pathlib import Path

import pyspark
import pytest

import localrun

ROOT = Path(__file__).resolve().parents[3]
JARS = Path(pyspark.__file__).parent / "jars"
CENTRAL = "https://repo1.maven.org/maven2/org/apache/spark"


def program_facts():
    code = ("const h=require('./components/observability');const v=require('./policy/s3a/versions');"
            "console.log(JSON.stringify({keys:h.OBSERVABILITY_KEYS,servlet:h.PROMETHEUS_SERVLET_CONF,matrix:v.SPARK_MATRIX}))")
    r = subprocess.run([str(ROOT / "node_modules" / ".bin" / "ts-node"), "-T", "-e", code], cwd=ROOT,
                       capture_output=True, text=True, check=True)
    return json.loads(r.stdout)


FACTS = program_facts()


def released(module, scala, line):
    """Versions of a Spark module on Maven Central in one release line (maven-metadata.xml)."""
    with urllib.request.urlopen(f"{CENTRAL}/{module}_{scala}/maven-metadata.xml", timeout=60) as r:
        versions = re.findall(r"<version>([^<]+)</version>", r.read().decode())
    return [v for v in versions if v.startswith(line + ".")]


def jar(module, row):
    """That module's jar of the row's version; where Central lacks that patch release (seen:
    spark-kubernetes_2.12 stops at 3.5.6 while spark-core has 3.5.7), the newest of its line."""
    version = row["spark"]
    local = JARS / f"{module}_{row['scala']}-{version}.jar"
    if local.exists():
        return local
    line = ".".join(version.split(".")[:2])
    available = released(module, row["scala"], line)
    if version not in available:
        version = sorted(available, key=lambda v: [int(x) for x in v.split(".") if x.isdigit()])[-1]
    name = f"{module}_{row['scala']}-{version}.jar"
    # A cache of its own: .cache/jars is what the local-cluster tests put on executors' class path.
    return localrun.fetch_jar(f"{CENTRAL}/{module}_{row['scala']}/{version}/{name}", cache=localrun.CACHE / "contract")


def constants(path):
    """All class files' bytes of a jar, joined (constant pools hold the key strings as UTF-8)."""
    with zipfile.ZipFile(path) as z:
        return b"\0".join(z.read(n) for n in z.namelist() if n.endswith(".class")), set(z.namelist())


@pytest.mark.parametrize("row", FACTS["matrix"], ids=lambda r: f"spark-{r['spark']}")
def test_every_observability_key_exists_in_that_spark(row):
    core, core_classes = constants(jar("spark-core", row))
    k8s, _ = constants(jar("spark-kubernetes", row))
    missing = [k for k in FACTS["keys"].values() if k.encode() not in core]
    assert not missing, f"Spark {row['spark']} does not define {missing}"
    # The metrics system reads spark.metrics.conf.<instance>.sink.<name>.<option>; the sink class exists.
    assert b"spark.metrics.conf." in core
    assert FACTS["servlet"].startswith("spark.metrics.conf.")
    assert "org/apache/spark/metrics/sink/PrometheusServlet.class" in core_classes
    # Driver pod annotations: spark.kubernetes.driver.annotation.<name>.
    assert b"spark.kubernetes.driver.annotation." in k8s


def test_the_check_can_fail():
    core, _ = constants(jar("spark-core", FACTS["matrix"][0]))
    assert b"spark.eventLog.rolling.maxFileSizeX" not in core
    assert b"spark.history.fs.cleaner.maxAge" in core
