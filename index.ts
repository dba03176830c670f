/**
 * Spark on Kubernetes with fast S3 access. Composition only: read the stack config, build the
 * components, export what a user needs. See README.md and Pulumi.yaml for the configuration.
 */
import * as pulumi from "@pulumi/pulumi";
import { sparkRuntime } from "./policy/s3a/versions";
import { loadStackConfig } from "./components/config";
import { DogLover } from "./components/doglover";
import { mirrored } from "./components/images";
import { storageClassProblem } from "./components/cluster-check";
import { EfsStaging, EksAddons, eksClusterFacts } from "./components/efs-staging";
import { createObjectStore } from "./components/object-store";
import { s3aAuthOf } from "./components/object-store/types";
import { SparkOperator } from "./components/operator";
import { S3Credentials } from "./components/s3-credentials";
import { HistoryServer, driverPodMonitor, eventLogDir, observabilityConf } from "./components/history-server";
import { S3Trust, sparkTrustAdditions, trustJavaOptions } from "./components/s3-trust";
import { S3A_BUFFER_PATH, S3A_BUFFER_VOLUME, sparkConfFor } from "./components/s3a-profile";
import { appNameFor } from "./components/spark-job";
import { StagingVolume } from "./components/staging-volume";

const cfg = loadStackConfig();
const runtime = sparkRuntime(cfg.spark.version);
// An explicit sparkImage is used as given (it names its registry); the matrix's stock image goes through the mirror.
const sparkImage = cfg.spark.image || mirrored(runtime.image, cfg.imageRegistry);

// The EKS cluster, read where Spark's identity, the EFS staging or add-ons need it.
const eks =
    cfg.objectStore === "aws" &&
    cfg.aws.eksClusterName &&
    (cfg.aws.auth !== "accessKey" || cfg.aws.efs === "create" || cfg.aws.eksAddons.length)
        ? eksClusterFacts(cfg.aws.eksClusterName)
        : undefined;
const awsTags = { "spark-s3:stack": cfg.stack };
const addons =
    eks && cfg.aws.eksAddons.length
        ? new EksAddons("eks", { clusterName: cfg.aws.eksClusterName, addons: cfg.aws.eksAddons, tags: awsTags })
        : undefined;

const store = createObjectStore(cfg, eks);

const operator = new SparkOperator("spark", {
    install: cfg.operator.install,
    operatorNamespace: cfg.operator.namespace,
    jobNamespace: cfg.jobNamespace,
    serviceAccountName: cfg.serviceAccount,
    serviceAccountAnnotations: store.serviceAccountAnnotations,
    chart: cfg.operator.chart,
    imageRegistry: cfg.imageRegistry,
    podMonitor: cfg.observability.prometheusOperator,
});

// The key pair in a Kubernetes Secret, where the store gives one (not with an EKS pod identity).
const keys = store.keys;
const credentials = keys
    ? new S3Credentials(
          "s3-credentials",
          {
              namespace: operator.jobNamespace,
              secretName: "spark-s3-credentials",
              accessKeyId: keys.accessKeyId,
              secretAccessKey: keys.secretAccessKey,
          },
          { dependsOn: operator.ready },
      )
    : undefined;

// A private CA on the S3 endpoint (s3CaBundle): trusted by Spark and by the sample-data upload.
const trust = cfg.s3CaBundle
    ? new S3Trust("s3-trust", { namespace: operator.jobNamespace, caBundle: cfg.s3CaBundle }, { dependsOn: operator.ready })
    : undefined;

// Staging on an EFS the stack creates, or on a storage class that must already exist (checked at preview).
const efs =
    eks && cfg.aws.efs === "create"
        ? new EfsStaging(
              "efs",
              {
                  stack: cfg.stack,
                  cluster: eks,
                  subnetIds: cfg.aws.efsSubnetIds,
                  nodeSecurityGroupIds: cfg.aws.efsNodeSecurityGroupIds,
                  retainOnDelete: cfg.aws.protect,
                  tags: awsTags,
              },
              { dependsOn: addons ? addons.ready : [] },
          )
        : undefined;
const stagingClass = efs ? efs.storageClassName : cfg.staging.storageClass;
const classChecked =
    !efs && !cfg.staging.hostPath && cfg.stagingStorageClassCheck
        ? pulumi.output(storageClassProblem(stagingClass, (m) => pulumi.log.warn(m))).apply((problem) => {
              if (problem) throw new pulumi.RunError(problem);
              return stagingClass;
          })
        : undefined;

const staging = new StagingVolume(
    "staging",
    {
        namespace: operator.jobNamespace,
        claimName: "spark-staging",
        storageClass: stagingClass,
        storageClassReady: efs ? pulumi.output(efs.ready.map((r) => r.urn)) : classChecked,
        size: cfg.staging.size,
        hostPath: cfg.staging.hostPath || undefined,
        stackName: cfg.stack,
        initImage: sparkImage,
        mountPath: cfg.staging.mountPath,
        initDeadlineSeconds: cfg.setupJobDeadlineSeconds,
    },
    { dependsOn: operator.ready },
);

// Every job writes its event log to the stack's own prefix and serves Prometheus metrics.
const eventsDir = store.bucket.apply((b) => eventLogDir(b, cfg.dataPrefix));
const sparkConf = pulumi.all([store.endpoint, staging.claimName, eventsDir]).apply(([endpoint, claimName, events]) =>
    sparkConfFor({
        endpoint,
        committer: cfg.spark.committer,
        conflictMode: cfg.spark.conflictMode,
        sparkVersion: cfg.spark.version,
        staging: { volumeName: "staging", claimName, mountPath: cfg.staging.mountPath },
        buffer: { volumeName: S3A_BUFFER_VOLUME, mountPath: S3A_BUFFER_PATH, sizeLimit: cfg.staging.bufferSize },
        credentials: credentials?.ref,
        auth: s3aAuthOf(store),
        packages: cfg.spark.image === "",
        overrides: { ...observabilityConf(events), ...cfg.spark.confOverrides },
        javaOptions: trust ? trustJavaOptions() : undefined,
    }),
);

const appName = appNameFor("doglover", cfg.stack);
const doglover = new DogLover(
    "doglover",
    {
        namespace: operator.jobNamespace,
        serviceAccount: operator.serviceAccountName,
        bucket: store.bucket,
        dataPrefix: cfg.dataPrefix,
        endpoint: store.endpoint,
        credentialsSecret: credentials?.ref.secretName,
        runtime,
        image: sparkImage,
        uploader:
            cfg.objectStore === "aws"
                ? { kind: "awscli", image: mirrored(cfg.aws.cliImage, cfg.imageRegistry), region: cfg.aws.region }
                : { kind: "mc", image: mirrored(cfg.minio.mcImage, cfg.imageRegistry) },
        sampleRecords: cfg.doglover.sampleRecords,
        storeInstance: store.instance,
        trustConfigMap: trust?.configMapName,
        seedDeadlineSeconds: cfg.setupJobDeadlineSeconds,
        sparkConf,
        appName,
        driver: { cores: cfg.spark.driverCores, memory: cfg.spark.driverMemory },
        executor: {
            instances: cfg.spark.executorInstances,
            cores: cfg.spark.executorCores,
            memory: cfg.spark.executorMemory,
        },
        waitForCompletion: cfg.spark.waitForCompletion,
        timeoutMinutes: cfg.spark.jobTimeoutMinutes,
        run: cfg.spark.run,
        rerunHint: `pulumi config set spark-s3:jobRun <a new value> && pulumi up   (or: pulumi up --replace <the SparkApplication's URN>)`,
    },
    { dependsOn: [...store.ready, ...(credentials ? [credentials] : []), ...staging.ready, ...operator.ready, ...(trust ? [trust] : [])] },
);

// The History Server on the event logs, with its own (narrower) identity on the store.
const reader = cfg.observability.historyServer ? store.eventLogReader : undefined;
const readerCredentials = reader?.keys
    ? new S3Credentials(
          "history-s3-credentials",
          {
              namespace: operator.jobNamespace,
              secretName: "spark-history-s3-credentials",
              accessKeyId: reader.keys.accessKeyId,
              secretAccessKey: reader.keys.secretAccessKey,
          },
          { dependsOn: operator.ready },
      )
    : undefined;
const history = reader
    ? new HistoryServer(
          "history",
          {
              namespace: operator.jobNamespace,
              image: sparkImage,
              jobConf: sparkConf,
              eventLogDir: eventsDir,
              retentionDays: cfg.observability.eventLogRetentionDays,
              access: {
                  credentialsSecret: readerCredentials?.ref.secretName,
                  serviceAccountAnnotations: reader.serviceAccountAnnotations,
                  canDelete: reader.canDelete,
              },
              trust: trust ? sparkTrustAdditions(trust.configMapName, sparkImage) : undefined,
              javaOptions: trust ? trustJavaOptions() : undefined,
              resources: { cpu: "100m", memory: cfg.observability.historyServerMemory },
          },
          // The event log directory exists once the seed has run.
          { dependsOn: [doglover.seed, ...reader.ready, ...(readerCredentials ? [readerCredentials] : []), ...operator.ready] },
      )
    : undefined;
if (cfg.observability.prometheusOperator) {
    driverPodMonitor("spark-drivers", operator.jobNamespace, { dependsOn: operator.ready });
}

export const objectStore = store.kind;
export const bucket = store.bucket;
export const s3Endpoint = store.endpoint;
export const s3AccessKeyId = keys?.accessKeyId;
export const s3SecretAccessKey = keys?.secretAccessKey;
/** The IAM role Spark's pods assume (awsAuth podIdentity, irsa). */
export const sparkRoleArn = store.roleArn;
export const stagingStorageClass = stagingClass;
export const jobNamespace = operator.jobNamespace;
export const sparkApplication = doglover.job.appName;
export const jobState = doglover.job.state;
export const input = doglover.paths.input;
export const output = doglover.paths.output;
export const aggregates = doglover.paths.aggregates;
export const rejects = doglover.paths.rejects;
export const statusCommand = pulumi.interpolate`kubectl -n ${operator.jobNamespace} get sparkapplication ${appName} -w`;
export const eventLogDirectory = eventsDir;
export const historyServerUrl = history?.url;
export const historyServerPortForward = history?.portForward;
export const followCommand = pulumi.interpolate`kubectl -n ${operator.jobNamespace} wait --for=create pod/${appName}-driver --timeout=10m && kubectl -n ${operator.jobNamespace} logs -f ${appName}-driver`;
