/**
 * Where a job's code comes from, and how it reaches the pods (pure; tested):
 * - a folder of the project (codeDir): its files go into a ConfigMap that the driver (and the
 *   executors, when the job's deps name files of it) mounts through its pod template, so the
 *   main file is `local://` (DESIGN.md section 3: the operator's webhook is not needed);
 * - a path in the image: `local:///opt/app/job.py`;
 * - a URI: `https://...` (spark-submit downloads it), or `s3a://...` only where the operator's
 *   own spark-submit has hadoop-aws (operatorReadsS3a): the stock operator image has not, and an
 *   s3a:// mainApplicationFile or dependency fails the submission with ClassNotFoundException
 *   org.apache.hadoop.fs.s3a.S3AFileSystem (kubeflow/spark-operator issues #1508, #2301, #404).
 */
import * as fs from "fs";
import * as path from "path";

/** Where a job's code folder is mounted in its pods. */
export const CODE_ROOT = "/opt/spark/jobs";
/** A ConfigMap holds at most 1 MiB (etcd's request limit); keep room for its metadata. */
export const MAX_CODE_BYTES = 1000 * 1000;

export const codeMount = (job: string) => `${CODE_ROOT}/${job}`;

/** The files of a code folder: `files` (relative), or every file except hidden ones and __pycache__. */
export function codeFileList(dir: string, files: readonly string[]): string[] {
    if (files.length) return [...files];
    const out: string[] = [];
    const walk = (rel: string) => {
        for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
            if (e.name.startsWith(".") || e.name === "__pycache__" || e.name === "node_modules") continue;
            const r = rel ? `${rel}/${e.name}` : e.name;
            if (e.isDirectory()) walk(r);
            else if (e.isFile()) out.push(r);
        }
    };
    walk("");
    return out.sort();
}

/** A ConfigMap key for a relative path (keys allow only [-._a-zA-Z0-9]); the mount maps it back. */
export function codeKey(rel: string): string {
    return rel.replace(/[^-._a-zA-Z0-9]/g, "_");
}

export interface CodeBundle {
    /** UTF-8 files. */
    readonly data: Record<string, string>;
    /** Other files, base64. */
    readonly binaryData: Record<string, string>;
    /** key -> relative path, for the volume's items. */
    readonly items: { key: string; path: string }[];
    readonly bytes: number;
}

/** The ConfigMap content of a code folder; throws what is wrong (missing file, too big, clashing names). */
export function codeBundle(dir: string, files: readonly string[]): CodeBundle {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`${dir} is not a folder`);
    const data: Record<string, string> = {};
    const binaryData: Record<string, string> = {};
    const items: { key: string; path: string }[] = [];
    let bytes = 0;
    for (const rel of codeFileList(dir, files)) {
        if (rel.startsWith("/") || rel.split("/").includes("..")) throw new Error(`${rel} is not a path inside ${dir}`);
        const file = path.join(dir, rel);
        if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new Error(`${file} does not exist`);
        const key = codeKey(rel);
        if (key in data || key in binaryData) throw new Error(`${rel} and another file map to the same ConfigMap key ${key}`);
        const buf = fs.readFileSync(file);
        bytes += buf.length;
        const text = buf.toString("utf8");
        if (Buffer.from(text, "utf8").equals(buf) && !text.includes("\u0000")) data[key] = text;
        else binaryData[key] = buf.toString("base64");
        items.push({ key, path: rel });
    }
    if (items.length === 0) throw new Error(`${dir} holds no file to ship`);
    if (bytes > MAX_CODE_BYTES) {
        throw new Error(
            `${dir} holds ${bytes} bytes; a ConfigMap holds at most ${MAX_CODE_BYTES}: bake the code into an image (mainFile local:///...) or name fewer files (codeFiles)`,
        );
    }
    return { data, binaryData, items, bytes };
}

export type CodeSource = "folder" | "image" | "uri";

/** A URI's scheme, or "" for a relative path. */
export const schemeOf = (uri: string) => /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri)?.[1].toLowerCase() ?? "";

/**
 * What is wrong with a main file or dependency reference, or undefined. `inFolder`: relative
 * paths name files of the code folder (which then must list them).
 */
export function uriProblem(
    ref: string,
    ctx: { codeDir: string; shipped?: readonly string[]; operatorReadsS3a: boolean },
): string | undefined {
    const scheme = schemeOf(ref);
    if (scheme === "") {
        if (ctx.codeDir === "")
            return `"${ref}" is a relative path but the job has no codeDir (set codeDir, or use local:///path/in/the/image)`;
        if (ctx.shipped && !ctx.shipped.includes(ref)) return `"${ref}" is not among the files shipped from ${ctx.codeDir}`;
        return undefined;
    }
    if (scheme === "local" || scheme === "https" || scheme === "http") return undefined;
    if (scheme === "s3a") {
        return ctx.operatorReadsS3a
            ? undefined
            : `"${ref}": the operator submits with its own spark-submit, which has no hadoop-aws in the stock image, so an s3a:// file fails the submission (ClassNotFoundException S3AFileSystem, kubeflow/spark-operator #1508, #2301, #404); ship it from codeDir or bake it into the image (local://), or set spark-s3:operatorReadsS3a if your operator's image has hadoop-aws`;
    }
    return `"${ref}" has scheme ${scheme}://; use a file of codeDir, local:///path/in/the/image, https://, or s3a:// (operatorReadsS3a)`;
}

/** The URI spark-submit gets for a reference: files of the code folder under its mount path. */
export function resolveRef(ref: string, mount: string): string {
    return schemeOf(ref) === "" ? `local://${mount}/${ref}` : ref;
}
