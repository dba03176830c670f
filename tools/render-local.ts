/**
 * Print, as JSON, what the program deploys for a stack's DogLover job, for running it outside
 * Kubernetes (jobs/doglover/localrun.py): the S3A profile's sparkConf, the MinIO setup script
 * and the Spark key's policy, the event log directory (jobs write their event logs there, as in
 * the cluster) and the History Server key's policy. Only what cannot be the same outside a cluster is replaced: the
 * endpoint, the staging mount path (a local directory), the S3A buffer directory (default: an
 * `s3a-buffer` directory beside the staging one, standing for the pods' local emptyDir) and the
 * Ivy directory.
 *
 *   ts-node tools/render-local.ts --endpoint http://127.0.0.1:9000 --staging /tmp/x [--stack local]
 *        [--buffer DIR] [--committer magic] [--conf key=value ...] [--truststore FILE]
 *
 * --truststore: the endpoint's CA is private (s3CaBundle); the conf then points driver and
 * executors at FILE (a truststore built with the output's trust.script, as the pods build it).
 */
import * as path from "path";
import { parseStackConfig } from "../components/config";
import {
    eventLogDir,
    eventLogMarkerKey,
    eventLogReaderPolicy,
    historyConf,
    observabilityConf,
    propertiesFile,
} from "../components/observability";
import { MINIO_SETUP_SCRIPT, minioSparkPolicy } from "../components/object-store/minio";
import { packagesSparkConf, s3aSparkConf } from "../components/s3a-profile";
import { TRUSTSTORE_SCRIPT, trustJavaOptions } from "../components/s3-trust";
import { DOGLOVER } from "../jobs/doglover/config";
import { dogLoverPaths } from "../jobs/doglover/doglover";
import { stackConfig } from "./stack-files";

function parseArgs(argv: string[]) {
    const args: {
        stack: string;
        endpoint?: string;
        staging?: string;
        buffer?: string;
        ivy?: string;
        truststore?: string;
        overrides: Record<string, unknown>;
        conf: string[];
    } = {
        stack: "local",
        overrides: {},
        conf: [],
    };
    for (let i = 0; i < argv.length; i++) {
        const [flag, value] = [argv[i], argv[i + 1]];
        if (value === undefined) throw new Error(`${flag} needs a value`);
        i++;
        if (flag === "--stack") args.stack = value;
        else if (flag === "--endpoint") args.endpoint = value;
        else if (flag === "--staging") args.staging = value;
        else if (flag === "--buffer") args.buffer = value;
        else if (flag === "--truststore") args.truststore = value;
        else if (flag === "--ivy") args.ivy = value;
        else if (flag === "--committer") args.overrides["spark-s3:committer"] = value;
        else if (flag === "--conflict-mode") args.overrides["spark-s3:conflictMode"] = value;
        else if (flag === "--conf") args.conf.push(value);
        else throw new Error(`unknown flag ${flag}`);
    }
    if (!args.endpoint || !args.staging)
        throw new Error("usage: render-local --endpoint URL --staging DIR [--stack S] [--committer C] [--conf k=v]");
    return args;
}

function main() {
    const a = parseArgs(process.argv.slice(2));
    const cfg = parseStackConfig(stackConfig(a.stack, a.overrides), a.stack, { doglover: DOGLOVER });
    const p = cfg.platform;
    const runtime = p.spark.runtime;
    const { bucketName, dataPrefix } = p.store;
    const url = new URL(a.endpoint!);
    const sparkConf: Record<string, string> = {
        ...s3aSparkConf({
            endpoint: { url: a.endpoint, region: p.store.s3Region, pathStyle: true, tls: url.protocol === "https:" },
            committer: p.spark.committer,
            conflictMode: p.spark.conflictMode,
            runtime,
            stagingMountPath: a.staging!,
            bufferDir: a.buffer ?? path.join(path.dirname(path.resolve(a.staging!)), "s3a-buffer"),
        }),
        ...packagesSparkConf(runtime),
        ...observabilityConf(eventLogDir(bucketName, dataPrefix)),
        ...p.spark.conf,
    };
    if (a.ivy) sparkConf["spark.jars.ivy"] = a.ivy;
    if (a.truststore) {
        for (const role of ["driver", "executor"]) sparkConf[`spark.${role}.extraJavaOptions`] = trustJavaOptions(a.truststore);
    }
    for (const kv of a.conf) {
        const eq = kv.indexOf("=");
        sparkConf[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
    const out = {
        stack: a.stack,
        sparkVersion: runtime.spark,
        hadoopVersion: runtime.hadoop,
        committer: p.spark.committer,
        bucket: bucketName,
        dataPrefix,
        paths: dogLoverPaths(bucketName, dataPrefix),
        eventLogDir: eventLogDir(bucketName, dataPrefix),
        eventLogMarker: `${bucketName}/${eventLogMarkerKey(dataPrefix)}`,
        // The History Server's spark-defaults.conf as the cluster gets it (MinIO: its key can delete).
        historyProperties: propertiesFile(
            historyConf({
                jobConf: sparkConf,
                eventLogDir: eventLogDir(bucketName, dataPrefix),
                retentionDays: p.observability.eventLogRetentionDays,
                cleaner: true,
            }),
        ),
        sampleRecords: cfg.doglover.sampleRecords,
        sparkConf,
        trust: { script: TRUSTSTORE_SCRIPT },
        minio: {
            setupScript: MINIO_SETUP_SCRIPT,
            policyName: `spark-${bucketName}`,
            sparkPolicy: minioSparkPolicy(bucketName, dataPrefix),
            historyPolicy: eventLogReaderPolicy(bucketName, dataPrefix),
            region: p.store.s3Region,
        },
    };
    process.stdout.write(JSON.stringify(out, null, 1) + "\n");
}

try {
    main();
} catch (e) {
    process.stderr.write(`render-local: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
}
