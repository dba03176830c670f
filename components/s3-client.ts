/**
 * The S3 client container of the program's helper Jobs (the platform's event-log directory,
 * DogLover's sample data): `mc` for MinIO and FlashBlade (the store's URL and the key pair), the
 * AWS CLI on AWS (its default credential chain reads the key pair, EKS Pod Identity and IRSA
 * alike; mc does not know Pod Identity). Values reach the scripts through the environment, never
 * through the script text.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { PlatformS3Client } from "./platform/handle";
import { keyPairEnv } from "./s3-credentials";
import { mcTrustAdditions } from "./s3-trust";

/** mc's config directory (writable; extra CAs go to certs/CAs under it). */
export const MC_CONFIG_DIR = "/tmp/.mc";

/** What a helper Job's client does, per client: shell after the client is set up (`s3` is mc's alias). */
export interface S3ClientScript {
    readonly mc: string;
    readonly awscli: string;
}

export interface S3ClientContainerArgs {
    readonly name: string;
    readonly script: S3ClientScript;
    /** The store's URL as a plain S3 client reaches it (mc). */
    readonly url: pulumi.Input<string>;
    readonly env?: k8s.types.input.core.v1.EnvVar[];
    /** The key pair's Secret; absent when the pod's identity carries the permissions. */
    readonly credentialsSecret?: pulumi.Input<string>;
    /** The CA bundle's ConfigMap (mc trusts it from its config dir). */
    readonly trustConfigMap?: pulumi.Input<string>;
    readonly volumeMounts?: k8s.types.input.core.v1.VolumeMount[];
}

/** The container, and the volumes it needs besides the caller's (the CA bundle's). */
export function s3ClientContainer(
    client: PlatformS3Client,
    x: S3ClientContainerArgs,
): { container: k8s.types.input.core.v1.Container; volumes: k8s.types.input.core.v1.Volume[] } {
    const env = x.env ?? [];
    if (client.kind === "awscli") {
        return {
            container: {
                name: x.name,
                image: client.image,
                command: ["sh", "-c", `set -eu; ${x.script.awscli}`],
                env: [
                    ...env,
                    { name: "AWS_REGION", value: client.region ?? "" },
                    { name: "HOME", value: "/tmp" },
                    ...keyPairEnv(x.credentialsSecret),
                ],
                volumeMounts: x.volumeMounts,
            },
            volumes: [],
        };
    }
    const trust = x.trustConfigMap !== undefined ? mcTrustAdditions(x.trustConfigMap, MC_CONFIG_DIR) : undefined;
    return {
        container: {
            name: x.name,
            image: client.image,
            command: [
                "sh",
                "-c",
                `set -eu; mc alias set s3 "$S3_URL" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" >/dev/null; ${x.script.mc}`,
            ],
            env: [
                { name: "S3_URL", value: x.url },
                ...env,
                { name: "MC_CONFIG_DIR", value: MC_CONFIG_DIR },
                ...keyPairEnv(x.credentialsSecret),
            ],
            volumeMounts: [...(x.volumeMounts ?? []), ...(trust?.volumeMounts ?? [])],
        },
        volumes: trust?.volumes ?? [],
    };
}

/** The S3 URL a plain S3 client (mc) uses for the store. */
export function clientUrl(e: { url?: string; region: string }): string {
    return e.url ?? `https://s3.${e.region}.amazonaws.com`;
}
