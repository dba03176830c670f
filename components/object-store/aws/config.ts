/** AWS's config keys (descriptions in Pulumi.yaml), with EKS and the EFS staging it can create. */
import { spec, type Reader } from "../../config/reader";
import { EKS_ADDONS, type EksAddonName } from "../../efs-staging";
import { AWS_AUTH_MODES, type AwsAuth } from "./index";

export const AWS_KEYS = {
    protectBucket: spec({ key: "protectBucket", type: "boolean", default: true, example: "true" }),
    existingBucket: spec({ key: "existingBucket", type: "boolean", default: false, example: "true" }),
    reviewDataExpirationDays: spec({ key: "reviewDataExpirationDays", type: "integer", default: 0, example: "14", min: 0, max: 3650 }),
    noncurrentVersionExpirationDays: spec({
        key: "noncurrentVersionExpirationDays",
        type: "integer",
        default: 30,
        example: "30",
        min: 0,
        max: 3650,
    }),
    awsAuth: spec({ key: "awsAuth", type: "string", default: "podIdentity", example: "podIdentity", oneOf: AWS_AUTH_MODES }),
    eksClusterName: spec({
        key: "eksClusterName",
        type: "string",
        default: "",
        example: "spark-dev",
        check: (v: string) => (v === "" || /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/.test(v) ? undefined : `"${v}" is not an EKS cluster name`),
    }),
    efs: spec({ key: "efs", type: "string", default: "existing", example: "create", oneOf: ["existing", "create"] }),
    efsSubnetIds: spec({
        key: "efsSubnetIds",
        type: "array",
        default: [] as string[],
        example: '["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]',
    }),
    efsNodeSecurityGroupIds: spec({
        key: "efsNodeSecurityGroupIds",
        type: "array",
        default: [] as string[],
        example: '["sg-0123456789abcdef0"]',
    }),
    eksAddons: spec({
        key: "eksAddons",
        type: "array",
        default: [] as string[],
        example: '["eks-pod-identity-agent", "aws-efs-csi-driver"]',
        check: (list: string[]) => {
            const bad = list.find((a) => !(EKS_ADDONS as readonly string[]).includes(a));
            return bad ? `"${bad}" is not one the program installs (${EKS_ADDONS.join(", ")})` : undefined;
        },
    }),
    awsCliImage: spec({ key: "awsCliImage", type: "string", default: "amazon/aws-cli:2.32.8", example: "amazon/aws-cli:2.32.8" }),
} as const;

export interface AwsSettings {
    /** aws:region (the AWS provider's own key). */
    readonly region: string;
    readonly protect: boolean;
    /** Use a bucket another stack owns (review stacks share dev's); only the key is created. */
    readonly existingBucket: boolean;
    /** Expire objects under review/ after this many days (0: no rule); on the bucket's owner. */
    readonly reviewDataExpirationDays: number;
    /** With bucketVersioning: delete noncurrent versions after this many days (0: keep them). */
    readonly noncurrentVersionExpirationDays: number;
    /** How Spark authenticates: EKS Pod Identity, IRSA, or an IAM user's access key. */
    readonly auth: AwsAuth;
    /** The EKS cluster (podIdentity, irsa, efs create, eksAddons). */
    readonly eksClusterName: string;
    /** Staging on EFS: a storage class that exists, or an EFS the stack creates. */
    readonly efs: "existing" | "create";
    /** Overrides of what is read from the cluster for efs create (empty: read). */
    readonly efsSubnetIds: string[];
    readonly efsNodeSecurityGroupIds: string[];
    readonly eksAddons: EksAddonName[];
    /** The image of the helper Jobs' uploads on AWS (the AWS CLI knows Pod Identity and IRSA). */
    readonly cliImage: string;
}

export function readAwsSettings(r: Reader): AwsSettings {
    const k = AWS_KEYS;
    const region = r.raw("aws:region");
    return {
        region: typeof region === "string" ? region : "",
        protect: r.get(k.protectBucket),
        existingBucket: r.get(k.existingBucket),
        reviewDataExpirationDays: r.get(k.reviewDataExpirationDays),
        noncurrentVersionExpirationDays: r.get(k.noncurrentVersionExpirationDays),
        auth: r.get(k.awsAuth) as AwsAuth,
        eksClusterName: r.get(k.eksClusterName),
        efs: r.get(k.efs) as "existing" | "create",
        efsSubnetIds: r.get(k.efsSubnetIds),
        efsNodeSecurityGroupIds: r.get(k.efsNodeSecurityGroupIds),
        eksAddons: r.get(k.eksAddons).filter((a): a is EksAddonName => (EKS_ADDONS as readonly string[]).includes(a)),
        cliImage: r.get(k.awsCliImage),
    };
}
