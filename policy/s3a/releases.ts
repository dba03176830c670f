/**
 * Facts about every Apache Spark release the pack covers (spark-releases.json, regenerated from
 * Maven Central by policy/tools/spark-releases.ts; each row names the POMs it came from): the
 * Hadoop version each release is built with, its Scala builds, the hadoop-aws and AWS SDK bundle
 * that go with that Hadoop, and which spark-hadoop-cloud versions exist on Maven Central.
 * The program's own version matrix (versions.ts) is a small subset of these facts.
 */
import * as file from "./spark-releases.json";

/** One Spark release as Maven Central describes it. */
export interface ReleaseFacts {
    /** e.g. "4.0.4" */
    readonly spark: string;
    /** major.minor, e.g. "4.0" */
    readonly line: string;
    /** The Scala builds published: binary version -> full Scala version, e.g. { "2.13": "2.13.16" }. */
    readonly scala: Readonly<Record<string, string>>;
    /** The Scala of Spark's default build (binary distribution, stock images without a scala tag). */
    readonly defaultScala: string;
    /** `hadoop.version` of the release's spark-parent POM: the Hadoop it is built and shipped with. */
    readonly hadoop: string;
    /** `java.version` of the POM: the minimum Java. */
    readonly java: string;
    /** The POMs these facts come from. */
    readonly source: readonly string[];
}

/** What goes with a Hadoop version. */
export interface HadoopFacts {
    /** The hadoop-aws coordinate of that exact Hadoop version. */
    readonly hadoopAws: string;
    /** AWS SDK major version hadoop-aws is written against. */
    readonly awsSdk: "v1" | "v2";
    /** The SDK bundle hadoop-aws depends on (compile scope; arrives transitively with it). */
    readonly awsSdkBundle: string;
    readonly source: readonly string[];
}

export interface SparkReleaseFile {
    readonly _about: string;
    /** ISO date the facts were gathered. */
    readonly gathered: string;
    /** The oldest line covered. */
    readonly minLine: string;
    /** Newest first. */
    readonly releases: readonly ReleaseFacts[];
    readonly hadoop: Readonly<Record<string, HadoopFacts>>;
    readonly sparkHadoopCloud: { readonly versions: Readonly<Record<string, readonly string[]>>; readonly source: readonly string[] };
}

export const RELEASE_FACTS = file as unknown as SparkReleaseFile;
/** The date the release facts were gathered (named in advisories about versions the pack does not know). */
export const FACTS_GATHERED = RELEASE_FACTS.gathered;

/** A release joined with its Hadoop facts. */
export interface SparkRelease extends ReleaseFacts {
    readonly hadoopFacts: HadoopFacts;
}

/** Numeric comparison of dotted versions ("4.0.10" > "4.0.9"); non-numeric parts compare as 0. */
export function compareVersions(a: string, b: string): number {
    const pa = a.split(".").map((x) => parseInt(x, 10) || 0);
    const pb = b.split(".").map((x) => parseInt(x, 10) || 0);
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
        const d = (pa[i] ?? 0) - (pb[i] ?? 0);
        if (d !== 0) return d;
    }
    return 0;
}

export const lineOf = (version: string): string => version.split(".").slice(0, 2).join(".");

export function findRelease(version: string): SparkRelease | undefined {
    const r = RELEASE_FACTS.releases.find((x) => x.spark === version);
    const h = r && RELEASE_FACTS.hadoop[r.hadoop];
    return r && h ? { ...r, hadoopFacts: h } : undefined;
}

/** hadoop-aws and SDK facts of a Hadoop version, when a covered Spark release is built with it. */
export function hadoopFactsOf(hadoop: string): HadoopFacts | undefined {
    return RELEASE_FACTS.hadoop[hadoop];
}

export function knownReleases(): readonly ReleaseFacts[] {
    return RELEASE_FACTS.releases;
}

export function newestRelease(): ReleaseFacts {
    return RELEASE_FACTS.releases[0];
}

/** Releases of one line (e.g. "4.0"), newest first. */
export function releasesOfLine(line: string): ReleaseFacts[] {
    return RELEASE_FACTS.releases.filter((r) => r.line === line);
}

/** How a sparkVersion stands against the facts. */
export type VersionStanding =
    | { readonly kind: "release"; readonly release: SparkRelease }
    /** Newer than every release of its line, or of a line newer than all: the facts may be old. */
    | { readonly kind: "newer" }
    /** A line older than the covered ones. */
    | { readonly kind: "older" }
    /** Inside the covered range but not a release (a typo, a preview, a vendor build). */
    | { readonly kind: "unreleased" };

export function versionStanding(version: string): VersionStanding {
    const release = findRelease(version);
    if (release) return { kind: "release", release };
    if (!/^\d+\.\d+\.\d+$/.test(version)) return { kind: "unreleased" };
    if (compareVersions(lineOf(version), RELEASE_FACTS.minLine) < 0) return { kind: "older" };
    const line = releasesOfLine(lineOf(version));
    const newestOfLine = line[0]?.spark;
    if (!newestOfLine) return compareVersions(version, newestRelease().spark) > 0 ? { kind: "newer" } : { kind: "unreleased" };
    return compareVersions(version, newestOfLine) > 0 ? { kind: "newer" } : { kind: "unreleased" };
}

/** spark-hadoop-cloud versions published on Maven Central for a Scala binary version. */
export function hadoopCloudVersions(scala: string): readonly string[] {
    return RELEASE_FACTS.sparkHadoopCloud.versions[scala] ?? [];
}

export function hadoopCloudPublished(version: string, scala: string): boolean {
    return hadoopCloudVersions(scala).includes(version);
}

/**
 * The spark-hadoop-cloud to use with a release: its own version when Maven Central has it, else
 * the newest published release of the same line built with the same Hadoop (the committer binding
 * classes only depend on Spark's and Hadoop's APIs, which do not change within a line). Undefined
 * when neither exists (e.g. Spark 3.5 with Scala 2.13: no spark-hadoop-cloud_2.13 3.5.x is published).
 */
export function hadoopCloudFor(release: ReleaseFacts, scala: string): string | undefined {
    if (hadoopCloudPublished(release.spark, scala)) return release.spark;
    const candidates = hadoopCloudVersions(scala)
        .map((v) => findRelease(v))
        .filter((r): r is SparkRelease => !!r && r.line === release.line && r.hadoop === release.hadoop)
        .sort((a, b) => compareVersions(b.spark, a.spark));
    return candidates[0]?.spark;
}
