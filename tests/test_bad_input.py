"""Bad input gets a clear 4xx or a socket error reply, one log line at most, and never a server error."""

from __future__ import annotations

from types import SimpleNamespace

import aiohttp
import pytest
import socketio

from helpdesk.agent_channel import AgentChannel
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
