import { OUTPUTS_ANNOTATION, REASON_ANNOTATION } from "../s3a/declarations";
import { mentionsS3A } from "../s3a/conf";
import { label } from "../s3a/resources";
import { heldBack } from "../s3a/run";
import { stackRule, type Finding } from "./rule";
import { claim, goodConf, sparkApp } from "./examples";

const NAME = "s3a-committer-applicability";
/** A job with no committer settings at all (the example jobs below). */
const PLAIN = goodConf({
    "spark.hadoop.fs.s3a.committer.name": undefined,
    "spark.sql.sources.commitProtocolClass": undefined,
    "spark.sql.parquet.output.committer.class": undefined,
});
const DECLARE = `declare the job's outputs in its annotation ${OUTPUTS_ANNOTATION} (the s3a:// locations it commits files to, which makes this ${"{level}"}, or none with a reason in ${REASON_ANNOTATION}, which waives it)`;

/**
 * The committer rules matter where a job commits files to s3a:// through Hadoop's output
 * committers (s3a/writes.ts judges that from the manifest). Pulumi gives a policy one level, so
 * the findings that cannot be given their rule's level are reported here, each saying why:
 * - the pack cannot tell whether the job commits files to s3a:// (positional arguments, only an
 *   event log, paths chosen in code...): each finding the committer rules would report, as advice;
 * - the job waives the rules with a reason in its annotation: one line saying so;
 * - the job's declaration is ignored (no reason, not s3a:// locations): why.
 * Jobs shown to write no files through the committers (Iceberg, Delta, Hudi, streaming, only
 * local outputs, Spark's Pi) get nothing. A platform that wants every undetermined job treated as
 * committing sets this policy to mandatory.
 */
export const committerApplicability = stackRule({
    kind: "stack",
    name: NAME,
    level: "advisory",
    description:
        "Says why committer rules did not apply at their level to a job: the pack cannot tell whether it commits files to s3a://, or the job waives them with a reason.",
    firesOn:
        "a job that uses S3A but whose manifest does not show whether it commits files to `s3a://` (its findings from the committer rules, as advice, with the reason); a job whose annotation waives the committer rules (one line with its reason); a declaration the pack ignores",
    why: "A rule that blocks correct Iceberg, Delta or streaming jobs gets switched off, and then it guards nothing; a rule that stays silent where it cannot tell hides a slow or unsafe commit. So where the manifest cannot tell, the finding is advice that says why, and the job can settle it with a declaration.",
    options: ["allowedCommitters", "sharedClaims", "trustedImages", "imageHadoop"],
    examples: [
        {
            title: "input and output as positional arguments, no committer",
            resources: [
                sparkApp({
                    arguments: ["s3a://lake/trips/2025", "s3a://lake/trips-by-zone/2025"],
                    sparkConf: PLAIN,
                }),
                claim(),
            ],
            fires: true,
        },
        {
            title: "a job that waives the committer rules",
            resources: [
                sparkApp(
                    { arguments: ["s3a://lake/raw"], sparkConf: PLAIN },
                    { annotations: { [OUTPUTS_ANNOTATION]: "none", [REASON_ANNOTATION]: "writes to JDBC only" } },
                ),
                claim(),
            ],
            fires: true,
        },
        {
            title: "a Delta Lake job without committer settings",
            resources: [
                sparkApp({
                    arguments: ["--table", "s3a://lake/delta/trips"],
                    sparkConf: goodConf({
                        "spark.hadoop.fs.s3a.committer.name": undefined,
                        "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
                    }),
                }),
                claim(),
            ],
            fires: false,
        },
    ],
    check: ({ jobs, opts, rules }) => {
        const out: (Finding & { urn: string })[] = [];
        for (const job of jobs) {
            if (!mentionsS3A(job.view.app, job.view.conf)) continue;
            const who = label(job.resource);
            const urn = job.resource.urn;
            for (const p of job.writes.declarationProblems) out.push({ urn, key: `metadata.annotations`, message: `${who}: ${p}` });
            if (job.writes.kind === "commits") continue;
            const held = rules
                .filter((r) => r.kind === "job" && r.name !== NAME)
                .flatMap((r) => (r.kind === "job" ? heldBack(r, job, opts, rules).map((f) => ({ rule: r, f })) : []));
            const declared = job.writes.declared;
            if (declared?.kind === "none") {
                const names = [...new Set(held.map((h) => h.rule.name))];
                out.push({
                    urn,
                    key: `metadata.annotations["${OUTPUTS_ANNOTATION}"]`,
                    message: `${who} waives the committer rules (${OUTPUTS_ANNOTATION}: none): ${declared.reason.replace(/[.\s]+$/, "")}.${names.length ? ` Waived: ${held.length} finding${held.length === 1 ? "" : "s"} of ${names.join(", ")}.` : ""} Remove the annotation if it commits files to s3a:// after all.`,
                });
                continue;
            }
            if (job.writes.kind !== "undetermined") continue;
            for (const { rule, f } of held) {
                out.push({
                    urn,
                    key: f.key,
                    message: `advice, not ${rule.level}: ${rule.name} applies only if ${who} commits files to s3a:// through Hadoop's committers, and the pack cannot tell (${job.writes.why}). ${f.message} To settle it, ${DECLARE.replace("{level}", rule.level)}.`,
                });
            }
        }
        return out;
    },
});
