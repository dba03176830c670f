/**
 * What the SparkConnectServer component (round two of issue 25) takes from the SparkPlatform
 * handle (issue 23). Written down before the platform lands, as the contract between the two:
 * the handle is expected to satisfy this structurally; where a name differs, the component adapts.
 *
 * Nothing here is new to the platform: each field is a value `index.ts` computes today as a local
 * variable for DogLover and the History Server.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { SparkRuntime } from "../../policy/s3a/versions";
import type { PodAdditions } from "../spark-job";

export interface ConnectPlatform {
    /** The job namespace (today operator.jobNamespace): server, executors and Secrets live there. */
    readonly namespace: pulumi.Input<string>;
    /**
     * Spark's service account (today operator.serviceAccountName): its Role already lets a driver
     * create, watch and delete pods, services, configmaps and PVCs (operator.ts SPARK_DRIVER_RULES),
     * which the server needs as the sessions' driver; on EKS it is also the S3 identity, so the
     * executors run as it too.
     */
    readonly serviceAccountName: pulumi.Input<string>;
    /** The Spark row (today sparkRuntime(cfg.spark.version)): the server refuses rows without a token. */
    readonly runtime: SparkRuntime;
    /** The Spark image, already through the registry mirror (today sparkImage). */
    readonly image: string;
    /**
     * The platform's rendered job conf (today `sparkConf`: sparkConfFor with the endpoint, the
     * committer, the staging PVC and buffer emptyDir for driver and executors, the credentials'
     * secretKeyRef, the packages, observabilityConf(eventLogDir) and the stack's confOverrides).
     * The server derives its own pod's volumes and env from the driver keys of this conf.
     * If the platform renders per job (a job may pick its committer), a function
     * `(overrides) => Output<conf>` serves as well: the server takes the platform's default.
     */
    readonly sparkConf: pulumi.Input<Record<string, string>>;
    /**
     * What Spark's conf cannot give a pod (today sparkTrustAdditions(trust.configMapName, image)
     * with s3CaBundle): the server pod gets it directly, executors through a pod template file.
     */
    readonly podAdditions?: PodAdditions;
    /**
     * What must exist before the server starts (today operator.ready, store.ready, the credentials
     * Secret, staging.ready, the trust ConfigMap and the seed that puts the event log directory's
     * marker: a driver fails on a missing event log directory, history-server.ts).
     */
    readonly ready: pulumi.Input<pulumi.Resource>[];
    /** The History Server's URL, where the platform runs one (for the server's outputs). */
    readonly historyServerUrl?: pulumi.Input<string>;
}
