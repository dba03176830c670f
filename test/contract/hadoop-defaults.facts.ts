/**
 * The S3A tuning the program sets by default (components/s3a-profile.ts DEFAULT_TUNING) is
 * Hadoop 3.4.1's own default, as core-default.xml in hadoop-common-3.4.1.jar on Maven Central
 * states it. Run by `npm run test:facts`.
 */
import { strict as assert } from "assert";
import { DEFAULT_TUNING } from "../../components/s3a-profile";
import { artifactUrl } from "../../policy/tools/maven";
import { unzipEntries } from "../../policy/tools/zip";
import { mavenCentral } from "../helpers/upstream";

/** name -> value of every <property> of a Hadoop *-default.xml. */
function properties(xml: string): Map<string, string> {
    const out = new Map<string, string>();
    for (const m of xml.matchAll(/<property>([\s\S]*?)<\/property>/g)) {
        const name = /<name>\s*([^<]*?)\s*<\/name>/.exec(m[1])?.[1];
        const value = /<value>\s*([^<]*?)\s*<\/value>/.exec(m[1])?.[1];
        if (name && value !== undefined) out.set(name, value);
    }
    return out;
}

describe("S3A tuning defaults, compared with Hadoop 3.4.1's core-default.xml", () => {
    it("are Hadoop 3.4.1's own values (the benchmark found no gain elsewhere), stated explicitly", async () => {
        const jar = await mavenCentral(artifactUrl("org.apache.hadoop", "hadoop-common", "3.4.1", "jar"));
        const xml = unzipEntries(jar, (n) => n === "core-default.xml").get("core-default.xml");
        assert.ok(xml, "core-default.xml in hadoop-common-3.4.1.jar");
        const defaults = properties(xml.toString("utf8"));
        assert.equal(String(DEFAULT_TUNING.threadsMax), defaults.get("fs.s3a.threads.max"));
        assert.equal(String(DEFAULT_TUNING.connectionMaximum), defaults.get("fs.s3a.connection.maximum"));
        assert.equal(String(DEFAULT_TUNING.committerThreads), defaults.get("fs.s3a.committer.threads"));
        assert.equal(DEFAULT_TUNING.fastUploadBuffer, defaults.get("fs.s3a.fast.upload.buffer"));
        assert.equal(DEFAULT_TUNING.multipartSize, defaults.get("fs.s3a.multipart.size"));
    });

    it("the parser reads a property's value (so the check above can fail)", () => {
        const p = properties("<property>\n <name>fs.s3a.threads.max</name>\n <value>96</value>\n <description>x</description></property>");
        assert.equal(p.get("fs.s3a.threads.max"), "96");
        assert.notEqual(p.get("fs.s3a.threads.max"), String(DEFAULT_TUNING.threadsMax + 1));
    });
});
