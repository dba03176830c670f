/**
 * The platform's handle: everything a workload (a SparkJob, a Spark Connect server, a notebook
 * gateway) needs to run Spark on the platform, as plain data (so it crosses the component
 * package's boundary to Pulumi YAML and Python unchanged), plus the pure functions that turn it
 * into a workload's sparkConf and pod additions.
 *
 * Readiness travels with the data: SparkPlatform.handle is an Output that depends on every
 * resource a workload must wait for (the operator and its RBAC, the bucket and Spark's identity,
 * the credentials Secret, the CA trust, the staging claim and its init Job, the event-log
 * directory), so a resource whose inputs come from the handle waits for them. `ready` lists
 * their URNs for workloads that want to say so explicitly.
 */
import { sparkRuntime, type SparkRuntime } from "../../policy/s3a/versions";
import type { ConflictMode, S3ACommitter } from "../../policy/s3a/facts";
import { observabilityConf } from "../observability";
import {
    S3A_BUFFER_PATH,
    S3A_BUFFER_VOLUME,
    sparkConfFor,
    type CredentialsRef,
    type EndpointFacts,
    type JobDeps,
    type S3AAuth,
} from "../s3a-profile";
import { sparkTrustAdditions, trustJavaOptions } from "../s3-trust";
import type { PodAdditions } from "../spark-job";

/** The S3 client image helper Jobs use on this platform's store. */
export interface PlatformS3Client {
    /** mc (MinIO, FlashBlade) or awscli (AWS). */
    readonly kind: string;
    readonly image: string;
    /** awscli: the region. */
    readonly region?: string;
}

/** The job shape every workload takes unless it sets its own. */
export interface PlatformJobDefaults {
    readonly driverCores: number;
    readonly driverMemory: string;
    readonly executorInstances: number;
    readonly executorCores: number;
    readonly executorMemory: string;
    readonly waitForCompletion: boolean;
    readonly jobTimeoutMinutes: number;
    readonly jobRun: string;
}

/** A Spark platform as its workloads see it. */
export interface PlatformHandle {
    /** Namespace of SparkApplications, drivers, executors (and any workload's pods). */
    readonly namespace: string;
    /** Service account of drivers and executors: its RBAC, and on EKS its IAM role. */
    readonly serviceAccount: string;
    /** Image of drivers and executors. */
    readonly image: string;
    /** Spark release: a row of the version matrix. */
    readonly sparkVersion: string;
    /** A stock image: the committer jars come through spark.jars.packages. */
    readonly packages: boolean;
    readonly bucket: string;
    /** Key prefix of the platform's data; Spark's identity reaches only this prefix of the bucket. */
    readonly dataPrefix: string;
    /** The S3 endpoint as Spark reaches it. */
    readonly endpoint: EndpointFacts;
    /** How Spark authenticates to the store: keys (a Kubernetes Secret), podIdentity or irsa. */
    readonly auth: string;
    /** The Secret with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (auth keys). */
    readonly credentialsSecret?: string;
    /** The ConfigMap with the S3 endpoint's CA bundle (key ca.crt), when the platform has one. */
    readonly trustConfigMap?: string;
    /** The ReadWriteMany claim of the staging committers' shared directory. */
    readonly stagingClaim: string;
    readonly stagingMountPath: string;
    /** sizeLimit of the pod-local emptyDir of S3A's upload buffers. */
    readonly bufferSizeLimit: string;
    /** s3a:// directory of the event logs (it exists: the platform created it). */
    readonly eventLogDir: string;
    /** The platform's default committer and conflict mode. */
    readonly committer: string;
    readonly conflictMode: string;
    /** The platform's additions to every workload's sparkConf (already checked). */
    readonly sparkConf: { readonly [key: string]: string };
    /** The operator's spark-submit reads s3a:// (a custom operator image). */
    readonly operatorReadsS3a: boolean;
    readonly jobDefaults: PlatformJobDefaults;
    readonly client: PlatformS3Client;
    /** Changes when the bucket is created again: what fills it should run again. */
    readonly storeInstance?: string;
    /** Deadline of helper Jobs, in seconds. */
    readonly helperJobDeadlineSeconds: number;
    /** URNs of the resources a workload waits for. */
    readonly ready: string[];
}

/** What a workload chooses for itself on the platform. */
export interface WorkloadConf {
    /** Default: the platform's. */
    readonly committer?: S3ACommitter;
    readonly conflictMode?: ConflictMode;
    /** The workload's own sparkConf, applied after the platform's (check it with overrideProblems). */
    readonly conf?: Readonly<Record<string, string>>;
    readonly deps?: JobDeps;
}

/** The handle's Spark version as its matrix row. */
export function runtimeOf(h: PlatformHandle): SparkRuntime {
    return sparkRuntime(h.sparkVersion);
}

/** The key pair's Secret as Spark's conf references it, or undefined with a pod identity. */
export function credentialsRefOf(h: PlatformHandle): CredentialsRef | undefined {
    return h.credentialsSecret
        ? { secretName: h.credentialsSecret, accessKeyIdKey: "AWS_ACCESS_KEY_ID", secretAccessKeyKey: "AWS_SECRET_ACCESS_KEY" }
        : undefined;
}

/** Volume names of the staging claim and the buffer emptyDir in Spark's conf. */
export const STAGING_VOLUME = "staging";

/**
 * A workload's complete sparkConf: the S3A profile for its committer on the platform's store,
 * staging claim and buffer volume, credentials from the Secret, event log and metrics, the
 * platform's additions, then the workload's.
 */
export function workloadSparkConf(h: PlatformHandle, w: WorkloadConf = {}, runtime: SparkRuntime = runtimeOf(h)): Record<string, string> {
    return sparkConfFor({
        endpoint: h.endpoint,
        committer: w.committer ?? (h.committer as S3ACommitter),
        conflictMode: w.conflictMode ?? (h.conflictMode as ConflictMode),
        runtime,
        staging: { volumeName: STAGING_VOLUME, claimName: h.stagingClaim, mountPath: h.stagingMountPath },
        buffer: { volumeName: S3A_BUFFER_VOLUME, mountPath: S3A_BUFFER_PATH, sizeLimit: h.bufferSizeLimit },
        credentials: credentialsRefOf(h),
        auth: h.auth as S3AAuth,
        packages: h.packages,
        overrides: { ...observabilityConf(h.eventLogDir), ...h.sparkConf, ...w.conf },
        javaOptions: h.trustConfigMap ? trustJavaOptions() : undefined,
        deps: w.deps,
    });
}

/** What every Spark pod of a workload gets besides Spark's conf: the S3 CA's truststore, if any. */
export function workloadPodAdditions(h: PlatformHandle, image: string = h.image): PodAdditions | undefined {
    return h.trustConfigMap ? sparkTrustAdditions(h.trustConfigMap, image) : undefined;
}
