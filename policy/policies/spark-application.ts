/**
 * Guardrails on every SparkApplication (sparkoperator.k8s.io/v1beta2). One policy per concern;
 * each wraps a plain check from ../s3a/checks so the same logic runs without the engine.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
    POLICY,
    checkCommitter,
    checkConsistency,
    checkCredentials,
    checkJars,
    checkKnownKeys,
    checkThirdPartyEndpoint,
    checkTls,
    type CheckOptions,
    type Violation,
} from "../s3a/checks";
import { effectiveSparkConf, mentionsS3A, type SparkApplicationLike } from "../s3a/conf";
import { SPARK_APPLICATION_TYPE, checkStagingInStack, type StackResource } from "../s3a/stack-checks";
import { ALLOWED_COMMITTERS, INSECURE_ENDPOINTS, SHARED_CLAIMS, TRUSTED_IMAGES, checkOptions } from "./options";

type Check = (app: SparkApplicationLike, conf: Record<string, string>, opts: CheckOptions) => Violation[];

/** A resource policy on SparkApplications that use S3A (the credential check runs on all). */
function sparkAppPolicy(
    p: Omit<ResourceValidationPolicy, "validateResource">,
    check: Check,
    options: { allApps?: boolean } = {},
): ResourceValidationPolicy {
    return {
        ...p,
        validateResource: (args, reportViolation) => {
            if (args.type !== SPARK_APPLICATION_TYPE) return;
            const app = args.props as SparkApplicationLike;
            const conf = effectiveSparkConf(app);
            if (!options.allApps && !mentionsS3A(app, conf)) return;
            const opts = checkOptions(p.configSchema ? args.getConfig<Record<string, unknown>>() : {});
            for (const v of check(app, conf, opts)) reportViolation(v.message);
        },
    };
}

export const s3aCommitterRequired = sparkAppPolicy(
    {
        name: POLICY.committer,
        description:
            "A job that writes to s3a:// uses an allowed S3A committer with PathOutputCommitProtocol and BindingParquetOutputCommitter.",
        enforcementLevel: "mandatory",
        configSchema: ALLOWED_COMMITTERS,
    },
    (_app, conf, opts) => checkCommitter(conf, opts),
);

export const s3aKnownKeys = sparkAppPolicy(
    {
        name: POLICY.knownKeys,
        description: "Every fs.s3a.* key is an option of the job's Hadoop version (unknown keys are silently ignored by Hadoop).",
        enforcementLevel: "mandatory",
    },
    (app, conf) => checkKnownKeys(conf, app.spec?.sparkVersion),
);

export const s3aNoLiteralCredentials = sparkAppPolicy(
    {
        name: POLICY.credentials,
        description: "No credentials as literals in sparkConf, hadoopConf or driver/executor env.",
        enforcementLevel: "mandatory",
    },
    (app) => checkCredentials(app),
    { allApps: true },
);

export const s3aTlsRequired = sparkAppPolicy(
    {
        name: POLICY.tls,
        description: "S3 endpoints use TLS unless they are on the configured allow-list.",
        enforcementLevel: "advisory",
        configSchema: INSECURE_ENDPOINTS,
    },
    (_app, conf, opts) => checkTls(conf, opts),
);

export const s3aCommitterJars = sparkAppPolicy(
    {
        name: POLICY.jars,
        description:
            "hadoop-aws and spark-hadoop-cloud matching the Spark version are on the classpath (packages, jars or a trusted image).",
        enforcementLevel: "advisory",
        configSchema: TRUSTED_IMAGES,
    },
    (app, _conf, opts) => checkJars(app, opts),
);

export const s3aThirdPartyEndpoint = sparkAppPolicy(
    {
        name: POLICY.thirdParty,
        description: "Endpoints other than AWS have a scheme, path-style access and an endpoint region.",
        enforcementLevel: "advisory",
    },
    (app, conf) => checkThirdPartyEndpoint(conf, app.spec?.sparkVersion),
);

export const s3aCommitterConsistency = sparkAppPolicy(
    {
        name: POLICY.consistency,
        description:
            "Committer settings agree: magic is enabled when selected, staging committers state their conflict mode, no dynamic partition overwrite.",
        enforcementLevel: "advisory",
    },
    (_app, conf) => checkConsistency(conf),
);

/** Adapt the engine's resources to the checks' StackResource. */
export function toStackResources(
    resources: readonly {
        type: string;
        urn: string;
        name: string;
        props: StackResource["props"];
        propertyDependencies?: Record<string, { urn: string }[]>;
    }[],
): StackResource[] {
    return resources.map((r) => ({
        type: r.type,
        urn: r.urn,
        name: r.name,
        props: r.props,
        propertyDependencies: Object.fromEntries(
            Object.entries(r.propertyDependencies ?? {}).map(([k, deps]) => [k, deps.map((d) => d.urn)]),
        ),
    }));
}

export const s3aStagingOnSharedVolume: StackValidationPolicy = {
    name: POLICY.staging,
    description:
        "The directory and partitioned committers keep fs.s3a.committer.staging.tmp.path on a ReadWriteMany volume mounted at the same path in driver and executors.",
    enforcementLevel: "mandatory",
    configSchema: SHARED_CLAIMS,
    validateStack: (args, reportViolation) => {
        const opts = checkOptions(args.getConfig<Record<string, unknown>>());
        for (const v of checkStagingInStack(toStackResources(args.resources), opts)) reportViolation(v.message, v.urn);
    },
};
