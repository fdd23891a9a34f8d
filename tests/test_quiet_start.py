"""`nahbar demo` as a shop owner starts it: a few lines of progress, then the URLs and the password last."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.server_process import free_port, stop_process
from nahbar.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow


def start_demo(rasa_model: Path, data_dir: Path, *flags: str) -> tuple[list[str], subprocess.Popen]:
    """The lines `nahbar demo` prints until it shows the password (and the process, still running)."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("NAHBAR_LOG_LEVEL", "TF_CPP_MIN_LOG_LEVEL", "RASA_TELEMETRY_ENABLED", "PYTHONWARNINGS")}
    env.update(NAHBAR_DATA_DIR=str(data_dir), NAHBAR_MODELS_DIR=str(rasa_model.parent), NAHBAR_PORT=str(free_port()),
               NAHBAR_BRIDGE_INTERVAL_MINUTES="0", NAHBAR_PURGE_INTERVAL_HOURS="0")
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen([sys.executable, "-m", "nahbar.cli", *flags, "demo"], cwd=PROJECT_ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    deadline = time.monotonic() + 300
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
        if line.strip().startswith("password ") or time.monotonic() > deadline:
            break
    return lines, process


def test_the_demo_starts_quietly_and_ends_with_the_urls_and_the_password(rasa_model, tmp_path):
    lines, process = start_demo(rasa_model, tmp_path / "data")
    try:
        shown = [line for line in lines if line.strip()]
        assert shown[-1].strip().startswith("password ")  # the last line on the screen
        assert any("demo page with the chat widget  http://127.0.0.1:" in line for line in shown[-14:])
        assert len(shown) <= 16, "\n".join(shown)
        for noise in ("Warning", "WARNING", "debug", "DEBUG", "telemetry", "tensorflow", "presidio"):
            assert not any(noise in line for line in shown), noise
    finally:
        stop_process(process, signal.SIGINT, 30)


def test_verbose_shows_everything(rasa_model, tmp_path):
    lines, process = start_demo(rasa_model, tmp_path / "data", "--verbose")
    try:
        assert any("DEBUG" in line for line in lines)
        assert lines[-1].strip().startswith("password ")
    finally:
        stop_process(process, signal.SIGINT, 30)
