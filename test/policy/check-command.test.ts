/**
 * The pack's `check` command on real-looking manifests (test/policy/fixtures): what it finds,
 * how it names file, resource and key, its exit codes, --format json and --config, and that it
 * reports exactly what the Pulumi policies report for the same resources.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main, resolveConfig, runRules, type Finding } from "../../policy/cli/check";
import { readManifests } from "../../policy/cli/manifests";
import { POLICY } from "../../policy/s3a/checks";
import { RULES } from "../../policy/rules";
import { runPack } from "../helpers/policy";
import { ROOT } from "../helpers/paths";

const FIX = "test/policy/fixtures";

function run(...argv: string[]): { code: number; out: string; err: string } {
    let out = "";
    let err = "";
    const code = main(argv, { out: (t) => (out += t), err: (t) => (err += t), cwd: ROOT });
    return { code, out, err };
}

function json(...argv: string[]): {
    code: number;
    doc: {
        findings: Finding[];
        errors: { file: string; message: string }[];
        applications: number;
        files: string[];
        summary: { mandatory: number; advisory: number };
        exitCode: number;
    };
} {
    const r = run("check", "--format", "json", ...argv);
    return { code: r.code, doc: JSON.parse(r.out) };
}

const names = (findings: Finding[]) => [...new Set(findings.map((f) => f.policy))].sort();

describe("s3a-committer-policies check", () => {
    it("finds every Spark application in a directory tree: multi-document files, a List, a schedule, nested dirs", () => {
        const { code, doc } = json(`${FIX}/manifests`);
        assert.equal(code, 0);
        assert.equal(doc.applications, 5);
        assert.deepEqual(doc.files, [
            `${FIX}/manifests/team-a/etl.yaml`,
            `${FIX}/manifests/team-a/nested/streaming.yaml`,
            `${FIX}/manifests/team-b/backfill.yaml`,
            `${FIX}/manifests/team-b/reports.yml`,
        ]);
        assert.deepEqual(doc.errors, []);
    });

    it("correct jobs on 3.5, 4.0 and 4.1 get no mandatory finding; advisories say what could be better", () => {
        const { code, doc } = json(`${FIX}/manifests`);
        assert.equal(code, 0);
        assert.equal(doc.summary.mandatory, 0);
        assert.deepEqual(names(doc.findings), [POLICY.concurrentWriters, POLICY.jarDelivery]);
        const etl = doc.findings.filter((f) => f.name === "nightly-etl");
        assert.deepEqual(
            etl.map((f) => [f.policy, f.level, f.key]),
            [[POLICY.jarDelivery, "advisory", "spark.jars.packages"]],
        );
        assert.match(etl[0].message, /resolves them inside its controller pod on every submission/);
        assert.ok(!doc.findings.some((f) => f.name === "hourly-report"), "the 3.5 schedule with mirrored jars is clean");
    });

    it("the platform config: trusted images silence the image notes, a version pin is mandatory", () => {
        const { code, doc } = json("--config", `${FIX}/config/platform.json`, `${FIX}/manifests`);
        assert.equal(code, 1);
        assert.deepEqual(
            doc.findings.filter((f) => f.level === "mandatory").map((f) => [f.kind, f.namespace, f.name, f.policy, f.key]),
            [["ScheduledSparkApplication", "reporting", "hourly-report", POLICY.versionAllowed, "spec.sparkVersion"]],
        );
        assert.ok(!doc.findings.some((f) => f.name === "clickstream-compaction"), "Spark 4.1's magic default on a trusted image is clean");
    });

    it("a mandatory finding exits 1, and each line names file, resource, level, policy and key", () => {
        const r = run("check", `${FIX}/bad/wrong-hadoop.yaml`);
        assert.equal(r.code, 1);
        const lines = r.out.trim().split("\n");
        assert.ok(
            lines.includes(
                `${FIX}/bad/wrong-hadoop.yaml: SparkApplication data-science/churn-model: mandatory s3a-committer-jars [spark.jars.packages]: org.apache.hadoop:hadoop-aws:3.3.4 is hadoop-aws 3.3.4, but Spark 4.1.2 is built with Hadoop 3.4.2: hadoop-aws must be of exactly that Hadoop version, mixed Hadoop versions fail at runtime (NoSuchMethodError, ClassNotFoundException). Use org.apache.hadoop:hadoop-aws:3.4.2.`,
            ),
            r.out,
        );
        assert.ok(lines.some((l) => l.includes("mandatory s3a-known-keys [spark.hadoop.fs.s3a.committer.tmp.path]")));
        assert.match(lines[lines.length - 1], /^1 Spark application in 1 file: 5 mandatory, 1 advisory\.$/);
        assert.equal(r.err, "");
    });

    it("the config can change a level: an advisory made mandatory fails the run", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "s3a-check-"));
        try {
            fs.writeFileSync(path.join(dir, "strict.json"), JSON.stringify({ "s3a-jar-delivery": { enforcementLevel: "mandatory" } }));
            assert.equal(run("check", "--config", path.join(dir, "strict.json"), `${FIX}/manifests/team-a/etl.yaml`).code, 1);
            fs.writeFileSync(path.join(dir, "off.json"), JSON.stringify({ "s3a-jar-delivery": "disabled" }));
            const off = json("--config", path.join(dir, "off.json"), `${FIX}/manifests/team-a/etl.yaml`);
            assert.deepEqual(off.doc.findings, []);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("PersistentVolumeClaims in the manifests tell the staging check the claim's access mode", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "s3a-check-"));
        try {
            const text = fs.readFileSync(path.join(ROOT, FIX, "manifests/team-a/etl.yaml"), "utf8");
            const withoutClaim = text.split("\n---\n").slice(1).join("\n---\n");
            fs.writeFileSync(path.join(dir, "job.yaml"), withoutClaim);
            const r = json(path.join(dir, "job.yaml"));
            assert.equal(r.code, 1);
            assert.deepEqual(names(r.doc.findings.filter((f) => f.level === "mandatory")), [POLICY.staging]);
            assert.match(r.doc.findings.find((f) => f.policy === POLICY.staging)!.message, /not among the resources checked/);
            fs.writeFileSync(path.join(dir, "job.yaml"), text.replace("ReadWriteMany", "ReadWriteOnce"));
            assert.match(
                json(path.join(dir, "job.yaml")).doc.findings.find((f) => f.policy === POLICY.staging)!.message,
                /not ReadWriteMany/,
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("YAML errors exit 2 (naming the file), after checking the other files; Helm templates get a hint", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "s3a-check-"));
        try {
            fs.writeFileSync(path.join(dir, "broken.yaml"), "apiVersion: v1\nkind: [unclosed\n");
            fs.writeFileSync(path.join(dir, "chart.yaml"), "{{- if .Values.enabled }}\nkind: SparkApplication\n{{- end }}\n");
            fs.writeFileSync(
                path.join(dir, "values-in.yaml"),
                "apiVersion: sparkoperator.k8s.io/v1beta2\nkind: SparkApplication\nspec:\n  image: {{ .Values.image }}\n",
            );
            fs.copyFileSync(path.join(ROOT, FIX, "bad/wrong-hadoop.yaml"), path.join(dir, "wrong.yaml"));
            const r = run("check", dir);
            assert.equal(r.code, 2);
            assert.match(r.err, /broken\.yaml: error: not valid YAML/);
            assert.match(r.err, /chart\.yaml: error: not valid YAML.*render it with helm template first/);
            assert.match(r.err, /values-in\.yaml: error: an unrendered template/);
            assert.match(r.out, /wrong\.yaml: SparkApplication data-science\/churn-model: mandatory/);
            const j = json(dir);
            assert.equal(j.code, 2);
            assert.equal(j.doc.exitCode, 2);
            assert.equal(j.doc.errors.length, 3);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("reads standard input for -, as rendered by helm template", () => {
        const rendered = fs.readFileSync(path.join(ROOT, FIX, "bad/wrong-hadoop.yaml"), "utf8");
        let out = "";
        const code = main(["check", "-"], { out: (t) => (out += t), err: () => undefined, cwd: ROOT, stdin: () => rendered });
        assert.equal(code, 1);
        assert.match(out, /^\(stdin\): SparkApplication data-science\/churn-model: mandatory /m);
    });

    it("usage and config errors exit 2; --help exits 0", () => {
        assert.equal(run().code, 2);
        assert.equal(run("lint", FIX).code, 2);
        assert.equal(run("check").code, 2);
        assert.equal(run("check", "--verbose", FIX).code, 2);
        assert.equal(run("check", "--format", "xml", FIX).code, 2);
        const missing = run("check", `${FIX}/no-such-dir`);
        assert.equal(missing.code, 2);
        assert.match(missing.err, /no-such-dir: error: no such file or directory/);
        const badOption = run("check", "--config", `${FIX}/config/bad-option.json`, FIX);
        assert.equal(badOption.code, 2);
        assert.match(badOption.err, /s3a-tls-required: unknown option "trustedImages" \(options: insecureEndpoints\)/);
        assert.throws(() => resolveConfig({ "no-such-policy": {} }), /not a policy of this pack/);
        assert.throws(() => resolveConfig({ "s3a-tls-required": { enforcementLevel: "loud" } }), /not one of/);
        assert.throws(() => resolveConfig({ "s3a-tls-required": { insecureEndpoints: "x" } }), /list of strings/);
        assert.throws(
            () => resolveConfig({ "s3a-known-keys": { imageHadoop: ["registry.example.com/spark:3.4.1"] } }),
            /s3a-known-keys\.imageHadoop: "registry.example.com\/spark:3.4.1" is not of the form the option takes, e.g. "public.ecr.aws\/data-on-eks\/spark:3.5.3-scala2.12-java17-python3-ubuntu=3.4.1"/,
        );
        const help = run("--help");
        assert.equal(help.code, 0);
        assert.match(help.out, /^Usage: s3a-committer-policies check/);
    });

    it("reports the same findings as the Pulumi policies on the same resources", () => {
        const set = readManifests([`${FIX}/manifests`, `${FIX}/bad`, `${FIX}/real`], ROOT);
        const config = { [POLICY.jars]: { trustedImages: ["registry.example.com/platform/spark:"] } };
        const cli = runRules(set.resources, resolveConfig(config))
            .map((f) => `${f.urn} ${f.rule.name} ${f.level} ${f.message}`)
            .sort();
        const pack = runPack(set.resources, config)
            .map((r) => `${r.urn} ${r.policy} ${r.level} ${r.message}`)
            .sort();
        assert.ok(cli.length >= 8, String(cli.length));
        assert.deepEqual(cli, pack);
    });

    it("every rule of the pack is a Pulumi policy with the same name, level and description", () => {
        const { policies } = require("../../policy/policies") as typeof import("../../policy/policies");
        assert.deepEqual(
            policies.map((p) => [p.name, p.enforcementLevel, p.description]),
            RULES.map((r) => [r.name, r.level, r.description]),
        );
    });

    it("runs as the package's bin with the pack's own dependencies", () => {
        const bin = JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "package.json"), "utf8")).bin as Record<string, string>;
        assert.deepEqual(Object.keys(bin), ["s3a-committer-policies"]);
        const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "s3a-check-cwd-"));
        try {
            const r = spawnSync(
                process.execPath,
                [path.join(ROOT, "policy", bin["s3a-committer-policies"]), "check", "--format", "json", path.join(ROOT, FIX, "bad")],
                { cwd, encoding: "utf8", env: { PATH: process.env.PATH ?? "" } },
            );
            assert.equal(r.status, 1, r.stderr);
            const doc = JSON.parse(r.stdout);
            assert.equal(doc.summary.mandatory, 5);
            assert.ok(
                doc.findings.every((f: Finding) => path.isAbsolute(f.file)),
                "files outside the working directory are shown absolute",
            );
        } finally {
            fs.rmSync(cwd, { recursive: true, force: true });
        }
    });
});
