"""Faults with the real thing: a server process killed with SIGKILL, a PostgreSQL restarted
under traffic, Redis gone and back. Customers behave like Nahbar's widget (tests/resending_client.py); the
database is the oracle afterwards. Each test starts its own server process (and its own
PostgreSQL or Redis) on 127.0.0.1 and stops only what it started, by PID.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
from pathlib import Path
from typing import Callable, Iterator

import pytest
import sqlalchemy as sa

from benchmarks.server_process import ServerProcess, free_port, get
from helpdesk.schema import messages
from nahbar.settings import PROJECT_ROOT
from tests.delivery_oracle import assert_nothing_lost, collect_the_rest, converse, open_turns, wait_until
from tests.resending_client import ResendingCustomer
from tests.widget_client import WidgetClient

pytestmark = pytest.mark.slow

@pytest.fixture
def server_process(rasa_model: Path, tmp_path: Path) -> Iterator[Callable[..., ServerProcess]]:
    started: list[ServerProcess] = []

    def make(database_url: str | None = None, extra_env: dict[str, str] | None = None) -> ServerProcess:
        server = ServerProcess(PROJECT_ROOT, sys.executable, rasa_model, tmp_path / "data", database_url, extra_env)
        server.load_demo()
        started.append(server)
        return server.start()

    yield make
    for server in started:
        server.stop()


async def test_a_server_killed_mid_conversation_loses_no_acknowledged_message(server_process):
    server = server_process()
    engine = sa.create_engine(server.database_url)
    customers = [ResendingCustomer(server.url, f"k{n}") for n in range(4)]
    talking = asyncio.create_task(converse(customers))
    try:
        await wait_until(lambda: sum(len(c.sent) for c in customers) >= 8, 120, "the first messages")
        await asyncio.to_thread(server.kill)
        await asyncio.to_thread(server.start)
        await asyncio.wait_for(talking, 300)
        await wait_until(lambda: open_turns(engine) == 0, 120, "every open turn answered after the restart")
        await collect_the_rest(customers)
        assert_nothing_lost(engine, customers)
        assert sum(c.reconnects for c in customers) >= len(customers)  # every one of them was cut off
    finally:
        talking.cancel()
        for customer in customers:
            await customer.close()
        engine.dispose()


@pytest.fixture
def private_postgres() -> Iterator[tuple[str, Callable[[], None]]]:
    """A PostgreSQL of this test's own (initdb, pg_ctl on a free port), to restart at will."""
    for tool in ("initdb", "pg_ctl"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is needed for the PostgreSQL restart test (Debian: postgresql)")
    home = Path(tempfile.mkdtemp(prefix="nahbar-pg-"))
    home.chmod(0o755)
    data = home / "data"
    data.mkdir()
    as_postgres: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(data, "postgres", "postgres")
        shutil.chown(home, "postgres", "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    log = home / "postgres.log"
    subprocess.run([*as_postgres, "initdb", "-D", str(data), "-A", "trust", "-U", "postgres"], check=True,
                   stdout=subprocess.DEVNULL, timeout=120)
    options = f"-p {port} -k {home} -c listen_addresses=127.0.0.1"
    pg_ctl = [*as_postgres, "pg_ctl", "-D", str(data), "-l", str(log), "-o", options, "-w"]
    subprocess.run([*pg_ctl, "start"], check=True, stdout=subprocess.DEVNULL, timeout=120)

    def restart() -> None:
        """Down for three seconds: long enough that customers' messages arrive meanwhile."""
        subprocess.run([*pg_ctl, "-m", "fast", "stop"], check=True, stdout=subprocess.DEVNULL, timeout=120)
        time.sleep(3)
        subprocess.run([*pg_ctl, "start"], check=True, stdout=subprocess.DEVNULL, timeout=120)

    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres", restart
    finally:
        subprocess.run([*pg_ctl, "-m", "immediate", "stop"], stdout=subprocess.DEVNULL, timeout=120)
        shutil.rmtree(home, ignore_errors=True)


async def test_postgresql_restarted_under_traffic_loses_no_acknowledged_message(server_process, private_postgres):
    database_url, restart = private_postgres
    server = server_process(database_url)
    engine = sa.create_engine(database_url)
    customers = [ResendingCustomer(server.url, f"p{n}") for n in range(4)]
    talking = asyncio.create_task(converse(customers, pause=0.5))
    try:
        await wait_until(lambda: sum(len(c.sent) for c in customers) >= 6, 120, "the first messages")
        await asyncio.to_thread(restart)
        await asyncio.wait_for(talking, 300)
        await wait_until(lambda: open_turns(engine) == 0, 120, "every open turn answered after the restart")
        await collect_the_rest(customers)
        assert_nothing_lost(engine, customers)
        assert sum(c.resends for c in customers) > 0  # the outage was felt: messages were sent again
    finally:
        talking.cancel()
        for customer in customers:
            await customer.close()
        engine.dispose()


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[tuple[str, Callable[[], None], Callable[[], None]]]:
    """A Redis of this test's own on a free port, to stop and start again at will."""
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is needed for the Redis outage test (Debian: redis-server)")
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--dir", str(tmp_path)]
    running: list[subprocess.Popen] = []

    def start() -> None:
        running.append(subprocess.Popen(command, stdout=subprocess.DEVNULL))
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop() -> None:
        process = running.pop()
        process.kill()
        process.wait(timeout=30)

    start()
    try:
        yield f"redis://127.0.0.1:{port}/0", stop, start
    finally:
        while running:
            stop()


async def test_with_redis_down_messages_are_stored_the_customer_is_told_and_answered_once_it_is_back(
        server_process, private_redis):
    redis_url, stop_redis, start_redis = private_redis
    server = server_process(extra_env={"NAHBAR_REDIS_URL": redis_url})
    engine = sa.create_engine(server.database_url)
    customer = await WidgetClient(server.url).open(language="en")
    try:
        assert (await customer.ask("Hello"))[0]["sender"] == "bot"

        stop_redis()
        await wait_until(lambda: health(server.url)[0] == 503, 30, "/healthz to report the outage")
        assert "unreachable" in health(server.url)[1]["redis"]
        ack = await customer.send("How long does delivery take?")
        notice = await customer.next_matching("bot_uttered", lambda m: m["sender"] == "system")
        assert "technical problem" in notice["text"] and "saved" in notice["text"]
        assert open_turns(engine) == 1  # stored and acknowledged, waiting for Redis

        start_redis()
        answer = await customer.next_matching("bot_uttered", lambda m: m["sender"] == "bot", timeout=90)
        assert answer["id"] > ack["id"]
        await wait_until(lambda: health(server.url)[0] == 200, 30, "/healthz to report Redis back")
        with engine.connect() as conn:
            replies = [row for row in conn.execute(sa.select(messages.c.data).where(messages.c.sender == "bot"))
                       if (row.data or {}).get("reply_to") == ack["id"]]
        assert replies and open_turns(engine) == 0
    finally:
        await customer.close()
        engine.dispose()


def health(url: str) -> tuple[int, dict]:
    try:
        return 200, json.loads(get(f"{url}/healthz", 5))
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())
