/**
 * Stack configuration: one typed, validated StackConfig from the `spark-s3:` namespace of the
 * stack's config. The keys are declared by what they configure (operator.ts, staging-volume.ts,
 * observability.ts, object-store/<store>/config.ts, job/keys.ts, platform/keys.ts, and features
 * of the program such as DogLover); this module only assembles them. Every key of the namespace
 * must be one of them: an unknown key fails with its closest known one. Every problem is listed
 * at once, each naming its key and showing a valid example.
 */
import * as pulumi from "@pulumi/pulumi";
import { readPlatformSettings, platformKeys, type PlatformSettings } from "../platform/settings";
import { JOBS_KEY, readJobs, type NamedJob } from "../job/config";
import { ConfigError, PROJECT, Reader, unknownKeys, type KeySpec } from "./reader";

export { ConfigError, PROJECT, type ConfigProblem } from "./reader";

/** A feature of the program with keys of its own (e.g. DogLover), read after the platform. */
export interface Feature<T> {
    readonly keys: readonly KeySpec<any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    read(r: Reader, platform: PlatformSettings): T;
    /** Job names the feature's own jobs take (a jobs entry may not). */
    readonly jobNames?: readonly string[];
}

export interface StackConfig {
    readonly stack: string;
    readonly platform: PlatformSettings;
    /** The entries of spark-s3:jobs, in name order. */
    readonly jobs: readonly NamedJob[];
}

type FeatureValues<F> = { readonly [K in keyof F]: F[K] extends Feature<infer T> ? T : never };

/** Config as the CLI hands it over: "namespace:key" to its value (structured values as JSON). */
export type RawConfig = Readonly<Record<string, string>>;

/** Every key of the program's namespace, with those of the given features. */
export function programKeys(features: Record<string, Feature<unknown>> = {}): KeySpec<unknown>[] {
    return [...platformKeys(), JOBS_KEY as KeySpec<unknown>, ...Object.values(features).flatMap((f) => f.keys as KeySpec<unknown>[])];
}

/**
 * Parse and validate. Throws ConfigError listing every problem. `baseDir`: what relative paths
 * (codeDir, CA bundles, a local chart) are relative to: the project.
 */
export function parseStackConfig<F extends Record<string, Feature<unknown>>>(
    config: RawConfig,
    stack: string,
    features: F = {} as F,
    baseDir: string = process.cwd(),
): StackConfig & FeatureValues<F> {
    const prefix = `${PROJECT}:`;
    const r = new Reader((key) => config[key.includes(":") ? key : prefix + key], stack);
    const present = Object.keys(config)
        .filter((k) => k.startsWith(prefix))
        .map((k) => k.slice(prefix.length));
    unknownKeys(r, present, programKeys(features), "a key of this program", "every key is listed in docs/configuration.md");
    const platform = readPlatformSettings(r);
    const values = Object.fromEntries(Object.entries(features).map(([name, f]) => [name, f.read(r, platform)]));
    const reserved = Object.values(features).flatMap((f) => f.jobNames ?? []);
    const jobs = readJobs(
        r,
        baseDir,
        {
            runtime: platform.spark.runtime,
            committer: platform.spark.committer,
            conflictMode: platform.spark.conflictMode,
            platformConf: platform.spark.conf,
            stagingMountPath: platform.staging.mountPath,
            s3Region: platform.store.s3Region,
            operatorReadsS3a: platform.spark.operatorReadsS3a,
        },
        reserved,
    );
    if (r.problems.length > 0) throw new ConfigError(r.problems);
    return { stack, platform, jobs, ...values } as StackConfig & FeatureValues<F>;
}

/** Read StackConfig from the running Pulumi program's config. */
export function loadStackConfig<F extends Record<string, Feature<unknown>>>(features: F = {} as F): StackConfig & FeatureValues<F> {
    return parseStackConfig(pulumi.runtime.allConfig(), pulumi.getStack(), features);
}
