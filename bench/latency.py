"""Per-request latency between S3A and MinIO: Toxiproxy (Shopify's TCP proxy for simulating
network conditions), built from its Go module, on 127.0.0.1.

S3A talks to the proxy; the proxy forwards to MinIO. With no toxic the proxy only relays bytes (on
loopback: well under a millisecond); with the `latency` toxic on the downstream (server to client)
stream every response waits `ms` before it reaches S3A, so every HTTP round trip costs `ms` more,
as on a store that is some network distance and server time away. Toxiproxy's latency toxic
delays each chunk to its arrival time + latency, not one chunk after another (toxics/latency.go,
LatencyToxic.Pipe: `sleep := t.delay() - time.Since(c.Timestamp)`), so a large GET is shifted by
`ms` once, not slowed per chunk; and a toxic added or removed applies to the connections already
open too (toxic_collection.go, chainAddToxic/chainRemoveToxic walk every link), so S3A's pooled
connections see the change between two writes of one Spark session.

The request path only: mc and the benchmark's MinIO metrics go to MinIO directly.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "jobs" / "doglover"))

import localrun  # noqa: E402

#: The server package of Toxiproxy's Go module, pinned (the newest tag the Go module proxy served
#: on 2026-12-03; `go list -m github.com/Shopify/toxiproxy/v2@v2.12.0`).
TOXIPROXY_MODULE = "github.com/Shopify/toxiproxy/v2/cmd/server@v2.12.0"
TOXIPROXY_BINARY = "toxiproxy-server"


def log(msg: str) -> None:
    print(f"[latency] {msg}", file=sys.stderr, flush=True)


def ensure_toxiproxy(cache: Path = localrun.CACHE) -> Path:
    """Build (once) and return toxiproxy-server. `go install` names the binary after its package
    directory (`server`), so it is built into a scratch GOBIN and renamed."""
    bindir = cache / "bin"
    bindir.mkdir(parents=True, exist_ok=True)
    binary, stamp = bindir / TOXIPROXY_BINARY, bindir / f".{TOXIPROXY_BINARY}.version"
    if binary.exists() and stamp.exists() and stamp.read_text() == TOXIPROXY_MODULE:
        return binary
    if shutil.which("go") is None:
        raise SystemExit(f"Go is needed to build Toxiproxy ({TOXIPROXY_MODULE}); install Go 1.24+ first")
    log(f"building Toxiproxy from its Go module {TOXIPROXY_MODULE} (first run only; a minute or two)...")
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="toxiproxy-build-", dir=bindir) as gobin:
        env = {**os.environ, "GOBIN": gobin, "GOFLAGS": "-mod=mod", "CGO_ENABLED": "0"}
        subprocess.run(["go", "install", TOXIPROXY_MODULE], env=env, check=True)
        os.replace(Path(gobin) / "server", binary)
    stamp.write_text(TOXIPROXY_MODULE)
    log(f"built Toxiproxy in {time.monotonic() - t0:.0f} s")
    return binary


@dataclass
class Toxiproxy:
    """A Toxiproxy server on loopback with one proxy in front of `upstream` (host:port); use as a
    context manager so it always stops. `url` is the proxy's address with scheme, for S3A."""

    binary: Path
    upstream: str
    workdir: Path
    api_port: int = field(default_factory=localrun.free_port)
    listen_port: int = field(default_factory=localrun.free_port)
    name: str = "s3"
    latency_ms: int = 0
    proc: subprocess.Popen | None = None

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listen_port}"

    def _call(self, method: str, path: str, body: dict | None = None) -> dict | None:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"{self.api}{path}", data=data, method=method, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            text = r.read().decode()
        return json.loads(text) if text.strip() else None

    def __enter__(self) -> "Toxiproxy":
        logf = open(self.workdir / "toxiproxy.log", "wb")
        self.proc = subprocess.Popen([str(self.binary), "-host", "127.0.0.1", "-port", str(self.api_port)],
                                     stdout=logf, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 30
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Toxiproxy exited with {self.proc.returncode}; see {self.workdir / 'toxiproxy.log'}")
            try:
                self._call("GET", "/version")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    self.__exit__(None, None, None)
                    raise RuntimeError("Toxiproxy did not answer within 30 s")
                time.sleep(0.2)
        try:
            self._call("POST", "/proxies", {"name": self.name, "listen": f"127.0.0.1:{self.listen_port}",
                                            "upstream": self.upstream, "enabled": True})
        except BaseException:
            self.__exit__(None, None, None)
            raise
        log(f"Toxiproxy {self.url} -> {self.upstream} (API {self.api})")
        return self

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def set_latency(self, ms: int) -> None:
        """Every response from the upstream waits `ms` (0: none). Idempotent."""
        if ms == self.latency_ms:
            return
        if self.latency_ms:
            self._call("DELETE", f"/proxies/{self.name}/toxics/latency")
        if ms:
            self._call("POST", f"/proxies/{self.name}/toxics", {"name": "latency", "type": "latency", "stream": "downstream",
                                                                 "toxicity": 1.0, "attributes": {"latency": ms, "jitter": 0}})
        self.latency_ms = ms

    def toxics(self) -> list[dict]:
        return self._call("GET", f"/proxies/{self.name}/toxics") or []
