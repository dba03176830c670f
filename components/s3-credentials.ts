import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { CredentialsRef } from "./s3a-profile";

export interface S3CredentialsArgs {
    namespace: pulumi.Input<string>;
    secretName: string;
    /** Pulumi secrets: they stay encrypted in state and land only in the Kubernetes Secret. */
    accessKeyId: pulumi.Input<string>;
    secretAccessKey: pulumi.Input<string>;
}

/** AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY from the key pair's Secret, for a container; none without one. */
export function keyPairEnv(secret: pulumi.Input<string> | undefined): k8s.types.input.core.v1.EnvVar[] {
    if (secret === undefined) return [];
    return ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"].map((key) => ({ name: key, valueFrom: { secretKeyRef: { name: secret, key } } }));
}

/** The S3 key pair as a Kubernetes Secret, read by driver and executors as AWS_* env. */
export class S3Credentials extends pulumi.ComponentResource {
    readonly ref: CredentialsRef;
    readonly secret: k8s.core.v1.Secret;

    constructor(name: string, args: S3CredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark-s3:spark:S3Credentials", name, {}, opts);
        this.ref = { secretName: args.secretName, accessKeyIdKey: "AWS_ACCESS_KEY_ID", secretAccessKeyKey: "AWS_SECRET_ACCESS_KEY" };
        this.secret = new k8s.core.v1.Secret(
            `${name}-secret`,
            {
                metadata: { name: args.secretName, namespace: args.namespace, labels: { "app.kubernetes.io/part-of": "spark-s3" } },
                type: "Opaque",
                stringData: {
                    [this.ref.accessKeyIdKey]: pulumi.secret(args.accessKeyId),
                    [this.ref.secretAccessKeyKey]: pulumi.secret(args.secretAccessKey),
                },
            },
            { parent: this, additionalSecretOutputs: ["data", "stringData"] },
        );
        this.registerOutputs({ secretName: args.secretName });
    }
}
