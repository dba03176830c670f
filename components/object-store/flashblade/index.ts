import * as pulumi from "@pulumi/pulumi";
import type { FlashBladeConnection } from "../../flashblade/client";
import { FlashBladeBucket, ObjectStoreAccessKey, ObjectStoreAccount, ObjectStoreUser } from "../../flashblade/resources";
import type { EndpointFacts } from "../../s3a-profile";
import type { ObjectStore, ReaderIdentity, StoreKeys } from "../types";

/**
 * The built-in access policies Spark needs: read, write, list and delete objects (commits,
 * aborts and cleanups of multipart uploads go with write/delete) and bucket info. Names from the
 * FlashBlade documentation and public code (shared/facts/flashblade-rest-2x.md); which S3 actions
 * each covers was not checked against an array.
 */
export const SPARK_POLICIES = [
    "pure:policy/bucket-info",
    "pure:policy/object-list",
    "pure:policy/object-read",
    "pure:policy/object-write",
    "pure:policy/object-delete",
];
/**
 * The History Server's user: read and list only. FlashBlade's built-in policies have no
 * "delete under one prefix", and object-delete would reach every object of the account, so this
 * key cannot delete and the server's cleaner stays off (event logs are kept until deleted; the
 * README says how).
 */
export const EVENT_LOG_READER_POLICIES = ["pure:policy/bucket-info", "pure:policy/object-list", "pure:policy/object-read"];
export const FULL_ACCESS_POLICY = "pure:policy/full-access";

export interface FlashBladeObjectStoreArgs {
    connection: pulumi.Input<FlashBladeConnection>;
    /** S3 endpoint on a data VIP, with scheme. */
    dataUrl: string;
    region: string;
    account: string;
    adoptAccount: boolean;
    user: string;
    adoptUser: boolean;
    adoptBucket: boolean;
    fullAccess: boolean;
    bucketName: string;
    versioning: boolean;
    eradicateOnDelete: boolean;
    /** Change to rotate the access key. */
    keyRotation: string;
    /** Also create a read-only user and key for the History Server (`<user>-history`). */
    eventLogReader: boolean;
}

/** A FlashBlade account, a Spark user with explicit policies, its access key and the bucket. */
export class FlashBladeObjectStore extends pulumi.ComponentResource implements ObjectStore {
    readonly kind = "flashblade" as const;
    readonly bucket: pulumi.Output<string>;
    readonly endpoint: pulumi.Output<EndpointFacts>;
    readonly keys: StoreKeys;
    readonly instance: pulumi.Output<string>;
    readonly eventLogReader?: ReaderIdentity;
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: FlashBladeObjectStoreArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark-s3:store:FlashBladeObjectStore", name, {}, opts);
        const connection = args.connection;
        const account = new ObjectStoreAccount(
            `${name}-account`,
            { connection, name: args.account, adoptExisting: args.adoptAccount },
            { parent: this },
        );
        const user = new ObjectStoreUser(
            `${name}-user`,
            {
                connection,
                name: `${args.account}/${args.user}`,
                fullAccess: args.fullAccess,
                policies: args.fullAccess ? [] : SPARK_POLICIES,
                adoptExisting: args.adoptUser,
            },
            { parent: this, dependsOn: [account] },
        );
        const key = new ObjectStoreAccessKey(
            `${name}-key`,
            { connection, user: `${args.account}/${args.user}`, rotation: args.keyRotation },
            // Rotation: the new key is created before the old one is deleted (2 keys per user).
            { parent: this, dependsOn: [user] },
        );
        const bucket = new FlashBladeBucket(
            `${name}-bucket`,
            {
                connection,
                name: args.bucketName,
                account: args.account,
                versioning: args.versioning ? "enabled" : "none",
                eradicateOnDelete: args.eradicateOnDelete,
                adoptExisting: args.adoptBucket,
            },
            { parent: this, dependsOn: [account] },
        );
        this.ready = [account, user, key, bucket];
        if (args.eventLogReader) {
            const readerName = `${args.account}/${args.user}-history`;
            const reader = new ObjectStoreUser(
                `${name}-history-user`,
                { connection, name: readerName, fullAccess: false, policies: EVENT_LOG_READER_POLICIES, adoptExisting: false },
                { parent: this, dependsOn: [account] },
            );
            const readerKey = new ObjectStoreAccessKey(
                `${name}-history-key`,
                { connection, user: readerName, rotation: args.keyRotation },
                { parent: this, dependsOn: [reader] },
            );
            this.eventLogReader = {
                keys: { accessKeyId: readerKey.accessKeyId, secretAccessKey: pulumi.secret(readerKey.secretAccessKey) },
                canDelete: false,
                ready: [reader, readerKey],
            };
        }
        this.bucket = pulumi.output(args.bucketName);
        this.endpoint = pulumi.output<EndpointFacts>({
            url: args.dataUrl,
            region: args.region,
            pathStyle: true,
            tls: args.dataUrl.startsWith("https://"),
        });
        this.instance = bucket.bucketId;
        this.keys = { accessKeyId: key.accessKeyId, secretAccessKey: pulumi.secret(key.secretAccessKey) };
        this.registerOutputs({ bucket: this.bucket, endpoint: this.endpoint });
    }
}
