/**
 * `spark-s3:jobs`: a team's jobs in stack config, a map from job name to its fields, e.g.
 *
 *   spark-s3:jobs:
 *     nightly:
 *       codeDir: jobs/nightly
 *       mainFile: nightly.py
 *       schedule: "0 2 * * *"
 *
 * Every entry is read like SparkJob's args; problems name the key path
 * (`spark-s3:jobs.nightly.executorInstances`) with a valid example.
 */
import { configNaming, spec, type Reader } from "../config/reader";
import { JOB_NAME, jobPlatformProblems, readJobSpec, type JobPlatformContext, type JobSpec } from "./spec";

export const JOBS_KEY = spec({
    key: "jobs",
    type: "object",
    default: {} as Record<string, unknown>,
    example: '{ nightly: { codeDir: jobs/nightly, mainFile: nightly.py, schedule: "0 2 * * *" } }',
});

export interface NamedJob {
    readonly name: string;
    readonly spec: JobSpec;
}

/**
 * The jobs of the stack, in name order. `reserved`: names the program's own jobs use (DogLover);
 * `baseDir`: what codeDir is relative to (the project).
 */
export function readJobs(
    r: Reader,
    baseDir: string,
    platform: JobPlatformContext | undefined,
    reserved: readonly string[] = [],
): NamedJob[] {
    const entries = r.get(JOBS_KEY);
    const out: NamedJob[] = [];
    for (const name of Object.keys(entries).sort()) {
        const entry = entries[name];
        const path = `${JOBS_KEY.key}.${name}`;
        if (!JOB_NAME.test(name)) {
            r.fail(
                path,
                `"${name}" is not a job name (lowercase letters, digits and '-', starting with a letter, at most 30 characters)`,
                "{ mainFile: ... }",
            );
            continue;
        }
        if (reserved.includes(name)) {
            r.fail(path, `"${name}" is the name of a job the program deploys itself`, "(another name)");
            continue;
        }
        if (!entry || typeof entry !== "object" || Array.isArray(entry)) {
            r.fail(
                path,
                `must be a map of the job's fields, got ${JSON.stringify(entry)}`,
                "{ codeDir: jobs/nightly, mainFile: nightly.py }",
            );
            continue;
        }
        const fields = entry as Record<string, unknown>;
        const nested = r.nested((k) => fields[k], configNaming(`${path}.`));
        const job = readJobSpec(nested, Object.keys(fields), baseDir);
        if (platform) jobPlatformProblems(nested, job, platform);
        out.push({ name, spec: job });
    }
    return out;
}
