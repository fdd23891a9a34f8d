"""The public knowledge base pages and JSON API, against the running server."""

import re

import aiohttp
import pytest

pytestmark = pytest.mark.slow


@pytest.fixture
async def http():
    async with aiohttp.ClientSession() as session:
        yield session


async def get(http, url, **kwargs):
    async with http.get(url, **kwargs) as response:
        return response.status, await response.text()


async def test_the_search_page_lists_articles_by_topic_and_language(server, http):
    status, html = await get(http, f"{server.url}/kb?lang=de")
    assert status == 200
    assert "Wie lange dauert die Lieferung?" in html
    assert "How long does delivery take?" not in html
    assert '<h2>shipping</h2>' in html


async def test_the_search_page_ranks_articles_for_a_question(server, http):
    status, html = await get(http, f"{server.url}/kb", params={"q": "Wo ist meine Rechnung?"})
    assert status == 200
    first = re.search(r'<ul class="articles" id="results">\s*<li><a href="/kb/([a-z0-9-]+)"', html)
    assert first and first.group(1) == "rechnung-herunterladen"


async def test_an_article_page_renders_markdown_and_asks_for_feedback(server, http):
    status, html = await get(http, f"{server.url}/kb/lieferzeit", headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert status == 200
    assert "<strong>1 Werktag</strong>" in html
    assert "War das hilfreich?" in html


async def test_html_in_a_search_is_shown_as_text(server, http):
    status, html = await get(http, f"{server.url}/kb", params={"q": "<script>alert(1)</script>"})
    assert status == 200
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


async def test_feedback_on_an_article_page_is_recorded_once(server, http):
    article = server.parts.knowledge.article("gutscheine")
    before = server.parts.knowledge.feedback_counts(article.id)
    _, html = await get(http, f"{server.url}/kb/gutscheine")
    nonce = re.search(r'name="nonce" value="([^"]+)"', html).group(1)
    for expected in ("feedback=thanks", "feedback=duplicate"):
        async with http.post(
            f"{server.url}/kb/gutscheine/feedback", data={"helpful": "no", "nonce": nonce}, allow_redirects=False
        ) as response:
            assert response.status == 303
            assert response.headers["Location"].endswith(expected)
    after = server.parts.knowledge.feedback_counts(article.id)
    assert after == {**before, "unhelpful": before["unhelpful"] + 1}


@pytest.mark.parametrize("form", [
    {"helpful": "maybe"},
    {"helpful": "yes", "nonce": "not from the page!"},  # a nonce the page never makes (token_urlsafe)
])
async def test_malformed_feedback_is_refused(server, http, form):
    async with http.post(f"{server.url}/kb/gutscheine/feedback", data=form, allow_redirects=False) as response:
        assert response.status == 400


async def test_the_api_returns_ranked_results_with_links(server, http):
    async with http.get(f"{server.url}/api/kb/search", params={"q": "Can I pay in instalments?", "lang": "en"}) as r:
        assert r.status == 200
        body = await r.json()
    first = body["results"][0]
    assert first["slug"] == "financing"
    assert first["url"] == f"{server.url}/kb/financing"
    assert 0 < first["score"] <= 1


@pytest.mark.parametrize(
    "params, problem",
    [
        ({}, "parameter q"),
        ({"q": "x" * 501}, "longer than 500"),
        ({"q": "hi", "lang": "fr"}, "language 'fr'"),
        ({"q": "hi", "limit": "lots"}, "limit must be a number"),
        ({"q": "hi", "limit": "0"}, "limit must be a number"),
        # Checked as sent, as the API description says: trimming must not hide a control
        # character or the 501st character, and int()'s leniency is no promise.
        ({"q": "hi\x1f"}, "control characters"),
        ({"q": "hi" + " " * 499}, "longer than 500"),
        ({"q": "hi", "limit": ""}, "limit must be a number"),
        ({"q": "hi", "limit": " 7"}, "limit must be a number"),
        ({"q": "hi", "limit": "\u0667"}, "limit must be a number"),  # ARABIC-INDIC DIGIT SEVEN
    ],
)
async def test_bad_api_requests_get_a_clear_error(server, http, params, problem):
    async with http.get(f"{server.url}/api/kb/search", params=params) as response:
        assert response.status == 400
        assert problem in (await response.json())["error"]


async def test_draft_and_withdrawn_articles_are_not_public_anywhere(server, http):
    from knowledge.articles import ArticleInput

    kb = server.parts.knowledge
    kb.save(
        ArticleInput.from_mapping(
            {"slug": "unreleased-cargo-bike", "language": "en", "status": "draft",
             "question": "When does the Velora Cargo X come out?", "answer": "In spring."}
        ),
        actor="editor",
    )
    kb.set_status("store-opening-hours", "withdrawn", actor="editor")
    try:
        for slug in ("unreleased-cargo-bike", "store-opening-hours"):
            assert (await get(http, f"{server.url}/kb/{slug}"))[0] == 404
            async with http.get(f"{server.url}/api/kb/articles/{slug}") as response:
                assert response.status == 404
        _, listing = await get(http, f"{server.url}/kb")
        assert "Cargo X" not in listing and "Where is your shop" not in listing
        async with http.get(f"{server.url}/api/kb/search", params={"q": "When does the Velora Cargo X come out?", "limit": 20}) as r:
            found = [hit["slug"] for hit in (await r.json())["results"]]
        assert "unreleased-cargo-bike" not in found
        async with http.get(f"{server.url}/api/kb/articles") as r:
            listed = [a["slug"] for a in (await r.json())["articles"]]
        assert "unreleased-cargo-bike" not in listed and "store-opening-hours" not in listed
    finally:
        kb.set_status("store-opening-hours", "published", actor="editor")


async def test_the_bot_does_not_answer_from_a_withdrawn_article(server):
    from tests.widget_client import WidgetClient

    server.parts.knowledge.set_status("international-shipping", "withdrawn", actor="editor")
    server.parts.knowledge.set_status("auslandsversand", "withdrawn", actor="editor")
    client = await WidgetClient(server.url).open()
    try:
        replies = await client.ask("Do you ship outside Germany?")
        assert all("/kb/international-shipping" not in r["text"] and "/kb/auslandsversand" not in r["text"] for r in replies)
    finally:
        await client.close()
        server.parts.knowledge.set_status("international-shipping", "published", actor="editor")
        server.parts.knowledge.set_status("auslandsversand", "published", actor="editor")


async def test_searches_that_find_nothing_are_recorded_for_editors(server, http):
    await get(http, f"{server.url}/api/kb/search", params={"q": "Do you repair lawn mowers on Sundays?"})
    assert "Do you repair lawn mowers on Sundays?" in [m["query"] for m in server.parts.knowledge.misses()]


async def test_the_demo_page_embeds_the_widget_and_the_widget_files_are_served(server, http):
    status, html = await get(http, f"{server.url}/")
    assert status == 200 and "/widget/widget.js" in html
    for path in ("/widget/widget.js", "/widget/widget.css", "/widget/vendor/socket.io.min.js"):
        assert (await get(http, f"{server.url}{path}"))[0] == 200
