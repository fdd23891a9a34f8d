"""`nahbar actions`: a separate rasa_sdk action server that answers from the knowledge base."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from benchmarks.server_process import free_port

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent


async def test_a_separate_action_server_answers_from_the_knowledge_base(tmp_path: Path):
    env = {**os.environ, "NAHBAR_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'n.db'}"}
    nahbar = [sys.executable, "-m", "nahbar.cli"]
    subprocess.run([*nahbar, "kb", "import", str(ROOT / "knowledge/demo/velora_faq.yml")], env=env, check=True,
                   capture_output=True, timeout=300)
    port = free_port()
    process = subprocess.Popen([*nahbar, "actions", "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        call = {
            "next_action": "action_answer_from_knowledge", "sender_id": "t", "version": "3.6.21", "domain": {},
            "tracker": {"sender_id": "t", "slots": {"language": "de"}, "events": [], "paused": False,
                        "latest_message": {"text": "Wie lange dauert die Lieferung?", "intent": {}, "entities": []},
                        "latest_action_name": "action_listen", "active_loop": {}, "followup_action": None},
        }
        async with aiohttp.ClientSession() as http:
            deadline = time.monotonic() + 180
            while True:
                assert process.poll() is None, "the action server stopped"
                try:
                    async with http.post(f"http://127.0.0.1:{port}/webhook", json=call) as response:
                        result = await response.json()
                        break
                except aiohttp.ClientConnectionError:
                    assert time.monotonic() < deadline, "the action server did not start"
                    time.sleep(1)
        assert {"event": "slot", "name": "last_article", "value": "lieferzeit"} in [
            {k: e.get(k) for k in ("event", "name", "value")} for e in result["events"]]
    finally:
        process.terminate()
        process.wait(30)
