"""Presence: who is connected, and when an agent counts as gone.

Every behaviour holds for both implementations: one process's memory, and leases in
Redis shared by several processes (on the machine's Redis, under a prefix of its own).
"""

import asyncio
import uuid

import pytest

from helpdesk.presence import LocalPresence, RedisPresence
from nahbar.cluster import redis_client
from tests.conftest import REDIS_URL

KINDS = ["local"] + (["redis"] if REDIS_URL else [])


@pytest.fixture(params=KINDS)
async def make_presence(request):
    """Makes presences; with Redis, those of one test are processes of one deployment."""
    async for make in _presences(request.param):
        yield make


@pytest.fixture(params=["redis"] if REDIS_URL else [pytest.param("redis", marks=pytest.mark.skip("needs Redis"))])
async def make_process(request):
    """Makes the presences of several processes of one deployment, sharing one Redis."""
    async for make in _presences(request.param):
        yield make


async def _presences(kind: str):
    prefix = f"nahbar-test-{uuid.uuid4().hex[:8]}"
    client = redis_client(REDIS_URL) if kind == "redis" else None
    made = []

    async def make(grace_seconds: float, lease_seconds: float = 5.0):
        if client is None:
            presence = LocalPresence(grace_seconds=grace_seconds)
        else:
            presence = RedisPresence(client, prefix, grace_seconds, lease_seconds)
        await presence.start()
        made.append(presence)
        return presence

    yield make
    for presence in made:
        await presence.stop()
    if client is not None:
        async def forget() -> None:
            keys = [key async for key in client.scan_iter(match=f"{prefix}:*")]
            if keys:
                await client.delete(*keys)

        try:  # the test's keys; bounded, so a stuck connection cannot hang the session
            await asyncio.wait_for(forget(), 10)
        finally:
            await asyncio.wait_for(client.close(), 10)


async def test_an_agent_is_gone_only_after_the_grace_period_without_a_reconnect(make_presence):
    presence = await make_presence(0.05)
    gone: asyncio.Queue = asyncio.Queue()
    presence.on_agent_gone(gone.put)
    await presence.agent_connected(7)
    await presence.agent_disconnected(7)
    assert await presence.agents_online() == []
    assert await asyncio.wait_for(gone.get(), 2) == 7


async def test_an_agent_who_reconnects_within_the_grace_period_keeps_their_chats(make_presence):
    presence = await make_presence(0.2)
    gone: asyncio.Queue = asyncio.Queue()
    presence.on_agent_gone(gone.put)
    await presence.agent_connected(7)
    await presence.agent_disconnected(7)
    await presence.agent_connected(7)  # a reload of the console
    await presence.agent_connected(8)
    await presence.agent_disconnected(8)  # started later than 7's would have: when it fires, 7's would have too
    assert await asyncio.wait_for(gone.get(), 2) == 8
    assert gone.empty() and await presence.agents_online() == [7]


async def test_an_agent_with_two_consoles_open_is_online_until_both_close(make_presence):
    presence = await make_presence(60)
    await presence.agent_connected(3)
    await presence.agent_connected(3)
    await presence.agent_disconnected(3)
    assert await presence.agents_online() == [3]


async def test_a_customer_arrives_with_the_first_widget_and_leaves_with_the_last(make_presence):
    presence = await make_presence(60)
    assert await presence.customer_connected(5) is True
    assert await presence.customer_connected(5) is False  # a second tab
    assert await presence.customer_disconnected(5) is False
    assert await presence.customer_present(5)
    assert await presence.customer_disconnected(5) is True
    assert not await presence.customer_present(5)


async def test_agents_who_held_chats_before_a_restart_are_gone_unless_they_come_back(make_presence):
    presence = await make_presence(0.05)
    gone: asyncio.Queue = asyncio.Queue()
    presence.on_agent_gone(gone.put)
    await presence.agent_connected(2)  # came back at once
    await presence.expect_agents([1, 2])
    assert await asyncio.wait_for(gone.get(), 2) == 1
    await asyncio.sleep(0.1)
    assert gone.empty()


async def test_a_customer_with_widgets_on_two_processes_arrives_once_and_leaves_with_the_last(make_process):
    first, second = await make_process(60), await make_process(60)
    assert await first.customer_connected(9) is True
    assert await second.customer_connected(9) is False
    assert await first.customer_disconnected(9) is False
    assert await second.customer_present(9) and await first.customer_present(9)
    assert await second.customer_disconnected(9) is True


async def test_an_agent_on_a_process_that_died_is_offline_after_the_lease_and_gone_after_the_grace(make_process):
    dead = await make_process(grace_seconds=0.3, lease_seconds=1.0)
    watcher = await make_process(grace_seconds=0.3, lease_seconds=1.0)
    gone: asyncio.Queue = asyncio.Queue()
    watcher.on_agent_gone(gone.put)
    dead._task.cancel()  # dies before its next renewal: no disconnect, nothing renewed after the connect
    await dead.agent_connected(4)
    assert await watcher.agents_online() == [4]
    assert await asyncio.wait_for(gone.get(), 5) == 4
    assert await watcher.agents_online() == []
