/**
 * The spark-operator v2.5.2 chart's CRDs, from the upstream tree (scripts/upstream.sh: the
 * mirror named by SPARK_S3_MIRROR, or a shallow clone), as strict validators: an object schema
 * without x-kubernetes-preserve-unknown-fields refuses unknown fields (Kubernetes would prune them
 * silently).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import Ajv, { type ValidateFunction } from "ajv";
import * as yaml from "js-yaml";
import { ROOT } from "../helpers/paths";

function strictify(schema: any): any {
    if (Array.isArray(schema)) return schema.map(strictify);
    if (!schema || typeof schema !== "object") return schema;
    const out: any = {};
    for (const [k, v] of Object.entries(schema)) {
        if (k.startsWith("x-kubernetes-")) continue;
        out[k] = k === "properties" ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, strictify(s)])) : strictify(v);
    }
    if (schema["x-kubernetes-int-or-string"]) {
        delete out.type;
        out.anyOf = [{ type: "integer" }, { type: "string" }];
    }
    if (
        schema.type === "object" &&
        schema.properties &&
        !schema["x-kubernetes-preserve-unknown-fields"] &&
        schema.additionalProperties === undefined
    ) {
        out.additionalProperties = false;
    }
    return out;
}

let tree: string | undefined;
export function operatorTree(): string {
    tree ??= execFileSync("bash", [path.join(ROOT, "scripts", "upstream.sh"), "spark-operator"], { encoding: "utf8" }).trim();
    return tree;
}

const cache = new Map<string, ValidateFunction>();

/** A validator of one CRD's v1beta2 schema (file name under the chart's crds/). */
export function crdValidator(file: string): ValidateFunction {
    const hit = cache.get(file);
    if (hit) return hit;
    const docs = yaml.loadAll(fs.readFileSync(path.join(operatorTree(), "charts", "spark-operator-chart", "crds", file), "utf8")) as any[];
    const crd = docs.find((d) => d?.kind === "CustomResourceDefinition");
    const schema = strictify(crd.spec.versions.find((v: any) => v.name === "v1beta2").schema.openAPIV3Schema);
    schema.properties.metadata = { type: "object" };
    const ajv = new Ajv({ allErrors: true, strict: false });
    const intIn = (lo: number, hi: number) => (n: number) => Number.isInteger(n) && n >= lo && n <= hi;
    ajv.addFormat("int32", { type: "number", validate: intIn(-(2 ** 31), 2 ** 31 - 1) });
    ajv.addFormat("int64", { type: "number", validate: intIn(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER) });
    ajv.addFormat("date-time", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
    const v = ajv.compile(schema);
    cache.set(file, v);
    return v;
}

export function crdErrors(file: string, obj: unknown): string {
    const v = crdValidator(file);
    return v(obj) ? "" : JSON.stringify(v.errors?.slice(0, 5));
}
