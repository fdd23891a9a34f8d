"""The README's promise that Rasa widgets connect unchanged, checked with the real one:
rasa-webchat 1.0.1 exactly as npm ships it (scripts/install-browser.sh installs it), in
Debian's chromium, against the real server.

The page is the one rasa-webchat's README gives for a plain website; Playwright serves it
and the widget's bundle under the server's own address, so nothing but the server answers.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import expect
from sqlalchemy import func, select

from helpdesk.schema import conversations

pytestmark = pytest.mark.slow

BUNDLE = Path(__file__).parent / "webchat" / "node_modules" / "rasa-webchat" / "lib" / "index.js"

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Shop</title></head>
<body>
<div id="webchat"></div>
<script src="/rasa-webchat/index.js"></script>
<script>
  WebChat.default({
    initPayload: "/greet",
    customData: {"language": "en"},
    socketUrl: "%(url)s",
    socketPath: "/socket.io/",
    title: "Velora",
    params: {storage: "session"}
  }, null);
</script>
</body></html>
"""

expect.set_options(timeout=30_000)


async def open_shop(browser, url: str):
    """A fresh browser on the shop page, its widget pointed at the Nahbar server (or balancer) at `url`."""
    if not BUNDLE.is_file():
        raise RuntimeError(f"rasa-webchat is not installed at {BUNDLE}: run scripts/install-browser.sh")
    context = await browser.new_context(locale="en-US")
    page_url = f"{url}/shop.html"

    async def serve_page(route):
        await route.fulfill(status=200, content_type="text/html", body=PAGE % {"url": url})

    async def serve_bundle(route):
        await route.fulfill(status=200, content_type="application/javascript", body=BUNDLE.read_bytes())

    await context.route(page_url, serve_page)
    await context.route(f"{url}/rasa-webchat/index.js", serve_bundle)
    page = await context.new_page()
    await page.goto(page_url)
    return page


@pytest.fixture
async def shop(server, browser):
    """A customer's page on a shop that embeds rasa-webchat, pointed at our server."""
    page = await open_shop(browser, server.url)
    yield page
    await page.context.close()


def conversation_count(server) -> int:
    with server.parts.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(conversations)).scalar_one()


async def open_chat(page) -> None:
    await page.click(".rw-launcher")
    await expect(page.locator(".rw-new-message")).to_be_visible()


async def write(page, text: str) -> None:
    await page.fill(".rw-new-message", text)
    await page.press(".rw-new-message", "Enter")


async def test_rasa_webchat_greets_answers_with_buttons_and_takes_a_click(shop):
    await open_chat(shop)
    responses = shop.locator(".rw-response")
    await expect(responses.first).to_contain_text("Hi! I'm Velora's assistant")  # its initPayload, answered
    await write(shop, "Do you sell gift cards?")
    await expect(responses.filter(has_text="Did this help?")).to_have_count(1)
    await expect(shop.locator(".rw-reply", has_text="Yes")).to_be_visible()
    await shop.locator(".rw-reply", has_text="Yes").click()
    await expect(responses.last).to_contain_text("Glad it helped!")


async def test_rasa_webchat_keeps_the_conversation_over_a_reload(server, shop):
    await open_chat(shop)
    await write(shop, "Which payment methods can I use?")
    await expect(shop.locator(".rw-response").filter(has_text="Did this help?")).to_have_count(1)
    assert conversation_count(server) == 1
    await shop.reload()
    await expect(shop.locator(".rw-client").filter(has_text="Which payment methods can I use?")).to_have_count(1)
    await write(shop, "Do you sell gift cards?")
    await expect(shop.locator(".rw-response").filter(has_text="Did this help?")).to_have_count(2)
    assert conversation_count(server) == 1  # the same conversation, resumed


async def test_rasa_webchat_shows_the_handoff_and_the_agents_messages(shop, agent):
    await open_chat(shop)
    await expect(shop.locator(".rw-response").first).to_contain_text("Hi!")
    await write(shop, "I want to talk to a person")
    notice = shop.locator(".rw-response").filter(has_text=re.compile(r"#\d+"))
    await expect(notice).to_have_count(1)
    reference = int(re.search(r"#(\d+)", await notice.text_content()).group(1))
    await agent.call("claim", conversation_id=reference)
    await agent.call("reply", conversation_id=reference, text="Hello, I'm Alex from Velora. How can I help?")
    await expect(shop.locator(".rw-response").last).to_contain_text("Hello, I'm Alex from Velora")
    await write(shop, "My order never arrived")
    await agent.next_matching("message", lambda m: m["message"]["text"] == "My order never arrived")
