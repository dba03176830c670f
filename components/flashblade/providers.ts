/**
 * Pulumi dynamic providers for the FlashBlade object store: account, user (with access
 * policies), access key, bucket. Plain objects, so the tests call create/read/diff/update/delete
 * directly against the fake array.
 *
 * The API token reaches them only as a (secret) input of each resource, never through a
 * closure: the serialized provider in the state holds code, not credentials.
 *
 * "Already exists" choices (README, FlashBlade stack): an existing account is adopted only when
 * `adoptExisting` is set (and is then never deleted by the stack); an existing user, key or
 * bucket is an error that says how to proceed; nothing is silently taken over.
 */
import type * as pulumi from "@pulumi/pulumi";
import { FlashBladeError, accessKeyId, withClient, type ClientOptions, type FlashBladeConnection } from "./client";

/** Every FlashBlade resource carries how to reach the array. */
export interface ConnectionInputs {
    connection: FlashBladeConnection;
    clientOptions?: ClientOptions;
}

/** The most keys the array allows per user; one slot stays free so a key can be rotated. */
export const MAX_KEYS_PER_USER = 2;

const gone = (e: unknown) => e instanceof FlashBladeError && e.notFound;

/** Run a delete; an object already gone is fine (deleted out of band). */
async function ignoreGone(op: Promise<unknown>): Promise<void> {
    try {
        await op;
    } catch (e) {
        if (!gone(e)) throw e;
    }
}
const run = <T>(i: ConnectionInputs, fn: Parameters<typeof withClient<T>>[1]) => withClient(i.connection, fn, i.clientOptions);

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
        return { outs: { ...news, adopted: olds.adopted } };
    },
    async delete(id: string, props: AccountOutputs) {
        if (props.adopted) return;
        await run(props, async (c) => {
            try {
                await c.deleteAccount(id);
            } catch (e) {
                if (gone(e)) return;
                if (e instanceof FlashBladeError) {
                    throw new Error(
                        `${e.message}. An account can only be deleted when it holds no users and no buckets, eradicated ones included: destroyed buckets wait for the array's eradication delay (or set spark-s3:flashbladeEradicateOnDelete: true), then run pulumi destroy again.`,
                    );
                }
                throw e;
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
}

export const userProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: UserInputs) {
        return run(inputs, async (c) => {
            if (await c.getUser(inputs.name)) {
                throw new Error(
                    `object store user ${inputs.name} already exists on the array: delete it there, choose another spark-s3:flashbladeUser, or bring it under this stack with pulumi import`,
                );
            }
            await c.createUser(inputs.name, inputs.fullAccess);
            for (const p of inputs.policies) await c.attachPolicy(inputs.name, p);
            return { id: inputs.name, outs: inputs };
        });
    },
    async read(id: string, props: UserInputs) {
        return run(props, async (c) => {
            if (!(await c.getUser(id))) return {};
            return { id, props: { ...props, policies: (await c.userPolicies(id)).sort() } };
        });
    },
    async diff(_id: string, olds: UserInputs, news: UserInputs) {
        const replaces = changed(olds, news, ["name", "fullAccess"]) as string[];
        const policies = JSON.stringify([...olds.policies].sort()) !== JSON.stringify([...news.policies].sort());
        return { changes: replaces.length > 0 || policies || changed(olds, news, ["connection"]).length > 0, replaces };
    },
    async update(id: string, olds: UserInputs, news: UserInputs) {
        await run(news, async (c) => {
            for (const p of news.policies.filter((p) => !olds.policies.includes(p))) await c.attachPolicy(id, p);
            for (const p of olds.policies.filter((p) => !news.policies.includes(p))) await c.detachPolicy(id, p);
        });
        return { outs: news };
    },
    async delete(id: string, props: UserInputs) {
        await run(props, (c) => ignoreGone(c.deleteUser(id)));
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
            if (existing.length >= MAX_KEYS_PER_USER) {
                throw new Error(
                    `object store user ${inputs.user} already has ${existing.length} access keys (${existing.map((k) => k.name).join(", ")}), the FlashBlade limit is ${MAX_KEYS_PER_USER}: delete one that nothing uses, then run pulumi up again`,
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
}

export const bucketProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: BucketInputs) {
        return run(inputs, async (c) => {
            const existing = await c.getBucket(inputs.name);
            if (existing?.destroyed) {
                throw new Error(
                    `bucket ${inputs.name} is destroyed and waits for eradication` +
                        (existing.time_remaining ? ` (in ${Math.round(existing.time_remaining / 60000)} min)` : "") +
                        `: recover it on the array (un-destroy) and pulumi import it, or eradicate it there, before creating it again`,
                );
            }
            if (existing) {
                throw new Error(
                    `bucket ${inputs.name} already exists (account ${existing.account?.name ?? "?"}): choose another spark-s3:bucketName, or bring it under this stack with pulumi import`,
                );
            }
            await c.createBucket(inputs.name, inputs.account);
            if (inputs.versioning !== "none") await c.patchBucket(inputs.name, { versioning: inputs.versioning });
            return { id: inputs.name, outs: inputs };
        });
    },
    async read(id: string, props: BucketInputs) {
        return run(props, async (c) => {
            const b = await c.getBucket(id);
            if (!b || b.destroyed) return {};
            return { id, props: { ...props, versioning: (b.versioning as BucketInputs["versioning"]) ?? props.versioning } };
        });
    },
    async diff(_id: string, olds: BucketInputs, news: BucketInputs) {
        const replaces = changed(olds, news, ["name", "account"]) as string[];
        return {
            changes: replaces.length > 0 || changed(olds, news, ["versioning", "eradicateOnDelete", "connection"]).length > 0,
            replaces,
        };
    },
    async update(id: string, olds: BucketInputs, news: BucketInputs) {
        if (olds.versioning !== news.versioning) {
            if (news.versioning === "none") {
                throw new Error(`bucket ${id}: versioning cannot go back to none once enabled; use suspended`);
            }
            await run(news, (c) => c.patchBucket(id, { versioning: news.versioning }));
        }
        return { outs: news };
    },
    async delete(id: string, props: BucketInputs) {
        await run(props, async (c) => {
            try {
                await c.patchBucket(id, { destroyed: true });
            } catch (e) {
                if (gone(e)) return;
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
