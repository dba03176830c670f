/**
 * DogLover on a SparkPlatform, as one user of its public API: a Job that generates the seeded
 * sample tweets and uploads them to the input prefix, and the PySpark job (doglover.py) as a
 * SparkJob that reads them and writes its outputs through an S3A committer.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { helperJob } from "../../components/batch-job";
import { SparkJob } from "../../components/job";
import type { JobSpec } from "../../components/job/spec";
import type { PlatformHandle } from "../../components/platform/handle";
import { appNameFor } from "../../components/spark-job";
import { clientUrl, s3ClientContainer } from "../../components/s3-client";
import { DOGLOVER_JOB } from "./config";

/** The PySpark job and its sample-data generator, shipped to the cluster in a ConfigMap. */
export const JOB_DIR = __dirname;
export const JOB_FILES = ["doglover.py", "generate_tweets.py"] as const;

/** Where the pods see the ConfigMap (a pod-template volume); the job file is `local://` from there (DESIGN.md section 3). */
export const JOB_MOUNT = "/opt/spark/jobs/doglover";

export interface DogLoverPaths {
    input: string;
    output: string;
    aggregates: string;
    rejects: string;
}

/** s3a:// locations of the job's input and outputs under a data prefix (`${bucket}` and `${dataPrefix}` are the platform's). */
export function dogLoverPaths(bucket: string, prefix: string): DogLoverPaths {
    const base = `s3a://${bucket}/${prefix}`;
    return {
        input: `${base}/input/`,
        output: `${base}/output/dog_tweets`,
        aggregates: `${base}/output/breed_daily`,
        rejects: `${base}/output/rejects`,
    };
}

/** The sample data's generator arguments: the seeded generator makes the same tweets from the same ones. */
export function sampleDataArgs(records: number): string[] {
    return ["--records", String(records), "--seed", "42"];
}

function shortHash(s: string): string {
    return crypto.createHash("sha256").update(s).digest("hex").slice(0, 8);
}

/** What DogLover's input depends on: the generator's code and arguments (a change replaces the seed and reruns the job). */
export function inputFingerprint(records: number): string {
    const h = crypto.createHash("sha256");
    h.update(fs.readFileSync(path.join(JOB_DIR, "generate_tweets.py")));
    h.update(JSON.stringify(sampleDataArgs(records)));
    return h.digest("hex").slice(0, 16);
}

/** DogLover's job as a spark-s3:jobs entry would describe it. */
export function dogLoverJobSpec(): JobSpec {
    const p = dogLoverPaths("${bucket}", "${dataPrefix}");
    return {
        type: "Python",
        codeDir: JOB_DIR,
        codeFiles: JOB_FILES,
        mainFile: "doglover.py",
        mainClass: "",
        arguments: ["--input", p.input, "--output", p.output, "--aggregates", p.aggregates, "--rejects", p.rejects],
        jars: [],
        pyFiles: [],
        files: [],
        packages: [],
        image: "",
        sparkConf: {},
    };
}

export interface DogLoverArgs {
    platform: pulumi.Input<PlatformHandle>;
    sampleRecords: number;
    /** Deadline of the seed Job (it is failed by Kubernetes after this). */
    seedDeadlineSeconds: number;
    /** How a user runs the job again (shown with a failure). */
    rerunHint: string;
}

/**
 * DogLover on the cluster: the seed Job (generator + upload) and the SparkJob, which waits for
 * the seed. Under its own component `doglover`, where it has always been, so an existing stack
 * keeps its seed and its SparkApplication.
 */
export class DogLover extends pulumi.ComponentResource {
    readonly job: SparkJob;
    /** The seed Job: after it, the input exists. */
    readonly seed: k8s.batch.v1.Job;
    readonly paths: pulumi.Output<DogLoverPaths>;

    constructor(name: string, args: DogLoverArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark-s3:doglover:DogLover", name, {}, opts);
        const handle = pulumi.output(args.platform);
        const labels = { "app.kubernetes.io/part-of": "spark-s3", "app.kubernetes.io/name": "doglover" };
        this.paths = handle.apply((h) => dogLoverPaths(h.bucket, h.dataPrefix));

        // The job's code ConfigMap is the seed's too (generate_tweets.py): the job is created first
        // and waits for the seed, which is created from its ConfigMap.
        let seedCreated: (r: pulumi.Resource[]) => void = () => undefined;
        const seedDone = new Promise<pulumi.Resource[]>((resolve) => (seedCreated = resolve));
        this.job = new SparkJob(
            `${name}-job`,
            {
                platform: handle,
                applicationName: appNameFor(DOGLOVER_JOB, pulumi.getStack()),
                inputs: handle.apply((h) =>
                    h.storeInstance
                        ? `${inputFingerprint(args.sampleRecords)}-${shortHash(h.storeInstance)}`
                        : inputFingerprint(args.sampleRecords),
                ),
                rerunHint: args.rerunHint,
                labels: { "app.kubernetes.io/name": "doglover" },
            },
            {
                parent: this,
                spec: dogLoverJobSpec(),
                codeMountPath: JOB_MOUNT,
                // The ConfigMap the program created before SparkJob existed, as a child of DogLover.
                codeAliases: [{ name: `${name}-code`, parent: this }],
                dependsOn: seedDone,
                aliases: [{ type: "spark-s3:spark:SparkJob" }],
            },
        );
        const codeConfigMap = this.job.codeConfigMap!;
        const upload = handle.apply((h) =>
            s3ClientContainer(h.client, {
                name: "upload",
                url: clientUrl(h.endpoint),
                env: [
                    { name: "INPUT_KEY", value: `${h.bucket}/${h.dataPrefix}/input/tweets.jsonl` },
                    // Ties the Job to the bucket it fills: a new bucket, a new seed.
                    ...(h.storeInstance !== undefined ? [{ name: "BUCKET_INSTANCE", value: h.storeInstance }] : []),
                ],
                script: {
                    mc: 'mc cp /data/tweets.jsonl "s3/$INPUT_KEY"',
                    awscli: 'aws s3 cp --no-progress /data/tweets.jsonl "s3://$INPUT_KEY"',
                },
                credentialsSecret: h.credentialsSecret,
                trustConfigMap: h.trustConfigMap,
                volumeMounts: [{ name: "data", mountPath: "/data" }],
            }),
        );
        this.seed = helperJob(
            `${name}-seed`,
            {
                namespace: handle.namespace,
                labels: { ...labels, "app.kubernetes.io/component": "seed" },
                podSpec: {
                    initContainers: [
                        {
                            name: "generate",
                            image: handle.image,
                            command: [
                                "python3",
                                `${JOB_MOUNT}/generate_tweets.py`,
                                ...sampleDataArgs(args.sampleRecords),
                                "--out",
                                "/data/tweets.jsonl",
                            ],
                            volumeMounts: [
                                { name: "code", mountPath: JOB_MOUNT },
                                { name: "data", mountPath: "/data" },
                            ],
                        },
                    ],
                    serviceAccountName: handle.serviceAccount,
                    containers: [upload.container],
                    volumes: pulumi
                        .all([codeConfigMap, upload.volumes])
                        .apply(([cm, more]) => [{ name: "code", configMap: { name: cm } }, { name: "data", emptyDir: {} }, ...more]),
                },
                deadlineSeconds: args.seedDeadlineSeconds,
            },
            { parent: this },
        );
        seedCreated([this.seed]);
        this.registerOutputs({ paths: this.paths, appName: this.job.applicationName });
    }
}
