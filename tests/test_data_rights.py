"""Customers' data through the real server: the widget's download and erase, the admins'
console, the agent told during a handoff, the gap list and the server log without personal data."""

from __future__ import annotations

import asyncio
import json
import re
import sys

import aiohttp
import pytest
from playwright.async_api import expect
from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy import func, select

from benchmarks.server_process import ServerProcess
from helpdesk.schema import conversations, messages
from nahbar.settings import PROJECT_ROOT
from tests.test_editor import logged_in
from tests.test_handoff import claimed
from tests.widget_client import WidgetClient

pytestmark = pytest.mark.slow

EMAIL, IBAN, PHONE = "marla.quellmalz@example.org", "DE89370400440532013000", "+49 170 5550199"
SECRETS = (EMAIL, IBAN, "5550199")
PERSONAL = f"My e-mail is {EMAIL} and my IBAN is {IBAN}, call me at {PHONE}. Where is my refund?"


def stored(server, conversation_id: int) -> tuple[int, int]:
    """(conversation rows, Rasa tracker events) the databases hold for the conversation."""
    with server.parts.engine.connect() as conn:
        row = conn.execute(select(conversations.c.public_id).where(conversations.c.id == conversation_id)).first()
        count = conn.execute(select(func.count()).select_from(messages)
                             .where(messages.c.conversation_id == conversation_id)).scalar()
    tracker = server.parts.brain.tracker_store
    events = SQLTrackerStore.SQLEvent.__table__
    with tracker.engine.connect() as conn:
        kept = conn.execute(select(func.count()).select_from(events).where(
            events.c.sender_id == (row.public_id if row else ""))).scalar()
    return (count if row else 0), kept


def reference_of(widget: WidgetClient, server) -> int:
    with server.parts.engine.connect() as conn:
        return conn.execute(select(func.max(conversations.c.id))).scalar()


async def test_a_customer_downloads_their_chat_as_a_text_they_can_read(server, widget):
    await widget.ask("How long does delivery take?")
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{server.url}/api/chat/transcript", headers={"X-Nahbar-Session": widget.token}) as got:
            assert got.status == 200 and got.content_type == "text/plain"
            assert re.match(r'attachment; filename="chat-\d+\.txt"', got.headers["Content-Disposition"])
            text = await got.text()
        async with http.get(f"{server.url}/api/chat/transcript", headers={"X-Nahbar-Session": "x" * 43}) as other:
            assert other.status == 404  # another token sees nothing
    assert "You: How long does delivery take?" in text and "Bot: " in text


async def test_an_erase_without_confirmation_or_for_an_unknown_chat_changes_nothing(server, widget):
    await widget.ask("How long does delivery take?")
    reference = reference_of(widget, server)
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{server.url}/api/chat/erase", headers={"X-Nahbar-Session": widget.token},
                             json={}) as unconfirmed:
            assert unconfirmed.status == 400 and (await unconfirmed.json())["error"] == "not_confirmed"
        async with http.post(f"{server.url}/api/chat/erase", headers={"X-Nahbar-Session": "y" * 43},
                             json={"confirm": True}) as unknown:
            assert unknown.status == 404 and (await unknown.json())["error"] == "no_chat"
    assert stored(server, reference)[0] == 3


async def test_a_request_without_the_session_header_is_a_bad_request(server):
    async with aiohttp.ClientSession() as http:
        for method, path in (("GET", "/api/chat/transcript"), ("POST", "/api/chat/erase")):
            async with http.request(method, f"{server.url}{path}", json={"confirm": True}) as response:
                assert response.status == 400 and (await response.json())["error"] == "no_session", path
                assert response.headers["Access-Control-Allow-Origin"] == "*"


async def test_a_customer_who_deletes_their_chat_during_a_handoff_closes_it_for_the_agent(server, widget, agent):
    reference = await claimed(widget, agent)
    await agent.call("reply", conversation_id=reference, text="Hi, I'm Alex.")
    await widget.next("bot_uttered")
    assert stored(server, reference) > (0, 0)

    async with aiohttp.ClientSession() as http:
        async with http.post(f"{server.url}/api/chat/erase", headers={"X-Nahbar-Session": widget.token},
                             json={"confirm": True}) as response:
            assert response.status == 200 and (await response.json()) == {"erased": True, "reference": reference}

    assert (await agent.next("conversation_erased"))["conversation_id"] == reference
    assert (await widget.next("chat_erased"))["reference"] == reference
    overview = await agent.next_matching("overview", lambda o: True)
    assert all(item["conversation_id"] != reference for item in overview["mine"])
    assert stored(server, reference) == (0, 0)
    (entry,) = await server.parts.customer_data.requests()
    assert (entry["action"], entry["conversation_id"], entry["actor"]) == ("erase", reference, "customer (widget)")


async def test_an_admin_finds_exports_and_erases_a_customers_chats_by_address(server, make_staff, widget):
    await widget.ask("I want to talk to a person")
    await widget.next_matching("handoff", lambda s: s["state"] == "offline")
    await widget.sio.call("offline_message", {"email": EMAIL, "message": "Please call me back", "session_id": widget.token})
    reference = reference_of(widget, server)
    admin = await logged_in(server, make_staff, "admin")
    try:
        async with admin.http.get(f"{server.url}/admin/customers") as page:
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', await page.text()).group(1)
        async with admin.http.post(f"{server.url}/admin/customers", data={"csrf_token": csrf, "ref": EMAIL.upper()}) as page:
            html = await page.text()
            assert page.status == 200 and f'data-conversation="{reference}"' in html
        async with admin.http.post(f"{server.url}/admin/customers/{reference}/export", data={"csrf_token": csrf}) as got:
            export = json.loads(await got.text())
        assert export["handoffs"][0]["contact_email"] == EMAIL and "internal_notes" in export
        assert "Please call me back" in [m["text"] for m in export["messages"]]
        async with admin.http.post(f"{server.url}/admin/customers/{reference}/erase",
                                   data={"csrf_token": csrf}) as unconfirmed:
            assert unconfirmed.status == 400
        async with admin.http.post(f"{server.url}/admin/customers/{reference}/erase",
                                   data={"csrf_token": csrf, "confirm": "erase"}) as erased:
            assert erased.status == 200 and "are erased" in await erased.text()
        assert stored(server, reference) == (0, 0)
        async with admin.http.post(f"{server.url}/admin/customers", data={"csrf_token": csrf, "ref": f"#{reference}"}) as page:
            assert page.status == 404 and f"No conversation has reference number #{reference}." in await page.text()
        async with admin.http.get(f"{server.url}/admin/customers") as page:
            log = await page.text()
        assert log.count(f"<td>#{reference}</td>") == 2 and "Please call me back" not in log  # export, erase
    finally:
        await admin.close()


@pytest.mark.parametrize("role,status", [("agent", 403), ("editor", 403)])
async def test_only_admins_reach_customers_data(server, make_staff, role, status):
    browser = await logged_in(server, make_staff, role)
    try:
        async with browser.http.get(f"{server.url}/admin/customers", allow_redirects=False) as page:
            assert page.status == status
    finally:
        await browser.close()


async def test_the_gap_list_shows_no_customers_address_iban_or_phone(server, make_staff, widget):
    await widget.ask(PERSONAL)
    editor = await logged_in(server, make_staff, "editor")
    try:
        async with editor.http.get(f"{server.url}/editor/gaps") as page:
            html = await page.text()
    finally:
        await editor.close()
    assert "refund" in html
    for secret in SECRETS:
        assert secret not in html


def test_the_server_log_holds_no_customers_words_even_at_debug_level(rasa_model, tmp_path):
    process = ServerProcess(PROJECT_ROOT, sys.executable, rasa_model, tmp_path / "data",
                            extra_env={"NAHBAR_LOG_LEVEL": "DEBUG"})
    process.load_demo()
    process.start()
    try:
        async def chat() -> None:
            customer = await WidgetClient(process.url).open(language="en")
            try:
                await customer.ask(PERSONAL)
                await customer.ask("I want to talk to a person")
            finally:
                await customer.close()

        asyncio.run(chat())
    finally:
        process.stop()
    log = process.log.read_text("utf-8", errors="replace")
    assert "processor.message.parse" in log  # Rasa's debug lines are there ...
    for secret in (*SECRETS, "Where is my refund"):
        assert secret not in log  # ... without what the customer wrote


async def test_a_customer_deletes_their_chat_in_the_widget_after_downloading_it(server, browser):
    page = await (await browser.new_context(locale="en-US", accept_downloads=True)).new_page()
    await page.goto(f"{server.url}/")
    await page.click(".nahbar-toggle")
    await expect(page.locator(".nahbar-privacy")).to_contain_text("chats with the bot for 30 days")
    await expect(page.locator(".nahbar-download")).to_be_hidden()  # nothing to download before one writes
    await page.fill(".nahbar-input", "How long does delivery take?")
    await page.press(".nahbar-input", "Enter")
    await expect(page.locator(".nahbar-bot").first).to_be_visible(timeout=30_000)
    reference = reference_of(None, server)

    async with page.expect_download() as download_info:
        await page.click(".nahbar-download")
    download = await download_info.value
    assert download.suggested_filename == f"chat-{reference}.txt"
    assert "How long does delivery take?" in (await download.path()).read_text("utf-8")

    await page.click(".nahbar-erase")
    await page.click(".nahbar-confirm-no")  # changed their mind: nothing happens
    assert stored(server, reference)[0] > 0
    await page.click(".nahbar-erase")
    await page.click(".nahbar-confirm-yes")
    await expect(page.locator(".nahbar-status")).to_contain_text("This chat is deleted")
    assert await page.locator(".nahbar-msg").count() == 0
    assert await page.evaluate("window.localStorage.getItem('nahbar.session')") is None
    assert stored(server, reference) == (0, 0)
    await expect(page.locator(".nahbar-erase")).to_be_hidden()
    await page.fill(".nahbar-input", "Hello again")  # a new chat starts
    await page.press(".nahbar-input", "Enter")
    await expect(page.locator(".nahbar-bot").first).to_be_visible(timeout=30_000)
    assert reference_of(None, server) > reference
