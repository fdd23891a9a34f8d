"""Customers' ratings: asked once after an agent resolved the chat, stored once, shown to the
agent and to admins, exported to Prometheus, a hint in the editors' gap list, erased with
the chat. Core tests on SQLite and PostgreSQL; the widget and the consoles through the real
server; the stars once in Chromium."""

from __future__ import annotations

import asyncio
import re
import threading
from datetime import datetime, timedelta, timezone

import aiohttp
import pytest
from playwright.async_api import expect
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select, update

from bridge.gaps import gap_list
from helpdesk.conversations import ConversationStore, new_token
from helpdesk.handoff_store import HandoffStore
from helpdesk.metrics import HelpdeskMetrics
from helpdesk.rating_figures import RatingFigures
from helpdesk.ratings import (ARTICLE_SENT, MAX_COMMENT_CHARS, RatingError, RatingStore, validate_comment,
                              validate_stars)
from helpdesk.schema import ratings
from knowledge.store import utcnow
from staff.accounts import StaffStore
from tests.conftest import METRICS_TOKEN
from tests.test_bridge import bridge, chats  # noqa: F401 (fixtures)
from tests.test_customer_data import backdate, data, pointing_to, scan, trackers  # noqa: F401 (fixtures)
from tests.test_editor import logged_in
from tests.test_handoff import claimed
from tests.widget_client import WidgetClient

MARK = "quokkafennel4412"  # a word only this customer ever wrote
EMAIL = "ottilie.brandhuber@example.org"


@pytest.fixture
def stores(engine):  # the fixture's database is migrated to the newest schema
    return ConversationStore(engine), HandoffStore(engine), RatingStore(engine)


def helped(chats: ConversationStore, agent_id: int = 7, outcome: str = "resolved", answered: str | None = None,
           sent: str | None = None, language: str = "en") -> tuple[int, int]:
    """A chat as the widget and the console leave it: a question (the bot answering from the
    article `answered`), a handoff, the agent's reply (sending the article `sent`), and its end.
    Returns (conversation id, handoff id)."""
    conversation = chats.find_or_create(new_token(), language)
    handoffs = HandoffStore(chats.engine)
    chats.add_message(conversation.id, "customer", "How long does delivery to Austria take?")
    if answered:
        chats.add_bot_messages(conversation.id, [("Delivery takes two to three days.", {})], [],
                               {"article_id": 1, "slug": answered, "version": 1, "score": 0.9, "confidence": 0.9})
    chats.add_message(conversation.id, "customer", "/request_human")
    handoff = handoffs.escalate(conversation.id, "unhelpful", 0, False)
    handoffs.claim(conversation.id, agent_id, "Alex")
    chats.add_message(conversation.id, "agent", "Here is what you need.",
                      {"agent_name": "Alex", **({ARTICLE_SENT: sent} if sent else {})})
    if outcome != "open":
        handoffs.finish(conversation.id, agent_id, "alex", outcome, "resolved" if outcome == "resolved" else "bot",
                        "explained" if outcome == "resolved" else None, "general" if outcome == "resolved" else None)
    return conversation.id, handoff.id


def count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(ratings)).scalar()


def refused(code: str, work) -> RatingError:
    with pytest.raises(RatingError) as caught:
        work()
    assert caught.value.code == code, caught.value.message
    return caught.value


# -- storing: validated, once per resolved handoff ------------------------------------------------------


def test_a_rating_of_a_resolved_chat_is_stored_with_its_agent_and_the_chats_language(stores):
    chats, _, store = stores
    conversation_id, handoff_id = helped(chats, agent_id=7, language="de")

    rating = store.answer(conversation_id, handoff_id, 4, "Schnell und freundlich")

    (stored,) = store.of_conversation(conversation_id)
    assert stored == rating
    assert (stored.agent_id, stored.stars, stored.comment, stored.language, stored.skipped) == (
        7, 4, "Schnell und freundlich", "de", False)


def test_a_second_answer_for_the_same_chat_is_refused_and_the_first_stands(stores):
    chats, _, store = stores
    conversation_id, handoff_id = helped(chats)
    store.answer(conversation_id, handoff_id, 2, "too slow")

    error = refused("already_rated", lambda: store.answer(conversation_id, handoff_id, 5, "actually great"))
    refused("already_rated", lambda: store.answer(conversation_id, handoff_id, None, None))  # nor skipped after

    assert "rated already" in error.message
    assert [(r.stars, r.comment) for r in store.of_conversation(conversation_id)] == [(2, "too slow")]


def test_a_skip_is_the_answer_too_and_the_chat_cannot_be_rated_after_it(stores):
    chats, _, store = stores
    conversation_id, handoff_id = helped(chats)

    assert store.answer(conversation_id, handoff_id, None, None).skipped

    refused("already_rated", lambda: store.answer(conversation_id, handoff_id, 5, None))
    assert [r.stars for r in store.of_conversation(conversation_id)] == [None]


def test_answers_sent_at_the_same_moment_store_one(stores):
    chats, _, store = stores
    conversation_id, handoff_id = helped(chats)
    start, outcomes = threading.Barrier(4), []

    def answer(stars: int) -> None:
        start.wait()
        try:
            outcomes.append(store.answer(conversation_id, handoff_id, stars, None).stars)
        except RatingError as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=answer, args=(stars,)) for stars in (1, 2, 3, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert outcomes.count("already_rated") == 3
    (stored,) = store.of_conversation(conversation_id)
    assert stored.stars in outcomes


@pytest.mark.parametrize("outcome", ["open", "handed_back"])
def test_only_a_chat_an_agent_resolved_can_be_rated(stores, outcome):
    chats, _, store = stores
    conversation_id, handoff_id = helped(chats, outcome=outcome)

    refused("not_resolved", lambda: store.answer(conversation_id, handoff_id, 5, None))

    assert count(store.engine) == 0 and store.due(conversation_id) is None


def test_a_customer_cannot_rate_another_customers_chat_or_one_that_does_not_exist(stores):
    chats, _, store = stores
    mine, _ = helped(chats)
    _, theirs = helped(chats)

    refused("not_yours", lambda: store.answer(mine, theirs, 1, "I hate this"))
    refused("not_yours", lambda: store.answer(mine, 99999, 1, None))
    refused("malformed", lambda: store.answer(mine, "1", 1, None))

    assert count(store.engine) == 0


@pytest.mark.parametrize("stars", [0, 6, -1, "5", 4.5, True, None, [5]])
def test_stars_are_a_whole_number_from_one_to_five(stars):
    error = refused("bad_stars", lambda: validate_stars(stars))
    assert error.message == "Choose 1 to 5 stars."


def test_a_comment_is_optional_and_bounded():
    assert validate_comment(None) is None and validate_comment("   ") is None
    assert validate_comment("  Thanks!  ") == "Thanks!"
    assert validate_comment("x" * MAX_COMMENT_CHARS) == "x" * MAX_COMMENT_CHARS
    error = refused("too_long", lambda: validate_comment("x" * (MAX_COMMENT_CHARS + 1)))
    assert error.message == f"The comment is longer than {MAX_COMMENT_CHARS} characters."
    assert refused("binary", lambda: validate_comment("bad\x00byte")).message.startswith("The comment")
    refused("malformed", lambda: validate_comment(42))


def test_the_customer_is_asked_once_per_resolved_handoff(stores):
    chats, handoffs, store = stores
    conversation_id, first = helped(chats)
    assert store.due(conversation_id) == first
    store.answer(conversation_id, first, None, None)
    assert store.due(conversation_id) is None

    handoffs.reopen(conversation_id)  # the customer writes again, and is handed over again
    handoffs.escalate(conversation_id, "request", 0, False)
    assert store.due(conversation_id) is None  # nothing to ask while people hold the chat
    handoffs.claim(conversation_id, 8, "Kim")
    second = handoffs.finish(conversation_id, 8, "kim", "resolved", "resolved", "done", "general").id

    assert store.due(conversation_id) == second


# -- figures: the agent's own, every agent's and the team's per week, /metrics -----------------------------


def rate(stores, agent_id: int, stars: int | None, comment: str | None = None, at: datetime | None = None) -> int:
    """A chat of the agent's, resolved and answered by its customer (at the time `at`)."""
    chats, _, store = stores
    conversation_id, handoff_id = helped(chats, agent_id=agent_id)
    rating = store.answer(conversation_id, handoff_id, stars, comment)
    if at is not None:
        with store.engine.begin() as conn:
            conn.execute(update(ratings).where(ratings.c.id == rating.id).values(created_at=at))
    return conversation_id


def test_an_agent_sees_their_own_count_average_share_of_good_ratings_and_latest_comments(stores, engine):
    staff = StaffStore(engine)
    alex, kim = staff.add_user("alex", "correct horse battery", "agent"), staff.add_user("kim", "correct horse battery",
                                                                                        "agent")
    rate(stores, alex.id, 5, "Alex was great")
    rate(stores, alex.id, 4)
    latest = rate(stores, alex.id, 1, "Nobody read my question")
    rate(stores, alex.id, None)
    rate(stores, kim.id, 2, "Kim's customer")

    own = RatingFigures(engine, staff).agent(alex.id)

    assert (own.total.rated, own.total.skipped, own.total.average, own.total.good_share) == (3, 1, 10 / 3, 2 / 3)
    assert [(c.stars, c.comment) for c in own.comments] == [(1, "Nobody read my question"), (5, "Alex was great")]
    assert own.comments[0].conversation_id == latest


def test_admins_see_each_agent_and_the_team_per_week_for_the_last_twelve_weeks(stores, engine):
    staff = StaffStore(engine)
    alex, kim = staff.add_user("alex", "correct horse battery", "agent"), staff.add_user("kim", "correct horse battery",
                                                                                        "agent")
    now = datetime(2031, 3, 12, 15, 0, tzinfo=timezone.utc)  # a Wednesday

    def weeks_ago(agent_id: int, stars: int | None, weeks: int) -> None:
        rate(stores, agent_id, stars, at=now - timedelta(weeks=weeks, hours=1))

    weeks_ago(alex.id, 5, 0), weeks_ago(alex.id, 3, 0), weeks_ago(alex.id, None, 0), weeks_ago(kim.id, 1, 0)
    weeks_ago(alex.id, 4, 11)
    weeks_ago(alex.id, 1, 12)  # before the table's first Monday
    rate(stores, kim.id, 5, at=now + timedelta(minutes=1))  # after `now`

    weekly = RatingFigures(engine, staff).weekly(now, 12)

    assert weekly.weeks[0] == datetime(2030, 12, 23, tzinfo=timezone.utc) and weekly.weeks[-1] == datetime(
        2031, 3, 10, tzinfo=timezone.utc)  # Mondays, oldest first
    rows = {row.name: row for row in [*weekly.agents, weekly.team]}
    assert list(rows) == ["alex", "kim", "All agents"]
    alex_now, kim_now, team_now = (rows[n].weeks[-1] for n in ("alex", "kim", "All agents"))
    assert (alex_now.rated, alex_now.skipped, alex_now.average, alex_now.good_share) == (2, 1, 4.0, 0.5)
    assert (kim_now.rated, kim_now.average) == (1, 1.0)
    assert (team_now.rated, team_now.average, team_now.good_share) == (3, 3.0, 1 / 3)
    assert (rows["alex"].weeks[0].rated, rows["alex"].weeks[0].average) == (1, 4.0)
    assert rows["alex"].total.rated == 3 and all(f.rated == 0 for f in rows["alex"].weeks[1:-1])


def test_metrics_export_each_agents_recent_ratings_and_the_teams_average_from_the_database(stores, engine):
    staff = StaffStore(engine)
    alex, kim = staff.add_user("alex", "correct horse battery", "agent"), staff.add_user("kim", "correct horse battery",
                                                                                        "agent")
    rate(stores, alex.id, 5), rate(stores, alex.id, 2), rate(stores, kim.id, 4), rate(stores, kim.id, None)
    rate(stores, kim.id, 1, at=utcnow() - timedelta(days=29))  # older than the window
    metrics = HelpdeskMetrics(HandoffStore(engine), lambda: 0, RatingFigures(engine, staff))

    samples = {(s.name, s.labels.get("agent")): s.value
               for family in text_string_to_metric_families(metrics.render().decode()) for s in family.samples}

    assert samples[("nahbar_agent_ratings", "alex")] == 2 and samples[("nahbar_agent_ratings", "kim")] == 1
    assert samples[("nahbar_agent_rating_average", "alex")] == 3.5
    assert samples[("nahbar_agent_rating_average", "kim")] == 4.0
    assert samples[("nahbar_team_rating_average", None)] == pytest.approx(11 / 3)


# -- the gap list: a low rating with a comment on a chat about an article ------------------------------------


def test_only_low_ratings_with_a_comment_on_chats_that_concern_an_article_are_gap_hints(stores):
    chats, _, store = stores

    def rated(stars: int, comment: str | None, **chat) -> int:
        conversation_id, handoff_id = helped(chats, **chat)
        return store.answer(conversation_id, handoff_id, stars, comment).id

    by_bot = rated(1, "The delivery article is wrong about Austria", answered="lieferzeiten")
    by_agent = rated(2, "The returns page does not say how", sent="ruecksendung")
    rated(3, "so-so", answered="lieferzeiten")  # not low
    rated(1, None, answered="lieferzeiten")  # no comment
    rated(1, "You were rude")  # no article involved
    conversation_id, handoff_id = helped(chats)
    chats.add_bot_messages(conversation_id, [("Opening hours …", {})], [], {"slug": "oeffnungszeiten"})
    store.answer(conversation_id, handoff_id, 1, "Still no answer")  # an article only after the chat was resolved

    found = store.low_with_comment(max_stars=2)

    assert [(r.id, r.articles) for r in found] == [(by_agent, ("ruecksendung",)), (by_bot, ("lieferzeiten",))]


def test_the_gap_list_shows_a_low_rating_with_the_article_and_the_comment_anonymized(data, bridge, chats):  # noqa: F811
    store = RatingStore(data.engine)
    conversation_id, handoff_id = helped(chats, answered="lieferzeiten")
    comment = f"The article says two days but my parcel took three weeks. Write to {EMAIL}, Ottilie Brandhuber"
    store.answer(conversation_id, handoff_id, 1, comment)

    gaps = gap_list(data.engine, bridge.knowledge, bridge.anonymize_words)

    (gap,) = [g for g in gaps if g.articles]
    assert gap.articles == {"lieferzeiten": 1}
    assert gap.kinds["low rating with a comment"] == 1
    shown = " ".join(gap.texts)
    assert "parcel took three weeks" in shown
    assert EMAIL not in shown and "Brandhuber" not in shown


# -- erasure: a rating goes with its conversation ----------------------------------------------------------


def test_erasing_a_conversation_erases_its_rating_and_the_export_held_it(data, chats, trackers):  # noqa: F811
    conversation_id, handoff_id = helped(chats)
    RatingStore(data.engine).answer(conversation_id, handoff_id, 2, f"My code word is {MARK}")
    assert scan({data.engine}, MARK)  # the scan sees it before

    export = data.export(conversation_id, "admin alex")
    data.erase(conversation_id, "admin alex")

    assert export["ratings"][0]["stars"] == 2 and MARK in export["ratings"][0]["comment"]
    assert scan({data.engine}, MARK) == []
    assert pointing_to(data.engine, conversation_id) == []


def test_the_retention_purge_removes_ratings_with_their_chats(data, chats):  # noqa: F811
    old, old_handoff = helped(chats)
    young, young_handoff = helped(chats)
    store = RatingStore(data.engine)
    store.answer(old, old_handoff, 5, f"{MARK} old")
    store.answer(young, young_handoff, 4, f"{MARK} young")
    backdate(data.engine, old, timedelta(days=181))

    data.purge()

    assert [r.conversation_id for r in (*store.of_conversation(old), *store.of_conversation(young))] == [young]
    assert scan({data.engine}, f"{MARK} old") == []


# -- through the real server: the widget, the consoles, /metrics, the gap page -------------------------------


async def resolved(widget: WidgetClient, agent, reference: int | None = None, article: str | None = None) -> dict:
    """The widget's chat (claimed by the agent unless `reference` is claimed already) resolved,
    after the agent sent `article`: the customer's handoff status."""
    reference = reference or await claimed(widget, agent)
    if article:
        assert (await agent.call("send_article", conversation_id=reference, slug=article))["ok"]
    answer = await agent.call("resolve", conversation_id=reference, summary="explained", kind="general")
    assert answer["ok"], answer
    return await widget.next_matching("handoff", lambda s: s["state"] == "resolved")


async def page(browser, url: str) -> tuple[int, str]:
    async with browser.http.get(url, allow_redirects=False) as response:
        return response.status, await response.text()


def metric(text: str, name: str, **labels: str) -> float | None:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return None


@pytest.mark.slow
async def test_after_an_agent_resolves_the_widget_asks_once_and_the_rating_reaches_consoles_and_metrics(
        server, widget, agent, make_staff):
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{server.url}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}) as got:
            before = metric(await got.text(), "nahbar_ratings_total", stars="4") or 0.0
    status = await resolved(widget, agent)
    handoff_id = status["rating"]["handoff_id"]
    other_tab = WidgetClient(server.url)
    other_tab.sio.on("rating_stored", other_tab.events.collector("rating_stored"))
    await other_tab.open(session_id=widget.token)

    ack = await widget.sio.call("chat_rating", {"session_id": widget.token, "handoff_id": handoff_id, "stars": 4,
                                                "comment": "Quick and kind"}, timeout=30)

    assert (ack["stars"], ack["comment"], ack["skipped"]) == (4, "Quick and kind", False)
    # The other tab is told too: its question disappears.
    assert await other_tab.next("rating_stored") == {"handoff_id": handoff_id, "skipped": False}
    again = await widget.sio.call("chat_rating", {"handoff_id": handoff_id, "stars": 1}, timeout=30)
    assert again["error"] == "already_rated"
    await other_tab.close()
    reloaded = WidgetClient(server.url)
    try:
        await reloaded.open(session_id=widget.token)
        status = await reloaded.next_matching("handoff", lambda s: s["state"] == "resolved")
        assert "rating" not in status  # answered: a reload does not ask again
    finally:
        await reloaded.close()

    async with aiohttp.ClientSession() as http:
        async with http.get(f"{server.url}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}) as got:
            scraped = await got.text()
    assert metric(scraped, "nahbar_ratings_total", stars="4") == before + 1
    assert metric(scraped, "nahbar_agent_ratings", agent=agent.user.username) == 1
    assert metric(scraped, "nahbar_agent_rating_average", agent=agent.user.username) == 4.0

    status, mine = await page(agent.browser, f"{server.url}/agent/ratings")
    assert status == 200 and "Rated chats: 1 · average 4.0 of 5 stars" in mine and "Quick and kind" in mine
    assert (await page(agent.browser, f"{server.url}/admin/ratings"))[0] == 403  # admins only
    admin = await logged_in(server, make_staff, "admin")
    try:
        status, everyone = await page(admin, f"{server.url}/admin/ratings")
        assert status == 200
        row = re.search(rf'<tr data-agent="{agent.user.username}">(.*?)</tr>', everyone, re.S).group(1)
        assert "1 · ⌀ 4.0 · 100 %" in row
        assert "Quick and kind" not in everyone  # figures, not customers' words
    finally:
        await admin.close()


@pytest.mark.slow
async def test_the_widgets_bad_ratings_get_clear_errors_and_store_nothing(server, widget, agent):
    async def rating(**data) -> dict:
        return await widget.sio.call("chat_rating", {"session_id": widget.token, **data}, timeout=30)

    reference = await claimed(widget, agent)
    open_handoff = server.parts.helpdesk.queue.store.open_handoff(reference).id
    assert (await rating(handoff_id=open_handoff, stars=5))["error"] == "not_resolved"
    status = await resolved(widget, agent, reference)
    handoff_id = status["rating"]["handoff_id"]
    stranger = await WidgetClient(server.url).open()
    try:
        refusal = await stranger.sio.call("chat_rating", {"handoff_id": handoff_id, "stars": 1}, timeout=30)
    finally:
        await stranger.close()

    assert refusal["error"] == "not_yours"  # a socket without this chat's session
    assert (await rating(handoff_id=handoff_id, stars=9))["message"] == "Choose 1 to 5 stars."
    assert (await rating(handoff_id=handoff_id, stars=3, comment="x" * 1001))["error"] == "too_long"
    assert (await rating(handoff_id=str(handoff_id), stars=3))["error"] == "malformed"
    assert (await rating(handoff_id=handoff_id, stars=3, session_id="forged"))["error"] == "session_mismatch"
    assert count(server.parts.engine) == 0
    assert (await rating(handoff_id=handoff_id, skip=True))["skipped"] is True  # … and now it is answered
    assert (await rating(handoff_id=handoff_id, stars=5))["error"] == "already_rated"


@pytest.mark.slow
async def test_a_low_rating_of_a_chat_where_the_agent_sent_an_article_reaches_the_gap_list_anonymized(
        server, widget, agent, make_staff):
    status = await resolved(widget, agent, article="delivery-time")
    comment = f"Your delivery article is useless, my bike took a month. Mail me: {EMAIL}"
    ack = await widget.sio.call("chat_rating", {"handoff_id": status["rating"]["handoff_id"], "stars": 1,
                                                "comment": comment}, timeout=30)
    assert ack["stars"] == 1

    editor = await logged_in(server, make_staff, "editor")
    try:
        code, gaps = await page(editor, f"{server.url}/editor/gaps")
    finally:
        await editor.close()

    assert code == 200
    assert "my bike took a month" in gaps and "low rating with a comment: 1" in gaps
    assert 'href="/kb/delivery-time"' in gaps
    assert EMAIL not in gaps


async def reloaded(page) -> None:
    """Reload the page and wait until its widget got its handoff status (the question, or none)."""
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(str(payload))))
    await page.reload()
    for _ in range(300):
        if any('"handoff"' in frame and '"resolved"' in frame for frame in frames):
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the reloaded widget got no handoff status")


@pytest.mark.slow
async def test_the_customer_rates_with_the_star_buttons_in_a_real_browser_once(server, agent, browser):
    customer = await (await browser.new_context(locale="de-DE")).new_page()
    await customer.goto(f"{server.url}/")
    await customer.click(".nahbar-toggle")
    await customer.fill(".nahbar-input", "Ich möchte mit einem Menschen sprechen")
    await customer.press(".nahbar-input", "Enter")
    status = customer.locator(".nahbar-status")
    await expect(status).to_contain_text("#", timeout=30_000)
    reference = int(re.search(r"#(\d+)", await status.text_content()).group(1))
    assert (await agent.call("claim", conversation_id=reference))["ok"]
    assert (await agent.call("resolve", conversation_id=reference, summary="erklärt", kind="general"))["ok"]

    question = customer.get_by_role("group", name="Wie haben wir dir geholfen?")
    await expect(question).to_be_visible()
    await reloaded(customer)
    await expect(question).to_be_visible()  # not answered yet: asked again after a reload
    send = customer.locator(".nahbar-rating button[type=submit]")
    await expect(send).to_be_disabled()  # no stars chosen yet
    await question.get_by_role("button", name="4 von 5 Sternen").click()
    await expect(question.get_by_role("button", name="4 von 5 Sternen")).to_have_attribute("aria-pressed", "true")
    await expect(question.get_by_role("button", name="5 von 5 Sternen")).to_have_attribute("aria-pressed", "false")
    await customer.get_by_role("textbox", name="Möchtest du noch etwas sagen? (optional)").fill("Sehr nett")
    await send.click()

    await expect(status).to_have_text("Danke für deine Bewertung!")
    await expect(question).to_be_hidden()
    (stored,) = server.parts.helpdesk.ratings.store.of_conversation(reference)
    assert (stored.stars, stored.comment, stored.language) == (4, "Sehr nett", "de")
    await reloaded(customer)
    await expect(question).to_be_hidden()  # answered: not asked again
