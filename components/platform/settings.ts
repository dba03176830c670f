/**
 * Everything a SparkPlatform is configured by, read in one pass from stack config (the program)
 * or from SparkPlatform's args (Pulumi YAML, Python): the keys are the same, declared by the
 * features that own them (operator, object stores, staging, observability, jobs). The Spark
 * version becomes its matrix row here, once; every builder downstream takes the row.
 */
import type { ConflictMode, S3ACommitter } from "../../policy/s3a/facts";
import { sparkRuntime, type SparkRuntime } from "../../policy/s3a/versions";
import { keyValues } from "../config/checks";
import { qualify, type KeySpec, type Reader } from "../config/reader";
import { mirrored } from "../images";
import { JOB_DEFAULT_KEYS, readJobDefaults, type JobDefaults } from "../job/keys";
import { overrideProblems } from "../job/conf-check";
import { STORE_KEYS, readStoreSettings } from "../object-store/keys";
import { OBJECT_STORE_KEY, STORES } from "../object-store/registry";
import type { StoreModule, StoreSettings } from "../object-store/types";
import { OBSERVABILITY_CONFIG, readObservabilitySettings, type ObservabilitySettings } from "../observability";
import { OPERATOR_KEYS, readOperatorSettings, type OperatorSettings } from "../operator";
import { STAGING_KEYS, readStagingSettings, type StagingSettings } from "../staging-volume";
import { PLATFORM_KEYS } from "./keys";

export interface SparkSettings {
    readonly runtime: SparkRuntime;
    /** The image of driver, executors and the History Server (an explicit sparkImage as given, else the matrix's, mirrored). */
    readonly image: string;
    /** A stock image: the committer jars come through spark.jars.packages. */
    readonly packages: boolean;
    readonly committer: S3ACommitter;
    readonly conflictMode: ConflictMode;
    /** The platform's additions to every job's sparkConf, already checked. */
    readonly conf: Readonly<Record<string, string>>;
    /** The operator's own spark-submit has hadoop-aws: jobs may name s3a:// code. */
    readonly operatorReadsS3a: boolean;
}

export interface PlatformSettings {
    readonly stack: string;
    readonly store: StoreSettings;
    /** The store's own settings (its StoreModule's type). */
    readonly storeConfig: unknown;
    readonly storeModule: StoreModule;
    readonly operator: OperatorSettings;
    readonly imageRegistry: string;
    /** Deadline of the helper Jobs (MinIO setup, event-log directory, staging init, seeds), in seconds. */
    readonly setupJobDeadlineSeconds: number;
    readonly spark: SparkSettings;
    readonly staging: StagingSettings;
    readonly observability: ObservabilitySettings;
    readonly jobDefaults: JobDefaults;
}

/** Every key a platform reads: the registry of every store's keys included (for unknown-key checks and docs). */
export function platformKeys(): KeySpec<unknown>[] {
    return [
        OBJECT_STORE_KEY,
        ...Object.values(STORE_KEYS),
        ...Object.values(STORES).flatMap((s) => s.keys),
        ...Object.values(OPERATOR_KEYS),
        ...Object.values(PLATFORM_KEYS),
        ...Object.values(STAGING_KEYS),
        ...Object.values(OBSERVABILITY_CONFIG),
        ...Object.values(JOB_DEFAULT_KEYS),
    ] as KeySpec<unknown>[];
}

/** Read and check every platform key; problems go to the reader (the caller throws). */
export function readPlatformSettings(r: Reader): PlatformSettings {
    const kind = r.get(OBJECT_STORE_KEY);
    const storeModule = STORES[kind] ?? STORES[OBJECT_STORE_KEY.default];
    const k = PLATFORM_KEYS;
    const imageRegistry = r.get(k.imageRegistry);
    const store = readStoreSettings(r, kind, storeModule.derivesBucketName, imageRegistry);
    // Every store's keys are type-checked; the chosen store's requirements are checked below.
    const storeConfigs = Object.fromEntries(Object.entries(STORES).map(([name, m]) => [name, m.read(r)]));
    const storeConfig = storeConfigs[storeModule.kind];
    const operator = readOperatorSettings(r);

    const version = r.get(k.sparkVersion);
    const runtime = sparkRuntime(k.sparkVersion.check!(version) ? k.sparkVersion.default : version);
    const image = r.get(k.sparkImage);
    const committer = r.get(k.committer) as S3ACommitter;
    const conflictMode = r.get(k.conflictMode) as ConflictMode;
    const { map: conf, bad } = keyValues(r.get(k.sparkConf));
    for (const item of bad) r.fail(k.sparkConf.key, `item ${JSON.stringify(item)} is not of the form key=value`, k.sparkConf.example);

    const staging = readStagingSettings(r, storeModule.createsStagingClass?.(storeConfig) ?? false);
    const settings: PlatformSettings = {
        stack: r.stack,
        store,
        storeConfig,
        storeModule,
        operator,
        imageRegistry,
        setupJobDeadlineSeconds: 60 * r.get(k.setupJobTimeoutMinutes),
        spark: {
            runtime,
            // An explicit sparkImage is used as given (it names its registry); the matrix's stock image goes through the mirror.
            image: image || mirrored(runtime.image, imageRegistry),
            packages: image === "",
            committer,
            conflictMode,
            conf,
            operatorReadsS3a: r.get(k.operatorReadsS3a),
        },
        staging,
        observability: readObservabilitySettings(r),
        jobDefaults: readJobDefaults(r),
    };

    storeModule.check(r, storeConfig, { settings: store, runtime, hostPathStaging: staging.hostPath !== "" });
    for (const [name, m] of Object.entries(STORES)) if (name !== storeModule.kind) m.checkElsewhere?.(r, storeConfigs[name], kind);

    // The additions must not break the committer setup (checked once the rest is valid: the
    // checks build the profile from it).
    if (Object.keys(conf).length > 0 && r.problems.length === 0) {
        for (const problem of overrideProblems(conf, {
            runtime,
            committer,
            conflictMode,
            stagingMountPath: staging.mountPath,
            s3Region: store.s3Region,
            field: (name) => qualify(r.naming.path(name)),
        })) {
            r.fail(k.sparkConf.key, problem, '["spark.hadoop.fs.s3a.threads.max=128"]');
        }
    }
    return settings;
}
