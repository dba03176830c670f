"""The pyspark these tests run is the version matrix's default row (policy/s3a/versions.ts)."""

import glob
import os
import re

import pyspark

import localrun


def test_pyspark_matches_the_version_matrix(tmp_path):
    rendered = localrun.render("http://127.0.0.1:9", tmp_path)
    assert pyspark.__version__ == rendered["sparkVersion"]
    jars = os.path.join(os.path.dirname(pyspark.__file__), "jars")
    hadoop = {re.match(r"hadoop-client-api-(.+)\.jar", os.path.basename(j)).group(1)
              for j in glob.glob(os.path.join(jars, "hadoop-client-api-*.jar"))}
    assert hadoop == {rendered["hadoopVersion"]}, "hadoop-aws must match the Hadoop inside pyspark"
    assert f"hadoop-aws:{rendered['hadoopVersion']}" in rendered["sparkConf"]["spark.jars.packages"]
