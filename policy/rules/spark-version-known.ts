import { isUnknown } from "../s3a/conf";
import { FACTS_GATHERED, RELEASE_FACTS, findRelease, lineOf, newestRelease, releasesOfLine } from "../s3a/releases";
import { finding, jobRule, type Finding } from "./rule";
import { sparkApp } from "./examples";

/** The jar checks need the release facts of the job's Spark version; this says when they could not run. */
export const sparkVersionKnown = jobRule({
    kind: "job",
    name: "spark-version-known",
    level: "advisory",
    jobs: "s3a",
    description: "The job's Spark version is a release in the pack's facts (else the jar checks could not run).",
    firesOn: `\`spec.sparkVersion\` unset, newer than the release facts, older than ${RELEASE_FACTS.minLine}, or not a release; a stock image tag of another Spark with the same Hadoop`,
    why: "Which hadoop-aws, SDK bundle and spark-hadoop-cloud a job needs follows from its Spark release; without a known release those checks cannot run, and a typo in spec.sparkVersion goes unnoticed.",
    options: [],
    reads: { spec: [/^spec\.sparkVersion$/, /^spec\.(image|driver\.image|executor\.image)$/] },
    examples: [
        { title: "a Spark version newer than the facts", resources: [sparkApp({ sparkVersion: "4.3.0" })], fires: true },
        { title: "a released version", resources: [sparkApp()], fires: false },
    ],
    check: ({ view }) => {
        const version = view.sparkVersion;
        if (isUnknown(version)) return [];
        const facts = `the pack's release facts, gathered ${FACTS_GATHERED} from Maven Central`;
        if (version === undefined || version.trim() === "") {
            return [
                finding(
                    `spec.sparkVersion is not set: the pack cannot tell which Hadoop, hadoop-aws and spark-hadoop-cloud the job needs, so the jar checks were skipped and fs.s3a keys were checked against every Hadoop release it knows. Set it to the image's Spark version.`,
                    "spec.sparkVersion",
                ),
            ];
        }
        const out: Finding[] = [];
        const s = view.standing;
        if (s?.kind === "newer") {
            out.push(
                finding(
                    `Spark ${version} is newer than ${facts} (newest known: ${newestRelease().spark}): its Hadoop version and jars could not be checked, and fs.s3a keys were checked against Hadoop ${view.keySet}. Update the pack (policy/tools/spark-releases.ts) when Spark ${version} is on Maven Central.`,
                    "spec.sparkVersion",
                ),
            );
        } else if (s?.kind === "older") {
            out.push(
                finding(
                    `Spark ${version} is older than the lines ${facts} cover (${RELEASE_FACTS.minLine} and later): its Hadoop version and jars could not be checked.`,
                    "spec.sparkVersion",
                ),
            );
        } else if (s?.kind === "unreleased") {
            const line = releasesOfLine(lineOf(version)).map((r) => r.spark);
            out.push(
                finding(
                    `Spark ${version} is not a release in ${facts}${line.length ? ` (the ${lineOf(version)} line has ${[...line].reverse().join(", ")})` : ""}: check spec.sparkVersion; its jars could not be checked.`,
                    "spec.sparkVersion",
                ),
            );
        }
        const rel = view.release;
        if (rel && view.imageSparkVersion && view.imageSparkVersion !== rel.spark) {
            const img = findRelease(view.imageSparkVersion);
            if (!img || img.hadoop === rel.hadoop) {
                out.push(
                    finding(
                        `spec.sparkVersion is ${rel.spark} but the image ${view.images.join(", ")} runs Spark ${view.imageSparkVersion}: the pack checked the jars for ${rel.spark}. Make them agree.`,
                        "spec.sparkVersion",
                    ),
                );
            }
        }
        return out;
    },
});
