/** Policy config schemas and how they map to the checks' options. */
import type { PolicyConfigSchema } from "@pulumi/policy";
import { S3A_COMMITTERS } from "../s3a/facts";
import type { CheckOptions } from "../s3a/checks";

const stringList = (description: string, defaults: string[]) => ({
    type: "array" as const,
    items: { type: "string" as const },
    default: defaults,
    description,
});

export const ALLOWED_COMMITTERS: PolicyConfigSchema = {
    properties: {
        allowedCommitters: stringList("S3A committers a job may select.", [...S3A_COMMITTERS]),
    },
};

export const INSECURE_ENDPOINTS: PolicyConfigSchema = {
    properties: {
        insecureEndpoints: stringList(
            "Endpoints allowed without TLS: a URL, host:port, host, or *.suffix (e.g. *.svc.cluster.local for an in-cluster test store).",
            [],
        ),
    },
};

export const TRUSTED_IMAGES: PolicyConfigSchema = {
    properties: {
        trustedImages: stringList("Image prefixes known to carry hadoop-aws and spark-hadoop-cloud (custom images).", []),
    },
};

export const SHARED_CLAIMS: PolicyConfigSchema = {
    properties: {
        sharedClaims: stringList("PersistentVolumeClaims created outside the stack that are known to be ReadWriteMany.", []),
    },
};

/** The check options from a policy's config object (missing keys: the checks' defaults). */
export function checkOptions(config: Partial<Record<keyof CheckOptions, unknown>>): CheckOptions {
    const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : undefined);
    return {
        allowedCommitters: list(config.allowedCommitters),
        insecureEndpoints: list(config.insecureEndpoints),
        trustedImages: list(config.trustedImages),
        sharedClaims: list(config.sharedClaims),
    };
}
