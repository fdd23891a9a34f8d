"""The website widget's channel: socket.io, speaking Rasa's `socketio` protocol.

Existing Rasa widgets (rasa-webchat and friends) connect unchanged: `session_request` →
`session_confirm`, `user_uttered` → `bot_uttered`, buttons as `quick_replies`. Unlike
Rasa 3.6's own channel it works with session persistence on (the client always joins its
session's room), replays a resumed conversation's history (`history`, ignored by widgets
that don't know it), and answers bad input with a `message_error` event.

Delivery is acknowledged both ways. A `user_uttered` may carry a `client_id`; the
socket.io acknowledgement (`{"id": ...}`, or `{"error": code, "message": ...}`) is sent
only after the message is committed, and a resend with the same id is stored once. The
answer comes later, pushed to every socket of the session, followed by `message_handled`.
Every pushed message carries its id in `metadata`; a client that reconnects names the last
id it has (`session_request {last_id}`) and its `history` holds only what came after. A reply
pushed while the socket rejoins can arrive live and in the history: the same id, shown once.

Nahbar's own widget also uses `handoff` (queue place, wait, agent), `queued` (how many
conversations are ahead when the bot is busy), `agent_typing`, `customer_typing`,
`offline_message` (the form shown when nobody is there) and `chat_rating` (the answer to
"How did we do?" once an agent resolved the chat; errors come with its acknowledgement only,
as no Rasa widget sends it).
"""

from __future__ import annotations

import logging
from typing import Any, Optional

import socketio

from bot.text import MessageError
from helpdesk.conversations import hash_token
from helpdesk.notifier import customer_room, maybe_await
from helpdesk.protocol import bot_uttered_payload, history_entry
from helpdesk.service import ConversationService, Session, last_seen_id
from i18n import N_, translate

logger = logging.getLogger(__name__)

UNSAVED = N_("Your message could not be saved. Please try again in a moment.")

MAX_EVENT_BYTES = 64 * 1024


def create_socket_server(cors_origins: Any = "*", client_manager: Any = None) -> socketio.AsyncServer:
    return socketio.AsyncServer(
        async_mode="aiohttp",
        cors_allowed_origins=cors_origins,
        max_http_buffer_size=MAX_EVENT_BYTES,
        client_manager=client_manager,
        logger=False,
        engineio_logger=False,
    )


class WidgetChannel:
    """Socket.io event handlers over the conversation service; no logic of its own."""

    def __init__(self, sio: socketio.AsyncServer, service: ConversationService) -> None:
        self.service = service
        self.queue = service.helpdesk.queue
        self.desk = service.helpdesk.desk
        self.ratings = service.helpdesk.ratings
        self.sio = sio
        sio.on("session_request", self.on_session_request)
        sio.on("user_uttered", self.on_user_uttered)
        sio.on("customer_typing", self.on_customer_typing)
        sio.on("offline_message", self.on_offline_message)
        sio.on("chat_rating", self.on_chat_rating)
        sio.on("disconnect", self.on_disconnect)

    async def on_session_request(self, sid: str, data: Any = None, *_extra: Any) -> None:
        data = data if isinstance(data, dict) else {}
        custom = data.get("customData") if isinstance(data.get("customData"), dict) else {}
        after = last_seen_id(data.get("last_id"))
        session = await self.service.open(data.get("session_id"), custom.get("language"))
        await self._bind(sid, session)  # in the room first: what is pushed from now on reaches this socket
        history = await self.service.history(session, after)
        await self.sio.emit("session_confirm", {"session_id": session.token}, room=sid, ignore_queue=True)
        resumed_after = after if session.conversation is not None else None
        if history or resumed_after is not None:
            replay: dict[str, Any] = {"messages": [history_entry(m) for m in history]}
            if resumed_after is not None:
                replay["after"] = resumed_after  # only what came later: the client keeps what it shows
            await self.sio.emit("history", replay, room=sid, ignore_queue=True)
        if session.conversation is not None:
            status = await self.queue.status(session.conversation.id)
            if status["state"] != "bot":
                await self.sio.emit("handoff", status, room=sid, ignore_queue=True)

    async def on_user_uttered(self, sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        """Stores the message and acknowledges it; the answer is pushed when it is ready."""
        session = await self._checked_session(sid, data, "message")
        if isinstance(session, dict):
            return session
        client_id = data.get("client_id")
        try:
            accepted = await self.service.accept(session, data.get("message"), client_id)
        except MessageError as exc:
            return await self._error(sid, exc.code, exc.in_language(_language(session)))
        except Exception:  # the database briefly gone, say: tell the customer, keep serving others
            logger.exception("could not store a widget message")
            return await self._error(sid, "unavailable", translate(_language(session), UNSAVED))
        try:  # the message is stored: whatever fails now, the customer gets the acknowledgement
            if accepted.notice is not None:  # rooms span processes through Redis, which is away: this socket only
                await self.sio.emit("bot_uttered", bot_uttered_payload(accepted.notice), to=sid, ignore_queue=True)
            await self._count_presence(sid, session)
            if accepted.ahead is not None:
                await self.sio.emit("queued", {"id": accepted.message.id, "ahead": accepted.ahead}, room=_room(session))
        except Exception:
            logger.exception("after storing a widget message")
        ack: dict[str, Any] = {"id": accepted.message.id}
        if client_id is not None:
            ack["client_id"] = client_id
        if not accepted.new:
            ack["duplicate"] = True
        return ack

    async def on_customer_typing(self, sid: str, data: Any = None, *_extra: Any) -> None:
        session = await self._session(sid)
        if session is not None and session.conversation is not None and isinstance(data, dict):
            await self.desk.customer_typing(session.conversation, bool(data.get("typing")))

    async def on_offline_message(self, sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        session = await self._checked_session(sid, data, "email")
        if isinstance(session, dict):
            return session
        if session.conversation is None:
            return await self._error(sid, "not_waiting",
                                     translate(_language(session), N_("There is nothing to leave a message for yet.")))
        try:
            stored = await self.queue.leave_message(session.conversation, data.get("email"), data.get("message"))
        except MessageError as exc:
            return await self._error(sid, exc.code, exc.in_language(_language(session)))
        except Exception:
            logger.exception("could not store an offline message")
            return await self._error(sid, "unavailable", translate(_language(session), UNSAVED))
        room = _room(session)
        await self.sio.emit("message_stored", {"id": stored[0].id, "text": stored[0].text}, room=room)
        await self.sio.emit("bot_uttered", bot_uttered_payload(stored[1]), room=room)
        await self.sio.emit("handoff", await self.queue.status(session.conversation.id), room=room)
        return {"id": stored[0].id}

    async def on_chat_rating(self, sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        """`{handoff_id, stars, comment?}` or `{handoff_id, skip: true}`; acknowledged with the
        stored answer, or `{"error": code, "message": …}` with nothing stored."""
        session = await self._checked_session(sid, data, "handoff_id", emit=False)
        if isinstance(session, dict):
            return session
        if session.conversation is None:
            return {"error": "not_yours", "message": translate(_language(session), N_("There is no chat of yours to rate."))}
        try:
            if data.get("skip") is True:
                rating = await self.ratings.skip(session.conversation, data.get("handoff_id"))
            else:
                rating = await self.ratings.rate(session.conversation, data.get("handoff_id"), data.get("stars"),
                                                 data.get("comment"))
        except MessageError as exc:
            return {"error": exc.code, "message": exc.in_language(_language(session))}
        except Exception:
            logger.exception("could not store a rating")
            return {"error": "unavailable",
                    "message": translate(_language(session), N_("Your rating could not be saved. Please try again in a moment."))}
        return rating.to_dict()

    async def on_disconnect(self, sid: str) -> None:
        stored = await self._stored(sid)
        counted = stored.get("counted")
        if counted is not None:
            await self.desk.customer_disconnected(counted)

    async def _checked_session(self, sid: str, data: Any, field: str,
                               emit: bool = True) -> Session | dict[str, Any]:
        """The socket's session, or the error (already sent, unless `emit` is False: an event
        only our widget sends is answered in its acknowledgement alone) to acknowledge with."""
        session = await self._session(sid)
        if session is None:
            return await self._error(sid, "no_session", N_("Send session_request first."), None, emit)
        if not isinstance(data, dict):
            return await self._error(sid, "malformed", N_("This event needs an object with a '{field}' field."),
                                     _language(session), emit, field=field)
        claimed = data.get("session_id")
        if claimed not in (None, "", session.token):
            return await self._error(sid, "session_mismatch",
                                     N_("This socket belongs to another session; request a session first."),
                                     _language(session), emit)
        return session

    async def _bind(self, sid: str, session: Session) -> None:
        stored = await self._stored(sid)
        previous = stored.get("session")
        if previous is not None and previous.token != session.token:
            await maybe_await(self.sio.leave_room(sid, _room(previous)))
        if stored.get("counted") is not None:
            await self.desk.customer_disconnected(stored["counted"])
        await self.sio.save_session(sid, {"session": session, "counted": None})
        # python-socketio >= 5.10 made enter_room a coroutine; Rasa 3.6 never awaits it.
        await maybe_await(self.sio.enter_room(sid, _room(session)))
        await self._count_presence(sid, session)

    async def _count_presence(self, sid: str, session: Session) -> None:
        """Agents see whether the customer is still there; each socket counts once."""
        stored = await self._stored(sid)
        if session.conversation is not None and stored.get("counted") is None:
            stored["counted"] = session.conversation
            await self.sio.save_session(sid, stored)
            await self.desk.customer_connected(session.conversation)

    async def _stored(self, sid: str) -> dict[str, Any]:
        try:
            return dict(await self.sio.get_session(sid))
        except KeyError:
            return {}

    async def _session(self, sid: str) -> Optional[Session]:
        return (await self._stored(sid)).get("session")

    async def _error(self, sid: str, code: str, message: str, language: Optional[str] = None, emit: bool = True,
                     **values: Any) -> dict[str, Any]:
        """Sent as an event (Rasa widgets know no acknowledgements) and returned for the ack;
        `message` is a catalog text, said in `language` (or translated already, without values)."""
        message = translate(language, message, **values) if language or values else message
        if emit:
            await self.sio.emit("message_error", {"code": code, "message": message}, room=sid, ignore_queue=True)
        return {"error": code, "message": message}


def _language(session: Session) -> Optional[str]:
    """The customer's language: the conversation's once it has one, else what the widget said."""
    if session.conversation is not None and session.conversation.language:
        return session.conversation.language
    return session.language_hint


def _room(session: Session) -> str:
    return customer_room(hash_token(session.token))

