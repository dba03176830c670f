/** FlashBlade's config keys (descriptions in Pulumi.yaml; the API token's here: it has no default). */
import * as pulumi from "@pulumi/pulumi";
import { urlWithScheme } from "../../config/checks";
import { spec, type Reader } from "../../config/reader";
import { readCaBundle } from "../keys";

const name = (what: string) => (v: string) =>
    v === "" || /^[a-z0-9][a-z0-9-]{0,62}$/.test(v) ? undefined : `"${v}" is not a valid ${what} name`;

export const FLASHBLADE_KEYS = {
    flashbladeManagementUrl: spec({
        key: "flashbladeManagementUrl",
        type: "string",
        default: "",
        example: "https://flashblade-mgmt.example.com",
        check: urlWithScheme,
    }),
    flashbladeDataUrl: spec({
        key: "flashbladeDataUrl",
        type: "string",
        default: "",
        example: "https://10.21.200.10",
        check: urlWithScheme,
    }),
    flashbladeAccount: spec({ key: "flashbladeAccount", type: "string", default: "", example: "spark", check: name("account") }),
    flashbladeAdoptAccount: spec({ key: "flashbladeAdoptAccount", type: "boolean", default: false, example: "true" }),
    flashbladeAdoptUser: spec({ key: "flashbladeAdoptUser", type: "boolean", default: false, example: "true" }),
    flashbladeAdoptBucket: spec({ key: "flashbladeAdoptBucket", type: "boolean", default: false, example: "true" }),
    flashbladeUser: spec({
        key: "flashbladeUser",
        type: "string",
        default: "spark",
        example: "spark",
        check: (v: string) => (/^[a-z0-9][a-z0-9-]{0,62}$/.test(v) ? undefined : `"${v}" is not a valid user name`),
    }),
    flashbladeFullAccess: spec({ key: "flashbladeFullAccess", type: "boolean", default: false, example: "false" }),
    flashbladeCaBundle: spec({
        key: "flashbladeCaBundle",
        type: "string",
        default: "",
        example: "certs/flashblade-ca.pem (a PEM file, relative to the project)",
    }),
    flashbladeInsecure: spec({ key: "flashbladeInsecure", type: "boolean", default: false, example: "false" }),
    flashbladeEradicateOnDelete: spec({ key: "flashbladeEradicateOnDelete", type: "boolean", default: false, example: "false" }),
    flashbladeKeyRotation: spec({ key: "flashbladeKeyRotation", type: "string", default: "", example: '"2026-11"' }),
    flashbladeApiToken: spec({
        key: "flashbladeApiToken",
        type: "string",
        default: "",
        example: "<token> (pulumi config set --secret spark-s3:flashbladeApiToken <token>)",
        undeclared: {
            secret: true,
            description:
                "flashblade: API token of the array's management REST API (an API client or a user's token). Set it as a secret: pulumi config set --secret spark-s3:flashbladeApiToken <token>. It stays a Pulumi secret, encrypted in the state.",
        },
    }),
} as const;

export interface FlashBladeSettings {
    readonly managementUrl: string;
    readonly dataUrl: string;
    readonly account: string;
    readonly adoptAccount: boolean;
    readonly user: string;
    readonly adoptUser: boolean;
    readonly adoptBucket: boolean;
    readonly fullAccess: boolean;
    /** PEM content of the CA bundle (read from the configured file), or "". */
    readonly caBundle: string;
    readonly insecure: boolean;
    readonly eradicateOnDelete: boolean;
    readonly keyRotation: string;
    /** The management API token, always a Pulumi secret; undefined when not set. */
    readonly apiToken?: pulumi.Output<string>;
}

export function readFlashBladeSettings(r: Reader): FlashBladeSettings {
    const k = FLASHBLADE_KEYS;
    // Never through r.get: the token is wrapped as a secret before anything else sees it.
    const token = r.raw(k.flashbladeApiToken.key);
    return {
        managementUrl: r.get(k.flashbladeManagementUrl),
        dataUrl: r.get(k.flashbladeDataUrl),
        account: r.get(k.flashbladeAccount),
        adoptAccount: r.get(k.flashbladeAdoptAccount),
        user: r.get(k.flashbladeUser),
        adoptUser: r.get(k.flashbladeAdoptUser),
        adoptBucket: r.get(k.flashbladeAdoptBucket),
        fullAccess: r.get(k.flashbladeFullAccess),
        caBundle: readCaBundle(r, k.flashbladeCaBundle),
        insecure: r.get(k.flashbladeInsecure),
        eradicateOnDelete: r.get(k.flashbladeEradicateOnDelete),
        keyRotation: r.get(k.flashbladeKeyRotation),
        apiToken: token === undefined || token === "" ? undefined : pulumi.secret(pulumi.output(token as pulumi.Input<string>)),
    };
}
