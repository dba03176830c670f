import { UNKNOWN, mentionsS3A, perBucketReadings, s3aUseUndetermined } from "../s3a/conf";
import { finding, jobRule, type Reads, type Rule } from "./rule";
import { goodConf, sparkApp } from "./examples";

const NAME = "s3a-preview-coverage";

/** The rule's reads, with what the writes judgement reads for rules that look only at committing jobs. */
const readsOf = (r: Rule): Reads | undefined => {
    const reads = r.kind === "job" ? r.reads : r.reads;
    if (!reads) return undefined;
    return r.kind === "job" && r.jobs === "commits" ? { ...reads, writes: true } : reads;
};

const matches = (patterns: readonly (string | RegExp)[] | undefined, key: string) =>
    (patterns ?? []).some((p) => (typeof p === "string" ? p === key : p.test(key)));

/** Paths whose values decide what a job writes (s3a/locations.ts reads them). */
const WRITES_PATHS = /^(spec\.(arguments|mainApplicationFile|deps|driver\.env|executor\.env)(\.|\[|$)|metadata\.annotations)/;
const locationKey = (key: string) =>
    !key.startsWith("spark.hadoop.") && /(path|dir|location|uri|url|bucket|prefix|output|input|checkpoint|warehouse)$/i.test(key);

/** Which rules read a value at this path of a SparkApplication (as conf.withUnknowns names paths). */
export function readersOf(path: string, rules: readonly Rule[]): string[] {
    const readers = rules.filter((r) => r.name !== NAME && readsOf(r) !== undefined);
    if (["(the whole resource)", "spec", "spec.sparkConf", "spec.hadoopConf"].includes(path)) return readers.map((r) => r.name);
    const conf = /^spec\.(sparkConf|hadoopConf)\["(.+)"\]$/.exec(path);
    if (conf) {
        const key = conf[1] === "hadoopConf" ? `spark.hadoop.${conf[2]}` : conf[2];
        const hadoopKey = key.startsWith("spark.hadoop.") ? key.slice("spark.hadoop.".length) : undefined;
        return readers
            .filter((r) => {
                const reads = readsOf(r)!;
                if (matches(reads.conf, key)) return true;
                if (
                    hadoopKey &&
                    (reads.hadoop ?? []).some((o) => o === hadoopKey || perBucketReadings(hadoopKey).some((b) => b.generic === o))
                )
                    return true;
                return !!reads.writes && locationKey(key);
            })
            .map((r) => r.name);
    }
    return readers
        .filter((r) => {
            const reads = readsOf(r)!;
            return (reads.spec ?? []).some((p) => p.test(path)) || (!!reads.writes && WRITES_PATHS.test(path));
        })
        .map((r) => r.name);
}

/**
 * A value computed from other resources is unknown during `pulumi preview`. The checks never read
 * it as "not set" (a false alarm) and leave unchecked only what depends on it; this says what, so
 * that a clean preview is not mistaken for a checked one. The engine runs the pack again with the
 * real values at `pulumi up`.
 */
export const previewCoverage = jobRule({
    kind: "job",
    name: NAME,
    level: "advisory",
    jobs: "all",
    description: "Reports which checks could not see values that are unknown during pulumi preview.",
    firesOn:
        "values unknown during `pulumi preview` (computed from other resources): says which policies could only check the known values (all jobs)",
    why: "Without it, a preview in which a policy could not see the committer, the endpoint or the Spark version looks the same as one in which it checked them.",
    options: [],
    reads: {},
    examples: [
        {
            title: "an endpoint computed from the object store",
            resources: [sparkApp({ sparkConf: goodConf({ "spark.hadoop.fs.s3a.endpoint": UNKNOWN }) })],
            fires: true,
        },
        { title: "every value known", resources: [sparkApp()], fires: false },
    ],
    check: ({ view, rules }) => {
        if (view.unknown.length === 0) return [];
        const undetermined = s3aUseUndetermined(view.app, view.conf);
        const s3a = undetermined || mentionsS3A(view.app, view.conf);
        const everyJob = new Set(rules.filter((r) => r.kind === "job" && r.jobs === "all").map((r) => r.name));
        const grouped = new Map<string, string[]>();
        for (const path of view.unknown) {
            const readers = readersOf(path, rules).filter((p) => s3a || everyJob.has(p));
            if (readers.length === 0) continue;
            const key = readers.join(", ");
            grouped.set(key, [...(grouped.get(key) ?? []), path]);
        }
        const parts = [...grouped].map(([readers, paths]) => `${paths.join(", ")} (${readers})`);
        if (undetermined) parts.unshift("whether the job uses s3a:// at all, so only the checks of every job ran");
        if (parts.length === 0) return [];
        return [
            finding(
                `during preview these values are unknown, so the policies that read them checked only the known values: ${parts.join("; ")}. Pulumi runs the pack again with the real values at pulumi up.`,
                view.unknown[0],
            ),
        ];
    },
});
