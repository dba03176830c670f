/**
 * Pulumi dynamic providers for the FlashBlade object store: account, user (with access
 * policies), access key, bucket. Plain objects, so the tests call create/read/diff/update/delete
 * directly against the fake array.
 *
 * The API token reaches them only as a (secret) input of each resource, never through a
 * closure: the serialized provider in the state holds code, not credentials.
 *
 * "Already exists" choices (README, FlashBlade stack): an existing account, user or bucket is
 * adopted only when its `adoptExisting` is set (spark-s3:flashbladeAdoptAccount, ...AdoptUser,
 * ...AdoptBucket) and is then never deleted by the stack; otherwise it is an error that names
 * that key. Nothing is silently taken over. (`pulumi import` cannot adopt them: the engine reads
 * an imported dynamic resource without its serialized provider.) An access key is never adopted:
 * the array shows a secret only when it creates the key.
 *
 * The engine runs these objects as Pulumi serializes them (client.ts explains what that rules
 * out); test/unit/flashblade.test.ts exercises the serialized code.
 */
import type * as pulumi from "@pulumi/pulumi";
import { accessKeyId, isFlashBladeError, isNotFound, withClient, withHint, type ClientOptions, type FlashBladeConnection } from "./client";

/** Every FlashBlade resource carries how to reach the array. */
export interface ConnectionInputs {
    connection: FlashBladeConnection;
    clientOptions?: ClientOptions;
}

/** The most keys the array allows per user; one slot stays free so a key can be rotated. (Not
 * an `export const`: see client.ts on API_VERSION.) */
const KEYS_PER_USER = 2;
export { KEYS_PER_USER as MAX_KEYS_PER_USER };

/** Run a delete; an object already gone is fine (deleted out of band). */
async function ignoreGone(op: Promise<unknown>): Promise<void> {
    try {
        await op;
    } catch (e) {
        if (!isNotFound(e)) throw e;
    }
}

// Module-level helpers are function declarations: the serializer captures those reliably.
function run<T>(i: ConnectionInputs, fn: Parameters<typeof withClient<T>>[1]): Promise<T> {
    return withClient(i.connection, fn, i.clientOptions);
}

/**
 * A changed connection (a new API token, URL or CA) is stored by an update; log in with it first,
 * so a wrong one fails this update with the array's message instead of the next delete.
 */
async function checkConnection(olds: ConnectionInputs, news: ConnectionInputs): Promise<void> {
    if (JSON.stringify(olds.connection) !== JSON.stringify(news.connection)) await run(news, (c) => c.login());
}

function changed<T extends object>(olds: T, news: T, keys: (keyof T)[]): (keyof T)[] {
    return keys.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
}

/** Say something to whoever runs `pulumi up`: the engine's log where there is one. */
function warn(message: string): void {
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        (require("@pulumi/pulumi") as typeof pulumi).log.warn(message);
    } catch {
        console.warn(message);
    }
}

// --- account ------------------------------------------------------------------------------------

export interface AccountInputs extends ConnectionInputs {
    name: string;
    adoptExisting: boolean;
}
export interface AccountOutputs extends AccountInputs {
    adopted: boolean;
}

export const accountProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: AccountInputs) {
        return run(inputs, async (c) => {
            if (await c.getAccount(inputs.name)) {
                if (!inputs.adoptExisting) {
                    throw new Error(
                        `object store account ${inputs.name} already exists on the array: set spark-s3:flashbladeAdoptAccount: true to use it (the stack then never deletes it), or choose another spark-s3:flashbladeAccount`,
                    );
                }
                return { id: inputs.name, outs: { ...inputs, adopted: true } };
            }
            await c.createAccount(inputs.name);
            return { id: inputs.name, outs: { ...inputs, adopted: false } };
        });
    },
    async read(id: string, props: AccountOutputs) {
        return run(props, async (c) => ((await c.getAccount(id)) ? { id, props } : {}));
    },
    async diff(_id: string, olds: AccountOutputs, news: AccountInputs) {
        const replaces = changed(olds, news, ["name"]) as string[];
        return { changes: replaces.length > 0 || changed(olds, news, ["adoptExisting", "connection"]).length > 0, replaces };
    },
    async update(_id: string, olds: AccountOutputs, news: AccountInputs) {
        await checkConnection(olds, news);
        return { outs: { ...news, adopted: olds.adopted } };
    },
    async delete(id: string, props: AccountOutputs) {
        if (props.adopted) return;
        await run(props, async (c) => {
            try {
                await c.deleteAccount(id);
            } catch (e) {
                if (isNotFound(e)) return;
                if (!isFlashBladeError(e)) throw e;
                // An account cannot go while it holds buckets, destroyed ones included. When all
                // that is left are destroyed buckets (this stack's, kept recoverable), destroy
                // finishes in one run and leaves the account: say so, and how to remove it.
                const left = (await c.listBuckets()).filter((b) => b.account?.name === id);
                if (left.length > 0 && left.every((b) => b.destroyed)) {
                    warn(
                        `FlashBlade account ${id} is left on the array: it still holds destroyed bucket(s) ${left.map((b) => b.name).join(", ")}, recoverable until the array eradicates them. To remove it, eradicate them there and delete the account, or set spark-s3:flashbladeEradicateOnDelete: true before pulumi destroy.`,
                    );
                    return;
                }
                const live = left.filter((b) => !b.destroyed).map((b) => `bucket ${b.name}`);
                throw new Error(
                    withHint(
                        e.message,
                        `The account still holds ${live.join(", ") || "objects this stack did not create"}: delete them on the array (or adopt the account with spark-s3:flashbladeAdoptAccount: true, so the stack never deletes it), then run pulumi destroy again.`,
                    ),
                );
            }
        });
    },
};

// --- user ---------------------------------------------------------------------------------------

export interface UserInputs extends ConnectionInputs {
    /** Full name, account/user. */
    name: string;
    /** Access policies to attach, e.g. pure:policy/object-read. */
    policies: string[];
    /** Create the user with full permissions instead of explicit policies. */
    fullAccess: boolean;
    /** Use the user if it exists (never delete it; detach on delete only the policies this stack attached). */
    adoptExisting: boolean;
}
export interface UserOutputs extends UserInputs {
    adopted: boolean;
    /** Policies the user had before this stack adopted it (kept on delete). */
    policiesBefore: string[];
}

export const userProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: UserInputs) {
        return run(inputs, async (c) => {
            let before: string[] = [];
            const adopted = Boolean(await c.getUser(inputs.name));
            if (adopted) {
                if (!inputs.adoptExisting) {
                    throw new Error(
                        `object store user ${inputs.name} already exists on the array: set spark-s3:flashbladeAdoptUser: true to use it (the stack then never deletes it), delete it there, or choose another spark-s3:flashbladeUser`,
                    );
                }
                before = await c.userPolicies(inputs.name);
            } else {
                await c.createUser(inputs.name, inputs.fullAccess);
            }
            for (const p of inputs.policies.filter((p) => !before.includes(p))) await c.attachPolicy(inputs.name, p);
            const outs: UserOutputs = { ...inputs, adopted, policiesBefore: before };
            return { id: inputs.name, outs };
        });
    },
    async read(id: string, props: UserOutputs) {
        return run(props, async (c) => {
            if (!(await c.getUser(id))) return {};
            const before = props.policiesBefore ?? [];
            // The policies this stack manages: what the user has, minus what it had before adoption.
            const policies = (await c.userPolicies(id)).filter((p) => !before.includes(p) || props.policies.includes(p)).sort();
            return { id, props: { ...props, policies } };
        });
    },
    async diff(_id: string, olds: UserOutputs, news: UserInputs) {
        const replaces = changed(olds, news, ["name", "fullAccess"]) as string[];
        const policies = JSON.stringify([...olds.policies].sort()) !== JSON.stringify([...news.policies].sort());
        return { changes: replaces.length > 0 || policies || changed(olds, news, ["connection", "adoptExisting"]).length > 0, replaces };
    },
    async update(id: string, olds: UserOutputs, news: UserInputs) {
        await checkConnection(olds, news);
        const before = olds.policiesBefore ?? [];
        await run(news, async (c) => {
            for (const p of news.policies.filter((p) => !olds.policies.includes(p))) await c.attachPolicy(id, p);
            for (const p of olds.policies.filter((p) => !news.policies.includes(p) && !before.includes(p))) await c.detachPolicy(id, p);
        });
        const outs: UserOutputs = { ...news, adopted: olds.adopted ?? false, policiesBefore: before };
        return { outs };
    },
    async delete(id: string, props: UserOutputs) {
        await run(props, async (c) => {
            if (!props.adopted) return ignoreGone(c.deleteUser(id));
            // An adopted user stays; only what this stack attached goes.
            const before = props.policiesBefore ?? [];
            for (const p of props.policies.filter((p) => !before.includes(p))) await ignoreGone(c.detachPolicy(id, p));
        });
    },
};

// --- access key ---------------------------------------------------------------------------------

export interface AccessKeyInputs extends ConnectionInputs {
    /** account/user */
    user: string;
    /** Any value; changing it replaces (rotates) the key. */
    rotation: string;
}
export interface AccessKeyOutputs extends AccessKeyInputs {
    accessKeyName: string;
    accessKeyId: string;
    /** Returned by the array only at creation; kept (secret) in state from then on. */
    secretAccessKey: string;
}

export const accessKeyProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: AccessKeyInputs) {
        return run(inputs, async (c) => {
            const existing = await c.accessKeysOf(inputs.user);
            if (existing.length >= KEYS_PER_USER) {
                throw new Error(
                    `object store user ${inputs.user} already has ${existing.length} access keys (${existing.map((k) => k.name).join(", ")}), the FlashBlade limit is ${KEYS_PER_USER}: delete one that nothing uses, then run pulumi up again`,
                );
            }
            const key = await c.createAccessKey(inputs.user);
            if (!key?.secret_access_key) throw new Error(`the array created access key ${key?.name} without returning its secret`);
            const outs: AccessKeyOutputs = {
                ...inputs,
                accessKeyName: key.name,
                accessKeyId: accessKeyId(key),
                secretAccessKey: key.secret_access_key,
            };
            return { id: key.name, outs };
        });
    },
    async read(id: string, props: AccessKeyOutputs) {
        // The secret is never readable again: keep the one from the state.
        return run(props, async (c) => ((await c.getAccessKey(id)) ? { id, props } : {}));
    },
    async diff(_id: string, olds: AccessKeyOutputs, news: AccessKeyInputs) {
        const replaces = changed(olds as AccessKeyInputs, news, ["user", "rotation"]) as string[];
        return { changes: replaces.length > 0 || changed(olds as AccessKeyInputs, news, ["connection"]).length > 0, replaces };
    },
    async update(_id: string, olds: AccessKeyOutputs, news: AccessKeyInputs) {
        await checkConnection(olds, news);
        return { outs: { ...olds, ...news } };
    },
    async delete(id: string, props: AccessKeyOutputs) {
        await run(props, (c) => ignoreGone(c.deleteAccessKey(id)));
    },
};

// --- bucket -------------------------------------------------------------------------------------

export interface BucketInputs extends ConnectionInputs {
    name: string;
    account: string;
    versioning: "none" | "enabled" | "suspended";
    /** On delete: eradicate right after destroying (irreversible); otherwise leave it destroyed. */
    eradicateOnDelete: boolean;
    /** Use the bucket if it exists in `account` (the stack then never deletes it). */
    adoptExisting: boolean;
}
export interface BucketOutputs extends BucketInputs {
    adopted: boolean;
    /**
     * The array's id of this bucket: a bucket created again under the same name (after an
     * out-of-band delete) has a new one, so what fills the bucket can follow it.
     */
    bucketId: string;
}

export const bucketProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: BucketInputs) {
        return run(inputs, async (c) => {
            const existing = await c.getBucket(inputs.name);
            if (existing?.destroyed) {
                throw new Error(
                    `bucket ${inputs.name} is destroyed and waits for eradication` +
                        (existing.time_remaining ? ` (in ${Math.round(existing.time_remaining / 60000)} min)` : "") +
                        `: recover it on the array (un-destroy) and set spark-s3:flashbladeAdoptBucket: true, or eradicate it there, before creating it again`,
                );
            }
            let bucket = existing;
            if (existing) {
                if (!inputs.adoptExisting || existing.account?.name !== inputs.account) {
                    throw new Error(
                        `bucket ${inputs.name} already exists (account ${existing.account?.name ?? "?"}): ` +
                            (existing.account?.name === inputs.account
                                ? "set spark-s3:flashbladeAdoptBucket: true to use it (the stack then never deletes it), or choose another spark-s3:bucketName"
                                : `it belongs to another account than ${inputs.account}: choose another spark-s3:bucketName`),
                    );
                }
            } else {
                bucket = await c.createBucket(inputs.name, inputs.account);
            }
            if (inputs.versioning !== "none" && bucket?.versioning !== inputs.versioning) {
                bucket = await c.patchBucket(inputs.name, { versioning: inputs.versioning });
            }
            const outs: BucketOutputs = {
                ...inputs,
                adopted: Boolean(existing),
                bucketId: bucket?.id ?? (await c.getBucket(inputs.name))?.id ?? "",
            };
            return { id: inputs.name, outs };
        });
    },
    async read(id: string, props: BucketOutputs) {
        return run(props, async (c) => {
            const b = await c.getBucket(id);
            if (!b || b.destroyed) return {};
            const versioning = (b.versioning as BucketInputs["versioning"]) ?? props.versioning;
            return { id, props: { ...props, versioning, bucketId: b.id ?? props.bucketId } };
        });
    },
    async diff(_id: string, olds: BucketOutputs, news: BucketInputs) {
        const replaces = changed(olds, news, ["name", "account"]) as string[];
        return {
            changes:
                replaces.length > 0 || changed(olds, news, ["versioning", "eradicateOnDelete", "connection", "adoptExisting"]).length > 0,
            replaces,
        };
    },
    async update(id: string, olds: BucketOutputs, news: BucketInputs) {
        await checkConnection(olds, news);
        if (olds.versioning !== news.versioning) {
            if (news.versioning === "none") {
                throw new Error(`bucket ${id}: versioning cannot go back to none once enabled; use suspended`);
            }
            await run(news, (c) => c.patchBucket(id, { versioning: news.versioning }));
        }
        const outs: BucketOutputs = { ...news, adopted: olds.adopted ?? false, bucketId: olds.bucketId };
        return { outs };
    },
    async delete(id: string, props: BucketOutputs) {
        if (props.adopted) return;
        await run(props, async (c) => {
            try {
                await c.patchBucket(id, { destroyed: true });
            } catch (e) {
                if (isNotFound(e)) return;
                throw e;
            }
            if (props.eradicateOnDelete) {
                await c.eradicateBucket(id);
            } else {
                warn(
                    `FlashBlade bucket ${id} is destroyed, not eradicated: its data stays recoverable on the array until the eradication delay ends. Eradicate it there to free the name, or set spark-s3:flashbladeEradicateOnDelete: true.`,
                );
            }
        });
    },
};
