import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, Reader, argsNaming, argsSource, expandStack } from "../config/reader";
import { runtimeOf, workloadPodAdditions, workloadSparkConf, type PlatformHandle } from "../platform/handle";
import {
    appNameFor,
    failureReport,
    isNewFailure,
    jobCommands,
    jobFilesAdditions,
    mergePodAdditions,
    scheduledNameFor,
    scheduledSparkApplicationManifest,
    sparkApplicationManifest,
    stateOf,
    timeoutReport,
    type ScheduledAppStatus,
    type SparkAppArgs,
    type SparkAppStatus,
} from "../spark-job";
import type { SparkJobArgs } from "./args";
import { codeBundle, codeMount, resolveRef, schemeOf } from "./code";
import { jobPlatformProblems, readJobSpec, type JobSpec } from "./spec";

export type { SparkJobArgs } from "./args";

/** TypeScript-only options of SparkJob (not in the component package's schema). */
export interface SparkJobOptions extends pulumi.ComponentResourceOptions {
    /** The job as already read from stack config (the program): the args' job fields are then ignored. */
    readonly spec?: JobSpec;
    /** What codeDir is relative to. Default: the working directory (the project). */
    readonly baseDir?: string;
    /** Where the code folder is mounted. Default: /opt/spark/jobs/<name>. */
    readonly codeMountPath?: string;
    /** Aliases of the code ConfigMap, for a job whose ConfigMap was created elsewhere before. */
    readonly codeAliases?: pulumi.Input<pulumi.URN | pulumi.Alias>[];
}

/** SparkApplications whose failure a hook reported in this program run (so the program does not warn twice). */
const reportedFailures = new Set<string>();

/** The job's fields from its args, or the problems (named `args.<field>`). */
function specFromArgs(args: SparkJobArgs, baseDir: string): JobSpec {
    const given = Object.keys(args).filter((k) => k !== "platform" && (args as unknown as Record<string, unknown>)[k] !== undefined);
    const extra = ["applicationName", "inputs", "rerunHint", "labels"];
    const r = new Reader(argsSource(args), pulumi.getStack(), argsNaming());
    const spec = readJobSpec(
        r,
        given.filter((k) => !extra.includes(k)),
        baseDir,
    );
    if (r.problems.length) throw new ConfigError(r.problems, "SparkJob args");
    return spec;
}

/** `${bucket}`, `${dataPrefix}` and `${stack}` in an argument. */
function substitute(v: string, h: PlatformHandle): string {
    return expandStack(v.split("${bucket}").join(h.bucket).split("${dataPrefix}").join(h.dataPrefix), pulumi.getStack());
}

/**
 * A Spark job on a SparkPlatform: a SparkApplication (one run per change of code, conf or
 * inputs, optionally waited for), or with a schedule a ScheduledSparkApplication that the
 * operator runs on it. Its code comes from a folder of the project (a ConfigMap), the image, or
 * a URI; its sparkConf is the platform's S3A profile for the committer the job picks.
 *
 * A FAILED run fails the `pulumi up` that ran it, once: an after-create/after-update resource
 * hook (Pulumi CLI >= 3.238 fails the deployment when an after hook fails, and still records the
 * resource) raises the operator's message. Later previews and `up`s with unchanged inputs do not
 * run the job again; they report the failed run as a warning, with how to run it again. A run
 * still going when the timeout hits leaves the SparkApplication in the state with an
 * initialization error: the next `up` waits for it again.
 */
export class SparkJob extends pulumi.ComponentResource {
    /** The SparkApplication's (or ScheduledSparkApplication's) name. */
    readonly applicationName: pulumi.Output<string>;
    /** SparkApplication or ScheduledSparkApplication. */
    readonly kind: pulumi.Output<string>;
    readonly namespace: pulumi.Output<string>;
    /** The operator's state: COMPLETED or FAILED once waited for, NEW when not; a schedule's state (Scheduled). */
    readonly state: pulumi.Output<string>;
    /** How to watch the job. */
    readonly statusCommand: pulumi.Output<string>;
    /** How to read its driver's log (a schedule's last run). */
    readonly logsCommand: pulumi.Output<string>;
    /** The ConfigMap of the job's code folder, when it has one. */
    readonly codeConfigMap?: pulumi.Output<string>;

    constructor(name: string, args: SparkJobArgs, opts: SparkJobOptions = {}) {
        // dependsOn is what the run waits for: it goes to the SparkApplication, not to this component
        // (whose children, the code ConfigMap among them, wait for its registration).
        const { spec, baseDir, codeMountPath, codeAliases, dependsOn, ...componentOpts } = opts;
        super("spark-s3:index:SparkJob", name, {}, componentOpts);
        const job = spec ?? specFromArgs(args, baseDir ?? process.cwd());
        const stack = pulumi.getStack();
        const scheduled = job.schedule !== undefined;
        const appName = args.applicationName ?? (scheduled ? scheduledNameFor(name, stack) : appNameFor(name, stack));
        const handle = pulumi.output(args.platform);
        const mount = codeMountPath ?? codeMount(name);
        const labels = { "app.kubernetes.io/part-of": "spark-s3", "app.kubernetes.io/name": appName, ...args.labels };
        const rerunHint = args.rerunHint ?? `pulumi config set --path 'spark-s3:jobs.${name}.run' <a new value> && pulumi up`;

        // The code folder as a ConfigMap; a change of its files gives it a new name, so the job runs again.
        const bundle = job.codeDir ? codeBundle(job.codeDir, job.codeFiles) : undefined;
        const code = bundle
            ? new k8s.core.v1.ConfigMap(
                  `${name}-code`,
                  {
                      metadata: { namespace: handle.namespace, labels },
                      data: bundle.data,
                      ...(Object.keys(bundle.binaryData).length ? { binaryData: bundle.binaryData } : {}),
                  },
                  { parent: this, aliases: codeAliases },
              )
            : undefined;
        // A flat folder needs no key-to-path map (the keys are the file names).
        const items = bundle && bundle.items.some((i) => i.key !== i.path) ? bundle.items : undefined;
        const usesCodeOnExecutors = [...job.jars, ...job.pyFiles, ...job.files].some((ref) => schemeOf(ref) === "");

        let timeoutMinutes = 0;
        const manifest = pulumi.all([handle, code?.metadata.name, args.inputs]).apply(([h, codeName, inputs]) => {
            const runtime = runtimeOf(h);
            const r = new Reader(() => undefined, stack, argsNaming());
            jobPlatformProblems(r, job, {
                runtime,
                committer: h.committer as NonNullable<JobSpec["committer"]>,
                conflictMode: h.conflictMode as NonNullable<JobSpec["conflictMode"]>,
                platformConf: h.sparkConf,
                stagingMountPath: h.stagingMountPath,
                s3Region: h.endpoint.region,
                operatorReadsS3a: h.operatorReadsS3a,
            });
            if (r.problems.length) throw new ConfigError(r.problems, `SparkJob ${name}`);
            const d = h.jobDefaults;
            const image = job.image || h.image;
            const resolve = (refs: readonly string[]) => refs.map((ref) => resolveRef(ref, mount));
            const trust = workloadPodAdditions(h, image);
            const files = codeName !== undefined ? jobFilesAdditions(codeName, mount, items) : undefined;
            timeoutMinutes = job.timeoutMinutes ?? d.jobTimeoutMinutes;
            const app: SparkAppArgs = {
                appName,
                namespace: h.namespace,
                serviceAccount: h.serviceAccount,
                runtime,
                image,
                type: job.type,
                mainApplicationFile: resolveRef(job.mainFile, mount),
                mainClass: job.mainClass || undefined,
                arguments: job.arguments.map((a) => substitute(a, h)),
                sparkConf: workloadSparkConf(
                    h,
                    {
                        committer: job.committer,
                        conflictMode: job.conflictMode,
                        conf: job.sparkConf,
                        deps: { jars: resolve(job.jars), pyFiles: resolve(job.pyFiles), files: resolve(job.files), packages: job.packages },
                    },
                    runtime,
                ),
                driver: { cores: job.driverCores ?? d.driverCores, memory: job.driverMemory ?? d.driverMemory },
                executor: {
                    instances: job.executorInstances ?? d.executorInstances,
                    cores: job.executorCores ?? d.executorCores,
                    memory: job.executorMemory ?? d.executorMemory,
                },
                driverPod: files ? mergePodAdditions(files, trust) : trust,
                executorPod: files && usesCodeOnExecutors ? mergePodAdditions(files, trust) : trust,
                inputs,
                run: job.run ?? (d.jobRun || undefined),
                waitForCompletion: job.waitForCompletion ?? d.waitForCompletion,
                timeoutMinutes,
                rerunHint,
                labels: args.labels,
            };
            return job.schedule ? scheduledSparkApplicationManifest(app, job.schedule) : sparkApplicationManifest(app);
        });

        // What the job waits for besides the platform (its inputs carry that): e.g. the data it reads.
        const after = { parent: this, dependsOn };
        const metadata = manifest.apply((m) => m.metadata);
        const specOut = manifest.apply((m) => m.spec as Record<string, unknown>);
        let resource: k8s.apiextensions.CustomResource;
        if (job.schedule) {
            resource = new k8s.apiextensions.CustomResource(
                `${name}-schedule`,
                {
                    apiVersion: "sparkoperator.k8s.io/v1beta2",
                    kind: "ScheduledSparkApplication",
                    metadata,
                    spec: specOut,
                    status: undefined,
                },
                // The template changes in place: the operator uses it from the next run on.
                after,
            );
        } else {
            // Runs in this program when the engine has created (or updated) the SparkApplication.
            const verdict = new pulumi.ResourceHook(`${name}-verdict`, (a) => {
                const status = a.newOutputs?.status as SparkAppStatus | undefined;
                if (!isNewFailure(status, a.oldOutputs?.status as SparkAppStatus | undefined)) return;
                reportedFailures.add(a.urn);
                const namespace = String((a.newOutputs?.metadata as { namespace?: string } | undefined)?.namespace ?? "");
                throw new Error(failureReport({ name: appName, namespace }, status, rerunHint));
            });
            // Runs when the wait fails (the timeout): say what happens next; never retries.
            const timedOut = new pulumi.ErrorHook(`${name}-timeout`, (a) => {
                if (a.errors.some((e) => /timed out/i.test(e))) {
                    const namespace = String((a.newInputs?.metadata as { namespace?: string } | undefined)?.namespace ?? "");
                    pulumi.log.warn(timeoutReport({ name: appName, namespace }, timeoutMinutes));
                }
                return false;
            });
            resource = new k8s.apiextensions.CustomResource(
                `${name}-app`,
                // `status: undefined` makes the operator's status an output of the resource.
                { apiVersion: "sparkoperator.k8s.io/v1beta2", kind: "SparkApplication", metadata, spec: specOut, status: undefined },
                {
                    ...after,
                    // A changed spec (code, conf, inputs, run) runs the job again from scratch under the same name.
                    replaceOnChanges: ["spec"],
                    deleteBeforeReplace: true,
                    hooks: { afterCreate: [verdict], afterUpdate: [verdict], onError: [timedOut] },
                },
            );
        }
        const status = (resource as unknown as { status: pulumi.Output<unknown> }).status;
        this.codeConfigMap = code?.metadata.name;
        this.applicationName = pulumi.output(appName);
        this.kind = pulumi.output(job.schedule ? "ScheduledSparkApplication" : "SparkApplication");
        this.namespace = handle.namespace;
        this.state = pulumi.all([status, resource.urn, this.namespace, manifest]).apply(([s, urn, namespace, m]) => {
            if (job.schedule) {
                const st = s as ScheduledAppStatus | undefined;
                return st?.scheduleState || (job.schedule.suspend ? "Suspended" : "NEW");
            }
            const st = s as SparkAppStatus | undefined;
            const state = stateOf(st);
            const waited = "pulumi.com/waitFor" in (m.metadata.annotations as Record<string, string>);
            if (waited && state === "FAILED" && !reportedFailures.has(urn)) {
                pulumi.log.warn(
                    `the last run ${failureReport({ name: appName, namespace }, st, rerunHint).replace(/^SparkApplication /, "of ")}`,
                    resource,
                );
            }
            return state;
        });
        const commands = this.namespace.apply((ns) => jobCommands(ns, appName, job.schedule !== undefined));
        this.statusCommand = commands.status;
        this.logsCommand = commands.logs;
        this.registerOutputs({
            applicationName: this.applicationName,
            kind: this.kind,
            namespace: this.namespace,
            state: this.state,
            statusCommand: this.statusCommand,
            logsCommand: this.logsCommand,
        });
    }
}
