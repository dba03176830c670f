import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * The one way this program runs a helper Kubernetes Job (MinIO setup, sample-data seed, staging
 * init).
 *
 * - Bounded by Kubernetes itself: pulumi-kubernetes' Job await restarts its timeout on every
 *   event (`case <-time.After(timeout)` inside the select loop of `provider/pkg/await/job.go`,
 *   v4.25.0; informers resync every minute), so a stuck Job would keep `pulumi up` waiting for
 *   ever. `activeDeadlineSeconds` makes the Job controller fail it (reason DeadlineExceeded) and
 *   `backoffLimit` caps the retries (BackoffLimitExceeded); the provider's Job await then reports
 *   the Job's failure together with its pods' reasons.
 * - No `ttlSecondsAfterFinished`: a finished Job must stay, or `pulumi refresh` drops it from the
 *   state and the next `pulumi up` runs it again. A Job runs again only when its spec changes
 *   (Pulumi replaces it under a new name).
 * - A failed Job is re-run by the next `pulumi up`: `replaceOnChanges: ["*"]` makes the engine
 *   replace, instead of re-await, a resource that failed to initialize (pulumi/pulumi
 *   `applyReplaceOnChanges`, pkg/resource/deploy/step_generator.go). A Job's spec is immutable,
 *   so every other change replaces it anyway.
 * - `restartPolicy: Never`: every attempt is its own pod, so a failed attempt's pod and log stay
 *   for `kubectl logs` instead of being restarted in place.
 */
export interface HelperJobArgs {
    namespace: pulumi.Input<string>;
    labels: Record<string, string>;
    podSpec: k8s.types.input.core.v1.PodSpec;
    /** Seconds the Job may run in all (activeDeadlineSeconds). */
    deadlineSeconds: number;
    /** Retries after a failed pod (backoffLimit). */
    backoffLimit?: number;
}

export const DEFAULT_BACKOFF_LIMIT = 2;

/** The Job spec (pure; tested). */
export function helperJobSpec(
    args: Pick<HelperJobArgs, "labels" | "podSpec" | "deadlineSeconds" | "backoffLimit">,
): k8s.types.input.batch.v1.JobSpec {
    if (!Number.isInteger(args.deadlineSeconds) || args.deadlineSeconds < 1) {
        throw new Error(`a Job deadline must be a positive number of seconds, got ${args.deadlineSeconds}`);
    }
    return {
        activeDeadlineSeconds: args.deadlineSeconds,
        backoffLimit: args.backoffLimit ?? DEFAULT_BACKOFF_LIMIT,
        template: { metadata: { labels: args.labels }, spec: { ...args.podSpec, restartPolicy: "Never" } },
    };
}

export function helperJob(name: string, args: HelperJobArgs, opts: pulumi.CustomResourceOptions): k8s.batch.v1.Job {
    return new k8s.batch.v1.Job(
        name,
        { metadata: { namespace: args.namespace, labels: args.labels }, spec: helperJobSpec(args) },
        { ...opts, replaceOnChanges: ["*"] },
    );
}
