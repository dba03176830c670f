/**
 * Program cost under Pulumi mocks: how long evaluating the program takes per stack, and how it
 * grows with the number of jobs from stack config (a preview of the local stack's platform with
 * 0, 1, 10 and 50 entries of spark-s3:jobs, half of them scheduled). Time and heap should grow
 * linearly in the jobs: the per-job columns show it. Prints a table; not a test, no assertions.
 *   npm run bench:program
 */
import { runProgram } from "../test/helpers/stack";

const REPS = 5;

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
}

interface Cost {
    ms: number;
    spread: number;
    resources: number;
    /** Heap retained by one evaluation (after a GC), MiB; NaN without --expose-gc. */
    heapMiB: number;
}

async function timeIt(fn: () => Promise<number>): Promise<Cost> {
    const times: number[] = [];
    const heaps: number[] = [];
    let resources = 0;
    for (let i = 0; i < REPS; i++) {
        global.gc?.();
        const before = process.memoryUsage().heapUsed;
        const t0 = process.hrtime.bigint();
        resources = await fn();
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
        global.gc?.();
        heaps.push(global.gc ? (process.memoryUsage().heapUsed - before) / 2 ** 20 : NaN);
    }
    return { ms: median(times), spread: Math.max(...times) - Math.min(...times), resources, heapMiB: median(heaps) };
}

/** `n` jobs as a team would write them: code from a folder, every other one on a schedule. */
export function jobsConfig(n: number): Record<string, unknown> {
    const jobs: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
        jobs[`team-job-${String(i).padStart(3, "0")}`] = {
            codeDir: "jobs/doglover",
            codeFiles: ["doglover.py"],
            mainFile: "doglover.py",
            arguments: ["--input", `s3a://\${bucket}/\${dataPrefix}/team/${i}/in`],
            executorInstances: 1 + (i % 3),
            ...(i % 2 ? { schedule: "0 2 * * *" } : {}),
        };
    }
    return jobs;
}

async function main() {
    console.log(`Program evaluation under mocks (median of ${REPS}, node ${process.version}, ${process.platform}/${process.arch})`);
    console.log("| what | median ms | spread ms | resources | heap MiB | ms per job | heap KiB per job |");
    console.log("|---|---:|---:|---:|---:|---:|---:|");
    // Warm-up: the first evaluation compiles the program's modules.
    await runProgram("local", { "spark-s3:jobs": jobsConfig(2) }, [], { settleMs: 0 });
    for (const stack of ["local", "dev"]) {
        const r = await timeIt(async () => (await runProgram(stack, {}, [], { settleMs: 0 })).resources.length);
        console.log(`| stack ${stack} | ${r.ms.toFixed(1)} | ${r.spread.toFixed(1)} | ${r.resources} | ${r.heapMiB.toFixed(1)} | | |`);
    }
    const preview = (n: number) =>
        timeIt(
            async () =>
                (await runProgram("local", { "spark-s3:jobs": jobsConfig(n) }, [], { settleMs: 0, preview: true, timeoutMs: 120_000 }))
                    .resources.length,
        );
    const base = await preview(0);
    for (const n of [0, 1, 10, 50]) {
        const r = n === 0 ? base : await preview(n);
        const perJob = n ? ((r.ms - base.ms) / n).toFixed(1) : "";
        const heapPerJob = n ? (((r.heapMiB - base.heapMiB) * 1024) / n).toFixed(0) : "";
        console.log(
            `| preview, platform + ${n} job${n === 1 ? "" : "s"} from config | ${r.ms.toFixed(1)} (${(r.ms / base.ms).toFixed(2)}x) | ${r.spread.toFixed(1)} | ${r.resources} | ${r.heapMiB.toFixed(1)} | ${perJob} | ${heapPerJob} |`,
        );
    }
}

main().then(
    () => process.exit(0),
    (e) => {
        console.error(e);
        process.exit(1);
    },
);
