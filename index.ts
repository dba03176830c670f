/**
 * Spark on Kubernetes with fast S3 access. Composition only: read the stack config, build the
 * components, export what a user needs. See README.md and Pulumi.yaml for the configuration.
 */
import * as pulumi from "@pulumi/pulumi";
import { sparkRuntime } from "./policy/s3a/versions";
import { loadStackConfig } from "./components/config";
import { DogLover } from "./components/doglover";
import { mirrored } from "./components/images";
import { createObjectStore } from "./components/object-store";
import { SparkOperator } from "./components/operator";
import { S3Credentials } from "./components/s3-credentials";
import { S3Trust, trustJavaOptions } from "./components/s3-trust";
import { S3A_BUFFER_PATH, S3A_BUFFER_VOLUME, sparkConfFor } from "./components/s3a-profile";
import { appNameFor } from "./components/spark-job";
import { StagingVolume } from "./components/staging-volume";

const cfg = loadStackConfig();
const runtime = sparkRuntime(cfg.spark.version);
// An explicit sparkImage is used as given (it names its registry); the matrix's stock image goes through the mirror.
const sparkImage = cfg.spark.image || mirrored(runtime.image, cfg.imageRegistry);

const operator = new SparkOperator("spark", {
    install: cfg.operator.install,
    operatorNamespace: cfg.operator.namespace,
    jobNamespace: cfg.jobNamespace,
    serviceAccountName: cfg.serviceAccount,
    chart: cfg.operator.chart,
    imageRegistry: cfg.imageRegistry,
});

const store = createObjectStore(cfg);

const credentials = new S3Credentials(
    "s3-credentials",
    {
        namespace: operator.jobNamespace,
        secretName: "spark-s3-credentials",
        accessKeyId: store.accessKeyId,
        secretAccessKey: store.secretAccessKey,
    },
    { dependsOn: operator.ready },
);

// A private CA on the S3 endpoint (s3CaBundle): trusted by Spark and by the sample-data upload.
const trust = cfg.s3CaBundle
    ? new S3Trust("s3-trust", { namespace: operator.jobNamespace, caBundle: cfg.s3CaBundle }, { dependsOn: operator.ready })
    : undefined;

const staging = new StagingVolume(
    "staging",
    {
        namespace: operator.jobNamespace,
        claimName: "spark-staging",
        storageClass: cfg.staging.storageClass,
        size: cfg.staging.size,
        hostPath: cfg.staging.hostPath || undefined,
        stackName: cfg.stack,
        initImage: sparkImage,
        mountPath: cfg.staging.mountPath,
        initDeadlineSeconds: cfg.setupJobDeadlineSeconds,
    },
    { dependsOn: operator.ready },
);

const sparkConf = pulumi.all([store.endpoint, staging.claimName]).apply(([endpoint, claimName]) =>
    sparkConfFor({
        endpoint,
        committer: cfg.spark.committer,
        conflictMode: cfg.spark.conflictMode,
        sparkVersion: cfg.spark.version,
        staging: { volumeName: "staging", claimName, mountPath: cfg.staging.mountPath },
        buffer: { volumeName: S3A_BUFFER_VOLUME, mountPath: S3A_BUFFER_PATH, sizeLimit: cfg.staging.bufferSize },
        credentials: credentials.ref,
        packages: cfg.spark.image === "",
        overrides: cfg.spark.confOverrides,
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
        credentialsSecret: credentials.ref.secretName,
        runtime,
        image: sparkImage,
        mcImage: mirrored(cfg.minio.mcImage, cfg.imageRegistry),
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
    { dependsOn: [...store.ready, credentials, ...staging.ready, ...operator.ready, ...(trust ? [trust] : [])] },
);

export const objectStore = store.kind;
export const bucket = store.bucket;
export const s3Endpoint = store.endpoint;
export const s3AccessKeyId = store.accessKeyId;
export const s3SecretAccessKey = store.secretAccessKey;
export const jobNamespace = operator.jobNamespace;
export const sparkApplication = doglover.job.appName;
export const jobState = doglover.job.state;
export const input = doglover.paths.input;
export const output = doglover.paths.output;
export const aggregates = doglover.paths.aggregates;
export const rejects = doglover.paths.rejects;
export const statusCommand = pulumi.interpolate`kubectl -n ${operator.jobNamespace} get sparkapplication ${appName} -w`;
export const followCommand = pulumi.interpolate`kubectl -n ${operator.jobNamespace} wait --for=create pod/${appName}-driver --timeout=10m && kubectl -n ${operator.jobNamespace} logs -f ${appName}-driver`;
