/**
 * The component package (provider/) as the Node.js language host runs it: cmd/run-plugin hosts
 * the ComponentResource classes the entry exports, infers their schema from the TypeScript
 * sources, and constructs them for the calling program. Slow (the analyzer type-checks the
 * sources with the providers' type declarations): npm run test:package, not npm test.
 */
import { strict as assert } from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import { platformKeys } from "../../components/platform/settings";
import { JOB_FIELDS } from "../../components/job/keys";
import { ROOT } from "../helpers/paths";
import { promiseOf, runMocked } from "../helpers/stack";

const DIR = path.join(ROOT, "provider");
const entry = require(path.join(DIR, "plugin.js"));
const TYPES: Record<string, string> = { string: "string", integer: "number", boolean: "boolean", array: "array" };

describe("the component package (provider/)", function () {
    this.timeout(600_000);
    const components = getPulumiComponents(entry);
    const provider = new ComponentProvider({ name: "spark-s3", dirname: DIR, components });
    let schema: any;
    before(async () => {
        schema = JSON.parse(await provider.getSchema());
    });

    it("hosts exactly SparkPlatform and SparkJob, under the type tokens the components register", () => {
        assert.deepEqual(components.map((c) => c.name).sort(), ["SparkJob", "SparkPlatform"]);
        assert.equal(schema.name, "spark-s3");
        assert.deepEqual(Object.keys(schema.resources).sort(), ["spark-s3:index:SparkJob", "spark-s3:index:SparkPlatform"]);
        for (const r of Object.values<any>(schema.resources)) assert.equal(r.isComponent, true);
    });

    it("gives SparkPlatform one input per config key of the platform, of the key's type, described", () => {
        const inputs = schema.resources["spark-s3:index:SparkPlatform"].inputProperties;
        const keys = platformKeys();
        assert.deepEqual(Object.keys(inputs).sort(), keys.map((k) => k.key).sort());
        for (const k of keys) {
            assert.equal(inputs[k.key].type, TYPES[k.type], k.key);
            assert.ok(inputs[k.key].description?.length > 10, `${k.key}: description`);
            // Settings are plain (known when the platform is built); the API token is an input that may be a secret output.
            assert.equal(inputs[k.key].plain === true, !k.undeclared?.secret, `${k.key}: plain`);
        }
        assert.deepEqual(schema.resources["spark-s3:index:SparkPlatform"].requiredInputs ?? [], []);
    });

    it("gives SparkJob the platform's handle and one input per field of a jobs entry", () => {
        const r = schema.resources["spark-s3:index:SparkJob"];
        const extra = ["platform", "applicationName", "inputs", "rerunHint", "labels"];
        assert.deepEqual(Object.keys(r.inputProperties).sort(), [...Object.keys(JOB_FIELDS), ...extra].sort());
        assert.deepEqual(r.requiredInputs, ["platform"]);
        assert.equal(r.inputProperties.platform.$ref, "#/types/spark-s3:index:PlatformHandle");
        assert.equal(r.inputProperties.platform.plain, undefined, "the handle is an output of the platform");
        for (const out of ["applicationName", "kind", "state", "statusCommand", "logsCommand"]) assert.ok(r.properties[out], out);
    });

    it("describes the handle as plain data: what SparkPlatform hands its jobs", async () => {
        const handle = schema.types["spark-s3:index:PlatformHandle"];
        assert.equal(schema.resources["spark-s3:index:SparkPlatform"].properties.handle.$ref, "#/types/spark-s3:index:PlatformHandle");
        const run = await runMocked("pkg", {}, [], () => {
            const { SparkPlatform } = entry;
            const p = new SparkPlatform("p", { stagingHostPath: "/tmp/s", stagingStorageClassCheck: false });
            return { handle: p.handle };
        });
        const h = await promiseOf(run.outputs.handle as pulumi.Output<Record<string, unknown>>);
        for (const k of Object.keys(h)) assert.ok(k in handle.properties, `handle.${k} is in the schema`);
        for (const [k, p] of Object.entries<any>(handle.properties)) if (!p.optional) assert.ok(k in h, `${k} is always set`);
    });

    it("constructs a MinIO platform and a scheduled job as the engine asks it to (Construct under mocks)", async () => {
        const run = await runMocked("pkg", {}, [], () => {
            const result = provider
                .construct(
                    "platform",
                    "spark-s3:index:SparkPlatform",
                    { objectStore: "minio", stagingHostPath: "/tmp/s", stagingStorageClassCheck: false },
                    {},
                )
                .then((p) =>
                    provider.construct(
                        "nightly",
                        "spark-s3:index:SparkJob",
                        { platform: p.state.handle, mainFile: "local:///opt/app/nightly.py", schedule: "@daily" },
                        {},
                    ),
                );
            return { job: pulumi.output(result.then((r) => r.state.applicationName)) };
        });
        assert.equal(await promiseOf(run.outputs.job as pulumi.Output<string>), "nightly-pkg");
        assert.equal(run.one("kubernetes:sparkoperator.k8s.io/v1beta2:ScheduledSparkApplication").inputs.spec.schedule, "@daily");
        assert.ok(run.one("spark-s3:index:SparkPlatform", "platform"));
    });
});
