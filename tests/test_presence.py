"""Presence: who is connected, and when an agent counts as gone (the in-process implementation)."""

import asyncio

from helpdesk.presence import LocalPresence


async def test_an_agent_is_gone_only_after_the_grace_period_without_a_reconnect():
    presence = LocalPresence(grace_seconds=0.05)
    gone: asyncio.Queue = asyncio.Queue()
    presence.on_agent_gone(gone.put)
    await presence.agent_connected(7)
    await presence.agent_disconnected(7)
    assert presence.agents_online() == []
    assert await asyncio.wait_for(gone.get(), 2) == 7


async def test_an_agent_who_reconnects_within_the_grace_period_keeps_their_chats():
    presence = LocalPresence(grace_seconds=0.2)
    gone: asyncio.Queue = asyncio.Queue()
    presence.on_agent_gone(gone.put)
    await presence.agent_connected(7)
    await presence.agent_disconnected(7)
    await presence.agent_connected(7)  # a reload of the console
    await presence.agent_connected(8)
    await presence.agent_disconnected(8)  # started later than 7's would have: when it fires, 7's would have too
    assert await asyncio.wait_for(gone.get(), 2) == 8
    assert gone.empty() and presence.agents_online() == [7]


async def test_an_agent_with_two_consoles_open_is_online_until_both_close():
    presence = LocalPresence(grace_seconds=60)
    await presence.agent_connected(3)
    await presence.agent_connected(3)
    await presence.agent_disconnected(3)
    assert presence.agents_online() == [3]


async def test_a_customer_arrives_with_the_first_widget_and_leaves_with_the_last():
    presence = LocalPresence(grace_seconds=60)
    assert await presence.customer_connected(5) is True
    assert await presence.customer_connected(5) is False  # a second tab
    assert await presence.customer_disconnected(5) is False
    assert presence.customer_present(5)
    assert await presence.customer_disconnected(5) is True
    assert not presence.customer_present(5)


async def test_agents_who_held_chats_before_a_restart_are_gone_unless_they_come_back():
    presence = LocalPresence(grace_seconds=0.05)
    gone: asyncio.Queue = asyncio.Queue()
    presence.on_agent_gone(gone.put)
    await presence.agent_connected(2)  # came back at once
    await presence.expect_agents([1, 2])
    assert await asyncio.wait_for(gone.get(), 2) == 1
    await asyncio.sleep(0.1)
    assert gone.empty()
