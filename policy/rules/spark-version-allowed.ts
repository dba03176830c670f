import { isUnknown } from "../s3a/conf";
import { lineOf } from "../s3a/releases";
import { finding, jobRule, type Finding } from "./rule";
import { sparkApp } from "./examples";

/** Does a version match an allowedSparkVersions entry ("4.0.4", "4.0", "4.0.x", "4.0.*", "*")? */
export function versionAllowedBy(version: string, pattern: string): boolean {
    const p = pattern.trim();
    if (p === "*" || p === version) return true;
    const line = /^(\d+\.\d+)(?:\.[x*])?$/.exec(p);
    return !!line && lineOf(version) === line[1];
}

/** A platform that supports some Spark versions only (its images, its History Server, its tests) says so here. */
export const sparkVersionAllowed = jobRule({
    kind: "job",
    name: "spark-version-allowed",
    level: "mandatory",
    jobs: "all",
    description: "The job's Spark version is one the platform allows (only when allowedSparkVersions is configured).",
    firesOn: "a Spark version (spec or stock image tag) outside `allowedSparkVersions`; off unless configured (all jobs)",
    why: "A platform team supports the Spark versions its images, libraries and History Server are built and tested for; a job on another version fails in ways nobody has seen.",
    options: ["allowedSparkVersions"],
    reads: {
        conf: ["spark.kubernetes.container.image"],
        spec: [/^spec\.sparkVersion$/, /^spec\.(image|driver\.image|executor\.image|driver|executor)$/],
    },
    examples: [
        {
            title: "a 3.5 job on a platform that allows 4.0",
            resources: [sparkApp({ sparkVersion: "3.5.7" })],
            fires: true,
            options: { allowedSparkVersions: ["4.0"] },
        },
        { title: "a 4.0.4 job on the same platform", resources: [sparkApp()], fires: false, options: { allowedSparkVersions: ["4.0"] } },
    ],
    check: ({ view, opts }) => {
        const allowed = opts.allowedSparkVersions ?? [];
        if (allowed.length === 0 || isUnknown(view.sparkVersion)) return [];
        const out: Finding[] = [];
        const list = allowed.join(", ");
        const version = view.sparkVersion;
        if (!version) return [finding(`spec.sparkVersion is not set; this platform allows Spark ${list}.`, "spec.sparkVersion")];
        if (!allowed.some((p) => versionAllowedBy(version, p))) {
            out.push(finding(`Spark ${version} is not allowed on this platform (allowed: ${list}).`, "spec.sparkVersion"));
        }
        const img = view.imageSparkVersion;
        if (img && img !== version && !allowed.some((p) => versionAllowedBy(img, p))) {
            out.push(
                finding(
                    `the image ${view.images.join(", ")} runs Spark ${img}, which is not allowed on this platform (allowed: ${list}).`,
                    "spec.image",
                ),
            );
        }
        return out;
    },
});
