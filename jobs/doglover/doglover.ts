import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { SparkRuntime } from "../policy/s3a/versions";
import { helperJob } from "./batch-job";
import type { EndpointFacts } from "./s3a-profile";
import { eventLogMarkerKey } from "./history-server";
import { keyPairEnv } from "./s3-credentials";
import { mcTrustAdditions, sparkTrustAdditions } from "./s3-trust";
import { SparkJob, jobFilesAdditions, mergePodAdditions, type SparkPodResources } from "./spark-job";

/** The PySpark job and its sample-data generator, shipped to the cluster in a ConfigMap. */
export const JOB_DIR = path.join(__dirname, "..", "jobs", "doglover");
export const JOB_FILES = ["doglover.py", "generate_tweets.py"] as const;
/** mc's config directory in the seed Job (writable; extra CAs go to certs/CAs under it). */
const MC_CONFIG_DIR = "/tmp/.mc";

/** Where the driver sees the ConfigMap (a pod-template volume); the job file is `local://` from there (DESIGN.md section 3). */
export const JOB_MOUNT = "/opt/spark/jobs/doglover";

export interface DogLoverPaths {
    input: string;
    output: string;
    aggregates: string;
    rejects: string;
}

/** s3a:// locations of the job's input and outputs under the stack's data prefix. */
export function dogLoverPaths(bucket: string, prefix: string): DogLoverPaths {
    const base = `s3a://${bucket}/${prefix}`;
    return {
        input: `${base}/input/`,
        output: `${base}/output/dog_tweets`,
        aggregates: `${base}/output/breed_daily`,
        rejects: `${base}/output/rejects`,
    };
}

/** The S3 URL a plain S3 client (mc) uses for the store. */
export function clientUrl(e: EndpointFacts): string {
    return e.url ?? `https://s3.${e.region}.amazonaws.com`;
}

export interface DogLoverArgs {
    namespace: pulumi.Input<string>;
    serviceAccount: pulumi.Input<string>;
    bucket: pulumi.Input<string>;
    dataPrefix: string;
    endpoint: pulumi.Input<EndpointFacts>;
    /** The key pair's Secret; absent when the pods' identity carries the permissions (EKS). */
    credentialsSecret?: pulumi.Input<string>;
    runtime: SparkRuntime;
    /** Image of driver, executors and the sample-data generator (python3 inside). */
    image: string;
    /** How the sample data goes up to the bucket. */
    uploader: SampleUploader;
    sampleRecords: number;
    /** ConfigMap with the CA bundle of the S3 endpoint's certificate (s3CaBundle), if any. */
    trustConfigMap?: pulumi.Input<string>;
    /** Changes when the bucket is created again: the seed then runs again (and so does the job). */
    storeInstance?: pulumi.Input<string>;
    /** Deadline of the seed Job (it is failed by Kubernetes after this). */
    seedDeadlineSeconds: number;
    sparkConf: pulumi.Input<Record<string, pulumi.Input<string>>>;
    appName: string;
    driver: SparkPodResources;
    executor: SparkPodResources & { instances: number };
    waitForCompletion: boolean;
    timeoutMinutes: number;
    /** Any value; changing it runs the job again with unchanged inputs. */
    run: string;
    rerunHint: string;
}

/**
 * The client that uploads the sample data: `mc` for MinIO and FlashBlade (the store's URL and the
 * key pair), the AWS CLI on AWS (its default credential chain reads the key pair, EKS Pod Identity
 * and IRSA alike; mc does not know Pod Identity).
 */
export type SampleUploader = { kind: "mc"; image: string } | { kind: "awscli"; image: string; region: string };

/** The seed Job's upload container (pure; tested under mocks per store). */
export function uploadContainer(
    uploader: SampleUploader,
    x: {
        url: pulumi.Input<string>;
        inputKey: pulumi.Input<string>;
        /** `<bucket>/<prefix>/spark-events/`: the event log directory's marker (Spark needs it to exist). */
        eventsKey: pulumi.Input<string>;
        credentialsSecret?: pulumi.Input<string>;
        instance?: pulumi.Input<string>;
        trustMounts: k8s.types.input.core.v1.VolumeMount[];
    },
): k8s.types.input.core.v1.Container {
    const common = [
        { name: "INPUT_KEY", value: x.inputKey },
        { name: "EVENTS_KEY", value: x.eventsKey },
        ...(x.instance !== undefined ? [{ name: "BUCKET_INSTANCE", value: x.instance }] : []),
    ];
    const volumeMounts = [{ name: "data", mountPath: "/data" }];
    if (uploader.kind === "awscli") {
        return {
            name: "upload",
            image: uploader.image,
            command: [
                "sh",
                "-c",
                'set -eu; aws s3 cp --no-progress /data/tweets.jsonl "s3://$INPUT_KEY"; aws s3api put-object --bucket "${EVENTS_KEY%%/*}" --key "${EVENTS_KEY#*/}" >/dev/null',
            ],
            env: [
                ...common,
                { name: "AWS_REGION", value: uploader.region },
                { name: "HOME", value: "/tmp" },
                ...keyPairEnv(x.credentialsSecret),
            ],
            volumeMounts,
        };
    }
    return {
        name: "upload",
        image: uploader.image,
        command: [
            "sh",
            "-c",
            // mc mb of a path under an existing bucket puts the directory marker (an empty "<key>/" object).
            'set -eu; mc alias set s3 "$S3_URL" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" >/dev/null; mc cp /data/tweets.jsonl "s3/$INPUT_KEY"; mc mb --ignore-existing "s3/$EVENTS_KEY"',
        ],
        env: [
            { name: "S3_URL", value: x.url },
            ...common,
            { name: "MC_CONFIG_DIR", value: MC_CONFIG_DIR },
            ...keyPairEnv(x.credentialsSecret),
        ],
        volumeMounts: [...volumeMounts, ...x.trustMounts],
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

/**
 * DogLover on the cluster: the job files in a ConfigMap, a Job that generates the seeded sample
 * tweets and uploads them to the input prefix, and the SparkApplication.
 */
export class DogLover extends pulumi.ComponentResource {
    readonly job: SparkJob;
    /** The seed Job: after it, the input and the event log directory exist. */
    readonly seed: k8s.batch.v1.Job;
    readonly paths: pulumi.Output<DogLoverPaths>;

    constructor(name: string, args: DogLoverArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark-s3:doglover:DogLover", name, {}, opts);
        const labels = { "app.kubernetes.io/part-of": "spark-s3", "app.kubernetes.io/name": "doglover" };
        const code = new k8s.core.v1.ConfigMap(
            `${name}-code`,
            {
                metadata: { namespace: args.namespace, labels },
                data: Object.fromEntries(JOB_FILES.map((f) => [f, fs.readFileSync(path.join(JOB_DIR, f), "utf8")])),
            },
            { parent: this },
        );
        this.paths = pulumi.output(args.bucket).apply((b) => dogLoverPaths(b, args.dataPrefix));
        const inputKey = pulumi.interpolate`${args.bucket}/${args.dataPrefix}/input/tweets.jsonl`;
        const eventsKey = pulumi.interpolate`${args.bucket}/${eventLogMarkerKey(args.dataPrefix)}`;

        // Spark pods build a truststore from the CA at start; mc reads it from its config dir.
        const trust = args.trustConfigMap !== undefined ? sparkTrustAdditions(args.trustConfigMap, args.image) : undefined;
        const mcTrust = args.trustConfigMap !== undefined ? mcTrustAdditions(args.trustConfigMap, MC_CONFIG_DIR) : undefined;
        const seed = (this.seed = helperJob(
            `${name}-seed`,
            {
                namespace: args.namespace,
                labels: { ...labels, "app.kubernetes.io/component": "seed" },
                podSpec: {
                    initContainers: [
                        {
                            name: "generate",
                            image: args.image,
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
                    serviceAccountName: args.serviceAccount,
                    containers: [
                        uploadContainer(args.uploader, {
                            url: pulumi.output(args.endpoint).apply(clientUrl),
                            inputKey,
                            eventsKey,
                            credentialsSecret: args.credentialsSecret,
                            // Ties the Job to the bucket it fills: a new bucket, a new seed.
                            instance: args.storeInstance,
                            trustMounts: mcTrust?.volumeMounts ?? [],
                        }),
                    ],
                    volumes: [
                        { name: "code", configMap: { name: code.metadata.name } },
                        { name: "data", emptyDir: {} },
                        ...(mcTrust?.volumes ?? []),
                    ],
                },
                deadlineSeconds: args.seedDeadlineSeconds,
            },
            { parent: this },
        ));

        this.job = new SparkJob(
            `${name}-job`,
            {
                appName: args.appName,
                namespace: args.namespace,
                serviceAccount: args.serviceAccount,
                runtime: args.runtime,
                image: args.image,
                type: "Python",
                mainApplicationFile: `local://${JOB_MOUNT}/doglover.py`,
                arguments: this.paths.apply((p) => [
                    "--input",
                    p.input,
                    "--output",
                    p.output,
                    "--aggregates",
                    p.aggregates,
                    "--rejects",
                    p.rejects,
                ]),
                sparkConf: args.sparkConf,
                driver: args.driver,
                executor: args.executor,
                driverPod: mergePodAdditions(jobFilesAdditions(code.metadata.name, JOB_MOUNT), trust),
                executorPod: trust,
                inputs: pulumi
                    .output(args.storeInstance ?? "")
                    .apply((instance) =>
                        instance ? `${inputFingerprint(args.sampleRecords)}-${shortHash(instance)}` : inputFingerprint(args.sampleRecords),
                    ),
                run: args.run,
                rerunHint: args.rerunHint,
                waitForCompletion: args.waitForCompletion,
                timeoutMinutes: args.timeoutMinutes,
                labels: { "app.kubernetes.io/name": "doglover" },
            },
            { parent: this, dependsOn: [seed, code] },
        );
        this.registerOutputs({ paths: this.paths, appName: this.job.appName });
    }
}
