import { CREDENTIAL_ENV_VARS, CREDENTIAL_HADOOP_KEYS, SPARK_HADOOP_PREFIX } from "../s3a/facts";
import { asList, asObject, isUnknown, optionSettings, type PodSpecLike, type SparkApplicationLike } from "../s3a/conf";
import { finding, jobRule, type Finding } from "./rule";
import { sparkApp } from "./examples";

const AWS_KEY_ID = /\b(AKIA|ASIA)[0-9A-Z]{16}\b/;
const FIX =
    "put the key pair in a Kubernetes Secret and expose it with spark.kubernetes.{driver,executor}.secretKeyRef.AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY";

/** Credentials in a sparkConf (the program validates its own stack config with this too). */
export function credentialsInConf(conf: Record<string, string>): Finding[] {
    const out: Finding[] = [];
    const hadoop: Record<string, string> = {};
    for (const [k, val] of Object.entries(conf)) if (k.startsWith(SPARK_HADOOP_PREFIX)) hadoop[k.slice(SPARK_HADOOP_PREFIX.length)] = val;
    for (const generic of CREDENTIAL_HADOOP_KEYS) {
        for (const s of optionSettings(hadoop, generic)) {
            if (s.value !== "" && !isUnknown(s.value)) {
                out.push(finding(`spark.hadoop.${s.key} holds a credential in plain text: ${FIX}.`, SPARK_HADOOP_PREFIX + s.key));
            }
        }
    }
    for (const [k, val] of Object.entries(conf)) {
        if (isUnknown(val)) continue;
        const env = /^spark\.(?:kubernetes\.driverEnv|executorEnv)\.(.+)$/.exec(k);
        if (env && CREDENTIAL_ENV_VARS.includes(env[1]) && val !== "") {
            out.push(finding(`${k} sets ${env[1]} in plain text: ${FIX}.`, k));
        } else if (!k.includes("secretKeyRef") && AWS_KEY_ID.test(val) && !CREDENTIAL_HADOOP_KEYS.some((c) => k.endsWith(c))) {
            out.push(finding(`${k} contains what looks like an AWS access key id: ${FIX}.`, k));
        }
    }
    return out;
}

function credentialsInEnv(app: SparkApplicationLike): Finding[] {
    const out: Finding[] = [];
    for (const role of ["driver", "executor"] as const) {
        for (const raw of asList<unknown>(
            asObject<PodSpecLike>(asObject<NonNullable<SparkApplicationLike["spec"]>>(app.spec)?.[role])?.env,
        )) {
            const e = asObject<{ name?: string; value?: string }>(raw);
            if (e?.name && CREDENTIAL_ENV_VARS.includes(e.name) && e.value !== undefined && e.value !== "" && !isUnknown(e.value)) {
                out.push(
                    finding(
                        `spec.${role}.env ${e.name} has a literal value: use valueFrom.secretKeyRef (or Spark's spark.kubernetes.${role}.secretKeyRef.${e.name}) instead.`,
                        `spec.${role}.env`,
                    ),
                );
            }
        }
    }
    return out;
}

/** Anything in a SparkApplication is readable by whoever can read the object, and lands in the driver's logs and the event log. */
export const noLiteralCredentials = jobRule({
    kind: "job",
    name: "s3a-no-literal-credentials",
    level: "mandatory",
    jobs: "all",
    description: "No credentials as literals in sparkConf, hadoopConf or driver/executor env.",
    firesOn:
        "access/secret keys or session tokens in sparkConf/hadoopConf, `AWS_*` in `spark.executorEnv.*`/`driverEnv.*` or literal `env`, anything that looks like an AWS key id (all jobs)",
    why: "A SparkApplication is readable by everyone who can list it; Spark logs its conf at startup and writes it to the event log, which the History Server shows.",
    options: [],
    reads: { conf: [/^spark\.(kubernetes\.driverEnv|executorEnv)\./], spec: [/^spec\.(driver|executor)(\.env(\.|\[|$)|$)/] },
    examples: [
        {
            title: "a secret key in hadoopConf",
            resources: [sparkApp({ hadoopConf: { "fs.s3a.secret.key": "wJalrXUtnFEMI-example" } })],
            fires: true,
        },
        {
            title: "the key pair from a Secret",
            resources: [
                sparkApp({
                    driver: { env: [{ name: "AWS_SECRET_ACCESS_KEY", valueFrom: { secretKeyRef: { name: "s3", key: "secret" } } }] },
                }),
            ],
            fires: false,
        },
    ],
    check: ({ view }) => [...credentialsInConf(view.conf), ...credentialsInEnv(view.app)],
});
