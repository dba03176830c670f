import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { SparkRuntime } from "../policy/s3a/versions";

/**
 * SparkApplication names become pod and service names (`<name>-driver`, `<name>-<id>-driver-svc`),
 * so they must be DNS-1035 labels with room for Spark's suffixes.
 */
export const MAX_APP_NAME = 42;
const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** A DNS-1035 SparkApplication name, or an error that says why not. */
export function sparkApplicationName(name: string): string {
    if (!DNS_1035.test(name) || name.length > MAX_APP_NAME) {
        throw new Error(
            `SparkApplication name "${name}" must be a DNS-1035 label of at most ${MAX_APP_NAME} characters (lowercase letters, digits and '-', starting with a letter), e.g. "doglover-dev"`,
        );
    }
    return name;
}

/** `<job>-<stack>` as a valid SparkApplication name (stack names may hold '.', '_' or capitals). */
export function appNameFor(job: string, stack: string): string {
    const raw = `${job}-${stack}`.toLowerCase().replace(/[^a-z0-9-]+/g, "-");
    return sparkApplicationName(raw.slice(0, MAX_APP_NAME).replace(/-+$/, ""));
}

export interface SparkPodResources {
    cores: number;
    memory: string;
}

export interface SparkJobArgs {
    /** SparkApplication name (DNS-1035). */
    appName: string;
    namespace: pulumi.Input<string>;
    serviceAccount: pulumi.Input<string>;
    runtime: SparkRuntime;
    /** Empty: the stock image of the version matrix. */
    image?: string;
    type: "Python" | "Scala" | "Java";
    mainApplicationFile: string;
    mainClass?: string;
    arguments?: pulumi.Input<pulumi.Input<string>[]>;
    /** Complete sparkConf (from the S3A profile); no credentials in here. */
    sparkConf: pulumi.Input<Record<string, pulumi.Input<string>>>;
    driver: SparkPodResources;
    executor: SparkPodResources & { instances: number };
    /** ConfigMaps mounted into the driver (the operator's webhook mounts them). */
    driverConfigMaps?: { name: pulumi.Input<string>; path: string }[];
    /** `pulumi up` returns when the job ends, and fails when it FAILED. */
    waitForCompletion: boolean;
    timeoutMinutes: number;
    labels?: Record<string, string>;
}

/** The SparkApplication manifest (pure; tested against the CRD schema). */
export function sparkApplicationManifest(args: SparkJobArgs) {
    const labels = { "app.kubernetes.io/part-of": "spark-s3", "app.kubernetes.io/name": args.appName, ...args.labels };
    const annotations: Record<string, string> = args.waitForCompletion
        ? {
              // The operator sets terminationTime when the app ends, COMPLETED or FAILED; the
              // component then turns FAILED into an error with the operator's message.
              "pulumi.com/waitFor": "jsonpath={.status.terminationTime}",
              "pulumi.com/timeoutSeconds": String(args.timeoutMinutes * 60),
          }
        : { "pulumi.com/skipAwait": "true" };
    return {
        apiVersion: "sparkoperator.k8s.io/v1beta2",
        kind: "SparkApplication",
        metadata: { name: sparkApplicationName(args.appName), namespace: args.namespace, labels, annotations },
        spec: {
            type: args.type,
            mode: "cluster",
            sparkVersion: args.runtime.spark,
            image: args.image || args.runtime.image,
            imagePullPolicy: "IfNotPresent",
            mainApplicationFile: args.mainApplicationFile,
            ...(args.mainClass ? { mainClass: args.mainClass } : {}),
            arguments: args.arguments ?? [],
            sparkConf: args.sparkConf,
            restartPolicy: {
                type: "OnFailure",
                onFailureRetries: 1,
                onFailureRetryInterval: 30,
                onSubmissionFailureRetries: 3,
                onSubmissionFailureRetryInterval: 20,
            },
            timeToLiveSeconds: 7 * 24 * 3600,
            driver: {
                cores: args.driver.cores,
                memory: args.driver.memory,
                serviceAccount: args.serviceAccount,
                labels,
                ...(args.driverConfigMaps?.length ? { configMaps: args.driverConfigMaps } : {}),
            },
            executor: {
                instances: args.executor.instances,
                cores: args.executor.cores,
                memory: args.executor.memory,
                labels,
            },
        },
    };
}

/** Final state of a SparkApplication as the operator reports it. */
export interface SparkAppStatus {
    applicationState?: { state?: string; errorMessage?: string };
    terminationTime?: string;
    driverInfo?: { podName?: string };
}

/** Throws the operator's error when the app did not complete; returns the state otherwise. */
export function requireCompleted(appName: string, status: SparkAppStatus | undefined): string {
    const state = status?.applicationState?.state ?? "UNKNOWN";
    if (state !== "COMPLETED") {
        const msg = status?.applicationState?.errorMessage || "(the operator gave no error message)";
        const pod = status?.driverInfo?.podName;
        throw new Error(
            `SparkApplication ${appName} ended in state ${state}: ${msg}` +
                (pod ? `\n  driver log: kubectl logs -n <namespace> ${pod}` : ""),
        );
    }
    return state;
}

/** One SparkApplication, optionally waited for. */
export class SparkJob extends pulumi.ComponentResource {
    readonly appName: pulumi.Output<string>;
    readonly namespace: pulumi.Output<string>;
    /** COMPLETED once waited for; "SUBMITTED" when not waiting. */
    readonly state: pulumi.Output<string>;

    constructor(name: string, args: SparkJobArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark-s3:spark:SparkJob", name, {}, opts);
        const app = new k8s.apiextensions.CustomResource(
            `${name}-app`,
            // `status: undefined` makes the operator's status an output of the resource.
            { ...sparkApplicationManifest(args), status: undefined },
            {
                parent: this,
                // A changed job runs again from scratch under the same name.
                replaceOnChanges: ["spec"],
                deleteBeforeReplace: true,
            },
        );
        this.appName = pulumi.output(args.appName);
        this.namespace = pulumi.output(args.namespace);
        this.state = args.waitForCompletion
            ? (app as unknown as { status: pulumi.Output<SparkAppStatus> }).status.apply((s) => requireCompleted(args.appName, s))
            : pulumi.output("SUBMITTED");
        this.registerOutputs({ appName: this.appName, namespace: this.namespace, state: this.state });
    }
}
