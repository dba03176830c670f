/**
 * A fake FlashBlade REST API 2.x on 127.0.0.1, built from the documented contract
 * (docs/flashblade-api.md), not from an array: token login with x-auth-token
 * sessions, {items: [...]} envelopes, {errors: [{message, context}]} errors (429: {message}),
 * unknown names as 400 "... does not exist", at most 2 access keys per user, secrets only at
 * creation, two-phase bucket deletion, accounts that cannot be deleted while they hold users or
 * buckets, destroyed ones included (an assumption: the facts do not say). Hooks let tests expire sessions and inject
 * 429/503 responses. Serves HTTPS with a throwaway self-signed certificate made by openssl.
 */
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as https from "https";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";

export const BUILTIN_POLICIES = [
    "pure:policy/full-access",
    "pure:policy/object-read",
    "pure:policy/object-write",
    "pure:policy/object-list",
    "pure:policy/object-delete",
    "pure:policy/bucket-list",
    "pure:policy/bucket-info",
    "pure:policy/bucket-create",
    "pure:policy/bucket-delete",
];

interface Bucket {
    /** A new id for every bucket created, as an array gives (items carry `id` and `created`). */
    id: string;
    created: number;
    name: string;
    account: string;
    destroyed: boolean;
    versioning: string;
}
interface Key {
    name: string;
    user: string;
    secret: string;
}

export interface Cert {
    key: string;
    cert: string;
}

let cachedCert: Cert | undefined;
/** A self-signed certificate for 127.0.0.1 (made once per test run). */
export function selfSignedCert(): Cert {
    if (cachedCert) return cachedCert;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fakefb-"));
    try {
        execFileSync(
            "openssl",
            [
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "key.pem",
                "-out",
                "cert.pem",
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
            ],
            { cwd: dir, stdio: "ignore" },
        );
        cachedCert = { key: fs.readFileSync(path.join(dir, "key.pem"), "utf8"), cert: fs.readFileSync(path.join(dir, "cert.pem"), "utf8") };
        return cachedCert;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

export class FakeFlashBlade {
    readonly apiTokens = new Set<string>(["T-fake-api-token-for-tests"]);
    versions = ["1.12", "2.0", "2.12", "2.17"];
    readonly accounts = new Set<string>();
    readonly users = new Map<string, Set<string>>(); // name -> policies
    readonly keys = new Map<string, Key>();
    readonly buckets = new Map<string, Bucket>();
    readonly sessions = new Set<string>();
    /** Every secret access key the array ever returned (to look for them where they must not be). */
    readonly issuedSecrets: string[] = [];
    /** Every request: method, path (with query), whether it carried a session. */
    readonly log: { method: string; url: string; status: number }[] = [];
    private failures: { status: number; count: number }[] = [];
    private keySeq = 0;
    private server?: https.Server;

    /** The next `count` API calls (after login) answer `status`. */
    failNext(status: number, count = 1): void {
        this.failures.push({ status, count });
    }

    expireSessions(): void {
        this.sessions.clear();
    }

    get listening(): boolean {
        return Boolean(this.server?.listening);
    }

    get url(): string {
        const a = this.server!.address() as AddressInfo;
        return `https://127.0.0.1:${a.port}`;
    }

    /** Listen on 127.0.0.1 (a given port: the same array answering again after stop()). */
    async start(port = 0): Promise<this> {
        const { key, cert } = selfSignedCert();
        this.server = https.createServer({ key, cert }, (req, res) => {
            const chunks: Buffer[] = [];
            req.on("data", (c: Buffer) => chunks.push(c));
            req.on("end", () => {
                const body = Buffer.concat(chunks).toString("utf8");
                let status = 500;
                let payload: unknown;
                const headers: Record<string, string> = { "content-type": "application/json" };
                try {
                    [status, payload] = this.handle(req.method ?? "GET", req.url ?? "/", req.headers, body, headers);
                } catch (e) {
                    [status, payload] = [500, { errors: [{ message: String(e) }] }];
                }
                this.log.push({ method: req.method ?? "", url: req.url ?? "", status });
                res.writeHead(status, headers);
                res.end(payload === undefined ? "" : JSON.stringify(payload));
            });
        });
        await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
        return this;
    }

    async stop(): Promise<void> {
        if (!this.server) return;
        this.server.closeAllConnections();
        await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    }

    private handle(
        method: string,
        rawUrl: string,
        h: Record<string, string | string[] | undefined>,
        body: string,
        out: Record<string, string>,
    ): [number, unknown] {
        const url = new URL(rawUrl, "https://fake");
        const q = url.searchParams;
        const err = (status: number, message: string, context?: string): [number, unknown] => [
            status,
            { errors: [{ message, ...(context ? { context } : {}) }] },
        ];
        const items = (xs: unknown[]): [number, unknown] => [200, { items: xs, total_item_count: xs.length }];

        if (url.pathname === "/api/api_version" && method === "GET") return [200, { versions: this.versions }];
        if (url.pathname === "/api/login" && method === "POST") {
            const token = h["api-token"];
            if (typeof token !== "string" || !this.apiTokens.has(token)) return err(401, "Invalid credentials.");
            const session = crypto.randomUUID();
            this.sessions.add(session);
            out["x-auth-token"] = session;
            return [200, { items: [{ username: "pureuser" }] }];
        }
        if (url.pathname === "/api/logout" && method === "POST") {
            this.sessions.delete(String(h["x-auth-token"]));
            return [200, undefined];
        }
        const m = /^\/api\/(2\.\d+)\/(.+)$/.exec(url.pathname);
        if (!m) return err(404, "Not found.");
        if (!this.versions.includes(m[1])) return err(404, `API version ${m[1]} is not supported.`);
        if (!this.sessions.has(String(h["x-auth-token"]))) return err(401, "Authentication required or session expired.");
        const f = this.failures[0];
        if (f) {
            if (--f.count <= 0) this.failures.shift();
            return f.status === 429 ? [429, { message: "API rate limit exceeded" }] : err(f.status, "Service temporarily unavailable.");
        }
        const names = (q.get("names") ?? "").split(",").filter(Boolean);
        const json = body ? (JSON.parse(body) as Record<string, any>) : {};
        const resource = m[2];

        switch (`${method} ${resource}`) {
            case "GET object-store-accounts": {
                for (const n of names) if (!this.accounts.has(n)) return err(400, "Object store account does not exist.", n);
                return items((names.length ? names : [...this.accounts]).map((name) => ({ name, id: `acc-${name}` })));
            }
            case "POST object-store-accounts": {
                const n = names[0];
                if (!n) return err(400, "Missing names.");
                if (this.accounts.has(n)) return err(400, "Object store account already exists.", n);
                this.accounts.add(n);
                return items([{ name: n, id: `acc-${n}` }]);
            }
            case "DELETE object-store-accounts": {
                const n = names[0];
                if (!this.accounts.has(n)) return err(400, "Object store account does not exist.", n);
                const busy =
                    [...this.users.keys()].some((u) => u.startsWith(`${n}/`)) || [...this.buckets.values()].some((b) => b.account === n);
                if (busy) return err(400, "Account is not empty: it has object store users or buckets.", n);
                this.accounts.delete(n);
                return [200, undefined];
            }
            case "GET object-store-users": {
                for (const n of names) if (!this.users.has(n)) return err(400, "Object store user does not exist.", n);
                return items(
                    names.map((name) => ({
                        name,
                        access_keys: [...this.keys.values()].filter((k) => k.user === name).map((k) => ({ name: k.name })),
                    })),
                );
            }
            case "POST object-store-users": {
                const n = names[0];
                const account = n?.split("/")[0];
                if (!n || !n.includes("/")) return err(400, "User name must be <account>/<user>.", n);
                if (!this.accounts.has(account)) return err(400, "Object store account does not exist.", account);
                if (this.users.has(n)) return err(400, "Object store user already exists.", n);
                this.users.set(n, new Set(q.get("full_access") === "true" ? ["pure:policy/full-access"] : []));
                return items([{ name: n }]);
            }
            case "DELETE object-store-users": {
                const n = names[0];
                if (!this.users.has(n)) return err(400, "Object store user does not exist.", n);
                for (const [k, key] of this.keys) if (key.user === n) this.keys.delete(k);
                this.users.delete(n);
                return [200, undefined];
            }
            case "GET object-store-access-policies/object-store-users": {
                const member = q.get("member_names") ?? "";
                const policies = this.users.get(member);
                if (!policies) return err(400, "Object store user does not exist.", member);
                return items([...policies].map((p) => ({ member: { name: member }, policy: { name: p } })));
            }
            case "POST object-store-access-policies/object-store-users":
            case "DELETE object-store-access-policies/object-store-users": {
                const member = q.get("member_names") ?? "";
                const policy = q.get("policy_names") ?? "";
                const policies = this.users.get(member);
                if (!policies) return err(400, "Object store user does not exist.", member);
                if (!BUILTIN_POLICIES.includes(policy)) return err(400, "Object store access policy does not exist.", policy);
                if (method === "POST") policies.add(policy);
                else policies.delete(policy);
                return items([{ member: { name: member }, policy: { name: policy } }]);
            }
            case "GET object-store-access-keys": {
                const filter = /^user\.name='(.+)'$/.exec(q.get("filter") ?? "");
                if (names.length) {
                    for (const n of names) if (!this.keys.has(n)) return err(400, "Object store access key does not exist.", n);
                }
                const all = [...this.keys.values()].filter(
                    (k) => (!names.length || names.includes(k.name)) && (!filter || k.user === filter[1]),
                );
                // The secret is only ever returned by POST.
                return items(all.map((k) => ({ name: k.name, access_key_id: k.name, enabled: true, user: { name: k.user } })));
            }
            case "POST object-store-access-keys": {
                const user = json.user?.name as string | undefined;
                if (!user || !this.users.has(user)) return err(400, "Object store user does not exist.", user);
                if ([...this.keys.values()].filter((k) => k.user === user).length >= 2) {
                    return err(400, "User has reached the maximum number of access keys (2).", user);
                }
                const name = `PSFBFAKE${String(++this.keySeq).padStart(12, "0")}`;
                const secret = crypto.randomBytes(24).toString("base64url");
                this.keys.set(name, { name, user, secret });
                this.issuedSecrets.push(secret);
                return items([{ name, access_key_id: name, secret_access_key: secret, enabled: true, user: { name: user } }]);
            }
            case "DELETE object-store-access-keys": {
                const n = names[0];
                if (!this.keys.has(n)) return err(400, "Object store access key does not exist.", n);
                this.keys.delete(n);
                return [200, undefined];
            }
            case "GET buckets": {
                for (const n of names) if (!this.buckets.has(n)) return err(400, "Bucket does not exist.", n);
                const destroyed = q.get("destroyed");
                const list = (names.length ? names.map((n) => this.buckets.get(n)!) : [...this.buckets.values()]).filter(
                    (b) => destroyed === null || String(b.destroyed) === destroyed,
                );
                return items(list.map((b) => this.bucketItem(b)));
            }
            case "POST buckets": {
                const n = names[0];
                const account = json.account?.name as string | undefined;
                if (!account || !this.accounts.has(account)) return err(400, "Object store account does not exist.", account);
                if (this.buckets.has(n)) return err(400, "Bucket already exists.", n);
                if (!/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(n ?? "")) return err(400, "Invalid bucket name.", n);
                this.buckets.set(n, {
                    id: crypto.randomUUID(),
                    created: Date.now(),
                    name: n,
                    account,
                    destroyed: false,
                    versioning: "none",
                });
                return items([this.bucketItem(this.buckets.get(n)!)]);
            }
            case "PATCH buckets": {
                const b = this.buckets.get(names[0]);
                if (!b) return err(400, "Bucket does not exist.", names[0]);
                if (json.versioning !== undefined) {
                    if (!["none", "enabled", "suspended"].includes(json.versioning)) return err(400, "Invalid versioning value.", names[0]);
                    b.versioning = json.versioning;
                }
                if (json.destroyed !== undefined) b.destroyed = Boolean(json.destroyed);
                return items([this.bucketItem(b)]);
            }
            case "DELETE buckets": {
                const b = this.buckets.get(names[0]);
                if (!b) return err(400, "Bucket does not exist.", names[0]);
                if (!b.destroyed) return err(400, "Bucket must be destroyed before it can be eradicated.", b.name);
                this.buckets.delete(b.name);
                return [200, undefined];
            }
            default:
                return err(404, `Unknown endpoint ${method} ${resource}.`);
        }
    }

    private bucketItem(b: Bucket) {
        return {
            name: b.name,
            id: b.id,
            created: b.created,
            account: { name: b.account },
            destroyed: b.destroyed,
            versioning: b.versioning,
            time_remaining: b.destroyed ? 86_400_000 : null,
        };
    }
}
