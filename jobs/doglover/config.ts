/** DogLover's config keys (descriptions in Pulumi.yaml): a feature of the program, beside its job. */
import { spec } from "../../components/config/reader";
import type { Feature } from "../../components/config";

export const DOGLOVER_KEYS = {
    doglover: spec({ key: "doglover", type: "boolean", default: true, example: "true" }),
    sampleRecords: spec({ key: "sampleRecords", type: "integer", default: 20000, example: "20000", min: 100, max: 50_000_000 }),
} as const;

export interface DogLoverConfig {
    /** Deploy DogLover (its sample data, its job and the stack outputs about it). */
    readonly enabled: boolean;
    readonly sampleRecords: number;
}

/** The job name DogLover's SparkJob takes (a spark-s3:jobs entry may not). */
export const DOGLOVER_JOB = "doglover";

export const DOGLOVER: Feature<DogLoverConfig> = {
    keys: Object.values(DOGLOVER_KEYS),
    jobNames: [DOGLOVER_JOB],
    read: (r) => ({ enabled: r.get(DOGLOVER_KEYS.doglover), sampleRecords: r.get(DOGLOVER_KEYS.sampleRecords) }),
};
