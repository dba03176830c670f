/** Pulumi.yaml's config block and components/config.ts describe the same keys. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { parseStackConfig } from "../../components/config";
import { ROOT } from "../helpers/paths";
import { stackConfig } from "../helpers/stack";

const project = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as any;
/** The program's own keys; "ns:key" entries are provider settings for every stack. */
const programKeys = Object.fromEntries(Object.entries<any>(project.config).filter(([k]) => !k.includes(":")));

describe("Pulumi.yaml config block", () => {
    it("documents every key with type, default and description", () => {
        for (const [key, decl] of Object.entries<any>(programKeys)) {
            assert.ok(["string", "integer", "boolean", "array"].includes(decl.type), `${key}: type`);
            assert.ok("default" in decl, `${key}: default`);
            assert.ok(typeof decl.description === "string" && decl.description.length > 10, `${key}: description`);
        }
    });

    it("declares exactly the keys the program reads", () => {
        const read = new Set<string>();
        const c = stackConfig("local");
        parseStackConfig((key) => {
            if (!key.includes(":")) read.add(key);
            return c[key.includes(":") ? key : `spark-s3:${key}`];
        }, "local");
        assert.deepEqual([...read].sort(), Object.keys(programKeys).sort());
    });

    it("sets only the provider settings it means to, for every stack", () => {
        const providerKeys = Object.fromEntries(Object.entries(project.config).filter(([k]) => k.includes(":")));
        assert.deepEqual(providerKeys, { "kubernetes:enableSecretMutable": true });
        assert.equal(stackConfig("flashblade")["kubernetes:enableSecretMutable"], "true");
    });

    it("stack files only set declared keys (or provider keys)", () => {
        for (const stack of ["local", "dev", "flashblade", "pr"]) {
            const s = yaml.load(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as any;
            for (const key of Object.keys(s.config)) {
                const [ns, k] = key.split(":");
                if (ns === "spark-s3") assert.ok(k in programKeys, `${stack}: ${key} is not declared in Pulumi.yaml`);
                else assert.ok(["aws", "kubernetes"].includes(ns), `${stack}: unexpected namespace in ${key}`);
            }
        }
    });
});
