""""Did you mean …?": when two articles are equally close, the bot asks which one, end to end
(real server, trained bot, socket.io widget, editor console)."""

from __future__ import annotations

import re
import secrets

import pytest
from sqlalchemy import select

from helpdesk.conversations import hash_token
from helpdesk.schema import conversations
from knowledge.articles import ArticleInput
from tests.test_editor import logged_in

pytestmark = pytest.mark.slow

PAIRS = {
    "en": (("How do I reset my Quobble password?", "Use the link on the login page."),
           ("How do I change my Quobble password?", "Open your profile and choose a new one."),
           "Quobble password"),
    "de": (("Wie setze ich mein Quobble-Passwort zurück?", "Nutze den Link auf der Anmeldeseite."),
           ("Wie ändere ich mein Quobble-Passwort?", "Öffne dein Profil und wähle ein neues."),
           "Quobble-Passwort"),
}


@pytest.fixture
def close_articles(server):
    """Two articles of this test alone, about equally close to a short question in each
    language, withdrawn afterwards: {language: (question, [slug, slug])}."""
    knowledge = server.parts.knowledge
    made: dict[str, tuple[str, list[str]]] = {}
    for language, (first, second, question) in PAIRS.items():
        slugs = []
        for title, answer in (first, second):
            slug = f"quobble-{language}-{secrets.token_hex(3)}"
            knowledge.save(ArticleInput.from_mapping({"slug": slug, "language": language, "question": title,
                                                      "answer": answer, "status": "published"}), "test")
            slugs.append(slug)
        made[language] = (question, slugs)
    yield made
    for _question, slugs in made.values():
        for slug in slugs:
            knowledge.set_status(slug, "withdrawn", "test")


def public_id(server, widget) -> str:
    with server.parts.engine.connect() as conn:
        return conn.execute(select(conversations.c.public_id)
                            .where(conversations.c.token_hash == hash_token(widget.token))).scalar_one()


def articles_offered(reply) -> dict[str, str]:
    """slug → payload of the reply's article buttons."""
    return {m.group(1): b["payload"] for b in reply.get("quick_replies") or ()
            for m in [re.search(r'"article": "([a-z0-9-]+)"', b["payload"])] if m}


async def test_two_equally_close_articles_get_a_did_you_mean_with_a_button_each_and_one_for_something_else(
        close_articles, widget):
    question, slugs = close_articles["en"]
    (reply,) = await widget.ask(question)
    assert reply["text"] == "I'm not sure which answer you're looking for. Did you mean one of these?"
    assert set(articles_offered(reply)) == set(slugs)
    titles = [b["title"] for b in reply["quick_replies"]]
    assert titles[-1] == "Something else" and {"How do I reset my Quobble password?",
                                               "How do I change my Quobble password?"} <= set(titles)


async def test_choosing_an_article_answers_with_it_as_a_direct_answer_does_and_records_the_choice(
        server, close_articles, widget):
    question, slugs = close_articles["en"]
    (reply,) = await widget.ask(question)
    answer, ask = await widget.ask(articles_offered(reply)[slugs[1]])
    assert answer["text"].startswith("How do I change my Quobble password?") and f"/kb/{slugs[1]}" in answer["text"]
    assert [r["payload"] for r in ask["quick_replies"]] == ["/feedback_helpful", "/feedback_unhelpful"]
    (thanks,) = await widget.ask("/feedback_helpful")  # the answer's feedback works as after a direct answer
    assert thanks["text"] == "Glad it helped! Thanks for your feedback."
    article = server.parts.knowledge.article(slugs[1])
    assert server.parts.knowledge.feedback_counts(article.id)["helpful"] == 1
    asker = public_id(server, widget)
    assert picks_of(server, asker) == [(article.id, question)]
    assert not [m for m in server.parts.knowledge.misses() if m["asker"] == asker]


def picks_of(server, asker: str) -> list[tuple[int, str]]:
    from knowledge.schema import clarifications

    with server.parts.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(select(clarifications.c.article_id, clarifications.c.query)
                                                   .where(clarifications.c.asker == asker))]


async def test_something_else_offers_a_person_and_logs_the_question_as_a_miss(server, close_articles, widget):
    question, _slugs = close_articles["en"]
    (reply,) = await widget.ask(question)
    (offer,) = await widget.ask(reply["quick_replies"][-1]["payload"])
    assert offer["text"].startswith("Sorry, I couldn't find a good answer")
    assert [r["payload"] for r in offer["quick_replies"]] == ["/request_human", "/deny"]
    asker = public_id(server, widget)
    assert [m["query"] for m in server.parts.knowledge.misses() if m["asker"] == asker] == [question]
    (notice,) = await widget.ask("/request_human")
    assert notice["sender"] == "system" and "support team" in notice["text"]


async def test_a_german_customer_is_asked_in_german(close_articles, server):
    from tests.widget_client import WidgetClient

    question, slugs = close_articles["de"]
    widget = await WidgetClient(server.url).open(language="de")
    try:
        (reply,) = await widget.ask(question)
        assert reply["text"] == "Ich bin nicht sicher, welche Antwort du suchst. Meintest du eine davon?"
        assert set(articles_offered(reply)) == set(slugs)
        assert reply["quick_replies"][-1]["title"] == "Etwas anderes"
        answer, ask = await widget.ask(articles_offered(reply)[slugs[0]])
        assert answer["text"].startswith("Wie setze ich mein Quobble-Passwort zurück?")
        assert ask["text"] == "Hat dir das geholfen?"
    finally:
        await widget.close()


async def test_typing_a_new_question_instead_of_clicking_answers_that_question(server, close_articles, widget):
    question, _slugs = close_articles["en"]
    await widget.ask(question)
    answer, _ask = await widget.ask("Which payment methods can I use?")
    assert f"{server.url}/kb/payment-methods" in answer["text"]


async def test_a_typed_choice_payload_the_bot_did_not_offer_is_read_as_words(server, close_articles, widget):
    _question, slugs = close_articles["en"]
    replies = await widget.ask(f'/ask_question{{"article": "{slugs[0]}"}}')
    assert not any(f"/kb/{slugs[0]}" in r["text"] for r in replies)


async def test_the_editor_adds_a_chosen_wording_and_search_then_finds_the_article_by_it(
        server, close_articles, widget, make_staff):
    wording = "I forgot my Quobble password"  # common words and the article's own: fit to be a phrasing
    _question, slugs = close_articles["en"]
    (reply,) = await widget.ask(wording)
    await widget.ask(articles_offered(reply)[slugs[0]])
    article = server.parts.knowledge.article(slugs[0])
    editor = await logged_in(server, make_staff, "editor")
    try:
        async with editor.http.get(f"{server.url}/editor") as page:
            html = await page.text()
        assert wording in html and f'action="/editor/choices/{article.id}/add"' in html
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        async with editor.http.post(f"{server.url}/editor/choices/{article.id}/add",
                                    data={"csrf_token": csrf, "wording": wording}) as done:
            html = await done.text()
        assert "The customer&#39;s wording now finds the article." in html and wording not in html
    finally:
        await editor.close()
    assert wording in server.parts.knowledge.alternatives(article.id)
    (best,) = server.parts.knowledge.search(wording, "en", 1)
    assert best.article.slug == slugs[0] and best.matched == wording
    (answer, _ask) = await widget.ask(wording)  # and the bot answers it directly now
    assert f"/kb/{slugs[0]}" in answer["text"]


async def test_the_editor_dismisses_a_chosen_wording_and_the_article_stays_as_it_was(
        server, close_articles, widget, make_staff):
    wording = "the Quobble password again"
    _question, slugs = close_articles["en"]
    (reply,) = await widget.ask(wording)
    await widget.ask(articles_offered(reply)[slugs[1]])
    article = server.parts.knowledge.article(slugs[1])
    editor = await logged_in(server, make_staff, "editor")
    try:
        async with editor.http.get(f"{server.url}/editor") as page:
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', await page.text()).group(1)
        async with editor.http.post(f"{server.url}/editor/choices/{article.id}/dismiss",
                                    data={"csrf_token": csrf, "wording": wording}) as done:
            html = await done.text()
        assert "The wording is dismissed." in html and wording not in html
    finally:
        await editor.close()
    assert server.parts.knowledge.alternatives(article.id) == []
    assert server.parts.knowledge.article(slugs[1]).version == article.version


async def test_in_a_browser_the_customer_clicks_a_did_you_mean_button_and_reads_that_article(
        server, close_articles, browser):
    from playwright.async_api import expect

    question, slugs = close_articles["en"]
    page = await (await browser.new_context(locale="en-US")).new_page()
    await page.goto(f"{server.url}/")
    await page.click(".nahbar-toggle")
    await page.fill(".nahbar-input", question)
    await page.press(".nahbar-input", "Enter")
    asked = page.locator(".nahbar-bot", has_text="Did you mean one of these?")
    await expect(asked).to_be_visible(timeout=30_000)
    await expect(asked.locator(".nahbar-button").last).to_have_text("Something else")
    await asked.locator(".nahbar-button", has_text="How do I change my Quobble password?").click()
    await expect(page.locator(".nahbar-customer").last).to_contain_text("How do I change my Quobble password?")
    await expect(page.locator(".nahbar-bot", has_text=f"/kb/{slugs[1]}")).to_be_visible(timeout=30_000)
    await expect(page.locator(".nahbar-bot").last).to_contain_text("Did this help?")


async def test_yes_while_the_bot_waits_for_a_pick_asks_to_tap_one(close_articles, widget):
    question, _slugs = close_articles["en"]
    await widget.ask(question)
    (reply,) = await widget.ask("yes")
    assert reply["text"] == "Please tap one of the answers above, or tell me your question in other words."
