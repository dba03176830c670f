/**
 * The `flashblade` stack through the real engine: the four FlashBlade dynamic providers run the
 * way the engine runs them, serialized into the state and evaluated by the dynamic-provider
 * plugin, against the project's fake array (test/helpers/fake-flashblade.ts, built from the
 * documented REST contract; no real FlashBlade here) on 127.0.0.1, with the Kubernetes side on
 * the same cluster as lifecycle.e2e.ts. Up, no-op up, refresh after an out-of-band delete (the
 * bucket comes back and is filled again), an array that stops answering, a wrong token, key
 * rotation (the Secret is updated in place), destroy in one run; and no token or secret key in
 * plain text anywhere in the state, its history or its backups.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import type { Stack, UpResult } from "@pulumi/pulumi/automation";
import { EVENT_LOG_READER_POLICIES, SPARK_POLICIES } from "../../components/object-store/flashblade";
import { FakeFlashBlade, selfSignedCert } from "../helpers/fake-flashblade";
import { sparkOperator } from "../helpers/upstream";
import { Kubectl } from "./kubectl";
import { makeProject, type E2EProject } from "./project";

const kubectl = new Kubectl();
const TOKEN = "T-fake-api-token-for-tests";
const NS = "spark-fb";
const log = (line: string) => process.stdout.write(`      ${line}\n`);
const chart = process.env.E2E_OPERATOR_CHART ?? sparkOperator.chart();

/** Every file of the backend: the state, its history and its backups. */
function backendFiles(dir: string): string[] {
    const out: string[] = [];
    const walk = (d: string) => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
            const p = path.join(d, e.name);
            if (e.isDirectory()) walk(p);
            else out.push(p);
        }
    };
    walk(dir);
    return out;
}

describe("flashblade stack through the real engine (dynamic providers as serialized, fake array)", function () {
    this.timeout(0);
    let project: E2EProject;
    let stack: Stack;
    let fb: FakeFlashBlade;
    /** The ids of the access keys the fake array holds for one user. */
    const keysOf = (user: string) => [...fb.keys.values()].filter((k) => k.user === user).map((k) => k.name);
    let port: number;
    const onOutput = (s: string) => {
        for (const line of s.split("\n")) {
            if (/using pulumi-resource-|is expected to have version/.test(line)) continue;
            if (/error|warning|FlashBlade/.test(line)) log(line.trim());
        }
    };
    const up = async (what: string): Promise<UpResult> => {
        const t0 = Date.now();
        const r = await stack.up({ onOutput, color: "never" });
        log(`up (${what}): ${JSON.stringify(r.summary.resourceChanges)} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
        return r;
    };
    const failure = async (p: Promise<unknown>): Promise<string> => {
        try {
            await p;
        } catch (e) {
            return e instanceof Error ? e.message : String(e);
        }
        assert.fail("expected the operation to fail");
    };
    const credentials = async () => {
        const s = await kubectl.get("secret", "spark-s3-credentials", NS);
        const d = (k: string) => Buffer.from(s.data[k], "base64").toString("utf8");
        return { uid: s.metadata.uid as string, id: d("AWS_ACCESS_KEY_ID"), secret: d("AWS_SECRET_ACCESS_KEY") };
    };
    const seedJob = async () =>
        (await kubectl.list("jobs", { namespace: NS, selector: "app.kubernetes.io/component=seed" })).map((j) => j.metadata.name);

    before(async () => {
        assert.ok(process.env.KUBECONFIG, "KUBECONFIG must name the cluster to test against");
        project = await makeProject();
        fb = await new FakeFlashBlade().start();
        port = Number(new URL(fb.url).port);
        fs.mkdirSync(path.join(project.dir, "certs"));
        fs.writeFileSync(path.join(project.dir, "certs", "fake-flashblade-ca.pem"), selfSignedCert().cert);
        stack = await project.stack("flashblade");
        const set = (k: string, v: string, secret = false) => stack.setConfig(`spark-s3:${k}`, { value: v, secret });
        await set("flashbladeManagementUrl", fb.url);
        await set("flashbladeApiToken", TOKEN, true);
        await set("flashbladeCaBundle", "certs/fake-flashblade-ca.pem");
        await set("flashbladeDataUrl", "https://127.0.0.1:9");
        // The cluster has no Portworx: a hostPath volume, as on the local stack.
        await set("stagingHostPath", "/tmp/spark-s3-fb-staging");
        await set("jobNamespace", NS);
        await set("sampleRecords", "1000");
        if (chart) await set("operatorChart", chart);
    });

    after(async () => {
        if (stack) {
            try {
                if (!fb.listening) await fb.start(port);
                fb.apiTokens.add(TOKEN);
                await stack.destroy({ color: "never" });
                await stack.workspace.removeStack(stack.name);
            } catch (e) {
                log(`cleanup: ${e instanceof Error ? e.message : e}`);
            }
        }
        await fb?.stop();
        project?.remove();
    });

    it("deploys: account, user with the least policies, key and bucket on the array; the key only in the Secret", async () => {
        const r = await up("first");
        assert.ok((r.summary.resourceChanges?.create ?? 0) >= 20, JSON.stringify(r.summary.resourceChanges));
        assert.ok(fb.accounts.has("spark"));
        assert.ok(fb.users.has("spark/spark"));
        assert.ok(fb.buckets.has("spark-doglover"));
        // The History Server's own user: read-only built-in policies.
        assert.deepEqual([...fb.users.get("spark/spark-history")!].sort(), [...EVENT_LOG_READER_POLICIES].sort());
        assert.deepEqual(keysOf("spark/spark").length, 1);
        assert.deepEqual(keysOf("spark/spark-history").length, 1);
        const creds = await credentials();
        assert.equal(creds.id, keysOf("spark/spark")[0]);
        assert.equal(creds.secret, fb.keys.get(creds.id)!.secret);
        assert.equal(r.outputs.s3AccessKeyId.value, creds.id);
        assert.equal(r.outputs.s3AccessKeyId.secret, false, "an identifier (the key resource's id is plain too)");
        assert.equal(r.outputs.s3SecretAccessKey.secret, true);
    });

    it("a second up changes nothing", async () => {
        const c = (await up("no-op")).summary.resourceChanges ?? {};
        assert.deepEqual([c.create ?? 0, c.update ?? 0, c.delete ?? 0, c.replace ?? 0], [0, 0, 0, 0], JSON.stringify(c));
    });

    it("a bucket deleted out of band: refresh drops it, up creates it again and fills it again (seed and job follow)", async () => {
        const seedBefore = await seedJob();
        const appBefore = (await kubectl.get("sparkapplications.sparkoperator.k8s.io", "doglover-flashblade", NS)).metadata.uid;
        fb.buckets.delete("spark-doglover");
        const refreshed = await stack.refresh({ color: "never" });
        assert.equal(refreshed.summary.resourceChanges?.delete, 1, JSON.stringify(refreshed.summary.resourceChanges));
        await up("after the out-of-band delete");
        assert.ok(fb.buckets.has("spark-doglover"));
        const seedAfter = await seedJob();
        assert.equal(seedAfter.length, 1);
        assert.notDeepEqual(seedAfter, seedBefore, "the seed Job ran again for the new bucket");
        const appAfter = (await kubectl.get("sparkapplications.sparkoperator.k8s.io", "doglover-flashblade", NS)).metadata.uid;
        assert.notEqual(appAfter, appBefore, "the job runs again on the new input");
    });

    it("an array that stops answering: refresh retries, then says it cannot reach the FlashBlade (no TypeError)", async () => {
        await fb.stop();
        const t0 = Date.now();
        const msg = await failure(stack.refresh({ onOutput, color: "never" }));
        log(`refresh failed after ${((Date.now() - t0) / 1000).toFixed(0)} s`);
        assert.match(
            msg,
            /cannot reach the FlashBlade at 127\.0\.0\.1:\d+ \(ECONNREFUSED, 5 attempts\): check spark-s3:flashbladeManagementUrl/,
        );
        assert.doesNotMatch(msg, /TypeError|incompatible receiver/);
        await fb.start(port);
        const c = (await up("the array answers again")).summary.resourceChanges ?? {};
        assert.deepEqual([c.create ?? 0, c.delete ?? 0, c.replace ?? 0], [0, 0, 0], JSON.stringify(c));
    });

    it("a wrong token: the array's own message and the key to fix", async () => {
        await stack.setConfig("spark-s3:flashbladeApiToken", { value: "T-wrong-token", secret: true });
        const msg = await failure(stack.up({ onOutput, color: "never" }));
        assert.match(msg, /FlashBlade login failed \(HTTP 401\): Invalid credentials\. Check spark-s3:flashbladeApiToken/);
        assert.doesNotMatch(msg, /error: \. /, "the array's message is not lost");
        await stack.setConfig("spark-s3:flashbladeApiToken", { value: TOKEN, secret: true });
    });

    it("rotates the key: a new key, the Secret updated in place (never missing), the old key deleted", async () => {
        const before = await credentials();
        await stack.setConfig("spark-s3:flashbladeKeyRotation", { value: "2026-12" });
        const r = await up("key rotation");
        const after = await credentials();
        assert.notEqual(after.id, before.id);
        assert.equal(after.uid, before.uid, "the same Secret object, updated in place");
        assert.deepEqual(keysOf("spark/spark"), [after.id], "only the new key is left");
        assert.equal(after.secret, fb.keys.get(after.id)!.secret);
        assert.equal(r.outputs.s3AccessKeyId.value, after.id);
    });

    it("keeps the token and every secret key out of the state, its history and its backups (key ids are plain, by rule)", async () => {
        const files = backendFiles(project.stateDir);
        assert.ok(files.some((f) => f.includes("history")) && files.length > 3, files.join(", "));
        const secrets = [TOKEN, ...fb.issuedSecrets];
        assert.ok(fb.issuedSecrets.length >= 2, "the rotated key's secret is looked for too");
        for (const f of files) {
            const text = fs.readFileSync(f, "utf8");
            for (const s of secrets) assert.ok(!text.includes(s), `${path.relative(project.stateDir, f)} holds a secret in plain text`);
        }
        const state = JSON.stringify((await stack.exportStack()).deployment);
        assert.ok(state.includes(keysOf("spark/spark")[0]), "the key id is in the state, plain: an identifier");
    });

    it("destroys in one run: the bucket destroyed but recoverable, the account left with a warning", async () => {
        const t = await stack.destroy({ onOutput, color: "never" });
        assert.ok((t.summary.resourceChanges?.delete ?? 0) >= 20, JSON.stringify(t.summary.resourceChanges));
        assert.match(t.stdout, /FlashBlade account spark is left on the array: it still holds destroyed bucket\(s\) spark-doglover/);
        assert.equal(fb.buckets.get("spark-doglover")?.destroyed, true, "recoverable until the array eradicates it");
        assert.ok(!fb.users.has("spark/spark"));
        assert.ok(!fb.users.has("spark/spark-history"));
        assert.equal(fb.keys.size, 0);
        assert.ok(fb.accounts.has("spark"));
        assert.equal(await kubectl.get("namespace", NS), undefined);
        const state = await stack.exportStack();
        assert.equal(((state.deployment as { resources?: unknown[] }).resources ?? []).length, 0);
    });

    it("adopts what already exists on the array through stack config (pulumi import cannot), and leaves it on destroy", async () => {
        fb.buckets.delete("spark-doglover"); // the array eradicated it
        fb.users.set("spark/spark", new Set(["pure:policy/object-read"])); // a user made by hand
        await stack.setConfig("spark-s3:flashbladeAdoptAccount", { value: "true" });
        const msg = await failure(stack.up({ onOutput, color: "never" }));
        assert.match(msg, /object store user spark\/spark already exists on the array: set spark-s3:flashbladeAdoptUser: true to use it/);
        assert.doesNotMatch(msg, /pulumi import/);
        await stack.setConfig("spark-s3:flashbladeAdoptUser", { value: "true" });
        await up("adopting the account and the user");
        assert.deepEqual([...fb.users.get("spark/spark")!].sort(), [...new Set([...SPARK_POLICIES, "pure:policy/object-read"])].sort());
        await stack.destroy({ onOutput, color: "never" });
        assert.deepEqual([...fb.users.get("spark/spark")!], ["pure:policy/object-read"], "the adopted user stays, as it was");
        assert.ok(fb.accounts.has("spark"), "the adopted account stays");
    });
});
