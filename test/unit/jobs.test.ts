/**
 * The stack's own jobs (spark-s3:jobs) under strict mocks: a stack with DogLover and two jobs
 * (one on a schedule); adding or removing a job changes only that job; every job config error
 * names its key path with a valid example; a job's conf goes through the platform's S3A profile.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { holdsSecret, promiseOf, runProgram, type MockResource, type ProgramRun } from "../helpers/stack";
import { crdErrors } from "./operator-crds";

const APP = "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication";
const SCHEDULED = "kubernetes:sparkoperator.k8s.io/v1beta2:ScheduledSparkApplication";
const CODE = path.join("test", "unit", "fixtures", "jobs");

/** Two jobs a team would add: a nightly report on a schedule, from a folder; an ad-hoc Scala job from the image. */
const NIGHTLY = {
    codeDir: `${CODE}/nightly`,
    mainFile: "nightly.py",
    pyFiles: ["lib/util.py"],
    arguments: ["--output", "s3a://${bucket}/${dataPrefix}/nightly/out", "--stack", "${stack}"],
    schedule: "0 2 * * *",
    timeZone: "Europe/Berlin",
    committer: "magic",
    executorInstances: 3,
    sparkConf: ["spark.sql.shuffle.partitions=64"],
};
const ADHOC = {
    type: "Scala",
    mainFile: "local:///opt/spark/examples/jars/spark-examples.jar",
    mainClass: "org.apache.spark.examples.SparkPi",
    arguments: ["100"],
    packages: ["org.apache.spark:spark-avro_2.13:4.0.1"],
    jars: ["https://repo1.maven.org/maven2/org/example/udfs/1.0/udfs-1.0.jar"],
};

const jobsRun = (jobs: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    runProgram("local", { "spark-s3:jobs": jobs, ...extra });

function configError(jobs: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<string> {
    return jobsRun(jobs, extra).then(
        () => assert.fail("expected a ConfigError"),
        (e: Error) => {
            assert.equal(e.name, "ConfigError", String(e));
            return e.message;
        },
    );
}

describe("jobs from stack config", () => {
    let run: ProgramRun;
    before(async () => {
        run = await jobsRun({ nightly: NIGHTLY, adhoc: ADHOC });
    });

    it("deploys DogLover and both jobs, each a SparkJob of its own at the top level", () => {
        const jobs = run.byType("spark-s3:index:SparkJob").map((j) => j.name);
        assert.deepEqual(jobs.sort(), ["adhoc", "doglover-job", "nightly"]);
        assert.deepEqual(
            run
                .byType(APP)
                .map((a) => a.inputs.metadata.name)
                .sort(),
            ["adhoc-local", "doglover-local"],
        );
        assert.equal(run.one(SCHEDULED).inputs.metadata.name, "nightly-local");
    });

    it("makes the scheduled job a ScheduledSparkApplication: Forbid by default, not suspended, its history limits, the CRD's fields", () => {
        const s = run.one(SCHEDULED).inputs;
        assert.equal(s.spec.schedule, "0 2 * * *");
        assert.equal(s.spec.timeZone, "Europe/Berlin");
        assert.equal(s.spec.concurrencyPolicy, "Forbid");
        assert.equal(s.spec.suspend, false);
        assert.equal(s.spec.successfulRunHistoryLimit, 1);
        assert.equal(s.spec.failedRunHistoryLimit, 1);
        assert.equal(s.metadata.annotations["pulumi.com/skipAwait"], "true");
        assert.equal(s.metadata.annotations["pulumi.com/waitFor"], undefined, "nothing waits for a schedule");
        assert.equal(crdErrors("sparkoperator.k8s.io_scheduledsparkapplications.yaml", s), "");
        const bad = JSON.parse(JSON.stringify(s));
        bad.spec.concurrencypolicy = "Forbid";
        assert.match(crdErrors("sparkoperator.k8s.io_scheduledsparkapplications.yaml", bad), /additionalProperties/, "the check can fail");
    });

    it("renders the one-off job as a SparkApplication the CRD accepts, with its deps added to the committer jars", () => {
        const a = run.byType(APP).find((x) => x.inputs.metadata.name === "adhoc-local")!.inputs;
        assert.equal(crdErrors("sparkoperator.k8s.io_sparkapplications.yaml", a), "");
        assert.equal(a.spec.type, "Scala");
        assert.equal(a.spec.mainClass, "org.apache.spark.examples.SparkPi");
        assert.equal(a.spec.mainApplicationFile, "local:///opt/spark/examples/jars/spark-examples.jar");
        assert.equal(a.spec.deps, undefined, "deps go to sparkConf: --jars would replace spark.jars");
        const c = a.spec.sparkConf;
        assert.deepEqual(c["spark.jars.packages"].split(","), [
            "org.apache.hadoop:hadoop-aws:3.4.1",
            "org.apache.spark:spark-avro_2.13:4.0.1",
        ]);
        assert.match(
            c["spark.jars"],
            /spark-hadoop-cloud_2\.13-4\.0\.2\.jar,https:\/\/repo1\.maven\.org\/maven2\/org\/example\/udfs\/1\.0\/udfs-1\.0\.jar$/,
        );
        assert.equal(c["spark.hadoop.fs.s3a.committer.name"], "directory", "the platform's committer");
        assert.equal(a.spec.executor.instances, 1, "the stack's default (Pulumi.local.yaml)");
    });

    it("gives the scheduled job its own committer, conf, code folder and substituted arguments, on the platform's profile", () => {
        const t = run.one(SCHEDULED).inputs.spec.template;
        const c = t.sparkConf;
        assert.equal(c["spark.hadoop.fs.s3a.committer.name"], "magic");
        assert.equal(c["spark.hadoop.fs.s3a.committer.magic.enabled"], "true");
        assert.equal(c["spark.hadoop.fs.s3a.committer.staging.tmp.path"], undefined);
        assert.equal(c["spark.sql.shuffle.partitions"], "64");
        assert.equal(c["spark.hadoop.fs.s3a.endpoint"], "http://minio.minio.svc.cluster.local:9000");
        assert.equal(c["spark.kubernetes.driver.secretKeyRef.AWS_SECRET_ACCESS_KEY"], "spark-s3-credentials:AWS_SECRET_ACCESS_KEY");
        assert.equal(c["spark.eventLog.dir"], "s3a://doglover-local/doglover/spark-events");
        assert.equal(c["spark.submit.pyFiles"], "local:///opt/spark/jobs/nightly/lib/util.py");
        assert.equal(t.mainApplicationFile, "local:///opt/spark/jobs/nightly/nightly.py");
        assert.deepEqual(t.arguments, ["--output", "s3a://doglover-local/doglover/nightly/out", "--stack", "local"]);
        assert.equal(t.executor.instances, 3);
        const cm = run.one("kubernetes:core/v1:ConfigMap", "nightly-code");
        assert.deepEqual(Object.keys(cm.inputs.data).sort(), ["lib_util.py", "nightly.py"]);
        const volume = {
            name: "job-files",
            configMap: {
                name: cm.state.metadata.name,
                items: [
                    { key: "lib_util.py", path: "lib/util.py" },
                    { key: "nightly.py", path: "nightly.py" },
                ],
            },
        };
        assert.deepEqual(t.driver.template.spec.volumes, [volume]);
        // lib/util.py is imported on the executors: they mount the folder too.
        assert.deepEqual(t.executor.template.spec.volumes, [volume]);
    });

    it("exports each job's application, kind, state and the commands to watch it and read its log", async () => {
        const jobs = (await promiseOf(run.outputs.jobs as pulumi.Output<any>)) as Record<string, any>;
        assert.deepEqual(Object.keys(jobs).sort(), ["adhoc", "doglover", "nightly"]);
        assert.deepEqual(jobs.nightly.kind, "ScheduledSparkApplication");
        assert.equal(jobs.nightly.state, "Scheduled");
        assert.equal(jobs.adhoc.state, "COMPLETED");
        assert.equal(jobs.adhoc.statusCommand, "kubectl -n spark-jobs get sparkapplication adhoc-local -w");
        assert.match(
            jobs.nightly.statusCommand,
            /get scheduledsparkapplication nightly-local .*-l sparkoperator\.k8s\.io\/scheduled-app-name=nightly-local/,
        );
        assert.match(jobs.nightly.logsCommand, /jsonpath='\{\.status\.lastRunName\}'\)-driver/);
        assert.equal(await pulumi.isSecret(run.outputs.jobs as pulumi.Output<unknown>), false, "the jobs output is plain");
    });

    it("keeps key material out of every job (their conf references the Secret only)", () => {
        for (const r of [...run.byType(APP), run.one(SCHEDULED), run.one("kubernetes:core/v1:ConfigMap", "nightly-code")]) {
            assert.doesNotMatch(JSON.stringify(r.inputs), /fake-spark-store-spark-secret-key|fake-spark-store-spa/, r.name);
            assert.equal(holdsSecret(r.rawInputs), false, `${r.name} holds no secret`);
        }
    });

    it("suspends a schedule", async () => {
        const suspended = await jobsRun({ nightly: { ...NIGHTLY, suspend: true } });
        assert.equal(suspended.one(SCHEDULED).inputs.spec.suspend, true);
    });
});

describe("adding and removing a job", () => {
    /** Everything of a run, by type and name, except the resources of `jobs`. */
    function others(run: ProgramRun, jobs: string[]): Map<string, MockResource> {
        const mine = (r: MockResource) => jobs.some((j) => r.name === j || r.name.startsWith(`${j}-`));
        return new Map(run.resources.filter((r) => !mine(r)).map((r) => [`${r.type}::${r.name}`, r]));
    }

    it("changes only that job: every other resource keeps its name, type and inputs", async () => {
        const two = await jobsRun({ nightly: NIGHTLY, adhoc: ADHOC });
        const three = await jobsRun({ nightly: NIGHTLY, adhoc: ADHOC, weekly: { ...NIGHTLY, schedule: "@weekly" } });
        const one = await jobsRun({ nightly: NIGHTLY });
        const base = others(two, ["weekly", "adhoc"]);
        for (const [what, r, changed] of [
            ["adding weekly", three, ["weekly", "adhoc"]],
            ["removing adhoc", one, ["weekly", "adhoc"]],
        ] as const) {
            const rest = others(r, [...changed]);
            assert.deepEqual([...rest.keys()].sort(), [...base.keys()].sort(), what);
            for (const [k, res] of rest) assert.deepEqual(res.inputs, base.get(k)!.inputs, `${what}: ${k} changed`);
        }
        assert.ok(three.resources.some((r) => r.type === SCHEDULED && r.inputs.metadata.name === "weekly-local"));
        assert.ok(!one.resources.some((r) => r.name.startsWith("adhoc")));
        // The check can fail: a platform-wide change reaches every job.
        const wider = others(await jobsRun({ nightly: NIGHTLY, adhoc: ADHOC }, { "spark-s3:executorMemory": "3g" }), ["weekly", "adhoc"]);
        assert.ok([...wider].some(([k, res]) => JSON.stringify(res.inputs) !== JSON.stringify(base.get(k)?.inputs)));
    });
});

describe("job config errors name the key path and show a valid example", () => {
    let big: string;
    before(() => {
        big = fs.mkdtempSync(path.join(os.tmpdir(), "spark-s3-big-job-"));
        fs.writeFileSync(path.join(big, "main.py"), "x = 1\n");
        fs.writeFileSync(path.join(big, "data.bin"), Buffer.alloc(1_100_000, 7));
    });
    after(() => fs.rmSync(big, { recursive: true, force: true }));

    const ok = { mainFile: "local:///opt/app/main.py" };
    const cases: [string, Record<string, unknown>, RegExp, Record<string, unknown>?][] = [
        [
            "a field misspelled",
            { x: { ...ok, executorInstance: 3 } },
            /spark-s3:jobs\.x\.executorInstance: is not a field of a job \(did you mean "executorInstances"\?\).*Valid example: spark-s3:jobs\.x\.executorInstances: 2/,
        ],
        [
            "a wrong type",
            { nightly: { ...ok, executorInstances: "two" } },
            /spark-s3:jobs\.nightly\.executorInstances: must be a whole number, got "two"\. Valid example: spark-s3:jobs\.nightly\.executorInstances: 2/,
        ],
        [
            "a number out of range",
            { nightly: { ...ok, executorInstances: 0 } },
            /spark-s3:jobs\.nightly\.executorInstances: must be between 1 and 1000, got 0/,
        ],
        [
            "a Spark memory size",
            { nightly: { ...ok, driverMemory: "2 GB" } },
            /spark-s3:jobs\.nightly\.driverMemory: "2 GB" is not a Spark memory size/,
        ],
        [
            "no main file",
            { nightly: {} },
            /spark-s3:jobs\.nightly\.mainFile: is required: the job's main file \(in codeDir\) or its URI\. Valid example: spark-s3:jobs\.nightly\.mainFile: nightly\.py/,
        ],
        [
            "a relative main file without codeDir",
            { nightly: { mainFile: "nightly.py" } },
            /spark-s3:jobs\.nightly\.mainFile: "nightly\.py" is a relative path but the job has no codeDir/,
        ],
        [
            "a code folder that is not there",
            { nightly: { codeDir: "jobs/nowhere", mainFile: "x.py" } },
            /spark-s3:jobs\.nightly\.codeDir: cannot ship jobs\/nowhere: .*is not a folder/,
        ],
        [
            "a main file not shipped",
            { nightly: { codeDir: `${CODE}/nightly`, codeFiles: ["nightly.py"], mainFile: "other.py" } },
            /spark-s3:jobs\.nightly\.codeFiles|spark-s3:jobs\.nightly\.(codeDir|mainFile): .*other\.py/,
        ],
        [
            "a code folder over a ConfigMap's 1 MiB",
            { nightly: { codeDir: "BIG", mainFile: "main.py" } },
            /spark-s3:jobs\.nightly\.codeDir: cannot ship .*holds 1100006 bytes; a ConfigMap holds at most 1000000: bake the code into an image/,
        ],
        [
            "a Scala job without main class",
            { nightly: { ...ok, type: "Scala" } },
            /spark-s3:jobs\.nightly\.mainClass: is required for a Scala job\. Valid example: spark-s3:jobs\.nightly\.mainClass: com\.example\.Nightly/,
        ],
        [
            "a Python job with a main class",
            { nightly: { ...ok, mainClass: "a.B" } },
            /spark-s3:jobs\.nightly\.mainClass: applies to Scala and Java jobs only/,
        ],
        [
            "an unknown job type",
            { nightly: { ...ok, type: "Pyhton" } },
            /spark-s3:jobs\.nightly\.type: "Pyhton" is not one of Python, Scala, Java \(did you mean "Python"\?\)/,
        ],
        [
            "an s3a:// main file with the stock operator",
            { nightly: { mainFile: "s3a://bucket/code/nightly.py" } },
            /spark-s3:jobs\.nightly\.mainFile: "s3a:\/\/bucket\/code\/nightly\.py": the operator submits with its own spark-submit, which has no hadoop-aws .*#1508, #2301/,
        ],
        [
            "an s3a:// dependency",
            { nightly: { ...ok, pyFiles: ["s3a://b/lib.zip"] } },
            /spark-s3:jobs\.nightly\.pyFiles: "s3a:\/\/b\/lib\.zip": the operator submits/,
        ],
        [
            "a scheme Spark cannot fetch here",
            { nightly: { mainFile: "file:///tmp/x.py" } },
            /spark-s3:jobs\.nightly\.mainFile: "file:\/\/\/tmp\/x\.py" has scheme file:\/\//,
        ],
        [
            "a schedule with six fields",
            { nightly: { ...ok, schedule: "0 0 2 * * *" } },
            /spark-s3:jobs\.nightly\.schedule: "0 0 2 \* \* \*" has 6 fields; a schedule has 5/,
        ],
        [
            "a minute out of range",
            { nightly: { ...ok, schedule: "61 2 * * *" } },
            /spark-s3:jobs\.nightly\.schedule: "61" is out of range for the minute \(0-59\)/,
        ],
        [
            "an unknown descriptor",
            { nightly: { ...ok, schedule: "@nightly" } },
            /spark-s3:jobs\.nightly\.schedule: "@nightly" is not a descriptor/,
        ],
        [
            "a time zone Go cannot load",
            { nightly: { ...ok, schedule: "@daily", timeZone: "Europe/Berlinn" } },
            /spark-s3:jobs\.nightly\.timeZone: "Europe\/Berlinn" is not an IANA time zone/,
        ],
        [
            "a schedule field without a schedule",
            { nightly: { ...ok, suspend: true } },
            /spark-s3:jobs\.nightly\.suspend: applies to scheduled jobs only \(set schedule\)/,
        ],
        [
            "a run field with a schedule",
            { nightly: { ...ok, schedule: "@daily", waitForCompletion: true } },
            /spark-s3:jobs\.nightly\.waitForCompletion: applies to jobs without schedule/,
        ],
        [
            "a concurrency policy misspelled",
            { nightly: { ...ok, schedule: "@daily", concurrencyPolicy: "forbid" } },
            /spark-s3:jobs\.nightly\.concurrencyPolicy: "forbid" is not one of Forbid, Allow, Replace \(did you mean "Forbid"\?\)/,
        ],
        [
            "an unknown committer",
            { nightly: { ...ok, committer: "magik" } },
            /spark-s3:jobs\.nightly\.committer: "magik" is not one of directory, partitioned, magic \(did you mean "magic"\?\)/,
        ],
        [
            "the committer through sparkConf",
            { nightly: { ...ok, sparkConf: ["spark.hadoop.fs.s3a.committer.name=file"] } },
            /spark-s3:jobs\.nightly\.sparkConf: spark\.hadoop\.fs\.s3a\.committer\.name is managed by the program: set spark-s3:jobs\.nightly\.committer instead/,
        ],
        [
            "a credential in sparkConf",
            { nightly: { ...ok, sparkConf: ["spark.hadoop.fs.s3a.secret.key=abc123"] } },
            /spark-s3:jobs\.nightly\.sparkConf: spark\.hadoop\.fs\.s3a\.secret\.key holds a credential in plain text/,
        ],
        [
            "jars through sparkConf",
            { nightly: { ...ok, sparkConf: ["spark.jars.packages=a:b:1"] } },
            /spark\.jars\.packages is managed by the program: list them in spark-s3:jobs\.nightly\.packages/,
        ],
        [
            "a conf item that is not key=value",
            { nightly: { ...ok, sparkConf: ["spark.executor.cores"] } },
            /spark-s3:jobs\.nightly\.sparkConf: item "spark\.executor\.cores" is not of the form key=value/,
        ],
        [
            "a package that is not a Maven coordinate",
            { nightly: { ...ok, packages: ["spark-avro"] } },
            /spark-s3:jobs\.nightly\.packages: "spark-avro" is not a Maven coordinate/,
        ],
        ["a job name that is not a DNS label", { Nightly_Report: ok }, /spark-s3:jobs\.Nightly_Report: "Nightly_Report" is not a job name/],
        [
            "the name of DogLover's job",
            { doglover: ok },
            /spark-s3:jobs\.doglover: "doglover" is the name of a job the program deploys itself/,
        ],
        [
            "an entry that is not a map",
            { nightly: "nightly.py" },
            /spark-s3:jobs\.nightly: must be a map of the job's fields, got "nightly\.py"/,
        ],
    ];
    for (const [what, jobs, expected, extra] of cases) {
        it(`rejects ${what}`, async () => {
            const resolved = JSON.parse(JSON.stringify(jobs).replace(/"BIG"/g, JSON.stringify(big)));
            assert.match(await configError(resolved, extra), expected);
        });
    }

    it("rejects jobs that are not a map", async () => {
        assert.match(
            await configError(["nightly"] as unknown as Record<string, unknown>),
            /spark-s3:jobs: must be a map of names to settings/,
        );
    });

    it("lists every problem of every job at once", async () => {
        const msg = await configError({ a: { executorInstances: 0 }, b: { ...ok, schedule: "x" } });
        assert.match(msg, /\(3 problems\)/);
        assert.match(msg, /jobs\.a\.executorInstances/);
        assert.match(msg, /jobs\.a\.mainFile/);
        assert.match(msg, /jobs\.b\.schedule/);
    });

    it("accepts an s3a:// main file where the operator reads s3a (operatorReadsS3a)", async () => {
        const run = await jobsRun({ nightly: { mainFile: "s3a://bucket/code/nightly.py" } }, { "spark-s3:operatorReadsS3a": true });
        assert.equal(
            run.byType(APP).find((a) => a.inputs.metadata.name === "nightly-local")!.inputs.spec.mainApplicationFile,
            "s3a://bucket/code/nightly.py",
        );
    });
});
