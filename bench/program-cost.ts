/**
 * Program cost under Pulumi mocks: how long evaluating the program takes per stack, and how it
 * grows with the number of SparkJobs (1, 10, 50). Prints a table; not a test, no assertions.
 *   npm run bench:program
 */
import * as pulumi from "@pulumi/pulumi";
import { sparkConfFor } from "../components/s3a-profile";
import { SparkJob } from "../components/spark-job";
import { sparkRuntime } from "../policy/s3a/versions";
import { runProgram } from "../test/helpers/stack";

const REPS = 5;

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
}

async function timeIt(fn: () => Promise<number>): Promise<{ ms: number; spread: number; resources: number; heapMiB: number }> {
    const times: number[] = [];
    let resources = 0;
    let heap = 0;
    for (let i = 0; i < REPS; i++) {
        global.gc?.();
        const t0 = process.hrtime.bigint();
        resources = await fn();
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
        heap = Math.max(heap, process.memoryUsage().heapUsed / 2 ** 20);
    }
    return { ms: median(times), spread: Math.max(...times) - Math.min(...times), resources, heapMiB: heap };
}

async function jobs(n: number): Promise<number> {
    let count = 0;
    await pulumi.runtime.setMocks(
        {
            newResource: (a) => {
                count++;
                return { id: `${a.name}-id`, state: a.inputs };
            },
            call: () => ({}),
        },
        "spark-s3",
        "bench",
        false,
    );
    const runtime = sparkRuntime("4.0.4");
    const conf = sparkConfFor({
        endpoint: { url: "http://minio.minio.svc.cluster.local:9000", region: "us-east-1", pathStyle: true, tls: false },
        committer: "directory",
        conflictMode: "append",
        sparkVersion: runtime.spark,
        staging: { volumeName: "staging", claimName: "spark-staging", mountPath: "/staging" },
        buffer: { volumeName: "s3a-buffer", mountPath: "/s3a-buffer", sizeLimit: "10Gi" },
        credentials: { secretName: "creds", accessKeyIdKey: "AWS_ACCESS_KEY_ID", secretAccessKeyKey: "AWS_SECRET_ACCESS_KEY" },
        packages: true,
    });
    const all: pulumi.Output<string>[] = [];
    for (let i = 0; i < n; i++) {
        const j = new SparkJob(`job${i}`, {
            appName: `job-${i}`,
            namespace: "spark-jobs",
            serviceAccount: "spark",
            runtime,
            image: runtime.image,
            type: "Python",
            mainApplicationFile: "local:///opt/spark/jobs/job.py",
            sparkConf: conf,
            driver: { cores: 1, memory: "1g" },
            executor: { instances: 2, cores: 1, memory: "2g" },
            waitForCompletion: false,
            timeoutMinutes: 30,
            rerunHint: "pulumi up --replace <urn>",
        });
        all.push(j.state);
    }
    await new Promise((resolve) => pulumi.all(all).apply(resolve));
    return count;
}

async function main() {
    console.log(`Program evaluation under mocks (median of ${REPS}, node ${process.version}, ${process.platform}/${process.arch})`);
    console.log("| what | median ms | spread ms | resources | peak heap MiB |");
    console.log("|---|---:|---:|---:|---:|");
    for (const stack of ["local", "dev"]) {
        const r = await timeIt(async () => (await runProgram(stack, {}, [], { settleMs: 0 })).resources.length);
        console.log(`| stack ${stack} | ${r.ms.toFixed(1)} | ${r.spread.toFixed(1)} | ${r.resources} | ${r.heapMiB.toFixed(0)} |`);
    }
    const base = await timeIt(() => jobs(1));
    for (const n of [1, 10, 50]) {
        const r = n === 1 ? base : await timeIt(() => jobs(n));
        console.log(
            `| ${n} SparkJob${n > 1 ? "s" : ""} | ${r.ms.toFixed(1)} (${(r.ms / base.ms).toFixed(1)}x) | ${r.spread.toFixed(1)} | ${r.resources} | ${r.heapMiB.toFixed(0)} |`,
        );
    }
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
