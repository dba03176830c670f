/** kubectl for the end-to-end tests: any kubeconfig (the kwokctl sim, kind, a real cluster); KUBECTL names the binary. */
import { execFile } from "child_process";

export interface KubectlError extends Error {
    stderr: string;
    code: number | null;
}

export class Kubectl {
    constructor(
        private readonly env: NodeJS.ProcessEnv = process.env,
        readonly bin = process.env.KUBECTL ?? "kubectl",
    ) {}

    /** Run kubectl; rejects with its stderr. */
    run(args: string[], input?: string): Promise<string> {
        return new Promise((resolve, reject) => {
            const child = execFile(this.bin, args, { env: this.env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
                if (err) {
                    const e = new Error(`kubectl ${args.join(" ")}: ${stderr.trim() || err.message}`) as KubectlError;
                    e.stderr = stderr;
                    e.code = typeof err.code === "number" ? err.code : null;
                    reject(e);
                } else resolve(stdout);
            });
            if (input !== undefined) child.stdin?.end(input);
        });
    }

    async json<T = any>(args: string[]): Promise<T> {
        return JSON.parse(await this.run([...args, "-o", "json"])) as T;
    }

    /** The object, or undefined when it does not exist. */
    async get<T = any>(kind: string, name: string, namespace?: string): Promise<T | undefined> {
        try {
            return await this.json<T>(["get", kind, name, ...(namespace ? ["-n", namespace] : [])]);
        } catch (e) {
            if (/NotFound|not found/.test((e as KubectlError).stderr ?? "")) return undefined;
            throw e;
        }
    }

    async list<T = any>(kind: string, opts: { namespace?: string; selector?: string } = {}): Promise<T[]> {
        const args = ["get", kind, ...(opts.namespace ? ["-n", opts.namespace] : ["-A"]), ...(opts.selector ? ["-l", opts.selector] : [])];
        return (await this.json<{ items: T[] }>(args)).items;
    }
}
