/**
 * Which storage a path of a job lands on: pod-local disk, or a volume shared by driver and
 * executors (a ReadWriteMany claim, NFS). Shared by the staging-directory and buffer-directory
 * rules. Pure, no engine.
 */
import { isKnown, isUnder, isUnknown, type RoleMount, type SparkApplicationLike } from "./conf";
import type { CheckOptions } from "./options";

/**
 * The local path a Hadoop path stands for: a file:// URI's path, an absolute path (no scheme:
 * Hadoop resolves it on fs.defaultFS, which is file:/// on Kubernetes), "" for a relative path
 * (under the user's home on the default FS, a pod-local directory), undefined for a cluster
 * filesystem (hdfs://, s3a://...).
 */
export function localPathOf(uri: string): string | undefined {
    if (uri.startsWith("file://")) return uri.slice("file://".length).replace(/^\/*/, "/");
    if (uri.startsWith("/")) return uri;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) return undefined;
    return "";
}

/** Is the mount's volume ReadWriteMany? undefined when the pack cannot tell (claim outside the resources, unknown name). */
export function claimIsRwx(m: RoleMount, namespace: string | undefined, opts: CheckOptions): boolean | undefined {
    if (m.kind === "nfs") return true;
    if (m.kind !== "pvc" || !m.claimName) return false;
    if (isUnknown(m.claimName)) return undefined;
    if (opts.sharedClaims?.includes(m.claimName)) return true;
    const modes = opts.claimAccessModes?.get(`${namespace ?? ""}/${m.claimName}`) ?? opts.claimAccessModes?.get(m.claimName);
    if (!modes) return undefined;
    return modes.includes("ReadWriteMany");
}

/** The mount a path is under (the deepest one). */
export const deepestMount = (mounts: RoleMount[], path: string) =>
    mounts.filter((m) => isKnown(m.mountPath) && isUnder(path, m.mountPath)).sort((a, b) => b.mountPath.length - a.mountPath.length)[0];

export const namespaceOf = (app: SparkApplicationLike) =>
    typeof app.metadata?.namespace === "string" ? app.metadata.namespace : undefined;

export function describeMount(m: RoleMount): string {
    return m.kind === "pvc" ? `claim ${m.claimName} at ${m.mountPath}` : `a ${m.kind} volume "${m.volume}" at ${m.mountPath}`;
}
