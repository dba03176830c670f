/**
 * The object stores the platform can put its bucket and Spark's identity on. A new store is a
 * folder (its component, its config keys, its StoreModule) and one line here; the objectStore
 * key, the config reader and SparkPlatform take it from this table.
 */
import { spec } from "../config/reader";
import { AWS_STORE } from "./aws/store";
import { FLASHBLADE_STORE } from "./flashblade/store";
import { MINIO_STORE } from "./minio/store";
import type { StoreModule } from "./types";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each store has its own settings type
export const STORES: Readonly<Record<string, StoreModule<any>>> = {
    aws: AWS_STORE,
    flashblade: FLASHBLADE_STORE,
    minio: MINIO_STORE,
};

export const STORE_KINDS = Object.keys(STORES);

export const OBJECT_STORE_KEY = spec({ key: "objectStore", type: "string", default: "minio", example: "minio", oneOf: STORE_KINDS });

export type { ObjectStore, PlatformStore, StoreModule } from "./types";
