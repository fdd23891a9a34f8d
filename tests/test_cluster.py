"""Several server processes behind HAProxy, started as an operator does (scripts/cluster.sh),
on the machine's PostgreSQL and Redis: a customer and an agent on different processes, a
process killed under traffic, a publication that reaches every process.

Each cluster has a database and a Redis key prefix of its own, and is stopped by the PID
of the script, which stops what it started.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Iterator

import aiohttp
import pytest
import sqlalchemy as sa
from playwright.async_api import expect

from benchmarks.server_process import ClusterProcess, get
from nahbar.settings import PROJECT_ROOT
from tests.agent_client import AgentClient, StaffBrowser
from tests.conftest import POSTGRES_URL, REDIS_URL
from tests.delivery_oracle import assert_nothing_lost, collect_the_rest, converse, open_turns, wait_until
from tests.resending_client import ResendingCustomer
from tests.test_editor import TRAILER_ANSWER, TRAILER_QUESTIONS, resolve_as_agent
from tests.test_rasa_webchat import open_chat, open_shop, write
from tests.widget_client import WidgetClient

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (POSTGRES_URL and REDIS_URL), reason="needs the machine's PostgreSQL and Redis"),
]

ASK_FOR_PERSON = "I want to talk to a person"
expect.set_options(timeout=30_000)
SETTINGS = {
    "NAHBAR_AGENT_GRACE_SECONDS": "2",
    "NAHBAR_LEASE_SECONDS": "3",
    # Far longer than any test: a publication must reach the other process by notification.
    "NAHBAR_KNOWLEDGE_CHECK_SECONDS": "3600",
}


def start_cluster(rasa_model: Path, processes: int) -> ClusterProcess:
    return ClusterProcess(PROJECT_ROOT, processes, POSTGRES_URL, REDIS_URL,
                          {**SETTINGS, "NAHBAR_RASA_MODEL": str(rasa_model)}).start()


@pytest.fixture(scope="module")
def cluster(rasa_model: Path) -> Iterator[ClusterProcess]:
    """Two processes that every test here leaves running."""
    running = start_cluster(rasa_model, 2)
    yield running
    running.stop()


@pytest.fixture
def doomed_cluster(rasa_model: Path) -> Iterator[ClusterProcess]:
    """Two processes of which the test kills one."""
    running = start_cluster(rasa_model, 2)
    yield running
    running.stop()


async def agent_on(cluster: ClusterProcess, process: int) -> AgentClient:
    client = AgentClient(cluster.process_urls[process - 1])
    return await (await client.login(cluster.username, cluster.password)).connect()


async def claimed_across(customer: WidgetClient, agent: AgentClient) -> int:
    await customer.ask(ASK_FOR_PERSON)
    status = await customer.next_matching("handoff", lambda s: s["state"] == "waiting")
    await agent.next_matching("overview", lambda o: any(i["reference"] == status["reference"] for i in o["waiting"]))
    assert (await agent.call("claim", conversation_id=status["reference"]))["ok"]
    await customer.next_matching("bot_uttered", lambda m: m["sender"] == "system" and "has joined" in m["text"])
    await customer.next_matching("handoff", lambda s: s["state"] == "agent")
    return status["reference"]


async def test_a_customer_on_one_process_and_an_agent_on_another_talk_both_ways(cluster):
    customer = await WidgetClient(cluster.process_urls[0]).open(language="en")
    agent = await agent_on(cluster, 2)
    try:
        reference = await claimed_across(customer, agent)

        assert (await agent.call("typing", conversation_id=reference, typing=True))["ok"]
        assert (await customer.next("agent_typing"))["typing"] is True
        assert (await agent.call("reply", conversation_id=reference, text="Hi, how can I help?"))["ok"]
        reply = await customer.next_matching("bot_uttered", lambda m: m["sender"] == "agent")
        assert reply["text"] == "Hi, how can I help?"

        await customer.sio.emit("customer_typing", {"typing": True})
        typing = await agent.next_matching("customer_typing", lambda t: t["conversation_id"] == reference)
        assert typing["typing"] is True
        await customer.send("My order 4711 never arrived")
        received = await agent.next_matching(
            "message", lambda m: m["conversation_id"] == reference and m["message"]["sender"] == "customer")
        assert received["message"]["text"] == "My order 4711 never arrived"
        await customer.next("message_handled")  # the agent has it; the bot stayed silent

        assert (await agent.call("hand_back", conversation_id=reference))["ok"]
        await customer.next_matching("bot_uttered", lambda m: m["sender"] == "system" and "assistant" in m["text"])
        replies = await customer.ask("How long does delivery take?")
        assert [r["sender"] for r in replies] and all(r["sender"] == "bot" for r in replies)
    finally:
        await customer.close()
        await agent.close()


async def test_an_editor_publishes_on_one_process_and_the_next_customer_on_another_gets_the_answer(cluster):
    agent = await agent_on(cluster, 1)
    try:
        for question in TRAILER_QUESTIONS:  # three private chats, each on the other process
            await resolve_as_agent(cluster.process_urls[1], agent, question)
    finally:
        await agent.close()

    editor = StaffBrowser(cluster.process_urls[0])
    try:
        assert (await editor.login(cluster.username, cluster.password)).status == 303
        group_id, csrf = await bridge_draft(editor, cluster.process_urls[0])
        async with editor.http.post(f"{cluster.process_urls[0]}/editor/drafts/{group_id}/approve",
                                    allow_redirects=False, data={
                                        "csrf_token": csrf, "question": "Can I rent a child trailer for a weekend?",
                                        "answer": TRAILER_ANSWER}) as response:
            assert response.status == 303
    finally:
        await editor.close()
    slug = published_slug(cluster, "trailer")
    await wait_until(lambda: indexed(cluster.process_urls[1]) == indexed(cluster.process_urls[0]), 10,
                     "process 2 to index the article published on process 1")  # seconds, not the hourly check

    fourth = await WidgetClient(cluster.process_urls[1]).open(language="en")
    try:
        replies = await fourth.ask("Could I borrow a trailer for my children over the weekend?")
        assert f"/kb/{slug}" in replies[0]["text"]
    finally:
        await fourth.close()


async def bridge_draft(editor: StaffBrowser, url: str) -> tuple[str, str]:
    """Run the bridge from the console and wait for the draft it makes: (group id, CSRF token)."""
    async with editor.http.get(f"{url}/editor") as page:
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', await page.text()).group(1)
    async with editor.http.post(f"{url}/editor/run", data={"csrf_token": csrf}) as response:
        assert response.status == 202, await response.text()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 120
    while True:
        async with editor.http.get(f"{url}/editor") as page:
            found = re.search(r'href="/editor/drafts/(\d+)">[^<]*trailer', await page.text())
        if found:
            return found.group(1), csrf
        assert loop.time() < deadline, "the bridge run made no draft"
        await asyncio.sleep(1)


def indexed(url: str) -> int:
    return json.loads(get(f"{url}/healthz", 5))["indexed_phrasings"]


def published_slug(cluster: ClusterProcess, word: str) -> str:
    from knowledge.schema import articles

    engine = sa.create_engine(cluster.database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.select(articles.c.slug).where(
                articles.c.status == "published", articles.c.question.contains(word))).scalar_one()
    finally:
        engine.dispose()


async def test_when_the_agents_process_is_killed_the_chat_goes_back_to_the_queue(doomed_cluster):
    customer = await WidgetClient(doomed_cluster.process_urls[0]).open(language="en")
    agent = await agent_on(doomed_cluster, 2)
    try:
        reference = await claimed_across(customer, agent)
        await asyncio.to_thread(doomed_cluster.kill, 2)
        # The lease (3 s) runs out, then the grace period (2 s): the chat is released once.
        notice = await customer.next_matching(
            "bot_uttered", lambda m: m["sender"] == "system" and "lost the connection" in m["text"], timeout=30)
        assert "back in the queue" in notice["text"]
        status = await customer.next_matching("handoff", lambda s: s["state"] == "waiting", timeout=10)
        assert status["reference"] == reference
    finally:
        await customer.close()
        agent.sio = agent._socket()  # its process is gone: nothing to disconnect
        await agent.browser.close()


async def test_a_process_killed_under_traffic_loses_no_acknowledged_message(doomed_cluster):
    engine = sa.create_engine(doomed_cluster.database_url)
    customers = [ResendingCustomer(doomed_cluster.url, f"c{n}") for n in range(8)]
    talking = asyncio.create_task(converse(customers))
    try:
        await wait_until(lambda: sum(len(c.sent) for c in customers) >= 12, 120, "the first messages")
        await asyncio.to_thread(doomed_cluster.kill, 1)
        await asyncio.wait_for(talking, 300)
        await wait_until(lambda: open_turns(engine) == 0, 120, "every open turn answered by the other process")
        await collect_the_rest(customers)
        assert_nothing_lost(engine, customers)
        assert sum(c.reconnects for c in customers) >= 1  # the customers of the killed process came back
    finally:
        talking.cancel()
        for customer in customers:
            await customer.close()
        engine.dispose()


async def test_the_balancer_pins_a_browser_to_one_process_with_a_cookie(cluster):
    """rasa-webchat polls before it upgrades: every request of one browser must reach one process."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        seen = set()
        for _ in range(6):
            async with browser.get(f"{cluster.url}/healthz") as response:
                seen.add((await response.json())["process"])
    assert len(seen) == 1
    async with aiohttp.ClientSession() as cookieless:
        spread = set()
        for _ in range(6):
            async with cookieless.get(f"{cluster.url}/healthz") as response:
                spread.add((await response.json())["process"])
    assert len(spread) == 2  # without the cookie, round robin: both processes serve


async def test_rasa_webchat_through_the_balancer_polls_then_upgrades_on_one_process(cluster, browser):
    """rasa-webchat starts with long-polling: without the balancer's cookie its requests
    would be spread over both processes, which do not know each other's socket.io sessions."""
    page = await open_shop(browser, cluster.url)
    try:
        await open_chat(page)
        responses = page.locator(".rw-response")
        await expect(responses.first).to_contain_text("Hi! I'm Velora's assistant")
        await write(page, "Do you sell gift cards?")
        await expect(responses.filter(has_text="Did this help?")).to_have_count(1)
        await page.locator(".rw-reply", has_text="Yes").click()
        await expect(responses.last).to_contain_text("Glad it helped!")
        assert any(c["name"] == "NAHBAR_NODE" for c in await page.context.cookies())
    finally:
        await page.context.close()


async def test_nahbars_widget_and_the_agent_console_through_the_balancer(cluster, browser):
    agent = await (await browser.new_context(locale="en-US")).new_page()
    customer = await (await browser.new_context(locale="en-US")).new_page()
    try:
        await agent.goto(f"{cluster.url}/agent")
        await agent.fill("input[name=username]", cluster.username)
        await agent.fill("input[name=password]", cluster.password)
        await agent.click("button[type=submit]")
        await agent.wait_for_url(re.compile(r".*/agent$"))
        await expect(agent.locator("#connection")).to_have_text("online")

        await customer.goto(f"{cluster.url}/")
        await customer.click(".nahbar-toggle")
        await customer.fill(".nahbar-input", ASK_FOR_PERSON)
        await customer.press(".nahbar-input", "Enter")
        status = customer.locator(".nahbar-status")
        await expect(status).to_contain_text("Waiting for our team")
        reference = re.search(r"#(\d+)", await status.text_content()).group(1)

        await agent.click(f"#queue button[data-conversation='{reference}']")
        await agent.click("#claim")
        await expect(status).to_contain_text("You're chatting with")
        await agent.fill("#reply", "Hello from the other side of the balancer.")
        await agent.click("#reply-form button[type=submit]")
        await expect(customer.locator(".nahbar-agent").last).to_contain_text("Hello from the other side")
        await customer.fill(".nahbar-input", "Thanks!")
        await customer.press(".nahbar-input", "Enter")
        await expect(agent.locator("#transcript .msg-customer").last).to_contain_text("Thanks!")
    finally:
        await agent.context.close()
        await customer.context.close()
