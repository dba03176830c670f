/**
 * Pure Storage FlashBlade as a store of the registry: account, users, keys and bucket through
 * Pulumi dynamic providers over its REST API 2.x (components/flashblade).
 */
import * as pulumi from "@pulumi/pulumi";
import { platformStore, type StoreModule } from "../types";
import { FLASHBLADE_KEYS, readFlashBladeSettings, type FlashBladeSettings } from "./config";
import { FlashBladeObjectStore } from "./index";

export const FLASHBLADE_STORE: StoreModule<FlashBladeSettings> = {
    kind: "flashblade",
    keys: Object.values(FLASHBLADE_KEYS),
    derivesBucketName: true,
    read: readFlashBladeSettings,
    check(r, fb) {
        const k = FLASHBLADE_KEYS;
        if (fb.insecure && fb.caBundle) {
            r.failOn(
                k.flashbladeInsecure,
                "is true while flashbladeCaBundle is set: choose one (the CA bundle verifies, insecure does not)",
            );
        }
        for (const [key, value] of [
            [k.flashbladeManagementUrl, fb.managementUrl],
            [k.flashbladeDataUrl, fb.dataUrl],
            [k.flashbladeAccount, fb.account],
        ] as const) {
            if (value === "") r.failOn(key, "is required for objectStore flashblade");
        }
        if (!fb.apiToken) r.failOn(k.flashbladeApiToken, "is required for objectStore flashblade");
    },
    create(fb, ctx) {
        const s = ctx.settings;
        if (fb.insecure) {
            pulumi.log.warn(`spark-s3:flashbladeInsecure is true: the TLS certificate of ${fb.managementUrl} is not verified`);
        }
        // The token only ever travels as a Pulumi secret (encrypted in state).
        const connection = pulumi.secret(fb.apiToken!).apply((apiToken) => ({
            url: fb.managementUrl,
            apiToken,
            caBundle: fb.caBundle || undefined,
            insecure: fb.insecure,
        }));
        const own = ctx.child("store");
        const store = new FlashBladeObjectStore(
            own.name,
            {
                connection,
                dataUrl: fb.dataUrl,
                region: s.s3Region,
                account: fb.account,
                adoptAccount: fb.adoptAccount,
                adoptUser: fb.adoptUser,
                adoptBucket: fb.adoptBucket,
                user: fb.user,
                fullAccess: fb.fullAccess,
                bucketName: s.bucketName,
                versioning: s.versioning,
                eradicateOnDelete: fb.eradicateOnDelete,
                keyRotation: fb.keyRotation,
                eventLogReader: ctx.eventLogReader,
            },
            own.opts,
        );
        return platformStore(store, { auth: "keys", client: { kind: "mc", image: s.mcImage } });
    },
};
