/**
 * Regenerate s3a/spark-releases.json, the pack's facts about every Apache Spark release, from
 * Maven Central. Run it when a Spark or Hadoop release appears:
 *
 *   npx ts-node -T -P policy/tsconfig.json policy/tools/spark-releases.ts           # rewrite the file
 *   npx ts-node -T -P policy/tools/spark-releases.ts --check                         # compare only (exit 1 on a difference)
 *   npm run format                                                                   # then format it
 *
 * What it reads, for every release (no previews) of the lines from MIN_LINE on:
 * - org.apache.spark:spark-core_<scala>/maven-metadata.xml: the releases;
 * - org.apache.spark:spark-parent_<scala>:<spark> POM, probed for each Scala build: `hadoop.version`,
 *   `scala.version`, `java.version` of the build (the POM's own properties, not a profile's);
 * - org.apache.hadoop:hadoop-aws:<hadoop> POM: the AWS SDK bundle it depends on (compile scope), and
 *   org.apache.hadoop:hadoop-project:<hadoop> POM: that bundle's managed version;
 * - org.apache.spark:spark-hadoop-cloud_<scala>: which release versions exist, each probed with
 *   HTTP HEAD on its POM (maven-metadata.xml alone can be incomplete).
 */
import * as fs from "fs";
import * as path from "path";
import {
    artifactUrl,
    exists,
    getText,
    mapLimited,
    metadataUrl,
    parseMetadataVersions,
    parsePomDependencies,
    parsePomProperties,
    resolveProperty,
} from "./maven";
import type { HadoopFacts, ReleaseFacts, SparkReleaseFile } from "../s3a/releases";

/** The oldest Spark line the pack covers. */
export const MIN_LINE = "3.1";
export const SCALAS = ["2.12", "2.13"] as const;
const SPARK = "org.apache.spark";
const HADOOP = "org.apache.hadoop";
export const DATA_FILE = path.join(__dirname, "..", "s3a", "spark-releases.json");

const cmp = (a: string, b: string) => {
    const pa = a.split(".").map(Number);
    const pb = b.split(".").map(Number);
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
    return 0;
};
const lineOf = (v: string) => v.split(".").slice(0, 2).join(".");
const isRelease = (v: string) => /^\d+\.\d+\.\d+$/.test(v);

/** Release versions of the covered lines, newest first, from the spark-core metadata of every Scala. */
export function coveredReleases(versionLists: string[][]): string[] {
    const all = new Set(versionLists.flat().filter((v) => isRelease(v) && cmp(lineOf(v), MIN_LINE) >= 0));
    return [...all].sort((a, b) => cmp(b, a));
}

/** The facts of one Scala build, from its spark-parent POM. */
export function buildFacts(pom: string, scala: string): { hadoop: string; scalaVersion: string; java: string } {
    const { properties, profiles } = parsePomProperties(pom);
    let scalaVersion = properties["scala.version"];
    if (properties["scala.binary.version"] !== scala || !scalaVersion?.startsWith(scala + ".")) {
        scalaVersion = profiles[`scala-${scala}`]?.["scala.version"];
    }
    const hadoop = properties["hadoop.version"];
    const java = properties["java.version"];
    if (!hadoop || !scalaVersion || !java) throw new Error(`spark-parent_${scala} POM lacks hadoop.version, scala.version or java.version`);
    return { hadoop, scalaVersion, java };
}

/** The AWS SDK bundle hadoop-aws depends on, with its version from hadoop-project's dependencyManagement. */
export function sdkBundle(hadoopAwsPom: string, hadoopProjectPom: string): { coordinate: string; sdk: "v1" | "v2" } {
    const bundle = parsePomDependencies(hadoopAwsPom).dependencies.find(
        (d) =>
            (d.scope ?? "compile") === "compile" &&
            ((d.groupId === "com.amazonaws" && d.artifactId === "aws-java-sdk-bundle") ||
                (d.groupId === "software.amazon.awssdk" && d.artifactId === "bundle")),
    );
    if (!bundle) throw new Error("hadoop-aws POM has no compile dependency on an AWS SDK bundle");
    const { properties } = parsePomProperties(hadoopProjectPom);
    const managed = parsePomDependencies(hadoopProjectPom).managed.find(
        (d) => d.groupId === bundle.groupId && d.artifactId === bundle.artifactId,
    );
    const version = resolveProperty(bundle.version ?? managed?.version ?? "", properties);
    if (!version || version.includes("${")) throw new Error(`no version for ${bundle.groupId}:${bundle.artifactId}`);
    return { coordinate: `${bundle.groupId}:${bundle.artifactId}:${version}`, sdk: bundle.groupId === "com.amazonaws" ? "v1" : "v2" };
}

async function gather(today: string): Promise<SparkReleaseFile> {
    const lists = await Promise.all(SCALAS.map(async (s) => parseMetadataVersions(await getText(metadataUrl(SPARK, `spark-core_${s}`)))));
    const versions = coveredReleases(lists);
    const releases: ReleaseFacts[] = await mapLimited(versions, 6, async (spark) => {
        const builds: Record<string, { scalaVersion: string; hadoop: string; java: string }> = {};
        const sources: string[] = [];
        for (const scala of SCALAS) {
            const url = artifactUrl(SPARK, `spark-parent_${scala}`, spark);
            if (!(await exists(url))) continue;
            builds[scala] = buildFacts(await getText(url), scala);
            sources.push(url);
        }
        const scalas = Object.keys(builds).sort();
        if (scalas.length === 0) throw new Error(`Spark ${spark}: no spark-parent POM for any Scala`);
        const hadoops = new Set(scalas.map((s) => builds[s].hadoop));
        const javas = new Set(scalas.map((s) => builds[s].java));
        if (hadoops.size !== 1 || javas.size !== 1) throw new Error(`Spark ${spark}: Scala builds disagree on Hadoop or Java`);
        return {
            spark,
            line: lineOf(spark),
            scala: Object.fromEntries(scalas.map((s) => [s, builds[s].scalaVersion])),
            defaultScala: scalas[0],
            hadoop: [...hadoops][0],
            java: [...javas][0],
            source: sources,
        };
    });
    const hadoopVersions = [...new Set(releases.map((r) => r.hadoop))].sort(cmp);
    const hadoop: Record<string, HadoopFacts> = {};
    for (const h of hadoopVersions) {
        const awsUrl = artifactUrl(HADOOP, "hadoop-aws", h);
        const projectUrl = artifactUrl(HADOOP, "hadoop-project", h);
        const bundle = sdkBundle(await getText(awsUrl), await getText(projectUrl));
        hadoop[h] = {
            hadoopAws: `${HADOOP}:hadoop-aws:${h}`,
            awsSdk: bundle.sdk,
            awsSdkBundle: bundle.coordinate,
            source: [awsUrl, projectUrl],
        };
    }
    const sparkHadoopCloud: Record<string, string[]> = {};
    const cloudSources: string[] = [];
    for (const scala of SCALAS) {
        const artifact = `spark-hadoop-cloud_${scala}`;
        cloudSources.push(metadataUrl(SPARK, artifact));
        const candidates = releases.filter((r) => scala in r.scala).map((r) => r.spark);
        const found = await mapLimited(candidates, 8, (v) => exists(artifactUrl(SPARK, artifact, v)));
        sparkHadoopCloud[scala] = candidates.filter((_, i) => found[i]).sort(cmp);
    }
    return {
        _about: "Facts about every Apache Spark release of the covered lines, gathered from Maven Central by policy/tools/spark-releases.ts (do not edit by hand: run the tool). Each release: the Scala builds published (binary -> full Scala version), the Hadoop version it is built with, the minimum Java; hadoop: what hadoop-aws of that Hadoop version needs; sparkHadoopCloud: the spark-hadoop-cloud versions that exist on Maven Central, per Scala.",
        gathered: today,
        minLine: MIN_LINE,
        releases,
        hadoop,
        sparkHadoopCloud: { versions: sparkHadoopCloud, source: [...cloudSources, "each version probed with HTTP HEAD on its POM"] },
    };
}

async function main(argv: string[]): Promise<number> {
    const check = argv.includes("--check");
    const today = new Date().toISOString().slice(0, 10);
    const fresh = await gather(today);
    const current = fs.existsSync(DATA_FILE) ? (JSON.parse(fs.readFileSync(DATA_FILE, "utf8")) as SparkReleaseFile) : undefined;
    const comparable = (f?: SparkReleaseFile) => JSON.stringify(f ? { ...f, gathered: "", _about: "" } : undefined);
    const same = comparable(fresh) === comparable(current);
    if (check) {
        console.log(
            same
                ? `${DATA_FILE} is up to date (facts of ${current?.gathered}).`
                : `${DATA_FILE} differs from Maven Central: run without --check.`,
        );
        return same ? 0 : 1;
    }
    if (same) {
        console.log(`No change: ${fresh.releases.length} releases, as gathered on ${current?.gathered}.`);
        return 0;
    }
    fs.writeFileSync(DATA_FILE, JSON.stringify(fresh, null, 4) + "\n");
    console.log(
        `Wrote ${DATA_FILE}: ${fresh.releases.length} releases (${fresh.releases.map((r) => r.spark).join(", ")}). Run npm run format.`,
    );
    return 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (e) => {
            console.error(String(e instanceof Error ? e.message : e));
            process.exit(2);
        },
    );
}
