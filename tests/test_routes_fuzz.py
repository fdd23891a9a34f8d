"""Every HTTP route, fed generated junk by Hypothesis, anonymous and as an admin: never a server error.

Routes are read from the running application's router, so a route added later is fuzzed
too. Bounded: a fixed number of examples per route, no shrinking deadline surprises.
"""

from __future__ import annotations

import http.client
import re
import urllib.parse

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.slow

# Text that has broken web servers: huge numbers, long runs, encodings, traversal, markup.
junk = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"[0-9]{15,40}", fullmatch=True),
    st.just("a" * 5000),
    st.just("../../etc/passwd"),
    st.just("%00%ff"),
    st.just("<script>x</script>"),
    st.sampled_from(["-1", "0", "1e999", "NaN", "[]", "{}", "null"]),
)
charsets = st.sampled_from(["utf-8", "latin-1", "bogus", "utf-16", ""])


def _routes(server) -> list[tuple[str, str]]:
    found = set()
    for route in server._runner.app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("formatter") or info.get("path") or info.get("prefix")
        if not path or route.method not in ("GET", "POST") or path.startswith("/socket.io"):
            continue
        found.add((route.method, path))
    return sorted(found)


def _login(server, role: str, make_staff) -> str:
    user, password = make_staff(role)
    connection = http.client.HTTPConnection("127.0.0.1", server.settings.port, timeout=30)
    connection.request("GET", "/login")
    page = connection.getresponse()
    cookie = "; ".join(c.split(";")[0] for c in page.headers.get_all("Set-Cookie") or [])
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.read().decode()).group(1)
    body = urllib.parse.urlencode({"username": user.username, "password": password, "csrf_token": token, "next": ""})
    connection.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    answer = connection.getresponse()
    answer.read()
    assert answer.status == 303
    return "; ".join([cookie] + [c.split(";")[0] for c in answer.headers.get_all("Set-Cookie") or []])


def _fill(path: str, value: str) -> str:
    return re.sub(r"\{[^}]+\}", urllib.parse.quote(value, safe="") or "x", path)


@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_no_route_answers_junk_with_a_server_error(server, make_staff, role):
    cookie = _login(server, role, make_staff) if role == "admin" else ""
    routes = _routes(server)
    assert len(routes) > 20

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(route=st.sampled_from(routes), value=junk, field=junk, charset=charsets)
    def check(route, value, field, charset):
        method, path = route
        if path == "/editor/run":
            return  # a valid request starts a bridge run; its refusals are tested elsewhere
        target = _fill(path, value) + "?" + urllib.parse.urlencode({"q": field, "lang": value, "limit": value})
        headers = {"Cookie": cookie} if cookie else {}
        body = None
        if method == "POST":
            body = urllib.parse.urlencode({"csrf_token": field, "text": value, "question": value}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded" + (f"; charset={charset}" if charset else "")
        connection = http.client.HTTPConnection("127.0.0.1", server.settings.port, timeout=30)
        try:
            connection.request(method, target, body, headers)
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        assert response.status < 500, f"{method} {target[:120]} answered {response.status}"

    check()


events = st.sampled_from(["session_request", "user_uttered", "customer_typing", "offline_message", "chat_rating"])
payloads = st.one_of(junk, st.integers(), st.none(), st.lists(junk, max_size=3),
                     st.dictionaries(st.sampled_from(["message", "session_id", "typing", "email", "customData",
                                                      "handoff_id", "stars", "comment", "skip"]),
                                     st.one_of(junk, st.integers(), st.none(), st.booleans()), max_size=4))


def test_no_socket_event_with_junk_breaks_the_channel_or_logs_a_traceback(server, caplog):
    import asyncio
    import logging

    from tests.widget_client import WidgetClient

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(event=events, data=payloads, extra=st.lists(payloads, max_size=2))
    @example(event="user_uttered", data={"message": "Hallo"}, extra=["one argument too many"])
    @example(event="offline_message", data=None, extra=[1, 2])
    def check(event, data, extra):
        async def send() -> None:
            junk_client, next_customer = WidgetClient(server.url), WidgetClient(server.url)
            try:
                await junk_client.open()
                await junk_client.sio.emit(event, tuple([data, *extra]) if extra else data)
                await next_customer.open()  # the channel still serves the next customer at once
                await next_customer.sio.emit("user_uttered", {"message": "Hallo", "session_id": next_customer.token})
                await next_customer.next("message_handled", timeout=15)
            finally:
                await junk_client.close()
                await next_customer.close()

        asyncio.run(send())

    with caplog.at_level(logging.ERROR):
        check()
    tracebacks = [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]
    assert tracebacks == []
