"""Run DogLover on this machine against a real S3 server, with the sparkConf the program deploys.

    python3 jobs/doglover/localrun.py [--records 20000] [--committer directory|partitioned|magic]

What it does (DESIGN.md section 6.3):
  1. builds MinIO and its client mc from their Go modules, pinned, once (cached in .cache/bin);
  2. starts MinIO on 127.0.0.1 on a free port, data in a temp dir;
  3. creates the bucket, the Spark policy and a non-root key with the program's own setup
     script (components/object-store/minio/index.ts, rendered by tools/render-local.ts);
  4. generates the seeded sample tweets and uploads them with the Spark key;
  5. runs the job with pyspark in local mode and the `local` stack's S3A profile: only the
     endpoint, the credentials, the staging directory and the Ivy cache are local;
  6. prints what was written and the _SUCCESS summary; stops MinIO on exit, error or Ctrl-C.

The building blocks are used by the integration tests too (tests/integration/).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CACHE = Path(os.environ.get("SPARK_S3_CACHE", ROOT / ".cache"))

#: Go modules of the S3 server and its client, pinned (pseudo-versions of the newest commits the
#: Go module proxy served on 2026-11-24; MinIO tags are not semver, so go resolves commits).
GO_TOOLS = {
    "minio": "github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c",
    "mc": "github.com/minio/mc@v0.0.0-20250313080218-cf909e1063a9",
}


def log(msg: str) -> None:
    print(f"[doglover-local] {msg}", file=sys.stderr, flush=True)


# --- tools -------------------------------------------------------------------------------------

def ensure_go_tools(cache: Path = CACHE) -> dict[str, Path]:
    """Build (once) and return the MinIO server and mc binaries."""
    bindir = cache / "bin"
    bindir.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, module in GO_TOOLS.items():
        stamp = bindir / f".{name}.version"
        binary = bindir / name
        if binary.exists() and stamp.exists() and stamp.read_text() == module:
            out[name] = binary
            continue
        if shutil.which("go") is None:
            raise SystemExit(f"Go is needed to build {name} ({module}); install Go 1.24+ first")
        log(f"building {name} from its Go module {module} (first run only; a few minutes)...")
        env = {**os.environ, "GOBIN": str(bindir), "GOFLAGS": "-mod=mod", "CGO_ENABLED": "0"}
        t0 = time.monotonic()
        # -x would be noisy; go prints each module it downloads, which shows progress.
        subprocess.run(["go", "install", module], env=env, check=True)
        stamp.write_text(module)
        log(f"built {name} in {time.monotonic() - t0:.0f} s")
        out[name] = binary
    return out


def new_secret(nbytes: int = 30) -> str:
    """A random secret for mc's command line: url-safe, but never starting with '-' (mc would read
    it as a flag and `mc alias set` would fail, a 1-in-32 flake of token_urlsafe alone)."""
    return "s" + secrets.token_urlsafe(nbytes)


def fetch_jar(url: str, cache: Path = CACHE) -> Path:
    """Download a jar from Maven Central once; later runs use the cached file."""
    jars = cache / "jars"
    jars.mkdir(parents=True, exist_ok=True)
    target = jars / url.rsplit("/", 1)[-1]
    if target.exists() and target.stat().st_size > 0:
        return target
    log(f"downloading {url}")
    tmp = target.with_suffix(".part")
    with urllib.request.urlopen(url, timeout=120) as r, open(tmp, "wb") as f:
        shutil.copyfileobj(r, f)
    tmp.rename(target)
    return target


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- MinIO -------------------------------------------------------------------------------------

@dataclass
class Minio:
    """A MinIO server on loopback; use as a context manager so it always stops."""

    binary: Path
    mc: Path
    workdir: Path
    port: int = field(default_factory=free_port)
    root_user: str = field(default_factory=lambda: "root" + secrets.token_hex(6))
    root_password: str = field(default_factory=lambda: new_secret(24))
    #: MinIO's --certs-dir (public.crt, private.key): serve HTTPS; `ca` is the CA that signed them.
    certs_dir: Path | None = None
    ca: Path | None = None
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"{'https' if self.certs_dir else 'http'}://127.0.0.1:{self.port}"

    def __enter__(self) -> "Minio":
        data = self.workdir / "minio-data"
        data.mkdir(parents=True, exist_ok=True)
        console = free_port()
        env = {**os.environ, "MINIO_ROOT_USER": self.root_user, "MINIO_ROOT_PASSWORD": self.root_password,
               "MINIO_BROWSER": "off", "MINIO_UPDATE": "off"}
        logf = open(self.workdir / "minio.log", "wb")
        tls = ["--certs-dir", str(self.certs_dir)] if self.certs_dir else []
        self.proc = subprocess.Popen(
            [str(self.binary), "server", str(data), "--address", f"127.0.0.1:{self.port}",
             "--console-address", f"127.0.0.1:{console}", "--quiet", *tls],
            env=env, stdout=logf, stderr=subprocess.STDOUT, start_new_session=True)
        context = None
        if self.certs_dir:
            import ssl
            context = ssl.create_default_context(cafile=str(self.ca)) if self.ca else None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"MinIO exited with {self.proc.returncode}; see {self.workdir / 'minio.log'}")
            try:
                with urllib.request.urlopen(f"{self.url}/minio/health/ready", timeout=2, context=context) as r:
                    if r.status == 200:
                        log(f"MinIO ready at {self.url}")
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        self.__exit__(None, None, None)
        raise RuntimeError("MinIO did not become ready within 60 s")

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        log("MinIO stopped")

    def mc_env(self, access_key: str | None = None, secret_key: str | None = None) -> dict[str, str]:
        """Environment for mc with alias `store` (root, or the given key) via MC_HOST_store."""
        user = access_key or self.root_user
        pw = secret_key or self.root_password
        mcdir = self.workdir / "mc"
        mcdir.mkdir(exist_ok=True)
        if self.ca:
            # Where mc looks for extra CAs (the seed Job mounts s3CaBundle there too).
            (mcdir / "certs" / "CAs").mkdir(parents=True, exist_ok=True)
            shutil.copy(self.ca, mcdir / "certs" / "CAs" / "ca.crt")
        scheme = "https" if self.certs_dir else "http"
        return {**os.environ, "MC_CONFIG_DIR": str(mcdir),
                "MC_HOST_store": f"{scheme}://{user}:{pw}@127.0.0.1:{self.port}",
                "PATH": f"{self.mc.parent}{os.pathsep}{os.environ.get('PATH', '')}"}

    def mc_run(self, *args: str, key: tuple[str, str] | None = None, check: bool = True) -> str:
        env = self.mc_env(*(key or (None, None)))
        r = subprocess.run([str(self.mc), *args], env=env, capture_output=True, text=True)
        if check and r.returncode != 0:
            raise RuntimeError(f"mc {' '.join(args)} failed: {r.stderr or r.stdout}")
        return r.stdout

    def setup(self, rendered: dict, access_key: str, secret_key: str, path: str | None = None,
              history_key: tuple[str, str] | None = None) -> None:
        """Run the program's own MinIO setup script (bucket, policy, non-root key; with
        `history_key` the History Server's key too); `path`: the PATH the script gets (default:
        mc's directory and this process's PATH). Then, as the cluster's seed Job does with the
        Spark key, create the event log directory's marker (Spark fails without the directory)."""
        m = rendered["minio"]
        env = {**self.mc_env(), "MINIO_URL": self.url, "BUCKET": rendered["bucket"],
               "POLICY_NAME": m["policyName"], "SPARK_POLICY": json.dumps(m["sparkPolicy"]),
               "ROOT_USER": self.root_user, "ROOT_PASSWORD": self.root_password,
               "SPARK_ACCESS_KEY": access_key, "SPARK_SECRET_KEY": secret_key}
        if history_key:
            env.update({"HISTORY_ACCESS_KEY": history_key[0], "HISTORY_SECRET_KEY": history_key[1],
                        "HISTORY_POLICY": json.dumps(m["historyPolicy"])})
        if path is not None:
            env["PATH"] = path
        r = subprocess.run(["/bin/sh", "-c", m["setupScript"]], env=env, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"MinIO setup script failed:\n{r.stdout}\n{r.stderr}")
        log(r.stdout.strip().splitlines()[-1])
        self.mc_run("mb", "--ignore-existing", f"store/{rendered['eventLogMarker']}", key=(access_key, secret_key))


# --- the program's profile ---------------------------------------------------------------------

def render(endpoint: str, staging: Path, committer: str | None = None, conf: dict[str, str] | None = None,
           stack: str = "local", ivy: Path | None = None, truststore: Path | None = None) -> dict:
    """What the program deploys for `stack`, via tools/render-local.ts (node + ts-node)."""
    tsnode = ROOT / "node_modules" / ".bin" / "ts-node"
    if not tsnode.exists():
        raise SystemExit("run `npm ci` first: the sparkConf comes from the Pulumi program's S3A profile")
    cmd = [str(tsnode), "-T", str(ROOT / "tools" / "render-local.ts"), "--stack", stack,
           "--endpoint", endpoint, "--staging", str(staging), "--ivy", str(ivy or (CACHE / "ivy"))]
    if committer:
        cmd += ["--committer", committer]
    if truststore:
        cmd += ["--truststore", str(truststore)]
    for k, v in (conf or {}).items():
        cmd += ["--conf", f"{k}={v}"]
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"render-local failed: {r.stderr}")
    return json.loads(r.stdout)


def localize_jars(conf: dict[str, str]) -> dict[str, str]:
    """spark.jars from Maven Central -> the cached local copies (downloaded once)."""
    out = dict(conf)
    if out.get("spark.jars"):
        out["spark.jars"] = ",".join(
            str(fetch_jar(j)) if j.startswith("https://") else j for j in out["spark.jars"].split(","))
    return out


# --- the job -----------------------------------------------------------------------------------

@dataclass
class JobResult:
    returncode: int
    summary: dict | None
    log: str


def run_job(conf: dict[str, str], paths: dict[str, str], access_key: str, secret_key: str,
            workdir: Path, master: str = "local[2]", timeout: int = 900, cwd: Path | None = None,
            extra_env: dict[str, str] | None = None) -> JobResult:
    """Run doglover.py in its own pyspark process (a fresh JVM per run: jars and conf differ)."""
    conf_file = workdir / f"sparkconf-{secrets.token_hex(4)}.json"
    conf_file.write_text(json.dumps(conf))
    env = {**os.environ, "AWS_ACCESS_KEY_ID": access_key, "AWS_SECRET_ACCESS_KEY": secret_key,
           "PYSPARK_PYTHON": sys.executable, "SPARK_LOCAL_IP": "127.0.0.1", **(extra_env or {})}
    # Credentials: environment only, as in the cluster (never in sparkConf).
    cmd = [sys.executable, str(HERE / "submit_local.py"), "--conf-file", str(conf_file), "--master", master,
           "--", "--input", paths["input"], "--output", paths["output"],
           "--aggregates", paths["aggregates"], "--rejects", paths["rejects"]]
    log(f"running DogLover ({master}, committer {conf.get('spark.hadoop.fs.s3a.committer.name')})...")
    t0 = time.monotonic()
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout, cwd=cwd)
    conf_file.unlink(missing_ok=True)
    summary = None
    for line in r.stdout.splitlines():
        if line.startswith("DOGLOVER_SUMMARY "):
            summary = json.loads(line.split(" ", 1)[1])
    log(f"job exited {r.returncode} after {time.monotonic() - t0:.0f} s")
    return JobResult(r.returncode, summary, r.stdout + r.stderr)


def s3_key(path: str) -> str:
    """s3a://bucket/key -> bucket/key (mc's path under alias `store`)."""
    return path.split("://", 1)[1].rstrip("/")


def success_file(minio: Minio, path: str) -> dict | None:
    """The _SUCCESS of an output dir: the committer's JSON, or None when it is the classic 0 bytes."""
    body = minio.mc_run("cat", f"store/{s3_key(path)}/_SUCCESS")
    return json.loads(body) if body.strip() else None


def list_objects(minio: Minio, prefix: str) -> list[dict]:
    out = minio.mc_run("ls", "--recursive", "--json", f"store/{prefix}")
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def incomplete_uploads(minio: Minio, prefix: str) -> list[dict]:
    """Pending (never completed or aborted) multipart uploads under bucket/prefix."""
    out = minio.mc_run("ls", "--incomplete", "--recursive", "--json", f"store/{prefix}", check=False)
    return [o for o in (json.loads(line) for line in out.splitlines() if line.strip()) if o.get("status") == "success"]


def prepare() -> None:
    """Everything a run downloads or builds, with progress on stderr: MinIO and mc from their Go
    modules, the spark-hadoop-cloud jar, and hadoop-aws with its SDK through Ivy (a short local
    Spark session with the profile's spark.jars.packages)."""
    ensure_go_tools()
    with tempfile.TemporaryDirectory(prefix="doglover-prepare-") as tmp:
        rendered = render("http://127.0.0.1:9", Path(tmp) / "staging")
        conf = localize_jars(rendered["sparkConf"])
        log(f"resolving {conf['spark.jars.packages']} into {conf['spark.jars.ivy']} (once)...")
        code = ("from pyspark.sql import SparkSession\n"
                "import json,sys\n"
                "b=SparkSession.builder.master('local[1]').config('spark.ui.enabled','false')\n"
                "for k,v in json.loads(sys.argv[1]).items(): b=b.config(k,v)\n"
                "b.getOrCreate().stop()\n")
        keep = {k: conf[k] for k in ("spark.jars.packages", "spark.jars", "spark.jars.ivy")}
        subprocess.run([sys.executable, "-c", code, json.dumps(keep)], check=True,
                       env={**os.environ, "SPARK_LOCAL_IP": "127.0.0.1"})
    log("prepared: tools built, jars cached")


# --- CLI ---------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Run DogLover locally against MinIO with the program's sparkConf.")
    p.add_argument("--records", type=int, default=None, help="sample tweets (default: the local stack's sampleRecords)")
    p.add_argument("--committer", choices=["directory", "partitioned", "magic"], default=None)
    p.add_argument("--keep", action="store_true", help="keep the temp dir (MinIO data, logs)")
    p.add_argument("--prepare-only", action="store_true", help="build the tools and cache the jars, then stop")
    a = p.parse_args(argv)
    if a.prepare_only:
        prepare()
        return 0

    tools = ensure_go_tools()
    work = Path(tempfile.mkdtemp(prefix="doglover-local-"))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        with Minio(tools["minio"], tools["mc"], work) as minio:
            staging = work / "staging"
            rendered = render(minio.url, staging, a.committer)
            conf = localize_jars(rendered["sparkConf"])
            access_key, secret_key = "spark" + secrets.token_hex(6), new_secret()
            minio.setup(rendered, access_key, secret_key)

            sys.path.insert(0, str(HERE))
            import generate_tweets
            records = a.records or rendered["sampleRecords"]
            data = work / "tweets.jsonl"
            with open(data, "w", encoding="utf-8") as f:
                expected = generate_tweets.write(records, 42, f)
            key = (access_key, secret_key)
            minio.mc_run("cp", "--quiet", str(data), f"store/{s3_key(rendered['paths']['input'])}/tweets.jsonl", key=key)
            log(f"uploaded {records} sample tweets to {rendered['paths']['input']}")

            result = run_job(conf, rendered["paths"], access_key, secret_key, work)
            if result.returncode != 0:
                print(result.log[-6000:], file=sys.stderr)
                return result.returncode
            print(json.dumps({"summary": result.summary, "expected_dog_tweets": expected["dog_tweets"]}, indent=1))
            for name in ("output", "aggregates", "rejects"):
                path = rendered["paths"][name]
                objs = list_objects(minio, s3_key(path))
                size = sum(o.get("size", 0) for o in objs)
                print(f"{name}: {path}  {len(objs)} objects, {size} bytes")
            s = success_file(minio, rendered["paths"]["output"])
            if s:
                # The committers list at most 100 file names (Hadoop's SUCCESS_MARKER_FILE_LIMIT,
                # CommitConstants): a sample that proves the committer, not the output's manifest.
                listed = len(s.get("filenames", []))
                print(f"_SUCCESS: committer={s.get('committer')} name={s.get('name')} hostname={s.get('hostname')}; "
                      f"lists {listed} file name(s){' (the first 100 only: list the output for all)' if listed >= 100 else ''}")
            else:
                print("_SUCCESS: 0 bytes (the classic FileOutputCommitter ran)")
            return 0
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        if a.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
