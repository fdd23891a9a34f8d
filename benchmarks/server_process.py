"""A Nahbar server in a process of its own, as an operator runs it: for load and fault tests.

`nahbar serve` of a given code tree (PYTHONPATH), on its own data directory and port,
with the demo knowledge base and a given trained model. Only 127.0.0.1 is used; the
process is stopped by its PID, by whoever started it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Optional


def get(url: str, timeout: float) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (127.0.0.1 only)
        return response.read()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_process(process: Optional[subprocess.Popen], stop_signal: int, timeout: float) -> None:
    """Ask a process we started to stop; kill it if it has not within `timeout` seconds."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(stop_signal)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class ServerProcess:
    def __init__(self, tree: Path, python: str, model: Path, data_dir: Path,
                 database_url: Optional[str] = None, extra_env: Optional[dict[str, str]] = None) -> None:
        self.tree = tree.resolve()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        self.database_url = database_url or f"sqlite:///{data_dir / 'nahbar.db'}"
        self.env = {
            **os.environ, "PYTHONPATH": str(self.tree), "NAHBAR_DATA_DIR": str(data_dir),
            "DATABASE_URL": self.database_url, "NAHBAR_PORT": str(self.port), "NAHBAR_RASA_MODEL": str(model),
            "NAHBAR_BRIDGE_INTERVAL_MINUTES": "0", "TF_CPP_MIN_LOG_LEVEL": "3", **(extra_env or {}),
        }
        self.python = python
        self.process: Optional[subprocess.Popen] = None
        self.log = data_dir / "server.log"

    @property
    def pid(self) -> Optional[int]:
        return self.process.pid if self.process is not None else None

    def load_demo(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        demo = self.tree / "knowledge" / "demo" / "velora_faq.yml"
        subprocess.run([self.python, "-m", "nahbar.cli", "kb", "import", str(demo)], cwd=self.tree, env=self.env,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)

    def start(self, timeout: float = 300) -> "ServerProcess":
        """Start `nahbar serve` and wait until /healthz answers."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen([self.python, "-m", "nahbar.cli", "serve"], cwd=self.tree, env=self.env,
                                            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server of {self.tree} stopped; its log: {self.log}")
            try:
                get(f"{self.url}/healthz", 5)
                return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"the server of {self.tree} did not answer within {timeout:.0f} s; its log: {self.log}")

    def kill(self) -> None:
        """`kill -9`: no shutdown, nothing flushed, as a crash or the OOM killer leaves it."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        stop_process(self.process, signal.SIGINT, 30)


class ClusterProcess:
    """`scripts/cluster.sh N` as an operator starts it: N processes behind HAProxy on a
    database of its own on the machine's PostgreSQL and a key prefix of its own in the
    machine's Redis. Reads the URLs, PIDs and demo login it prints; stops it by its PID
    (SIGTERM: it stops what it started) and drops the database it made."""

    def __init__(self, tree: Path, processes: int, postgres_url: str, redis_url: str,
                 extra_env: Optional[dict[str, str]] = None, log: Optional[Path] = None) -> None:
        from sqlalchemy.engine import make_url

        self.tree = tree.resolve()
        self.processes = processes
        tag = os.urandom(4).hex()
        self.redis_url = redis_url
        self.redis_prefix = f"nahbar-{tag}"
        self.database_url = make_url(postgres_url).set(database=f"nahbar_cluster_{tag}").render_as_string(
            hide_password=False)
        self.env = {
            **os.environ, "DATABASE_URL": self.database_url, "NAHBAR_REDIS_URL": redis_url,
            "NAHBAR_REDIS_PREFIX": self.redis_prefix, "NAHBAR_BALANCER_PORT": "0",
            "NAHBAR_BRIDGE_INTERVAL_MINUTES": "0", "TF_CPP_MIN_LOG_LEVEL": "3", **(extra_env or {}),
        }
        self.log = log or Path(os.environ.get("TMPDIR", "/tmp")) / f"nahbar-cluster-{tag}.log"
        self.process: Optional[subprocess.Popen] = None
        self.url = ""
        self.process_urls: list[str] = []
        self.pids: list[int] = []
        self.username = ""
        self.password = ""

    def start(self, timeout: float = 900) -> "ClusterProcess":
        import re

        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(["bash", "scripts/cluster.sh", str(self.processes)], cwd=self.tree,
                                            env=self.env, stdout=subprocess.PIPE, stderr=log, text=True)
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        for line in self.process.stdout:
            line = line.strip()
            if match := re.match(r"balancer (http://\S+)$", line):
                self.url = match.group(1)
            elif match := re.match(r"process \d+ (http://\S+) \(pid (\d+)\)$", line):
                self.process_urls.append(match.group(1))
                self.pids.append(int(match.group(2)))
            elif match := re.match(r"(username|password) (\S+)", line):
                setattr(self, match.group(1), match.group(2))
            elif line.startswith("logs in"):
                return self
            if time.monotonic() > deadline:
                break
        self.stop()
        raise RuntimeError(f"scripts/cluster.sh did not start; its log: {self.log}")

    def kill(self, number: int) -> None:
        """`kill -9` of process `number` (1-based), as a crash leaves it."""
        os.kill(self.pids[number - 1], signal.SIGKILL)

    def stop(self) -> None:
        stop_process(self.process, signal.SIGTERM, 60)  # the script stops what it started
        self._drop_database()
        self._forget_keys()

    def _forget_keys(self) -> None:
        import redis

        client = redis.Redis.from_url(self.redis_url)
        keys = list(client.scan_iter(match=f"{self.redis_prefix}:*"))
        if keys:
            client.delete(*keys)
        client.close()

    def _drop_database(self) -> None:
        import sqlalchemy as sa
        from sqlalchemy.engine import make_url

        url = make_url(self.database_url)
        admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'drop database if exists "{url.database}" with (force)'))
        admin.dispose()
