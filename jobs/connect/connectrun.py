"""Run the program's Spark Connect server on this machine: the pyspark distribution's
SparkConnectServer, started with the conf and the command the program renders
(tools/render-connect.ts over the platform conf of tools/render-local.ts), on 127.0.0.1.

The MinIO, bucket, key and jar helpers are DogLover's (jobs/doglover/localrun.py), imported, not
copied. Used by the tests (jobs/connect/tests) and the benchmark (bench_connect.py).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "jobs" / "doglover"))

import localrun  # noqa: E402

import pyspark  # noqa: E402

SPARK_HOME = Path(pyspark.__file__).parent
TOKEN_ENV = "SPARK_CONNECT_AUTHENTICATE_TOKEN"


def log(msg: str) -> None:
    print(f"[connect-local] {msg}", file=sys.stderr, flush=True)


def render_connect(platform_conf: dict[str, str], conf_file: Path, stack: str = "local", settings: dict | None = None,
                   conf: dict[str, str] | None = None) -> dict:
    """What the program deploys for the stack's Connect server, via tools/render-connect.ts."""
    tsnode = ROOT / "node_modules" / ".bin" / "ts-node"
    if not tsnode.exists():
        raise SystemExit("run `npm ci` first: the server's conf comes from the Pulumi program")
    platform_file = conf_file.with_name(f"platform-{secrets.token_hex(4)}.json")
    platform_file.write_text(json.dumps(platform_conf))
    cmd = [str(tsnode), "-T", str(ROOT / "tools" / "render-connect.ts"), "--stack", stack,
           "--platform-conf", str(platform_file), "--spark-home", str(SPARK_HOME), "--conf-file", str(conf_file)]
    for k, v in (settings or {}).items():
        cmd += [f"--{k}", str(v)]
    for k, v in (conf or {}).items():
        cmd += ["--conf", f"{k}={v}"]
    try:
        r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    finally:
        platform_file.unlink(missing_ok=True)
    if r.returncode != 0:
        raise RuntimeError(f"render-connect failed: {r.stderr}")
    return json.loads(r.stdout)


def local_conf(port: int, ui_port: int, master: str = "local[2]") -> dict[str, str]:
    """What a run on this machine replaces: the master, the loopback address, the ports."""
    return {"spark.master": master, "spark.connect.grpc.binding.address": "127.0.0.1",
            "spark.connect.grpc.binding.port": str(port), "spark.driver.host": "127.0.0.1",
            "spark.driver.bindAddress": "127.0.0.1", "spark.ui.port": str(ui_port)}


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class ConnectServer:
    """The Connect server as a context manager: started with the rendered command and conf file,
    the token in its environment only (never in the conf), stopped (its whole process group) on
    exit, error or Ctrl-C. `stop()` may be called before exit; it is idempotent."""

    rendered: dict
    conf_file: Path
    token: str | None
    aws_key: tuple[str, str]
    port: int
    log_file: Path
    timeout: float = 300
    proc: subprocess.Popen | None = field(default=None, repr=False)

    def __enter__(self) -> "ConnectServer":
        self.conf_file.write_text(self.rendered["properties"])
        env = {k: v for k, v in os.environ.items() if k != TOKEN_ENV}
        env.update({"SPARK_HOME": str(SPARK_HOME), "SPARK_LOCAL_IP": "127.0.0.1", "PYSPARK_PYTHON": sys.executable,
                    "AWS_ACCESS_KEY_ID": self.aws_key[0], "AWS_SECRET_ACCESS_KEY": self.aws_key[1]})
        if self.token is not None:
            env[TOKEN_ENV] = self.token
        out = self.log_file.open("wb")
        t0 = time.monotonic()
        self.proc = subprocess.Popen(self.rendered["command"], env=env, stdout=out, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        out.close()
        try:
            while not port_open(self.port):
                if self.proc.poll() is not None:
                    raise RuntimeError(f"the Connect server exited with {self.proc.returncode}:\n{self.log()[-4000:]}")
                if time.monotonic() - t0 > self.timeout:
                    raise RuntimeError(f"the Connect server did not open port {self.port} in {self.timeout:.0f} s:\n{self.log()[-4000:]}")
                time.sleep(0.5)
        except BaseException:
            self.stop()
            raise
        log(f"Connect server ready on 127.0.0.1:{self.port} after {time.monotonic() - t0:.0f} s")
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
            log("Connect server stopped")

    def log(self) -> str:
        return self.log_file.read_text(errors="replace") if self.log_file.exists() else ""

    def url(self, token: str | None = None, host: str = "localhost") -> str:
        return f"sc://{host}:{self.port}/" + (f";token={token}" if token is not None else "")

    def pids(self) -> list[int]:
        """The server's process group (spark-submit's shell and the JVM)."""
        if not self.proc:
            return []
        out = []
        for p in Path("/proc").iterdir():
            if p.name.isdigit():
                try:
                    if os.getpgid(int(p.name)) == self.proc.pid:
                        out.append(int(p.name))
                except (ProcessLookupError, PermissionError):
                    pass
        return out


def session(url: str):
    """A new Spark Connect session (its own session id) on the server at `url`."""
    from pyspark.sql import SparkSession
    return SparkSession.builder.remote(url).create()
