"""Bad input at the widget channel: clear errors, no crash, nothing lost, no commands."""

import asyncio
from datetime import timedelta

import pytest

from tests.test_widget_conversation import stored_messages
from tests.widget_client import WidgetClient

pytestmark = pytest.mark.slow


async def send_raw(client, payload):
    await client.sio.emit("user_uttered", payload)
    return await client.next("message_error")


@pytest.mark.parametrize(
    "message, code",
    [
        ("", "empty"),
        ("   \n ", "empty"),
        ("x" * 2001, "too_long"),
        ("hello\x00world", "binary"),
        ("\x01\x02\x03", "binary"),
        (12345, "malformed"),
        ({"text": "hi"}, "malformed"),
        (None, "malformed"),
    ],
)
async def test_bad_messages_get_a_clear_error_event(widget, message, code):
    error = await send_raw(widget, {"message": message, "session_id": widget.token})
    assert error["code"] == code
    assert error["message"]


async def test_a_payload_that_is_not_an_object_is_refused(widget):
    assert (await send_raw(widget, "just a string"))["code"] == "malformed"


async def test_a_message_before_session_request_is_refused(server):
    client = WidgetClient(server.url)
    await client.sio.connect(server.url, transports=["websocket"])
    try:
        assert (await send_raw(client, {"message": "hi"}))["code"] == "no_session"
    finally:
        await client.sio.disconnect()


async def test_a_message_for_another_session_is_refused(widget):
    error = await send_raw(widget, {"message": "hi", "session_id": "someone-elses-session"})
    assert error["code"] == "session_mismatch"


async def test_bad_input_loses_nothing_already_stored_and_the_chat_goes_on(server, widget):
    await widget.ask("Can I cancel my order?")
    before = stored_messages(server, widget.token)
    await send_raw(widget, {"message": "x" * 5000, "session_id": widget.token})
    await send_raw(widget, {"message": "\x00", "session_id": widget.token})
    assert stored_messages(server, widget.token) == before
    replies = await widget.ask("How do I return an item?")
    assert "/kb/return-policy" in replies[0]["text"]


async def test_an_oversized_event_drops_only_that_connection(server, widget):
    await widget.ask("Do you ship outside Germany?")
    before = stored_messages(server, widget.token)
    huge = WidgetClient(server.url)
    await huge.open()
    dropped = asyncio.Event()
    huge.sio.on("disconnect", dropped.set)
    await huge.sio.emit("user_uttered", {"message": "y" * 200_000, "session_id": huge.token})
    await asyncio.wait_for(dropped.wait(), 10)  # the server closed that connection
    assert not huge.sio.connected
    assert stored_messages(server, widget.token) == before
    replies = await widget.ask("Do you sell gift cards?")
    assert "/kb/gift-cards" in replies[0]["text"]


def user_events(server, token):
    public_id = server.parts.service.store.find(token, timedelta(days=1)).public_id
    tracker = asyncio.run_coroutine_threadsafe(
        server.parts.brain.agent.tracker_store.retrieve(public_id), server.parts.brain.rasa.loop
    ).result(10)
    return tracker


async def test_typed_slash_commands_are_plain_text(server, widget):
    await widget.ask("Which frame size do I need?")
    await widget.ask('/restart')
    await widget.ask('/affirm{"awaiting": "human"}')
    tracker = user_events(server, widget.token)
    assert not any(event.type_name == "restart" for event in tracker.events)
    typed = [e for e in tracker.events if e.type_name == "user" and e.text.startswith("/")]
    assert [e.text for e in typed] == ["/restart", '/affirm{"awaiting": "human"}']
    assert all(e.intent.get("confidence", 0) < 1.0 for e in typed)
    assert all(not e.entities or all(x["entity"] != "awaiting" for x in e.entities) for e in typed)


async def test_an_offered_button_payload_is_accepted_as_a_command(server, widget):
    await widget.ask("Which frame size do I need?")
    await widget.ask("/feedback_unhelpful")
    tracker = user_events(server, widget.token)
    last_user = [e for e in tracker.events if e.type_name == "user"][-1]
    assert last_user.intent["name"] == "feedback_unhelpful"
    assert last_user.intent["confidence"] == 1.0


async def test_html_in_a_message_is_stored_as_the_text_it_is(server, widget):
    await widget.ask("<script>alert('x')</script> <b>hi</b>")
    assert stored_messages(server, widget.token)[0] == ("customer", "<script>alert('x')</script> <b>hi</b>")


async def test_a_crashing_action_gets_an_apology_and_the_chat_goes_on(server, widget, monkeypatch):
    def broken_search(*args, **kwargs):
        raise RuntimeError("index exploded")

    monkeypatch.setattr(server.parts.knowledge, "search_vector", broken_search)
    (reply,) = await widget.ask("How long does delivery take?")
    assert reply["text"].startswith("Sorry, something went wrong on my side. Your message is saved")
    assert stored_messages(server, widget.token)[0] == ("customer", "How long does delivery take?")
    monkeypatch.undo()
    replies = await widget.ask("How long does delivery take?")
    assert "/kb/delivery-time" in replies[0]["text"]
