/** Every Helm value the program sets is a key of the chart's values.yaml (spark-operator v2.5.2, test/helpers/upstream.ts). */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as yaml from "js-yaml";
import { operatorValues } from "../../components/operator";
import { sparkOperator } from "../helpers/upstream";

let chartValues: any;

/** Leaf paths of a values object; arrays are leaves (a list value replaces the chart's list). */
function leafPaths(v: any, prefix = ""): string[] {
    if (v && typeof v === "object" && !Array.isArray(v)) {
        return Object.entries(v).flatMap(([k, x]) => leafPaths(x, prefix ? `${prefix}.${k}` : k));
    }
    return [prefix];
}

function chartHas(p: string): { ok: boolean; type?: string } {
    let cur = chartValues;
    for (const part of p.split(".")) {
        if (!cur || typeof cur !== "object" || !(part in cur)) return { ok: false };
        cur = cur[part];
    }
    return { ok: true, type: Array.isArray(cur) ? "array" : typeof cur };
}

describe("spark-operator chart values contract", () => {
    before(() => {
        chartValues = yaml.load(fs.readFileSync(sparkOperator.values(), "utf8"));
    });
    const values = operatorValues({
        jobNamespace: "spark-jobs",
        serviceAccountName: "spark",
        imageRegistry: "registry.example.com/mirror",
    });

    it("pulls the operator's and the CRD hook's images through the mirror, and leaves ghcr.io without one", () => {
        assert.equal(values.image.registry, "registry.example.com/mirror");
        assert.equal(values.hook.image.registry, "registry.example.com/mirror");
        const plain = operatorValues({ jobNamespace: "spark-jobs", serviceAccountName: "spark", imageRegistry: "" });
        assert.equal(plain.image.registry, chartValues.image.registry);
        assert.equal(plain.hook.image.registry, chartValues.hook.image.registry);
    });

    it("does not depend on the operator's webhook", () => {
        assert.equal(values.webhook.enable, false);
    });

    it("every key the program sets exists in the chart, with the chart's type", () => {
        for (const p of leafPaths(values)) {
            const found = chartHas(p);
            assert.ok(found.ok, `${p} is not a key of spark-operator 2.5.2 values.yaml`);
            const mine = p.split(".").reduce((o: any, k) => o[k], values);
            const myType = Array.isArray(mine) ? "array" : typeof mine;
            assert.equal(myType, found.type, `${p}: chart type ${found.type}, program sets ${myType}`);
        }
    });

    it("the check rejects the 1.x keys that 2.x silently ignores", () => {
        assert.equal(chartHas("sparkJobNamespace").ok, false);
        assert.equal(chartHas("sparkJobNamespaces").ok, false);
        assert.equal(chartHas("spark.jobNamespaces").ok, true);
    });

    // The operator watches only the job namespace (spark.jobNamespaces, a list in 2.x), updates its
    // CRDs on upgrade (hook.upgradeCrd: Helm installs crds/ once and never upgrades them; the
    // chart's default is false) and submits as the job namespace's service account.
    it("watches the job namespace, upgrades its CRDs with the chart, submits as the spark service account", () => {
        assert.deepEqual(values.spark.jobNamespaces, ["spark-jobs"]);
        assert.equal(values.hook.upgradeCrd, true);
        assert.equal(values.spark.serviceAccount.name, "spark");
    });
});
