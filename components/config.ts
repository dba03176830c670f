/**
 * Stack configuration: one typed, validated StackConfig from Pulumi config. Defaults live in
 * Pulumi.yaml's `config:` block (the CLI applies them); this module checks types and values and
 * fails at preview with every problem at once, each naming the key and showing a valid example.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { CONFLICT_MODES, S3A_COMMITTERS, type ConflictMode, type S3ACommitter } from "../policy/s3a/facts";
import { POLICY, checkSparkConf } from "../policy/s3a/checks";
import { EKS_ADDONS, type EksAddonName } from "./efs-staging";
import { AWS_AUTH_MODES, type AwsAuth } from "./object-store/aws";
import { OPERATOR_CHART, type ChartSource } from "./operator";
import { S3A_BUFFER_PATH, s3aSparkConf } from "./s3a-profile";
import { didYouMean } from "../policy/s3a/suggest";
import { findSparkRuntime, supportedSparkVersions } from "../policy/s3a/versions";

export const PROJECT = "spark-s3";
export const OBJECT_STORES = ["aws", "flashblade", "minio"] as const;
export type ObjectStoreKind = (typeof OBJECT_STORES)[number];

export interface StackConfig {
    readonly stack: string;
    readonly objectStore: ObjectStoreKind;
    readonly bucketName: string;
    /** Key prefix of this stack's data inside the bucket (no leading or trailing slash). */
    readonly dataPrefix: string;
    readonly operator: {
        readonly install: boolean;
        readonly namespace: string;
        /** Where the spark-operator chart comes from (repository, OCI registry or local chart). */
        readonly chart: ChartSource;
    };
    /** Registry mirror for every image the program deploys ("" pulls from the images' own registries). */
    readonly imageRegistry: string;
    /** Deadline of the helper Jobs (MinIO setup, sample-data seed, staging init), in seconds. */
    readonly setupJobDeadlineSeconds: number;
    readonly jobNamespace: string;
    readonly serviceAccount: string;
    readonly spark: {
        readonly version: string;
        /** Empty: the stock image of the version matrix plus spark.jars.packages. */
        readonly image: string;
        readonly committer: S3ACommitter;
        readonly conflictMode: ConflictMode;
        readonly driverCores: number;
        readonly driverMemory: string;
        readonly executorInstances: number;
        readonly executorCores: number;
        readonly executorMemory: string;
        /** User additions/overrides, already checked against the policy pack. */
        readonly confOverrides: Readonly<Record<string, string>>;
        readonly waitForCompletion: boolean;
        readonly jobTimeoutMinutes: number;
        /** Any value; changing it runs the Spark job again with unchanged inputs. */
        readonly run: string;
    };
    readonly staging: {
        readonly storageClass: string;
        readonly size: string;
        readonly mountPath: string;
        /** Non-empty: a hostPath PersistentVolume for single-node clusters (kind, minikube). */
        readonly hostPath: string;
        /** sizeLimit of the pod-local emptyDir that holds S3A's upload buffers. */
        readonly bufferSize: string;
    };
    /** Versioning on the bucket (aws and flashblade). */
    readonly bucketVersioning: boolean;
    readonly aws: {
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
        /** The image of the sample-data upload on AWS (the AWS CLI knows Pod Identity and IRSA). */
        readonly cliImage: string;
    };
    readonly minio: {
        readonly image: string;
        readonly mcImage: string;
        readonly storageSize: string;
        readonly storageClass: string;
    };
    readonly flashblade: {
        readonly managementUrl: string;
        readonly dataUrl: string;
        readonly account: string;
        readonly adoptAccount: boolean;
        readonly user: string;
        readonly adoptUser: boolean;
        readonly adoptBucket: boolean;
        readonly fullAccess: boolean;
        /** PEM content of the CA bundle (read from the configured file), or "". */
        readonly caBundle: string;
        readonly insecure: boolean;
        readonly eradicateOnDelete: boolean;
        readonly keyRotation: string;
    };
    /** Signing region S3A sends to third-party stores (MinIO, FlashBlade). */
    readonly s3Region: string;
    /** PEM content of the CA that signed the S3 endpoint's certificate (read from the configured file), or "". */
    readonly s3CaBundle: string;
    /** Read stagingStorageClass from the cluster at preview and fail clearly when it is missing. */
    readonly stagingStorageClassCheck: boolean;
    readonly doglover: {
        readonly sampleRecords: number;
    };
    readonly observability: {
        /** A Spark History Server on the event logs (they are written either way). */
        readonly historyServer: boolean;
        /** The History Server's cleaner deletes event logs older than this. */
        readonly eventLogRetentionDays: number;
        readonly historyServerMemory: string;
        /** The cluster has the Prometheus operator's CRDs: create PodMonitors. */
        readonly prometheusOperator: boolean;
    };
}

/** One config problem: the key (without project prefix), what is wrong, a valid example. */
export interface ConfigProblem {
    readonly key: string;
    readonly problem: string;
    readonly example: string;
}

export class ConfigError extends Error {
    constructor(readonly problems: readonly ConfigProblem[]) {
        super(
            `invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
                problems.map((p) => `  - ${qualify(p.key)}: ${p.problem}. Valid example: ${p.example}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

const qualify = (key: string) => (key.includes(":") ? key : `${PROJECT}:${key}`);

/** Raw config values as the CLI hands them over: strings (arrays and objects as JSON). */
export type RawConfig = (key: string) => string | undefined;

// Kubernetes and S3 naming rules.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const QUANTITY = /^([0-9]+(\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;
const SPARK_MEMORY = /^[0-9]+[kmgt]?$/i;
const URL_WITH_SCHEME = /^https?:\/\/[^/\s:]+(:[0-9]{1,5})?\/?$/i;

/** S3 bucket naming rules (AWS "Bucket naming rules", general purpose buckets). */
export function bucketNameProblem(name: string): string | undefined {
    if (name.length < 3 || name.length > 63) return `"${name}" must be 3 to 63 characters long`;
    if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name))
        return `"${name}" may only hold lowercase letters, digits, dots and hyphens, and must start and end with a letter or digit`;
    if (/\.\./.test(name)) return `"${name}" must not contain two adjacent dots`;
    if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return `"${name}" must not look like an IP address`;
    if (/^xn--|^sthree-|^amzn-s3-demo-|-s3alias$|--ol-s3$|\.mrap$|--x-s3$|--table-s3$/.test(name))
        return `"${name}" uses a prefix or suffix that S3 reserves`;
    return undefined;
}

/**
 * `${stack}` in a value stands for the stack name, so one stack file (Pulumi.pr.yaml, copied into
 * every review stack) gives each stack its own namespace and data prefix.
 */
export function expandStack(value: string, stack: string): string {
    if (!value.includes("${stack}")) return value;
    const safe = stack
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/^-+|-+$/g, "");
    return value.split("${stack}").join(safe);
}

/** A DNS label from an expanded name: long review-stack names keep a hash to stay unique. */
export function fitDnsLabel(name: string): string {
    if (name.length <= 63) return name;
    const hash = crypto.createHash("sha256").update(name).digest("hex").slice(0, 8);
    return `${name.slice(0, 54).replace(/-+$/, "")}-${hash}`;
}

class Reader {
    readonly problems: ConfigProblem[] = [];
    constructor(
        private readonly raw: RawConfig,
        private readonly stack: string,
    ) {}

    private fail(key: string, problem: string, example: string): void {
        this.problems.push({ key, problem, example });
    }

    private present(key: string, example: string): string | undefined {
        const v = this.raw(key);
        if (v === undefined) {
            this.fail(key, "is required but not set (its default in Pulumi.yaml is missing too)", example);
        }
        return v;
    }

    private checked(key: string, example: string, v: string, check?: (v: string) => string | undefined): string {
        const p = check?.(v);
        if (p) this.fail(key, p, example);
        return v;
    }

    string(key: string, example: string, check?: (v: string) => string | undefined): string {
        const v = this.present(key, example);
        return v === undefined ? "" : this.checked(key, example, v, check);
    }

    /** A string in which `${stack}` stands for the stack name (expanded before the check). */
    stackString(key: string, example: string, check?: (v: string) => string | undefined, fit?: (v: string) => string): string {
        const raw = this.present(key, example);
        if (raw === undefined) return "";
        const v = expandStack(raw, this.stack);
        return this.checked(key, example, fit ? fit(v) : v, check);
    }

    oneOf<T extends string>(key: string, allowed: readonly T[], example: string): T {
        const v = this.string(key, example);
        if (v !== "" && !allowed.includes(v as T)) {
            const near = didYouMean(v, allowed);
            this.fail(key, `"${v}" is not one of ${allowed.join(", ")}${near ? ` (did you mean "${near}"?)` : ""}`, example);
        }
        return v as T;
    }

    int(key: string, example: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
        const v = this.present(key, example);
        if (v === undefined) return min;
        const n = Number(v.trim());
        if (v.trim() === "" || !Number.isInteger(n)) {
            this.fail(key, `must be a whole number, got ${JSON.stringify(v)}`, example);
            return min;
        }
        if (n < min || n > max) {
            this.fail(key, `must be between ${min} and ${max}, got ${n}`, example);
        }
        return n;
    }

    bool(key: string, example: string): boolean {
        const v = this.present(key, example);
        if (v === undefined) return false;
        if (v !== "true" && v !== "false") {
            this.fail(key, `must be true or false, got ${JSON.stringify(v)}`, example);
        }
        return v === "true";
    }

    stringList(key: string, example: string): string[] {
        const v = this.present(key, example);
        if (v === undefined) return [];
        let parsed: unknown;
        try {
            parsed = JSON.parse(v);
        } catch {
            parsed = undefined;
        }
        if (!Array.isArray(parsed) || parsed.some((x) => typeof x !== "string")) {
            this.fail(key, `must be a list of strings, got ${JSON.stringify(v)}`, example);
            return [];
        }
        return parsed as string[];
    }
}

const dnsLabel = (what: string) => (v: string) =>
    DNS_LABEL.test(v) ? undefined : `"${v}" is not a valid ${what} (lowercase letters, digits and '-', at most 63 characters)`;
const quantity = (v: string) =>
    QUANTITY.test(v) ? undefined : `"${v}" is not a Kubernetes quantity (a number with a suffix such as Mi or Gi)`;
const sparkMemory = (v: string) => (SPARK_MEMORY.test(v) ? undefined : `"${v}" is not a Spark memory size (a number with k, m, g or t)`);
const urlWithScheme = (v: string) =>
    v === "" || URL_WITH_SCHEME.test(v) ? undefined : `"${v}" must be a URL with scheme, host and optional port`;
const absolutePath = (v: string) => (v.startsWith("/") && !v.includes("..") ? undefined : `"${v}" must be an absolute path`);

const CHART_EXAMPLE = `spark-s3:operatorChart: ${OPERATOR_CHART.repo} (or oci://registry.example.com/charts/spark-operator, or charts/spark-operator-${OPERATOR_CHART.version}.tgz)`;

/**
 * operatorChart: an https Helm repository (the public one or a mirror), an OCI chart reference,
 * or a local chart (directory or .tgz, relative to the project). A local directory must be the
 * pinned chart version: its Chart.yaml is read now, so a wrong chart fails at preview.
 */
export function parseChartSource(value: string, baseDir: string): { source?: ChartSource; problem?: string } {
    if (/^https?:\/\//i.test(value)) {
        try {
            new URL(value);
        } catch {
            return { problem: `"${value}" is not a valid repository URL` };
        }
        return { source: { kind: "repo", repo: value.replace(/\/+$/, "") } };
    }
    if (value.startsWith("oci://")) {
        if (!/^oci:\/\/[^\s/]+\/\S+$/.test(value))
            return { problem: `"${value}" is not an OCI chart reference (oci://host/path/spark-operator)` };
        return { source: { kind: "oci", ref: value.replace(/\/+$/, "") } };
    }
    if (value === "") return { problem: "is empty: name a Helm repository, an OCI chart or a local chart" };
    const abs = path.resolve(baseDir, value);
    if (!fs.existsSync(abs))
        return { problem: `"${value}" is neither an http(s):// repository, an oci:// chart nor an existing path (looked for ${abs})` };
    if (fs.statSync(abs).isDirectory()) {
        const chartFile = path.join(abs, "Chart.yaml");
        if (!fs.existsSync(chartFile)) return { problem: `${abs} has no Chart.yaml: point at the unpacked chart directory or its .tgz` };
        const text = fs.readFileSync(chartFile, "utf8");
        const name = /^name:\s*"?([^"\s]+)"?\s*$/m.exec(text)?.[1];
        const version = /^version:\s*"?([^"\s]+)"?\s*$/m.exec(text)?.[1];
        if (name !== OPERATOR_CHART.chart || version !== OPERATOR_CHART.version) {
            return {
                problem: `${chartFile} is ${name ?? "?"} ${version ?? "?"}, but the program is built and tested for ${OPERATOR_CHART.chart} ${OPERATOR_CHART.version}`,
            };
        }
    } else if (!/\.(tgz|tar\.gz)$/.test(abs)) {
        return { problem: `${abs} is a file but not a chart archive (.tgz)` };
    }
    return { source: { kind: "path", path: abs } };
}

/** A CA bundle file named by a config key, read now so a wrong path fails at preview. */
function readCaBundle(r: Reader, key: string, exampleFile: string): string {
    const example = `spark-s3:${key}: ${exampleFile}`;
    const file = r.string(key, example);
    if (file === "") return "";
    try {
        const pem = fs.readFileSync(path.resolve(file), "utf8");
        if (!pem.includes("-----BEGIN CERTIFICATE-----")) throw new Error("no PEM certificate in it");
        return pem;
    } catch (e) {
        r.problems.push({
            key,
            problem: `cannot use ${file}: ${e instanceof Error ? e.message : String(e)}`,
            example: `${example} (a PEM file, relative to the project)`,
        });
        return "";
    }
}

function eksAddons(r: Reader): EksAddonName[] {
    const example = 'spark-s3:eksAddons: ["eks-pod-identity-agent", "aws-efs-csi-driver"]';
    const list = r.stringList("eksAddons", example);
    for (const a of list) {
        if (!(EKS_ADDONS as readonly string[]).includes(a)) {
            r.problems.push({ key: "eksAddons", problem: `"${a}" is not one the program installs (${EKS_ADDONS.join(", ")})`, example });
        }
    }
    return list.filter((a): a is EksAddonName => (EKS_ADDONS as readonly string[]).includes(a));
}

/** Parse and validate. Throws ConfigError listing every problem. */
export function parseStackConfig(raw: RawConfig, stack: string): StackConfig {
    const r = new Reader(raw, stack);
    const objectStore = r.oneOf("objectStore", OBJECT_STORES, "spark-s3:objectStore: minio");
    const bucketRaw = r.stackString("bucketName", "spark-s3:bucketName: acme-spark-dev-data");
    const bucketName = bucketRaw !== "" ? bucketRaw : `spark-s3-${stack.toLowerCase().replace(/[^a-z0-9-]/g, "-")}`;
    if (bucketRaw === "" && objectStore === "aws") {
        r.problems.push({
            key: "bucketName",
            problem: "is required for objectStore aws (S3 bucket names are global, so none is derived)",
            example: "spark-s3:bucketName: acme-spark-dev-data",
        });
    } else {
        const p = bucketNameProblem(bucketName);
        if (p) r.problems.push({ key: "bucketName", problem: p, example: "spark-s3:bucketName: acme-spark-dev-data" });
    }
    const dataPrefix = r.stackString("dataPrefix", "spark-s3:dataPrefix: review/${stack}", (v) =>
        /^[A-Za-z0-9][A-Za-z0-9._/-]*[A-Za-z0-9]$|^[A-Za-z0-9]$/.test(v) && !v.includes("//")
            ? undefined
            : `"${v}" must be a key prefix without leading or trailing '/'`,
    );

    const sparkVersion = r.string("sparkVersion", `spark-s3:sparkVersion: "${supportedSparkVersions()[0]}"`, (v) =>
        findSparkRuntime(v) ? undefined : `Spark ${v} is not in the version matrix (${supportedSparkVersions().join(", ")})`,
    );
    const committer = r.oneOf("committer", S3A_COMMITTERS, "spark-s3:committer: directory");
    const conflictMode = r.oneOf("conflictMode", CONFLICT_MODES, "spark-s3:conflictMode: append");
    const overrides: Record<string, string> = {};
    for (const item of r.stringList("sparkConf", 'spark-s3:sparkConf: ["spark.sql.shuffle.partitions=64"]')) {
        const eq = item.indexOf("=");
        if (eq <= 0) {
            r.problems.push({
                key: "sparkConf",
                problem: `item ${JSON.stringify(item)} is not of the form key=value`,
                example: 'spark-s3:sparkConf: ["spark.sql.shuffle.partitions=64"]',
            });
            continue;
        }
        overrides[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
    }

    const chartValue = r.string("operatorChart", CHART_EXAMPLE);
    const chart = parseChartSource(chartValue, process.cwd());
    if (chart.problem) r.problems.push({ key: "operatorChart", problem: chart.problem, example: CHART_EXAMPLE });

    const cfg: StackConfig = {
        stack,
        objectStore,
        bucketName,
        dataPrefix,
        operator: {
            install: r.bool("installOperator", "spark-s3:installOperator: true"),
            namespace: r.string("operatorNamespace", "spark-s3:operatorNamespace: spark-operator", dnsLabel("namespace")),
            chart: chart.source ?? { kind: "repo", repo: OPERATOR_CHART.repo },
        },
        imageRegistry: r.string("imageRegistry", "spark-s3:imageRegistry: registry.example.com/mirror", (v) =>
            v === "" || /^[a-z0-9.-]+(:[0-9]{1,5})?(\/[a-z0-9._-]+)*\/?$/i.test(v)
                ? undefined
                : `"${v}" is not a registry host with an optional path (no scheme, no tag)`,
        ),
        setupJobDeadlineSeconds: 60 * r.int("setupJobTimeoutMinutes", "spark-s3:setupJobTimeoutMinutes: 10", 1, 24 * 60),
        jobNamespace: r.stackString("jobNamespace", "spark-s3:jobNamespace: spark-${stack}", dnsLabel("namespace"), fitDnsLabel),
        serviceAccount: r.string("sparkServiceAccount", "spark-s3:sparkServiceAccount: spark", dnsLabel("service account name")),
        spark: {
            version: sparkVersion,
            image: r.string("sparkImage", 'spark-s3:sparkImage: "registry.example.com/spark-s3:4.0.4"'),
            committer,
            conflictMode,
            driverCores: r.int("driverCores", "spark-s3:driverCores: 1", 1, 64),
            driverMemory: r.string("driverMemory", "spark-s3:driverMemory: 1g", sparkMemory),
            executorInstances: r.int("executorInstances", "spark-s3:executorInstances: 2", 1, 1000),
            executorCores: r.int("executorCores", "spark-s3:executorCores: 1", 1, 64),
            executorMemory: r.string("executorMemory", "spark-s3:executorMemory: 2g", sparkMemory),
            confOverrides: overrides,
            waitForCompletion: r.bool("waitForCompletion", "spark-s3:waitForCompletion: true"),
            jobTimeoutMinutes: r.int("jobTimeoutMinutes", "spark-s3:jobTimeoutMinutes: 30", 1, 24 * 60),
            run: r.string("jobRun", 'spark-s3:jobRun: "2026-11-24"', (v) =>
                v.length <= 63 && /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/.test(v)
                    ? undefined
                    : `"${v}" must be at most 63 letters, digits, '-', '_' or '.' (it becomes a pod annotation)`,
            ),
        },
        staging: {
            storageClass: r.string("stagingStorageClass", "spark-s3:stagingStorageClass: efs-sc"),
            size: r.string("stagingVolumeSize", "spark-s3:stagingVolumeSize: 20Gi", quantity),
            mountPath: r.string("stagingMountPath", "spark-s3:stagingMountPath: /staging", absolutePath),
            hostPath: r.string("stagingHostPath", "spark-s3:stagingHostPath: /tmp/spark-staging", (v) =>
                v === "" ? undefined : absolutePath(v),
            ),
            bufferSize: r.string("bufferVolumeSize", "spark-s3:bufferVolumeSize: 10Gi", quantity),
        },
        bucketVersioning: r.bool("bucketVersioning", "spark-s3:bucketVersioning: true"),
        aws: {
            region: raw("aws:region") ?? "",
            protect: r.bool("protectBucket", "spark-s3:protectBucket: true"),
            existingBucket: r.bool("existingBucket", "spark-s3:existingBucket: true"),
            reviewDataExpirationDays: r.int("reviewDataExpirationDays", "spark-s3:reviewDataExpirationDays: 14", 0, 3650),
            noncurrentVersionExpirationDays: r.int(
                "noncurrentVersionExpirationDays",
                "spark-s3:noncurrentVersionExpirationDays: 30",
                0,
                3650,
            ),
            auth: r.oneOf("awsAuth", AWS_AUTH_MODES, "spark-s3:awsAuth: podIdentity"),
            eksClusterName: r.string("eksClusterName", "spark-s3:eksClusterName: spark-dev", (v) =>
                v === "" || /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/.test(v) ? undefined : `"${v}" is not an EKS cluster name`,
            ),
            efs: r.oneOf("efs", ["existing", "create"] as const, "spark-s3:efs: create"),
            efsSubnetIds: r.stringList("efsSubnetIds", 'spark-s3:efsSubnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]'),
            efsNodeSecurityGroupIds: r.stringList("efsNodeSecurityGroupIds", 'spark-s3:efsNodeSecurityGroupIds: ["sg-0123456789abcdef0"]'),
            eksAddons: eksAddons(r),
            cliImage: r.string("awsCliImage", "spark-s3:awsCliImage: amazon/aws-cli:2.32.8"),
        },
        minio: {
            image: r.string("minioImage", "spark-s3:minioImage: quay.io/minio/minio:RELEASE.2025-04-22T22-12-26Z"),
            mcImage: r.string("minioClientImage", "spark-s3:minioClientImage: quay.io/minio/mc:RELEASE.2025-04-16T18-13-26Z"),
            storageSize: r.string("minioStorageSize", "spark-s3:minioStorageSize: 20Gi", quantity),
            storageClass: r.string("minioStorageClass", 'spark-s3:minioStorageClass: ""'),
        },
        flashblade: {
            managementUrl: r.string(
                "flashbladeManagementUrl",
                "spark-s3:flashbladeManagementUrl: https://flashblade-mgmt.example.com",
                urlWithScheme,
            ),
            dataUrl: r.string("flashbladeDataUrl", "spark-s3:flashbladeDataUrl: https://10.21.200.10", urlWithScheme),
            account: r.string("flashbladeAccount", "spark-s3:flashbladeAccount: spark", (v) =>
                v === "" || /^[a-z0-9][a-z0-9-]{0,62}$/.test(v) ? undefined : `"${v}" is not a valid account name`,
            ),
            adoptAccount: r.bool("flashbladeAdoptAccount", "spark-s3:flashbladeAdoptAccount: true"),
            user: r.string("flashbladeUser", "spark-s3:flashbladeUser: spark", (v) =>
                /^[a-z0-9][a-z0-9-]{0,62}$/.test(v) ? undefined : `"${v}" is not a valid user name`,
            ),
            adoptUser: r.bool("flashbladeAdoptUser", "spark-s3:flashbladeAdoptUser: true"),
            adoptBucket: r.bool("flashbladeAdoptBucket", "spark-s3:flashbladeAdoptBucket: true"),
            fullAccess: r.bool("flashbladeFullAccess", "spark-s3:flashbladeFullAccess: false"),
            caBundle: readCaBundle(r, "flashbladeCaBundle", "certs/flashblade-ca.pem"),
            insecure: r.bool("flashbladeInsecure", "spark-s3:flashbladeInsecure: false"),
            eradicateOnDelete: r.bool("flashbladeEradicateOnDelete", "spark-s3:flashbladeEradicateOnDelete: false"),
            keyRotation: r.string("flashbladeKeyRotation", 'spark-s3:flashbladeKeyRotation: "2026-11"'),
        },
        s3CaBundle: readCaBundle(r, "s3CaBundle", "certs/s3-ca.pem"),
        stagingStorageClassCheck: r.bool("stagingStorageClassCheck", "spark-s3:stagingStorageClassCheck: true"),
        s3Region: r.string("s3Region", "spark-s3:s3Region: us-east-1", (v) =>
            /^[a-z0-9-]+$/.test(v) ? undefined : `"${v}" must be a non-empty region name`,
        ),
        doglover: {
            sampleRecords: r.int("sampleRecords", "spark-s3:sampleRecords: 20000", 100, 50_000_000),
        },
        observability: {
            historyServer: r.bool("historyServer", "spark-s3:historyServer: true"),
            eventLogRetentionDays: r.int("eventLogRetentionDays", "spark-s3:eventLogRetentionDays: 30", 1, 3650),
            historyServerMemory: r.string("historyServerMemory", "spark-s3:historyServerMemory: 1Gi", quantity),
            prometheusOperator: r.bool("prometheusOperator", "spark-s3:prometheusOperator: false"),
        },
    };

    // Store-specific requirements.
    if (cfg.aws.existingBucket && objectStore !== "aws") {
        r.problems.push({
            key: "existingBucket",
            problem: `applies to objectStore aws only, not ${objectStore}`,
            example: "spark-s3:existingBucket: false",
        });
    }
    if (objectStore === "aws" && cfg.aws.region === "") {
        r.problems.push({ key: "aws:region", problem: "is required for objectStore aws", example: "aws:region: eu-west-1" });
    }
    if (objectStore === "flashblade" && cfg.flashblade.insecure && cfg.flashblade.caBundle) {
        r.problems.push({
            key: "flashbladeInsecure",
            problem: "is true while flashbladeCaBundle is set: choose one (the CA bundle verifies, insecure does not)",
            example: "spark-s3:flashbladeInsecure: false",
        });
    }
    if (objectStore === "flashblade") {
        for (const [key, value, example] of [
            ["flashbladeManagementUrl", cfg.flashblade.managementUrl, "https://flashblade-mgmt.example.com"],
            ["flashbladeDataUrl", cfg.flashblade.dataUrl, "https://10.21.200.10"],
            ["flashbladeAccount", cfg.flashblade.account, "spark"],
        ] as const) {
            if (value === "")
                r.problems.push({ key, problem: "is required for objectStore flashblade", example: `spark-s3:${key}: ${example}` });
        }
    }
    if (objectStore === "aws") {
        const a = cfg.aws;
        const needsCluster = [
            ...(a.auth !== "accessKey" ? [`awsAuth ${a.auth}`] : []),
            ...(a.efs === "create" ? ["efs create"] : []),
            ...(a.eksAddons.length ? ["eksAddons"] : []),
        ];
        if (needsCluster.length && a.eksClusterName === "") {
            r.problems.push({
                key: "eksClusterName",
                problem: `is required for ${needsCluster.join(", ")}: the program reads the cluster's network and identity from it`,
                example: "spark-s3:eksClusterName: spark-dev",
            });
        }
        const runtime = findSparkRuntime(sparkVersion);
        if (a.auth === "podIdentity" && runtime && runtime.awsSdk !== "v2") {
            r.problems.push({
                key: "awsAuth",
                problem: `podIdentity needs the AWS SDK v2 of Hadoop 3.4 (Spark 4.0); Spark ${runtime.spark} has hadoop-aws ${runtime.hadoop} with SDK v1, which cannot read EKS Pod Identity credentials`,
                example: "spark-s3:awsAuth: irsa",
            });
        }
        if (a.efs === "create" && cfg.staging.hostPath !== "") {
            r.problems.push({
                key: "stagingHostPath",
                problem: "is set while efs is create: choose one staging volume",
                example: 'spark-s3:stagingHostPath: ""',
            });
        }
    } else if (cfg.aws.efs === "create") {
        r.problems.push({
            key: "efs",
            problem: `create applies to objectStore aws only, not ${objectStore}`,
            example: "spark-s3:efs: existing",
        });
    }
    if (cfg.staging.hostPath === "" && cfg.staging.storageClass === "" && !(objectStore === "aws" && cfg.aws.efs === "create")) {
        r.problems.push({
            key: "stagingStorageClass",
            problem: "is empty and stagingHostPath is not set: the staging volume needs a ReadWriteMany (NFS) storage class",
            example: "spark-s3:stagingStorageClass: efs-sc",
        });
    }

    // The user's overrides must not break the committer setup: the policy pack's conf checks
    // run on the sparkConf the overrides would produce (the complete one is checked again by
    // the pack at preview).
    if (Object.keys(overrides).length > 0 && findSparkRuntime(sparkVersion) && r.problems.length === 0) {
        for (const problem of overrideProblems(overrides, cfg)) {
            r.problems.push({ key: "sparkConf", problem, example: 'spark-s3:sparkConf: ["spark.hadoop.fs.s3a.threads.max=128"]' });
        }
    }

    if (r.problems.length > 0) throw new ConfigError(r.problems);
    return cfg;
}

/** Keys the program owns; overriding them from stack config would fight the typed keys. */
const OWNED_PREFIXES: readonly [string, string][] = [
    ["spark.kubernetes.driver.secretKeyRef.", "credentials come from the Kubernetes Secret the program creates"],
    ["spark.kubernetes.executor.secretKeyRef.", "credentials come from the Kubernetes Secret the program creates"],
    ["spark.hadoop.fs.s3a.committer.name", "set spark-s3:committer instead"],
    ["spark.hadoop.fs.s3a.committer.staging.conflict-mode", "set spark-s3:conflictMode instead"],
    ["spark.hadoop.fs.s3a.committer.staging.tmp.path", "it is derived from spark-s3:stagingMountPath"],
    ["spark.hadoop.fs.s3a.endpoint", "it comes from the object store"],
];

function overrideProblems(overrides: Record<string, string>, cfg: StackConfig): string[] {
    const out: string[] = [];
    for (const key of Object.keys(overrides)) {
        const owned = OWNED_PREFIXES.find(([p]) => key === p || (p.endsWith(".") && key.startsWith(p)));
        if (owned) out.push(`${key} is managed by the program: ${owned[1]}`);
    }
    // The profile's own conf with the overrides on top. The endpoint is not known yet (the
    // object store computes it), so endpoint checks wait for the pack at preview.
    const base = s3aSparkConf({
        endpoint: { region: cfg.s3Region, pathStyle: false, tls: true },
        committer: cfg.spark.committer,
        conflictMode: cfg.spark.conflictMode,
        sparkVersion: cfg.spark.version,
        stagingMountPath: cfg.staging.mountPath,
        bufferDir: S3A_BUFFER_PATH,
    });
    const endpointPolicies: string[] = [POLICY.tls, POLICY.thirdParty];
    for (const violation of checkSparkConf({ ...base, ...overrides }, cfg.spark.version)) {
        if (endpointPolicies.includes(violation.policy)) continue;
        out.push(`${violation.message} [${violation.policy}]`);
    }
    return out;
}

/** Read StackConfig from the running Pulumi program's config. */
export function loadStackConfig(): StackConfig {
    const project = new pulumi.Config(PROJECT);
    const aws = new pulumi.Config("aws");
    const raw: RawConfig = (key) => {
        if (key.includes(":")) {
            const [ns, k] = key.split(":");
            return ns === "aws" ? aws.get(k) : new pulumi.Config(ns).get(k);
        }
        return project.get(key);
    };
    return parseStackConfig(raw, pulumi.getStack());
}
