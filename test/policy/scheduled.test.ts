/**
 * A ScheduledSparkApplication's spec.template is checked exactly as a SparkApplication's spec
 * (its type is SparkApplicationSpec, and the controller creates each run from it verbatim:
 * operator v2.5.2 internal/controller/scheduledsparkapplication/controller.go). Every
 * SparkApplication of the corpora and of the rules' examples, put on a schedule that cannot overlap
 * (concurrencyPolicy Forbid), gets the same findings from the Pulumi policies.
 */
import { strict as assert } from "assert";
import { readManifests } from "../../policy/cli/manifests";
import { RULES } from "../../policy/rules";
import { exampleResources } from "../../policy/tools/rule-docs";
import { SCHEDULED_SPARK_APPLICATION_TYPE, SPARK_APPLICATION_TYPE, type StackResource } from "../../policy/s3a/resources";
import { runPack } from "../helpers/policy";
import { ROOT } from "../helpers/paths";

function scheduled(r: StackResource): StackResource {
    const { apiVersion: _a, kind: _k, spec, ...rest } = r.props as Record<string, unknown>;
    void _a;
    void _k;
    return {
        ...r,
        type: SCHEDULED_SPARK_APPLICATION_TYPE,
        props: {
            apiVersion: "sparkoperator.k8s.io/v1beta2",
            kind: "ScheduledSparkApplication",
            ...rest,
            spec: { schedule: "@daily", concurrencyPolicy: "Forbid", template: spec },
        },
    };
}

const findings = (resources: StackResource[]) =>
    runPack(resources)
        .map((r) => `${r.policy} ${r.level} ${r.urn === undefined ? "" : resources.findIndex((x) => x.urn === r.urn)} ${r.message}`)
        .sort();

describe("ScheduledSparkApplication templates are checked as SparkApplications", () => {
    const sets: [string, StackResource[]][] = [];
    for (const dir of ["test/policy/fixtures/real", "test/policy/fixtures/manifests", "test/policy/fixtures/bad"]) {
        const set = readManifests([dir], ROOT);
        for (const file of new Set([...set.sources.values()].map((s) => s.file))) {
            sets.push([file, set.resources.filter((r) => set.sources.get(r.urn)!.file === file)]);
        }
    }
    for (const rule of RULES) for (const ex of rule.examples) sets.push([`${rule.name}: ${ex.title}`, exampleResources(ex)]);

    it("covers every corpus file and rule example, with SparkApplications to schedule", () => {
        assert.ok(sets.length > 30);
        assert.ok(sets.filter(([, rs]) => rs.some((r) => r.type === SPARK_APPLICATION_TYPE)).length > 25);
    });

    for (const [what, resources] of sets) {
        const apps = resources.filter((r) => r.type === SPARK_APPLICATION_TYPE);
        if (apps.length === 0) continue;
        it(`${what}: the same findings on a schedule`, () => {
            const asScheduled = resources.map((r) => (r.type === SPARK_APPLICATION_TYPE ? scheduled(r) : r));
            assert.deepEqual(findings(asScheduled), findings(resources));
        });
    }
});
