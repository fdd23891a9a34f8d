"""Handoff from the bot to support agents, end to end: widget socket, agent socket, real bot."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta

import pytest

from helpdesk.office_hours import DAYS, OfficeHours
from tests.agent_client import AgentClient
from tests.widget_client import WidgetClient

pytestmark = pytest.mark.slow

ASK_FOR_PERSON = "I want to talk to a person"


async def escalate(widget: WidgetClient, text: str = ASK_FOR_PERSON) -> dict:
    """Send `text` and return the customer's handoff status once the chat is queued."""
    await widget.ask(text)
    return await widget.next_matching("handoff", lambda s: s["state"] in ("waiting", "offline"))


def in_queue(reference: int):
    return lambda overview: any(item["reference"] == reference for item in overview["waiting"])


async def claimed(widget: WidgetClient, agent: AgentClient) -> int:
    status = await escalate(widget)
    answer = await agent.call("claim", conversation_id=status["reference"])
    assert answer["ok"], answer
    await widget.next_matching("handoff", lambda s: s["state"] == "agent")
    widget.drain("bot_uttered")
    return status["reference"]


async def quiet(widget: WidgetClient, kind: str = "bot_uttered", seconds: float = 1.5) -> bool:
    try:
        await widget.next(kind, timeout=seconds)
    except asyncio.TimeoutError:
        return True
    return False


async def test_asking_for_a_person_queues_the_chat_and_tells_the_customer_their_reference_and_place(widget, agent):
    replies = await widget.ask(ASK_FOR_PERSON)
    notice = replies[-1]
    assert notice["sender"] == "system"
    status = await widget.next_matching("handoff", lambda s: s["state"] == "waiting")
    assert status["position"] >= 1
    assert f"#{status['reference']}" in notice["text"]
    assert f"number {status['position']} in the queue" in notice["text"]
    overview = await agent.next_matching("overview", in_queue(status["reference"]))
    item = next(i for i in overview["waiting"] if i["reference"] == status["reference"])
    assert item["reason"] == "request"
    assert item["preview"] == ASK_FOR_PERSON


async def test_a_second_waiting_customer_is_told_a_place_further_back(server, widget, agent):
    first = await escalate(widget)
    second_customer = await WidgetClient(server.url).open()
    try:
        second = await escalate(second_customer)
        assert second["position"] == first["position"] + 1
    finally:
        await second_customer.close()
    await agent.call("claim", conversation_id=first["reference"])


async def test_accepting_the_offer_after_no_answer_hands_over_with_that_reason(widget, agent):
    await widget.ask("Can I bring my dog to the moon with your rocket?")
    status = await escalate(widget, "/request_human")
    overview = await agent.next_matching("overview", in_queue(status["reference"]))
    assert [i["reason"] for i in overview["waiting"] if i["reference"] == status["reference"]] == ["no_answer"]


async def test_an_unhelpful_answer_and_yes_to_the_offer_hands_over_as_unhelpful(widget, agent):
    await widget.ask("What warranty do I get on a bike?")
    await widget.ask("/feedback_unhelpful")
    status = await escalate(widget, "yes please")
    overview = await agent.next_matching("overview", in_queue(status["reference"]))
    assert [i["reason"] for i in overview["waiting"] if i["reference"] == status["reference"]] == ["unhelpful"]


@pytest.mark.parametrize("complaint", ["This is ridiculous, I'm really annoyed!", "Das ist eine Frechheit, ich bin total verärgert!"])
async def test_an_upset_customer_gets_an_apology_and_goes_before_calmer_customers(server, widget, agent, complaint):
    calm = await escalate(widget)
    upset_customer = await WidgetClient(server.url).open()
    try:
        replies = await upset_customer.ask(complaint)
        assert any("sorry" in r["text"].lower() or "tut mir leid" in r["text"].lower() for r in replies)
        upset = await upset_customer.next_matching("handoff", lambda s: s["state"] == "waiting")
        overview = await agent.next_matching("overview", in_queue(upset["reference"]))
        order = [i["reference"] for i in overview["waiting"]]
        assert order.index(upset["reference"]) < order.index(calm["reference"])
        assert overview["waiting"][order.index(upset["reference"])]["reason"] == "upset"
    finally:
        await upset_customer.close()


async def test_a_claimed_chat_is_a_live_exchange_both_ways_and_the_bot_stays_silent(server, widget, agent):
    reference = await claimed(widget, agent)
    answer = await agent.call("reply", conversation_id=reference, text="Hi, I'm Alex. How can I help?")
    assert answer["ok"]
    message = await widget.next("bot_uttered")
    assert (message["sender"], message["agent_name"], message["text"]) == ("agent", "Alex", "Hi, I'm Alex. How can I help?")

    await widget.sio.emit("user_uttered", {"message": "My order 4711 never arrived", "session_id": widget.token})
    received = await agent.next_matching(
        "message", lambda m: m["conversation_id"] == reference and m["message"]["sender"] == "customer"
    )
    assert (received["message"]["sender"], received["message"]["text"]) == ("customer", "My order 4711 never arrived")
    await widget.next("message_handled")  # the turn is over …
    assert widget.drain("bot_uttered") == [], "the bot answered while an agent had the chat"


async def test_the_customer_sees_the_agents_name_when_the_agent_joins(widget, agent):
    status = await escalate(widget)
    await agent.call("claim", conversation_id=status["reference"])
    joined = await widget.next_matching("bot_uttered", lambda m: m.get("sender") == "system" and "joined" in m["text"])
    assert "Alex" in joined["text"]
    state = await widget.next_matching("handoff", lambda s: s["state"] == "agent")
    assert state["agent_name"] == "Alex"


async def test_resolving_stores_summary_and_mark_and_the_bot_answers_the_next_question(server, widget, agent):
    reference = await claimed(widget, agent)
    await agent.call("reply", conversation_id=reference, text="Your parcel is on its way.")
    answer = await agent.call("resolve", conversation_id=reference, summary="Parcel delayed; sent tracking link",
                              kind="general")
    assert answer["ok"] and answer["handoff"]["outcome"] == "resolved"
    notice = await widget.next_matching("bot_uttered", lambda m: m.get("sender") == "system" and "resolved" in m["text"])
    assert "Alex" in notice["text"]
    (handoff,) = server.parts.helpdesk.queue.store.handoffs(reference)
    assert (handoff.resolution_summary, handoff.resolution_kind) == ("Parcel delayed; sent tracking link", "general")
    changes = [(c.from_state, c.to_state) for c in server.parts.helpdesk.queue.store.state_changes(reference)]
    assert changes == [("bot", "waiting"), ("waiting", "agent"), ("agent", "resolved")]

    replies = await widget.ask("How much does shipping cost?")
    assert any("/kb/shipping-costs" in r["text"] for r in replies)
    assert server.parts.helpdesk.queue.store.state(reference) == "bot"


async def test_resolving_needs_a_summary_and_a_mark(widget, agent):
    reference = await claimed(widget, agent)
    no_summary = await agent.call("resolve", conversation_id=reference, summary="  ", kind="general")
    no_mark = await agent.call("resolve", conversation_id=reference, summary="Explained returns", kind="maybe")
    assert not no_summary["ok"] and "summary" in no_summary["error"]
    assert not no_mark["ok"] and "personal / account matter" in no_mark["error"]


async def test_handing_back_to_the_bot_lets_the_bot_answer_again(server, widget, agent):
    reference = await claimed(widget, agent)
    answer = await agent.call("hand_back", conversation_id=reference)
    assert answer["ok"] and answer["handoff"]["outcome"] == "handed_back"
    await widget.next_matching("handoff", lambda s: s["state"] == "bot")
    replies = await widget.ask("Which payment methods can I use?")
    assert any("/kb/payment-methods" in r["text"] for r in replies)


async def test_two_agents_claiming_the_same_chat_at_once_only_one_gets_it(server, widget, agent, make_staff):
    user, password = make_staff("agent", "Sam")
    other = await (await AgentClient(server.url).login(user.username, password)).connect()
    try:
        status = await escalate(widget)
        first, second = await asyncio.gather(
            agent.call("claim", conversation_id=status["reference"]),
            other.call("claim", conversation_id=status["reference"]),
        )
        assert sorted([first["ok"], second["ok"]]) == [False, True]
        loser = first if not first["ok"] else second
        winner_name = "Alex" if first["ok"] else "Sam"
        assert loser["error"] == f"{winner_name} has taken this chat already."
    finally:
        await other.close()


async def test_only_the_agent_who_claimed_a_chat_can_reply_in_it(server, widget, agent, make_staff):
    reference = await claimed(widget, agent)
    user, password = make_staff("agent", "Sam")
    other = await (await AgentClient(server.url).login(user.username, password)).connect()
    try:
        answer = await other.call("reply", conversation_id=reference, text="Hi from Sam")
        assert not answer["ok"] and "claim it first" in answer["error"]
    finally:
        await other.close()


async def test_typing_is_shown_both_ways(widget, agent):
    reference = await claimed(widget, agent)
    await agent.call("typing", conversation_id=reference, typing=True)
    assert (await widget.next("agent_typing")) == {"typing": True, "agent_name": "Alex"}
    await widget.sio.emit("customer_typing", {"typing": True, "session_id": widget.token})
    assert (await agent.next("customer_typing")) == {"conversation_id": reference, "typing": True}


async def test_the_agent_sees_when_the_customer_leaves_and_comes_back(server, widget, agent):
    reference = await claimed(widget, agent)
    token = widget.token
    await widget.close()
    left = await agent.next_matching("customer_presence", lambda p: p["conversation_id"] == reference)
    assert left["present"] is False
    again = await WidgetClient(server.url).open(session_id=token)
    try:
        back = await agent.next_matching("customer_presence", lambda p: p["conversation_id"] == reference)
        assert back["present"] is True
    finally:
        await again.close()


async def test_messages_sent_while_the_customer_was_away_arrive_once_on_reconnect(server, widget, agent):
    reference = await claimed(widget, agent)
    token = widget.token
    await widget.close()
    for text in ("Are you still there?", "I've sent you the tracking link."):
        assert (await agent.call("reply", conversation_id=reference, text=text))["ok"]
    again = await WidgetClient(server.url).open(session_id=token)
    try:
        agent_texts = [m["text"] for m in again.history if m["sender"] == "agent"]
        assert agent_texts == ["Are you still there?", "I've sent you the tracking link."]
        ids = [m["id"] for m in again.history]
        assert len(ids) == len(set(ids))
        assert await quiet(again), "messages from before the reconnect were delivered again"
    finally:
        await again.close()


async def test_an_agent_who_reconnects_in_time_keeps_the_chat_and_sees_what_came_meanwhile(server, widget, agent):
    reference = await claimed(widget, agent)
    await agent.disconnect()
    await widget.sio.emit("user_uttered", {"message": "Hello? Anyone?", "session_id": widget.token})
    await asyncio.sleep(0.3)
    await agent.reconnect()
    transcript = (await agent.call("open", conversation_id=reference))["conversation"]
    assert transcript["state"] == "agent"
    assert [m["text"] for m in transcript["messages"]].count("Hello? Anyone?") == 1


async def test_a_disconnected_agents_chat_goes_back_to_the_queue_after_the_grace_period(server, widget, agent, make_staff):
    reference = await claimed(widget, agent)
    await agent.disconnect()
    notice = await widget.next_matching("bot_uttered", lambda m: m.get("sender") == "system" and "queue" in m["text"], timeout=10)
    assert "Alex" in notice["text"]
    status = await widget.next_matching("handoff", lambda s: s["state"] == "waiting")
    assert status["reference"] == reference
    changes = server.parts.helpdesk.queue.store.state_changes(reference)
    assert (changes[-1].to_state, changes[-1].cause) == ("waiting", "agent disconnected")


async def test_internal_notes_are_kept_for_agents_and_never_reach_the_customer(server, widget, agent):
    reference = await claimed(widget, agent)
    answer = await agent.call("note", conversation_id=reference, text="Customer seems to have two accounts")
    assert answer["ok"] and answer["note"]["author"] == "Alex"
    transcript = (await agent.call("open", conversation_id=reference))["conversation"]
    assert [n["text"] for n in transcript["notes"]] == ["Customer seems to have two accounts"]
    again = await WidgetClient(server.url).open(session_id=widget.token)
    try:
        assert all("two accounts" not in m["text"] for m in again.history)
    finally:
        await again.close()
    assert await quiet(widget)


async def test_the_agent_gets_articles_for_the_customers_last_question_and_sends_one_with_a_click(server, widget, agent):
    await widget.ask("How long does delivery take?")
    status = await escalate(widget)
    transcript = (await agent.call("claim", conversation_id=status["reference"]))["conversation"]
    assert [m["sender"] for m in transcript["messages"]][:2] == ["customer", "bot"]
    slugs = [s["slug"] for s in transcript["suggestions"]]
    assert "delivery-time" in slugs
    widget.drain("bot_uttered")
    answer = await agent.call("send_article", conversation_id=status["reference"], slug="delivery-time")
    assert answer["ok"]
    sent = await widget.next_matching("bot_uttered", lambda m: m.get("sender") == "agent")
    assert f"{server.url}/kb/delivery-time" in sent["text"]


async def test_waiting_and_first_response_times_are_recorded_per_chat(server, widget, agent):
    started = time.monotonic()
    status = await escalate(widget)
    await asyncio.sleep(0.5)  # the customer waits half a second before the agent claims
    claimed_after = time.monotonic()
    assert (await agent.call("claim", conversation_id=status["reference"]))["ok"]
    await asyncio.sleep(0.3)  # and the agent answers 0.3 s after claiming
    await agent.call("reply", conversation_id=status["reference"], text="Hello!")
    elapsed = time.monotonic() - started
    transcript = (await agent.call("open", conversation_id=status["reference"]))["conversation"]
    handoff = transcript["handoffs"][-1]
    assert 0.5 <= handoff["wait_seconds"] <= claimed_after - started + 1.0
    assert 0.3 <= handoff["first_response_seconds"] <= elapsed


async def nobody_online(server) -> None:
    """Agents of earlier tests have closed their consoles; wait until the server has seen it."""
    for _ in range(100):
        if not await server.parts.helpdesk.presence.agents_online():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("an agent console is still connected")


async def test_with_nobody_online_the_customer_can_leave_a_message_and_an_email(server, widget, make_staff):
    await nobody_online(server)
    status = await escalate(widget)
    assert status["state"] == "offline" and status["contact_left"] is False
    await widget.sio.emit("offline_message", {"email": "not-an-address", "message": "Call me", "session_id": widget.token})
    assert (await widget.next("message_error"))["code"] == "bad_email"
    await widget.sio.emit("offline_message", {"email": "kim@example.org", "message": "Is my bike ready?",
                                              "session_id": widget.token})
    assert (await widget.next("message_stored"))["text"] == "Is my bike ready?"
    thanks = await widget.next_matching("bot_uttered", lambda m: m.get("sender") == "system")
    assert "kim@example.org" in thanks["text"]

    user, password = make_staff("agent", "Kai")
    agent = await (await AgentClient(server.url).login(user.username, password)).connect()
    try:
        overview = (await agent.call("overview"))
        item = next(i for i in overview["waiting"] if i["reference"] == status["reference"])
        assert (item["offline"], item["contact_email"], item["preview"]) == (True, "kim@example.org", "Is my bike ready?")
    finally:
        await agent.close()


async def test_outside_office_hours_the_customer_is_offered_the_message_form_even_with_agents_online(server, widget, agent):
    handoff = server.parts.helpdesk.queue
    tomorrow = DAYS[(datetime.now(handoff.hours.zone).weekday() + 1) % 7]
    regular = handoff.hours
    handoff.hours = OfficeHours.parse(f"{tomorrow} 09:00-17:00", "Europe/Berlin")
    try:
        replies = await widget.ask(ASK_FOR_PERSON)
        assert f"{tomorrow} 09:00-17:00" in replies[-1]["text"]
        status = await widget.next_matching("handoff", lambda s: s["state"] in ("waiting", "offline"))
        assert status["state"] == "offline"
    finally:
        handoff.hours = regular


async def test_each_customer_only_ever_gets_their_own_conversation(server, widget, agent):
    reference = await claimed(widget, agent)
    bystander = await WidgetClient(server.url).open()
    try:
        await bystander.ask("Hello")
        await agent.call("reply", conversation_id=reference, text="A private answer for one customer")
        await widget.next_matching("bot_uttered", lambda m: m.get("sender") == "agent")
        assert await quiet(bystander)
    finally:
        await bystander.close()


async def test_metrics_show_queue_length_waiting_times_and_message_counts(server, widget, agent):
    import aiohttp

    await claimed(widget, agent)
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{server.url}/metrics", headers={"Authorization": "Bearer test-metrics-token"}) as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
            text = await response.text()
    assert 'nahbar_queue_length{priority="normal"}' in text
    assert "nahbar_handoff_wait_seconds_count" in text
    assert 'nahbar_messages_total{sender="customer"}' in text
    assert "nahbar_agents_online" in text


async def test_canned_replies_are_offered_in_the_console(server, make_staff):
    user, password = make_staff("agent")
    agent = AgentClient(server.url)
    try:
        await agent.login(user.username, password)
        async with agent.browser.http.get(f"{server.url}/agent") as page:
            html = await page.text()
        assert "Need order number" in html and "Bestellnummer" in html
    finally:
        await agent.close()


def test_office_hours_are_read_in_their_time_zone():
    hours = OfficeHours.parse("mon-fri 09:00-17:00; sat 10:00-14:00", "Europe/Berlin")
    monday_morning_utc = datetime(2026, 11, 23, 8, 30, tzinfo=OfficeHours.parse("", "UTC").zone)
    assert hours.is_open(monday_morning_utc)  # 09:30 in Berlin
    assert not hours.is_open(monday_morning_utc - timedelta(hours=1))  # 08:30 in Berlin
    assert not hours.is_open(monday_morning_utc - timedelta(days=1))  # Sunday
    assert OfficeHours.parse("", "UTC").is_open(monday_morning_utc)


@pytest.mark.parametrize("text", ["mon-fri 9-17", "someday 09:00-10:00", "mon 17:00-09:00", "mon 25:00-26:00"])
def test_unreadable_office_hours_are_refused_with_the_reason(text):
    from helpdesk.office_hours import OfficeHoursError

    with pytest.raises(OfficeHoursError):
        OfficeHours.parse(text, "Europe/Berlin")



async def test_an_agent_can_choose_the_name_customers_see(server, widget, make_staff):
    user, password = make_staff("agent", "Real Name")
    agent = await AgentClient(server.url).login(user.username, password)
    try:
        form = {"csrf_token": agent.browser.csrf, "display_name": "Robin"}
        async with agent.browser.http.post(f"{server.url}/agent/profile", data=form, allow_redirects=False) as response:
            assert response.headers["Location"] == "/agent?notice=name-saved"
        await agent.connect()
        status = await escalate(widget)
        await agent.call("claim", conversation_id=status["reference"])
        joined = await widget.next_matching("bot_uttered", lambda m: m.get("sender") == "system" and "joined" in m["text"])
        assert joined["text"].startswith("Robin ") and "Real Name" not in joined["text"]
    finally:
        await agent.close()


async def test_after_a_restart_chats_of_agents_who_do_not_return_go_back_to_the_queue(server, widget):
    status = await escalate(widget)
    server.parts.helpdesk.queue.store.claim(status["reference"], 999_999, "Ghost")  # claimed before the restart
    recovered = asyncio.run_coroutine_threadsafe(server.parts.helpdesk.queue.recover(), server.loop)
    await asyncio.wrap_future(recovered)
    notice = await widget.next_matching("bot_uttered", lambda m: m.get("sender") == "system" and "Ghost" in m["text"],
                                        timeout=10)
    assert "queue" in notice["text"]
    assert server.parts.helpdesk.queue.store.state(status["reference"]) == "waiting"


async def test_a_handoff_that_fails_after_the_bot_paused_leaves_the_bot_answering(server, widget, monkeypatch):
    async def broken(*args, **kwargs):
        raise RuntimeError("the queue is unreachable")

    monkeypatch.setattr(server.parts.helpdesk.queue, "escalate", broken)
    told = await widget.ask(ASK_FOR_PERSON)
    assert "couldn't reach our team" in told[-1]["text"]  # told, honestly
    monkeypatch.undo()
    replies = await widget.ask("Wie lange dauert die Lieferung?")
    assert "/kb/lieferzeit" in replies[0]["text"]  # not the failure reply, forever


def public_id_of(server, widget: WidgetClient) -> str:
    """The id Rasa's tracker has for the widget's conversation."""
    return server.parts.service.store.find(widget.token, timedelta(days=1)).public_id


async def leave_tracker_paused(server, public_id: str) -> None:
    """As a process that died between Rasa's pause and the helpdesk's queue leaves it."""
    from rasa.shared.core.events import ConversationPaused

    processor = server.parts.brain.agent.processor

    async def pause() -> None:
        tracker = await processor.get_tracker(public_id)
        tracker.update(ConversationPaused())
        await processor.save_tracker(tracker)

    await server.parts.brain.rasa.run(pause())  # on Rasa's own loop, where every tracker change happens


async def repair_at_start(server) -> list[str]:
    queue = server.parts.helpdesk.queue
    return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(
        queue.repair_bot_pauses(server.parts.brain.paused_senders()), server.loop))


async def test_a_tracker_left_paused_while_the_helpdesk_gives_the_chat_to_the_bot_is_resumed(server, widget):
    await widget.ask("Hallo")
    await leave_tracker_paused(server, public_id_of(server, widget))
    replies = await widget.ask("Wie lange dauert die Lieferung?")
    assert "/kb/lieferzeit" in replies[0]["text"]


async def test_at_start_a_tracker_left_paused_while_the_bot_holds_the_chat_is_resumed_and_logged(server, widget, caplog):
    await widget.ask("Hallo")
    public_id = public_id_of(server, widget)
    assert public_id not in server.parts.brain.paused_senders()
    await leave_tracker_paused(server, public_id)
    assert public_id in server.parts.brain.paused_senders()
    assert await repair_at_start(server) == [public_id]
    assert public_id not in server.parts.brain.paused_senders()
    assert "Rasa's tracker was paused" in caplog.text


async def test_at_start_a_paused_tracker_of_a_chat_people_hold_stays_paused(server, widget, agent):
    reference = await claimed(widget, agent)
    public_id = public_id_of(server, widget)
    assert public_id in server.parts.brain.paused_senders()  # the handoff action paused it
    assert public_id not in await repair_at_start(server)
    assert server.parts.helpdesk.queue.store.state(reference) == "agent"
