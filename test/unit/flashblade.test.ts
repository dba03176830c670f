/**
 * The FlashBlade client and dynamic providers against the fake array (test/helpers/fake-flashblade.ts,
 * built from the documented contract). Each case says what the user sees.
 */
import { strict as assert } from "assert";
import { API_VERSION, FlashBladeClient, type FlashBladeConnection } from "../../components/flashblade/client";
import {
    accessKeyProvider,
    accountProvider,
    bucketProvider,
    userProvider,
    type AccessKeyOutputs,
    type AccountOutputs,
    type BucketInputs,
    type UserInputs,
} from "../../components/flashblade/providers";
import { SPARK_POLICIES } from "../../components/object-store/flashblade";
import { FakeFlashBlade, selfSignedCert } from "../helpers/fake-flashblade";

const TOKEN = "T-fake-api-token-for-tests";
const fast = { backoffMs: 5, maxRetries: 3, timeoutMs: 5000 };

describe("FlashBlade client and providers (fake array)", () => {
    let fb: FakeFlashBlade;
    let conn: FlashBladeConnection;
    const base = () => ({ connection: conn, clientOptions: fast });

    beforeEach(async () => {
        fb = await new FakeFlashBlade().start();
        conn = { url: fb.url, apiToken: TOKEN, caBundle: selfSignedCert().cert };
    });
    afterEach(async () => {
        await fb.stop();
    });

    const account = (name = "spark", adoptExisting = false) => ({ ...base(), name, adoptExisting });
    const user = (policies = SPARK_POLICIES, fullAccess = false): UserInputs => ({ ...base(), name: "spark/etl", policies, fullAccess });
    const bucket = (over: Partial<BucketInputs> = {}): BucketInputs => ({
        ...base(),
        name: "doglover",
        account: "spark",
        versioning: "none",
        eradicateOnDelete: false,
        ...over,
    });

    async function setupUser() {
        await accountProvider.create(account());
        await userProvider.create(user());
    }

    it("negotiates the pinned API version and fails clearly on an array without it", async () => {
        const c = new FlashBladeClient(conn, fast);
        assert.equal(await c.negotiate(), API_VERSION);
        fb.versions = ["1.12", "2.0", "2.12"];
        await assert.rejects(
            new FlashBladeClient(conn, fast).negotiate(),
            /offers REST API versions 1.12, 2.0, 2.12, but this program needs 2.17 \(Purity\/\/FB 4.5.5 or newer\)/,
        );
    });

    it("a bad API token names the config key to fix", async () => {
        await assert.rejects(
            accountProvider.create!({ ...account(), connection: { ...conn, apiToken: "wrong" } }),
            /FlashBlade login failed \(HTTP 401\): Invalid credentials.*spark-s3:flashbladeApiToken/,
        );
    });

    it("an untrusted certificate fails with how to fix it; the CA bundle or the insecure switch connect", async () => {
        const untrusted = { ...conn, caBundle: undefined };
        await assert.rejects(
            new FlashBladeClient(untrusted, fast).negotiate(),
            /cannot verify the TLS certificate .*spark-s3:flashbladeCaBundle/,
        );
        assert.equal(await new FlashBladeClient(conn, fast).negotiate(), API_VERSION);
        assert.equal(await new FlashBladeClient({ ...untrusted, insecure: true }, fast).negotiate(), API_VERSION);
    });

    it("refuses a plain-http management URL (the token would travel in clear)", () => {
        assert.throws(() => new FlashBladeClient({ ...conn, url: "http://127.0.0.1:1" }), /must be https:\/\//);
    });

    it("creates an account, and a second create fails clearly unless adoption is on", async () => {
        const r = await accountProvider.create(account());
        assert.equal(r.id, "spark");
        assert.ok(fb.accounts.has("spark"));
        await assert.rejects(
            accountProvider.create(account()),
            /account spark already exists on the array: set spark-s3:flashbladeAdoptAccount: true/,
        );
        const adopted = await accountProvider.create(account("spark", true));
        assert.equal((adopted.outs as AccountOutputs).adopted, true);
    });

    it("never deletes an adopted account; deletes its own", async () => {
        fb.accounts.add("shared");
        const adopted = await accountProvider.create(account("shared", true));
        await accountProvider.delete!("shared", adopted.outs);
        assert.ok(fb.accounts.has("shared"));
        const own = await accountProvider.create(account("own"));
        await accountProvider.delete!("own", own.outs);
        assert.ok(!fb.accounts.has("own"));
    });

    it("creates the Spark user with exactly the least set of policies, not full access", async () => {
        await setupUser();
        assert.deepEqual([...fb.users.get("spark/etl")!].sort(), [...SPARK_POLICIES].sort());
        assert.ok(!fb.users.get("spark/etl")!.has("pure:policy/full-access"));
        await assert.rejects(userProvider.create(user()), /user spark\/etl already exists on the array/);
    });

    it("updates policies in place: attaches new ones and detaches removed ones", async () => {
        await setupUser();
        const d = await userProvider.diff!("spark/etl", user(), user(["pure:policy/object-read", "pure:policy/bucket-list"]));
        assert.deepEqual([d.changes, d.replaces], [true, []]);
        await userProvider.update!("spark/etl", user(), user(["pure:policy/object-read", "pure:policy/bucket-list"]));
        assert.deepEqual([...fb.users.get("spark/etl")!].sort(), ["pure:policy/bucket-list", "pure:policy/object-read"]);
    });

    it("an unknown policy shows the array's message and context", async () => {
        await accountProvider.create(account());
        await assert.rejects(
            userProvider.create(user(["pure:policy/no-such"])),
            /FlashBlade POST object-store-access-policies\/object-store-users failed \(HTTP 400\): pure:policy\/no-such: Object store access policy does not exist\./,
        );
    });

    it("returns the secret key once at creation and keeps it through refresh", async () => {
        await setupUser();
        const r = await accessKeyProvider.create({ ...base(), user: "spark/etl", rotation: "" });
        const outs = r.outs as AccessKeyOutputs;
        assert.match(outs.accessKeyId, /^PSFBFAKE/);
        assert.equal(outs.secretAccessKey, fb.keys.get(r.id)!.secret);
        const listed = await new FlashBladeClient(conn, fast).accessKeysOf("spark/etl");
        assert.equal(listed[0].secret_access_key, undefined, "the array never returns it again");
        const refreshed = await accessKeyProvider.read!(r.id, outs);
        assert.equal((refreshed.props as AccessKeyOutputs).secretAccessKey, outs.secretAccessKey);
    });

    it("rotates the key: any change replaces it, the new key exists before the old is deleted", async () => {
        await setupUser();
        const old = await accessKeyProvider.create({ ...base(), user: "spark/etl", rotation: "" });
        const d = await accessKeyProvider.diff!(old.id, old.outs, { ...base(), user: "spark/etl", rotation: "2026-11" });
        assert.deepEqual(d.replaces, ["rotation"]);
        const fresh = await accessKeyProvider.create({ ...base(), user: "spark/etl", rotation: "2026-11" });
        assert.equal(fb.keys.size, 2);
        await accessKeyProvider.delete!(old.id, old.outs);
        assert.deepEqual([...fb.keys.keys()], [fresh.id]);
    });

    it("refuses a third key with the 2-per-user limit and which keys hold the slots", async () => {
        await setupUser();
        await accessKeyProvider.create({ ...base(), user: "spark/etl", rotation: "a" });
        await accessKeyProvider.create({ ...base(), user: "spark/etl", rotation: "b" });
        await assert.rejects(
            accessKeyProvider.create({ ...base(), user: "spark/etl", rotation: "c" }),
            /user spark\/etl already has 2 access keys \(PSFBFAKE0+1, PSFBFAKE0+2\), the FlashBlade limit is 2/,
        );
    });

    it("creates a bucket with versioning, and refuses one that already exists", async () => {
        await accountProvider.create(account());
        await bucketProvider.create(bucket({ versioning: "enabled" }));
        assert.equal(fb.buckets.get("doglover")!.versioning, "enabled");
        await assert.rejects(
            bucketProvider.create(bucket()),
            /bucket doglover already exists \(account spark\): choose another spark-s3:bucketName/,
        );
    });

    it("refresh after an out-of-band delete reports the resource gone", async () => {
        await setupUser();
        await bucketProvider.create(bucket());
        const key = await accessKeyProvider.create({ ...base(), user: "spark/etl", rotation: "" });
        fb.buckets.delete("doglover");
        fb.keys.delete(key.id);
        assert.deepEqual(await bucketProvider.read!("doglover", bucket()), {});
        assert.deepEqual(await accessKeyProvider.read!(key.id, key.outs), {});
        assert.equal((await userProvider.read!("spark/etl", user())).id, "spark/etl");
    });

    it("deleting a bucket destroys it but keeps it recoverable unless eradication is configured", async () => {
        await accountProvider.create(account());
        await bucketProvider.create(bucket());
        await bucketProvider.delete!("doglover", bucket());
        assert.equal(fb.buckets.get("doglover")!.destroyed, true, "soft-deleted, still on the array");
        assert.deepEqual(await bucketProvider.read!("doglover", bucket()), {}, "a destroyed bucket is gone for the stack");
        await bucketProvider.create(bucket({ name: "scratch" }));
        await bucketProvider.delete!("scratch", bucket({ name: "scratch", eradicateOnDelete: true }));
        assert.equal(fb.buckets.has("scratch"), false, "eradicated");
    });

    it("creating over a destroyed bucket says how to recover it", async () => {
        await accountProvider.create(account());
        await bucketProvider.create(bucket());
        await bucketProvider.delete!("doglover", bucket());
        await assert.rejects(
            bucketProvider.create(bucket()),
            /bucket doglover is destroyed and waits for eradication \(in 1440 min\): recover it/,
        );
    });

    it("an account that still holds a destroyed bucket cannot be deleted, with what to do", async () => {
        const acc = await accountProvider.create(account());
        await bucketProvider.create(bucket());
        await bucketProvider.delete!("doglover", bucket());
        await assert.rejects(
            accountProvider.delete!("spark", acc.outs),
            /Account is not empty.*eradication delay.*flashbladeEradicateOnDelete/,
        );
    });

    it("logs in again once when the session expired (401)", async () => {
        const c = new FlashBladeClient(conn, fast);
        await c.createAccount("a1");
        fb.expireSessions();
        await c.createAccount("a2");
        assert.ok(fb.accounts.has("a2"));
        assert.equal(fb.log.filter((l) => l.url === "/api/login").length, 2);
    });

    it("retries 429 and 503 with backoff, then succeeds", async () => {
        const c = new FlashBladeClient(conn, fast);
        await c.login();
        fb.failNext(429, 1);
        fb.failNext(503, 1);
        await c.createAccount("retried");
        assert.ok(fb.accounts.has("retried"));
        assert.deepEqual(
            fb.log.filter((l) => l.url.includes("object-store-accounts")).map((l) => l.status),
            [429, 503, 200],
        );
    });

    it("gives up after the retries with the array's message", async () => {
        const c = new FlashBladeClient(conn, fast);
        await c.login();
        fb.failNext(503, 10);
        await assert.rejects(
            c.createAccount("never"),
            /FlashBlade POST object-store-accounts failed \(HTTP 503\): Service temporarily unavailable./,
        );
    });

    it("an unreachable array is a clear error, not a hang", async () => {
        const url = fb.url;
        await fb.stop();
        await assert.rejects(new FlashBladeClient({ ...conn, url }, fast).negotiate(), /cannot reach FlashBlade at 127.0.0.1:\d+/);
        fb = await new FakeFlashBlade().start(); // for afterEach
    });

    it("logs out after every provider operation", async () => {
        await accountProvider.create(account());
        await bucketProvider.create(bucket());
        const logins = fb.log.filter((l) => l.url === "/api/login").length;
        const logouts = fb.log.filter((l) => l.url === "/api/logout").length;
        assert.equal(logins, 2);
        assert.equal(logouts, 2);
        assert.equal(fb.sessions.size, 0);
    });
});
