/**
 * The pack's release facts (policy/s3a/spark-releases.json) are consistent row by row, the
 * program's version matrix is a subset that agrees with them, and the tools that gather the facts
 * parse what Maven Central serves (tested on small hand-written POM and Java fragments; the tools
 * themselves need the network and are run by hand, see policy/README.md).
 */
import { strict as assert } from "assert";
import { HADOOP_KEY_SETS, isS3AOption, keySetForHadoop, s3aKeyNames } from "../../policy/s3a/facts";
import {
    RELEASE_FACTS,
    compareVersions,
    findRelease,
    hadoopCloudFor,
    hadoopCloudVersions,
    lineOf,
    versionStanding,
} from "../../policy/s3a/releases";
import { DEFAULT_SPARK_VERSION, SPARK_MATRIX, committerJars, findSparkRuntime } from "../../policy/s3a/versions";
import { coveredReleases, buildFacts, sdkBundle } from "../../policy/tools/spark-releases";
import { parseMetadataVersions, parsePomDependencies, parsePomProperties, resolveProperty } from "../../policy/tools/maven";
import { documentedNonOptions, isOption, resolveStringConstants, stripJavaComments } from "../../policy/tools/s3a-keys";

const MAVEN = "https://repo1.maven.org/maven2/";

describe("release facts (policy/s3a/spark-releases.json)", () => {
    const { releases, hadoop, sparkHadoopCloud } = RELEASE_FACTS;

    it("say when they were gathered and which lines they cover (3.1 to 4.1 and newer)", () => {
        assert.match(RELEASE_FACTS.gathered, /^\d{4}-\d{2}-\d{2}$/);
        assert.equal(RELEASE_FACTS.minLine, "3.1");
        const lines = new Set(releases.map((r) => r.line));
        for (const line of ["3.1", "3.2", "3.3", "3.4", "3.5", "4.0", "4.1"]) assert.ok(lines.has(line), `no ${line} release`);
        for (const line of lines) assert.ok(compareVersions(line, RELEASE_FACTS.minLine) >= 0, line);
    });

    it("list each release once, newest first, with no previews", () => {
        const versions = releases.map((r) => r.spark);
        assert.equal(new Set(versions).size, versions.length);
        assert.deepEqual(
            versions,
            [...versions].sort((a, b) => compareVersions(b, a)),
        );
        for (const v of versions) assert.match(v, /^\d+\.\d+\.\d+$/);
        assert.ok(versions.length >= 15, String(versions.length));
    });

    for (const r of RELEASE_FACTS.releases) {
        it(`Spark ${r.spark}: line, Scala builds, Hadoop and sources agree`, () => {
            assert.equal(r.line, lineOf(r.spark));
            const scalas = Object.keys(r.scala);
            assert.ok(scalas.length >= 1);
            for (const [binary, full] of Object.entries(r.scala)) {
                assert.match(binary, /^2\.1[23]$/);
                assert.ok(full.startsWith(binary + "."), `${binary} -> ${full}`);
            }
            assert.ok(scalas.includes(r.defaultScala));
            if (compareVersions(r.line, "4.0") >= 0) assert.deepEqual(scalas, ["2.13"], "Spark 4 is built for Scala 2.13 only");
            else assert.equal(r.defaultScala, "2.12");
            assert.ok(r.hadoop in hadoop, `no facts for Hadoop ${r.hadoop}`);
            assert.deepEqual(
                [...r.source].sort(),
                scalas.map((s) => `${MAVEN}org/apache/spark/spark-parent_${s}/${r.spark}/spark-parent_${s}-${r.spark}.pom`).sort(),
            );
            assert.match(r.java, /^(1\.8|17|21)$/);
        });
    }

    it("a line is built with one Hadoop version throughout (so a same-line spark-hadoop-cloud shares it)", () => {
        for (const line of new Set(releases.map((r) => r.line))) {
            assert.equal(new Set(releases.filter((r) => r.line === line).map((r) => r.hadoop)).size, 1, line);
        }
    });

    for (const [h, f] of Object.entries(RELEASE_FACTS.hadoop)) {
        it(`Hadoop ${h}: hadoop-aws of the same version, the SDK bundle of its generation`, () => {
            assert.equal(f.hadoopAws, `org.apache.hadoop:hadoop-aws:${h}`);
            if (compareVersions(h, "3.4") >= 0) {
                assert.equal(f.awsSdk, "v2");
                assert.match(f.awsSdkBundle, /^software\.amazon\.awssdk:bundle:2\.\d+\.\d+$/);
            } else {
                assert.equal(f.awsSdk, "v1");
                assert.match(f.awsSdkBundle, /^com\.amazonaws:aws-java-sdk-bundle:1\.\d+\.\d+$/);
            }
            assert.deepEqual(f.source, [
                `${MAVEN}org/apache/hadoop/hadoop-aws/${h}/hadoop-aws-${h}.pom`,
                `${MAVEN}org/apache/hadoop/hadoop-project/${h}/hadoop-project-${h}.pom`,
            ]);
            assert.ok(
                releases.some((r) => r.hadoop === h),
                `no release uses Hadoop ${h}`,
            );
        });
    }

    it("spark-hadoop-cloud versions are releases of that Scala build, sorted, with their source", () => {
        for (const [scala, versions] of Object.entries(sparkHadoopCloud.versions)) {
            assert.deepEqual([...versions], [...versions].sort(compareVersions));
            for (const v of versions) assert.ok(findRelease(v)?.scala[scala], `${v} is not a Spark ${scala} release`);
        }
        assert.ok(sparkHadoopCloud.source.includes(`${MAVEN}org/apache/spark/spark-hadoop-cloud_2.13/maven-metadata.xml`));
        // The gap the program's matrix works around: no spark-hadoop-cloud_2.13 4.0.3 / 4.0.4.
        assert.ok(!hadoopCloudVersions("2.13").includes("4.0.4"));
        assert.ok(hadoopCloudVersions("2.13").includes("4.0.2"));
    });

    it("every covered Hadoop version has its own fs.s3a key list in the pack", () => {
        for (const h of Object.keys(RELEASE_FACTS.hadoop)) assert.deepEqual(keySetForHadoop(h), { keySet: h, exact: true });
        for (const k of HADOOP_KEY_SETS) assert.ok(s3aKeyNames(k).size > 80, k);
    });

    it("the third-party settings exist where the issue says: conditional create from 3.4.2, checksum generation from 3.5.0", () => {
        const where = (key: string) => HADOOP_KEY_SETS.filter((k) => isS3AOption(key, k));
        assert.deepEqual(where("fs.s3a.create.conditional.enabled"), ["3.4.2", "3.5.0"]);
        assert.deepEqual(where("fs.s3a.checksum.generation"), ["3.5.0"]);
        assert.deepEqual(where("fs.s3a.create.checksum.algorithm"), ["3.4.2", "3.5.0"]);
        assert.ok(isS3AOption("fs.s3a.analytics.accelerator.logical.io.prefetching.mode", "3.4.2"));
        assert.ok(!isS3AOption("fs.s3a.analytics.accelerator.logical.io.prefetching.mode", "3.4.1"));
    });

    it("tell a release from a newer, an older and a never-released version", () => {
        assert.equal(versionStanding("4.0.4").kind, "release");
        assert.equal(versionStanding("9.0.0").kind, "newer");
        assert.equal(versionStanding("4.0.99").kind, "newer");
        assert.equal(versionStanding("3.0.3").kind, "older");
        assert.equal(versionStanding("3.4.4").kind, "release");
        assert.equal(versionStanding("4.0").kind, "unreleased");
        assert.equal(versionStanding("4.0.0-preview2").kind, "unreleased");
    });

    it("choose spark-hadoop-cloud: the release's own, else the newest of its line with the same Hadoop", () => {
        const pick = (v: string, scala = "2.13") => hadoopCloudFor(findRelease(v)!, scala);
        assert.equal(pick("4.0.4"), "4.0.2");
        assert.equal(pick("4.1.2"), "4.1.2");
        assert.equal(pick("4.1.0"), "4.1.2");
        assert.equal(pick("3.5.7", "2.12"), "3.5.7");
        assert.equal(pick("3.5.3", "2.12"), "3.5.8");
        assert.equal(pick("3.5.7", "2.13"), undefined, "no spark-hadoop-cloud_2.13 3.5.x on Maven Central");
        assert.equal(pick("4.2.0"), undefined, "no 4.2.x spark-hadoop-cloud on Maven Central");
    });
});

describe("the program's version matrix is a subset of the release facts", () => {
    it("its default is its first row", () => assert.equal(DEFAULT_SPARK_VERSION, SPARK_MATRIX[0].spark));

    for (const row of SPARK_MATRIX) {
        it(`Spark ${row.spark} agrees with the facts`, () => {
            const r = findRelease(row.spark);
            assert.ok(r, `${row.spark} is not a release`);
            assert.ok(row.scala in r!.scala);
            assert.equal(row.hadoop, r!.hadoop);
            assert.equal(row.awsSdk, r!.hadoopFacts.awsSdk);
            assert.equal(row.awsSdkBundle, r!.hadoopFacts.awsSdkBundle);
            assert.equal(row.hadoopCloud, hadoopCloudFor(r!, row.scala));
            assert.ok(hadoopCloudVersions(row.scala).includes(row.hadoopCloud));
            assert.equal(findRelease(row.hadoopCloud)!.hadoop, row.hadoop);
            assert.ok(row.image.includes(`${row.spark}-scala${row.scala}-`));
            // keySet: the exact Hadoop list, or the nearest one shared/facts holds (the contract test reads those)
            assert.ok(row.keySet === row.hadoop || ["3.4.1", "3.3.6"].includes(row.keySet), row.keySet);
            assert.equal(findSparkRuntime(row.spark), row);
            assert.deepEqual(committerJars(row).packages, [r!.hadoopFacts.hadoopAws]);
        });
    }

    it("the rows are a small subset (the versions the program deploys)", () => {
        assert.ok(SPARK_MATRIX.length < RELEASE_FACTS.releases.length);
        assert.equal(new Set(SPARK_MATRIX.map((r) => r.spark)).size, SPARK_MATRIX.length);
    });
});

describe("the fact-gathering tools parse Maven Central's formats", () => {
    const parentPom = (scalaMain: string, binaryMain: string) => `<?xml version="1.0"?>
<project>
  <!-- <properties><hadoop.version>0.0.0</hadoop.version></properties> -->
  <artifactId>spark-parent_2.13</artifactId>
  <properties>
    <java.version>17</java.version>
    <hadoop.version>3.4.1</hadoop.version>
    <scala.version>${scalaMain}</scala.version>
    <scala.binary.version>${binaryMain}</scala.binary.version>
  </properties>
  <build><plugins><plugin><configuration><properties><hadoop.version>9.9.9</hadoop.version></properties></configuration></plugin></plugins></build>
  <profiles>
    <profile><id>scala-2.13</id><properties><scala.version>2.13.8</scala.version><scala.binary.version>2.13</scala.binary.version></properties></profile>
    <profile><id>hadoop-2</id><properties><hadoop.version>2.7.4</hadoop.version></properties></profile>
  </profiles>
</project>`;

    it("POM properties: the project's own, not a profile's, a plugin's or a comment's", () => {
        const { properties, profiles } = parsePomProperties(parentPom("2.13.16", "2.13"));
        assert.equal(properties["hadoop.version"], "3.4.1");
        assert.equal(profiles["hadoop-2"]["hadoop.version"], "2.7.4");
        assert.equal(resolveProperty("${hadoop.version}-x", properties), "3.4.1-x");
    });

    it("the Scala version of a build: its own properties, or the scala-<binary> profile's", () => {
        assert.deepEqual(buildFacts(parentPom("2.13.16", "2.13"), "2.13"), { hadoop: "3.4.1", scalaVersion: "2.13.16", java: "17" });
        assert.equal(buildFacts(parentPom("2.12.18", "2.12"), "2.13").scalaVersion, "2.13.8");
        assert.throws(() => buildFacts("<project><properties/></project>", "2.13"), /lacks hadoop.version/);
    });

    it("the SDK bundle of hadoop-aws, versioned by hadoop-project's dependencyManagement", () => {
        const aws = `<project><dependencies>
  <dependency><groupId>com.amazonaws</groupId><artifactId>aws-java-sdk-core</artifactId><scope>provided</scope></dependency>
  <dependency><groupId>software.amazon.awssdk</groupId><artifactId>bundle</artifactId><scope>compile</scope>
    <exclusions><exclusion><groupId>*</groupId><artifactId>*</artifactId></exclusion></exclusions></dependency>
</dependencies></project>`;
        const project = `<project><properties><aws-java-sdk-v2.version>2.24.6</aws-java-sdk-v2.version></properties>
<dependencyManagement><dependencies>
  <dependency><groupId>software.amazon.awssdk</groupId><artifactId>bundle</artifactId><version>\${aws-java-sdk-v2.version}</version></dependency>
</dependencies></dependencyManagement></project>`;
        assert.deepEqual(sdkBundle(aws, project), { coordinate: "software.amazon.awssdk:bundle:2.24.6", sdk: "v2" });
        assert.equal(parsePomDependencies(project).dependencies.length, 0);
        assert.throws(() => sdkBundle("<project><dependencies/></project>", project), /no compile dependency/);
    });

    it("releases of the covered lines from maven-metadata.xml, previews and older lines left out", () => {
        const meta =
            "<metadata><versioning><versions><version>3.0.3</version><version>3.5.0</version><version>4.0.0-preview2</version><version>4.1.0</version></versions></versioning></metadata>";
        assert.deepEqual(parseMetadataVersions(meta), ["3.0.3", "3.5.0", "4.0.0-preview2", "4.1.0"]);
        assert.deepEqual(coveredReleases([parseMetadataVersions(meta), ["3.5.10", "3.5.0"]]), ["4.1.0", "3.5.10", "3.5.0"]);
    });

    it("fs.s3a names from Java constants: literals, concatenations, toLowerCase, javadoc-marked non-options", () => {
        const java = new Map([
            [
                "org/apache/hadoop/fs/s3a/Constants.java",
                `public final class Constants {
  public static final String FS_S3A_PREFIX = "fs.s3a."; // the prefix
  /* a comment with "fs.s3a.not.a.key" */
  public static final String ENDPOINT = "fs.s3a.endpoint";
  public static final String AWS_SERVICE_IDENTIFIER_S3 = "S3";
  public static final String SIGNING_ALGORITHM_S3 =
      "fs.s3a." + Constants.AWS_SERVICE_IDENTIFIER_S3.toLowerCase()
          + ".signing-algorithm";
  public static final String CREATE_PERFORMANCE = FS_S3A_PREFIX + "create.performance";
  /** Flag. This is *not* a configuration option; it is for use in the createFile() builder. */
  public static final String CREATE_HEADER = "fs.s3a.create.header";
  public static final String COMPUTED = String.format("fs.s3a.%s", "x");
}`,
            ],
        ]);
        const resolved = resolveStringConstants(java);
        assert.equal(resolved.get("Constants.SIGNING_ALGORITHM_S3"), "fs.s3a.s3.signing-algorithm");
        assert.equal(resolved.get("Constants.CREATE_PERFORMANCE"), "fs.s3a.create.performance");
        assert.equal(resolved.has("Constants.COMPUTED"), false);
        assert.ok(![...resolved.values()].includes("fs.s3a.not.a.key"));
        assert.deepEqual([...documentedNonOptions(java)], ["Constants.CREATE_HEADER"]);
        assert.equal(stripJavaComments('a /* "b" */ c // d\n"e // f"'), 'a   c \n"e // f"');
        assert.ok(isOption("fs.s3a.endpoint"));
        for (const notOption of ["fs.s3a.bucket.", "fs.s3a.bucket.%s.%s", "fs.s3a.capability.magic.committer", "fs.s3a.committer.uuid"]) {
            assert.ok(!isOption(notOption), notOption);
        }
    });
});
