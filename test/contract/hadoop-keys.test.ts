/** fs.s3a.* key names: the project's list equals the Hadoop facts, and the program emits only real keys. */
import { strict as assert } from "assert";
import * as fs from "fs";
import { S3A_COMMITTERS, s3aKeyNames } from "../../policy/s3a/facts";
import { SPARK_MATRIX } from "../../policy/s3a/versions";
import { sparkConfFor, type EndpointFacts } from "../../components/s3a-profile";
import { sharedFile } from "../helpers/paths";

function factKeys(v: string): string[] {
    return fs
        .readFileSync(sharedFile("facts", `s3a-keys-hadoop-${v}.txt`), "utf8")
        .split("\n")
        .map((s) => s.trim())
        .filter(Boolean)
        .sort();
}

const STORES: EndpointFacts[] = [
    { region: "eu-west-1", pathStyle: false, tls: true },
    { url: "http://minio.minio.svc.cluster.local:9000", region: "us-east-1", pathStyle: true, tls: false },
];

describe("Hadoop fs.s3a key names", () => {
    for (const v of ["3.4.1", "3.3.6"] as const) {
        it(`the pack's ${v} list equals shared/facts/s3a-keys-hadoop-${v}.txt`, () => {
            assert.deepEqual([...s3aKeyNames(v)].sort(), factKeys(v));
        });
    }

    for (const row of SPARK_MATRIX) {
        it(`every fs.s3a key the program emits for Spark ${row.spark} is a Hadoop ${row.keySet} key`, () => {
            const known = new Set(factKeys(row.keySet));
            let checked = 0;
            for (const committer of S3A_COMMITTERS) {
                for (const endpoint of STORES) {
                    const conf = sparkConfFor({
                        endpoint,
                        committer,
                        conflictMode: "append",
                        runtime: row,
                        packages: true,
                        staging: { volumeName: "staging", claimName: "c", mountPath: "/staging" },
                        buffer: { volumeName: "b", mountPath: "/b", sizeLimit: "1Gi" },
                        credentials: { secretName: "s", accessKeyIdKey: "a", secretAccessKeyKey: "b" },
                    });
                    for (const k of Object.keys(conf).filter((k) => k.startsWith("spark.hadoop.fs.s3a."))) {
                        assert.ok(known.has(k.slice("spark.hadoop.".length)), `${k} is not in Hadoop ${row.keySet}`);
                        checked++;
                    }
                }
            }
            assert.ok(checked > 50, `checked ${checked} keys`);
        });
    }

    it("the article's key is not a Hadoop key; the real one is", () => {
        assert.equal(s3aKeyNames("3.4.1").has("fs.s3a.committer.tmp.path"), false);
        assert.equal(s3aKeyNames("3.4.1").has("fs.s3a.committer.staging.tmp.path"), true);
    });
});
