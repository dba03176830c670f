/**
 * Print, as JSON, what the program deploys for a stack's Spark Connect server, for running it
 * outside Kubernetes (jobs/connect): the server's sparkConf (components/spark-connect/conf.ts on
 * top of the platform's job conf), its spark-defaults.conf text as the ConfigMap carries it, and
 * the server's command as the Deployment runs it (manifest.ts serverCommand), with a local Spark
 * home and conf file in place of the pod's.
 *
 *   ts-node tools/render-connect.ts --platform-conf FILE --spark-home DIR --conf-file FILE
 *        [--stack local] [--app-name NAME] [--port N] [--min-executors N] [--max-executors N]
 *        [--executor-idle-timeout 60s] [--data-idle-timeout 30min] [--session-idle-timeout 60m]
 *        [--conf key=value ...]
 *
 * --platform-conf: a JSON file with the platform's job conf, i.e. the `sparkConf` that
 * tools/render-local.ts prints for the same stack (the local stand-in of the platform handle's
 * sparkConf). --conf: local replacements (the master, the loopback address), applied last.
 */
import * as fs from "fs";
import { parseStackConfig } from "../components/config";
import { connectServerConf, DEFAULT_CONNECT_SETTINGS, type ConnectSettings } from "../components/spark-connect/conf";
import { CONNECT_TOKEN_ENV } from "../components/spark-connect/facts";
import { propertiesText, serverCommand } from "../components/spark-connect/manifest";
import { DOGLOVER } from "../jobs/doglover/config";
import { stackConfig } from "./stack-files";

const SETTING_FLAGS: Record<string, keyof ConnectSettings> = {
    "--app-name": "appName",
    "--port": "port",
    "--min-executors": "minExecutors",
    "--max-executors": "maxExecutors",
    "--initial-executors": "initialExecutors",
    "--executor-idle-timeout": "executorIdleTimeout",
    "--data-idle-timeout": "dataIdleTimeout",
    "--session-idle-timeout": "sessionIdleTimeout",
    "--server-memory": "serverMemory",
    "--executor-memory": "executorMemory",
};
const NUMERIC = new Set<keyof ConnectSettings>(["port", "minExecutors", "maxExecutors", "initialExecutors"]);

function main() {
    const argv = process.argv.slice(2);
    let stack = "local";
    let platformConf: string | undefined;
    let sparkHome: string | undefined;
    let confFile: string | undefined;
    const settings: Record<string, string | number> = { ...DEFAULT_CONNECT_SETTINGS, appName: "spark-connect-local" };
    const overrides: Record<string, string> = {};
    for (let i = 0; i < argv.length; i += 2) {
        const [flag, value] = [argv[i], argv[i + 1]];
        if (value === undefined) throw new Error(`${flag} needs a value`);
        if (flag === "--stack") stack = value;
        else if (flag === "--platform-conf") platformConf = value;
        else if (flag === "--spark-home") sparkHome = value;
        else if (flag === "--conf-file") confFile = value;
        else if (flag === "--conf") {
            const eq = value.indexOf("=");
            if (eq < 1) throw new Error(`--conf needs key=value, got "${value}"`);
            overrides[value.slice(0, eq)] = value.slice(eq + 1);
        } else if (flag in SETTING_FLAGS) {
            const key = SETTING_FLAGS[flag];
            settings[key] = NUMERIC.has(key) ? Number(value) : value;
        } else throw new Error(`unknown flag ${flag}`);
    }
    if (!platformConf || !sparkHome || !confFile) {
        throw new Error("usage: render-connect --platform-conf FILE --spark-home DIR --conf-file FILE [--stack S] [--conf k=v]");
    }
    const cfg = parseStackConfig(stackConfig(stack), stack, { doglover: DOGLOVER });
    const conf = connectServerConf({
        platformConf: JSON.parse(fs.readFileSync(platformConf, "utf8")) as Record<string, string>,
        runtime: cfg.platform.spark.runtime,
        settings: settings as unknown as ConnectSettings,
        overrides,
    });
    const out = {
        stack,
        sparkVersion: cfg.platform.spark.runtime.spark,
        sparkConf: conf,
        properties: propertiesText(conf),
        command: serverCommand(sparkHome, confFile),
        tokenEnv: CONNECT_TOKEN_ENV,
    };
    process.stdout.write(JSON.stringify(out, null, 1) + "\n");
}

try {
    main();
} catch (e) {
    process.stderr.write(`render-connect: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
}
