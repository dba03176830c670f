/**
 * The pack on real public jobs (test/policy/fixtures/real: the operator's examples, AWS's Data on
 * EKS blueprints, MinIO's OpenLake guides, and jobs as Delta, Iceberg, Hudi, Spark and the seed
 * article document them; each document cites its source). Every case says exactly which policies
 * fire at which level, with the pack's defaults and with a platform config that says which Hadoop
 * the blueprints' custom images carry; and what the pack judged the job to write.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { main, type Finding } from "../../policy/cli/check";
import { OUTPUTS_ANNOTATION, REASON_ANNOTATION } from "../../policy/s3a/declarations";
import { ROOT } from "../helpers/paths";

const REAL = "test/policy/fixtures/real";
const CONFIG = "test/policy/fixtures/config/real-platform.json";

type Levels = Record<string, "mandatory" | "advisory">;
interface Expected {
    writes: "commits" | "none" | "undetermined";
    /** Policies and their level with the pack's defaults. */
    fires: Levels;
    /** With the platform config (imageHadoop for the blueprints' images), where it differs. */
    configured?: Levels;
}

const M = "mandatory" as const;
const A = "advisory" as const;

/** Why each is right is in the comment: what the job really does at runtime. */
const EXPECTED: Record<string, Expected> = {
    // kubeflow spark-operator v2.5.2 examples: Pi, no S3 at all
    "spark-pi": { writes: "none", fires: {} },
    "spark-pi-python": { writes: "none", fires: {} },
    "spark-pi-scheduled": { writes: "none", fires: {} },
    // Data on EKS: Pi whose only S3 traffic is its event log. Its Hadoop 3.4 key is ignored by Spark
    // 3.5.3's Hadoop 3.3.4, and valid in the Hadoop 3.4.1 the image really carries.
    "pyspark-pi-karpenter": {
        writes: "none",
        fires: { "s3a-known-keys": M, "s3a-jar-delivery": A },
        configured: { "s3a-jar-delivery": A },
    },
    // Taxi trips to s3a://.../output/ with Hadoop's classic committer; fs.s3a.input.fadvise is silently ignored
    "taxi-trip-ebs-pvc": {
        writes: "commits",
        fires: { "s3a-committer-required": M, "s3a-known-keys": M, "s3a-jar-delivery": A },
    },
    // The same on Spark 3.4.0 (Hadoop 3.3.4) with hadoop-aws-3.3.1.jar: NoSuchMethodError at runtime; stock image without spark-hadoop-cloud
    "taxi-trip": {
        writes: "commits",
        fires: { "s3a-committer-required": M, "s3a-known-keys": M, "s3a-committer-jars": M, "s3a-jar-delivery": A },
    },
    // Output to a local path on a Mountpoint for Amazon S3 volume: no committer rule
    "order-nvme": { writes: "none", fires: { "s3a-known-keys": M, "s3a-jar-delivery": A } },
    // Output to file:///mnt/s3-files (S3 Files through the EFS CSI driver): no committer rule
    "order-s3files": { writes: "none", fires: { "s3a-known-keys": M, "s3a-jar-delivery": A } },
    // Iceberg on S3 Tables, configured in its code: the manifest shows only an input, so the committer rules are advice
    "s3table-example": {
        writes: "undetermined",
        fires: { "s3a-known-keys": M, "s3a-jar-delivery": A, "s3a-committer-applicability": A },
    },
    // Iceberg through the Glue catalog and S3FileIO; the image (Dockerfile-comet) carries Hadoop 3.4.3
    "tpcds-benchmark-comet-iceberg": {
        writes: "none",
        fires: { "s3a-known-keys": M, "s3a-jar-delivery": A },
        configured: { "s3a-jar-delivery": A },
    },
    // TPC-DS results as files to s3a://...-RESULT-...: the classic committer (algorithm 2)
    "tpcds-benchmark-parquet": {
        writes: "commits",
        fires: { "s3a-committer-required": M, "s3a-known-keys": M, "s3a-jar-delivery": A },
        configured: { "s3a-committer-required": M, "s3a-jar-delivery": A },
    },
    // Data generation to one positional s3a:// path: the manifest cannot tell it is the output
    "tpcds-data-generation-3t": { writes: "undetermined", fires: { "s3a-jar-delivery": A, "s3a-committer-applicability": A } },
    // SparkPi on the EMR image: no S3A
    "spark-pi-operator": { writes: "none", fires: {} },
    // OpenLake: CSV to OUTPUT_PATH=s3a://... with the classic committer (its code says so), keys in the driver's env
    "spark-minio": {
        writes: "commits",
        fires: { "s3a-committer-required": M, "s3a-no-literal-credentials": M, "s3a-jar-delivery": A },
    },
    "spark-scheduled-minio": {
        writes: "commits",
        fires: { "s3a-committer-required": M, "s3a-no-literal-credentials": M, "s3a-jar-delivery": A },
    },
    // Iceberg configured in code, only INPUT_PATH in the manifest
    "spark-iceberg": {
        writes: "undetermined",
        fires: { "s3a-no-literal-credentials": M, "s3a-jar-delivery": A, "s3a-committer-applicability": A },
    },
    "pyspark-pi": { writes: "none", fires: {} },
    // Kafka to S3 configured in code: no S3A in the manifest, keys in plain text
    "spark-stream": { writes: "none", fires: { "s3a-no-literal-credentials": M } },
    // Delta Lake's S3 quickstart: writes through _delta_log; the keys in plain text
    "delta-s3-single-cluster": { writes: "none", fires: { "s3a-no-literal-credentials": M, "s3a-jar-delivery": A } },
    // Iceberg hadoop catalog on s3a://
    "iceberg-hadoop-catalog": { writes: "none", fires: { "s3a-jar-delivery": A } },
    // Hudi's Spark guide, its base path on s3a://
    "hudi-quick-start": { writes: "none", fires: { "s3a-jar-delivery": A } },
    // Structured Streaming, checkpoint and file sink on s3a://
    "kafka-events-to-parquet": { writes: "none", fires: { "s3a-jar-delivery": A } },
    // Spark's cloud-integration settings on Kubernetes: staging on each pod's disk
    "cloud-integration-committer": {
        writes: "commits",
        fires: { "s3a-staging-on-shared-volume": M, "s3a-committer-consistency": A, "s3a-jar-delivery": A },
    },
    // The seed article: the staging key Hadoop ignores, keys in plain text, no TLS, the buffer on NFS
    "doglover-article": {
        writes: "commits",
        fires: {
            "s3a-staging-on-shared-volume": M,
            "s3a-known-keys": M,
            "s3a-no-literal-credentials": M,
            "s3a-tls-required": A,
            "s3a-third-party-endpoint": A,
            "s3a-committer-consistency": A,
            "s3a-jar-delivery": A,
            "spark-version-known": A,
            "s3a-buffer-dir-local": A,
        },
    },
};

interface Doc {
    findings: Finding[];
    jobs: { name: string; writes: string; why: string }[];
    errors: unknown[];
    applications: number;
}

function check(...argv: string[]): { code: number; doc: Doc; out: string } {
    let out = "";
    const code = main(["check", "--format", "json", ...argv], { out: (t) => (out += t), err: () => undefined, cwd: ROOT });
    return { code, doc: JSON.parse(out), out };
}

function levels(findings: Finding[], name: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const f of findings.filter((x) => x.name === name)) {
        assert.ok(!out[f.policy] || out[f.policy] === f.level, `${name}: ${f.policy} at two levels`);
        out[f.policy] = f.level;
    }
    return out;
}

const sortKeys = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

describe("the real-world corpus", () => {
    const plain = check(REAL);
    const configured = check("--config", CONFIG, REAL);

    it("reads every document and every case of it has an expectation", () => {
        assert.deepEqual(plain.doc.errors, []);
        assert.equal(plain.doc.applications, Object.keys(EXPECTED).length);
        assert.deepEqual(plain.doc.jobs.map((j) => j.name).sort(), Object.keys(EXPECTED).sort());
    });

    it("cites the source of every document", () => {
        for (const file of fs.readdirSync(path.join(ROOT, REAL))) {
            const text = fs.readFileSync(path.join(ROOT, REAL, file), "utf8");
            const docs = text.split(/^---$/m).slice(1);
            for (const d of docs) {
                const obj = yaml.load(d) as { kind?: string; metadata?: { name?: string } } | null;
                if (obj?.kind !== "SparkApplication" && obj?.kind !== "ScheduledSparkApplication") continue;
                assert.match(d, /^# https?:\/\/\S+/m, `${file}: ${obj.metadata?.name} cites no source`);
            }
        }
    });

    for (const [name, e] of Object.entries(EXPECTED)) {
        it(`${name}: writes ${e.writes}; ${
            Object.entries(e.fires)
                .map(([p, l]) => `${p} ${l}`)
                .join(", ") || "nothing fires"
        }`, () => {
            const job = plain.doc.jobs.find((j) => j.name === name)!;
            assert.equal(job.writes, e.writes, job.why);
            assert.deepEqual(
                sortKeys(levels(plain.doc.findings, name)),
                sortKeys(e.fires),
                JSON.stringify(
                    plain.doc.findings.filter((f) => f.name === name),
                    null,
                    1,
                ),
            );
            assert.deepEqual(sortKeys(levels(configured.doc.findings, name)), sortKeys(e.configured ?? e.fires));
        });
    }

    it("never mandatory committer rules on jobs that only read, log events, write locally, or write through Iceberg, Delta, Hudi or streaming", () => {
        const committerRules = ["s3a-committer-required", "s3a-staging-on-shared-volume", "s3a-committer-consistency"];
        for (const [name, e] of Object.entries(EXPECTED)) {
            if (e.writes === "commits") continue;
            for (const r of committerRules) assert.equal(levels(plain.doc.findings, name)[r], undefined, `${name}: ${r}`);
        }
    });

    it("each advisory committer finding says in one line why it is advice and how to settle it", () => {
        const advice = plain.doc.findings.filter((f) => f.policy === "s3a-committer-applicability");
        assert.ok(advice.length >= 6);
        for (const f of advice) {
            assert.doesNotMatch(f.message, /\n/);
            assert.match(
                f.message,
                /^advice, not mandatory: s3a-committer-required applies only if .* commits files to s3a:\/\/ .*, and the pack cannot tell \(.+\)\. .* To settle it, declare the job's outputs/,
            );
        }
    });

    it("a real undetermined job settles it with its annotation: outputs make the rules mandatory, none with a reason waives them in one line", () => {
        const text = fs.readFileSync(path.join(ROOT, REAL, "aws-data-on-eks.yaml"), "utf8");
        const doc = text.split(/^---$/m).find((d) => /name: s3table-example/.test(d))!;
        const withAnnotations = (annotations: Record<string, string>) => {
            const obj = yaml.load(doc) as { metadata: Record<string, unknown> };
            obj.metadata.annotations = annotations;
            return yaml.dump(obj);
        };
        const tmp = fs.mkdtempSync(path.join(require("os").tmpdir(), "real-corpus-"));
        try {
            fs.writeFileSync(
                path.join(tmp, "declared.yaml"),
                withAnnotations({ [OUTPUTS_ANNOTATION]: "s3a://<S3_BUCKET>/s3table-example/output" }),
            );
            const declared = check(path.join(tmp, "declared.yaml"));
            assert.equal(declared.code, 1);
            assert.equal(levels(declared.doc.findings, "s3table-example")["s3a-committer-required"], M);
            assert.equal(levels(declared.doc.findings, "s3table-example")["s3a-committer-applicability"], undefined);

            fs.writeFileSync(
                path.join(tmp, "declared.yaml"),
                withAnnotations({
                    [OUTPUTS_ANNOTATION]: "none",
                    [REASON_ANNOTATION]: "writes Iceberg tables through the S3 Tables catalog",
                }),
            );
            const waived = check(path.join(tmp, "declared.yaml"));
            const lines = waived.doc.findings.filter((f) => f.policy === "s3a-committer-applicability");
            assert.equal(lines.length, 1);
            assert.equal(
                lines[0].message,
                `spark-team-a/s3table-example waives the committer rules (${OUTPUTS_ANNOTATION}: none): writes Iceberg tables through the S3 Tables catalog. Waived: 3 findings of s3a-committer-required. Remove the annotation if it commits files to s3a:// after all.`,
            );
            assert.equal(lines[0].level, A);

            fs.writeFileSync(path.join(tmp, "declared.yaml"), withAnnotations({ [OUTPUTS_ANNOTATION]: "none" }));
            const noReason = check(path.join(tmp, "declared.yaml"));
            assert.ok(
                noReason.doc.findings.some((f) => /waives the committer rules only with a reason .* the waiver is ignored/.test(f.message)),
            );
            assert.equal(levels(noReason.doc.findings, "s3table-example")["s3a-committer-applicability"], A);
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });
});
