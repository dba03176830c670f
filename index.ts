/**
 * Spark on Kubernetes with fast S3 access. Composition only: the stack config, the platform, its
 * jobs (DogLover and the entries of spark-s3:jobs), the outputs a user needs. The keys are in
 * docs/configuration.md, the jobs in docs/jobs.md.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig } from "./components/config";
import { SparkJob } from "./components/job";
import { SparkPlatform } from "./components/platform";
import { DOGLOVER } from "./jobs/doglover/config";
import { DogLover } from "./jobs/doglover/doglover";

const cfg = loadStackConfig({ doglover: DOGLOVER });

// The platform's resources keep the URNs they had when this program created them at the top level.
const platform = new SparkPlatform("spark", {}, { settings: cfg.platform, adoptTopLevelResources: true });

const doglover = cfg.doglover.enabled
    ? new DogLover("doglover", {
          platform: platform.handle,
          sampleRecords: cfg.doglover.sampleRecords,
          seedDeadlineSeconds: cfg.platform.setupJobDeadlineSeconds,
          rerunHint: `pulumi config set spark-s3:jobRun <a new value> && pulumi up   (or: pulumi up --replace <the SparkApplication's URN>)`,
      })
    : undefined;

// Each job's URN and names derive from its own entry only: adding or removing one leaves the others alone.
const teamJobs = cfg.jobs.map(({ name, spec }) => new SparkJob(name, { platform: platform.handle }, { spec }));

export const objectStore = platform.objectStore;
export const bucket = platform.bucket;
export const s3Endpoint = platform.s3Endpoint;
export const s3AccessKeyId = platform.s3AccessKeyId;
export const s3SecretAccessKey = platform.s3SecretAccessKey;
/** The IAM role Spark's pods assume (awsAuth podIdentity, irsa). */
export const sparkRoleArn = platform.sparkRoleArn;
export const stagingStorageClass = platform.stagingStorageClass;
export const jobNamespace = platform.jobNamespace;
export const eventLogDirectory = platform.eventLogDirectory;
export const historyServerUrl = platform.historyServerUrl;
export const historyServerPortForward = platform.historyServerPortForward;

/** Every job of the stack: its application, state and the commands to watch it and read its log. */
export const jobs = pulumi.all(
    Object.fromEntries(
        [...(doglover ? [["doglover", doglover.job] as const] : []), ...cfg.jobs.map((j, i) => [j.name, teamJobs[i]] as const)].map(
            ([name, job]) => [
                name,
                pulumi.all({
                    applicationName: job.applicationName,
                    kind: job.kind,
                    state: job.state,
                    statusCommand: job.statusCommand,
                    logsCommand: job.logsCommand,
                }),
            ],
        ),
    ),
);

// DogLover's run and data.
export const sparkApplication = doglover?.job.applicationName;
export const jobState = doglover?.job.state;
export const input = doglover?.paths.input;
export const output = doglover?.paths.output;
export const aggregates = doglover?.paths.aggregates;
export const rejects = doglover?.paths.rejects;
export const statusCommand = doglover?.job.statusCommand;
export const followCommand = doglover?.job.logsCommand;
