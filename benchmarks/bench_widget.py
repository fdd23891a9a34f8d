"""Widget round trip through the whole server, next to Rasa's `Agent.handle_message` alone.

Round trip: a socket.io client emits `user_uttered` and waits for the last `bot_uttered` of
the answer (validation, language detection, storing the message, Rasa with the in-process
knowledge action, storing the replies, delivery). Baseline: `Agent.handle_message` on the
same model and messages, with a CollectingOutputChannel and nothing stored by Nahbar.
Then 1, 10 and 100 customers at once, each sending the same ten messages: p50/p99 of
every round trip, whether every reply arrived (and every message is in the database), and
the process's resident memory. Needs a trained model (`nahbar train`).

    .venv/bin/python benchmarks/bench_widget.py [--rounds 3] [--customers 1,10,100]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")

import numpy as np  # noqa: E402
import socketio  # noqa: E402
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage  # noqa: E402

from actions import markers  # noqa: E402
from bot.logs import quiet_rasa_logging  # noqa: E402
from bot.training import model_path  # noqa: E402
from nahbar.cli import DEMO_FILE, read_articles  # noqa: E402
from nahbar.server import ServerThread  # noqa: E402
from nahbar.settings import Settings  # noqa: E402

MESSAGES = [
    "Hello", "How long does delivery take?", "Wie lange dauert die Lieferung?", "Can I pay with PayPal?",
    "Wo finde ich meine Rechnung?", "Do you ship to Austria?", "Kann ich meine Bestellung stornieren?",
    "thanks", "Which frame size do I need?", "Can I bring my dog to the moon?",
]


def p(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def concurrent_customers(url: str, customers: int, expected: list[int]) -> tuple[list[float], int, int]:
    """All customers at once; (round trips, replies received, replies expected)."""
    results = await asyncio.gather(*(widget_round_trips(url, MESSAGES, expected) for _ in range(customers)))
    times = [t for trips, _received in results for t in trips]
    received = sum(count for _trips, count in results)
    return times, received, customers * sum(expected)


async def widget_round_trips(url: str, messages: list[str], expected: list[int]) -> tuple[list[float], int]:
    """One customer's messages in turn; the round trips and how many replies arrived."""
    client = socketio.AsyncClient(reconnection=False)
    queue: asyncio.Queue = asyncio.Queue()
    confirmed = asyncio.Event()
    token = {}

    async def on_confirm(data):
        token["id"] = data["session_id"]
        confirmed.set()

    client.on("session_confirm", on_confirm)
    client.on("bot_uttered", lambda data: queue.put_nowait(data))
    await client.connect(url, transports=["websocket"], wait_timeout=30)
    await client.emit("session_request", {"session_id": None})
    await confirmed.wait()
    times, received = [], 0
    for text, count in zip(messages, expected):
        start = time.perf_counter()
        await client.emit("user_uttered", {"message": text, "session_id": token["id"]})
        try:
            for _ in range(count):
                await asyncio.wait_for(queue.get(), 120)
                received += 1
        except asyncio.TimeoutError:
            continue  # counted as lost below
        times.append((time.perf_counter() - start) * 1000)
    await client.disconnect()
    return times, received


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--customers", default="1,10,100")
    args = parser.parse_args()
    loads = [int(n) for n in args.customers.split(",") if n.strip()]
    concurrency: list[tuple[int, list[float], int, int, int, int, float]] = []
    models = Settings.from_env({}).models_dir
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        settings = replace(
            Settings.from_env({}), data_dir=Path(tmp), database_url=f"sqlite:///{tmp}/nahbar.db",
            port=8799, rasa_model=model_path(models), bridge_interval_minutes=0,
        )
        server = ServerThread(settings).start()
        quiet_rasa_logging()
        server.parts.knowledge.import_articles(read_articles(DEMO_FILE), actor="bench")
        agent = server.parts.brain.agent

        async def direct(sender: str, text: str) -> int:
            output = CollectingOutputChannel()
            await agent.handle_message(UserMessage(text, output, sender))
            # What the actions tell the helpdesk (actions.markers) is data, never sent to the widget.
            return sum(1 for m in output.messages if markers.read(m.get("custom")) is None)

        baseline, widget = [], []
        expected: list[int] = []
        for round_no in range(args.rounds):
            counts = []
            for text in MESSAGES:
                start = time.perf_counter()
                counts.append(asyncio.run_coroutine_threadsafe(direct(f"bench-{round_no}", text), server.loop).result())
                baseline.append((time.perf_counter() - start) * 1000)
            expected = counts
            widget += asyncio.run(widget_round_trips(server.url, MESSAGES, expected))[0]
        from sqlalchemy import func, select

        from helpdesk.schema import messages as message_table

        for customers in loads:
            with server.parts.engine.connect() as conn:
                before = conn.execute(select(func.count()).select_from(message_table)).scalar_one()
            times, received, wanted = asyncio.run(concurrent_customers(server.url, customers, expected))
            with server.parts.engine.connect() as conn:
                stored = conn.execute(select(func.count()).select_from(message_table)).scalar_one() - before
            concurrency.append((customers, times, received, wanted, stored,
                                customers * (len(MESSAGES) + sum(expected)), rss_mib()))
        server.stop()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; {len(widget)} messages, 1 customer at a time")
    print(f"widget round trip        p50 {statistics.median(widget):7.1f} ms   p99 {p(widget, 99):7.1f} ms")
    print(f"Agent.handle_message     p50 {statistics.median(baseline):7.1f} ms   p99 {p(baseline, 99):7.1f} ms")
    print(f"overhead of the widget path at p50: {statistics.median(widget) - statistics.median(baseline):.1f} ms")
    print("\ncustomers at once   round trips   p50 ms    p99 ms   replies received/expected   stored/expected   RSS MiB")
    for customers, times, received, wanted, stored, stored_wanted, rss in concurrency:
        p50 = statistics.median(times) if times else float("nan")
        p99 = p(times, 99) if times else float("nan")
        print(f"{customers:17d}   {len(times):11d}   {p50:6.1f}   {p99:7.1f}   {received:>10d}/{wanted:<14d}   "
              f"{stored:>7d}/{stored_wanted:<7d}   {rss:7.0f}")


if __name__ == "__main__":
    main()
