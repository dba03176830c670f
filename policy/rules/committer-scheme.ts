import { CLASSES, SPARK_HADOOP_PREFIX } from "../s3a/facts";
import { isKnown } from "../s3a/conf";
import { jobLocations } from "../s3a/locations";
import { finding, jobRule, type Finding } from "./rule";
import { goodConf, sparkApp } from "./examples";

const FACTORY_KEY = (scheme: string) => `mapreduce.outputcommitter.factory.scheme.${scheme}`;

/**
 * Hadoop picks the committer factory by the output's scheme: PathOutputCommitterFactory reads
 * mapreduce.outputcommitter.factory.scheme.<scheme>, else mapreduce.outputcommitter.factory.class,
 * whose default is FileOutputCommitterFactory (hadoop-mapreduce-client-core,
 * PathOutputCommitterFactory.getCommitterFactory; mapred-default.xml binds only s3a to
 * S3ACommitterFactory). A job that writes s3:// (or s3n://) paths through S3AFileSystem
 * (fs.s3.impl) gets the classic rename committer for them, whatever fs.s3a.committer.name says.
 */
export const committerScheme = jobRule({
    kind: "job",
    name: "s3a-committer-scheme",
    level: "mandatory",
    jobs: "all",
    description:
        "A job that writes s3:// or s3n:// outputs through S3AFileSystem binds the S3A committer factory to that scheme (Hadoop binds only s3a:// by default).",
    firesOn:
        "an output on `s3://` or `s3n://` (as the job shows it: `--output` and the like, `OUTPUT_PATH`, a path named so) while `fs.s3.impl` / `fs.s3n.impl` is S3AFileSystem and `mapreduce.outputcommitter.factory.scheme.s3` (`.s3n`) is not the S3A committer factory",
    why: "The committer factory is chosen by the output's scheme, and only s3a:// is bound to the S3A committers: an s3:// output through S3A is committed by the classic rename committer, silently, with every S3A committer setting of the job in force for nothing.",
    options: [],
    reads: { conf: [/^spark\.hadoop\.fs\.s3n?\.impl$/, /^spark\.hadoop\.mapreduce\.outputcommitter\.factory\./], writes: true },
    examples: [
        {
            title: "s3:// output through S3AFileSystem, committer factory bound to s3a only",
            resources: [
                sparkApp({
                    arguments: ["--output", "s3://lake/daily"],
                    sparkConf: goodConf({ "spark.hadoop.fs.s3.impl": "org.apache.hadoop.fs.s3a.S3AFileSystem" }),
                }),
            ],
            fires: true,
        },
        {
            title: "the same with the factory bound to s3",
            resources: [
                sparkApp({
                    arguments: ["--output", "s3://lake/daily"],
                    sparkConf: goodConf({
                        "spark.hadoop.fs.s3.impl": "org.apache.hadoop.fs.s3a.S3AFileSystem",
                        "spark.hadoop.mapreduce.outputcommitter.factory.scheme.s3": "org.apache.hadoop.fs.s3a.commit.S3ACommitterFactory",
                    }),
                }),
            ],
            fires: false,
        },
    ],
    check: ({ view }) => {
        const out: Finding[] = [];
        for (const scheme of ["s3", "s3n"]) {
            if (view.hadoop[`fs.${scheme}.impl`]?.trim() !== CLASSES.s3aFileSystem) continue;
            const factory = view.hadoop[FACTORY_KEY(scheme)];
            if (!isKnown(factory) && factory !== undefined) continue; // unknown during preview
            if (factory?.trim() === CLASSES.s3aCommitterFactory) continue;
            const outputs = jobLocations(view.app, view.conf).locations.filter(
                (l) => l.role === "output" && l.uri.startsWith(`${scheme}://`),
            );
            if (outputs.length === 0) continue;
            out.push(
                finding(
                    `${outputs.map((l) => `${l.uri} (${l.where})`).join(", ")} ${outputs.length === 1 ? "is" : "are"} written through S3AFileSystem (spark.hadoop.fs.${scheme}.impl), but Hadoop chooses the committer by scheme and ${SPARK_HADOOP_PREFIX}${FACTORY_KEY(scheme)} is ${factory ?? "not set"}: these outputs get the classic rename committer, whatever fs.s3a.committer.name says. Set ${SPARK_HADOOP_PREFIX}${FACTORY_KEY(scheme)}=${CLASSES.s3aCommitterFactory}, or write to s3a:// paths.`,
                    SPARK_HADOOP_PREFIX + FACTORY_KEY(scheme),
                ),
            );
        }
        return out;
    },
});
