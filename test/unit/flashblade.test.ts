/**
 * The FlashBlade client and dynamic providers against the fake array (test/helpers/fake-flashblade.ts,
 * built from the documented contract). Each case says what the user sees.
 */
import { strict as assert } from "assert";
import { API_VERSION, FlashBladeClient, type FlashBladeConnection } from "../../components/flashblade/client";
import type {
    accessKeyProvider as accessKeyObject,
    accountProvider as accountObject,
    bucketProvider as bucketObject,
    userProvider as userObject,
    AccessKeyOutputs,
    AccountOutputs,
    BucketInputs,
    BucketOutputs,
    UserInputs,
    UserOutputs,
} from "../../components/flashblade/providers";
import { SPARK_POLICIES } from "../../components/object-store/flashblade";
import { FakeFlashBlade, selfSignedCert } from "../helpers/fake-flashblade";
import { loadSerialized, serializedTexts } from "../helpers/serialized";

// The engine never runs the provider objects: it runs what Pulumi serialized into the state.
// Every case below exercises that serialized code.
let accountProvider: typeof accountObject;
let userProvider: typeof userObject;
let accessKeyProvider: typeof accessKeyObject;
let bucketProvider: typeof bucketObject;
let texts: Record<string, string>;
before(function () {
    this.timeout(60_000);
    texts = serializedTexts("components/flashblade/providers.ts", [
        "accountProvider",
        "userProvider",
        "accessKeyProvider",
        "bucketProvider",
    ]);
    accountProvider = loadSerialized(texts.accountProvider);
    userProvider = loadSerialized(texts.userProvider);
    accessKeyProvider = loadSerialized(texts.accessKeyProvider);
    bucketProvider = loadSerialized(texts.bucketProvider);
});

const TOKEN = "T-fake-api-token-for-tests";

/**
 * The providers' warnings: they go to pulumi.log, which outside the engine falls back to
 * console.warn. Every case collects them (nothing leaks into the test output); cases that expect
 * one read `warnings`.
 */
const warnings: string[] = [];
const originalWarn = console.warn;
beforeEach(() => {
    warnings.length = 0;
    console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(" "));
});
afterEach(() => {
    console.warn = originalWarn;
});
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
    const user = (policies = SPARK_POLICIES, fullAccess = false, adoptExisting = false): UserInputs => ({
        ...base(),
        name: "spark/etl",
        policies,
        fullAccess,
        adoptExisting,
    });
    const bucket = (over: Partial<BucketInputs> = {}): BucketInputs => ({
        ...base(),
        name: "doglover",
        account: "spark",
        versioning: "none",
        eradicateOnDelete: false,
        adoptExisting: false,
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

    it("a new API token is checked by the update that stores it: a wrong one fails there, with the array's message", async () => {
        const acc = await accountProvider.create(account());
        const wrong = { ...account(), connection: { ...conn, apiToken: "T-wrong" } };
        await assert.rejects(
            accountProvider.update!("spark", acc.outs, wrong),
            /FlashBlade login failed \(HTTP 401\): Invalid credentials\. Check spark-s3:flashbladeApiToken/,
        );
        fb.apiTokens.add("T-new");
        const renewed = await accountProvider.update!("spark", acc.outs, { ...account(), connection: { ...conn, apiToken: "T-new" } });
        assert.equal((renewed.outs as AccountOutputs).connection.apiToken, "T-new");
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
        await assert.rejects(
            userProvider.create(user()),
            /user spark\/etl already exists on the array: set spark-s3:flashbladeAdoptUser: true to use it/,
        );
    });

    it("adopts an existing user when asked: attaches what is missing, never deletes it, detaches only its own policies", async () => {
        await accountProvider.create(account());
        fb.users.set("spark/etl", new Set(["pure:policy/object-read", "pure:policy/bucket-create"]));
        const r = await userProvider.create(user(SPARK_POLICIES, false, true));
        const outs = r.outs as UserOutputs;
        assert.deepEqual([outs.adopted, outs.policiesBefore.sort()], [true, ["pure:policy/bucket-create", "pure:policy/object-read"]]);
        assert.deepEqual([...fb.users.get("spark/etl")!].sort(), [...new Set([...SPARK_POLICIES, "pure:policy/bucket-create"])].sort());
        await userProvider.delete!("spark/etl", outs);
        assert.deepEqual([...fb.users.get("spark/etl")!].sort(), ["pure:policy/bucket-create", "pure:policy/object-read"], "as it was");
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
            /bucket doglover already exists \(account spark\): set spark-s3:flashbladeAdoptBucket: true to use it/,
        );
        const adopted = await bucketProvider.create(bucket({ adoptExisting: true }));
        assert.equal((adopted.outs as BucketOutputs).adopted, true);
        await bucketProvider.delete!("doglover", adopted.outs);
        assert.equal(fb.buckets.get("doglover")!.destroyed, false, "an adopted bucket is never destroyed by the stack");
        fb.accounts.add("other");
        await assert.rejects(
            bucketProvider.create(bucket({ account: "other", adoptExisting: true })),
            /belongs to another account than other/,
        );
    });

    it("a bucket created again under the same name has a new bucketId (what fills it can follow)", async () => {
        await accountProvider.create(account());
        const first = (await bucketProvider.create(bucket())).outs as BucketOutputs;
        assert.match(first.bucketId, /^[0-9a-f-]{36}$/);
        fb.buckets.delete("doglover"); // deleted out of band
        assert.deepEqual(await bucketProvider.read!("doglover", first), {});
        const again = (await bucketProvider.create(bucket())).outs as BucketOutputs;
        assert.notEqual(again.bucketId, first.bucketId);
    });

    it("refresh after an out-of-band delete reports the resource gone", async () => {
        await setupUser();
        await bucketProvider.create(bucket());
        const key = await accessKeyProvider.create({ ...base(), user: "spark/etl", rotation: "" });
        fb.buckets.delete("doglover");
        fb.keys.delete(key.id);
        assert.deepEqual(await bucketProvider.read!("doglover", { ...bucket(), adopted: false, bucketId: "x" }), {});
        assert.deepEqual(await accessKeyProvider.read!(key.id, key.outs), {});
        assert.equal((await userProvider.read!("spark/etl", user())).id, "spark/etl");
    });

    it("deleting a bucket destroys it but keeps it recoverable unless eradication is configured", async () => {
        await accountProvider.create(account());
        await bucketProvider.create(bucket());
        await bucketProvider.delete!("doglover", bucket());
        assert.equal(fb.buckets.get("doglover")!.destroyed, true, "soft-deleted, still on the array");
        assert.match(warnings.join("\n"), /FlashBlade bucket doglover is destroyed, not eradicated: its data stays recoverable/);
        assert.deepEqual(
            await bucketProvider.read!("doglover", { ...bucket(), adopted: false, bucketId: "x" }),
            {},
            "a destroyed bucket is gone for the stack",
        );
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

    it("destroy finishes in one run: an account that holds only destroyed buckets is left, with what to do", async () => {
        const acc = await accountProvider.create(account());
        await bucketProvider.create(bucket());
        await bucketProvider.delete!("doglover", bucket());
        await accountProvider.delete!("spark", acc.outs);
        assert.ok(fb.accounts.has("spark"), "left on the array");
        assert.match(
            warnings.join("\n"),
            /account spark is left on the array: it still holds destroyed bucket\(s\) doglover.*flashbladeEradicateOnDelete/,
        );
        // With eradication the account goes too.
        fb.buckets.delete("doglover");
        await accountProvider.delete!("spark", acc.outs);
        assert.ok(!fb.accounts.has("spark"));
    });

    it("an account that still holds a live bucket the stack did not create is an error that keeps the array's message", async () => {
        const acc = await accountProvider.create(account());
        fb.buckets.set("theirs", { id: "b-1", created: 0, name: "theirs", account: "spark", destroyed: false, versioning: "none" });
        await assert.rejects(
            accountProvider.delete!("spark", acc.outs),
            /HTTP 400\): spark: Account is not empty: it has object store users or buckets\. The account still holds bucket theirs/,
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

    it("an array that stops answering: every provider retries, then says it cannot reach the FlashBlade", async () => {
        await setupUser();
        const b = await bucketProvider.create(bucket());
        const k = await accessKeyProvider.create({ ...base(), user: "spark/etl", rotation: "" });
        const port = Number(new URL(fb.url).port);
        await fb.stop();
        const unreachable =
            /cannot reach the FlashBlade at 127\.0\.0\.1:\d+ \(ECONNREFUSED, 4 attempts\): check spark-s3:flashbladeManagementUrl/;
        await assert.rejects(accountProvider.read!("spark", { ...account(), adopted: false }), unreachable);
        await assert.rejects(userProvider.read!("spark/etl", { ...user(), adopted: false, policiesBefore: [] }), unreachable);
        await assert.rejects(accessKeyProvider.read!(k.id, k.outs), unreachable);
        await assert.rejects(bucketProvider.read!("doglover", b.outs), unreachable);
        // The same array answering again: nothing was lost.
        await fb.start(port);
        assert.equal((await bucketProvider.read!("doglover", b.outs)).id, "doglover");
    });

    it("the serialized code keeps none of the shapes the serializer breaks", () => {
        for (const [name, text] of Object.entries(texts)) {
            assert.doesNotMatch(text, /\bexports\.(?!handler\b)\w+/, `${name}: reads its own module's exports (undefined once serialized)`);
            assert.doesNotMatch(text, /__super\.call/, `${name}: calls a built-in super constructor (Error loses its message)`);
            assert.doesNotMatch(
                text,
                /global\.(Set|Map|WeakMap|WeakSet)\.prototype/,
                `${name}: a captured Set/Map (rebuilt as a plain object)`,
            );
        }
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
