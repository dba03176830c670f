/** Value checks shared by the features' key specs: Kubernetes, S3 and Spark naming rules. */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const QUANTITY = /^([0-9]+(\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;
const SPARK_MEMORY = /^[0-9]+[kmgt]?$/i;
const URL_WITH_SCHEME = /^https?:\/\/[^/\s:]+(:[0-9]{1,5})?\/?$/i;

export const dnsLabel = (what: string) => (v: string) =>
    DNS_LABEL.test(v) ? undefined : `"${v}" is not a valid ${what} (lowercase letters, digits and '-', at most 63 characters)`;
export const quantity = (v: string) =>
    QUANTITY.test(v) ? undefined : `"${v}" is not a Kubernetes quantity (a number with a suffix such as Mi or Gi)`;
export const sparkMemory = (v: string) =>
    SPARK_MEMORY.test(v) ? undefined : `"${v}" is not a Spark memory size (a number with k, m, g or t)`;
export const urlWithScheme = (v: string) =>
    v === "" || URL_WITH_SCHEME.test(v) ? undefined : `"${v}" must be a URL with scheme, host and optional port`;
export const absolutePath = (v: string) => (v.startsWith("/") && !v.includes("..") ? undefined : `"${v}" must be an absolute path`);
export const optional = (check: (v: string) => string | undefined) => (v: string) => (v === "" ? undefined : check(v));

/** A value that becomes a pod annotation (a run token). */
export const annotationValue = (v: string) =>
    v.length <= 63 && /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/.test(v)
        ? undefined
        : `"${v}" must be at most 63 letters, digits, '-', '_' or '.' (it becomes a pod annotation)`;

/** S3 bucket naming rules (AWS "Bucket naming rules", general purpose buckets). */
export function bucketNameProblem(name: string): string | undefined {
    if (name.length < 3 || name.length > 63) return `"${name}" must be 3 to 63 characters long`;
    if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name))
        return `"${name}" may only hold lowercase letters, digits, dots and hyphens, and must start and end with a letter or digit`;
    if (/\.\./.test(name)) return `"${name}" must not contain two adjacent dots`;
    if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return `"${name}" must not look like an IP address`;
    if (/^xn--|^sthree-|^amzn-s3-demo-|-s3alias$|--ol-s3$|\.mrap$|--x-s3$|--table-s3$/.test(name))
        return `"${name}" uses a prefix or suffix that S3 reserves`;
    return undefined;
}

/** A DNS label from an expanded name: long review-stack names keep a hash to stay unique. */
export function fitDnsLabel(name: string): string {
    if (name.length <= 63) return name;
    const hash = crypto.createHash("sha256").update(name).digest("hex").slice(0, 8);
    return `${name.slice(0, 54).replace(/-+$/, "")}-${hash}`;
}

/** A registry host with an optional path (no scheme, no tag), or "". */
export const imageRegistry = (v: string) =>
    v === "" || /^[a-z0-9.-]+(:[0-9]{1,5})?(\/[a-z0-9._-]+)*\/?$/i.test(v)
        ? undefined
        : `"${v}" is not a registry host with an optional path (no scheme, no tag)`;

/** An S3 key prefix without leading or trailing slash. */
export const keyPrefix = (v: string) =>
    /^[A-Za-z0-9][A-Za-z0-9._/-]*[A-Za-z0-9]$|^[A-Za-z0-9]$/.test(v) && !v.includes("//")
        ? undefined
        : `"${v}" must be a key prefix without leading or trailing '/'`;

/** The PEM content of a CA bundle file (relative to the working directory), or what is wrong with it. */
export function readPem(file: string): { pem?: string; problem?: string } {
    try {
        const pem = fs.readFileSync(path.resolve(file), "utf8");
        if (!pem.includes("-----BEGIN CERTIFICATE-----")) throw new Error("no PEM certificate in it");
        return { pem };
    } catch (e) {
        return { problem: `cannot use ${file}: ${e instanceof Error ? e.message : String(e)}` };
    }
}

/** `key=value` items (sparkConf lists) as a map; the items that are not of that form. */
export function keyValues(items: readonly string[]): { map: Record<string, string>; bad: string[] } {
    const map: Record<string, string> = {};
    const bad: string[] = [];
    for (const item of items) {
        const eq = item.indexOf("=");
        if (eq <= 0) bad.push(item);
        else map[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
    }
    return { map, bad };
}
