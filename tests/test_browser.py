"""One complete handoff in real browsers: Debian's chromium driven by Playwright.

The customer uses the demo page's widget, the agent the console, each in its own browser
context (no shared cookies), exactly as two people on two machines would.
"""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

pytestmark = pytest.mark.slow

# Each step crosses two browsers and the server; on a busy two-core CI machine that can take
# longer than Playwright's default of 5 s.
expect.set_options(timeout=20_000)


async def test_a_customer_is_handed_to_an_agent_who_chats_and_resolves(server, make_staff, browser):
    user, password = make_staff("agent", "Alex")
    agent = await (await browser.new_context(locale="en-US")).new_page()
    await agent.goto(f"{server.url}/agent")
    assert "/login" in agent.url  # the console needs a login
    await agent.fill("input[name=username]", user.username)
    await agent.fill("input[name=password]", password)
    await agent.click("button[type=submit]")
    await agent.wait_for_url(re.compile(r".*/agent$"))
    await expect(agent.locator("#connection")).to_have_text("online")

    customer = await (await browser.new_context(locale="en-US")).new_page()
    await customer.goto(f"{server.url}/")
    await customer.click(".nahbar-toggle")
    await customer.fill(".nahbar-input", "I want to talk to a person")
    await customer.press(".nahbar-input", "Enter")
    status = customer.locator(".nahbar-status")
    await expect(status).to_contain_text("Waiting for our team", timeout=30_000)
    reference = re.search(r"#(\d+)", await status.text_content()).group(1)

    await agent.click(f"#queue button[data-conversation='{reference}']")
    await expect(agent.locator("#transcript")).to_contain_text("I want to talk to a person")
    await agent.click("#claim")
    await expect(status).to_contain_text("You're chatting with Alex")

    await agent.fill("#reply", "Hello, I'm Alex. How can I help?")
    await agent.click("#reply-form button[type=submit]")
    await expect(customer.locator(".nahbar-agent").last).to_contain_text("Hello, I'm Alex. How can I help?")
    await expect(customer.locator(".nahbar-agent .nahbar-who").last).to_have_text("Alex")

    payload = "<img src=x onerror=\"window.pwned=1\">Thanks <b>a lot</b>"
    await customer.fill(".nahbar-input", payload)
    await customer.press(".nahbar-input", "Enter")
    await expect(agent.locator("#transcript .msg-customer").last).to_contain_text(payload)
    assert await agent.locator("#transcript img, #transcript b").count() == 0
    assert await agent.evaluate("window.pwned") is None

    await agent.fill("#summary", "Customer wanted to say thanks")
    await agent.check("input[name=kind][value=general]")
    await agent.click("#resolve-form button[type=submit]")
    await expect(customer.locator(".nahbar-system").last).to_contain_text("marked this chat as resolved")
    await expect(status).to_be_hidden()
    assert server.parts.helpdesk.queue.store.state(int(reference)) == "resolved"
