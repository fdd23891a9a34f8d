"""Load on Nahbar: N customers × M messages over socket.io, the database the oracle.

Each customer connects like a widget, sends its messages one after the other (the next
when the server says the turn is over, or after a time limit), and records what arrives.
Afterwards the database is read: every sent message stored exactly once and in order,
every customer message answered, every stored bot message delivered exactly once to its
customer, and no socket closed by the server. Printed: messages/s, first-reply p50/p99,
event-loop lag (a GET /healthz every second while the load runs) and the server's RSS.

Each code tree given runs in its own server process on a fresh SQLite database with the
demo knowledge base and the same trained model, one after the other, so today's `main`
(from a `git worktree`) and the working tree are measured side by side in one run:

    git worktree add /tmp/base main
    .venv/bin/python benchmarks/bench_load.py --customers 100 --messages 20 --tree /tmp/base --tree .

With `--processes N` (repeatable) the working tree runs as `scripts/cluster.sh N` instead:
N processes behind HAProxy on the machine's PostgreSQL and Redis, the customers connecting
through the balancer; so one and two processes are measured side by side in one run:

    .venv/bin/python benchmarks/bench_load.py --customers 200 --messages 20 --processes 1 --processes 2

Only 127.0.0.1 is contacted; every wait is bounded; the servers it started are stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import numpy as np
import socketio
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.server_process import ClusterProcess, ServerProcess, get  # noqa: E402
from helpdesk.conversations import hash_token  # noqa: E402

MESSAGES = [
    "Hello", "How long does delivery take?", "Wie lange dauert die Lieferung?", "Can I pay with PayPal?",
    "Wo finde ich meine Rechnung?", "Do you ship to Austria?", "Kann ich meine Bestellung stornieren?",
    "thanks", "Which frame size do I need?", "Do you sell gift cards?",
]


@dataclass
class Customer:
    """What one simulated customer sent and saw."""

    sent: list[str] = field(default_factory=list)
    first_reply_ms: list[float] = field(default_factory=list)
    received_ids: list[int] = field(default_factory=list)
    unanswered: int = 0  # turns that timed out without `message_handled`
    told_to_wait: int = 0  # `queued` notices: the bot was busy and the customer was told so
    closed_by_server: bool = False
    token: Optional[str] = None


@dataclass
class LoadResult:
    customers: list[Customer]
    seconds: float
    lag_ms: list[float]
    rss_mib: list[float]  # all server processes together, sampled every second
    server_cpu_seconds: Optional[float] = None
    processes: int = 1

    @property
    def sent(self) -> int:
        return sum(len(c.sent) for c in self.customers)

    def figures(self) -> dict[str, Any]:
        first = [t for c in self.customers for t in c.first_reply_ms]
        return {
            "messages_sent": self.sent,
            "messages_per_second": round(self.sent / self.seconds, 2) if self.seconds else 0.0,
            "first_reply_p50_ms": _p(first, 50), "first_reply_p99_ms": _p(first, 99),
            "first_reply_max_ms": round(max(first), 1) if first else None,
            "loop_lag_p50_ms": _p(self.lag_ms, 50), "loop_lag_p99_ms": _p(self.lag_ms, 99),
            "processes": self.processes,
            "rss_max_mib": round(max(self.rss_mib), 1) if self.rss_mib else None,
            "rss_max_mib_per_process": round(max(self.rss_mib) / self.processes, 1) if self.rss_mib else None,
            "server_cpu_ms_per_message": (round(self.server_cpu_seconds * 1000 / self.sent, 1)
                                          if self.server_cpu_seconds is not None and self.sent else None),
            "server_cores_busy": (round(self.server_cpu_seconds / self.seconds, 2)
                                  if self.server_cpu_seconds is not None and self.seconds else None),
            "turns_timed_out": sum(c.unanswered for c in self.customers),
            "turns_told_to_wait": sum(c.told_to_wait for c in self.customers),
            "sockets_closed_by_server": sum(c.closed_by_server for c in self.customers),
        }


def _p(values: list[float], q: float) -> Optional[float]:
    return round(float(np.percentile(np.asarray(values), q)), 1) if values else None


def _message_id(frame: dict[str, Any]) -> Optional[int]:
    """The stored id of a pushed message: in `metadata` now, at the top level before issue 11."""
    meta = frame.get("metadata") if isinstance(frame.get("metadata"), dict) else {}
    found = meta.get("id", frame.get("id"))
    return found if isinstance(found, int) else None


async def one_customer(url: str, messages: list[str], turn_timeout: float, index: int) -> Customer:
    customer = Customer()
    client = socketio.AsyncClient(reconnection=False)
    confirmed = asyncio.Event()
    handled: asyncio.Queue = asyncio.Queue()
    first_frame: dict[str, float] = {}
    leaving = False

    async def on_confirm(data: Any) -> None:
        customer.token = data["session_id"] if isinstance(data, dict) else data
        confirmed.set()

    async def on_bot(frame: Any) -> None:
        first_frame.setdefault("at", time.perf_counter())
        if isinstance(frame, dict) and _message_id(frame) is not None:
            customer.received_ids.append(_message_id(frame))

    async def on_disconnect(*_args: Any) -> None:
        if not leaving:
            customer.closed_by_server = True

    client.on("session_confirm", on_confirm)
    client.on("bot_uttered", on_bot)
    client.on("message_handled", lambda data: handled.put_nowait(data))

    async def on_queued(_data: Any) -> None:
        customer.told_to_wait += 1

    client.on("queued", on_queued)
    client.on("disconnect", on_disconnect)
    await client.connect(url, transports=["websocket"], wait_timeout=60)
    await client.emit("session_request", {"session_id": None, "customData": {"language": "en"}})
    await asyncio.wait_for(confirmed.wait(), 60)
    for number, text in enumerate(messages):
        if customer.closed_by_server:
            break
        first_frame.clear()
        start = time.perf_counter()
        await client.emit("user_uttered", {"message": text, "session_id": customer.token,
                                           "client_id": f"load-{index}-{number}"})
        customer.sent.append(text)
        try:
            await asyncio.wait_for(handled.get(), turn_timeout)
        except asyncio.TimeoutError:
            customer.unanswered += 1
            continue
        if "at" in first_frame:
            customer.first_reply_ms.append((first_frame["at"] - start) * 1000)
    await asyncio.sleep(1.0)  # answers still on their way
    leaving = True
    await client.disconnect()
    return customer


async def probe_lag(url: str, stop: asyncio.Event, lag: list[float]) -> None:
    """A GET /healthz every second: how long the server's event loop keeps a request waiting."""
    while not stop.is_set():
        start = time.perf_counter()
        try:
            await asyncio.to_thread(get, f"{url}/healthz", 30)
            lag.append((time.perf_counter() - start) * 1000)
        except OSError:
            lag.append(30_000.0)
        try:
            await asyncio.wait_for(stop.wait(), 1.0)
        except asyncio.TimeoutError:
            pass


def cpu_seconds(pids: list[int]) -> Optional[float]:
    """User plus system CPU time the server processes have used so far."""
    total = 0.0
    try:
        for pid in pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return None
    return total if pids else None


async def sample_rss(pids: list[int], stop: asyncio.Event, rss: list[float]) -> None:
    while pids and not stop.is_set():
        total = 0.0
        try:
            for pid in pids:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) / 1024
        except OSError:
            return
        rss.append(total)
        try:
            await asyncio.wait_for(stop.wait(), 1.0)
        except asyncio.TimeoutError:
            pass


async def run_load(url: str, customers: int, messages: int, pids: Optional[list[int]] = None,
                   turn_timeout: float = 120.0, ramp_seconds: float = 2.0) -> LoadResult:
    texts = [MESSAGES[i % len(MESSAGES)] for i in range(messages)]
    stop = asyncio.Event()
    lag: list[float] = []
    rss: list[float] = []
    pids = pids or []
    probes = [asyncio.create_task(probe_lag(url, stop, lag)), asyncio.create_task(sample_rss(pids, stop, rss))]

    async def staggered(index: int) -> Customer:
        await asyncio.sleep(ramp_seconds * index / max(1, customers))
        return await one_customer(url, texts, turn_timeout, index)

    start, cpu_start = time.perf_counter(), cpu_seconds(pids)
    results = await asyncio.gather(*(staggered(i) for i in range(customers)))
    seconds = time.perf_counter() - start
    cpu_end = cpu_seconds(pids)
    stop.set()
    await asyncio.gather(*probes)
    cpu = cpu_end - cpu_start if cpu_start is not None and cpu_end is not None else None
    return LoadResult(list(results), seconds, lag, rss, cpu, max(1, len(pids)))


def check(database_url: str, result: LoadResult) -> dict[str, int]:
    """The database against what the customers sent and saw; every figure should be 0."""
    engine = sa.create_engine(database_url)
    meta = sa.MetaData()
    conversations = sa.Table("chat_conversations", meta, autoload_with=engine)
    messages = sa.Table("chat_messages", meta, autoload_with=engine)

    problems = {"lost": 0, "duplicated": 0, "out_of_order": 0, "unanswered": 0, "undelivered": 0,
                "delivered_twice": 0, "sockets_closed_by_server": 0}
    with engine.connect() as conn:
        for customer in result.customers:
            problems["sockets_closed_by_server"] += customer.closed_by_server
            if customer.token is None:
                problems["lost"] += len(customer.sent)
                continue
            token_hash = hash_token(customer.token)
            conversation = conn.execute(
                sa.select(conversations.c.id).where(conversations.c.token_hash == token_hash)).scalar()
            rows = [] if conversation is None else list(conn.execute(
                sa.select(messages.c.id, messages.c.sender, messages.c.text, messages.c.data)
                .where(messages.c.conversation_id == conversation).order_by(messages.c.id)))
            stored = [row.text for row in rows if row.sender == "customer"]
            missing = len(customer.sent) - len(stored)
            problems["lost"] += max(0, missing)
            problems["duplicated"] += max(0, -missing)
            if missing == 0 and stored != customer.sent:
                problems["out_of_order"] += 1
            problems["unanswered"] += len(stored) - _answered(rows)
            pushed = [row.id for row in rows if row.sender != "customer"]
            seen = customer.received_ids
            problems["undelivered"] += len(set(pushed) - set(seen))
            problems["delivered_twice"] += len(seen) - len(set(seen))
    engine.dispose()
    return problems


def _answered(rows: list[Any]) -> int:
    """Customer messages with an answer: replies name the message they answer (`reply_to`,
    since issue 11); before that, a reply is what directly follows (customers here wait for
    each answer before they write again)."""
    if any(isinstance(r.data, dict) and "reply_to" in r.data for r in rows):
        replied = {r.data["reply_to"] for r in rows if isinstance(r.data, dict) and "reply_to" in r.data}
        return sum(1 for r in rows if r.sender == "customer" and r.id in replied)
    return sum(1 for i, r in enumerate(rows) if r.sender == "customer" and i + 1 < len(rows)
               and rows[i + 1].sender != "customer")


def _commit(tree: Path) -> str:
    try:
        return subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, timeout=10).stdout.strip() or "?"
    except OSError:
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=100)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--tree", action="append", type=Path, help="a code tree to run (repeat for side by side)")
    parser.add_argument("--processes", action="append", type=int,
                        help="run the working tree as scripts/cluster.sh N behind HAProxy (repeat for side by side)")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test",
                        help="the PostgreSQL server for --processes (a database of its own is made there)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0", help="the Redis for --processes")
    parser.add_argument("--turn-timeout", type=float, default=120.0)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    trees = args.tree or ([] if args.processes else [ROOT])
    from bot.training import model_path

    model = model_path(ROOT / "models")
    if not model.is_file():
        raise SystemExit(f"no trained model at {model}: run `nahbar train` first")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"{args.customers} customers × {args.messages} messages; model {model.name}")
    report = []
    workdir = Path(tempfile.mkdtemp(prefix="nahbar-load-"))
    try:
        for tree in trees:
            server = ServerProcess(tree, sys.executable, model, workdir / f"data-{len(report)}")
            server.load_demo()
            server.start()
            try:
                result = asyncio.run(run_load(server.url, args.customers, args.messages, [server.process.pid],
                                              args.turn_timeout))
            finally:
                server.stop()
            figures = {"tree": str(tree), "commit": _commit(tree), **result.figures(),
                       **{f"db_{k}": v for k, v in check(server.database_url, result).items()}}
            report.append(figures)
            print(json.dumps(figures), flush=True)
        for processes in args.processes or []:
            cluster = ClusterProcess(ROOT, processes, args.postgres, args.redis, {"NAHBAR_RASA_MODEL": str(model)},
                                     log=workdir / f"cluster-{processes}.log").start()
            try:
                result = asyncio.run(run_load(cluster.url, args.customers, args.messages, cluster.pids,
                                              args.turn_timeout))
                problems = check(cluster.database_url, result)
            finally:
                cluster.stop()
            figures = {"tree": f"cluster of {processes}", "commit": f"{_commit(ROOT)}×{processes}",
                       **result.figures(), **{f"db_{k}": v for k, v in problems.items()}}
            report.append(figures)
            print(json.dumps(figures), flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    keys = [k for k in report[0] if k != "tree"]
    print("\n" + "figure".ljust(30) + "".join(str(r["commit"]).rjust(14) for r in report))
    for key in keys[1:]:
        print(key.ljust(30) + "".join(str(r.get(key)).rjust(14) for r in report))
    if len(report) == 2 and report[0]["messages_per_second"]:
        print(f"\nthroughput ratio (second / first): {report[1]['messages_per_second'] / report[0]['messages_per_second']:.2f}×")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
