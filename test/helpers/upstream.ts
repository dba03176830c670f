/**
 * Upstream sources the tests read, by version and pin: scripts/upstream.sh fetches a tree once
 * (from its upstream repository, or offline from the mirror named by SPARK_S3_MIRROR), verifies
 * it by its git tree id and caches it; this returns the verified directory. Nothing upstream is
 * copied into the project.
 */
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { MAVEN_CENTRAL } from "../../policy/tools/maven";
import { ROOT } from "./paths";

/** scripts/upstream.sh could not provide the tree; its message says why and what to set. */
export class UpstreamUnavailable extends Error {}

const dirs = new Map<string, string>();

/** The verified tree of a pin of scripts/upstream.sh (e.g. "spark-operator"). */
export function upstreamDir(name: string): string {
    const known = dirs.get(name);
    if (known) return known;
    const r = spawnSync("bash", [path.join(ROOT, "scripts", "upstream.sh"), name], { encoding: "utf8" });
    const dir = r.stdout?.trim();
    if (r.status !== 0 || !dir || !fs.existsSync(dir)) {
        throw new UpstreamUnavailable((r.stderr || r.error?.message || `scripts/upstream.sh ${name} failed`).trim());
    }
    dirs.set(name, dir);
    return dir;
}

/** kubeflow/spark-operator v2.5.2: the Helm chart and the CRDs the program is built against. */
export const sparkOperator = {
    /** The released chart (charts/spark-operator-chart): Chart.yaml, values.yaml, crds/, templates/. */
    chart: () => path.join(upstreamDir("spark-operator"), "charts", "spark-operator-chart"),
    /** The chart's values.yaml. */
    values: () => path.join(sparkOperator.chart(), "values.yaml"),
    /** A CRD of the chart, e.g. "sparkoperator.k8s.io_sparkapplications.yaml". */
    crd: (file: string) => path.join(sparkOperator.chart(), "crds", file),
};

/**
 * A file of Maven Central (a URL under MAVEN_CENTRAL), downloaded once into
 * ${SPARK_S3_CACHE:-.cache}/maven/<its path> and verified by the .sha1 Maven Central publishes
 * beside it (again on every read: a damaged cache entry is fetched anew).
 */
export async function mavenCentral(url: string): Promise<Buffer> {
    if (!url.startsWith(`${MAVEN_CENTRAL}/`)) throw new Error(`${url} is not on Maven Central`);
    const cache = path.join(process.env.SPARK_S3_CACHE ?? path.join(ROOT, ".cache"), "maven", url.slice(MAVEN_CENTRAL.length + 1));
    const get = async (u: string) => {
        const res = await fetch(u);
        if (!res.ok) throw new Error(`GET ${u}: HTTP ${res.status}`);
        return Buffer.from(await res.arrayBuffer());
    };
    const sha1 = (b: Buffer) => createHash("sha1").update(b).digest("hex");
    const sumFile = `${cache}.sha1`;
    if (fs.existsSync(cache) && fs.existsSync(sumFile)) {
        const data = fs.readFileSync(cache);
        if (sha1(data) === fs.readFileSync(sumFile, "utf8").trim()) return data;
    }
    const [data, sum] = await Promise.all([get(url), get(`${url}.sha1`)]);
    const want = sum.toString("utf8").trim().split(/\s+/)[0];
    if (sha1(data) !== want) throw new Error(`${url}: sha1 ${sha1(data)}, Maven Central says ${want}`);
    fs.mkdirSync(path.dirname(cache), { recursive: true });
    const tmp = `${cache}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, cache);
    fs.writeFileSync(sumFile, want + "\n");
    return data;
}
