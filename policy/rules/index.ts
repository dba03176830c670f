/**
 * The registry: every rule of the pack, in the order of the docs. It only assembles; each rule
 * is one module in this folder (rule.ts says what a rule is). A new rule is one file and one
 * line here; the Pulumi policies, the `check` command, the rule table of policy/README.md and
 * docs/policy-rules.md (npm run docs:rules) follow from this list.
 */
import type { Rule } from "./rule";
import { committerRequired } from "./committer-required";
import { committerScheme } from "./committer-scheme";
import { magicTrackingJobWide } from "./magic-tracking-job-wide";
import { stagingOnSharedVolume } from "./staging-on-shared-volume";
import { knownKeys } from "./known-keys";
import { noLiteralCredentials } from "./no-literal-credentials";
import { committerJars } from "./committer-jars";
import { sparkVersionAllowed } from "./spark-version-allowed";
import { tlsRequired } from "./tls-required";
import { thirdPartyEndpoint } from "./third-party-endpoint";
import { committerConsistency } from "./committer-consistency";
import { jarDelivery } from "./jar-delivery";
import { sparkVersionKnown } from "./spark-version-known";
import { bufferDirLocal } from "./buffer-dir-local";
import { concurrentWriters } from "./concurrent-writers";
import { committerApplicability } from "./committer-applicability";
import { previewCoverage } from "./preview-coverage";
import { bucketAbortsIncompleteUploads } from "./bucket-aborts-incomplete-uploads";

export const RULES: readonly Rule[] = [
    committerRequired,
    stagingOnSharedVolume,
    knownKeys,
    noLiteralCredentials,
    committerJars,
    sparkVersionAllowed,
    tlsRequired,
    thirdPartyEndpoint,
    committerConsistency,
    committerScheme,
    magicTrackingJobWide,
    jarDelivery,
    sparkVersionKnown,
    bufferDirLocal,
    concurrentWriters,
    committerApplicability,
    previewCoverage,
    bucketAbortsIncompleteUploads,
];

export type { Rule, JobRule, StackRule, Finding, Violation, EnforcementLevel } from "./rule";
