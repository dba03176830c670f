/** Pulumi.yaml's config block and the key specs the features declare describe the same keys. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { programKeys } from "../../components/config";
import { DOGLOVER } from "../../jobs/doglover/config";
import { ROOT } from "../helpers/paths";
import { stackConfig } from "../helpers/stack";

const project = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as any;
/** The program's own keys; "ns:key" entries are provider settings for every stack. */
const declared = Object.fromEntries(Object.entries<any>(project.config).filter(([k]) => !k.includes(":")));
const specs = programKeys({ doglover: DOGLOVER });

describe("Pulumi.yaml config block", () => {
    it("documents every key with type, default and description", () => {
        for (const [key, decl] of Object.entries<any>(declared)) {
            // `jobs` (a map of maps) has no Pulumi.yaml type: the CLI's types are string, integer, boolean, array.
            if (key !== "jobs") assert.ok(["string", "integer", "boolean", "array"].includes(decl.type), `${key}: type`);
            assert.ok("default" in decl, `${key}: default`);
            assert.ok(typeof decl.description === "string" && decl.description.length > 10, `${key}: description`);
        }
    });

    it("declares exactly the keys the features declare in code (secrets without a default excepted)", () => {
        const inCode = specs.filter((s) => !s.undeclared).map((s) => s.key);
        assert.deepEqual(Object.keys(declared).sort(), inCode.sort());
        for (const s of specs.filter((s) => s.undeclared)) assert.ok(!(s.key in declared), `${s.key} is declared without a default`);
        assert.equal(new Set(specs.map((s) => s.key)).size, specs.length, "no key is declared twice in code");
    });

    it("gives every key the type and the default its spec has", () => {
        for (const s of specs.filter((s) => !s.undeclared)) {
            const decl = declared[s.key];
            assert.equal(decl.type ?? "object", s.type, `${s.key}: type`);
            assert.deepEqual(decl.default, s.default, `${s.key}: default`);
        }
    });

    it("sets only the provider settings it means to, for every stack", () => {
        const providerKeys = Object.fromEntries(Object.entries(project.config).filter(([k]) => k.includes(":")));
        assert.deepEqual(providerKeys, { "kubernetes:enableSecretMutable": true });
        assert.equal(stackConfig("flashblade")["kubernetes:enableSecretMutable"], "true");
    });

    it("stack files only set known keys (or provider keys)", () => {
        const known = new Set(specs.map((s) => s.key));
        for (const stack of ["local", "dev", "flashblade", "pr"]) {
            const s = yaml.load(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as any;
            for (const key of Object.keys(s.config)) {
                const [ns, k] = key.split(":");
                if (ns === "spark-s3") assert.ok(known.has(k), `${stack}: ${key} is not a key of the program`);
                else assert.ok(["aws", "kubernetes"].includes(ns), `${stack}: unexpected namespace in ${key}`);
            }
        }
    });
});
