/**
 * Kubernetes manifests as the checks' resources: YAML files (several documents each, `kind: List`
 * included) and directories searched recursively for *.yaml / *.yml. SparkApplications,
 * ScheduledSparkApplications, PersistentVolumeClaims and PersistentVolumes (which storage a claim is on)
 * are kept; other kinds are counted only.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { PV_TYPE, PVC_TYPE, SCHEDULED_SPARK_APPLICATION_TYPE, SPARK_APPLICATION_TYPE, type StackResource } from "../s3a/resources";

/** Where a resource came from: file, document index, and its kind/namespace/name. */
export interface ManifestSource {
    readonly file: string;
    readonly document: number;
    readonly kind: string;
    readonly namespace?: string;
    readonly name: string;
}

export interface ManifestSet {
    readonly resources: StackResource[];
    /** By resource urn. */
    readonly sources: Map<string, ManifestSource>;
    readonly files: string[];
    readonly errors: { file: string; message: string }[];
    /** Documents of other kinds (Deployments, ConfigMaps...), not checked. */
    readonly otherDocuments: number;
}

const TYPES: Record<string, string> = {
    SparkApplication: SPARK_APPLICATION_TYPE,
    ScheduledSparkApplication: SCHEDULED_SPARK_APPLICATION_TYPE,
    PersistentVolumeClaim: PVC_TYPE,
    PersistentVolume: PV_TYPE,
};

/** The name `-` stands for standard input (e.g. `helm template ... | s3a-committer-policies check -`). */
export const STDIN = "(stdin)";

/** Files named by the arguments: files as given, `-` for stdin, directories searched for *.yaml and *.yml (hidden dirs and node_modules skipped). */
export function manifestFiles(args: readonly string[], cwd: string, errors: { file: string; message: string }[]): string[] {
    const out: string[] = [];
    const walk = (dir: string) => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
            const p = path.join(dir, e.name);
            if (e.isDirectory()) {
                if (!e.name.startsWith(".") && e.name !== "node_modules") walk(p);
            } else if (/\.ya?ml$/i.test(e.name)) out.push(p);
        }
    };
    for (const a of args) {
        if (a === "-") {
            out.push(STDIN);
            continue;
        }
        const p = path.resolve(cwd, a);
        let stat: fs.Stats;
        try {
            stat = fs.statSync(p);
        } catch {
            errors.push({ file: a, message: "no such file or directory" });
            continue;
        }
        if (stat.isDirectory()) walk(p);
        else out.push(p);
    }
    return [...new Set(out)];
}

interface KubeObject {
    apiVersion?: unknown;
    kind?: unknown;
    metadata?: { name?: unknown; namespace?: unknown };
    items?: unknown;
}

/** A file's name as the user knows it: relative to `cwd` when below it, else absolute. */
const shown = (abs: string, cwd: string) => {
    const rel = path.relative(cwd, abs);
    return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : abs;
};

/** Read the manifests named by `args` (relative to `cwd`); names in results are relative to `cwd` when below it. */
export function readManifests(args: readonly string[], cwd: string, stdin: () => string = () => fs.readFileSync(0, "utf8")): ManifestSet {
    const errors: { file: string; message: string }[] = [];
    const files = manifestFiles(args, cwd, errors);
    const resources: StackResource[] = [];
    const sources = new Map<string, ManifestSource>();
    let otherDocuments = 0;
    for (const abs of files) {
        const file = abs === STDIN ? STDIN : shown(abs, cwd);
        let docs: unknown[];
        let text: string;
        try {
            text = abs === STDIN ? stdin() : fs.readFileSync(abs, "utf8");
        } catch (e) {
            errors.push({ file, message: `cannot read: ${(e as Error).message}` });
            continue;
        }
        const template = /\{\{/.test(text);
        try {
            docs = yaml.loadAll(text);
        } catch (e) {
            const why = e instanceof Error ? e.message.split("\n")[0] : String(e);
            errors.push({
                file,
                message: `not valid YAML: ${why}${template ? " (a Helm template? render it with helm template first)" : ""}`,
            });
            continue;
        }
        if (template && docs.some((d) => /^(Scheduled)?SparkApplication$/.test(String((d as KubeObject | null)?.kind)))) {
            // `{{ .Values.x }}` can parse as YAML (a flow mapping) and would be checked as nonsense
            errors.push({
                file,
                message: "an unrendered template ({{ ... }}): render it first (helm template, kustomize build) and check the output",
            });
            continue;
        }
        const add = (obj: KubeObject, document: number) => {
            const kind = typeof obj.kind === "string" ? obj.kind : "";
            const type = TYPES[kind];
            const group = typeof obj.apiVersion === "string" ? obj.apiVersion.split("/")[0] : "";
            if (!type || (!kind.startsWith("PersistentVolume") && group !== "sparkoperator.k8s.io")) {
                otherDocuments++;
                return;
            }
            const name = typeof obj.metadata?.name === "string" ? obj.metadata.name : `(unnamed #${document + 1})`;
            const namespace = typeof obj.metadata?.namespace === "string" ? obj.metadata.namespace : undefined;
            const urn = `${file}#${document}:${kind}/${namespace ?? ""}/${name}`;
            resources.push({ type, urn, name, props: obj as Record<string, unknown> });
            sources.set(urn, { file, document, kind, namespace, name });
        };
        docs.forEach((doc, i) => {
            if (doc === null || doc === undefined) return;
            if (typeof doc !== "object" || Array.isArray(doc)) {
                errors.push({ file, message: `document ${i + 1} is not a Kubernetes object` });
                return;
            }
            const obj = doc as KubeObject;
            if (obj.kind === "List" && Array.isArray(obj.items)) {
                for (const item of obj.items) if (item && typeof item === "object") add(item as KubeObject, i);
            } else add(obj, i);
        });
    }
    return { resources, sources, files: files.map((f) => (f === STDIN ? f : shown(f, cwd))), errors, otherDocuments };
}
