/**
 * The S3A profile's request-saving settings per Hadoop line (issue 26), and the table of them in
 * docs/benchmarks.md, which must say the same.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { HADOOP_KEYS, SPARK_HADOOP_PREFIX, isS3AOption, keySetForHadoop } from "../../policy/s3a/facts";
import { SPARK_MATRIX } from "../../policy/s3a/versions";
import { requestSavingConf, s3aSparkConf } from "../../components/s3a-profile";

const h = (key: string) => SPARK_HADOOP_PREFIX + key;

describe("S3A profile: request-saving settings per Hadoop line", () => {
    it("Spark 4.0 (Hadoop 3.4.1): magic's bookkeeping in memory, mkdir performance, markers kept by default", () => {
        const c = requestSavingConf(SPARK_MATRIX.find((r) => r.spark.startsWith("4.0"))!);
        assert.deepEqual(c, {
            [h(HADOOP_KEYS.magicTrackCommitsInMemory)]: "true",
            [h(HADOOP_KEYS.performanceFlags)]: "mkdir",
        });
    });

    it("Spark 3.5 (Hadoop 3.3.4): only directory markers kept (3.3 has neither in-memory tracking nor performance flags)", () => {
        const c = requestSavingConf(SPARK_MATRIX.find((r) => r.spark.startsWith("3.5"))!);
        assert.deepEqual(c, { [h(HADOOP_KEYS.directoryMarkerRetention)]: "keep" });
    });

    for (const row of SPARK_MATRIX) {
        it(`every key it sets for Spark ${row.spark} is an option of Hadoop ${row.hadoop} itself`, () => {
            const { keySet, exact } = keySetForHadoop(row.hadoop);
            assert.ok(exact, `the pack holds Hadoop ${row.hadoop}'s key list`);
            for (const k of Object.keys(requestSavingConf(row))) assert.ok(isS3AOption(k.slice(SPARK_HADOOP_PREFIX.length), keySet), k);
        });

        it(`the profile carries them for every committer on Spark ${row.spark}, set job-wide (never per bucket)`, () => {
            for (const committer of ["directory", "partitioned", "magic"] as const) {
                const c = s3aSparkConf({
                    endpoint: { region: "us-east-1", pathStyle: true, tls: true, url: "https://s3.example" },
                    committer,
                    conflictMode: "append",
                    runtime: row,
                    stagingMountPath: "/staging",
                    bufferDir: "/s3a-buffer",
                });
                for (const [k, v] of Object.entries(requestSavingConf(row))) assert.equal(c[k], v, `${committer}: ${k}`);
                assert.deepEqual(
                    Object.keys(c).filter((k) => k.startsWith("spark.hadoop.fs.s3a.bucket.")),
                    [],
                );
            }
        });
    }

    it("docs/benchmarks.md lists the same settings per Hadoop line", () => {
        const doc = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "benchmarks.md"), "utf8");
        const table = doc.split("<!-- request-savings:begin -->")[1]?.split("<!-- request-savings:end -->")[0];
        assert.ok(table, "docs/benchmarks.md has the request-savings table between its markers");
        const documented = new Map<string, string>();
        for (const line of table.split("\n").filter((l) => l.startsWith("| `"))) {
            const [setting, lines] = line
                .split("|")
                .slice(1, 3)
                .map((s) => s.trim());
            documented.set(setting.replace(/`/g, ""), lines);
        }
        const expected = new Map<string, string[]>();
        for (const row of SPARK_MATRIX) {
            for (const [k, v] of Object.entries(requestSavingConf(row))) {
                const setting = `${k.slice(SPARK_HADOOP_PREFIX.length)}=${v}`;
                expected.set(setting, [...(expected.get(setting) ?? []), `Spark ${row.spark} (Hadoop ${row.hadoop})`]);
            }
        }
        assert.deepEqual([...documented.keys()].sort(), [...expected.keys()].sort());
        for (const [setting, rows] of expected) assert.equal(documented.get(setting), rows.join(", "), setting);
    });
});
