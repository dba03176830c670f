/**
 * Key material stays secret: Pulumi secrets in state, a Kubernetes Secret in the cluster, nowhere
 * else. The rule for every store: a secret key (and MinIO's root password) is secret everywhere;
 * an access key id is an identifier, plain everywhere (the key resources keep it as their id,
 * which the engine cannot encrypt), and only where a user needs it (the Secret, s3AccessKeyId).
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { holdsSecret, runProgram, type ProgramRun } from "../helpers/stack";

/** Mock values of the secret keys (local: random passwords; dev: the IAM key's secret). */
const KEY_MATERIAL = [/fake-spark-store-spark-secret-key/, /fake-spark-store-root-password/, /fake-secret-for-/];
/** Mock values of the access key ids (local: a random string cut to 20 characters; dev: the IAM key's id). */
const KEY_IDS = [/fake-spark-store-spa/, /TESTKEYID0000000001/];

async function isSecret(o: unknown): Promise<boolean> {
    return pulumi.Output.isInstance(o) && (await pulumi.isSecret(o as pulumi.Output<unknown>));
}

// The stores that give Spark a key pair: local's MinIO, and AWS with awsAuth accessKey (the
// identity modes give none: test/unit/aws-identity.test.ts).
const KEYED: [string, Record<string, unknown>][] = [
    ["local", {}],
    ["dev", { "spark-s3:awsAuth": "accessKey" }],
];
for (const [stack, overrides] of KEYED) {
    describe(`secrets (${stack}${Object.keys(overrides).length ? `, ${JSON.stringify(overrides)}` : ""})`, () => {
        let run: ProgramRun;
        before(async () => {
            run = await runProgram(stack, overrides);
        });

        it("exports the secret key as a Pulumi secret, the key id (an identifier) as plain, like the key resource's id", async () => {
            assert.equal(await isSecret(run.outputs.s3SecretAccessKey), true);
            assert.equal(await isSecret(run.outputs.s3AccessKeyId), false);
            const id = await new Promise((r) => (run.outputs.s3AccessKeyId as pulumi.Output<unknown>).apply(r));
            assert.ok(
                KEY_IDS.some((re) => re.test(String(id))),
                String(id),
            );
            for (const [name, o] of Object.entries(run.outputs)) {
                if (name === "s3SecretAccessKey") continue;
                assert.equal(await isSecret(o), false, `${name} should be a plain output`);
            }
        });

        it("puts the key pair in a Kubernetes Secret in the job namespace", () => {
            const secret = run.byType("kubernetes:core/v1:Secret").find((s) => s.inputs.metadata.name === "spark-s3-credentials")!;
            assert.equal(secret.inputs.metadata.namespace, "spark-jobs");
            assert.deepEqual(Object.keys(secret.inputs.stringData).sort(), ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]);
            assert.ok(
                KEY_MATERIAL.some((re) => re.test(secret.inputs.stringData.AWS_SECRET_ACCESS_KEY)),
                "the real (mock) secret is there",
            );
            assert.ok(holdsSecret(secret.rawInputs.stringData), "stringData is marked secret, so state encrypts it");
        });

        it("keeps secret keys out of every non-Secret resource (sparkConf, ConfigMaps, Jobs) and every plain output", async () => {
            for (const r of run.resources) {
                if (r.type === "kubernetes:core/v1:Secret") continue;
                if (r.type.startsWith("random:") || r.type === "aws:iam/accessKey:AccessKey") continue;
                const text = JSON.stringify(r.inputs);
                for (const re of [...KEY_MATERIAL, ...KEY_IDS]) assert.doesNotMatch(text, re, `${r.type} ${r.name} contains key material`);
            }
            for (const [name, o] of Object.entries(run.outputs)) {
                if (await isSecret(o)) continue;
                const v = pulumi.Output.isInstance(o) ? await new Promise((r) => (o as pulumi.Output<unknown>).apply(r)) : o;
                for (const re of KEY_MATERIAL) assert.doesNotMatch(JSON.stringify(v ?? ""), re, `output ${name}`);
                if (name !== "s3AccessKeyId") for (const re of KEY_IDS) assert.doesNotMatch(JSON.stringify(v ?? ""), re, `output ${name}`);
            }
        });
    });
}

describe("the key-material check itself", () => {
    it("would catch a key in sparkConf", () => {
        const leaked = JSON.stringify({ sparkConf: { "spark.hadoop.fs.s3a.secret.key": "fake-secret-for-store-spark-key" } });
        assert.ok(KEY_MATERIAL.some((re) => re.test(leaked)));
    });
});
