"""The editor console and the whole one-to-many loop through the real server."""

from __future__ import annotations

import asyncio
import re

import aiohttp
import pytest

from tests.agent_client import StaffBrowser
from tests.widget_client import WidgetClient

pytestmark = pytest.mark.slow

# A topic no other test asks about: the shared server keeps the article this test publishes.
TRAILER_QUESTIONS = [
    "Can I rent a child trailer for the weekend?",
    "Do you rent out bike trailers for children on weekends?",
    "Is it possible to hire a kids' bike trailer for a weekend?",
]
TRAILER_ANSWER = "Yes, our Leipzig shop rents child trailers from Friday to Monday for 25 euros including a safety flag."


async def logged_in(server, make_staff, role: str) -> StaffBrowser:
    user, password = make_staff(role)
    browser = StaffBrowser(server.url)
    assert (await browser.login(user.username, password)).status == 303
    return browser


@pytest.mark.parametrize("role,status", [("anonymous", 303), ("agent", 403), ("editor", 200), ("admin", 200)])
async def test_the_editor_console_admits_editors_and_admins_only(server, make_staff, role, status):
    browser = StaffBrowser(server.url) if role == "anonymous" else await logged_in(server, make_staff, role)
    try:
        for path in ("/editor", "/editor/gaps", "/editor/audit"):
            async with browser.http.get(f"{server.url}{path}", allow_redirects=False) as response:
                assert response.status == status, path
        # Without the session's CSRF token even an editor's decision is refused.
        async with browser.http.post(f"{server.url}/editor/drafts/1/reject", data={"reason": "x"},
                                     allow_redirects=False) as response:
            assert response.status == (401 if role == "anonymous" else 403)
    finally:
        await browser.close()


async def resolve_as_agent(url: str, agent, question: str) -> None:
    """A customer asks `question` on the server at `url`; the agent answers and resolves it."""
    customer = await WidgetClient(url).open(language="en")
    try:
        await customer.ask(question)
        await customer.ask("I want to talk to a person")
        status = await customer.next_matching("handoff", lambda s: s["state"] == "waiting")
        assert (await agent.call("claim", conversation_id=status["reference"]))["ok"]
        await agent.call("reply", conversation_id=status["reference"], text=TRAILER_ANSWER)
        answer = await agent.call("resolve", conversation_id=status["reference"], summary="trailer rental explained",
                                  kind="general")
        assert answer["ok"], answer
    finally:
        await customer.close()


async def test_three_private_chats_become_a_public_answer_for_the_fourth_customer(server, agent, make_staff):
    for question in TRAILER_QUESTIONS:
        await resolve_as_agent(server.url, agent, question)
    summary = server.parts.bridge.run()
    assert summary.drafts_created >= 1
    slug = next(s for s in summary.draft_slugs if "trailer" in s)

    editor = await logged_in(server, make_staff, "editor")
    try:
        async with editor.http.get(f"{server.url}/editor") as page:
            html = await page.text()
        group_id = re.search(r'href="/editor/drafts/(\d+)">[^<]*trailer', html).group(1)
        async with editor.http.get(f"{server.url}/editor/drafts/{group_id}") as page:
            draft_html = await page.text()
        assert "Alex" not in draft_html  # the agent's name stays out of the evidence
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', draft_html).group(1)
        async with editor.http.post(f"{server.url}/editor/drafts/{group_id}/approve", allow_redirects=False, data={
            "csrf_token": "forged", "question": "Can I rent a child trailer for a weekend?", "answer": TRAILER_ANSWER,
        }) as response:
            assert response.status == 403
        async with editor.http.post(f"{server.url}/editor/drafts/{group_id}/approve", allow_redirects=False, data={
            "csrf_token": csrf, "question": "Can I rent a child trailer for a weekend?", "answer": TRAILER_ANSWER,
        }) as response:
            assert response.status == 303
        async with editor.http.get(f"{server.url}/editor/audit") as page:
            assert slug in await page.text()
    finally:
        await editor.close()

    fourth = await WidgetClient(server.url).open(language="en")
    try:
        replies = await fourth.ask("Could I borrow a trailer for my children over the weekend?")
        assert f"{server.url}/kb/{slug}" in replies[0]["text"]
    finally:
        await fourth.close()
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{server.url}/kb/{slug}") as page:
            text = await page.text()
            assert page.status == 200 and "safety flag" in text


async def test_drafts_never_appear_on_public_pages_or_in_the_bots_answers(server, make_staff):
    from knowledge.articles import ArticleInput

    server.parts.knowledge.save(ArticleInput("secret-draft", "en", "Do you repair unicycles?", "Yes, on Tuesdays.",
                                             status="draft", origin="bridge"), actor="test")
    customer = await WidgetClient(server.url).open(language="en")
    try:
        replies = await customer.ask("Do you repair unicycles?")
        assert all("secret-draft" not in r["text"] for r in replies)
    finally:
        await customer.close()
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{server.url}/kb/secret-draft") as page:
            assert page.status == 404
        async with http.get(f"{server.url}/api/kb/search", params={"q": "repair unicycles"}) as response:
            assert "secret-draft" not in await response.text()


async def test_the_gap_list_groups_what_the_bot_could_not_answer(server, make_staff):
    for question in ("Do you sell unicorn saddles?", "Can I buy a saddle shaped like a unicorn?"):
        customer = await WidgetClient(server.url).open(language="en")
        try:
            await customer.ask(question)
        finally:
            await customer.close()
    editor = await logged_in(server, make_staff, "editor")
    try:
        async with editor.http.get(f"{server.url}/editor/gaps") as page:
            html = await page.text()
        assert "unicorn" in html and "the bot had no answer" in html
    finally:
        await editor.close()


async def test_an_editor_can_run_the_bridge_from_the_console(server, make_staff):
    editor = await logged_in(server, make_staff, "editor")
    try:
        async with editor.http.get(f"{server.url}/editor") as page:
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', await page.text()).group(1)
        async with editor.http.post(f"{server.url}/editor/run", data={"csrf_token": csrf}) as response:
            assert response.status == 202  # answered at once; the run goes on in the background
            assert "The bridge is running" in await response.text()
        deadline = asyncio.get_running_loop().time() + 60
        while True:  # the console shows the run's progress, then its summary
            async with editor.http.get(f"{server.url}/editor") as page:
                html = await page.text()
            if "Last bridge run: done" in html:
                break
            assert asyncio.get_running_loop().time() < deadline, "the bridge run did not finish"
            await asyncio.sleep(0.5)
        assert "pairs read" in html and "started by editor " in html
    finally:
        await editor.close()


async def test_a_second_run_while_one_is_under_way_is_refused_in_the_console(server, make_staff):
    run_id = server.parts.bridge_runs.start("command line")
    editor = await logged_in(server, make_staff, "editor")
    try:
        async with editor.http.get(f"{server.url}/editor") as page:
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', await page.text()).group(1)
        async with editor.http.post(f"{server.url}/editor/run", data={"csrf_token": csrf}) as response:
            assert response.status == 409
            assert "Another bridge run is under way: started by command line" in await response.text()
    finally:
        await editor.close()
        server.parts.bridge_runs.carry_out(run_id)
