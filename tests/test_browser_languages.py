"""German and English in real browsers: the widget and the consoles follow the browser's
language, switch on request, and keep the choice."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from i18n import translate

pytestmark = pytest.mark.slow

expect.set_options(timeout=20_000)


def german(text: str) -> str:
    translated = translate("de", text)
    assert translated != text, f"{text!r} has no German translation"
    return translated


async def test_the_widget_speaks_the_browsers_language_and_keeps_a_switch(server, browser):
    page = await (await browser.new_context(locale="de-DE")).new_page()
    await page.goto(f"{server.url}/")
    await expect(page.locator(".nahbar-toggle")).to_have_text(translate("de", "Chat"))
    await page.click(".nahbar-toggle")
    await expect(page.locator(".nahbar-title")).to_have_text(german("Chat with us"))
    await expect(page.locator(".nahbar-input")).to_have_attribute("placeholder", german("Type your question…"))

    await page.click(".nahbar-language")
    await expect(page.locator(".nahbar-title")).to_have_text("Chat with us")
    await expect(page.locator(".nahbar-privacy")).to_contain_text("Your messages are stored on our server")

    await page.reload()
    await page.click(".nahbar-toggle")
    await expect(page.locator(".nahbar-title")).to_have_text("Chat with us")


async def test_a_customers_error_is_told_in_the_widgets_language(server, browser):
    page = await (await browser.new_context(locale="de-DE")).new_page()
    await page.goto(f"{server.url}/")
    await page.click(".nahbar-toggle")
    await page.evaluate("document.querySelector('.nahbar-input').removeAttribute('maxlength')")
    await page.fill(".nahbar-input", "x" * 3000)
    await page.press(".nahbar-input", "Enter")
    too_long = translate("de", "The message is longer than {limit} characters.", limit=server.parts.settings.max_message_chars)
    await expect(page.locator(".nahbar-error").last).to_contain_text(too_long)


async def test_the_agent_console_follows_the_browser_and_the_language_switch(server, make_staff, browser):
    user, password = make_staff("agent", "Alex")
    page = await (await browser.new_context(locale="de-DE")).new_page()
    await page.goto(f"{server.url}/agent")
    await expect(page.locator("html")).to_have_attribute("lang", "de")
    await expect(page.locator("button[type=submit]").last).to_have_text(german("Log in"))
    await page.fill("input[name=username]", user.username)
    await page.fill("input[name=password]", password)
    await page.click("button[type=submit]")
    await page.wait_for_url(re.compile(r".*/agent$"))
    await expect(page.locator("#connection")).to_have_text(translate("de", "online"))
    await expect(page.locator("h2").first).to_contain_text(german("Waiting"))

    await page.click("nav.languages a[hreflang=en]")
    await expect(page.locator("#connection")).to_have_text("online")
    await page.goto(f"{server.url}/editor")
    await expect(page.locator("html")).to_have_attribute("lang", "en")
