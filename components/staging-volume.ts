import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface StagingVolumeArgs {
    namespace: pulumi.Input<string>;
    /** Claim name; also the volume name in Spark's conf. */
    claimName: string;
    /** ReadWriteMany storage class: efs-sc (EKS), px-fb-direct-access-nfsv4 (FlashBlade via Portworx), pure-file (PSO). */
    storageClass: string;
    size: string;
    /**
     * Single-node clusters only (kind, minikube): back the claim with a hostPath
     * PersistentVolume at this node path instead of a storage class.
     */
    hostPath?: string;
    /** Unique per stack: the hostPath PersistentVolume is cluster-scoped. */
    stackName: string;
    /** Image with a shell, run once as root to create the directories Spark (uid 185) writes to. */
    initImage: string;
    /** Mount path in the init job; the same path the Spark pods use. */
    mountPath: string;
}

/** Storage class of the hostPath volume; no provisioner serves it, so only our PV matches. */
export const HOSTPATH_CLASS = "spark-s3-staging-hostpath";

/**
 * The ReadWriteMany claim that holds the staging committers' shared directory and the S3A
 * upload buffers, plus a one-off job that creates both directories writable by Spark.
 */
export class StagingVolume extends pulumi.ComponentResource {
    readonly claimName: pulumi.Output<string>;
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: StagingVolumeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark-s3:storage:StagingVolume", name, {}, opts);
        const labels = { "app.kubernetes.io/part-of": "spark-s3", "app.kubernetes.io/component": "staging" };
        let storageClassName = args.storageClass;
        let volumeName: pulumi.Output<string> | undefined;
        if (args.hostPath) {
            storageClassName = HOSTPATH_CLASS;
            const pv = new k8s.core.v1.PersistentVolume(
                `${name}-pv`,
                {
                    metadata: { name: `spark-s3-staging-${args.stackName}`.toLowerCase().slice(0, 63), labels },
                    spec: {
                        accessModes: ["ReadWriteMany"],
                        capacity: { storage: args.size },
                        storageClassName,
                        persistentVolumeReclaimPolicy: "Retain",
                        hostPath: { path: args.hostPath, type: "DirectoryOrCreate" },
                        claimRef: { namespace: args.namespace, name: args.claimName },
                    },
                },
                { parent: this },
            );
            volumeName = pv.metadata.name;
        }
        const pvc = new k8s.core.v1.PersistentVolumeClaim(
            `${name}-pvc`,
            {
                metadata: {
                    name: args.claimName,
                    namespace: args.namespace,
                    labels,
                    // WaitForFirstConsumer classes bind only when a pod mounts the claim; the
                    // init job below is that pod, and Pulumi waits for it to complete.
                    annotations: { "pulumi.com/skipAwait": "true" },
                },
                spec: {
                    accessModes: ["ReadWriteMany"],
                    storageClassName,
                    resources: { requests: { storage: args.size } },
                    volumeName,
                },
            },
            { parent: this },
        );
        const init = new k8s.batch.v1.Job(
            `${name}-init`,
            {
                metadata: { namespace: args.namespace, labels },
                spec: {
                    backoffLimit: 3,
                    ttlSecondsAfterFinished: 3600,
                    template: {
                        metadata: { labels },
                        spec: {
                            restartPolicy: "OnFailure",
                            securityContext: { runAsUser: 0 },
                            containers: [
                                {
                                    name: "init",
                                    image: args.initImage,
                                    command: [
                                        "sh",
                                        "-c",
                                        `mkdir -p "$STAGING/committer" "$STAGING/buffer" && chmod 1777 "$STAGING" "$STAGING/committer" "$STAGING/buffer"`,
                                    ],
                                    env: [{ name: "STAGING", value: args.mountPath }],
                                    volumeMounts: [{ name: "staging", mountPath: args.mountPath }],
                                },
                            ],
                            volumes: [{ name: "staging", persistentVolumeClaim: { claimName: pvc.metadata.name } }],
                        },
                    },
                },
            },
            { parent: this },
        );
        this.claimName = pvc.metadata.name;
        this.ready = [pvc, init];
        this.registerOutputs({ claimName: this.claimName });
    }
}
