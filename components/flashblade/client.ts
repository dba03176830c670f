/**
 * A small client for the Pure Storage FlashBlade REST API 2.x, for what the object store needs:
 * accounts, users, access policies, access keys and buckets.
 *
 * Contract (docs/flashblade-api.md, from the generated py-pure-client, the Ansible
 * purestorage.flashblade modules and public Terraform providers; not checked against an array):
 * - GET /api/api_version (no auth) -> {versions: [...]}; this client needs API_VERSION.
 * - POST /api/login with header `api-token` -> response header `x-auth-token`; POST /api/logout.
 * - Envelope {items: [...]}; errors {errors: [{message, context}]} (403/429: {message}).
 * - GET by a name that does not exist is an error (400 "... does not exist", or 404).
 * - 401: log in again once; 429 and >=500 (not 500 itself) and network errors: retry with backoff.
 *
 * Uses node's https module (custom CA bundle, explicit insecure switch, timeouts): nothing else.
 *
 * The engine runs this code as Pulumi serializes it into the state (the dynamic providers capture
 * it), not as this module: the serializer rebuilds captured module-level objects from their own
 * properties and calls to built-in super constructors as `__super.call(this, ...)`. So nothing
 * here relies on a module-level Set/Map, on subclassing Error (which would lose `message`) or on
 * a module import captured by reference: errors are plain Errors with fields, lists are arrays,
 * and `https` is required where it is used (test/unit/flashblade.test.ts runs the serialized code).
 */
import type * as http from "http";
import type * as https from "https";

/**
 * The REST version this client speaks (Purity//FB 4.5.5 and newer offer it). Exported under
 * another name: inside this module an `export const` compiles to `exports.X`, which the
 * serialized code would resolve against its own, empty, exports.
 */
const PINNED_API_VERSION = "2.17";
export { PINNED_API_VERSION as API_VERSION };

export interface FlashBladeConnection {
    /** Management URL, https://host[:port]. */
    url: string;
    apiToken: string;
    /** PEM CA bundle (content) that signs the array's certificate. */
    caBundle?: string;
    /** Skip certificate verification. Never implied; the caller warns about it. */
    insecure?: boolean;
}

export interface ClientOptions {
    timeoutMs?: number;
    maxRetries?: number;
    /** First backoff delay; doubles per retry (tests make it small). */
    backoffMs?: number;
}

export interface ApiErrorDetail {
    message: string;
    context?: string;
}

/** An error the array returned: HTTP status plus its errors[].message and context. */
export interface FlashBladeError extends Error {
    readonly flashblade: true;
    readonly status: number;
    readonly details: ApiErrorDetail[];
    readonly operation: string;
}

export function flashBladeError(status: number, details: ApiErrorDetail[], operation: string): FlashBladeError {
    const message =
        `FlashBlade ${operation} failed (HTTP ${status}): ` +
        (details.length ? details.map((d) => (d.context ? `${d.context}: ${d.message}` : d.message)).join("; ") : "no error message");
    return Object.assign(new Error(message), { name: "FlashBladeError", flashblade: true as const, status, details, operation });
}

/** "<the array's message>. <what to do>" (the array's messages end with a period, or not). */
export function withHint(message: string, hint: string): string {
    return `${message.replace(/\.+\s*$/, "")}. ${hint}`;
}

export function isFlashBladeError(e: unknown): e is FlashBladeError {
    return e instanceof Error && (e as Partial<FlashBladeError>).flashblade === true;
}

/** The array reports unknown names as 404, or as 400 "... does not exist". */
export function isNotFound(e: unknown): boolean {
    return (
        isFlashBladeError(e) &&
        (e.status === 404 || (e.status === 400 && e.details.some((d) => /does not exist|not found/i.test(d.message))))
    );
}

export function isAlreadyExists(e: unknown): boolean {
    return isFlashBladeError(e) && (e.status === 400 || e.status === 409) && e.details.some((d) => /already exists/i.test(d.message));
}

export interface AccountItem {
    name: string;
    id?: string;
}
export interface UserItem {
    name: string;
    id?: string;
    access_keys?: { name: string }[];
}
export interface AccessKeyItem {
    name: string;
    access_key_id?: string;
    secret_access_key?: string;
    enabled?: boolean;
    user?: { name: string };
}
export interface BucketItem {
    name: string;
    id?: string;
    account?: { name: string };
    destroyed?: boolean;
    versioning?: string;
    time_remaining?: number | null;
}

interface RawResponse {
    status: number;
    headers: http.IncomingHttpHeaders;
    body: string;
}

/** Network errors worth retrying (an array: see the note at the top). */
const RETRYABLE_NETWORK = [
    "ECONNRESET",
    "ECONNREFUSED",
    "ETIMEDOUT",
    "EPIPE",
    "EAI_AGAIN",
    "ESOCKETTIMEDOUT",
    "EHOSTUNREACH",
    "ENETUNREACH",
];

/** node's https module, required where it is used (see the note at the top). */
function httpsModule(): typeof https {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("https") as typeof https;
}

export class FlashBladeClient {
    private session?: string;
    private version?: string;
    private readonly agent: https.Agent | http.Agent;
    private readonly base: URL;
    private readonly timeoutMs: number;
    private readonly maxRetries: number;
    private readonly backoffMs: number;

    constructor(
        private readonly conn: FlashBladeConnection,
        opts: ClientOptions = {},
    ) {
        this.base = new URL(conn.url);
        if (this.base.protocol !== "https:") {
            throw new Error(`flashblade management URL ${conn.url} must be https:// (the API token travels in a header)`);
        }
        this.agent = new (httpsModule().Agent)({
            keepAlive: true,
            ca: conn.caBundle || undefined,
            rejectUnauthorized: !conn.insecure,
        });
        this.timeoutMs = opts.timeoutMs ?? 30_000;
        this.maxRetries = opts.maxRetries ?? 4;
        this.backoffMs = opts.backoffMs ?? 500;
    }

    // --- transport ----------------------------------------------------------------------------

    private raw(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<RawResponse> {
        const data = body === undefined ? undefined : JSON.stringify(body);
        return new Promise((resolve, reject) => {
            const req = httpsModule().request(
                {
                    protocol: this.base.protocol,
                    hostname: this.base.hostname,
                    port: this.base.port || 443,
                    path,
                    method,
                    agent: this.agent,
                    headers: {
                        accept: "application/json",
                        ...(data ? { "content-type": "application/json", "content-length": Buffer.byteLength(data) } : {}),
                        ...headers,
                    },
                    timeout: this.timeoutMs,
                },
                (res) => {
                    const chunks: Buffer[] = [];
                    res.on("data", (c: Buffer) => chunks.push(c));
                    res.on("end", () =>
                        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
                    );
                    res.on("error", reject);
                },
            );
            req.on("timeout", () => req.destroy(Object.assign(new Error(`timed out after ${this.timeoutMs} ms`), { code: "ETIMEDOUT" })));
            req.on("error", reject);
            if (data) req.write(data);
            req.end();
        });
    }

    /** One HTTP exchange with retries on 429, 5xx (not 500) and network errors. */
    private async exchange(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<RawResponse> {
        let attempt = 0;
        for (;;) {
            try {
                const r = await this.raw(method, path, headers, body);
                if ((r.status === 429 || r.status > 500) && attempt < this.maxRetries) {
                    const retryAfter = Number(r.headers["retry-after"]);
                    await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : this.backoffMs * 2 ** attempt);
                    attempt++;
                    continue;
                }
                return r;
            } catch (e) {
                const err = e as NodeJS.ErrnoException;
                if (isTlsError(err)) {
                    throw new Error(
                        `cannot verify the TLS certificate of ${this.base.host} (${err.code ?? err.message}): set spark-s3:flashbladeCaBundle to the PEM file of the CA that signed it (or, for a lab array only, spark-s3:flashbladeInsecure: true)`,
                    );
                }
                if (err.code && RETRYABLE_NETWORK.includes(err.code) && attempt < this.maxRetries) {
                    await sleep(this.backoffMs * 2 ** attempt);
                    attempt++;
                    continue;
                }
                throw new Error(
                    `cannot reach the FlashBlade at ${this.base.host} (${err.code ?? err.message}${attempt ? `, ${attempt + 1} attempts` : ""}): check spark-s3:flashbladeManagementUrl and that this machine can reach the array's management network`,
                );
            }
        }
    }

    private static errorOf(r: RawResponse, operation: string): FlashBladeError {
        let details: ApiErrorDetail[] = [];
        try {
            const parsed = JSON.parse(r.body) as { errors?: ApiErrorDetail[]; message?: string };
            details = parsed.errors ?? (parsed.message ? [{ message: parsed.message }] : []);
        } catch {
            if (r.body.trim()) details = [{ message: r.body.trim().slice(0, 300) }];
        }
        return flashBladeError(r.status, details, operation);
    }

    // --- session ------------------------------------------------------------------------------

    /** The REST versions the array offers; throws unless PINNED_API_VERSION is among them. */
    async negotiate(): Promise<string> {
        if (this.version) return this.version;
        const r = await this.exchange("GET", "/api/api_version", {});
        if (r.status !== 200) throw FlashBladeClient.errorOf(r, "GET /api/api_version");
        const versions = (JSON.parse(r.body) as { versions?: string[] }).versions ?? [];
        if (!versions.includes(PINNED_API_VERSION)) {
            throw new Error(
                `FlashBlade at ${this.base.host} offers REST API versions ${versions.join(", ") || "(none)"}, but this program needs ${PINNED_API_VERSION} (Purity//FB 4.5.5 or newer)`,
            );
        }
        this.version = PINNED_API_VERSION;
        return this.version;
    }

    async login(): Promise<void> {
        await this.negotiate();
        const r = await this.exchange("POST", "/api/login", { "api-token": this.conn.apiToken });
        if (r.status !== 200) {
            const e = FlashBladeClient.errorOf(r, "login");
            throw new Error(withHint(e.message, "Check spark-s3:flashbladeApiToken (an API token of a user with the storage_admin role)."));
        }
        const token = r.headers["x-auth-token"];
        if (!token || Array.isArray(token)) throw new Error("FlashBlade login returned no x-auth-token header");
        this.session = token;
    }

    async logout(): Promise<void> {
        if (!this.session) return;
        const token = this.session;
        this.session = undefined;
        await this.exchange("POST", "/api/logout", { "x-auth-token": token }).catch(() => undefined);
        this.agent.destroy();
    }

    /** An API call under /api/<version>/, logging in first and once more on 401. */
    async call<T>(
        method: string,
        resource: string,
        query: Record<string, string | boolean | undefined> = {},
        body?: unknown,
    ): Promise<T[]> {
        if (!this.session) await this.login();
        const qs = Object.entries(query)
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
            .join("&");
        const path = `/api/${this.version}/${resource}${qs ? `?${qs}` : ""}`;
        let r = await this.exchange(method, path, { "x-auth-token": this.session! }, body);
        if (r.status === 401) {
            await this.login();
            r = await this.exchange(method, path, { "x-auth-token": this.session! }, body);
        }
        if (r.status < 200 || r.status >= 300) throw FlashBladeClient.errorOf(r, `${method} ${resource}`);
        if (!r.body.trim()) return [];
        return ((JSON.parse(r.body) as { items?: T[] }).items ?? []) as T[];
    }

    /** GET one object by name, or undefined when the array says it does not exist. */
    async getOne<T>(resource: string, name: string, query: Record<string, string | boolean | undefined> = {}): Promise<T | undefined> {
        try {
            const items = await this.call<T>("GET", resource, { names: name, ...query });
            return items[0];
        } catch (e) {
            if (isNotFound(e)) return undefined;
            throw e;
        }
    }

    // --- object store -------------------------------------------------------------------------

    getAccount(name: string) {
        return this.getOne<AccountItem>("object-store-accounts", name);
    }
    async createAccount(name: string): Promise<AccountItem> {
        return (await this.call<AccountItem>("POST", "object-store-accounts", { names: name }))[0];
    }
    async deleteAccount(name: string): Promise<void> {
        await this.call("DELETE", "object-store-accounts", { names: name });
    }

    getUser(name: string) {
        return this.getOne<UserItem>("object-store-users", name);
    }
    async createUser(name: string, fullAccess: boolean): Promise<UserItem> {
        return (await this.call<UserItem>("POST", "object-store-users", { names: name, full_access: fullAccess }))[0];
    }
    async deleteUser(name: string): Promise<void> {
        await this.call("DELETE", "object-store-users", { names: name });
    }
    async userPolicies(user: string): Promise<string[]> {
        const items = await this.call<{ policy?: { name: string } }>("GET", "object-store-access-policies/object-store-users", {
            member_names: user,
        });
        return items.map((i) => i.policy?.name ?? "").filter(Boolean);
    }
    async attachPolicy(user: string, policy: string): Promise<void> {
        await this.call("POST", "object-store-access-policies/object-store-users", { member_names: user, policy_names: policy });
    }
    async detachPolicy(user: string, policy: string): Promise<void> {
        await this.call("DELETE", "object-store-access-policies/object-store-users", { member_names: user, policy_names: policy });
    }

    async accessKeysOf(user: string): Promise<AccessKeyItem[]> {
        return this.call<AccessKeyItem>("GET", "object-store-access-keys", { filter: `user.name='${user}'` });
    }
    getAccessKey(name: string) {
        return this.getOne<AccessKeyItem>("object-store-access-keys", name);
    }
    async createAccessKey(user: string): Promise<AccessKeyItem> {
        return (await this.call<AccessKeyItem>("POST", "object-store-access-keys", {}, { user: { name: user } }))[0];
    }
    async deleteAccessKey(name: string): Promise<void> {
        await this.call("DELETE", "object-store-access-keys", { names: name });
    }

    getBucket(name: string) {
        return this.getOne<BucketItem>("buckets", name);
    }
    /** Every bucket, destroyed ones included (GET without names lists both). */
    listBuckets(): Promise<BucketItem[]> {
        return this.call<BucketItem>("GET", "buckets");
    }
    async createBucket(name: string, account: string): Promise<BucketItem> {
        return (await this.call<BucketItem>("POST", "buckets", { names: name }, { account: { name: account } }))[0];
    }
    async patchBucket(name: string, patch: { versioning?: string; destroyed?: boolean }): Promise<BucketItem> {
        return (await this.call<BucketItem>("PATCH", "buckets", { names: name }, patch))[0];
    }
    async eradicateBucket(name: string): Promise<void> {
        await this.call("DELETE", "buckets", { names: name });
    }
}

/** The usable key id: 2.20+ has access_key_id; before, the name is the key id. */
export function accessKeyId(k: AccessKeyItem): string {
    return k.access_key_id ?? k.name;
}

function isTlsError(e: NodeJS.ErrnoException): boolean {
    return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/i.test(String(e.code ?? "")) || /certificate/i.test(e.message);
}

function sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
}

/** Run `fn` with a logged-in client and always log out. */
export async function withClient<T>(conn: FlashBladeConnection, fn: (c: FlashBladeClient) => Promise<T>, opts?: ClientOptions): Promise<T> {
    const client = new FlashBladeClient(conn, opts);
    try {
        return await fn(client);
    } finally {
        await client.logout();
    }
}
