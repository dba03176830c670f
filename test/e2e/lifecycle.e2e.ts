/**
 * The `local` stack's whole life on a real API server with the real Pulumi engine: preview with
 * the policy pack, up, a no-op up, refresh, config changes that replace things and back, a failed
 * job and its documented re-run, a job still running at the timeout, a helper Job that cannot
 * run, destroy, and up again. Each step asserts on the engine's summary and on the live objects.
 *
 *   KUBECONFIG=... npm run test:e2e          (npm run test:e2e:sim starts a kwokctl cluster for you)
 *
 * Env: KUBECONFIG (required), PULUMI_CLI (default: pulumi on PATH), E2E_CLUSTER_FURNITURE (a
 * manifest re-applied before the up after destroy: the sim's pre-provisioned PV), E2E_OPERATOR_CHART (default:
 * the operator's v2.5.2 chart from scripts/upstream.sh),
 * E2E_OPERATOR=standin|real (default standin: the test plays the operator's controller and
 * scales the real one to 0; real: the operator runs Spark, the scenarios that need a forced
 * failure are skipped).
 */
import { strict as assert } from "assert";
import * as path from "path";
import type { Stack, UpResult } from "@pulumi/pulumi/automation";
import { sparkOperator } from "../helpers/upstream";
import { Kubectl } from "./kubectl";
import { OperatorStandIn } from "./operator-standin";
import { makeProject, type E2EProject } from "./project";

const kubectl = new Kubectl();
const APP = "doglover-local";
const NS = "spark-jobs";
const NS_B = "spark-e2e-b";
const STANDIN = (process.env.E2E_OPERATOR ?? "standin") === "standin";
const chart = process.env.E2E_OPERATOR_CHART ?? sparkOperator.chart();

const log = (line: string) => process.stdout.write(`      ${line}\n`);
const STACK_TRACE = /\n\s+at .+ \(.+:\d+:\d+\)/;

interface Summary {
    create: number;
    update: number;
    delete: number;
    replace: number;
    same: number;
}
function summary(changes: Record<string, number> | undefined): Summary {
    const c = changes ?? {};
    return { create: c.create ?? 0, update: c.update ?? 0, delete: c.delete ?? 0, replace: c.replace ?? 0, same: c.same ?? 0 };
}

/** Every Kubernetes object the state records exists in the cluster and is not being deleted. */
async function assertStateMatchesCluster(stack: Stack): Promise<number> {
    const state = await stack.exportStack();
    const resources = (state.deployment as { resources?: any[] }).resources ?? [];
    let checked = 0;
    for (const r of resources) {
        const type: string = r.type;
        if (!type.startsWith("kubernetes:") || type.startsWith("pulumi:providers") || r.delete) continue;
        if (type === "kubernetes:helm.sh/v3:Release") {
            const rel = r.outputs?.status;
            assert.equal(rel?.status, "deployed", `Helm release ${r.outputs?.name}: ${JSON.stringify(rel)}`);
            const secrets = await kubectl.list("secrets", {
                namespace: r.outputs.namespace,
                selector: `owner=helm,name=${r.outputs.name},status=deployed`,
            });
            assert.equal(secrets.length, 1, "the release is deployed in the cluster");
            checked++;
            continue;
        }
        const o = r.outputs;
        const kind = `${o.kind}.${o.apiVersion.includes("/") ? o.apiVersion.split("/")[0] : ""}`.replace(/\.$/, "");
        const live = await kubectl.get(kind, o.metadata.name, o.metadata.namespace);
        assert.ok(live, `${r.urn} is in the state but ${o.kind} ${o.metadata.namespace ?? ""}/${o.metadata.name} is not in the cluster`);
        assert.equal(live.metadata.deletionTimestamp, undefined, `${o.kind} ${o.metadata.name} is being deleted`);
        assert.equal(live.metadata.uid, o.metadata.uid, `${o.kind} ${o.metadata.name} is another object than the state's`);
        checked++;
    }
    return checked;
}

async function expectFailure(p: Promise<unknown>): Promise<string> {
    try {
        await p;
    } catch (e) {
        return e instanceof Error ? e.message : String(e);
    }
    assert.fail("expected the operation to fail");
}

/** Run `fn`, failing (and cancelling the update) if it takes longer than `minutes`: a hang is a failure. */
async function within<T>(minutes: number, what: string, stack: Stack, fn: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
            void stack.cancel().catch(() => undefined);
            reject(new Error(`${what} did not finish within ${minutes} minutes (cancelled)`));
        }, minutes * 60_000);
    });
    try {
        return await Promise.race([fn(), deadline]);
    } finally {
        clearTimeout(timer);
    }
}

describe(`local stack lifecycle on ${process.env.KUBECONFIG ?? "the current kubeconfig"} (operator: ${STANDIN ? "stand-in" : "real"})`, function () {
    this.timeout(0);
    let project: E2EProject;
    let stack: Stack;
    let standin: OperatorStandIn | undefined;
    let node: string | undefined;
    const policyPacks = () => ({
        policyPacks: [path.join(project.dir, "policy")],
        policyPackConfigs: [path.join(project.dir, "policy", "config", "local.json")],
    });
    const onOutput = (s: string) => {
        for (const line of s.split("\n")) {
            // The engine's notes on the sim's ambient plugins are noise here.
            if (/using pulumi-resource-|is expected to have version/.test(line)) continue;
            if (/error|warning|failed|FAILED|Found|timed out/.test(line)) log(line.trim());
        }
    };
    const up = async (what: string, minutes = 8): Promise<UpResult> => {
        const t0 = Date.now();
        const r = await within(minutes, `up (${what})`, stack, () => stack.up({ ...policyPacks(), onOutput, color: "never" }));
        log(`up (${what}): ${JSON.stringify(r.summary.resourceChanges)} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
        return r;
    };
    const app = (ns = NS) => kubectl.get("sparkapplications.sparkoperator.k8s.io", APP, ns);

    before(async () => {
        assert.ok(process.env.KUBECONFIG, "KUBECONFIG must name the cluster to test against");
        await kubectl.run(["version"]);
        const nodes = await kubectl.list("nodes");
        assert.equal(nodes.length, 1, "a single-node cluster (the local stack's hostPath staging volume needs one)");
        node = nodes[0].metadata.name;
        project = await makeProject();
        log(`project copy: ${project.dir}`);
        if (STANDIN) {
            standin = new OperatorStandIn(kubectl, {
                stepMs: 1500,
                log,
                // The chart's own controller must not write statuses too (it idles on the sim
                // cluster, but on kind it would run Spark): the stand-in keeps it at 0 replicas.
                suppress: { namespace: "spark-operator", deployment: "spark-operator-controller" },
            });
            standin.start();
        }
    });

    after(async () => {
        await standin?.stop();
        if (stack) {
            try {
                await within(10, "final destroy", stack, () => stack.destroy({ color: "never" }));
                await stack.workspace.removeStack(stack.name);
            } catch (e) {
                log(`cleanup: ${e instanceof Error ? e.message : e}`);
            }
        }
        if (node) await kubectl.run(["uncordon", node]).catch(() => undefined);
        project?.remove();
    });

    it("creates the local stack from the committed Pulumi.local.yaml without changing it (quick start leaves the tree clean)", async () => {
        stack = await project.stack("local");
        assert.deepEqual(project.dirty(), [], "pulumi stack init local rewrote a committed file");
        if (chart) await stack.setConfig("spark-s3:operatorChart", { value: chart });
        await stack.setConfig("spark-s3:jobTimeoutMinutes", { value: "5" });
    });

    it("previews with the policy pack: everything to create, no violation", async () => {
        const r = await stack.preview({ ...policyPacks(), color: "never" });
        const s = summary(r.changeSummary);
        assert.ok(s.create >= 25, JSON.stringify(r.changeSummary));
        assert.equal(s.update + s.delete + s.replace, 0);
        assert.doesNotMatch(r.stdout, /mandatory/);
    });

    it("deploys, and waits for the job's final state (not its first status write)", async () => {
        const r = await up("first");
        assert.ok(summary(r.summary.resourceChanges).create >= 25);
        assert.equal(r.outputs.jobState.value, "COMPLETED");
        const live = await app();
        assert.equal(live.status.applicationState.state, "COMPLETED");
        if (standin)
            assert.deepEqual(
                standin.writes.filter((w) => w.startsWith(`${NS}/${APP} `)).map((w) => w.split(" ")[1]),
                ["SUBMITTED", "RUNNING", "SUCCEEDING", "COMPLETED"],
            );
        const pvc = await kubectl.list("persistentvolumeclaims", { namespace: NS });
        assert.ok(
            pvc.every((c) => c.status.phase === "Bound"),
            JSON.stringify(pvc.map((c) => [c.metadata.name, c.status.phase])),
        );
        // The History Server: accepted by the real API server and awaited by the provider (kwok
        // marks its pod ready; the server itself runs for real in test_observability.py).
        const hs = await kubectl.get("deployment", "spark-history", NS);
        assert.equal(hs?.status?.readyReplicas, 1, JSON.stringify(hs?.status));
        assert.equal(hs.spec.template.spec.serviceAccountName, "spark-history");
        assert.match(r.outputs.historyServerPortForward.value, /port-forward svc\/spark-history 18080:18080/);
        assert.equal(r.outputs.eventLogDirectory.value, "s3a://doglover-local/doglover/spark-events");
        log(`state matches the cluster: ${await assertStateMatchesCluster(stack)} objects`);
    });

    it("a second up with no change changes nothing", async () => {
        const r = await up("no-op");
        const s = summary(r.summary.resourceChanges);
        assert.deepEqual([s.create, s.update, s.delete, s.replace], [0, 0, 0, 0], JSON.stringify(r.summary.resourceChanges));
    });

    it("refresh finds no drift, and the next up does not run a job again", async () => {
        const writesBefore = standin?.writes.length ?? 0;
        const r = await stack.refresh({ color: "never" });
        const s = summary(r.summary.resourceChanges);
        assert.deepEqual([s.create, s.update, s.delete], [0, 0, 0], JSON.stringify(r.summary.resourceChanges));
        const again = summary((await up("after refresh")).summary.resourceChanges);
        assert.deepEqual([again.create, again.replace], [0, 0]);
        assert.equal(standin?.writes.length ?? 0, writesBefore, "no SparkApplication ran");
    });

    it("moves to another job namespace without hanging, then back, and the state still matches the cluster", async () => {
        await stack.setConfig("spark-s3:jobNamespace", { value: NS_B });
        const r = await up("jobNamespace -> spark-e2e-b", 6);
        assert.ok(summary(r.summary.resourceChanges).replace > 0, JSON.stringify(r.summary.resourceChanges));
        assert.equal(r.outputs.jobNamespace.value, NS_B);
        assert.equal((await app(NS_B)).status.applicationState.state, "COMPLETED");
        assert.equal(await kubectl.get("namespace", NS), undefined, "the old namespace is gone");
        await assertStateMatchesCluster(stack);

        await stack.removeConfig("spark-s3:jobNamespace");
        const back = await up("jobNamespace back", 6);
        assert.equal(back.outputs.jobNamespace.value, NS);
        for (const [kind, name] of [
            ["serviceaccount", "spark"],
            ["role", "spark-driver"],
            ["rolebinding", "spark-driver"],
            ["secret", "spark-s3-credentials"],
        ]) {
            assert.ok(await kubectl.get(kind, name, NS), `${kind}/${name} exists in ${NS} after the revert`);
        }
        assert.equal((await app()).status.applicationState.state, "COMPLETED");
        log(`state matches the cluster: ${await assertStateMatchesCluster(stack)} objects`);
    });

    it("changes the committer (the job runs again with the new conf) and back", async () => {
        await stack.setConfig("spark-s3:committer", { value: "magic" });
        const r = await up("committer magic");
        assert.equal(summary(r.summary.resourceChanges).replace, 1, "only the SparkApplication is replaced");
        const conf = (await app()).spec.sparkConf;
        assert.equal(conf["spark.hadoop.fs.s3a.committer.name"], "magic");
        await stack.removeConfig("spark-s3:committer");
        await up("committer back");
        assert.equal((await app()).spec.sparkConf["spark.hadoop.fs.s3a.committer.name"], "directory");
        await assertStateMatchesCluster(stack);
    });

    it("changes the staging size (a new claim, the old one released) and back", async () => {
        const claims = async () =>
            (await kubectl.list("persistentvolumeclaims", { namespace: NS })).map(
                (c) => `${c.metadata.name}:${c.status.phase}:${c.spec.resources.requests.storage}`,
            );
        const before = await claims();
        const original = (await stack.getConfig("spark-s3:stagingVolumeSize")).value;
        assert.equal(original, "5Gi", "Pulumi.local.yaml's size");
        await stack.setConfig("spark-s3:stagingVolumeSize", { value: "6Gi" });
        await up("stagingVolumeSize 6Gi", 6);
        const after = await claims();
        assert.ok(
            after.some((c) => /^spark-staging-[0-9a-f]{6}:Bound:6Gi$/.test(c)),
            after.join(", "),
        );
        assert.equal(after.filter((c) => c.startsWith("spark-staging-")).length, 1, `one staging claim: ${after.join(", ")}`);
        await stack.setConfig("spark-s3:stagingVolumeSize", { value: original });
        await up("stagingVolumeSize back", 6);
        assert.deepEqual((await claims()).sort(), before.sort());
        await assertStateMatchesCluster(stack);
    });

    it("reports a failed job once, clearly; previews and ups keep working; the documented re-run runs it again", async function () {
        if (!standin) return this.skip();
        standin.plan(NS, APP, "fail-after-retry");
        await stack.setConfig("spark-s3:jobRun", { value: "e2e-fail" });
        const msg = await expectFailure(up("a run that fails"));
        assert.match(
            msg,
            /SparkApplication spark-jobs\/doglover-local FAILED after 2 attempts: driver container failed with ExitCode: 1, Reason: Error/,
        );
        assert.match(msg, /driver log: kubectl -n spark-jobs logs doglover-local-driver/);
        assert.match(msg, /run it again \(same inputs\): pulumi config set spark-s3:jobRun/);
        assert.doesNotMatch(msg, /<namespace>/);
        assert.doesNotMatch(msg, STACK_TRACE, "no JS stack trace");
        assert.equal((await app()).status.applicationState.state, "FAILED");

        const p = await stack.preview({ ...policyPacks(), color: "never" });
        assert.deepEqual([summary(p.changeSummary).create, summary(p.changeSummary).replace], [0, 0]);
        assert.match(p.stdout, /the last run of spark-jobs\/doglover-local FAILED/);
        const again = await up("no change after the failure");
        const s = summary(again.summary.resourceChanges);
        assert.deepEqual([s.create, s.update, s.delete, s.replace], [0, 0, 0, 0]);
        assert.equal(again.outputs.jobState.value, "FAILED");
        assert.match(again.stdout, /the last run of spark-jobs\/doglover-local FAILED/);
        assert.doesNotMatch(again.stdout + again.stderr, STACK_TRACE);

        await stack.setConfig("spark-s3:jobRun", { value: "e2e-retry" });
        const rerun = await up("the documented re-run");
        assert.equal(summary(rerun.summary.resourceChanges).replace, 1);
        assert.equal(rerun.outputs.jobState.value, "COMPLETED");
        assert.equal((await app()).spec.driver.annotations["spark-s3.io/run"], "e2e-retry");
    });

    it("a job still running at the timeout fails that up; the next up waits for it again", async function () {
        if (!standin) return this.skip();
        standin.plan(NS, APP, "hang");
        await stack.setConfig("spark-s3:jobTimeoutMinutes", { value: "1" });
        await stack.setConfig("spark-s3:jobRun", { value: "e2e-hang" });
        const t0 = Date.now();
        const msg = await expectFailure(up("a run that outlasts the timeout", 4));
        log(
            `timed out after ${((Date.now() - t0) / 1000).toFixed(0)} s: ${msg
                .split("\n")
                .filter((l) => /error/.test(l))
                .join(" | ")}`,
        );
        assert.match(msg, /doglover-job-app.*timed out waiting for the condition/);
        assert.match(msg, /SparkApplication spark-jobs\/doglover-local had not finished after jobTimeoutMinutes \(1\); it keeps running/);
        assert.equal((await app()).status.applicationState.state, "RUNNING");
        standin.release(NS, APP);
        await stack.setConfig("spark-s3:jobTimeoutMinutes", { value: "5" });
        const r = await up("the same run, waited for again");
        assert.equal(r.outputs.jobState.value, "COMPLETED");
    });

    it("a helper Job that cannot run fails the up by its deadline with the pod's reason, and the next up runs it again", async () => {
        await stack.setConfig("spark-s3:setupJobTimeoutMinutes", { value: "1" });
        await stack.setConfig("spark-s3:sampleRecords", { value: "1000" });
        await kubectl.run(["cordon", node!]);
        let msg: string;
        try {
            msg = await expectFailure(up("seed Job on a cordoned node", 5));
        } finally {
            await kubectl.run(["uncordon", node!]);
        }
        const reasons = msg.split("\n").filter((l) => /^\s*\*|DeadlineExceeded|BackoffLimit|schedul/i.test(l));
        log(`the failure, as the user sees it:\n${reasons.map((l) => `        ${l.trim()}`).join("\n")}`);
        assert.match(msg, /DeadlineExceeded\W+Job was active longer than specified deadline/);
        const r = await up("after uncordon: the failed seed Job is replaced");
        assert.ok(summary(r.summary.resourceChanges).replace >= 1, JSON.stringify(r.summary.resourceChanges));
        assert.equal(r.outputs.jobState.value, "COMPLETED");
        await stack.removeConfig("spark-s3:setupJobTimeoutMinutes");
        await stack.removeConfig("spark-s3:sampleRecords");
        await up("helper Job settings back");
        log(`state matches the cluster: ${await assertStateMatchesCluster(stack)} objects`);
    });

    it("destroy leaves nothing behind but the operator's CRDs (which Helm never deletes)", async () => {
        const r = await within(10, "destroy", stack, () => stack.destroy({ color: "never" }));
        assert.ok(summary(r.summary.resourceChanges).delete >= 25, JSON.stringify(r.summary.resourceChanges));
        for (const ns of [NS, NS_B, "minio", "spark-operator"])
            assert.equal(await kubectl.get("namespace", ns), undefined, `namespace ${ns}`);
        const pvs = (await kubectl.list("persistentvolumes")).filter((pv) => pv.metadata.name.startsWith("spark-s3-"));
        assert.deepEqual(
            pvs.map((pv) => pv.metadata.name),
            [],
        );
        for (const kind of ["clusterroles", "clusterrolebindings", "mutatingwebhookconfigurations", "validatingwebhookconfigurations"]) {
            const left = (await kubectl.list(kind)).filter((o) => /spark-operator/.test(o.metadata.name));
            assert.deepEqual(
                left.map((o) => o.metadata.name),
                [],
                kind,
            );
        }
        const crds = (await kubectl.list("customresourcedefinitions"))
            .map((c) => c.metadata.name)
            .filter((n) => n.endsWith("sparkoperator.k8s.io"));
        assert.ok(crds.includes("sparkapplications.sparkoperator.k8s.io"), "the CRDs stay (README: what destroy leaves)");
        const state = await stack.exportStack();
        assert.equal(((state.deployment as { resources?: unknown[] }).resources ?? []).length, 0);
    });

    it("deploys again after destroy", async () => {
        // A cluster without a default provisioner (the kwokctl sim) gets its furniture back, as a
        // provisioner would provide volumes again.
        if (process.env.E2E_CLUSTER_FURNITURE) await kubectl.run(["apply", "-f", process.env.E2E_CLUSTER_FURNITURE]);
        const r = await up("again after destroy");
        assert.ok(summary(r.summary.resourceChanges).create >= 25);
        assert.equal(r.outputs.jobState.value, "COMPLETED");
        await assertStateMatchesCluster(stack);
    });
});
