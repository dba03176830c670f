import * as pulumi from "@pulumi/pulumi";
import type { ClientOptions, FlashBladeConnection } from "./client";
import { accessKeyProvider, accountProvider, bucketProvider, userProvider } from "./providers";

/** How every FlashBlade resource reaches the array; the token must be a Pulumi secret. */
export interface ConnectionArgs {
    connection: pulumi.Input<FlashBladeConnection>;
    clientOptions?: ClientOptions;
}

/**
 * The connection (with its token) is secret wherever it is stored, inputs and outputs alike; so
 * is a secret access key. An access key id is an identifier, not a secret (like a user name; AWS
 * and the array show it in their logs): it is the key resource's id, which the engine keeps in
 * plain text, so every output of it is plain too (one rule for all stores).
 */
const secretOpts = (opts: pulumi.CustomResourceOptions | undefined, extra: string[] = []): pulumi.CustomResourceOptions => ({
    ...opts,
    additionalSecretOutputs: ["connection", ...extra],
});

export class ObjectStoreAccount extends pulumi.dynamic.Resource {
    declare readonly adopted: pulumi.Output<boolean>;
    constructor(
        name: string,
        args: ConnectionArgs & { name: pulumi.Input<string>; adoptExisting: boolean },
        opts?: pulumi.CustomResourceOptions,
    ) {
        super(accountProvider, name, { ...args, connection: pulumi.secret(args.connection), adopted: undefined }, secretOpts(opts));
    }
}

export class ObjectStoreUser extends pulumi.dynamic.Resource {
    declare readonly policies: pulumi.Output<string[]>;
    declare readonly adopted: pulumi.Output<boolean>;
    constructor(
        name: string,
        args: ConnectionArgs & { name: pulumi.Input<string>; policies: string[]; fullAccess: boolean; adoptExisting: boolean },
        opts?: pulumi.CustomResourceOptions,
    ) {
        super(
            userProvider,
            name,
            { ...args, connection: pulumi.secret(args.connection), adopted: undefined, policiesBefore: undefined },
            secretOpts(opts),
        );
    }
}

export class ObjectStoreAccessKey extends pulumi.dynamic.Resource {
    declare readonly accessKeyId: pulumi.Output<string>;
    declare readonly secretAccessKey: pulumi.Output<string>;
    constructor(
        name: string,
        args: ConnectionArgs & { user: pulumi.Input<string>; rotation: string },
        opts?: pulumi.CustomResourceOptions,
    ) {
        super(
            accessKeyProvider,
            name,
            {
                ...args,
                connection: pulumi.secret(args.connection),
                accessKeyName: undefined,
                accessKeyId: undefined,
                secretAccessKey: undefined,
            },
            secretOpts(opts, ["secretAccessKey"]),
        );
    }
}

export class FlashBladeBucket extends pulumi.dynamic.Resource {
    declare readonly name: pulumi.Output<string>;
    /** The array's id of the bucket: new when the bucket is created again. */
    declare readonly bucketId: pulumi.Output<string>;
    declare readonly adopted: pulumi.Output<boolean>;
    constructor(
        name: string,
        args: ConnectionArgs & {
            name: string;
            account: pulumi.Input<string>;
            versioning: "none" | "enabled" | "suspended";
            eradicateOnDelete: boolean;
            adoptExisting: boolean;
        },
        opts?: pulumi.CustomResourceOptions,
    ) {
        super(
            bucketProvider,
            name,
            { ...args, connection: pulumi.secret(args.connection), adopted: undefined, bucketId: undefined },
            secretOpts(opts),
        );
    }
}
