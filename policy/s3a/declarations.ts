/**
 * What a job declares about itself in its annotations, for the cases the manifest cannot show:
 * which s3a:// locations it commits files to through Hadoop's output committers (the committer
 * rules then apply at their own level), or that it commits none (with a reason: the rules are
 * waived, and the waiver is reported). A ScheduledSparkApplication declares on its own metadata.
 *
 *   metadata:
 *     annotations:
 *       guardrails.spark-s3.io/s3a-outputs: "s3a://lake/daily, s3a://lake/rejects"
 *   # or
 *       guardrails.spark-s3.io/s3a-outputs: none
 *       guardrails.spark-s3.io/s3a-outputs-reason: "writes Iceberg tables through the Glue catalog only"
 *
 * Annotations, not labels: label values cannot hold URIs or sentences.
 */
import { asObject, isKnown, isUnknown, type SparkApplicationLike } from "./conf";

export const ANNOTATION_PREFIX = "guardrails.spark-s3.io/";
export const OUTPUTS_ANNOTATION = `${ANNOTATION_PREFIX}s3a-outputs`;
export const REASON_ANNOTATION = `${ANNOTATION_PREFIX}s3a-outputs-reason`;

export type Declaration =
    | { readonly kind: "outputs"; readonly outputs: readonly string[] }
    | { readonly kind: "none"; readonly reason: string }
    | { readonly kind: "unknown" };

export interface DeclarationReading {
    /** The declaration in force (undefined: none, or ignored because of a problem). */
    readonly declaration?: Declaration;
    /** Why (part of) what the job declares is ignored, one sentence each. */
    readonly problems: readonly string[];
}

const normalize = (uri: string) => uri.trim().replace(/\/+$/, "");

/** The job's declaration, read from its annotations. */
export function readDeclaration(app: SparkApplicationLike): DeclarationReading {
    const annotations = asObject<Record<string, unknown>>(asObject<{ annotations?: unknown }>(app.metadata)?.annotations);
    const raw = annotations?.[OUTPUTS_ANNOTATION];
    const reason = annotations?.[REASON_ANNOTATION];
    if (raw === undefined) {
        return reason === undefined
            ? { problems: [] }
            : { problems: [`${REASON_ANNOTATION} is set without ${OUTPUTS_ANNOTATION}: none, so it waives nothing.`] };
    }
    if (isUnknown(raw) || isUnknown(reason)) return { declaration: { kind: "unknown" }, problems: [] };
    const value = typeof raw === "string" ? raw.trim() : "";
    const example = `${OUTPUTS_ANNOTATION}: "s3a://bucket/output" (the s3a:// locations it commits files to), or none with ${REASON_ANNOTATION}`;
    if (value.toLowerCase() === "none") {
        if (typeof reason !== "string" || !isKnown(reason) || reason.trim() === "") {
            return {
                problems: [
                    `${OUTPUTS_ANNOTATION}: none waives the committer rules only with a reason in ${REASON_ANNOTATION} (e.g. "writes Delta tables only"); the waiver is ignored.`,
                ],
            };
        }
        return { declaration: { kind: "none", reason: reason.trim() }, problems: [] };
    }
    const entries = value
        .split(/[\s,]+/)
        .map((e) => e.trim())
        .filter(Boolean);
    const outputs = entries.filter((e) => /^s3a:\/\/[^/\s]+/.test(e)).map(normalize);
    const others = entries.filter((e) => !/^s3a:\/\/[^/\s]+/.test(e));
    const problems: string[] = [];
    if (others.length > 0)
        problems.push(`${OUTPUTS_ANNOTATION} lists ${others.join(", ")}, which are not s3a:// locations: write ${example}.`);
    if (outputs.length === 0) {
        if (others.length === 0) problems.push(`${OUTPUTS_ANNOTATION} is empty: write ${example}.`);
        return { problems };
    }
    return { declaration: { kind: "outputs", outputs: [...new Set(outputs)] }, problems };
}
