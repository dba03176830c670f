/**
 * A stand-in for the spark-operator's controller, for clusters where it cannot run (the
 * ../shared/sim cluster: pods never run, and the controller is not built). It writes each
 * SparkApplication's status through the status subresource, the whole status at once, the way
 * kubeflow/spark-operator v2.5.2 does (internal/controller/sparkapplication/controller.go:
 * `r.client.Status().Update(ctx, app)` in a `retry.RetryOnConflict` loop):
 *
 * - the first write comes from `submitSparkApplication`: a new `submissionID`,
 *   `driverInfo.podName` (`<app>-driver`), `lastSubmissionAttemptTime`, `submissionAttempts` + 1,
 *   state SUBMITTED and `executionAttempts` + 1. `terminationTime` is a zero metav1.Time, which
 *   Go's encoding/json writes as `null` (omitempty does not apply to structs): it is there, null,
 *   from the first write. Empty strings, zero counters and nil maps are left out (omitempty).
 * - `reconcileSubmittedSparkApplication` / `Running`: the driver pod's phase gives RUNNING
 *   (`updateDriverState`), `sparkApplicationId` comes from the pod, the web UI service fills
 *   `driverInfo.webUIServiceName/Port/Address` (chart default `controller.uiService.enable`),
 *   executor pods fill `executorState`.
 * - the driver terminates: `terminationTime` is set and the state becomes SUCCEEDING or FAILING
 *   (with `errorMessage` "driver container failed with ExitCode: 1, Reason: Error").
 * - `reconcileSucceedingSparkApplication`: COMPLETED (no retry for OnFailure).
 * - `reconcileFailingSparkApplication`: while `util.ShouldRetry` (`executionAttempts <=
 *   onFailureRetries`) and once `onFailureRetryInterval x submissionAttempts` seconds have passed
 *   since the last submission (`util.TimeUntilNextRetryDue`), `resetSparkApplicationStatus`
 *   (clears `sparkApplicationId`, `terminationTime`, `errorMessage`, `driverInfo`,
 *   `executorState`) and PENDING_RERUN; then `reconcilePendingRerunSparkApplication` submits
 *   again. Without retries left: FAILED, with `terminationTime` and `errorMessage` kept.
 *
 * What it does not do: create driver or executor pods, services or events, or run spark-submit.
 */
import { randomBytes, randomUUID } from "crypto";
import type { Kubectl } from "./kubectl";

export type Scenario =
    /** SUBMITTED, RUNNING, SUCCEEDING, COMPLETED. */
    | "succeed"
    /** The driver fails, the operator retries once (onFailureRetries: 1), the retry fails: FAILED. */
    | "fail-after-retry"
    /** SUBMITTED, RUNNING, then nothing until `release` (a job still running when a timeout hits). */
    | "hang";

export interface Status {
    sparkApplicationId?: string;
    submissionID?: string;
    lastSubmissionAttemptTime?: string | null;
    terminationTime?: string | null;
    driverInfo: { podName?: string; webUIServiceName?: string; webUIPort?: number; webUIAddress?: string };
    applicationState: { state: string; errorMessage?: string };
    executorState?: Record<string, string>;
    executionAttempts?: number;
    submissionAttempts?: number;
}

export interface App {
    metadata: { name: string; namespace: string; uid: string; resourceVersion: string; deletionTimestamp?: string };
    spec: { restartPolicy?: { type?: string; onFailureRetries?: number; onFailureRetryInterval?: number } };
    status?: Partial<Status>;
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");
const DRIVER_FAILURE = "driver container failed with ExitCode: 1, Reason: Error";

/** Go's encoding/json output of the status struct: omitempty fields left out when empty. */
export function serialize(s: Status): Status {
    const out: Record<string, unknown> = {};
    if (s.sparkApplicationId) out.sparkApplicationId = s.sparkApplicationId;
    if (s.submissionID) out.submissionID = s.submissionID;
    out.lastSubmissionAttemptTime = s.lastSubmissionAttemptTime ?? null;
    out.terminationTime = s.terminationTime ?? null;
    const d: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s.driverInfo)) if (v !== undefined && v !== "" && v !== 0) d[k] = v;
    out.driverInfo = d;
    out.applicationState = s.applicationState.errorMessage
        ? { state: s.applicationState.state, errorMessage: s.applicationState.errorMessage }
        : { state: s.applicationState.state };
    if (s.executorState && Object.keys(s.executorState).length) out.executorState = s.executorState;
    if (s.executionAttempts) out.executionAttempts = s.executionAttempts;
    if (s.submissionAttempts) out.submissionAttempts = s.submissionAttempts;
    return out as unknown as Status;
}

/** One reconcile step of the controller for this app, or undefined when it would write nothing. */
export function nextStatus(app: App, scenario: Scenario, released: boolean, clock = Date.now()): Status | undefined {
    const cur = app.status as Status | undefined;
    const state = cur?.applicationState?.state ?? "";
    const name = app.metadata.name;
    const submit = (prev: Status | undefined): Status => ({
        // submitSparkApplication
        ...(prev ?? { driverInfo: {}, applicationState: { state: "" } }),
        submissionID: randomUUID(),
        driverInfo: { podName: `${name}-driver` },
        lastSubmissionAttemptTime: now(),
        submissionAttempts: (prev?.submissionAttempts ?? 0) + 1,
        applicationState: { state: "SUBMITTED" },
        executionAttempts: (prev?.executionAttempts ?? 0) + 1,
        terminationTime: prev?.terminationTime ?? null,
    });
    const attempt = cur?.executionAttempts ?? 0;
    const failThisAttempt = scenario === "fail-after-retry";
    switch (state) {
        case "": // NEW
            return submit(undefined);
        case "SUBMITTED": {
            const appId = `spark-${randomBytes(16).toString("hex")}`;
            return {
                ...cur!,
                sparkApplicationId: appId,
                driverInfo: { ...cur!.driverInfo, webUIServiceName: `${name}-ui-svc`, webUIPort: 4040, webUIAddress: "127.96.0.42:4040" },
                applicationState: { state: "RUNNING" },
                executorState: { [`${name}-${appId.slice(6, 14)}-exec-1`]: "RUNNING" },
            };
        }
        case "RUNNING": {
            if (scenario === "hang" && !released) return undefined;
            const executors = Object.fromEntries(
                Object.keys(cur!.executorState ?? {}).map((k) => [k, failThisAttempt ? "FAILED" : "COMPLETED"]),
            );
            return failThisAttempt
                ? {
                      ...cur!,
                      terminationTime: now(),
                      applicationState: { state: "FAILING", errorMessage: DRIVER_FAILURE },
                      executorState: executors,
                  }
                : { ...cur!, terminationTime: now(), applicationState: { state: "SUCCEEDING" }, executorState: executors };
        }
        case "SUCCEEDING":
            return { ...cur!, applicationState: { state: "COMPLETED" } };
        case "FAILING": {
            const policy = app.spec.restartPolicy ?? {};
            const retries = policy.onFailureRetries ?? 0;
            const shouldRetry = policy.type === "Always" || (policy.type === "OnFailure" && attempt <= retries);
            if (!shouldRetry) return { ...cur!, applicationState: { ...cur!.applicationState, state: "FAILED" } };
            const interval = (policy.onFailureRetryInterval ?? 0) * (cur!.submissionAttempts ?? 1) * 1000;
            const last = Date.parse(cur!.lastSubmissionAttemptTime ?? "") || 0;
            if (clock - last < interval) return undefined; // RequeueAfter
            // resetSparkApplicationStatus (FAILING) + PENDING_RERUN
            return {
                ...cur!,
                sparkApplicationId: undefined,
                terminationTime: null,
                driverInfo: {},
                executorState: undefined,
                applicationState: { state: "PENDING_RERUN" },
            };
        }
        case "PENDING_RERUN":
            return submit(cur);
        default: // COMPLETED, FAILED: terminal; the stand-in has nothing more to write
            return undefined;
    }
}

export interface StandInOptions {
    /** Time between two status writes of one application (the controller's pace, compressed). */
    stepMs?: number;
    pollMs?: number;
    log?: (line: string) => void;
    /** A Deployment of the real controller to keep at 0 replicas (so that only the stand-in writes statuses). */
    suppress?: { namespace: string; deployment: string };
}

/** Plays the operator for every SparkApplication in the cluster until stopped. */
export class OperatorStandIn {
    private readonly plans = new Map<string, Scenario[]>();
    private readonly assigned = new Map<string, Scenario>();
    private readonly lastWrite = new Map<string, number>();
    private readonly released = new Set<string>();
    private timer?: NodeJS.Timeout;
    private running?: Promise<void>;
    private stopped = false;
    /** Every status this stand-in wrote, in order: `ns/name state`. */
    readonly writes: string[] = [];

    constructor(
        private readonly kubectl: Kubectl,
        private readonly opts: StandInOptions = {},
    ) {}

    /** The next runs (new uids) of `namespace/name` play these scenarios, in order; then "succeed". */
    plan(namespace: string, name: string, ...scenarios: Scenario[]): void {
        this.plans.set(`${namespace}/${name}`, [...(this.plans.get(`${namespace}/${name}`) ?? []), ...scenarios]);
    }

    /** Let a hanging run of `namespace/name` go on to completion. */
    release(namespace: string, name: string): void {
        this.released.add(`${namespace}/${name}`);
    }

    start(): void {
        const tick = async () => {
            if (this.stopped) return;
            this.running = this.reconcileAll().catch((e) => this.opts.log?.(`stand-in: ${e instanceof Error ? e.message : e}`));
            await this.running;
            if (!this.stopped) this.timer = setTimeout(tick, this.opts.pollMs ?? 500);
        };
        void tick();
    }

    async stop(): Promise<void> {
        this.stopped = true;
        if (this.timer) clearTimeout(this.timer);
        await this.running;
    }

    private scenarioFor(app: App): Scenario {
        const uid = app.metadata.uid;
        let s = this.assigned.get(uid);
        if (!s) {
            const key = `${app.metadata.namespace}/${app.metadata.name}`;
            const queue = this.plans.get(key) ?? [];
            s = queue.shift() ?? "succeed";
            this.assigned.set(uid, s);
            this.opts.log?.(`stand-in: ${key} (${uid.slice(0, 8)}) plays "${s}"`);
        }
        return s;
    }

    private async reconcileAll(): Promise<void> {
        const sup = this.opts.suppress;
        if (sup) {
            const d = await this.kubectl.get("deployment", sup.deployment, sup.namespace).catch(() => undefined);
            if (d && d.spec.replicas > 0) {
                await this.kubectl
                    .run(["-n", sup.namespace, "scale", `deployment/${sup.deployment}`, "--replicas=0"])
                    .catch(() => undefined);
                this.opts.log?.(`stand-in: scaled ${sup.namespace}/${sup.deployment} to 0 (the stand-in plays the controller)`);
            }
        }
        let apps: App[];
        try {
            apps = await this.kubectl.list<App>("sparkapplications.sparkoperator.k8s.io");
        } catch {
            return; // the CRD is not installed (yet, or any more)
        }
        for (const app of apps) {
            if (app.metadata.deletionTimestamp) continue;
            const key = `${app.metadata.namespace}/${app.metadata.name}`;
            const uid = app.metadata.uid;
            if (Date.now() - (this.lastWrite.get(uid) ?? 0) < (this.opts.stepMs ?? 1500)) continue;
            const status = nextStatus(app, this.scenarioFor(app), this.released.has(key));
            if (!status) continue;
            const body = { ...app, status: serialize(status) };
            try {
                await this.kubectl.run(["replace", "--subresource=status", "-f", "-", "-o", "name"], JSON.stringify(body));
            } catch (e) {
                // A conflict (the object changed since we read it) is retried on the next poll,
                // as RetryOnConflict would; anything else is reported.
                if (!/Conflict|the object has been modified|NotFound|not found/.test(String(e))) this.opts.log?.(`stand-in: ${String(e)}`);
                continue;
            }
            this.lastWrite.set(uid, Date.now());
            this.writes.push(`${key} ${status.applicationState.state}`);
            this.opts.log?.(`stand-in: ${key} -> ${status.applicationState.state}`);
        }
    }
}
