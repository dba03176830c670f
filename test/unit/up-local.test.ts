/** scripts/up-local.sh says exactly what is missing before it downloads anything. */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../helpers/paths";

/** Run the script with PATH holding only bash's basics and, if given, a fake kubectl. */
function upLocal(kubectl?: string): { status: number | null; out: string } {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "up-local-"));
    try {
        for (const tool of ["dirname", "cat", "mkdir", "env"]) {
            const real = spawnSync("bash", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();
            if (real) fs.symlinkSync(real, path.join(bin, tool));
        }
        // npx/npm must not run: a stand-in that records the attempt.
        for (const tool of ["npm", "npx"]) fs.writeFileSync(path.join(bin, tool), "#!/bin/sh\necho RAN-$0 >&2\nexit 99\n", { mode: 0o755 });
        if (kubectl) fs.writeFileSync(path.join(bin, "kubectl"), `#!/bin/sh\n${kubectl}\n`, { mode: 0o755 });
        const r = spawnSync("/bin/bash", [path.join(ROOT, "scripts", "up-local.sh")], {
            env: { PATH: bin, HOME: bin, KUBECONFIG: path.join(bin, "kubeconfig") },
            encoding: "utf8",
        });
        return { status: r.status, out: r.stdout + r.stderr };
    } finally {
        fs.rmSync(bin, { recursive: true, force: true });
    }
}

describe("npm run up:local (scripts/up-local.sh)", () => {
    it("without kubectl: says so and downloads nothing", () => {
        const r = upLocal();
        assert.equal(r.status, 1);
        assert.match(r.out, /kubectl is not on PATH/);
        assert.doesNotMatch(r.out, /RAN-/);
    });

    it("with kubectl but no context: says how to create or choose one, not 'kubectl not found'", () => {
        const r = upLocal('[ "$1 $2" = "config current-context" ] && { echo "error: current-context is not set" >&2; exit 1; }; exit 0');
        assert.equal(r.status, 1);
        assert.match(r.out, /kubectl has no current context .*kind create cluster/);
        assert.doesNotMatch(r.out, /not found|RAN-/);
    });

    it("with a context whose cluster does not answer: names the context", () => {
        const r = upLocal('[ "$1 $2" = "config current-context" ] && { echo kind-old; exit 0; }; exit 1');
        assert.equal(r.status, 1);
        assert.match(r.out, /the cluster of context 'kind-old' does not answer/);
        assert.doesNotMatch(r.out, /RAN-/);
    });

    it("with a reachable cluster: goes on to the install and pulumi (so the checks above can pass)", () => {
        const r = upLocal('[ "$1 $2" = "config current-context" ] && { echo kind-dev; exit 0; }; exit 0');
        assert.match(r.out, /kubeconfig context: kind-dev/);
        assert.match(r.out, /RAN-/);
    });
});
