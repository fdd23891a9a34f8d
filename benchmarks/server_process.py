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
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
