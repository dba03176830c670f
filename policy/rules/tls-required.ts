import { HADOOP_KEYS, SPARK_HADOOP_PREFIX } from "../s3a/facts";
import { isUnknown, optionSettings } from "../s3a/conf";
import { finding, jobRule, type Finding } from "./rule";
import { goodConf, sparkApp } from "./examples";

/** Is an endpoint on the allow-list (URL, URL prefix, host:port, host, or *.suffix)? */
export function endpointAllowed(endpoint: string, allow: readonly string[]): boolean {
    const bare = endpoint.replace(/^[a-z]+:\/\//i, "").replace(/\/.*$/, "");
    const host = bare.split(":")[0];
    return allow.some(
        (a) =>
            a === endpoint ||
            a === bare ||
            a === host ||
            (a.includes("://") && endpoint.startsWith(a)) ||
            (a.startsWith("*.") && host.endsWith(a.slice(1))),
    );
}

/** S3A signs requests, but without TLS the data and the signed headers travel in the clear. */
export const tlsRequired = jobRule({
    kind: "job",
    name: "s3a-tls-required",
    level: "advisory",
    jobs: "s3a",
    description: "S3 endpoints use TLS unless they are on the configured allow-list.",
    firesOn: "`http://` endpoints or `fs.s3a.connection.ssl.enabled=false`, unless the endpoint is in `insecureEndpoints`",
    why: "Without TLS every object and every signed request crosses the network readable; an in-cluster test store is the only place for it.",
    options: ["insecureEndpoints"],
    reads: { hadoop: [HADOOP_KEYS.endpoint, HADOOP_KEYS.sslEnabled] },
    examples: [
        {
            title: "plain http to a store outside the allow-list",
            resources: [sparkApp({ sparkConf: goodConf({ "spark.hadoop.fs.s3a.endpoint": "http://10.0.0.5:9000" }) })],
            fires: true,
        },
        {
            title: "an in-cluster test store on the allow-list",
            resources: [sparkApp({ sparkConf: goodConf({ "spark.hadoop.fs.s3a.endpoint": "http://minio.minio.svc.cluster.local:9000" }) })],
            fires: false,
            options: { insecureEndpoints: ["*.svc.cluster.local"] },
        },
    ],
    check: ({ view, opts }) => {
        const hadoop = view.hadoop;
        const allow = opts.insecureEndpoints ?? [];
        const out: Finding[] = [];
        const endpoints = optionSettings(hadoop, HADOOP_KEYS.endpoint);
        const endpointFor = (bucket?: string) =>
            endpoints.find((e) => e.bucket === bucket)?.value ?? endpoints.find((e) => e.bucket === undefined)?.value;
        for (const e of endpoints) {
            if (e.value.toLowerCase().startsWith("http://") && !endpointAllowed(e.value, allow)) {
                out.push(
                    finding(
                        `spark.hadoop.${e.key}=${e.value} sends data and signed requests without TLS: use https://, or add this endpoint to the policy's insecureEndpoints allow-list (for an in-cluster test store only).`,
                        SPARK_HADOOP_PREFIX + e.key,
                    ),
                );
            }
        }
        for (const s of optionSettings(hadoop, HADOOP_KEYS.sslEnabled)) {
            if (s.value.trim().toLowerCase() !== "false") continue;
            const ep = endpointFor(s.bucket);
            if (isUnknown(ep) || (ep && endpointAllowed(ep, allow))) continue;
            out.push(
                finding(
                    `spark.hadoop.${s.key}=false turns TLS off for ${ep ?? "AWS S3"}: remove it, or add the endpoint to the policy's insecureEndpoints allow-list.`,
                    SPARK_HADOOP_PREFIX + s.key,
                ),
            );
        }
        return out;
    },
});
