/**
 * Event logs, metrics and the History Server, per stack, under strict mocks; the History Server's
 * AWS policy against the requests S3A makes for it. (The real History Server, event log and
 * Prometheus endpoint run in jobs/doglover/tests/integration/test_observability.py.)
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EVENT_LOG_READER_POLICIES } from "../../components/object-store/flashblade";
import { HISTORY_PORT, METRICS_PATHS, eventLogReaderPolicy, historyConf, propertiesFile } from "../../components/observability";
import { selfSignedCert } from "../helpers/fake-flashblade";
import { evaluate, type PolicyDocument, type Request } from "../helpers/iam";
import { promiseOf, runProgram, type ProgramRun } from "../helpers/stack";
import type * as pulumi from "@pulumi/pulumi";

const APP = "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const TOKEN = "T-history-token-never-in-state-01";

const sparkConf = (run: ProgramRun): Record<string, string> => run.one(APP).inputs.spec.sparkConf;
const server = (run: ProgramRun) => run.one(DEPLOYMENT, "history-server").inputs;
const historyDefaults = (run: ProgramRun): Record<string, string> =>
    Object.fromEntries(
        (run.one("kubernetes:core/v1:ConfigMap", "history-conf").inputs.data["spark-defaults.conf"] as string)
            .trim()
            .split("\n")
            .map((l) => [l.slice(0, l.indexOf(" ")), l.slice(l.indexOf(" ") + 1)]),
    );
const output = (run: ProgramRun, name: string) => promiseOf(run.outputs[name] as pulumi.Output<string>);

const STACKS: [string, Record<string, unknown>, string[], string][] = [
    ["local", {}, [], "s3a://doglover-local/doglover/spark-events"],
    ["dev", {}, [], "s3a://acme-spark-s3-dev-data/doglover/spark-events"],
    ["dev", { "spark-s3:awsAuth": "accessKey" }, [], "s3a://acme-spark-s3-dev-data/doglover/spark-events"],
    ["flashblade", { "spark-s3:flashbladeApiToken": TOKEN }, ["spark-s3:flashbladeApiToken"], "s3a://spark-doglover/doglover/spark-events"],
];

describe("observability: event logs, metrics, History Server", () => {
    for (const [stack, overrides, secrets, dir] of STACKS) {
        const label = `${stack}${Object.keys(overrides).length && stack === "dev" ? " (accessKey)" : ""}`;
        describe(`stack ${label}`, () => {
            let run: ProgramRun;
            before(async () => {
                run = await runProgram(stack, overrides, secrets);
            });

            it("every job writes a compressed, rolling event log to the stack's own prefix and serves Prometheus metrics", () => {
                const conf = sparkConf(run);
                assert.equal(conf["spark.eventLog.enabled"], "true");
                assert.equal(conf["spark.eventLog.dir"], dir);
                assert.equal(conf["spark.eventLog.compress"], "true");
                assert.equal(conf["spark.eventLog.rolling.enabled"], "true");
                // Hadoop 3.3 would delete the event-log Job's directory marker with the first log (see eventLogConf).
                assert.equal(conf["spark.hadoop.fs.s3a.directory.marker.retention"], "keep");
                assert.equal(conf["spark.ui.prometheus.enabled"], "true");
                assert.equal(conf["spark.metrics.conf.*.sink.prometheusServlet.class"], "org.apache.spark.metrics.sink.PrometheusServlet");
                assert.equal(conf["spark.kubernetes.driver.annotation.prometheus.io/scrape"], "true");
                assert.equal(conf["spark.kubernetes.driver.annotation.prometheus.io/path"], METRICS_PATHS.driver);
            });

            it("the platform's event-log Job creates the directory marker with Spark's key or identity, before the History Server", () => {
                const job = run.one("kubernetes:batch/v1:Job", "event-log-dir");
                const upload = job.inputs.spec.template.spec.containers[0];
                assert.equal(job.inputs.spec.template.spec.serviceAccountName, "spark");
                const env = Object.fromEntries(upload.env.map((e: any) => [e.name, e.value]));
                assert.equal(`s3a://${env.EVENTS_KEY}`, `${dir}/`);
                assert.match(
                    upload.command[2],
                    stack === "dev"
                        ? /aws s3api put-object --bucket "\$\{EVENTS_KEY%%\/\*\}"/
                        : /mc mb --ignore-existing "s3\/\$EVENTS_KEY"/,
                );
            });

            it("runs a History Server of the jobs' image on that directory: non-root, read-only root, probes, a Service", async () => {
                const dep = server(run);
                const pod = dep.spec.template.spec;
                const c = pod.containers[0];
                assert.equal(c.image, run.one(APP).inputs.spec.image);
                assert.deepEqual(c.command.slice(0, 3), [
                    "/opt/spark/bin/spark-submit",
                    "--class",
                    "org.apache.spark.deploy.history.HistoryServer",
                ]);
                assert.equal(pod.securityContext.runAsNonRoot, true);
                assert.equal(pod.securityContext.runAsUser, 185);
                assert.equal(c.securityContext.readOnlyRootFilesystem, true);
                for (const p of ["startupProbe", "readinessProbe", "livenessProbe"]) assert.equal(c[p].httpGet.path, "/api/v1/version", p);
                assert.ok(c.resources.limits.memory);
                const conf = historyDefaults(run);
                assert.equal(conf["spark.history.fs.logDirectory"], dir);
                // The store's endpoint facts come from the jobs' own conf.
                for (const k of Object.keys(conf).filter((k) => k.startsWith("spark.hadoop."))) assert.equal(conf[k], sparkConf(run)[k], k);
                assert.ok(!Object.keys(conf).some((k) => k.includes("committer")), "no committer keys: it only reads");
                assert.equal(conf["spark.hadoop.fs.s3a.directory.marker.retention"], "keep", "its cleaner keeps the marker too");
                assert.ok(!Object.keys(conf).some((k) => k.includes("maxFilesToRetain")), "no compaction: it would write");
                const svc = run.one("kubernetes:core/v1:Service", "history-svc").inputs;
                assert.equal(svc.spec.ports[0].port, HISTORY_PORT);
                assert.match(await output(run, "historyServerUrl"), /^http:\/\/spark-history\.[a-z-]+\.svc\.cluster\.local:18080$/);
                assert.match(await output(run, "historyServerPortForward"), /^kubectl -n \S+ port-forward svc\/spark-history 18080:18080/);
                assert.equal(await output(run, "eventLogDirectory"), dir);
            });

            it("reads with its own identity, never Spark's", () => {
                const c = server(run).spec.template.spec.containers[0];
                const secretRefs = (c.env ?? [])
                    .filter((e: any) => e.valueFrom?.secretKeyRef)
                    .map((e: any) => e.valueFrom.secretKeyRef.name);
                if (stack === "dev" && !Object.keys(overrides).length) {
                    // podIdentity: its own role, associated with its own service account.
                    assert.deepEqual(secretRefs, []);
                    const assoc = run.one("aws:eks/podIdentityAssociation:PodIdentityAssociation", "spark-store-history").inputs;
                    assert.equal(assoc.serviceAccount, "spark-history");
                    assert.equal(server(run).spec.template.spec.serviceAccountName, "spark-history");
                } else {
                    assert.deepEqual(new Set(secretRefs), new Set(["spark-history-s3-credentials"]));
                    const secret = run.one("kubernetes:core/v1:Secret", "spark-history-credentials");
                    assert.equal(secret.inputs.metadata.name, "spark-history-s3-credentials");
                }
                const cleaner = historyDefaults(run)["spark.history.fs.cleaner.enabled"];
                // FlashBlade's read-only key cannot delete: the cleaner would only fail.
                assert.equal(cleaner, stack === "flashblade" ? "false" : "true");
                assert.equal(historyDefaults(run)["spark.history.fs.cleaner.maxAge"], "30d");
            });
        });
    }

    it("FlashBlade: the History Server's user gets the read-only built-in policies", async () => {
        const run = await runProgram("flashblade", { "spark-s3:flashbladeApiToken": TOKEN }, ["spark-s3:flashbladeApiToken"]);
        const user = run.one("pulumi-nodejs:dynamic:Resource", "spark-store-history-user").inputs;
        assert.equal(user.name, "spark/spark-history");
        assert.deepEqual(user.policies, EVENT_LOG_READER_POLICIES);
        assert.ok(!user.policies.some((p: string) => /write|delete|full/.test(p)));
    });

    it("historyServer: false leaves out the server and its identity, and the jobs still write event logs", async () => {
        const run = await runProgram("local", { "spark-s3:historyServer": false });
        assert.equal(run.byType(DEPLOYMENT).filter((d) => d.name.startsWith("history")).length, 0);
        assert.equal(run.byType("random:index/randomPassword:RandomPassword").length, 2);
        assert.equal(sparkConf(run)["spark.eventLog.dir"], "s3a://doglover-local/doglover/spark-events");
        assert.equal(run.outputs.historyServerUrl, undefined);
    });

    it("eventLogRetentionDays sets the cleaner's max age; 0 is refused with the key and an example", async () => {
        const run = await runProgram("local", { "spark-s3:eventLogRetentionDays": 7 });
        assert.equal(historyDefaults(run)["spark.history.fs.cleaner.maxAge"], "7d");
        await assert.rejects(
            runProgram("local", { "spark-s3:eventLogRetentionDays": 0 }),
            /eventLogRetentionDays.*spark-s3:eventLogRetentionDays: 30/s,
        );
    });

    it("prometheusOperator: a PodMonitor on the drivers' UI port (both metrics paths), and the chart's own", async () => {
        const off = await runProgram("local");
        assert.equal(off.byType("kubernetes:monitoring.coreos.com/v1:PodMonitor").length, 0);
        assert.equal(off.one("kubernetes:helm.sh/v3:Release").inputs.values.prometheus.podMonitor.create, false);
        const run = await runProgram("local", { "spark-s3:prometheusOperator": true });
        const pm = run.one("kubernetes:monitoring.coreos.com/v1:PodMonitor").inputs;
        assert.deepEqual(pm.spec.selector.matchLabels, { "spark-role": "driver" });
        assert.deepEqual(pm.spec.namespaceSelector.matchNames, ["spark-jobs"]);
        assert.deepEqual(
            pm.spec.podMetricsEndpoints.map((e: any) => [e.port, e.path]),
            [
                ["spark-ui", "/metrics/prometheus/"],
                ["spark-ui", "/metrics/executors/prometheus/"],
            ],
        );
        const values = run.one("kubernetes:helm.sh/v3:Release").inputs.values;
        assert.deepEqual(values.prometheus, { metrics: { enable: true }, podMonitor: { create: true } });
    });

    it("a private S3 CA reaches the History Server as it reaches Spark (truststore init container, JVM option)", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hs-ca-"));
        try {
            const ca = path.join(dir, "s3-ca.pem");
            fs.writeFileSync(ca, selfSignedCert().cert);
            const run = await runProgram("local", { "spark-s3:s3CaBundle": ca });
            const pod = server(run).spec.template.spec;
            assert.ok(pod.initContainers?.length, "the truststore is built at pod start");
            assert.ok(
                pod.volumes.some((v: any) => v.configMap?.name !== undefined && v.name !== "conf"),
                "the CA's ConfigMap",
            );
            assert.match(historyDefaults(run)["spark.driver.extraJavaOptions"], /javax\.net\.ssl\.trustStore=/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("the conf file is the same for the same input (no churn on re-runs)", () => {
        const args = {
            jobConf: { "spark.hadoop.fs.s3a.endpoint": "http://x", "spark.foo": "bar" },
            eventLogDir: "s3a://b/p/spark-events",
            retentionDays: 3,
            cleaner: true,
        };
        assert.equal(
            propertiesFile(historyConf(args)),
            propertiesFile(historyConf({ ...args, jobConf: { "spark.foo": "bar", "spark.hadoop.fs.s3a.endpoint": "http://x" } })),
        );
        assert.ok(!propertiesFile(historyConf(args)).includes("spark.foo"), "only the reader keys of the jobs' conf");
    });
});

describe("the History Server's policy (AWS IAM, MinIO)", () => {
    const BUCKET = "acme-spark-s3-dev-data";
    const arn = `arn:aws:s3:::${BUCKET}`;
    const obj = (key: string) => `${arn}/${key}`;
    const doc = eventLogReaderPolicy(BUCKET, "doglover") as PolicyDocument;
    const app = "doglover/spark-events/eventlog_v2_spark-1234";
    // FsHistoryProvider: list the log dir, list and read each application's rolled files, delete old ones (cleaner).
    const allowed: [string, Request][] = [
        ["probe the log directory (HEAD)", { action: "s3:GetObject", resource: obj("doglover/spark-events"), context: {} }],
        ["list the log directory", { action: "s3:ListBucket", resource: arn, context: { "s3:prefix": "doglover/spark-events/" } }],
        ["list an application's files", { action: "s3:ListBucket", resource: arn, context: { "s3:prefix": `${app}/` } }],
        ["read an event log file", { action: "s3:GetObject", resource: obj(`${app}/events_1_spark-1234.zstd`), context: {} }],
        ["delete an old log (cleaner)", { action: "s3:DeleteObject", resource: obj(`${app}/events_1_spark-1234.zstd`), context: {} }],
        ["find the bucket's region", { action: "s3:GetBucketLocation", resource: arn, context: {} }],
    ];
    for (const [what, req] of allowed) {
        it(`allows it to ${what}`, () => assert.equal(evaluate(doc, req).decision, "allow", JSON.stringify(req)));
    }
    it("denies writes, and every read outside the event logs (the jobs' data, other prefixes)", () => {
        const denied: Request[] = [
            { action: "s3:PutObject", resource: obj(`${app}/events_1_spark-1234.zstd`), context: {} },
            { action: "s3:GetObject", resource: obj("doglover/output/dog_tweets/_SUCCESS"), context: {} },
            { action: "s3:GetObject", resource: obj("doglover/input/tweets.jsonl"), context: {} },
            { action: "s3:ListBucket", resource: arn, context: { "s3:prefix": "doglover/output/" } },
            { action: "s3:ListBucket", resource: arn, context: {} },
            { action: "s3:DeleteObject", resource: obj("doglover/output/dog_tweets/part-0.parquet"), context: {} },
            { action: "s3:GetObject", resource: obj("doglover/spark-eventsX/secret"), context: {} },
        ];
        for (const req of denied) assert.equal(evaluate(doc, req).decision, "implicitDeny", JSON.stringify(req));
    });
});
