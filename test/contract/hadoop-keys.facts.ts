/**
 * The pack's fs.s3a.* option lists (policy/s3a/hadoop-s3a-keys.json) are Hadoop's own: each equals
 * what policy/tools/s3a-keys.ts derives from that release's hadoop-aws sources jar and
 * hadoop-common jar (core-default.xml) on Maven Central. Run by `npm run test:facts` (the jars,
 * about 40 MB, are cached under .cache/maven and verified by their .sha1).
 */
import { strict as assert } from "assert";
import { HADOOP_KEY_SETS, s3aKeyNames, s3aKeyPrefixes } from "../../policy/s3a/facts";
import { deriveKeys } from "../../policy/tools/s3a-keys";
import { mavenCentral } from "../helpers/upstream";

describe("Hadoop fs.s3a option lists, derived from the releases on Maven Central", () => {
    for (const v of HADOOP_KEY_SETS) {
        it(`Hadoop ${v}: the pack's list equals the options in hadoop-aws-${v}-sources.jar and core-default.xml`, async () => {
            const derived = await deriveKeys(v, mavenCentral);
            const stored = [...s3aKeyNames(v)].sort();
            const missing = derived.options.filter((k) => !s3aKeyNames(v).has(k));
            const extra = stored.filter((k) => !derived.options.includes(k));
            assert.deepEqual({ missing, extra }, { missing: [], extra: [] }, "derived but not stored / stored but not derived");
            assert.deepEqual(stored, derived.options);
            assert.deepEqual([...s3aKeyPrefixes(v)], derived.prefixes);
            assert.ok(stored.length > 50, `${stored.length} options`); // 85 in Hadoop 3.2.0, over 200 from 3.4
        });
    }
});
