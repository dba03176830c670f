/**
 * Read the cluster at preview: does the staging storage class exist? A missing class would leave
 * the staging claim Pending and the staging-init Job waiting for its deadline; said at preview,
 * with how to fix it, it costs nothing.
 *
 * A small Kubernetes API reader over the same kubeconfig the provider uses (KUBECONFIG, else
 * ~/.kube/config; its current context): bearer tokens, token files, client certificates and
 * `exec` credential plugins (EKS: `aws eks get-token`), the cluster's CA or
 * insecure-skip-tls-verify. One GET, nothing written.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as https from "https";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";

export interface KubeTarget {
    server: string;
    ca?: string;
    insecure: boolean;
    token?: string;
    cert?: string;
    key?: string;
    context: string;
}

interface Named<T> {
    name: string;
    [k: string]: unknown;
    value?: T;
}

interface KubeconfigDoc {
    "current-context"?: string;
    contexts?: { name: string; context: { cluster: string; user: string } }[];
    clusters?: { name: string; cluster: Record<string, unknown> }[];
    users?: { name: string; user: Record<string, unknown> }[];
}

const fromData = (b64: unknown) => (typeof b64 === "string" ? Buffer.from(b64, "base64").toString("utf8") : undefined);
const fromFile = (f: unknown, dir: string) => (typeof f === "string" ? fs.readFileSync(path.resolve(dir, f), "utf8") : undefined);

/** The kubeconfig files, as KUBECONFIG lists them (merged in order), else ~/.kube/config. */
export function kubeconfigFiles(env: NodeJS.ProcessEnv = process.env): string[] {
    const list = (env.KUBECONFIG ?? "").split(path.delimiter).filter(Boolean);
    return list.length ? list : [path.join(env.HOME ?? os.homedir(), ".kube", "config")];
}

/** The current context's server and credentials. Throws with what is missing. */
export function kubeTarget(files: string[] = kubeconfigFiles(), runExec = runCredentialPlugin): KubeTarget {
    const docs = files
        .filter((f) => fs.existsSync(f))
        .map((f) => ({ dir: path.dirname(f), doc: (yaml.load(fs.readFileSync(f, "utf8")) ?? {}) as KubeconfigDoc }));
    if (!docs.length) throw new Error(`no kubeconfig (looked at ${files.join(", ")})`);
    const first = <T extends Named<unknown>>(key: "contexts" | "clusters" | "users", name: string) => {
        for (const { dir, doc } of docs) {
            const hit = (doc[key] as T[] | undefined)?.find((x) => x.name === name);
            if (hit) return { dir, hit };
        }
        return undefined;
    };
    const contextName = docs.map((d) => d.doc["current-context"]).find(Boolean);
    if (!contextName) throw new Error("the kubeconfig has no current-context");
    const ctx = first<{ name: string; context: { cluster: string; user: string } }>("contexts", contextName);
    if (!ctx) throw new Error(`context ${contextName} is not in the kubeconfig`);
    const cl = first<{ name: string; cluster: Record<string, unknown> }>("clusters", ctx.hit.context.cluster);
    if (!cl) throw new Error(`cluster ${ctx.hit.context.cluster} is not in the kubeconfig`);
    const us = first<{ name: string; user: Record<string, unknown> }>("users", ctx.hit.context.user);
    const c = cl.hit.cluster;
    const u = us?.hit.user ?? {};
    const target: KubeTarget = {
        context: contextName,
        server: String(c.server ?? ""),
        ca: fromData(c["certificate-authority-data"]) ?? fromFile(c["certificate-authority"], cl.dir),
        insecure: c["insecure-skip-tls-verify"] === true,
        token: typeof u.token === "string" ? u.token : fromFile(u.tokenFile, us?.dir ?? ".")?.trim(),
        cert: fromData(u["client-certificate-data"]) ?? fromFile(u["client-certificate"], us?.dir ?? "."),
        key: fromData(u["client-key-data"]) ?? fromFile(u["client-key"], us?.dir ?? "."),
    };
    if (u.exec && typeof u.exec === "object") Object.assign(target, runExec(u.exec as ExecConfig));
    return target;
}

interface ExecConfig {
    command: string;
    args?: string[];
    env?: { name: string; value: string }[];
}

/** Run an exec credential plugin (client.authentication.k8s.io ExecCredential). */
export function runCredentialPlugin(exec: ExecConfig): Partial<KubeTarget> {
    const env = { ...process.env, ...Object.fromEntries((exec.env ?? []).map((e) => [e.name, e.value])) };
    const out = execFileSync(exec.command, exec.args ?? [], { env, encoding: "utf8", timeout: 30_000, stdio: ["ignore", "pipe", "pipe"] });
    const status =
        (JSON.parse(out) as { status?: { token?: string; clientCertificateData?: string; clientKeyData?: string } }).status ?? {};
    return { token: status.token, cert: status.clientCertificateData, key: status.clientKeyData };
}

/** GET a path of the API: the status code and body. */
export function apiGet(t: KubeTarget, apiPath: string, timeoutMs = 15_000): Promise<{ status: number; body: string }> {
    const url = new URL(apiPath, t.server);
    return new Promise((resolve, reject) => {
        const req = https.request(
            url,
            {
                method: "GET",
                ca: t.ca,
                cert: t.cert,
                key: t.key,
                rejectUnauthorized: !t.insecure,
                headers: { accept: "application/json", ...(t.token ? { authorization: `Bearer ${t.token}` } : {}) },
                timeout: timeoutMs,
            },
            (res) => {
                const chunks: Buffer[] = [];
                res.on("data", (c: Buffer) => chunks.push(c));
                res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
            },
        );
        req.on("timeout", () => req.destroy(new Error(`no answer from ${t.server} within ${timeoutMs} ms`)));
        req.on("error", reject);
        req.end();
    });
}

/** What a user should do about a storage class the cluster does not have. */
export function missingStorageClassMessage(name: string, context: string): string {
    return (
        `the staging storage class "${name}" does not exist in the cluster of kubeconfig context "${context}" ` +
        `(spark-s3:stagingStorageClass): the staging claim would stay Pending. Create it (EKS: install the EFS CSI driver, ` +
        `e.g. spark-s3:eksAddons: ["aws-efs-csi-driver"], and a StorageClass with provisioner efs.csi.aws.com), name an ` +
        `existing ReadWriteMany class (kubectl get storageclass), or let the stack create EFS with spark-s3:efs: create`
    );
}

/**
 * undefined when the class exists; the message to fail with when it does not; a warning (and
 * undefined) when the cluster cannot be read, since the provider then fails with its own error.
 */
export async function storageClassProblem(name: string, warn: (m: string) => void, target?: KubeTarget): Promise<string | undefined> {
    let t: KubeTarget;
    try {
        t = target ?? kubeTarget();
    } catch (e) {
        warn(`could not read the kubeconfig to check the staging storage class "${name}": ${e instanceof Error ? e.message : e}`);
        return undefined;
    }
    try {
        const r = await apiGet(t, `/apis/storage.k8s.io/v1/storageclasses/${encodeURIComponent(name)}`);
        if (r.status === 200) return undefined;
        if (r.status === 404) return missingStorageClassMessage(name, t.context);
        warn(
            `could not check the staging storage class "${name}" (HTTP ${r.status} from ${t.server}); set spark-s3:stagingStorageClassCheck: false to skip`,
        );
    } catch (e) {
        warn(`could not reach ${t.server} to check the staging storage class "${name}": ${e instanceof Error ? e.message : e}`);
    }
    return undefined;
}
