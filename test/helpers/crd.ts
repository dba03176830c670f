/**
 * The SparkApplication CRD's openAPIV3Schema from the operator's chart (kubeflow/spark-operator
 * v2.5.2, test/helpers/upstream.ts), made strict for validation:
 * Kubernetes prunes unknown fields silently, so every object schema with `properties` and no
 * x-kubernetes-preserve-unknown-fields gets additionalProperties: false, and a misspelled field
 * fails the test instead of vanishing in the cluster.
 */
import * as fs from "fs";
import Ajv, { type ValidateFunction } from "ajv";
import * as yaml from "js-yaml";
import { sparkOperator } from "./upstream";

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

let cached: ValidateFunction | undefined;

export function sparkApplicationValidator(): ValidateFunction {
    if (cached) return cached;
    const docs = yaml.loadAll(fs.readFileSync(sparkOperator.crd("sparkoperator.k8s.io_sparkapplications.yaml"), "utf8")) as any[];
    const crd = docs.find((d) => d?.kind === "CustomResourceDefinition");
    const v1beta2 = crd.spec.versions.find((v: any) => v.name === "v1beta2");
    const schema = strictify(v1beta2.schema.openAPIV3Schema);
    // metadata is validated by the API server, not the CRD schema.
    schema.properties.metadata = { type: "object" };
    const ajv = new Ajv({ allErrors: true, strict: false });
    // The OpenAPI formats the CRD uses.
    const intIn = (lo: number, hi: number) => (n: number) => Number.isInteger(n) && n >= lo && n <= hi;
    ajv.addFormat("int32", { type: "number", validate: intIn(-(2 ** 31), 2 ** 31 - 1) });
    ajv.addFormat("int64", { type: "number", validate: intIn(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER) });
    ajv.addFormat("date-time", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
    cached = ajv.compile(schema);
    return cached;
}
