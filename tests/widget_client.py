"""A widget as a test sees it: a real socket.io client speaking Rasa's socketio protocol.

`bot_uttered` frames arrive in Rasa's shape with Nahbar's additions in `metadata`; the
client lifts those (id, sender, agent_name) to the top so tests read them directly. The
raw frames are kept in `frames`; tests of the exact shape read those.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Any, Optional

import socketio

from tests.events import EventQueues


class WidgetClient:
    def __init__(self, url: str) -> None:
        self.url = url
        self.sio = socketio.AsyncClient(reconnection=False)
        self.token: Optional[str] = None
        self.history: Optional[list[dict[str, Any]]] = None
        self.events = EventQueues()
        self._confirmed = asyncio.Event()
        self.sio.on("session_confirm", self._on_confirm)
        self.sio.on("history", self._on_history)
        self.frames: list[dict[str, Any]] = []
        self.sio.on("bot_uttered", self._on_bot_uttered)
        for kind in ("message_error", "handoff", "agent_typing", "message_stored", "message_handled", "queued",
                     "chat_erased"):
            self.sio.on(kind, self.events.collector(kind))
        self._collect_bot = self.events.collector("bot_uttered")
        self._client_ids = itertools.count(1)

    async def _on_bot_uttered(self, frame: Any) -> None:
        self.frames.append(frame)
        message = dict(frame)
        message.update(message.pop("metadata", None) or {})
        await self._collect_bot(message)

    async def _on_confirm(self, data: Any) -> None:
        self.token = data["session_id"] if isinstance(data, dict) else data
        self._confirmed.set()

    async def _on_history(self, data: Any) -> None:
        self.history = data["messages"]

    async def open(self, session_id: Optional[str] = None, language: Optional[str] = None,
                   last_id: Optional[int] = None) -> "WidgetClient":
        # python-socketio's client waits without a limit for the server's first packet.
        await asyncio.wait_for(self.sio.connect(self.url, transports=["websocket"], wait_timeout=10), 30)
        request: dict[str, Any] = {"session_id": session_id, "customData": {"language": language}}
        if last_id is not None:
            request["last_id"] = last_id
        await self.sio.emit("session_request", request)
        await asyncio.wait_for(self._confirmed.wait(), 10)
        await asyncio.sleep(0.2)  # history, if any, follows the confirmation
        return self

    async def say(self, text: Any, expect: int = 1) -> list[dict[str, Any]]:
        """Send a message and collect the next `expect` bot messages."""
        await self.sio.emit("user_uttered", {"message": text, "session_id": self.token})
        return [await self.next("bot_uttered") for _ in range(expect)]

    async def send(self, text: Any, client_id: Optional[str] = None, timeout: float = 30) -> dict[str, Any]:
        """Send a message as Nahbar's widget does, and return the server's acknowledgement."""
        data = {"message": text, "session_id": self.token,
                "client_id": client_id or f"test-{next(self._client_ids)}"}
        return await self.sio.call("user_uttered", data, timeout=timeout)

    async def ask(self, text: str) -> list[dict[str, Any]]:
        """Send a message and collect every bot message of the turn: the server says when it is over."""
        await self.sio.emit("user_uttered", {"message": text, "session_id": self.token})
        await self.next("message_handled")
        return self.drain("bot_uttered")  # delivered before `message_handled` on the same connection

    async def next(self, kind: str, timeout: float = 30) -> dict[str, Any]:
        return await self.events.next(kind, timeout)

    async def next_matching(self, kind: str, predicate: Any, timeout: float = 30) -> dict[str, Any]:
        return await self.events.next_matching(kind, predicate, timeout)

    def drain(self, kind: str) -> list[dict[str, Any]]:
        return self.events.drain(kind)

    async def close(self) -> None:
        await self.sio.disconnect()
