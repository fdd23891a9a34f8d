"""The agent console's live connection: socket.io namespace `/agent` over the helpdesk core.

Connecting needs a staff session cookie with the agent (or admin) role and the session's
CSRF token in the handshake's `auth`, so a page on another site cannot open this socket
with the agent's cookie. The session is checked again on every event: logging out ends
the socket's rights at once. Every request is answered through the acknowledgement:
`{"ok": true, ...}` or `{"ok": false, "error": "..."}`.
"""

from __future__ import annotations

import logging
from http.cookies import CookieError, SimpleCookie
from typing import Any, Awaitable, Callable, Optional

import socketio

from bot.text import MessageError
from helpdesk.core import Helpdesk
from helpdesk.handoff_store import HandoffError
from helpdesk.notifier import AGENT_NAMESPACE, agent_room, maybe_await
from i18n import gettext as _
from i18n import N_, set_language, translate
from i18n.web import COOKIE as LANGUAGE_COOKIE
from i18n.web import remembered_or_preferred
from staff.accounts import StaffUser
from staff.web import SESSION_COOKIE, StaffAuth

logger = logging.getLogger(__name__)

AGENT_ROLES = ("agent",)


class AgentChannel:
    def __init__(self, sio: socketio.AsyncServer, helpdesk: Helpdesk, auth: StaffAuth) -> None:
        self.sio = sio
        self.queue = helpdesk.queue
        self.desk = helpdesk.desk
        self.presence = helpdesk.presence
        self.auth = auth
        ns = AGENT_NAMESPACE
        sio.on("connect", self.on_connect, namespace=ns)
        sio.on("disconnect", self.on_disconnect, namespace=ns)
        events: dict[str, Callable[[StaffUser, dict[str, Any]], Awaitable[dict[str, Any]]]] = {
            "overview": self.overview,
            "open": self.open,
            "claim": self.claim,
            "reply": self.reply,
            "send_article": self.send_article,
            "note": self.note,
            "typing": self.typing,
            "resolve": self.resolve,
            "hand_back": self.hand_back,
            "retry_mail": self.retry_mail,
        }
        for name, handler in events.items():
            sio.on(name, self._guarded(handler), namespace=ns)
        auth.logout_listeners.append(self.on_logout)

    async def on_logout(self, token: str, user: StaffUser) -> None:
        """Close the sockets opened with the ended session; other sessions of the user stay."""
        try:
            participants = list(self.sio.manager.get_participants(AGENT_NAMESPACE, agent_room(user.id)))
        except KeyError:  # no console ever connected to this process: nothing to close
            return
        for sid, _eio_sid in participants:
            stored = await self.sio.get_session(sid, namespace=AGENT_NAMESPACE)
            if stored.get("token") == token:
                await self.sio.disconnect(sid, namespace=AGENT_NAMESPACE)

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        # The console page's language (its cookie, else the browser's preference) for what this socket is told.
        language = remembered_or_preferred(_cookie(environ.get("HTTP_COOKIE", ""), LANGUAGE_COOKIE),
                                           environ.get("HTTP_ACCEPT_LANGUAGE", ""))
        token = _cookie(environ.get("HTTP_COOKIE", ""), SESSION_COOKIE)
        session = await self.auth.current({SESSION_COOKIE: token} if token else {})
        if session is None or not session.user.has_role(*AGENT_ROLES):
            raise socketio.exceptions.ConnectionRefusedError(translate(language, N_("Log in with an agent account first.")))
        if not self.auth.valid_csrf(session, (auth or {}).get("csrf") if isinstance(auth, dict) else None):
            raise socketio.exceptions.ConnectionRefusedError(
                translate(language, N_("The console's security token is missing; reload the page.")))
        await self.sio.save_session(sid, {"user": session.user, "token": token, "language": language},
                                    namespace=AGENT_NAMESPACE)
        await maybe_await(self.sio.enter_room(sid, agent_room(session.user.id), namespace=AGENT_NAMESPACE))
        await self.presence.agent_connected(session.user.id)
        await self.queue.broadcast()  # one more agent online: estimates change

    async def on_disconnect(self, sid: str) -> None:
        user = await self._user(sid, check=False)
        if user is not None:
            await self.presence.agent_disconnected(user.id)

    def _guarded(self, handler: Callable[[StaffUser, dict[str, Any]], Awaitable[dict[str, Any]]]):
        async def run(sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
            user, language = await self._user_and_language(sid)
            set_language(language)  # this event's task only: errors and texts in the agent's language
            if user is None:  # expired or disabled since the socket opened
                return {"ok": False, "error": _("Your session has ended; log in again.")}
            try:
                return {"ok": True, **await handler(user, data if isinstance(data, dict) else {})}
            except MessageError as exc:
                return {"ok": False, "error": exc.in_language(language)}
            except HandoffError as exc:
                return {"ok": False, "error": str(exc)}
            except Exception:
                logger.exception("agent request failed")
                return {"ok": False, "error": _("That did not work because of a server error; please try again.")}

        return run

    async def _user(self, sid: str, check: bool = True) -> Optional[StaffUser]:
        return (await self._user_and_language(sid, check))[0]

    async def _user_and_language(self, sid: str, check: bool = True) -> tuple[Optional[StaffUser], Optional[str]]:
        try:
            stored = await self.sio.get_session(sid, namespace=AGENT_NAMESPACE)
        except KeyError:
            return None, None
        if not check:
            return stored.get("user"), stored.get("language")
        session = await self.auth.current({SESSION_COOKIE: stored.get("token")})
        if session is None or not session.user.has_role(*AGENT_ROLES):
            return None, stored.get("language")
        return session.user, stored.get("language")

    # -- requests -----------------------------------------------------------------------

    async def overview(self, user: StaffUser, data: dict[str, Any]) -> dict[str, Any]:
        return await self.queue.overview(user.id)

    async def open(self, user: StaffUser, data: dict[str, Any]) -> dict[str, Any]:
        return {"conversation": await self.desk.transcript(data.get("conversation_id"))}

    async def claim(self, user: StaffUser, data: dict[str, Any]) -> dict[str, Any]:
        return {"conversation": await self.desk.transcript((await self.queue.claim(_id(data), user)).id)}

    async def reply(self, user: StaffUser, data: dict[str, Any]) -> dict[str, Any]:
        return {"message": await self.desk.reply(_id(data), user, data.get("text"))}

    async def send_article(self, user: StaffUser, data: dict[str, Any]) -> dict[str, Any]:
        return {"message": await self.desk.send_article(_id(data), user, data.get("slug"))}

    async def note(self, user: StaffUser, data: dict[str, Any]) -> dict[str, Any]:
        return {"note": await self.desk.add_note(_id(data), user, data.get("text"))}

    async def typing(self, user: StaffUser, data: dict[str, Any]) -> dict[str, Any]:
        await self.desk.agent_typing(_id(data), user, bool(data.get("typing")))
        return {}

    async def resolve(self, user: StaffUser, data: dict[str, Any]) -> dict[str, Any]:
        handoff = await self.queue.resolve(_id(data), user, data.get("summary"), data.get("kind"))
        return {"handoff": handoff.to_dict()}

    async def hand_back(self, user: StaffUser, data: dict[str, Any]) -> dict[str, Any]:
        return {"handoff": (await self.queue.hand_back(_id(data), user)).to_dict()}

    async def retry_mail(self, user: StaffUser, data: dict[str, Any]) -> dict[str, Any]:
        return {"mail": await self.desk.retry_mail(data.get("mail_id"))}


def _id(data: dict[str, Any]) -> int:
    value = data.get("conversation_id")
    if not isinstance(value, int) or isinstance(value, bool):
        raise HandoffError(_("A conversation id must be a number."))
    return value


def _cookie(header: str, name: str) -> Optional[str]:
    try:
        morsel = SimpleCookie(header).get(name)
    except CookieError:
        return None
    return morsel.value if morsel else None

