import * as crypto from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { helperJob } from "./batch-job";
import { absolutePath, optional, quantity } from "./config/checks";
import { spec, type Reader } from "./config/reader";

/** The staging volume's config keys (descriptions in Pulumi.yaml). */
export const STAGING_KEYS = {
    stagingStorageClass: spec({ key: "stagingStorageClass", type: "string", default: "", example: "efs-sc" }),
    stagingVolumeSize: spec({ key: "stagingVolumeSize", type: "string", default: "20Gi", example: "20Gi", check: quantity }),
    stagingMountPath: spec({ key: "stagingMountPath", type: "string", default: "/staging", example: "/staging", check: absolutePath }),
    bufferVolumeSize: spec({ key: "bufferVolumeSize", type: "string", default: "10Gi", example: "10Gi", check: quantity }),
    stagingStorageClassCheck: spec({ key: "stagingStorageClassCheck", type: "boolean", default: true, example: "true" }),
    stagingHostPath: spec({
        key: "stagingHostPath",
        type: "string",
        default: "",
        example: "/tmp/spark-staging",
        check: optional(absolutePath),
    }),
} as const;

export interface StagingSettings {
    readonly storageClass: string;
    readonly size: string;
    readonly mountPath: string;
    /** Non-empty: a hostPath PersistentVolume for single-node clusters (kind, minikube). */
    readonly hostPath: string;
    /** sizeLimit of the pod-local emptyDir that holds S3A's upload buffers. */
    readonly bufferSize: string;
    /** Read the storage class from the cluster at preview and fail clearly when it is missing. */
    readonly storageClassCheck: boolean;
}

/**
 * The staging settings. `createsClass`: the object store creates the storage class itself (AWS
 * with efs create), so none needs to be named.
 */
export function readStagingSettings(r: Reader, createsClass: boolean): StagingSettings {
    const k = STAGING_KEYS;
    const s: StagingSettings = {
        storageClass: r.get(k.stagingStorageClass),
        size: r.get(k.stagingVolumeSize),
        mountPath: r.get(k.stagingMountPath),
        hostPath: r.get(k.stagingHostPath),
        bufferSize: r.get(k.bufferVolumeSize),
        storageClassCheck: r.get(k.stagingStorageClassCheck),
    };
    if (s.hostPath === "" && s.storageClass === "" && !createsClass) {
        r.failOn(
            k.stagingStorageClass,
            "is empty and stagingHostPath is not set: the staging volume needs a ReadWriteMany (NFS) storage class",
        );
    }
    return s;
}

export interface StagingVolumeArgs {
    namespace: pulumi.Input<string>;
    /** Base of the claim name (a hash of size and class is appended: see stagingClaimName). */
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
    /** Deadline of the init Job (it is failed by Kubernetes after this). */
    initDeadlineSeconds: number;
    /** The claim waits for this (e.g. the check that the storage class exists, or the stack's EFS). */
    storageClassReady?: pulumi.Input<unknown>;
}

/** Storage class of the hostPath volume; no provisioner serves it, so only our PV matches. */
export const HOSTPATH_CLASS = "spark-s3-staging-hostpath";

/**
 * The claim's name: the base name and a hash of what cannot change in place (size, storage class,
 * hostPath). A claim's size cannot shrink, cannot grow on a class without volume expansion (a
 * hostPath PV, most NFS classes) and its class is immutable, so such a change needs a new claim;
 * under a new name it is created before the old one is deleted, every Job and SparkApplication
 * that mounts it follows the new name, and nothing waits on a claim that a finished pod still
 * references.
 */
export function stagingClaimName(base: string, size: string, storageClass: string, hostPath: string): string {
    const hash = crypto
        .createHash("sha256")
        .update(JSON.stringify([size, storageClass, hostPath]))
        .digest("hex")
        .slice(0, 6);
    return `${base}-${hash}`;
}

/**
 * Name of the hostPath PersistentVolume of one claim. It names the claim it is bound to (a hash
 * of namespace and claim): the PV is pre-bound (claimRef) and keeps Retain, so a PV reused for
 * another claim stays bound to the old one (the PV controller re-binds it to its claimRef and the
 * new claim stays Pending for ever). With the claim in its name, a changed jobNamespace creates a
 * new PV for the new claim and the old one is deleted with its old claim.
 */
export function hostPathVolumeName(stack: string, namespace: string, claim: string): string {
    const hash = crypto.createHash("sha256").update(`${namespace}/${claim}`).digest("hex").slice(0, 8);
    const prefix = `spark-s3-staging-${stack}`
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .slice(0, 63 - hash.length - 1)
        .replace(/-+$/, "");
    return `${prefix}-${hash}`;
}

/**
 * The ReadWriteMany claim that holds the staging committers' shared directory, plus a one-off
 * job that creates that directory writable by Spark (uid 185). S3A's upload buffers stay on
 * pod-local disk (s3a-profile.ts, BufferMount).
 */
export class StagingVolume extends pulumi.ComponentResource {
    readonly claimName: pulumi.Output<string>;
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: StagingVolumeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark-s3:storage:StagingVolume", name, {}, opts);
        const labels = { "app.kubernetes.io/part-of": "spark-s3", "app.kubernetes.io/component": "staging" };
        let storageClassName = args.storageClass;
        const claimName = stagingClaimName(args.claimName, args.size, args.storageClass, args.hostPath ?? "");
        let volumeName: pulumi.Output<string> | undefined;
        if (args.hostPath) {
            storageClassName = HOSTPATH_CLASS;
            const pv = new k8s.core.v1.PersistentVolume(
                `${name}-pv`,
                {
                    metadata: {
                        name: pulumi.output(args.namespace).apply((ns) => hostPathVolumeName(args.stackName, ns, claimName)),
                        labels,
                    },
                    spec: {
                        accessModes: ["ReadWriteMany"],
                        capacity: { storage: args.size },
                        storageClassName,
                        persistentVolumeReclaimPolicy: "Retain",
                        hostPath: { path: args.hostPath, type: "DirectoryOrCreate" },
                        claimRef: { namespace: args.namespace, name: claimName },
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
                    name: claimName,
                    namespace: args.namespace,
                    labels,
                    // WaitForFirstConsumer classes bind only when a pod mounts the claim; the
                    // init job below is that pod, and Pulumi waits for it to complete.
                    annotations: { "pulumi.com/skipAwait": "true" },
                },
                spec: {
                    accessModes: ["ReadWriteMany"],
                    storageClassName: pulumi.all([args.storageClassReady ?? true]).apply(() => storageClassName),
                    resources: { requests: { storage: args.size } },
                    volumeName,
                },
            },
            { parent: this },
        );
        const init = helperJob(
            `${name}-init`,
            {
                namespace: args.namespace,
                labels,
                podSpec: {
                    securityContext: { runAsUser: 0 },
                    containers: [
                        {
                            name: "init",
                            image: args.initImage,
                            command: ["sh", "-c", `mkdir -p "$STAGING/committer" && chmod 1777 "$STAGING" "$STAGING/committer"`],
                            env: [{ name: "STAGING", value: args.mountPath }],
                            volumeMounts: [{ name: "staging", mountPath: args.mountPath }],
                        },
                    ],
                    volumes: [{ name: "staging", persistentVolumeClaim: { claimName: pvc.metadata.name } }],
                },
                deadlineSeconds: args.initDeadlineSeconds,
            },
            { parent: this },
        );
        this.claimName = pvc.metadata.name;
        this.ready = [pvc, init];
        this.registerOutputs({ claimName: this.claimName });
    }
}
