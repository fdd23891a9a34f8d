"""A customer whose widget does what Nahbar's widget does when things break.

Each message gets a client id and is sent until the server acknowledges it: after a
timeout, a dropped connection or an "unavailable" answer it reconnects (naming the last
message id it has) and sends the same message again with the same id. Everything the
server pushes is recorded by id, live or from the history after a reconnect, and shown
once, as the widget's `seen` does: a reply pushed while the socket rejoins its room can
arrive both live and in the history (at-least-once across a reconnect, made exactly-once by
the id). What the server must never do, push one id twice on one socket, is kept apart.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Any, Optional

import socketio


class ResendingCustomer:
    def __init__(self, url: str, name: str, deadline_seconds: float = 300) -> None:
        self.url = url
        self.name = name
        self.deadline_seconds = deadline_seconds
        self.token: Optional[str] = None
        self.sent: list[str] = []  # acknowledged, in order
        self.received: list[int] = []  # ids of pushed messages as shown: first arrival, live or history
        self.arrivals = 0  # every id as it arrived, before the widget's de-duplication
        self.pushed_twice: list[int] = []  # ids pushed live twice on one socket: a server fault
        self.resends = 0
        self.reconnects = 0
        self._sio: Optional[socketio.AsyncClient] = None
        self._numbers = itertools.count(1)
        self._seen: set[int] = set()

    @property
    def last_id(self) -> Optional[int]:
        return max(self.received) if self.received else None

    async def connect(self) -> None:
        """Connect and (re)open the session, retrying until the server answers or time runs out."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.deadline_seconds
        while True:
            try:
                await self._open()
                return
            except (socketio.exceptions.ConnectionError, asyncio.TimeoutError, OSError):
                await self._drop()
                if loop.time() > deadline:
                    raise
                await asyncio.sleep(0.5)

    async def _open(self) -> None:
        sio = socketio.AsyncClient(reconnection=False)
        confirmed: asyncio.Future = asyncio.get_running_loop().create_future()

        async def on_confirm(data: Any) -> None:
            if not confirmed.done():
                confirmed.set_result(data["session_id"] if isinstance(data, dict) else data)

        live: set[int] = set()  # this socket's live pushes

        async def on_bot(frame: Any) -> None:
            meta = frame.get("metadata") or {}
            if isinstance(meta.get("id"), int):
                if meta["id"] in live:
                    self.pushed_twice.append(meta["id"])
                live.add(meta["id"])
                self._show(meta["id"])

        async def on_history(data: Any) -> None:
            for message in data["messages"]:
                if message["sender"] != "customer":
                    self._show(message["id"])

        sio.on("session_confirm", on_confirm)
        sio.on("bot_uttered", on_bot)
        sio.on("history", on_history)
        self._sio = sio
        await sio.connect(self.url, transports=["websocket"], wait_timeout=5)
        request: dict[str, Any] = {"session_id": self.token, "customData": {"language": "en"}}
        if self.token is not None and self.last_id is not None:
            request["last_id"] = self.last_id
        await sio.emit("session_request", request)
        token = await asyncio.wait_for(confirmed, 10)
        if self.token is not None and token != self.token:
            raise AssertionError(f"{self.name}: the server forgot the session")
        self.token = token

    def _show(self, message_id: int) -> None:
        self.arrivals += 1
        if message_id not in self._seen:
            self._seen.add(message_id)
            self.received.append(message_id)

    async def _drop(self) -> None:
        if self._sio is not None:
            try:
                await self._sio.disconnect()
            except Exception:  # already gone
                pass
            self._sio = None

    async def reconnect(self) -> None:
        self.reconnects += 1
        await self._drop()
        await self.connect()

    async def send(self, text: str) -> dict[str, Any]:
        """Send until acknowledged; returns the acknowledgement."""
        client_id = f"{self.name}-{next(self._numbers)}"
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.deadline_seconds
        first = True
        while loop.time() < deadline:
            if not first:
                self.resends += 1
            first = False
            try:
                if self._sio is None or not self._sio.connected:
                    await self.reconnect()
                ack = await self._sio.call("user_uttered", {"message": text, "session_id": self.token,
                                                            "client_id": client_id}, timeout=10)
            except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError,
                    socketio.exceptions.ConnectionError, asyncio.TimeoutError, OSError):
                await self._drop()
                await asyncio.sleep(0.5)
                continue
            if ack.get("error") == "unavailable":  # the server is up, its database is not: try again
                await asyncio.sleep(1.0)
                continue
            if "error" in ack:
                raise AssertionError(f"{self.name}: {text!r} refused: {ack}")
            self.sent.append(text)
            return ack
        raise AssertionError(f"{self.name}: {text!r} never acknowledged within {self.deadline_seconds:.0f} s")

    async def close(self) -> None:
        await self._drop()
