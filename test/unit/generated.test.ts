/** What tools/gen-config.ts generates (the configuration reference, the components' args) is what is committed. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parseStackConfig } from "../../components/config";
import { DOGLOVER } from "../../jobs/doglover/config";
import { generatedFiles } from "../../tools/gen-config";
import { ROOT } from "../helpers/paths";
import { stackConfig } from "../helpers/stack";

describe("generated from Pulumi.yaml and the key specs", () => {
    let files: Record<string, string>;
    before(async () => {
        files = await generatedFiles();
    });

    for (const file of ["docs/configuration.md", "components/platform/args.ts", "components/job/args.ts"]) {
        it(`${file} is up to date (npm run gen:config)`, () => {
            assert.equal(fs.readFileSync(path.join(ROOT, file), "utf8"), files[file], `${file} differs: run npm run gen:config`);
        });
    }

    it("the reference lists every key with its type and Pulumi.yaml's default, and every field of a job", () => {
        const page = files["docs/configuration.md"];
        assert.match(page, /^\| `committer` \| string \| `directory` \| S3A committer of every job that picks none/m);
        assert.match(page, /^\| `executorInstances` \| integer \| `2` \|/m);
        assert.match(page, /^\| `flashbladeApiToken` \| string \(secret, no default\) \| — \|/m);
        assert.match(page, /^\| `schedule` \| string \| `""` \| A cron expression/m);
        assert.match(page, /^\| `executorInstances` \| integer \| \(job default\) \|/m);
    });

    it("SparkPlatform's args have one input per key, by the same name", () => {
        assert.match(files["components/platform/args.ts"], /readonly committer\?: string;/);
        assert.match(files["components/platform/args.ts"], /readonly flashbladeApiToken\?: pulumi\.Input<string>;/);
        assert.doesNotMatch(
            files["components/platform/args.ts"],
            /readonly (jobs|doglover|sampleRecords)\?/,
            "program features are not platform inputs",
        );
    });

    it("the reference's example of a failed preview is what the program says", () => {
        const block = /```\n(invalid stack configuration[\s\S]*?)\n```/.exec(files["docs/configuration.md"])![1];
        const config = stackConfig("local", {
            "spark-s3:comitter": "magic",
            "spark-s3:executorInstances": 0,
            "spark-s3:jobs": { nightly: { mainFile: "local:///opt/app/nightly.py", schedule: "0 0 2 * * *" } },
        });
        assert.throws(
            () => parseStackConfig(config, "local", { doglover: DOGLOVER }),
            (e: Error) => e.message === block,
        );
    });
});
