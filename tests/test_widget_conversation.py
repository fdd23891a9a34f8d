"""End to end through the widget channel: real server, trained bot, socket.io client."""


import pytest
from sqlalchemy import select

from helpdesk.conversations import hash_token
from helpdesk.schema import conversations, messages
from tests.widget_client import WidgetClient

pytestmark = pytest.mark.slow


def stored_messages(server, token, with_ids=False):
    """(sender, text) of every stored message of the token's conversation, in order; with the ids first."""
    with server.parts.engine.connect() as conn:
        conversation = conn.execute(
            select(conversations.c.id).where(conversations.c.token_hash == hash_token(token))
        ).scalar_one()
        rows = conn.execute(select(messages).where(messages.c.conversation_id == conversation).order_by(messages.c.id))
        return [(row.id, row.sender, row.text) if with_ids else (row.sender, row.text) for row in rows]


async def test_a_german_question_gets_the_german_article_with_a_link(server, widget):
    answer, ask = await widget.ask("Wie lange dauert die Lieferung eines Fahrrads?")
    assert answer["text"].startswith("Wie lange dauert die Lieferung?")
    assert f"{server.url}/kb/lieferzeit" in answer["text"]
    assert ask["text"] == "Hat dir das geholfen?"
    assert [r["payload"] for r in ask["quick_replies"]] == ["/feedback_helpful", "/feedback_unhelpful"]


async def test_an_english_question_gets_the_english_article(server, widget):
    answer, ask = await widget.ask("Which payment methods can I use?")
    assert f"{server.url}/kb/payment-methods" in answer["text"]
    assert ask["text"] == "Did this help?"


async def test_a_question_without_a_good_article_gets_an_honest_answer_and_the_offer_of_a_person(widget):
    (reply,) = await widget.ask("Can I bring my dog to the moon with your rocket?")
    assert reply["text"].startswith("Sorry, I couldn't find a good answer")
    assert [r["payload"] for r in reply["quick_replies"]] == ["/request_human", "/deny"]
    (notice,) = await widget.ask("/request_human")
    assert notice["sender"] == "system" and "support team" in notice["text"]


async def test_the_feedback_button_records_a_helpful_vote(server, widget):
    article = server.parts.knowledge.article("gift-cards")
    before = server.parts.knowledge.feedback_counts(article.id)["helpful"]
    await widget.ask("Do you sell gift cards?")
    (thanks,) = await widget.ask("/feedback_helpful")
    assert thanks["text"] == "Glad it helped! Thanks for your feedback."
    assert server.parts.knowledge.feedback_counts(article.id)["helpful"] == before + 1


async def test_saying_no_to_did_this_help_records_an_unhelpful_vote_and_offers_a_person(server, widget):
    article = server.parts.knowledge.article("warranty")
    before = server.parts.knowledge.feedback_counts(article.id)["unhelpful"]
    await widget.ask("What warranty do I get on a bike?")
    (reply,) = await widget.ask("no, that was not helpful")
    assert "/request_human" in [r["payload"] for r in reply["quick_replies"]]
    assert server.parts.knowledge.feedback_counts(article.id)["unhelpful"] == before + 1


async def test_a_reconnecting_widget_gets_its_history_back(server, widget):
    await widget.ask("How much does shipping cost?")
    token = widget.token
    await widget.close()
    again = await WidgetClient(server.url).open(session_id=token)
    try:
        assert again.token == token
        texts = [(m["sender"], m["text"]) for m in again.history]
        assert texts[0] == ("customer", "How much does shipping cost?")
        assert texts[1][0] == "bot" and "/kb/shipping-costs" in texts[1][1]
        assert again.history[2]["quick_replies"][0]["payload"] == "/feedback_helpful"
    finally:
        await again.close()


async def test_an_unknown_or_forged_session_id_starts_an_empty_conversation(server, widget):
    await widget.ask("How much does shipping cost?")
    forged = widget.token[:-4] + "AAAA"
    for session_id in (forged, "not-a-token", 12345, None):
        stranger = await WidgetClient(server.url).open(session_id=session_id)
        try:
            assert stranger.token not in (widget.token, forged)
            assert stranger.history is None
        finally:
            await stranger.close()


async def test_every_message_is_stored_before_delivery(server, widget):
    replies = await widget.ask("Where is your shop?")
    stored = stored_messages(server, widget.token)
    assert stored[0] == ("customer", "Where is your shop?")
    assert [text for sender, text in stored[1:]] == [r["text"] for r in replies]


async def test_the_bot_stays_in_the_customers_language_for_short_replies(widget):
    await widget.ask("Kann ich mein Fahrrad in Raten bezahlen?")
    replies = await widget.ask("ja")
    assert [r["text"] for r in replies] == ["Freut mich! Danke für dein Feedback."]


async def test_the_browser_language_decides_the_first_greeting(server):
    client = await WidgetClient(server.url).open(language="de")
    try:
        (reply,) = await client.ask("Hallo")
        assert reply["text"].startswith("Hallo! Ich bin der Assistent")
    finally:
        await client.close()


def recorded_events(server, token):
    from helpdesk.schema import events

    with server.parts.engine.connect() as conn:
        conversation = conn.execute(
            select(conversations.c.id).where(conversations.c.token_hash == hash_token(token))).scalar_one()
        return conversation, [row._asdict() for row in conn.execute(
            select(events).where(events.c.conversation_id == conversation).order_by(events.c.id))]


async def test_an_answer_from_an_article_is_recorded_as_data_with_its_version_score_and_confidence(server, widget):
    answer, _ask = await widget.ask("Wie lange dauert die Lieferung eines Fahrrads?")
    _conversation, (event,) = recorded_events(server, widget.token)
    article = server.parts.knowledge.article("lieferzeit")
    assert (event["kind"], event["article_id"], event["article_slug"], event["article_version"]) == (
        "answer", article.id, "lieferzeit", article.version)
    assert 0.55 <= event["score"] <= 1 and 0.7 <= event["confidence"] <= 1
    assert event["message_id"] == answer["id"]  # the answer the customer read


@pytest.mark.parametrize("vote", ["/feedback_helpful", "ja"])
async def test_a_helpful_vote_pressed_or_typed_is_recorded_and_feeds_the_bridge(server, vote):
    from bridge.extract import extract

    widget = await WidgetClient(server.url).open(language="de")
    try:
        await widget.ask("Kann ich meinen Gutschein auch im Laden einlösen?")
        await widget.ask(vote)
        conversation, recorded = recorded_events(server, widget.token)
    finally:
        await widget.close()
    (answer, helpful) = recorded
    assert (helpful["kind"], helpful["helpful"], helpful["article_slug"]) == ("vote", True, answer["article_slug"])
    (pair,) = [p for p in extract(server.parts.engine) if p.conversation_id == conversation]
    assert (pair.source, pair.article_slug, pair.question) == (
        "bot", answer["article_slug"], "Kann ich meinen Gutschein auch im Laden einlösen?")
