"""The website widget's channel: socket.io, speaking Rasa's `socketio` protocol.

Existing Rasa widgets (rasa-webchat and friends) connect unchanged: `session_request` →
`session_confirm`, `user_uttered` → `bot_uttered`, buttons as `quick_replies`. Unlike
Rasa 3.6's own channel it works with session persistence on (the client always joins its
session's room), replays a resumed conversation's history (`history`, ignored by widgets
that don't know it), and answers bad input with a `message_error` event.
"""

from __future__ import annotations

import inspect
import logging
from typing import Any, Optional

import socketio

from bot.conversations import StoredMessage
from bot.service import ConversationService, MessageError, Session

logger = logging.getLogger(__name__)

MAX_EVENT_BYTES = 64 * 1024


def bot_uttered_payload(message: StoredMessage) -> dict[str, Any]:
    """A stored bot message in the shape Rasa's socketio channel emits."""
    data = message.data
    if data.get("custom") is not None and not message.text:
        return data["custom"]
    payload: dict[str, Any] = {"text": message.text}
    if data.get("buttons"):
        payload["quick_replies"] = [
            {"content_type": "text", "title": b["title"], "payload": b["payload"]} for b in data["buttons"]
        ]
    if data.get("image"):
        payload["attachment"] = {"type": "image", "payload": {"src": data["image"]}}
    elif data.get("attachment") is not None:
        payload["attachment"] = data["attachment"]
    return payload


def history_entry(message: StoredMessage) -> dict[str, Any]:
    entry = bot_uttered_payload(message) if message.sender == "bot" else {"text": message.text}
    return {"sender": message.sender, "time": message.created_at.isoformat(), **entry}


class WidgetChannel:
    """Socket.io event handlers over the conversation service; no logic of its own."""

    def __init__(self, service: ConversationService, cors_origins: Any = "*") -> None:
        self.service = service
        self.sio = socketio.AsyncServer(
            async_mode="aiohttp",
            cors_allowed_origins=cors_origins,
            max_http_buffer_size=MAX_EVENT_BYTES,
            logger=False,
            engineio_logger=False,
        )
        self.sio.on("session_request", self.on_session_request)
        self.sio.on("user_uttered", self.on_user_uttered)
        self.sio.on("disconnect", self.on_disconnect)

    def attach(self, app: Any, path: str = "socket.io") -> None:
        self.sio.attach(app, socketio_path=path)

    async def on_session_request(self, sid: str, data: Any = None) -> None:
        data = data if isinstance(data, dict) else {}
        custom = data.get("customData") if isinstance(data.get("customData"), dict) else {}
        session, history = await self.service.open(data.get("session_id"), custom.get("language"))
        await self._bind(sid, session)
        await self.sio.emit("session_confirm", {"session_id": session.token}, room=sid)
        if history:
            await self.sio.emit("history", {"messages": [history_entry(m) for m in history]}, room=sid)

    async def on_user_uttered(self, sid: str, data: Any = None) -> None:
        session = await self._session(sid)
        if session is None:
            await self._error(sid, "no_session", "Send session_request before user_uttered.")
            return
        if not isinstance(data, dict):
            await self._error(sid, "malformed", "user_uttered needs an object with a 'message' field.")
            return
        claimed = data.get("session_id")
        if claimed not in (None, "", session.token):
            await self._error(sid, "session_mismatch", "This socket belongs to another session; request a session first.")
            return
        try:
            _customer, replies = await self.service.handle(session, data.get("message"))
        except MessageError as exc:
            await self._error(sid, exc.code, exc.message)
            return
        except Exception:  # the database briefly gone, say: tell the customer, keep serving others
            logger.exception("could not handle a widget message")
            await self._error(sid, "unavailable", "Your message could not be saved. Please try again in a moment.")
            return
        for reply in replies:
            await self.sio.emit("bot_uttered", bot_uttered_payload(reply), room=session.token)

    async def on_disconnect(self, sid: str) -> None:
        logger.debug("widget socket %s disconnected", sid)

    async def _bind(self, sid: str, session: Session) -> None:
        previous = await self._session(sid)
        if previous is not None and previous.token != session.token:
            await _maybe_await(self.sio.leave_room(sid, previous.token))
        await self.sio.save_session(sid, {"session": session})
        # python-socketio >= 5.10 made enter_room a coroutine; Rasa 3.6 never awaits it.
        await _maybe_await(self.sio.enter_room(sid, session.token))

    async def _session(self, sid: str) -> Optional[Session]:
        try:
            stored = await self.sio.get_session(sid)
        except KeyError:
            return None
        return stored.get("session")

    async def _error(self, sid: str, code: str, message: str) -> None:
        await self.sio.emit("message_error", {"code": code, "message": message}, room=sid)


async def _maybe_await(result: Any) -> None:
    if inspect.isawaitable(result):
        await result
