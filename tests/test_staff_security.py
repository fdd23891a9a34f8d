"""Who may reach what: staff logins, roles, CSRF, login rate limits, output escaping."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import aiohttp
import pytest
from sqlalchemy import select

from staff.schema import users
from tests.agent_client import AgentClient, StaffBrowser, refused
from tests.widget_client import WidgetClient

pytestmark = pytest.mark.slow

ROLES = ["anonymous", "customer", "agent", "editor", "admin"]


@pytest.fixture
async def as_role(server, make_staff):
    """A logged-in browser for a role; "customer" is a visitor with a live widget session."""
    opened: list = []

    async def open_as(role: str) -> StaffBrowser:
        browser = StaffBrowser(server.url)
        opened.append(browser)
        if role == "customer":
            widget = await WidgetClient(server.url).open()
            await widget.ask("hello")
            opened.append(widget)
        elif role != "anonymous":
            user, password = make_staff(role)
            assert (await browser.login(user.username, password)).status == 303
        return browser

    yield open_as
    for item in opened:
        await item.close()


HTTP_MATRIX = [
    # (method, path, {role: expected status})
    ("GET", "/agent", {"anonymous": 303, "customer": 303, "agent": 200, "editor": 403, "admin": 200}),
    ("GET", "/api/agent/overview", {"anonymous": 401, "customer": 401, "agent": 200, "editor": 403, "admin": 200}),
    ("GET", "/api/agent/conversations/{conversation}", {"anonymous": 401, "customer": 401, "agent": 200, "editor": 403, "admin": 200}),
    ("POST", "/agent/profile", {"anonymous": 401, "customer": 401, "agent": 303, "editor": 403, "admin": 303}),
    ("GET", "/agent/static/console.css", dict.fromkeys(ROLES, 200)),  # the login page's style sheet
    ("GET", "/editor", {"anonymous": 303, "customer": 303, "agent": 403, "editor": 200, "admin": 200}),
    ("GET", "/editor/gaps", {"anonymous": 303, "customer": 303, "agent": 403, "editor": 200, "admin": 200}),
    ("GET", "/editor/drafts/99999", {"anonymous": 303, "customer": 303, "agent": 403, "editor": 404, "admin": 404}),
    ("GET", "/metrics", {"anonymous": 401, "customer": 401, "agent": 403, "editor": 403, "admin": 200}),
    ("GET", "/", dict.fromkeys(ROLES, 200)),
    ("GET", "/kb", dict.fromkeys(ROLES, 200)),
    ("GET", "/healthz", dict.fromkeys(ROLES, 200)),
    ("GET", "/login", dict.fromkeys(ROLES, 200)),
]


@pytest.mark.parametrize("role", ROLES)
async def test_every_endpoint_admits_exactly_the_roles_it_names(server, as_role, role, widget):
    await widget.ask("hello")
    conversation = server.parts.service.store.find(widget.token, timedelta(days=1)).id
    browser = await as_role(role)
    csrf = await browser.fetch_csrf() if role in ("agent", "admin") else "no-token"
    results = {}
    for method, path, expected in HTTP_MATRIX:
        data = {"csrf_token": csrf, "display_name": "Alex"} if method == "POST" else None
        url = f"{server.url}{path.format(conversation=conversation)}"
        async with browser.http.request(method, url, data=data, allow_redirects=False) as response:
            results[(method, path)] = response.status
    assert results == {(m, p): expected[role] for m, p, expected in HTTP_MATRIX}


@pytest.mark.parametrize("role", ["anonymous", "agent", "editor"])
async def test_every_staff_answer_carries_the_security_headers_even_errors(server, as_role, role):
    browser = await as_role(role)
    for path in ("/agent", "/api/agent/overview", "/api/agent/conversations/0", "/editor", "/editor/drafts/99999"):
        async with browser.http.get(f"{server.url}{path}", allow_redirects=False) as response:
            assert response.headers.get("X-Frame-Options") == "DENY", (path, response.status)
            assert response.headers.get("Cache-Control") == "no-store", (path, response.status)
            assert "frame-ancestors 'none'" in response.headers.get("Content-Security-Policy", ""), path


@pytest.mark.parametrize("role,admitted", [("agent", True), ("admin", True), ("editor", False)])
async def test_the_console_socket_admits_agents_and_admins_only(server, make_staff, role, admitted):
    user, password = make_staff(role)
    client = AgentClient(server.url)
    try:
        await client.browser.login(user.username, password)
        if admitted:
            await client.browser.fetch_csrf()
            await client.connect()
            assert (await client.call("overview"))["ok"]
        else:
            reason = await refused(server.url, {"Cookie": client.browser.cookie_header()}, "anything")
            assert "agent account" in str(reason)
    finally:
        await client.close()


async def test_the_console_socket_refuses_anonymous_visitors_and_widget_customers(server, widget):
    await widget.ask("hello")
    for headers in ({}, {"Cookie": "nahbar_staff=forged"}, {"Cookie": f"nahbar_staff={widget.token}"}):
        assert "agent account" in str(await refused(server.url, headers, "x"))


async def test_a_forged_csrf_token_is_rejected_and_changes_nothing(server, make_staff):
    user, password = make_staff("agent", "Alex")
    browser = StaffBrowser(server.url)
    try:
        await browser.login(user.username, password)
        await browser.fetch_csrf()
        async with browser.http.post(f"{server.url}/agent/profile", allow_redirects=False,
                                     data={"csrf_token": "forged", "display_name": "Mallory"}) as response:
            assert response.status == 403
        async with browser.http.post(f"{server.url}/logout", data={"csrf_token": "forged"}, allow_redirects=False) as response:
            assert response.status == 403
        assert server.parts.staff.get(user.id).display_name == "Alex"
        async with browser.http.get(f"{server.url}/api/agent/overview") as response:
            assert response.status == 200  # still logged in: the forged logout did nothing
    finally:
        await browser.close()


async def test_the_console_socket_needs_the_sessions_csrf_token(server, make_staff):
    user, password = make_staff("agent")
    client = await AgentClient(server.url).login(user.username, password)
    try:
        reason = await refused(server.url, {"Cookie": client.browser.cookie_header()}, "forged")
        assert "security token" in str(reason)
    finally:
        await client.close()


async def test_a_login_form_without_its_csrf_cookie_is_refused(server, make_staff):
    user, password = make_staff("agent")
    async with aiohttp.ClientSession() as http:
        form = {"username": user.username, "password": password, "csrf_token": "guess", "next": ""}
        async with http.post(f"{server.url}/login", data=form, allow_redirects=False) as response:
            assert response.status == 403
            assert "nahbar_staff" not in response.cookies


async def test_repeated_failed_logins_are_locked_out_even_with_the_right_password(server, make_staff):
    user, password = make_staff("agent")
    other, _ = make_staff("agent")
    browser = StaffBrowser(server.url)
    try:
        for _ in range(5):
            assert (await browser.login(user.username, "wrong password!")).status == 401
        locked = await browser.login(user.username, password)
        assert locked.status == 429
        assert int(locked.headers["Retry-After"]) > 0
        assert (await browser.login(other.username, password)).status == 303  # other accounts unaffected
    finally:
        await browser.close()


async def test_a_wrong_password_gets_a_clear_message(server, make_staff):
    user, _ = make_staff("agent")
    browser = StaffBrowser(server.url)
    try:
        response = await browser.login(user.username, "not the password")
        assert response.status == 401
    finally:
        await browser.close()


async def test_session_cookies_are_httponly_and_samesite_strict(server, make_staff):
    user, password = make_staff("agent")
    browser = StaffBrowser(server.url)
    try:
        response = await browser.login(user.username, password)
        cookie = response.cookies["nahbar_staff"]
        assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/"
    finally:
        await browser.close()


async def test_logging_out_ends_the_session_and_the_consoles_rights_at_once(server, make_staff):
    user, password = make_staff("agent")
    client = await (await AgentClient(server.url).login(user.username, password)).connect()
    try:
        async with client.browser.http.post(f"{server.url}/logout", data={"csrf_token": client.browser.csrf},
                                            allow_redirects=False) as response:
            assert response.status == 303
        for _ in range(50):
            if not client.sio.connected:
                break
            await asyncio.sleep(0.1)
        assert not client.sio.connected
        async with client.browser.http.get(f"{server.url}/api/agent/overview") as response:
            assert response.status == 401
    finally:
        await client.close()


def test_passwords_are_stored_as_argon2id_hashes(server, make_staff):
    user, password = make_staff("agent")
    with server.parts.engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash).where(users.c.id == user.id)).scalar_one()
    assert stored.startswith("$argon2id$") and password not in stored


async def test_customer_html_is_shown_as_text_on_staff_pages(server, make_staff):
    user, password = make_staff("agent", "<b>Bold</b>")
    browser = StaffBrowser(server.url)
    try:
        await browser.login(user.username, password)
        async with browser.http.get(f"{server.url}/agent") as page:
            html = await page.text()
        assert "<b>Bold</b>" not in html and "&lt;b&gt;Bold&lt;/b&gt;" in html
        assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
    finally:
        await browser.close()


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "/\\\\evil.example", "/\t/evil.example"])
async def test_the_login_never_redirects_to_another_site(server, make_staff, next_url):
    user, password = make_staff("agent")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.get(f"{server.url}/login") as page:
            token = re.search(r'name="csrf_token" value="([^"]+)"', await page.text()).group(1)
        form = {"username": user.username, "password": password, "csrf_token": token, "next": next_url}
        async with http.post(f"{server.url}/login", data=form, allow_redirects=False) as response:
            assert response.headers["Location"] == "/agent"

