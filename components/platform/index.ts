import * as pulumi from "@pulumi/pulumi";
import { helperJob } from "../batch-job";
import { storageClassProblem } from "../cluster-check";
import { ConfigError, Reader, argsNaming, argsSource, unknownKeys } from "../config/reader";
import { HistoryServer, driverPodMonitor } from "../history-server";
import { eventLogDir, eventLogMarkerKey, HISTORY_SERVICE_ACCOUNT } from "../observability";
import type { PlatformStore } from "../object-store/types";
import { SparkOperator } from "../operator";
import { S3Credentials } from "../s3-credentials";
import { S3Trust, sparkTrustAdditions, trustJavaOptions } from "../s3-trust";
import type { EndpointFacts } from "../s3a-profile";
import { clientUrl, s3ClientContainer } from "../s3-client";
import { StagingVolume } from "../staging-volume";
import type { SparkPlatformArgs } from "./args";
import { workloadSparkConf, type PlatformHandle } from "./handle";
import { platformKeys, readPlatformSettings, type PlatformSettings } from "./settings";

export type { SparkPlatformArgs } from "./args";
export type { PlatformHandle } from "./handle";

/** TypeScript-only options of SparkPlatform (not in the component package's schema). */
export interface SparkPlatformOptions extends pulumi.ComponentResourceOptions {
    /** Settings already read from stack config (the program): the args are then ignored. */
    readonly settings?: PlatformSettings;
    /**
     * Alias the platform's resources to the URNs they had when the program created them at the
     * top level (before SparkPlatform), so an existing stack keeps every resource in place.
     */
    readonly adoptTopLevelResources?: boolean;
}

/** The top-level names the program's resources had before SparkPlatform, by role. */
const TOP_LEVEL_NAMES: Record<string, string> = {
    operator: "spark",
    store: "store",
    efs: "efs",
    eks: "eks",
    credentials: "s3-credentials",
    trust: "s3-trust",
    staging: "staging",
    "history-credentials": "history-s3-credentials",
    history: "history",
    drivers: "spark-drivers",
};

/** The settings from args, or the problems (named `args.<key>`) as the engine reports bad inputs. */
function settingsFromArgs(args: SparkPlatformArgs): PlatformSettings {
    // Keys of other packages (aws:region) come from the calling program's config, as the providers read them.
    const fromArgs = argsSource(args);
    const config = pulumi.runtime.allConfig();
    const r = new Reader((key) => (key.includes(":") ? config[key] : fromArgs(key)), pulumi.getStack(), argsNaming());
    const given = Object.keys(args).filter((k) => (args as unknown as Record<string, unknown>)[k] !== undefined);
    unknownKeys(r, given, platformKeys(), "an input of SparkPlatform", "every input is listed in docs/configuration.md");
    const s = readPlatformSettings(r);
    if (r.problems.length) throw new ConfigError(r.problems, "SparkPlatform args");
    return s;
}

/**
 * A Spark platform on one Kubernetes cluster: the spark-operator (or an existing one), the job
 * namespace with Spark's service account and RBAC, a bucket and Spark's identity on an object
 * store (AWS, FlashBlade, MinIO: object-store/registry.ts), the credentials Secret, the trust of
 * a private CA, the staging claim of the S3A committers, the event-log directory, a History
 * Server and metrics. Workloads take its `handle`: SparkJob, and anything long-running (see
 * platform/handle.ts).
 */
export class SparkPlatform extends pulumi.ComponentResource {
    /** What workloads take: namespace, identity, image, S3A profile inputs, readiness. */
    readonly handle: pulumi.Output<PlatformHandle>;
    /** The object store's kind. */
    readonly objectStore: pulumi.Output<string>;
    readonly bucket: pulumi.Output<string>;
    readonly s3Endpoint: pulumi.Output<EndpointFacts>;
    readonly jobNamespace: pulumi.Output<string>;
    readonly serviceAccountName: pulumi.Output<string>;
    readonly stagingStorageClass: pulumi.Output<string>;
    readonly eventLogDirectory: pulumi.Output<string>;
    /** The key pair's id (an identifier, not a secret), when the store gives Spark a key pair. */
    readonly s3AccessKeyId?: pulumi.Output<string>;
    /** The key pair's secret (a Pulumi secret). */
    readonly s3SecretAccessKey?: pulumi.Output<string>;
    /** The IAM role Spark's pods assume (AWS podIdentity, irsa). */
    readonly sparkRoleArn?: pulumi.Output<string>;
    readonly historyServerUrl?: pulumi.Output<string>;
    readonly historyServerPortForward?: pulumi.Output<string>;

    constructor(name: string, args: SparkPlatformArgs, opts: SparkPlatformOptions = {}) {
        const { settings, adoptTopLevelResources, ...componentOpts } = opts;
        super("spark-s3:index:SparkPlatform", name, {}, componentOpts);
        const s = settings ?? settingsFromArgs(args ?? {});
        const child = (role: string): { name: string; opts: pulumi.ComponentResourceOptions } => ({
            name: `${name}-${role}`,
            opts: {
                parent: this,
                aliases:
                    adoptTopLevelResources && TOP_LEVEL_NAMES[role]
                        ? [{ name: TOP_LEVEL_NAMES[role], parent: pulumi.rootStackResource }]
                        : [],
            },
        });
        const image = s.spark.image;

        const store: PlatformStore = s.storeModule.create(s.storeConfig, {
            stack: s.stack,
            settings: s.store,
            jobNamespace: s.operator.jobNamespace,
            serviceAccount: s.operator.serviceAccount,
            imageRegistry: s.imageRegistry,
            setupDeadlineSeconds: s.setupJobDeadlineSeconds,
            eventLogReader: s.observability.historyServer,
            child,
        });

        const op = child("operator");
        const operator = new SparkOperator(
            op.name,
            {
                install: s.operator.install,
                operatorNamespace: s.operator.namespace,
                jobNamespace: s.operator.jobNamespace,
                serviceAccountName: s.operator.serviceAccount,
                serviceAccountAnnotations: store.serviceAccountAnnotations,
                chart: s.operator.chart,
                imageRegistry: s.imageRegistry,
                podMonitor: s.observability.prometheusOperator,
            },
            op.opts,
        );
        const inJobNamespace = (role: string) => ({ ...child(role).opts, dependsOn: operator.ready });

        // The key pair in a Kubernetes Secret, where the store gives one (not with an EKS pod identity).
        const keys = store.keys;
        const credentials = keys
            ? new S3Credentials(
                  child("credentials").name,
                  {
                      namespace: operator.jobNamespace,
                      secretName: "spark-s3-credentials",
                      accessKeyId: keys.accessKeyId,
                      secretAccessKey: keys.secretAccessKey,
                  },
                  inJobNamespace("credentials"),
              )
            : undefined;
        // A private CA on the S3 endpoint (s3CaBundle): trusted by Spark and by the helper Jobs' clients.
        const trust = s.store.caBundle
            ? new S3Trust(child("trust").name, { namespace: operator.jobNamespace, caBundle: s.store.caBundle }, inJobNamespace("trust"))
            : undefined;

        // Staging on a storage class the store created (EFS), or one that must exist (checked at preview).
        const stagingClass = store.staging?.storageClassName ?? s.staging.storageClass;
        const classChecked =
            !store.staging && !s.staging.hostPath && s.staging.storageClassCheck
                ? pulumi.output(storageClassProblem(stagingClass, (m) => pulumi.log.warn(m))).apply((problem) => {
                      if (problem) throw new pulumi.RunError(problem);
                      return stagingClass;
                  })
                : undefined;
        const st = child("staging");
        const staging = new StagingVolume(
            st.name,
            {
                namespace: operator.jobNamespace,
                claimName: "spark-staging",
                storageClass: stagingClass,
                storageClassReady: store.staging ? pulumi.output(store.staging.ready.map((r) => r.urn)) : classChecked,
                size: s.staging.size,
                hostPath: s.staging.hostPath || undefined,
                stackName: s.stack,
                initImage: image,
                mountPath: s.staging.mountPath,
                initDeadlineSeconds: s.setupJobDeadlineSeconds,
            },
            { ...st.opts, dependsOn: operator.ready },
        );

        // The event-log directory: Spark's drivers and the History Server fail on a missing one
        // (observability.ts), and S3 has no directories, so a marker object stands for it.
        const eventsDir = store.bucket.apply((b) => eventLogDir(b, s.store.dataPrefix));
        const events = s3ClientContainer(store.client, {
            name: "event-log-dir",
            url: store.endpoint.apply(clientUrl),
            env: [{ name: "EVENTS_KEY", value: pulumi.interpolate`${store.bucket}/${eventLogMarkerKey(s.store.dataPrefix)}` }],
            script: {
                // mc mb of a path under an existing bucket puts the directory marker (an empty "<key>/" object).
                mc: 'mc mb --ignore-existing "s3/$EVENTS_KEY"',
                awscli: 'aws s3api put-object --bucket "${EVENTS_KEY%%/*}" --key "${EVENTS_KEY#*/}" >/dev/null',
            },
            credentialsSecret: credentials?.ref.secretName,
            trustConfigMap: trust?.configMapName,
        });
        const eventLogJob = helperJob(
            `${name}-event-log-dir`,
            {
                namespace: operator.jobNamespace,
                labels: { "app.kubernetes.io/part-of": "spark-s3", "app.kubernetes.io/component": "event-log-dir" },
                podSpec: { serviceAccountName: operator.serviceAccountName, containers: [events.container], volumes: events.volumes },
                deadlineSeconds: s.setupJobDeadlineSeconds,
            },
            {
                parent: this,
                dependsOn: [...store.ready, ...operator.ready, ...(credentials ? [credentials.secret] : []), ...(trust ? [trust] : [])],
            },
        );

        const ready: pulumi.Resource[] = [
            ...operator.ready,
            ...store.ready,
            ...(credentials ? [credentials.secret] : []),
            ...(trust ? [trust] : []),
            ...staging.ready,
            eventLogJob,
        ];
        this.handle = pulumi
            .output({
                namespace: operator.jobNamespace,
                serviceAccount: operator.serviceAccountName,
                bucket: store.bucket,
                endpoint: store.endpoint,
                credentialsSecret: credentials?.ref.secretName,
                trustConfigMap: trust?.configMapName,
                stagingClaim: staging.claimName,
                eventLogDir: eventsDir,
                storeInstance: store.instance,
                ready: pulumi.all(ready.map((r) => r.urn)),
            })
            .apply((o): PlatformHandle => ({
                // Plain data without undefined members: it crosses the component package's boundary unchanged.
                ...(Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as typeof o),
                ready: [...o.ready],
                image,
                sparkVersion: s.spark.runtime.spark,
                packages: s.spark.packages,
                dataPrefix: s.store.dataPrefix,
                auth: store.auth,
                stagingMountPath: s.staging.mountPath,
                bufferSizeLimit: s.staging.bufferSize,
                committer: s.spark.committer,
                conflictMode: s.spark.conflictMode,
                sparkConf: s.spark.conf,
                operatorReadsS3a: s.spark.operatorReadsS3a,
                jobDefaults: s.jobDefaults,
                client: store.client,
                helperJobDeadlineSeconds: s.setupJobDeadlineSeconds,
            }));

        // The History Server on the event logs, with its own (narrower) identity on the store.
        const reader = s.observability.historyServer ? store.eventLogReader : undefined;
        const readerKeys = reader?.keys;
        const readerCredentials = readerKeys
            ? new S3Credentials(
                  child("history-credentials").name,
                  {
                      namespace: operator.jobNamespace,
                      secretName: "spark-history-s3-credentials",
                      accessKeyId: readerKeys.accessKeyId,
                      secretAccessKey: readerKeys.secretAccessKey,
                  },
                  inJobNamespace("history-credentials"),
              )
            : undefined;
        const hs = child("history");
        const history = reader
            ? new HistoryServer(
                  hs.name,
                  {
                      namespace: operator.jobNamespace,
                      image,
                      jobConf: this.handle.apply((h) => workloadSparkConf(h, {}, s.spark.runtime)),
                      eventLogDir: eventsDir,
                      retentionDays: s.observability.eventLogRetentionDays,
                      access: {
                          credentialsSecret: readerCredentials?.ref.secretName,
                          serviceAccountAnnotations: reader.serviceAccountAnnotations,
                          canDelete: reader.canDelete,
                      },
                      trust: trust ? sparkTrustAdditions(trust.configMapName, image) : undefined,
                      javaOptions: trust ? trustJavaOptions() : undefined,
                      resources: { cpu: "100m", memory: s.observability.historyServerMemory },
                  },
                  // The event-log directory exists once its Job has run.
                  {
                      ...hs.opts,
                      dependsOn: [eventLogJob, ...reader.ready, ...(readerCredentials ? [readerCredentials] : []), ...operator.ready],
                  },
              )
            : undefined;
        if (s.observability.prometheusOperator) {
            const d = child("drivers");
            driverPodMonitor(d.name, operator.jobNamespace, { ...d.opts, dependsOn: operator.ready });
        }

        this.objectStore = pulumi.output(store.kind);
        this.bucket = store.bucket;
        this.s3Endpoint = store.endpoint;
        this.jobNamespace = operator.jobNamespace;
        this.serviceAccountName = operator.serviceAccountName;
        this.stagingStorageClass = pulumi.output(stagingClass);
        this.eventLogDirectory = eventsDir;
        this.s3AccessKeyId = keys?.accessKeyId;
        this.s3SecretAccessKey = keys?.secretAccessKey;
        this.sparkRoleArn = store.roleArn;
        this.historyServerUrl = history?.url;
        this.historyServerPortForward = history?.portForward;
        this.registerOutputs({
            handle: this.handle,
            objectStore: this.objectStore,
            bucket: this.bucket,
            s3Endpoint: this.s3Endpoint,
            jobNamespace: this.jobNamespace,
            serviceAccountName: this.serviceAccountName,
            stagingStorageClass: this.stagingStorageClass,
            eventLogDirectory: this.eventLogDirectory,
            s3AccessKeyId: this.s3AccessKeyId,
            s3SecretAccessKey: this.s3SecretAccessKey,
            sparkRoleArn: this.sparkRoleArn,
            historyServerUrl: this.historyServerUrl,
            historyServerPortForward: this.historyServerPortForward,
        });
    }
}

export { HISTORY_SERVICE_ACCOUNT };
