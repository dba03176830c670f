/**
 * The program as a user has it: a copy of the project (what a clone holds, node_modules linked)
 * in a temporary git repository, driven through the Automation API with the Pulumi CLI on PATH
 * (or PULUMI_CLI) and a file backend of its own. Nothing is written into the working tree.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { ROOT } from "../helpers/paths";

/** What a clone of the project holds that the program and the pack need (no tests, no tools). */
const PROJECT_FILES = ["index.ts", "Pulumi.yaml", "package.json", "tsconfig.json", "components", "jobs/doglover", "policy"];
const STACK_FILES = ["Pulumi.local.yaml", "Pulumi.dev.yaml", "Pulumi.flashblade.yaml", "Pulumi.pr.yaml"];
const SKIP = new Set(["node_modules", "__pycache__", ".pytest_cache", "tests"]);

function copy(src: string, dst: string): void {
    const st = fs.statSync(src);
    if (st.isDirectory()) {
        fs.mkdirSync(dst, { recursive: true });
        for (const e of fs.readdirSync(src)) if (!SKIP.has(e)) copy(path.join(src, e), path.join(dst, e));
    } else {
        fs.mkdirSync(path.dirname(dst), { recursive: true });
        fs.copyFileSync(src, dst);
    }
}

export interface E2EProject {
    dir: string;
    /** The file backend's directory (state, history, backups). */
    stateDir: string;
    env: Record<string, string>;
    git(...args: string[]): string;
    /** Files git reports as changed or new since the copy was made. */
    dirty(): string[];
    stack(name: string): Promise<Stack>;
    remove(): void;
}

/**
 * PULUMI_CLI, else the first `pulumi` on PATH that is not the npm package's lazy installer in
 * node_modules/.bin (npm puts that first; it would download a CLI), else that installer.
 */
export function findPulumiCli(): string {
    if (process.env.PULUMI_CLI) return process.env.PULUMI_CLI;
    const dirs = (process.env.PATH ?? "").split(path.delimiter).filter(Boolean);
    const candidates = dirs.map((d) => path.join(d, "pulumi")).filter((f) => fs.existsSync(f));
    const real = candidates.find((f) => !f.split(path.sep).includes("node_modules"));
    const found = real ?? candidates[0];
    if (!found) throw new Error("no Pulumi CLI: put pulumi on PATH or set PULUMI_CLI (npx pulumi version fetches one)");
    return found;
}

export async function makeProject(): Promise<E2EProject> {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), "spark-s3-e2e-"));
    const dir = path.join(base, "project");
    const stateDir = path.join(base, "state");
    fs.mkdirSync(stateDir);
    try {
        return await populate(base, dir, stateDir);
    } catch (e) {
        fs.rmSync(base, { recursive: true, force: true });
        throw e;
    }
}

async function populate(base: string, dir: string, stateDir: string): Promise<E2EProject> {
    for (const f of [...PROJECT_FILES, ...STACK_FILES]) copy(path.join(ROOT, f), path.join(dir, f));
    // E2E_POLICY_SRC: run the lifecycle with another copy of the pack (e.g. a released one).
    if (process.env.E2E_POLICY_SRC) {
        fs.rmSync(path.join(dir, "policy"), { recursive: true });
        copy(process.env.E2E_POLICY_SRC, path.join(dir, "policy"));
    }
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
    fs.symlinkSync(path.join(ROOT, "policy", "node_modules"), path.join(dir, "policy", "node_modules"));
    fs.writeFileSync(path.join(dir, ".gitignore"), "node_modules\n");
    const git = (...args: string[]) =>
        execFileSync("git", ["-c", "user.email=e2e@example.com", "-c", "user.name=e2e", ...args], { cwd: dir, encoding: "utf8" });
    git("init", "-q");
    git("add", "-A");
    git("commit", "-qm", "the project as cloned");
    const env: Record<string, string> = {
        PULUMI_BACKEND_URL: `file://${stateDir}`,
        // The local stack's committed salt is the empty passphrase's (Pulumi.local.yaml).
        PULUMI_CONFIG_PASSPHRASE: "",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    };
    for (const k of ["KUBECONFIG", "PULUMI_HOME", "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION", "PATH"]) {
        if (process.env[k]) env[k] = process.env[k]!;
    }
    // The Automation API runs <root>/bin/pulumi: link the CLI there.
    const cli = findPulumiCli();
    fs.mkdirSync(path.join(base, "cli", "bin"), { recursive: true });
    fs.symlinkSync(cli, path.join(base, "cli", "bin", "pulumi"));
    const pulumiCommand = await PulumiCommand.get({ root: path.join(base, "cli"), skipVersionCheck: true });
    return {
        dir,
        stateDir,
        env,
        git,
        dirty: () =>
            git("status", "--porcelain")
                .split("\n")
                .map((l) => l.trim())
                .filter(Boolean),
        stack: (name) => LocalWorkspace.createOrSelectStack({ stackName: name, workDir: dir }, { envVars: env, pulumiCommand }),
        remove: () => fs.rmSync(base, { recursive: true, force: true }),
    };
}
