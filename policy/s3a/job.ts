/**
 * One SparkApplication as the checks see it: its effective configuration (with the defaults Spark
 * itself fills in), the release facts of its Spark version, its Scala build, its images and the
 * jars it asks for. Built once per application; every check reads it. Pure, no engine.
 */
import { CLASSES, HADOOP_KEYS, SPARK_HADOOP_PREFIX, SPARK_KEYS, keySetForHadoop, type HadoopKeySet } from "./facts";
import {
    UNKNOWN,
    asList,
    asObject,
    confKeysKnown,
    effectiveSparkConf,
    hadoopView,
    isKnown,
    isUnknown,
    readSparkApplication,
    type SparkApplicationLike,
} from "./conf";
import {
    compareVersions,
    hadoopFactsOf,
    lineOf,
    newestRelease,
    versionStanding,
    type HadoopFacts,
    type SparkRelease,
    type VersionStanding,
} from "./releases";
import { imageHadoopOf } from "./options";

/** A jar the job asks for: a Maven coordinate (packages) or a jar file/URL (jars). */
export interface Artifact {
    /** Where it was listed: spark.jars.packages, spark.jars, spec.deps.packages or spec.deps.jars. */
    readonly from: string;
    /** As written. */
    readonly text: string;
    readonly group?: string;
    /** Artifact id as written, e.g. spark-hadoop-cloud_2.13. */
    readonly artifact: string;
    /** Artifact id without its Scala suffix, e.g. spark-hadoop-cloud. */
    readonly base: string;
    /** Scala suffix, e.g. "2.13", when the artifact has one. */
    readonly scala?: string;
    readonly version?: string;
    /** A Maven coordinate resolved at submission (spark.jars.packages / spec.deps.packages). */
    readonly resolved: boolean;
}

const SCALA_SUFFIX = /^(.+)_(2\.1[0-9]|3)$/;

function artifactParts(artifact: string): { base: string; scala?: string } {
    const m = SCALA_SUFFIX.exec(artifact);
    return m ? { base: m[1], scala: m[2] } : { base: artifact };
}

/** group:artifact:version[:classifier] */
export function parseCoordinate(text: string, from: string): Artifact | undefined {
    const parts = text.trim().split(":");
    if (parts.length < 3 || !parts[0] || !parts[1]) return undefined;
    return { from, text: text.trim(), group: parts[0], artifact: parts[1], version: parts[2], resolved: true, ...artifactParts(parts[1]) };
}

/** A jar path or URL: .../artifact-1.2.3.jar */
export function parseJar(text: string, from: string): Artifact | undefined {
    const file = text.trim().split(/[/\\]/).pop() ?? "";
    const m = /^(.+?)-(\d[\w.-]*?)(?:-(?:tests|sources|javadoc|shaded))?\.jar$/.exec(file);
    if (!m) return undefined;
    return { from, text: text.trim(), artifact: m[1], version: m[2], resolved: false, ...artifactParts(m[1]) };
}

/**
 * Stock images: apache/spark (and the older apache/spark-py, apache/spark-r) and the Docker
 * library's spark, also through a registry mirror. None has hadoop-aws or spark-hadoop-cloud
 * (DESIGN.md section 3).
 */
export function stockImage(image: string): { stock: boolean; version?: string; scala?: string } {
    const noDigest = image.split("@")[0];
    const slash = noDigest.lastIndexOf("/");
    const colon = noDigest.lastIndexOf(":");
    const repo = colon > slash ? noDigest.slice(0, colon) : noDigest;
    const tag = colon > slash ? noDigest.slice(colon + 1) : "";
    const stock = repo === "spark" || /(^|\/)(apache\/spark(-py|-r)?|library\/spark)$/.test(repo);
    if (!stock) return { stock: false };
    // apache/spark:4.0.4-scala2.13-java17-python3-ubuntu; the older apache/spark-py:v3.4.0
    const m = /^v?(\d+\.\d+\.\d+)(?:-scala(2\.1\d))?/.exec(tag);
    return { stock: true, version: m?.[1], scala: m?.[2] };
}

export interface JobView {
    readonly app: SparkApplicationLike;
    /** Effective sparkConf (hadoopConf folded in) with Spark's own defaults applied; values may be UNKNOWN. */
    readonly conf: Record<string, string>;
    /** The Hadoop configuration part of `conf` (spark.hadoop. removed). */
    readonly hadoop: Record<string, string>;
    /** sparkConf keys that Spark's own defaults set (SparkContext), not the job. */
    readonly defaulted: ReadonlySet<string>;
    /** Is every key known (neither sparkConf nor hadoopConf unknown as a whole)? Absent keys are only "not set" when true. */
    readonly keysKnown: boolean;
    /** Paths of the values unknown during preview. */
    readonly unknown: readonly string[];
    /** spec.sparkVersion as written (UNKNOWN during preview when computed). */
    readonly sparkVersion?: string;
    readonly standing?: VersionStanding;
    /** Release facts of the job's Spark version. */
    readonly release?: SparkRelease;
    /** The Scala build the job runs, when it can be told (stock image tag, or the only build of the release). */
    readonly scala?: string;
    /** Hadoop release to check fs.s3a.* names against, and whether that list is the exact release's. */
    readonly keySet: HadoopKeySet;
    readonly keySetExact: boolean;
    /** The Hadoop version the job runs, when known: the image's (policy option imageHadoop), else its Spark release's. */
    readonly hadoopVersion?: string;
    /** Where hadoopVersion comes from. */
    readonly hadoopFrom?: "release" | "image";
    /** hadoop-aws and AWS SDK facts of hadoopVersion, when the pack holds them. */
    readonly hadoopFacts?: HadoopFacts;
    /** spec.image, spec.driver.image, spec.executor.image (known ones). */
    readonly images: readonly string[];
    /** Were all image fields known? */
    readonly imagesKnown: boolean;
    /** Every known image is a stock apache/spark (or library spark) image, which has neither hadoop-aws nor spark-hadoop-cloud. */
    readonly stockImagesOnly: boolean;
    /** The Spark version of a stock image's tag, when it names one. */
    readonly imageSparkVersion?: string;
    readonly artifacts: readonly Artifact[];
    /** Were all jar and package lists known? */
    readonly artifactsKnown: boolean;
    /** spark.jars.repositories / spec.deps.repositories / spark.jars.ivySettings: packages may come from elsewhere than Maven Central. */
    readonly customRepositories: boolean;
}

const split = (s: string | undefined): string[] =>
    (s ?? "")
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean);

/**
 * What SparkContext fills in before the job runs (verified in spark-core's SparkContext.scala of
 * each line, sources jars on Maven Central):
 * - Spark 4.1+ (`enableMagicCommitterIfNeeded`, SPARK-47618): when the hadoop-cloud classes
 *   (BindingParquetOutputCommitter, PathOutputCommitProtocol) are loadable, setIfMissing
 *   spark.hadoop.fs.s3a.committer.magic.enabled=true; then, if that value equals "true",
 *   setIfMissing committer.name=magic, the S3A committer factory, the Parquet binding committer
 *   and PathOutputCommitProtocol. So a 4.1 job without committer settings runs the magic committer.
 * - Spark 3.5 and 4.0 (`fillMissingMagicCommitterConfsIfNeeded`): the same, but only when some
 *   spark.hadoop.fs.s3a.bucket.<b>.committer.magic.enabled is "true" (ignoring case).
 * `cloudMayBeOnClasspath` is false only when the job demonstrably lacks spark-hadoop-cloud.
 */
export function sparkDefaults(
    conf: Record<string, string>,
    line: string | undefined,
    cloudMayBeOnClasspath: boolean,
): { conf: Record<string, string>; defaulted: Set<string> } {
    const out = { ...conf };
    const defaulted = new Set<string>();
    const magicEnabled = SPARK_HADOOP_PREFIX + HADOOP_KEYS.magicEnabled;
    const setIfMissing = (k: string, v: string) => {
        if (!(k in out)) {
            out[k] = v;
            defaulted.add(k);
        }
    };
    let applies: boolean | "unknown";
    if (line === undefined) applies = "unknown";
    else if (compareVersions(line, "4.1") >= 0) applies = true;
    else
        applies = Object.entries(conf).some(
            ([k, v]) =>
                k.startsWith(SPARK_HADOOP_PREFIX + "fs.s3a.bucket.") &&
                k.endsWith(".committer.magic.enabled") &&
                v.toLowerCase() === "true",
        );
    if (!cloudMayBeOnClasspath || applies === false) return { conf: out, defaulted };
    const keys = [
        [SPARK_HADOOP_PREFIX + HADOOP_KEYS.committerName, "magic"],
        [SPARK_HADOOP_PREFIX + HADOOP_KEYS.committerFactoryS3a, CLASSES.s3aCommitterFactory],
        [SPARK_KEYS.parquetCommitterClass, CLASSES.bindingParquetOutputCommitter],
        [SPARK_KEYS.commitProtocolClass, CLASSES.pathOutputCommitProtocol],
    ] as const;
    if (applies === "unknown" || isUnknown(out[magicEnabled])) {
        // The Spark version or magic.enabled is unknown during preview: so is what Spark fills in.
        for (const [k] of keys) setIfMissing(k, UNKNOWN);
        return { conf: out, defaulted };
    }
    setIfMissing(magicEnabled, "true");
    if (out[magicEnabled] === "true") for (const [k, v] of keys) setIfMissing(k, v);
    return { conf: out, defaulted };
}

/** What a policy's config tells the view (the rest of CheckOptions is for the checks). */
export interface ViewOptions {
    /** "<image prefix>=<Hadoop version>" entries (the imageHadoop option). */
    readonly imageHadoop?: readonly string[];
}

/** Build the view of a SparkApplication (props as the engine or a manifest gives them). */
export function jobView(raw: unknown, options: ViewOptions = {}): JobView {
    const { app, unknown } = readSparkApplication(raw);
    const spec = asObject<NonNullable<SparkApplicationLike["spec"]>>(app.spec);
    const userConf = effectiveSparkConf(app);
    const keysKnown = confKeysKnown(app);

    // Images
    const imageFields = [
        spec?.image,
        asObject<{ image?: string }>(spec?.driver)?.image,
        asObject<{ image?: string }>(spec?.executor)?.image,
    ];
    const imagesKnown =
        !isUnknown(spec) && !isUnknown(spec?.driver) && !isUnknown(spec?.executor) && imageFields.every((i) => !isUnknown(i));
    const images = imageFields.filter((i): i is string => typeof i === "string" && isKnown(i));
    const confImage = userConf["spark.kubernetes.container.image"];
    if (isKnown(confImage) && images.length === 0) images.push(confImage);
    const stockInfo = images.map(stockImage);
    const stockImagesOnly = images.length > 0 && stockInfo.every((s) => s.stock);
    const imageSparkVersion = stockInfo.find((s) => s.version)?.version;

    // Artifacts
    const deps = asObject<NonNullable<NonNullable<SparkApplicationLike["spec"]>["deps"]>>(spec?.deps);
    const lists: [string, unknown, boolean][] = [
        [SPARK_KEYS.jarsPackages, userConf[SPARK_KEYS.jarsPackages], true],
        [SPARK_KEYS.jars, userConf[SPARK_KEYS.jars], false],
        ["spec.deps.packages", deps?.packages, true],
        ["spec.deps.jars", deps?.jars, false],
    ];
    let artifactsKnown = keysKnown && !isUnknown(spec?.deps);
    const artifacts: Artifact[] = [];
    for (const [from, value, coordinates] of lists) {
        if (isUnknown(value)) {
            artifactsKnown = false;
            continue;
        }
        const items = typeof value === "string" ? split(value) : asList<unknown>(value).map((x) => (typeof x === "string" ? x : UNKNOWN));
        for (const item of items) {
            if (isUnknown(item)) {
                artifactsKnown = false;
                continue;
            }
            const a = coordinates ? parseCoordinate(item, from) : parseJar(item, from);
            if (a) artifacts.push(a);
        }
    }
    const customRepositories =
        [userConf["spark.jars.repositories"], userConf["spark.jars.ivySettings"]].some((v) => v !== undefined && v.trim() !== "") ||
        asList(deps?.repositories).length > 0 ||
        isUnknown(deps?.repositories);

    // Version, release, Scala
    const sparkVersion = typeof spec?.sparkVersion === "string" ? spec.sparkVersion : undefined;
    const standing = isKnown(sparkVersion) ? versionStanding(sparkVersion) : undefined;
    const release = standing?.kind === "release" ? standing.release : undefined;
    const stockScala = stockInfo.find((s) => s.scala)?.scala;
    let scala: string | undefined;
    if (stockScala) scala = stockScala;
    else if (release && stockImagesOnly) scala = release.defaultScala;
    else if (release && Object.keys(release.scala).length === 1) scala = Object.keys(release.scala)[0];

    // Hadoop version and key list: the image's, when the policy says which Hadoop it carries
    const imageHadoop = images.map((i) => imageHadoopOf(i, options.imageHadoop)).find((h) => h !== undefined);
    const hadoopVersion: string | undefined = imageHadoop ?? release?.hadoop;
    const hadoopFrom = imageHadoop ? ("image" as const) : release ? ("release" as const) : undefined;
    let basis = hadoopVersion;
    if (!basis && standing?.kind === "newer") basis = newestRelease().hadoop;
    const { keySet, exact } = basis ? keySetForHadoop(basis) : { keySet: keySetForHadoop(newestRelease().hadoop).keySet, exact: false };

    // Spark's own defaults
    const cloudListed = artifacts.some((a) => a.base === "spark-hadoop-cloud");
    const cloudMayBeOnClasspath = cloudListed || !stockImagesOnly || !artifactsKnown;
    const line = isKnown(sparkVersion) && /^\d+\.\d+/.test(sparkVersion) ? lineOf(sparkVersion) : undefined;
    const { conf, defaulted } = sparkDefaults(userConf, isUnknown(sparkVersion) ? undefined : (line ?? "0.0"), cloudMayBeOnClasspath);

    return {
        app,
        conf,
        hadoop: hadoopView(conf),
        defaulted,
        keysKnown,
        unknown,
        sparkVersion,
        standing,
        release,
        scala,
        keySet,
        keySetExact: exact,
        hadoopVersion,
        hadoopFrom,
        hadoopFacts: hadoopVersion ? hadoopFactsOf(hadoopVersion) : undefined,
        images,
        imagesKnown,
        stockImagesOnly,
        imageSparkVersion,
        artifacts,
        artifactsKnown,
        customRepositories,
    };
}

/** Is `key` absent from the job's configuration, for certain (all keys known)? */
export function absent(view: JobView, key: string): boolean {
    return view.keysKnown && !(key in view.conf);
}
