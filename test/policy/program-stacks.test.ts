/** The program's own stacks, as the mocks render them, pass the pack with their own pack configs. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { POLICY } from "../../policy/s3a/checks";
import { fired, firedMandatory, fromMocks, runPack, type PackConfig } from "../helpers/policy";
import type { StackResource } from "../../policy/s3a/resources";
import { ROOT } from "../helpers/paths";
import { runProgram } from "../helpers/stack";

const APP = "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication";
const SCHEDULED = "kubernetes:sparkoperator.k8s.io/v1beta2:ScheduledSparkApplication";
const isJob = (r: StackResource) => r.type === APP || r.type === SCHEDULED;
const copy = <T>(x: T): T => JSON.parse(JSON.stringify(x));

/** A ScheduledSparkApplication whose template is a SparkApplication's spec, as a job from stack config on a schedule would be. */
function onSchedule(app: StackResource): StackResource {
    const props = copy(app.props);
    return {
        type: SCHEDULED,
        name: `${app.name}-nightly`,
        urn: `${app.urn}-nightly`,
        props: {
            apiVersion: "sparkoperator.k8s.io/v1beta2",
            kind: "ScheduledSparkApplication",
            metadata: { ...props.metadata, name: `${props.metadata?.name ?? app.name}-nightly` },
            spec: { schedule: "0 3 * * *", concurrencyPolicy: "Forbid", template: props.spec },
        },
    };
}

/** The job with a plain-text secret in its conf (a scheduled one's template), which every job check must see. */
function withLeak(job: StackResource): StackResource {
    const props = copy(job.props);
    const spec = job.type === SCHEDULED ? props.spec.template : props.spec;
    spec.sparkConf = { ...(spec.sparkConf ?? {}), "spark.hadoop.fs.s3a.secret.key": "plain-text-for-the-test" };
    return { ...job, props };
}

describe("the program's own stacks pass the pack", () => {
    /** Each stack previews with its own pack config (policy/config/<stack>.json). */
    const configs: Record<string, PackConfig> = Object.fromEntries(
        ["local", "dev", "flashblade"].map((s) => [
            s,
            JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "config", `${s}.json`), "utf8")),
        ]),
    );
    /**
     * dev and flashblade run the image with the jars baked in (sparkImage, trusted in their pack
     * config): nothing fires. The local stack tries things out on the stock image, whose jars come
     * as packages: that advisory, and nothing else.
     */
    const EXPECTED: Record<string, string[]> = { local: [POLICY.jarDelivery], dev: [], flashblade: [] };
    for (const stack of Object.keys(configs)) {
        it(`${stack}: no mandatory violation, no advisory but the expected ones (${EXPECTED[stack].join(", ") || "none"})`, async () => {
            const token = { "spark-s3:flashbladeApiToken": "T-fake-api-token-for-tests" };
            const run = await runProgram(stack, stack === "flashblade" ? token : {}, ["spark-s3:flashbladeApiToken"]);
            const resources = fromMocks(run.resources);
            assert.ok(resources.some((r) => r.type === APP));
            const reported = runPack(resources, configs[stack]);
            assert.deepEqual(firedMandatory(reported), [], JSON.stringify(reported, null, 1));
            assert.deepEqual(fired(reported), EXPECTED[stack], JSON.stringify(reported, null, 1));

            // Every job of the stack is checked, scheduled ones included: the stack with each of its
            // SparkApplications also on a schedule passes the same way ...
            const scheduled = resources.filter((r) => r.type === APP).map(onSchedule);
            const both = [...resources, ...scheduled];
            const reportedBoth = runPack(both, configs[stack]);
            assert.deepEqual(firedMandatory(reportedBoth), [], JSON.stringify(reportedBoth, null, 1));
            // (the schedule writes where its SparkApplication writes: the two jobs share a destination)
            assert.deepEqual(fired(reportedBoth), [...EXPECTED[stack], POLICY.concurrentWriters].sort());
            assert.ok(reportedBoth.some((r) => r.policy === POLICY.concurrentWriters && /-nightly/.test(r.message)));
            // ... and a plain-text secret in any one job (a schedule's template too) is reported on that job.
            const jobs = both.filter(isJob);
            assert.ok(jobs.some((j) => j.type === SCHEDULED) && jobs.length >= 2);
            for (const job of jobs) {
                const leaky = runPack(
                    both.map((r) => (r === job ? withLeak(r) : r)),
                    configs[stack],
                );
                assert.deepEqual(
                    leaky.filter((r) => r.level === "mandatory").map((r) => [r.policy, r.urn]),
                    [[POLICY.credentials, job.urn]],
                    `${job.urn}: ${JSON.stringify(leaky, null, 1)}`,
                );
            }
        });
    }

    it("local without its policy config trips the TLS allow-list (so the stack test above can fail)", async () => {
        const run = await runProgram("local");
        assert.ok(fired(runPack(fromMocks(run.resources))).includes(POLICY.tls));
    });
});
