"""A Spark platform on an in-cluster MinIO and a scheduled PySpark job, through the component
package (`pulumi package add ../../provider` generates the `pulumi_spark_s3` SDK)."""

import pulumi
import pulumi_spark_s3 as spark

platform = spark.SparkPlatform(
    "platform",
    object_store="minio",
    bucket_name="spark-python-example",
    data_prefix="example",
    staging_host_path="/tmp/spark-python-example-staging",
    staging_volume_size="5Gi",
    minio_storage_size="5Gi",
    job_namespace="spark-python-example",
    executor_instances=1,
    executor_memory="1g",
)

nightly = spark.SparkJob(
    "nightly",
    platform=platform.handle,
    code_dir="../platform-yaml/jobs/nightly",
    main_file="nightly.py",
    arguments=["--output", "s3a://${bucket}/${dataPrefix}/nightly/totals"],
    committer="magic",
    schedule="0 2 * * *",
    time_zone="UTC",
)

pulumi.export("bucket", platform.bucket)
pulumi.export("nightly", nightly.status_command)
