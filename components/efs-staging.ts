import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { podIdentityTrustPolicy } from "./object-store/aws";

/** What the program reads about an EKS cluster (aws.eks.getCluster). */
export interface EksClusterFacts {
    name: string;
    vpcId: string;
    subnetIds: string[];
    /** The security group EKS creates for the cluster; managed node groups' nodes carry it. */
    clusterSecurityGroupId: string;
    /** OIDC issuer URL (IRSA). */
    oidcIssuer: string;
}

export function eksClusterFacts(name: string, opts?: pulumi.InvokeOutputOptions): pulumi.Output<EksClusterFacts> {
    return aws.eks.getClusterOutput({ name }, opts).apply((c) => ({
        name,
        vpcId: c.vpcConfig.vpcId,
        subnetIds: c.vpcConfig.subnetIds,
        clusterSecurityGroupId: c.vpcConfig.clusterSecurityGroupId,
        oidcIssuer: c.identities[0]?.oidcs[0]?.issuer ?? "",
    }));
}

/** A subnet as the mount-target choice needs it. */
export interface SubnetFacts {
    id: string;
    availabilityZone: string;
    /** Public subnets give instances public addresses; a mount target belongs in a private one. */
    mapPublicIpOnLaunch: boolean;
}

/**
 * One private subnet per availability zone (EFS allows one mount target per zone and file
 * system), in a stable order. Pure; tested.
 */
export function mountTargetSubnets(subnets: SubnetFacts[]): string[] {
    const byZone = new Map<string, string>();
    for (const s of [...subnets].sort((a, b) => a.availabilityZone.localeCompare(b.availabilityZone) || a.id.localeCompare(b.id))) {
        if (!s.mapPublicIpOnLaunch && !byZone.has(s.availabilityZone)) byZone.set(s.availabilityZone, s.id);
    }
    return [...byZone.values()];
}

/** Spark's user and group in the apache/spark images. */
export const SPARK_UID = 185;

/** The CSI driver that mounts EFS in pods (the aws-efs-csi-driver EKS add-on). */
export const EFS_CSI_DRIVER = "efs.csi.aws.com";

export interface EfsStagingArgs {
    stack: string;
    cluster: pulumi.Output<EksClusterFacts>;
    /** Overrides of what is read from the cluster (empty: read). */
    subnetIds: string[];
    nodeSecurityGroupIds: string[];
    /** Keep the file system on destroy (with the data bucket's protection). */
    retainOnDelete: boolean;
    tags: Record<string, string>;
}

/** The StorageClass parameters of dynamic provisioning with access points (aws-efs-csi-driver). */
export function efsStorageClassParameters(fileSystemId: string): Record<string, string> {
    return {
        provisioningMode: "efs-ap",
        fileSystemId,
        // Every claim gets its own access point: Spark's uid/gid, its own root directory.
        uid: String(SPARK_UID),
        gid: String(SPARK_UID),
        directoryPerms: "775",
        basePath: "/spark-s3",
        subPathPattern: "${.PVC.namespace}/${.PVC.name}",
        ensureUniqueDirectory: "true",
    };
}

/**
 * The staging volume's NFS on AWS, created by the stack: an encrypted EFS file system, a mount
 * target in each private subnet of the cluster (one per zone) behind a security group that admits
 * NFS (TCP 2049) from the cluster's node security group only, and the `efs.csi.aws.com`
 * StorageClass the staging claim uses. The class provisions with access points: every claim gets
 * one with Spark's uid/gid (185), mode 0775, under /spark-s3/<namespace>/<claim>, so review stacks
 * can use the dev stack's class (stagingStorageClass) for claims of their own. The EFS CSI
 * controller creates the access points (its IAM role: the aws-efs-csi-driver add-on's pod
 * identity, see EksAddons, or AmazonEFSCSIDriverPolicy however the driver was installed).
 *
 * Destroy order: the claims go first (the driver deletes their access points), then the
 * StorageClass and the mount targets (they depend on the file system), then the file system: no
 * mount target is left behind. With retainOnDelete the file system and its data stay.
 */
export class EfsStaging extends pulumi.ComponentResource {
    readonly storageClassName: string;
    readonly fileSystemId: pulumi.Output<string>;
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: EfsStagingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark-s3:storage:EfsStaging", name, {}, opts);
        const tags = { ...args.tags, Name: `spark-s3-staging-${args.stack}` };
        const nodeGroups = args.nodeSecurityGroupIds.length
            ? pulumi.output(args.nodeSecurityGroupIds)
            : args.cluster.apply((c) => [c.clusterSecurityGroupId]);
        const sg = new aws.ec2.SecurityGroup(
            `${name}-nfs`,
            {
                vpcId: args.cluster.vpcId,
                description: `NFS to the spark-s3 ${args.stack} staging file system, from the cluster's nodes only`,
                ingress: [{ protocol: "tcp", fromPort: 2049, toPort: 2049, securityGroups: nodeGroups, description: "NFS from the nodes" }],
                egress: [],
                tags,
            },
            { parent: this },
        );
        const fs = new aws.efs.FileSystem(
            `${name}-fs`,
            { encrypted: true, throughputMode: "elastic", tags },
            { parent: this, retainOnDelete: args.retainOnDelete },
        );
        const subnets: pulumi.Output<string[]> = args.subnetIds.length
            ? pulumi.output(args.subnetIds)
            : args.cluster.apply(async (c) =>
                  mountTargetSubnets(
                      await Promise.all(
                          c.subnetIds.map(async (id) => {
                              const s = await aws.ec2.getSubnet({ id }, { parent: this });
                              return { id, availabilityZone: s.availabilityZone, mapPublicIpOnLaunch: s.mapPublicIpOnLaunch };
                          }),
                      ),
                  ),
              );
        // One mount target per zone: how many is known only once the cluster has been read.
        const mountTargets = subnets.apply((ids) =>
            ids.map(
                (subnetId) =>
                    new aws.efs.MountTarget(
                        `${name}-mt-${subnetId}`,
                        { fileSystemId: fs.id, subnetId, securityGroups: [sg.id] },
                        { parent: fs },
                    ),
            ),
        );
        this.storageClassName = `spark-s3-efs-${args.stack}`
            .toLowerCase()
            .replace(/[^a-z0-9-]+/g, "-")
            .slice(0, 63)
            .replace(/-+$/, "");
        const sc = new k8s.storage.v1.StorageClass(
            `${name}-class`,
            {
                metadata: { name: this.storageClassName, labels: { "app.kubernetes.io/part-of": "spark-s3" } },
                provisioner: EFS_CSI_DRIVER,
                parameters: fs.id.apply(efsStorageClassParameters),
                reclaimPolicy: "Delete",
                volumeBindingMode: "Immediate",
            },
            { parent: this, dependsOn: mountTargets },
        );
        this.fileSystemId = fs.id;
        this.ready = [sc];
        this.registerOutputs({ storageClassName: this.storageClassName, fileSystemId: this.fileSystemId });
    }
}

/** The managed policy the EFS CSI controller needs to create access points (AWS EFS CSI driver docs). */
export const EFS_CSI_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AmazonEFSCSIDriverPolicy";
/** The controller's service account in the aws-efs-csi-driver add-on. */
export const EFS_CSI_CONTROLLER_SA = "efs-csi-controller-sa";
export const EKS_ADDONS = ["eks-pod-identity-agent", "aws-efs-csi-driver"] as const;
export type EksAddonName = (typeof EKS_ADDONS)[number];

/**
 * EKS add-ons the stack installs when asked (config eksAddons): the Pod Identity agent (awsAuth
 * podIdentity needs it on the nodes) and the EFS CSI driver, whose controller gets an IAM role
 * with AmazonEFSCSIDriverPolicy through the add-on's own pod identity association.
 */
export class EksAddons extends pulumi.ComponentResource {
    readonly ready: pulumi.Resource[] = [];

    constructor(
        name: string,
        args: { clusterName: string; addons: readonly EksAddonName[]; tags: Record<string, string> },
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super("spark-s3:aws:EksAddons", name, {}, opts);
        const agent = args.addons.includes("eks-pod-identity-agent")
            ? new aws.eks.Addon(
                  `${name}-pod-identity-agent`,
                  { clusterName: args.clusterName, addonName: "eks-pod-identity-agent", tags: args.tags },
                  { parent: this },
              )
            : undefined;
        if (agent) this.ready.push(agent);
        if (args.addons.includes("aws-efs-csi-driver")) {
            const role = new aws.iam.Role(
                `${name}-efs-csi-role`,
                { path: "/spark-s3/", assumeRolePolicy: JSON.stringify(podIdentityTrustPolicy()), tags: args.tags },
                { parent: this },
            );
            const attach = new aws.iam.RolePolicyAttachment(
                `${name}-efs-csi-policy`,
                { role: role.name, policyArn: EFS_CSI_POLICY_ARN },
                { parent: role },
            );
            this.ready.push(
                new aws.eks.Addon(
                    `${name}-efs-csi-driver`,
                    {
                        clusterName: args.clusterName,
                        addonName: "aws-efs-csi-driver",
                        podIdentityAssociations: [{ roleArn: role.arn, serviceAccount: EFS_CSI_CONTROLLER_SA }],
                        tags: args.tags,
                    },
                    { parent: this, dependsOn: [attach, ...(agent ? [agent] : [])] },
                ),
            );
        }
        this.registerOutputs({});
    }
}
