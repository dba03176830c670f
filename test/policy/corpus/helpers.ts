/**
 * Building blocks of the corpus: a correct directory-committer job on a third-party store (trusted
 * image, staging claim mounted natively) that each case changes in one place, and the runner that
 * checks each case's fired policies with the pack's real policy objects, the way the engine runs them
 * (test/helpers/policy.ts); no case may need the engine to skip a policy.
 */
import { strict as assert } from "assert";
import { POLICY } from "../../../policy/s3a/checks";
import { hadoopFactsOf } from "../../../policy/s3a/releases";
import { fired, resource, runPack, type PackConfig, type Reported } from "../../helpers/policy";

export const APP = "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication";
export const SCHEDULED = "kubernetes:sparkoperator.k8s.io/v1beta2:ScheduledSparkApplication";
export const PVC = "kubernetes:core/v1:PersistentVolumeClaim";

export type Conf = Record<string, string | undefined>;
export type Resource = ReturnType<typeof resource>;

/** A custom image with hadoop-aws and spark-hadoop-cloud baked in, trusted by the corpus's pack config. */
export const TRUSTED = "registry.example.com/spark-s3:";
export const trustedImage = (v: string, scala = "2.13") => `${TRUSTED}${v}-scala${scala}`;
export const stockImage = (v: string, scala = "2.13") => `apache/spark:${v}-scala${scala}-java17-python3-ubuntu`;
export const BASE_CONFIG: PackConfig = {
    [POLICY.jars]: { trustedImages: [TRUSTED] },
    [POLICY.jarDelivery]: { trustedImages: [TRUSTED] },
};

/** A correct directory-committer job on a third-party store with the staging claim mounted natively. */
export function goodConf(): Conf {
    return {
        "spark.sql.sources.commitProtocolClass": "org.apache.spark.internal.io.cloud.PathOutputCommitProtocol",
        "spark.sql.parquet.output.committer.class": "org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter",
        "spark.hadoop.fs.s3a.committer.name": "directory",
        "spark.hadoop.fs.s3a.committer.staging.conflict-mode": "append",
        "spark.hadoop.fs.s3a.committer.staging.tmp.path": "file:///staging/committer",
        "spark.hadoop.fs.s3a.endpoint": "https://s3.store.example.com",
        "spark.hadoop.fs.s3a.endpoint.region": "us-east-1",
        "spark.hadoop.fs.s3a.path.style.access": "true",
        "spark.kubernetes.driver.volumes.persistentVolumeClaim.staging.options.claimName": "spark-staging",
        "spark.kubernetes.driver.volumes.persistentVolumeClaim.staging.mount.path": "/staging",
        "spark.kubernetes.executor.volumes.persistentVolumeClaim.staging.options.claimName": "spark-staging",
        "spark.kubernetes.executor.volumes.persistentVolumeClaim.staging.mount.path": "/staging",
        "spark.kubernetes.driver.secretKeyRef.AWS_ACCESS_KEY_ID": "creds:AWS_ACCESS_KEY_ID",
        "spark.kubernetes.executor.secretKeyRef.AWS_ACCESS_KEY_ID": "creds:AWS_ACCESS_KEY_ID",
    };
}

export const clean = (conf: Conf) => Object.fromEntries(Object.entries(conf).filter(([, v]) => v !== undefined)) as Record<string, string>;

export function app(conf: Conf, spec: Record<string, any> = {}, name = "job") {
    return resource(APP, {
        apiVersion: "sparkoperator.k8s.io/v1beta2",
        kind: "SparkApplication",
        metadata: { name, namespace: "spark-jobs" },
        spec: {
            type: "Python",
            sparkVersion: "4.0.4",
            image: trustedImage("4.0.4"),
            mainApplicationFile: "local:///opt/spark/jobs/job.py",
            arguments: ["--output", "s3a://bucket/out"],
            sparkConf: clean(conf),
            driver: {},
            executor: { instances: 2 },
            ...spec,
        },
    });
}

export const rwxClaim = (name = "spark-staging", modes = ["ReadWriteMany"]) =>
    resource(PVC, { metadata: { name, namespace: "spark-jobs" }, spec: { accessModes: modes } });

export function mergeConfig(extra: PackConfig = {}): PackConfig {
    const out: PackConfig = { ...BASE_CONFIG };
    for (const [k, v] of Object.entries(extra)) out[k] = { ...(out[k] ?? {}), ...v };
    return out;
}

export function check(resources: Resource[], config?: PackConfig): { names: string[]; reported: Reported[] } {
    const reported = runPack(resources, mergeConfig(config));
    return { names: fired(reported), reported };
}

export interface Case {
    what: string;
    resources: () => Resource[];
    expect: string[];
    config?: PackConfig;
    message?: RegExp;
}

export const withConf = (changes: Conf, spec?: Record<string, any>) => () => [app({ ...goodConf(), ...changes }, spec), rwxClaim()];

/** Only the jar settings of a job on a stock image: packages and jars as given. */
/** The AWS SDK bundle jar file that hadoop-aws of Hadoop `h` is built with (a jar file of hadoop-aws brings none). */
export const sdkJar = (h: string) => {
    const [, artifact, version] = hadoopFactsOf(h)!.awsSdkBundle.split(":");
    return `/opt/extra/${artifact}-${version}.jar`;
};

/** hadoop-aws jar files in spark.jars get the SDK bundle jar of their Hadoop, as a mirror of the jars would hold it. */
export const withSdkJars = (jars: Conf): Conf => {
    const list = jars["spark.jars"];
    const aws = list && /hadoop-aws-(\d+\.\d+\.\d+)\.jar/.exec(list);
    if (!aws || !hadoopFactsOf(aws[1]) || /bundle-\d/.test(list!)) return jars;
    return { ...jars, "spark.jars": `${list},${sdkJar(aws[1])}` };
};

/** Only the jar settings of a job on a stock image: packages and jars as given (hadoop-aws jar files with their SDK). */
export const onStock = (version: string, jars: Conf, changes: Conf = {}, scala?: string) => {
    const s = scala ?? (version.startsWith("3.") ? "2.12" : "2.13");
    return withConf({ ...withSdkJars(jars), ...changes }, { sparkVersion: version, image: stockImage(version, s) });
};

export const sorted = (...names: string[]) => [...names].sort();

/** The seed article's configuration: wrong staging key, keys in plain text, no shared staging path. */
export const ARTICLE: Conf = {
    "spark.sql.sources.commitProtocolClass": "org.apache.spark.internal.io.cloud.PathOutputCommitProtocol",
    "spark.sql.parquet.output.committer.class": "org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter",
    "spark.hadoop.fs.s3a.committer.name": "directory",
    "spark.hadoop.fs.s3a.committer.tmp.path": "file:///tmp/staging",
    "spark.hadoop.fs.s3a.endpoint": "http://192.168.170.12",
    "spark.hadoop.fs.s3a.connection.ssl.enabled": "false",
    "spark.hadoop.fs.s3a.path.style.access": "true",
    "spark.hadoop.fs.s3a.access.key": "PSFBSAZRTESTKEYXYZ",
    "spark.hadoop.fs.s3a.secret.key": "0A1B2C3D4E5F-not-a-real-secret",
    "spark.jars.packages": "org.apache.hadoop:hadoop-aws:3.4.1,org.apache.spark:spark-hadoop-cloud_2.13:4.0.2",
};

export const job = (name: string, args: string[], conf: Conf = {}) => app({ ...goodConf(), ...conf }, { arguments: args }, name);

export function scheduled(concurrencyPolicy: string | undefined, conf: Conf = {}) {
    const template = (
        app({ ...goodConf(), ...conf }, { arguments: ["--input", "s3a://bucket/raw", "--output", "s3a://bucket/daily"] }).props as any
    ).spec;
    return resource(SCHEDULED, {
        apiVersion: "sparkoperator.k8s.io/v1beta2",
        kind: "ScheduledSparkApplication",
        metadata: { name: "daily", namespace: "spark-jobs" },
        spec: { schedule: "@hourly", ...(concurrencyPolicy ? { concurrencyPolicy } : {}), template },
    });
}

export function runCases(cases: Case[]) {
    for (const c of cases) {
        it(`${c.what} → ${c.expect.length ? c.expect.join(", ") : "no violation"}`, () => {
            const { names, reported } = check(c.resources(), c.config);
            assert.deepEqual(names, c.expect, JSON.stringify(reported, null, 1));
            assert.deepEqual(
                reported.filter((r) => r.skipped),
                [],
                "the engine had to skip a policy",
            );
            if (c.message)
                assert.ok(
                    reported.some((r) => c.message!.test(r.message)),
                    `no message matches ${c.message}: ${JSON.stringify(reported, null, 1)}`,
                );
        });
    }
}
