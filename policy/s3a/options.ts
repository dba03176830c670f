/**
 * The pack's config options: the same names in `pulumi --policy-pack-config` and `check --config`.
 * Every option is a list of strings; each rule names the options it takes (Pulumi hands a policy
 * only its own config, so an option several rules read is listed under each of them).
 */
import { S3A_COMMITTERS } from "./facts";

export type OptionName =
    "allowedCommitters" | "insecureEndpoints" | "trustedImages" | "imageHadoop" | "sharedClaims" | "allowedSparkVersions";

export interface OptionSpec {
    readonly description: string;
    readonly default: readonly string[];
    /** A JSON Schema pattern every item must match (Pulumi validates the config against it). */
    readonly itemPattern?: string;
    /** A valid item, for error messages and the docs. */
    readonly example: string;
}

/** An `imageHadoop` entry: an image prefix, `=`, and the Hadoop version the image carries. */
export const IMAGE_HADOOP_ENTRY = /^([^=\s]+)=(\d+\.\d+\.\d+)$/;

export const OPTIONS: Readonly<Record<OptionName, OptionSpec>> = {
    allowedCommitters: { description: "S3A committers a job may select.", default: [...S3A_COMMITTERS], example: "directory" },
    insecureEndpoints: {
        description:
            "Endpoints allowed without TLS: a URL, host:port, host, or *.suffix (e.g. *.svc.cluster.local for an in-cluster test store).",
        default: [],
        example: "*.svc.cluster.local",
    },
    trustedImages: {
        description: "Image prefixes known to carry hadoop-aws and spark-hadoop-cloud (custom images).",
        default: [],
        example: "registry.example.com/platform/spark:",
    },
    imageHadoop: {
        description:
            'The Hadoop an image really carries, where it is not the one its Spark release is built with: "<image prefix>=<Hadoop version>" (e.g. an image that rebuilds Spark 3.5 with Hadoop 3.4.1). Key and jar checks use that Hadoop for jobs on a matching image.',
        default: [],
        itemPattern: IMAGE_HADOOP_ENTRY.source,
        example: "public.ecr.aws/data-on-eks/spark:3.5.3-scala2.12-java17-python3-ubuntu=3.4.1",
    },
    sharedClaims: {
        description: "PersistentVolumeClaims created outside the stack that are known to be ReadWriteMany.",
        default: [],
        example: "spark-staging",
    },
    allowedSparkVersions: {
        description: 'Spark versions the platform allows: releases ("4.0.4"), lines ("4.0", "4.0.x") or "*". Empty: all.',
        default: [],
        example: "4.0",
    },
};

/** What the checks are told: the options, plus what a stack knows about its claims. */
export interface CheckOptions {
    /** Committers a job may use. Default: directory, partitioned, magic. */
    readonly allowedCommitters?: readonly string[];
    /** Endpoints (host, host:port or URL prefix) allowed without TLS. Default: none. */
    readonly insecureEndpoints?: readonly string[];
    /** Image prefixes known to carry hadoop-aws and spark-hadoop-cloud. Default: none. */
    readonly trustedImages?: readonly string[];
    /** "<image prefix>=<Hadoop version>": the Hadoop an image carries. Default: none. */
    readonly imageHadoop?: readonly string[];
    /**
     * Access modes of the claims the stack knows (name -> modes, or "namespace/name" -> modes). A
     * claim missing here is only accepted when listed in `sharedClaims`.
     */
    readonly claimAccessModes?: ReadonlyMap<string, readonly string[]>;
    /** Claims created outside the stack that are known to be ReadWriteMany. */
    readonly sharedClaims?: readonly string[];
    /**
     * Spark versions a platform allows: exact releases ("4.0.4"), lines ("4.0", "4.0.x", "4.0.*")
     * or "*". Empty or unset: every version is allowed.
     */
    readonly allowedSparkVersions?: readonly string[];
}

/** Problems with an option's value (empty when it is valid), each naming the item and showing a valid one. */
export function optionProblems(name: OptionName, value: readonly string[]): string[] {
    const spec = OPTIONS[name];
    if (!spec.itemPattern) return [];
    const re = new RegExp(spec.itemPattern);
    return value.filter((v) => !re.test(v)).map((v) => `${name}: "${v}" is not of the form the option takes, e.g. "${spec.example}"`);
}

/** The Hadoop version `imageHadoop` gives an image (the longest matching prefix wins), if any. */
export function imageHadoopOf(image: string, entries: readonly string[] = []): string | undefined {
    let best: { prefix: string; hadoop: string } | undefined;
    for (const e of entries) {
        const m = IMAGE_HADOOP_ENTRY.exec(e.trim());
        if (m && image.startsWith(m[1]) && (!best || m[1].length > best.prefix.length)) best = { prefix: m[1], hadoop: m[2] };
    }
    return best?.hadoop;
}

/** The check options from a policy's config object (missing keys: the checks' defaults). */
export function checkOptions(config: Partial<Record<OptionName, unknown>>): CheckOptions {
    const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : undefined);
    return {
        allowedCommitters: list(config.allowedCommitters),
        insecureEndpoints: list(config.insecureEndpoints),
        trustedImages: list(config.trustedImages),
        imageHadoop: list(config.imageHadoop),
        sharedClaims: list(config.sharedClaims),
        allowedSparkVersions: list(config.allowedSparkVersions),
    };
}
