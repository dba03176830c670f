/** The rendered SparkApplication validates against the operator's real CRD (its v2.5.2 chart, test/helpers/upstream.ts). */
import { strict as assert } from "assert";
import { sparkApplicationValidator } from "../helpers/crd";
import { runProgram } from "../helpers/stack";

const SPARK_APP = "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication";

function errors(obj: unknown): string {
    const validate = sparkApplicationValidator();
    return validate(obj) ? "" : JSON.stringify(validate.errors?.slice(0, 5));
}

describe("SparkApplication CRD contract (spark-operator 2.5.2)", () => {
    for (const stack of ["local", "dev"]) {
        it(`the ${stack} stack's SparkApplication validates, unknown fields included`, async () => {
            const run = await runProgram(stack);
            const app = run.one(SPARK_APP).inputs;
            assert.equal(errors(app), "");
        });
    }

    it("the validator catches a misspelled field (so the check above can fail)", async () => {
        const run = await runProgram("local");
        const app = JSON.parse(JSON.stringify(run.one(SPARK_APP).inputs));
        app.spec.executor.instance = 2; // 'instances'
        assert.match(errors(app), /additionalProperties.*"instance"/);
    });

    it("the validator catches a wrong type and a wrong enum", async () => {
        const run = await runProgram("local");
        const app = JSON.parse(JSON.stringify(run.one(SPARK_APP).inputs));
        app.spec.executor.instances = "two";
        app.spec.type = "Ruby";
        const e = errors(app);
        assert.match(e, /must be integer/);
        assert.match(e, /must be equal to one of the allowed values/);
    });
});
