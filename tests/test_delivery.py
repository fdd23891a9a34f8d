"""Acknowledged delivery through the widget channel: real server, real bot, socket.io client.

The database is the oracle: what the server acknowledged is stored once, answered once,
and a client that reconnects gets exactly what it has not seen.
"""

import asyncio
import threading
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from helpdesk.schema import turns
from tests.test_widget_conversation import stored_messages
from tests.widget_client import WidgetClient

pytestmark = pytest.mark.slow


def conversation_rows(server, token):
    return stored_messages(server, token, with_ids=True)


def open_turns(server) -> int:
    with server.parts.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(turns).where(turns.c.handled_at.is_(None))).scalar_one()


async def test_a_message_is_acknowledged_with_the_id_it_was_stored_under(server, widget):
    ack = await widget.send("Which payment methods can I use?", client_id="c-1")
    assert ack["client_id"] == "c-1" and "duplicate" not in ack
    await widget.next("message_handled")
    assert (ack["id"], "customer", "Which payment methods can I use?") in conversation_rows(server, widget.token)


async def test_a_resent_message_is_stored_once_and_answered_once(server, widget):
    first = await widget.send("Do you sell gift cards?", client_id="again")
    handled = await widget.next("message_handled")
    replies = widget.drain("bot_uttered")
    second = await widget.send("Do you sell gift cards?", client_id="again")
    assert second == {"id": first["id"], "client_id": "again", "duplicate": True}
    with pytest.raises(asyncio.TimeoutError):  # the first answer stands; nothing more is said
        await widget.next("message_handled", timeout=2)
    rows = conversation_rows(server, widget.token)
    assert [text for _, sender, text in rows if sender == "customer"] == ["Do you sell gift cards?"]
    assert len([r for r in rows if r[1] == "bot"]) == len(replies) and handled["id"] == first["id"]


async def test_two_tabs_resending_the_same_message_at_once_store_it_once(server, widget):
    await widget.ask("Hello")
    other = await WidgetClient(server.url).open(widget.token)
    try:
        acks = await asyncio.gather(
            widget.send("Where is my parcel?", client_id="race"), other.send("Where is my parcel?", client_id="race")
        )
        assert acks[0]["id"] == acks[1]["id"]
        assert sorted("duplicate" in ack for ack in acks) == [False, True]
        await widget.next("message_handled")
        customers = [r for r in conversation_rows(server, widget.token) if r[1] == "customer"]
        assert [text for _, _, text in customers] == ["Hello", "Where is my parcel?"]
    finally:
        await other.close()


async def test_bot_messages_keep_rasas_frame_shape_with_nahbars_additions_in_metadata(server, widget):
    await widget.ask("Wie lange dauert die Lieferung eines Fahrrads?")
    answer, question = widget.frames[-2:]
    assert set(answer) == {"text", "metadata"}
    assert set(question) == {"text", "quick_replies", "metadata"}
    bot_ids = [row_id for row_id, sender, _ in conversation_rows(server, widget.token) if sender == "bot"]
    assert [answer["metadata"], question["metadata"]] == [{"id": i, "sender": "bot"} for i in bot_ids[-2:]]


async def test_a_reconnecting_widget_gets_exactly_the_messages_after_the_last_one_it_has(server, widget):
    await widget.ask("Which payment methods can I use?")
    seen = widget.frames[0]["metadata"]["id"]  # it got the first answer, then lost the connection
    await widget.close()
    again = await WidgetClient(server.url).open(widget.token, last_id=seen)
    try:
        expected = [row_id for row_id, _, _ in conversation_rows(server, widget.token) if row_id > seen]
        assert expected and [m["id"] for m in again.history] == expected
    finally:
        await again.close()


async def test_a_reconnecting_widget_that_has_everything_gets_an_empty_history(server, widget):
    await widget.ask("Which payment methods can I use?")
    newest = widget.frames[-1]["metadata"]["id"]
    await widget.close()
    again = await WidgetClient(server.url).open(widget.token, last_id=newest)
    try:
        assert again.history == []
    finally:
        await again.close()


async def test_the_start_payload_of_a_rasa_widget_is_answered_with_the_greeting(widget):
    (greeting,) = await widget.ask("/greet")
    assert greeting["text"].startswith("Hi! I'm Velora's assistant")


async def test_the_start_payload_is_plain_words_once_the_conversation_has_begun(widget):
    await widget.ask("Which payment methods can I use?")
    (reply,) = await widget.ask("/request_human")  # not offered now: read as the words "request human"
    assert reply.get("sender") != "system"


@pytest.fixture
def held_bot(server, monkeypatch):
    """The bot blocked until the test lets it go, so every worker is busy and the queue grows."""
    release = threading.Event()
    respond = server.parts.brain.respond

    async def blocked(*args, **kwargs):
        await asyncio.to_thread(release.wait, 60)
        return await respond(*args, **kwargs)

    monkeypatch.setattr(server.parts.brain, "respond", blocked)
    yield release
    release.set()


async def test_customers_waiting_for_a_busy_bot_are_told_how_many_are_ahead(server, held_bot):
    workers = server.parts.settings.turn_workers
    clients = [await WidgetClient(server.url).open(language="en") for _ in range(workers + 2)]
    try:
        for client in clients[:workers]:
            await client.send("Which payment methods can I use?")
        told = []
        for client in clients[workers:]:
            await client.send("Which payment methods can I use?")
            told.append((await client.next("queued", timeout=10))["ahead"])
        assert told == [0, 1]
        held_bot.set()
        for client in clients:
            await client.next("message_handled", timeout=60)
        assert open_turns(server) == 0
    finally:
        held_bot.set()
        for client in clients:
            await client.close()


async def test_past_the_bound_new_conversations_are_turned_away_and_ongoing_ones_accepted(server, widget, monkeypatch):
    await widget.ask("Which payment methods can I use?")
    service = server.parts.service
    monkeypatch.setattr(service, "settings", replace(service.settings, max_waiting=0))
    newcomer = await WidgetClient(server.url).open(language="en")
    try:
        refused = await newcomer.send("Hello there")
        assert refused["error"] == "busy" and "try again" in refused["message"]
        assert (await newcomer.next("message_error"))["code"] == "busy"  # Rasa widgets see it as an event
        accepted = await widget.send("Do you sell gift cards?")
        assert "id" in accepted
        await widget.next("message_handled")
    finally:
        await newcomer.close()


async def test_a_custom_action_that_hangs_gets_an_honest_reply_within_seconds(server, widget, monkeypatch):
    async def hang(dispatcher, tracker, domain):
        await asyncio.sleep(3600)

    endpoint = server.parts.brain.agent.action_endpoint
    monkeypatch.setattr(endpoint, "timeout", 1.0)
    monkeypatch.setitem(endpoint.executor.actions, "action_answer_from_knowledge", hang)
    started = asyncio.get_running_loop().time()
    (reply,) = await widget.ask("Which payment methods can I use?")
    assert reply["text"].startswith("Sorry, something went wrong on my side")
    assert asyncio.get_running_loop().time() - started < 10
    monkeypatch.undo()
    answer, _ = await widget.ask("Which payment methods can I use?")  # the conversation goes on
    assert "payment-methods" in answer["text"]
