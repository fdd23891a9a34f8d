"""An agent as a test sees it: logs in over HTTP like a browser, then opens the console socket."""

from __future__ import annotations

import asyncio
import re
from typing import Any, Optional

import aiohttp
import socketio

from tests.events import EventQueues

NAMESPACE = "/agent"


class StaffBrowser:
    """A cookie-keeping HTTP client that logs in through the real login form."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.csrf: Optional[str] = None

    async def login(self, username: str, password: str) -> aiohttp.ClientResponse:
        async with self.http.get(f"{self.url}/login") as page:
            token = re.search(r'name="csrf_token" value="([^"]+)"', await page.text()).group(1)
        form = {"username": username, "password": password, "csrf_token": token, "next": ""}
        async with self.http.post(f"{self.url}/login", data=form, allow_redirects=False) as response:
            await response.read()
        return response

    async def fetch_csrf(self) -> str:
        async with self.http.get(f"{self.url}/agent") as page:
            self.csrf = re.search(r'data-csrf="([^"]+)"', await page.text()).group(1)
        return self.csrf

    def cookie_header(self) -> str:
        return "; ".join(f"{c.key}={c.value}" for c in self.http.cookie_jar)

    async def close(self) -> None:
        await self.http.close()


async def refused(url: str, headers: dict[str, str], csrf: Optional[str]) -> Any:
    """Open the console socket expecting a refusal; the server's reason, as soon as it is sent.

    python-socketio 5.9 waits out its whole timeout when a namespace is refused, so this
    waits for the `connect_error` event itself.
    """
    client = socketio.AsyncClient(reconnection=False)
    errors: asyncio.Queue = asyncio.Queue()
    client.on("connect_error", errors.put_nowait, namespace=NAMESPACE)
    try:
        await client.connect(url, headers=headers, auth={"csrf": csrf}, namespaces=[NAMESPACE],
                             transports=["websocket"], wait=False)
        return await asyncio.wait_for(errors.get(), 10)
    finally:
        await client.disconnect()


class AgentClient:
    def __init__(self, url: str) -> None:
        self.url = url
        self.browser = StaffBrowser(url)
        self.events = EventQueues()
        self.sio = self._socket()

    def _socket(self) -> socketio.AsyncClient:
        sio = socketio.AsyncClient(reconnection=False)
        for kind in ("overview", "message", "customer_typing", "customer_presence", "conversation_erased", "mail"):
            sio.on(kind, self.events.collector(kind), namespace=NAMESPACE)
        return sio

    async def login(self, username: str, password: str) -> "AgentClient":
        response = await self.browser.login(username, password)
        assert response.status == 303, f"login failed with {response.status}"
        await self.browser.fetch_csrf()
        return self

    async def connect(self, csrf: Optional[str] = None) -> "AgentClient":
        await self.sio.connect(
            self.url,
            headers={"Cookie": self.browser.cookie_header()},
            auth={"csrf": csrf if csrf is not None else self.browser.csrf},
            namespaces=[NAMESPACE],
            transports=["websocket"],
            wait_timeout=10,
        )
        return self

    async def call(self, event: str, **data: Any) -> dict[str, Any]:
        return await self.sio.call(event, data, namespace=NAMESPACE, timeout=30)

    async def next(self, kind: str, timeout: float = 15) -> dict[str, Any]:
        return await self.events.next(kind, timeout)

    async def next_matching(self, kind: str, predicate: Any, timeout: float = 15) -> dict[str, Any]:
        return await self.events.next_matching(kind, predicate, timeout)

    async def reconnect(self) -> "AgentClient":
        """A new socket with the same login, as a console does after losing its connection."""
        await self.disconnect()
        self.sio = self._socket()
        return await self.connect()

    async def disconnect(self) -> None:
        if self.sio.connected:
            await self.sio.disconnect()

    async def close(self) -> None:
        await self.disconnect()
        await self.browser.close()
