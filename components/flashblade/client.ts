/**
 * A small client for the Pure Storage FlashBlade REST API 2.x, for what the object store needs:
 * accounts, users, access policies, access keys and buckets.
 *
 * Contract (shared/facts/flashblade-rest-2x.md, from the generated py-pure-client, the Ansible
 * purestorage.flashblade modules and public Terraform providers; not checked against an array):
 * - GET /api/api_version (no auth) -> {versions: [...]}; this client needs API_VERSION.
 * - POST /api/login with header `api-token` -> response header `x-auth-token`; POST /api/logout.
 * - Envelope {items: [...]}; errors {errors: [{message, context}]} (403/429: {message}).
 * - GET by a name that does not exist is an error (400 "... does not exist", or 404).
 * - 401: log in again once; 429 and >=500 (not 500 itself) and network errors: retry with backoff.
 *
 * Uses node's https module (custom CA bundle, explicit insecure switch, timeouts): nothing else.
 */
import * as http from "http";
import * as https from "https";

/** The REST version this client speaks (Purity//FB 4.5.5 and newer offer it). */
export const API_VERSION = "2.17";

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
export class FlashBladeError extends Error {
    constructor(
        readonly status: number,
        readonly details: ApiErrorDetail[],
        readonly operation: string,
    ) {
        super(
            `FlashBlade ${operation} failed (HTTP ${status}): ` +
                (details.length
                    ? details.map((d) => (d.context ? `${d.context}: ${d.message}` : d.message)).join("; ")
                    : "no error message"),
        );
        this.name = "FlashBladeError";
    }

    /** The array reports unknown names as 404, or as 400 "... does not exist". */
    get notFound(): boolean {
        return this.status === 404 || (this.status === 400 && this.details.some((d) => /does not exist|not found/i.test(d.message)));
    }

    get alreadyExists(): boolean {
        return (this.status === 400 || this.status === 409) && this.details.some((d) => /already exists/i.test(d.message));
    }
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

const RETRYABLE_NETWORK = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "ESOCKETTIMEDOUT"]);

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
        this.agent = new https.Agent({
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
            const req = https.request(
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
                if (err.code && RETRYABLE_NETWORK.has(err.code) && attempt < this.maxRetries) {
                    await sleep(this.backoffMs * 2 ** attempt);
                    attempt++;
                    continue;
                }
                throw new Error(`cannot reach FlashBlade at ${this.base.host}: ${err.message}`);
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
        return new FlashBladeError(r.status, details, operation);
    }

    // --- session ------------------------------------------------------------------------------

    /** The REST versions the array offers; throws unless API_VERSION is among them. */
    async negotiate(): Promise<string> {
        if (this.version) return this.version;
        const r = await this.exchange("GET", "/api/api_version", {});
        if (r.status !== 200) throw FlashBladeClient.errorOf(r, "GET /api/api_version");
        const versions = (JSON.parse(r.body) as { versions?: string[] }).versions ?? [];
        if (!versions.includes(API_VERSION)) {
            throw new Error(
                `FlashBlade at ${this.base.host} offers REST API versions ${versions.join(", ") || "(none)"}, but this program needs ${API_VERSION} (Purity//FB 4.5.5 or newer)`,
            );
        }
        this.version = API_VERSION;
        return this.version;
    }

    async login(): Promise<void> {
        await this.negotiate();
        const r = await this.exchange("POST", "/api/login", { "api-token": this.conn.apiToken });
        if (r.status !== 200) {
            const e = FlashBladeClient.errorOf(r, "login");
            throw new Error(`${e.message}. Check spark-s3:flashbladeApiToken (an API token of a user with the storage_admin role).`);
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
            if (e instanceof FlashBladeError && e.notFound) return undefined;
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
