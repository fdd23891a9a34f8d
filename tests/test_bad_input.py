"""Bad input gets a clear 4xx or a socket error reply, one log line at most, and never a server error."""

from __future__ import annotations

import re
from types import SimpleNamespace

import aiohttp
import pytest
import socketio
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from helpdesk.agent_channel import AgentChannel
from knowledge.web import KnowledgeSite
from nahbar.bad_input import bad_input
from nahbar.templates import environment
from staff.accounts import StaffStore
from staff.web import StaffAuth
from tests.agent_client import StaffBrowser


async def test_logging_out_when_no_agent_console_ever_connected_to_this_process_closes_nothing():
    sio = socketio.AsyncServer(async_mode="aiohttp")
    channel = AgentChannel(sio, helpdesk=SimpleNamespace(queue=None, desk=None, presence=None),
                           auth=SimpleNamespace(logout_listeners=[]))
    await channel.on_logout("a-session-token", SimpleNamespace(id=1))  # raised KeyError('/agent')


@pytest.mark.slow
@pytest.mark.parametrize("path", [
    "/editor/drafts/99999999999999999999999999",  # beyond SQLite's integers: OverflowError
    "/api/agent/conversations/99999999999999999999999999",
])
async def test_a_huge_id_in_a_staff_url_is_not_found(server, make_staff, path):
    user, password = make_staff("admin")
    browser = StaffBrowser(server.url)
    try:
        assert (await browser.login(user.username, password)).status == 303
        async with browser.http.get(f"{server.url}{path}", allow_redirects=False) as response:
            assert response.status == 404
    finally:
        await browser.http.close()


@pytest.mark.slow
async def test_an_over_long_static_file_path_is_not_found(server):
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{server.url}/widget/{'a' * 5000}.js") as response:
            assert response.status == 404


@pytest.mark.slow
async def test_a_form_posted_with_an_unknown_charset_is_a_bad_request(server):
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{server.url}/login", data=b"username=a&password=b",
                             headers={"Content-Type": "application/x-www-form-urlencoded; charset=bogus"}) as response:
            assert response.status == 400


@pytest.mark.slow
async def test_an_event_with_extra_arguments_is_answered_as_usual(widget):
    await widget.sio.emit("user_uttered", ({"message": "Wie lange dauert die Lieferung?", "session_id": widget.token},
                                           "an extra argument"))
    reply = await widget.next("bot_uttered")
    assert "Werktag" in reply["text"]


@pytest.mark.slow
async def test_an_event_with_no_mapping_gets_a_message_error(widget):
    await widget.sio.emit("user_uttered", ("just text", 42))
    error = await widget.next("message_error")
    assert error["code"]


@pytest.fixture
async def login_form(engine):
    """The staff login alone, as the server mounts it, over a real database of each kind:
    a client that has fetched the form (its double-submit cookie) and the form's token."""
    store = StaffStore(engine)
    store.create_tables()
    app = web.Application(middlewares=[bad_input])
    app.add_routes(StaffAuth(store, secure_cookies=False, templates=environment()).routes())
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        page = await client.get("/login")
        client.csrf_token = re.search(r'name="csrf_token" value="([^"]+)"', await page.text()).group(1)
        yield client


@pytest.mark.parametrize("content_type,body", [
    ("multipart/form-data", b"username=a&password=b"),  # no boundary
    ("multipart/form-data; boundary=xx", b"--xx\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb"),  # cut short
    ("multipart/form-data; boundary=xx", b"--xx\r\n\r\nb\r\n--xx--\r\n"),  # a part without a name
    ("multipart/form-data; boundary=xx", b"--xx\r\nContent-Disposition: form-data; name=\"a\"\r\n"
                                         b"Content-Transfer-Encoding: bogus\r\n\r\nb\r\n--xx--\r\n"),
], ids=["no boundary", "cut short", "nameless part", "unknown transfer encoding"])
async def test_a_form_the_multipart_parser_cannot_read_is_a_bad_request(login_form, content_type, body):
    response = await login_form.post("/login", data=body, headers={"Content-Type": content_type})
    assert response.status == 400
    assert await response.text() == "The form could not be read."


async def test_a_nul_character_in_a_form_is_a_bad_request_and_reaches_no_database(login_form):
    """PostgreSQL cannot hold NUL in text: the login's failure count would have raised."""
    response = await login_form.post("/login", data={"username": "kim\x00", "password": "p",
                                                     "csrf_token": login_form.csrf_token})
    assert response.status == 400
    assert "NUL" in await response.text()


async def test_a_nul_character_in_a_query_is_a_bad_request(login_form):
    response = await login_form.get("/login", params={"next": "/agent\x00"})
    assert response.status == 400


async def test_a_nul_character_in_a_path_is_not_found(engine, knowledge):
    app = web.Application(middlewares=[bad_input])
    app.add_routes(KnowledgeSite(knowledge, "http://127.0.0.1:8000", 0.55, environment()).routes())
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        for path in ("/api/kb/articles/a%00b", "/kb/a%00b"):
            assert (await client.get(path)).status == 404, path
