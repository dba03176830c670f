/**
 * Review stacks: Pulumi Deployments copies Pulumi.pr.yaml into a stack per pull request. Each
 * gets its own job namespace and data prefix on the shared dev cluster and bucket, reuses dev's
 * operator, and creates nothing that another pull request could collide with.
 */
import { strict as assert } from "assert";
import { fitDnsLabel } from "../../components/config/checks";
import { expandStack } from "../../components/config/reader";
import * as fs from "fs";
import * as path from "path";
import { fired, firedMandatory, fromMocks, runPack } from "../helpers/policy";
import { ROOT } from "../helpers/paths";
import { runProgram, type ProgramRun } from "../helpers/stack";

const REVIEW = "pr-pulumi-acme-spark-s3-42";

describe("review stacks (Pulumi.pr.yaml)", () => {
    let run: ProgramRun;
    let other: ProgramRun;
    before(async () => {
        run = await runProgram(REVIEW, {}, [], { configFile: "pr" });
        other = await runProgram("pr-pulumi-acme-spark-s3-43", {}, [], { configFile: "pr" });
    });

    it("derives the job namespace and the data prefix from the stack name", () => {
        const ns = run.byType("kubernetes:core/v1:Namespace").map((n) => n.inputs.metadata.name);
        assert.deepEqual(ns, [`spark-${REVIEW}`]);
        const app = run.one("kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication").inputs;
        assert.equal(app.metadata.namespace, `spark-${REVIEW}`);
        assert.equal(app.metadata.name, `doglover-${REVIEW}`);
        assert.ok(app.spec.arguments.includes(`s3a://acme-spark-s3-dev-data/review/${REVIEW}/input/`));
    });

    it("reuses dev's operator and bucket: no Helm release, no bucket resources", () => {
        assert.equal(run.byType("kubernetes:helm.sh/v3:Release").length, 0);
        assert.equal(run.resources.filter((r) => r.type.startsWith("aws:s3/")).length, 0);
        const ns = run.one("kubernetes:core/v1:Namespace").inputs;
        assert.equal(ns.metadata.labels["spark-s3.io/spark-jobs"], "enabled", "dev's operator watches it by label");
    });

    it("gets its own IAM role through EKS Pod Identity (no key), scoped to its own prefix, and dev's EFS class", () => {
        const assoc = run.one("aws:eks/podIdentityAssociation:PodIdentityAssociation", "spark-store-spark").inputs;
        assert.deepEqual([assoc.clusterName, assoc.namespace, assoc.serviceAccount], ["spark-dev", `spark-${REVIEW}`, "spark"]);
        assert.equal(run.byType("aws:iam/accessKey:AccessKey").length, 0);
        assert.equal(run.byType("aws:efs/fileSystem:FileSystem").length, 0, "no file system per pull request");
        const claim = run.byType("kubernetes:core/v1:PersistentVolumeClaim")[0].inputs;
        assert.equal(claim.spec.storageClassName, "spark-s3-efs-dev");
        const doc = JSON.parse(run.one("aws:iam/rolePolicy:RolePolicy", "spark-store-spark").inputs.policy);
        const objects = doc.Statement.find((s: any) => s.Sid === "ReadWriteCommitObjects").Resource;
        assert.deepEqual(objects, [
            `arn:aws:s3:::acme-spark-s3-dev-data/review/${REVIEW}`,
            `arn:aws:s3:::acme-spark-s3-dev-data/review/${REVIEW}/*`,
        ]);
    });

    it("two pull requests share no namespaced or global name", () => {
        const names = (r: ProgramRun) =>
            r.resources
                .filter(
                    (x) =>
                        x.inputs.metadata?.name &&
                        x.type !== "kubernetes:core/v1:Secret" &&
                        x.type !== "kubernetes:core/v1:ServiceAccount" &&
                        x.type !== "kubernetes:core/v1:PersistentVolumeClaim" &&
                        !x.type.includes("rbac"),
                )
                .map((x) => `${x.type}/${x.inputs.metadata.namespace ?? ""}/${x.inputs.metadata.name}`);
        const mine = new Set(names(run));
        for (const n of names(other)) assert.ok(!mine.has(n), `shared: ${n}`);
    });

    it("passes the policy pack with dev's pack config (the baked image is trusted): nothing fires", () => {
        const config = JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "config", "dev.json"), "utf8"));
        const reported = runPack(fromMocks(run.resources), config);
        assert.deepEqual(firedMandatory(reported), [], JSON.stringify(reported, null, 1));
        assert.deepEqual(fired(reported), [], JSON.stringify(reported, null, 1));
    });

    it("dev's operator watches labelled namespaces, and dev's bucket expires review data", async () => {
        const dev = await runProgram("dev");
        const values = dev.one("kubernetes:helm.sh/v3:Release").inputs.values;
        assert.equal(values.spark.jobNamespaceSelector, "spark-s3.io/spark-jobs=enabled");
        const rules = dev.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules;
        assert.deepEqual(
            rules.find((r: any) => r.id === "expire-review-stack-data"),
            { id: "expire-review-stack-data", status: "Enabled", filter: { prefix: "review/" }, expiration: { days: 14 } },
        );
    });

    it("long stack names still give valid, distinct namespaces", () => {
        const a = fitDnsLabel(expandStack("spark-${stack}", "pr-pulumi-a-very-long-organisation-name-spark-s3-on-kubernetes-1001"));
        const b = fitDnsLabel(expandStack("spark-${stack}", "pr-pulumi-a-very-long-organisation-name-spark-s3-on-kubernetes-1002"));
        assert.ok(a.length <= 63 && b.length <= 63);
        assert.match(a, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
        assert.notEqual(a, b);
        assert.equal(expandStack("review/${stack}", "Team_A.pr-7"), "review/team-a-pr-7");
    });
});
