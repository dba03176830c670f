import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))


@pytest.fixture(scope="session")
def spark():
    from pyspark.sql import SparkSession

    s = (
        SparkSession.builder.master("local[2]")
        .appName("doglover-unit")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    yield s
    s.stop()


def _spark_work_dir():
    """Where local-cluster workers put each application's files (jars copied per executor):
    LocalSparkCluster starts its Workers without a work dir, so they use $SPARK_HOME/work, inside
    the pyspark package; SPARK_WORKER_DIR only reaches standalone workers started by script."""
    import pyspark

    return os.path.join(os.environ.get("SPARK_HOME") or os.path.dirname(pyspark.__file__), "work")


@pytest.fixture(scope="session")
def spark_work_dir_at_start():
    work = _spark_work_dir()
    return work, (set(os.listdir(work)) if os.path.isdir(work) else set())


@pytest.fixture(autouse=True)
def remove_spark_work_dirs():
    """A test removes the application directories its Spark runs left in the work dir, even when it fails."""
    import shutil

    work = _spark_work_dir()
    before = set(os.listdir(work)) if os.path.isdir(work) else set()
    yield
    if os.path.isdir(work):
        for name in set(os.listdir(work)) - before:
            shutil.rmtree(os.path.join(work, name), ignore_errors=True)
