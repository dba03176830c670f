/**
 * SparkApplication and ScheduledSparkApplication manifests, names, statuses and what a user is
 * told about a run (pure; tested). The SparkJob component that creates them is job/index.ts.
 */
import * as crypto from "crypto";
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { SparkRuntime } from "../policy/s3a/versions";

/**
 * SparkApplication names become pod and service names (`<name>-driver`, `<name>-<id>-driver-svc`),
 * so they must be DNS-1035 labels with room for Spark's suffixes.
 */
export const MAX_APP_NAME = 42;
/**
 * The ScheduledSparkApplication controller names each run `<name>-<timestamp>`
 * (createSparkApplication; the chart's default precision is nanos: 19 digits), and a run's name
 * is a SparkApplication name: a scheduled job's name has at most MAX_APP_NAME - 20 characters.
 */
export const MAX_SCHEDULED_NAME = MAX_APP_NAME - 20;
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

/**
 * `<job>-<stack>` as a ScheduledSparkApplication name: at most MAX_SCHEDULED_NAME characters
 * (its runs append a timestamp); a longer one keeps its start and a hash, so it stays unique.
 */
export function scheduledNameFor(job: string, stack: string): string {
    const raw = `${job}-${stack}`
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/-+$/, "");
    if (raw.length <= MAX_SCHEDULED_NAME) return sparkApplicationName(raw);
    const hash = crypto.createHash("sha256").update(raw).digest("hex").slice(0, 6);
    return sparkApplicationName(`${raw.slice(0, MAX_SCHEDULED_NAME - 7).replace(/-+$/, "")}-${hash}`);
}

/**
 * The operator's final states (kubeflow spark-operator v2.5.2, `pkg/util/sparkapplication.go`
 * `IsTerminated`). Everything else is on the way: SUBMITTED, RUNNING, SUCCEEDING and FAILING
 * (both set `terminationTime` before a retry decides), PENDING_RERUN, SUBMISSION_FAILED (retried
 * up to `onSubmissionFailureRetries`, then FAILED), INVALIDATING, UNKNOWN.
 */
export const FINAL_STATES = ["COMPLETED", "FAILED"] as const;

/**
 * `pulumi.com/waitFor` condition that holds only in a final state. pulumi-kubernetes (4.25,
 * `provider/pkg/jsonpath`) evaluates it with github.com/theory/jsonpath (RFC 9535): the filter
 * selects the member of `.status` whose `state` is final (`applicationState`), and a path without
 * `=value` matches when it selects anything. Not `{.status.terminationTime}`: the operator writes
 * that key as `null` from its first status write and sets it at SUCCEEDING/FAILING, before its
 * retry decides the final state.
 */
export const WAIT_FOR_FINAL_STATE = `jsonpath={.status[?${FINAL_STATES.map((s) => `@.state=='${s}'`).join(" || ")}]}`;

export interface SparkPodResources {
    cores: number;
    memory: string;
}

/** What a pod template adds to a Spark pod (driver or executor) or a Job's pod. */
export interface PodAdditions {
    volumes?: k8s.types.input.core.v1.Volume[];
    initContainers?: k8s.types.input.core.v1.Container[];
    /** Mounts on the main (Spark) container. */
    volumeMounts?: k8s.types.input.core.v1.VolumeMount[];
}

export function mergePodAdditions(...parts: (PodAdditions | undefined)[]): PodAdditions {
    const out: Required<PodAdditions> = { volumes: [], initContainers: [], volumeMounts: [] };
    for (const p of parts) {
        out.volumes.push(...(p?.volumes ?? []));
        out.initContainers.push(...(p?.initContainers ?? []));
        out.volumeMounts.push(...(p?.volumeMounts ?? []));
    }
    return out;
}

/** Files in a ConfigMap, mounted read-only; `items` maps keys to paths (a folder with subfolders). */
export function jobFilesAdditions(
    configMap: pulumi.Input<string>,
    mountPath: string,
    items?: { key: string; path: string }[],
): PodAdditions {
    return {
        volumes: [{ name: "job-files", configMap: { name: configMap, ...(items ? { items } : {}) } }],
        volumeMounts: [{ name: "job-files", mountPath, readOnly: true }],
    };
}

/**
 * The container names the operator gives driver and executor in the pod templates it hands to
 * spark-submit (internal/controller/sparkapplication/submission.go, v2.5.2:
 * common.SparkDriverContainerName, common.Spark3DefaultExecutorContainerName).
 */
export const DRIVER_CONTAINER = "spark-kubernetes-driver";
export const EXECUTOR_CONTAINER = "spark-kubernetes-executor";

/** A pod template (`spec.driver.template`, `spec.executor.template`) from additions, or undefined. */
export function podTemplate(container: string, a: PodAdditions | undefined) {
    if (!a || !(a.volumes?.length || a.initContainers?.length || a.volumeMounts?.length)) return undefined;
    return {
        spec: {
            ...(a.initContainers?.length ? { initContainers: a.initContainers } : {}),
            containers: [{ name: container, ...(a.volumeMounts?.length ? { volumeMounts: a.volumeMounts } : {}) }],
            ...(a.volumes?.length ? { volumes: a.volumes } : {}),
        },
    };
}

/** A SparkApplication as the program renders it (pure; tested against the CRD schema). */
export interface SparkAppArgs {
    /** SparkApplication name (DNS-1035). */
    appName: string;
    namespace: pulumi.Input<string>;
    serviceAccount: pulumi.Input<string>;
    runtime: SparkRuntime;
    /** The image of driver and executors. */
    image: string;
    type: "Python" | "Scala" | "Java";
    mainApplicationFile: string;
    mainClass?: string;
    arguments?: pulumi.Input<pulumi.Input<string>[]>;
    /** Complete sparkConf (from the S3A profile); no credentials in here. */
    sparkConf: pulumi.Input<Record<string, pulumi.Input<string>>>;
    driver: SparkPodResources;
    executor: SparkPodResources & { instances: number };
    /**
     * What the driver and executor pods get besides Spark's own conf (job files, the S3 CA's
     * truststore), delivered through `spec.driver.template` / `spec.executor.template` (Spark >= 3.0
     * pod templates), which the operator hands to spark-submit itself: no dependence on its webhook.
     */
    driverPod?: PodAdditions;
    executorPod?: PodAdditions;
    /**
     * What the run depends on besides its spec (e.g. a fingerprint of the input data). A change
     * replaces the SparkApplication, so the job runs again.
     */
    inputs?: pulumi.Input<string>;
    /** Any value; changing it runs the job again with unchanged inputs. */
    run?: string;
    /** `pulumi up` waits for the final state; a FAILED run fails that update. */
    waitForCompletion: boolean;
    timeoutMinutes: number;
    /** How a user runs the job again (shown with a failure). */
    rerunHint: string;
    labels?: Record<string, string>;
}

/** Driver annotations that tie a run to what it depends on. */
export const RUN_ANNOTATIONS = { run: "spark-s3.io/run", inputs: "spark-s3.io/inputs" } as const;

/** The SparkApplication manifest (pure; tested against the CRD schema). */
export function sparkApplicationManifest(args: SparkAppArgs) {
    const labels = { "app.kubernetes.io/part-of": "spark-s3", "app.kubernetes.io/name": args.appName, ...args.labels };
    const annotations: Record<string, string> = args.waitForCompletion
        ? { "pulumi.com/waitFor": WAIT_FOR_FINAL_STATE, "pulumi.com/timeoutSeconds": String(args.timeoutMinutes * 60) }
        : { "pulumi.com/skipAwait": "true" };
    const driverAnnotations: Record<string, pulumi.Input<string>> = {};
    if (args.run) driverAnnotations[RUN_ANNOTATIONS.run] = args.run;
    if (args.inputs !== undefined) driverAnnotations[RUN_ANNOTATIONS.inputs] = args.inputs;
    const driverTemplate = podTemplate(DRIVER_CONTAINER, args.driverPod);
    const executorTemplate = podTemplate(EXECUTOR_CONTAINER, args.executorPod);
    return {
        apiVersion: "sparkoperator.k8s.io/v1beta2",
        kind: "SparkApplication",
        metadata: { name: sparkApplicationName(args.appName), namespace: args.namespace, labels, annotations },
        spec: {
            type: args.type,
            mode: "cluster",
            sparkVersion: args.runtime.spark,
            image: args.image,
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
            // No timeToLiveSeconds: the operator would delete the finished application, `pulumi
            // refresh` would then drop it from the state and the next `up` would run it again.
            driver: {
                cores: args.driver.cores,
                memory: args.driver.memory,
                serviceAccount: args.serviceAccount,
                labels,
                ...(Object.keys(driverAnnotations).length ? { annotations: driverAnnotations } : {}),
                ...(driverTemplate ? { template: driverTemplate } : {}),
            },
            executor: {
                // Executors reach S3 with the same identity as the driver (EKS Pod Identity and
                // IRSA bind the role to the service account; otherwise Spark uses "default").
                serviceAccount: args.serviceAccount,
                instances: args.executor.instances,
                cores: args.executor.cores,
                memory: args.executor.memory,
                labels,
                ...(executorTemplate ? { template: executorTemplate } : {}),
            },
        },
    };
}

/** A SparkApplication's status as the operator writes it (api/v1beta2, v2.5.2). */
export interface SparkAppStatus {
    applicationState?: { state?: string; errorMessage?: string };
    terminationTime?: string | null;
    lastSubmissionAttemptTime?: string | null;
    submissionID?: string;
    executionAttempts?: number;
    submissionAttempts?: number;
    driverInfo?: { podName?: string };
}

/** The operator's state; "" (its NEW state) and a missing status read as NEW. */
export function stateOf(status: SparkAppStatus | undefined): string {
    return status?.applicationState?.state || "NEW";
}

/** What a user needs to know about a FAILED run: the operator's error, where the log is, how to retry. */
export function failureReport(app: { name: string; namespace: string }, status: SparkAppStatus | undefined, rerunHint: string): string {
    const s = status ?? {};
    const attempts = s.executionAttempts ?? 0;
    const pod = s.driverInfo?.podName || `${app.name}-driver`;
    return [
        `SparkApplication ${app.namespace}/${app.name} FAILED${attempts > 1 ? ` after ${attempts} attempts` : ""}: ${
            s.applicationState?.errorMessage || "the operator gave no error message"
        }`,
        `  driver log: kubectl -n ${app.namespace} logs ${pod}`,
        `  events:     kubectl -n ${app.namespace} describe sparkapplication ${app.name}`,
        `  run it again (same inputs): ${rerunHint}`,
    ].join("\n");
}

/** What a user needs to know when `pulumi up` stopped waiting for a run that goes on. */
export function timeoutReport(app: { name: string; namespace: string }, minutes: number): string {
    return [
        `SparkApplication ${app.namespace}/${app.name} had not finished after jobTimeoutMinutes (${minutes}); it keeps running.`,
        `  The next \`pulumi up\` waits for the same run (it does not start it again).`,
        `  Watch it: kubectl -n ${app.namespace} get sparkapplication ${app.name} -w`,
    ].join("\n");
}

/**
 * Whether a resource hook should report this status as a failure: a FAILED run, unless the old
 * outputs (an update) already held the same final run, which an earlier update reported.
 */
export function isNewFailure(newStatus: SparkAppStatus | undefined, oldStatus?: SparkAppStatus): boolean {
    if (stateOf(newStatus) !== "FAILED") return false;
    if (!oldStatus) return true;
    return !(stateOf(oldStatus) === "FAILED" && oldStatus.submissionID === newStatus?.submissionID);
}

/** A run's schedule (ScheduledSparkApplication spec fields, api/v1beta2 v2.5.2). */
export interface ScheduleSpec {
    readonly cron: string;
    readonly timeZone: string;
    readonly suspend: boolean;
    readonly concurrencyPolicy: "Forbid" | "Allow" | "Replace";
    readonly successfulRunHistoryLimit: number;
    readonly failedRunHistoryLimit: number;
}

/**
 * The ScheduledSparkApplication of a scheduled job: the SparkApplication's spec as its template.
 * concurrencyPolicy is always explicit: with none, the v2.5.2 controller's shouldStartNextRun
 * starts no run once one exists. Nothing is awaited: the operator runs it on its schedule.
 */
export function scheduledSparkApplicationManifest(args: SparkAppArgs, schedule: ScheduleSpec) {
    const app = sparkApplicationManifest({ ...args, waitForCompletion: false, run: undefined });
    if (args.appName.length > MAX_SCHEDULED_NAME) {
        throw new Error(
            `a scheduled job's name "${args.appName}" must have at most ${MAX_SCHEDULED_NAME} characters (its runs are named <name>-<19-digit timestamp>)`,
        );
    }
    return {
        apiVersion: app.apiVersion,
        kind: "ScheduledSparkApplication",
        metadata: { ...app.metadata, annotations: { "pulumi.com/skipAwait": "true" } },
        spec: {
            schedule: schedule.cron,
            ...(schedule.timeZone ? { timeZone: schedule.timeZone } : {}),
            suspend: schedule.suspend,
            concurrencyPolicy: schedule.concurrencyPolicy,
            successfulRunHistoryLimit: schedule.successfulRunHistoryLimit,
            failedRunHistoryLimit: schedule.failedRunHistoryLimit,
            template: app.spec,
        },
    };
}

/** A ScheduledSparkApplication's status as the controller writes it. */
export interface ScheduledAppStatus {
    scheduleState?: string;
    reason?: string;
    lastRunName?: string;
    nextRun?: string | null;
}

/** Label the controller puts on every run of a schedule (pkg/common/spark.go LabelScheduledSparkAppName). */
export const SCHEDULED_APP_LABEL = "sparkoperator.k8s.io/scheduled-app-name";

/** How a user watches a job and reads its driver's log. */
export function jobCommands(namespace: string, appName: string, scheduled: boolean): { status: string; logs: string } {
    if (!scheduled) {
        return {
            status: `kubectl -n ${namespace} get sparkapplication ${appName} -w`,
            logs: `kubectl -n ${namespace} wait --for=create pod/${appName}-driver --timeout=10m && kubectl -n ${namespace} logs -f ${appName}-driver`,
        };
    }
    return {
        status: `kubectl -n ${namespace} get scheduledsparkapplication ${appName} && kubectl -n ${namespace} get sparkapplications -l ${SCHEDULED_APP_LABEL}=${appName}`,
        logs: `kubectl -n ${namespace} logs "$(kubectl -n ${namespace} get scheduledsparkapplication ${appName} -o jsonpath='{.status.lastRunName}')-driver"`,
    };
}
