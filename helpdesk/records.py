"""A customer's records on the one-to-one side: found by what they can quote, exported, erased.

Customers ask to see, take or erase what a helpdesk keeps about them (GDPR Art. 15, 17,
20), and chats must not be kept longer than needed. This module owns that for the
helpdesk's tables; Rasa's tracker, the bridge's evidence and the knowledge base's missed
questions are erased beside it, in the same transaction, by `nahbar.customer_data`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Optional

from sqlalchemy import and_, delete, exists, func, insert, select
from sqlalchemy.engine import Connection, Engine

from helpdesk.schema import (conversations, data_requests, events, handoffs, messages, notes, outgoing_mail,
                             ratings, state_changes, turns)
from i18n import N_
from i18n import gettext as _
from knowledge.store import as_utc, remove_before, utcnow

EXPORT_FORMAT = "nahbar-conversation/1"
_CHAT_ID = re.compile(r"^[0-9a-f]{32}$")
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# People hold these chats right now: never purged, however old their last message.
LIVE_STATES = ("waiting", "agent")


NOT_FOUND = {
    "id": N_("No conversation has reference number #{value}."),
    "chat_id": N_("No conversation has chat id {value}."),
    "email": N_("No conversation has the e-mail address {value}."),
}


class RecordsError(ValueError):
    """A reference that names nothing, or names it wrongly; the message is for the person who typed it."""


@dataclass(frozen=True)
class Found:
    """A conversation as staff see it in a search: enough to pick the right one, no message text."""

    id: int
    public_id: str
    state: str
    language: Optional[str]
    created_at: datetime
    last_activity_at: datetime
    messages: int
    contact_email: Optional[str]

    def to_dict(self) -> dict[str, Any]:
        return {"reference": self.id, "chat_id": self.public_id, "state": self.state, "language": self.language,
                "created_at": self.created_at.isoformat(), "last_activity_at": self.last_activity_at.isoformat(),
                "messages": self.messages, "contact_email": self.contact_email}


@dataclass(frozen=True)
class ChatPeriods:
    """How long chats are kept after their last message, by kind (the retention settings)."""

    bot_chats: timedelta
    resolved_chats: timedelta
    offline_messages: timedelta


def parse_reference(reference: Any) -> tuple[str, Any]:
    """("id", 42), ("chat_id", "…") or ("email", "…") from what a customer quoted or an admin typed."""
    text = str(reference or "").strip()
    if not text:
        raise RecordsError(_("Give a reference number (42 or #42), a chat id or an e-mail address."))
    digits = text.removeprefix("#").strip()
    if digits.isdigit():
        if len(digits) > 12:
            raise RecordsError(_("{text} is too long for a reference number.", text=repr(text)))
        return "id", int(digits)
    if _CHAT_ID.match(text.lower()):
        return "chat_id", text.lower()
    if _ADDRESS.match(text) and len(text) <= 254:
        return "email", text
    raise RecordsError(_("{text} is not a reference number (42 or #42), a chat id (32 hex characters) or an e-mail address.",
                         text=repr(text[:80])))


class CustomerRecords:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def find(self, reference: Any) -> list[Found]:
        """Every conversation the reference names (an address may have left several offline messages)."""
        kind, value = parse_reference(reference)
        query = select(conversations).order_by(conversations.c.id)
        if kind == "id":
            query = query.where(conversations.c.id == value)
        elif kind == "chat_id":
            query = query.where(conversations.c.public_id == value)
        else:
            having = select(handoffs.c.conversation_id).where(
                func.lower(handoffs.c.contact_email) == value.lower())
            query = query.where(conversations.c.id.in_(having))
        with self.engine.connect() as conn:
            rows = list(conn.execute(query))
            ids = [row.id for row in rows]
            counts = dict(conn.execute(select(messages.c.conversation_id, func.count()).where(
                messages.c.conversation_id.in_(ids)).group_by(messages.c.conversation_id)).all()) if ids else {}
            emails = dict(conn.execute(select(handoffs.c.conversation_id, func.max(handoffs.c.contact_email)).where(
                handoffs.c.conversation_id.in_(ids)).group_by(handoffs.c.conversation_id)).all()) if ids else {}
        if not rows:
            raise RecordsError(_(NOT_FOUND[kind], value=value))
        return [Found(r.id, r.public_id, r.state, r.language, as_utc(r.created_at), as_utc(r.last_activity_at),
                      int(counts.get(r.id, 0)), emails.get(r.id)) for r in rows]

    def export(self, conversation_id: int, internal_notes: bool = True) -> dict[str, Any]:
        """Everything stored about one conversation, as data (Art. 15 and 20).

        Agents' internal notes are about the customer, so the staff export (the answer to
        an access request) holds them; the customer's own download from the widget does
        not (`internal_notes=False`): it is the chat as they saw it.
        """
        with self.engine.connect() as conn:
            row = conn.execute(select(conversations).where(conversations.c.id == conversation_id)).first()
            if row is None:
                raise RecordsError(_(NOT_FOUND["id"], value=conversation_id))
            chat = list(conn.execute(select(messages).where(messages.c.conversation_id == conversation_id)
                                     .order_by(messages.c.id)))
            handed = list(conn.execute(select(handoffs).where(handoffs.c.conversation_id == conversation_id)
                                       .order_by(handoffs.c.id)))
            answered = list(conn.execute(select(events).where(events.c.conversation_id == conversation_id)
                                         .order_by(events.c.id)))
            rated = list(conn.execute(select(ratings).where(ratings.c.conversation_id == conversation_id)
                                      .order_by(ratings.c.id)))
            written = list(conn.execute(select(notes).where(notes.c.conversation_id == conversation_id)
                                        .order_by(notes.c.id))) if internal_notes else []
            mailed = list(conn.execute(select(outgoing_mail).where(outgoing_mail.c.conversation_id == conversation_id)
                                       .order_by(outgoing_mail.c.id)))
        result: dict[str, Any] = {
            "format": EXPORT_FORMAT,
            "conversation": {
                "reference": row.id, "chat_id": row.public_id, "language": row.language, "state": row.state,
                "created_at": _time(row.created_at), "last_activity_at": _time(row.last_activity_at),
            },
            "messages": [
                {"id": m.id, "sender": m.sender, "name": (m.data or {}).get("agent_name"), "text": m.text,
                 "time": _time(m.created_at)} for m in chat
            ],
            "handoffs": [
                {"reason": h.reason, "offline": bool(h.offline), "contact_email": h.contact_email,
                 "requested_at": _time(h.requested_at), "agent": h.agent_name, "claimed_at": _time(h.claimed_at),
                 "ended_at": _time(h.ended_at), "outcome": h.outcome, "resolution_summary": h.resolution_summary}
                for h in handed
            ],
            "mails": [
                {"message_id": m.message_id, "to": m.to_address, "status": m.status, "attempts": m.attempts,
                 "sent_at": _time(m.sent_at)} for m in mailed
            ],
            "bot_answers": [
                {"kind": e.kind, "article": e.article_slug, "helpful": e.helpful, "time": _time(e.created_at)}
                for e in answered
            ],
            "ratings": [
                {"stars": r.stars, "skipped": r.stars is None, "comment": r.comment, "time": _time(r.created_at)}
                for r in rated
            ],
        }
        if internal_notes:
            result["internal_notes"] = [{"author": n.author_name, "text": n.text, "time": _time(n.created_at)}
                                        for n in written]
        return result

    @staticmethod
    def delete(conn: Connection, conversation_id: int) -> int:
        """Every helpdesk row of the conversation, in the caller's transaction; the count of messages."""
        removed = conn.execute(select(func.count()).select_from(messages)
                               .where(messages.c.conversation_id == conversation_id)).scalar()
        for table in (outgoing_mail, turns, events, notes, state_changes, ratings, handoffs, messages):
            conn.execute(delete(table).where(table.c.conversation_id == conversation_id))
        if not conn.execute(delete(conversations).where(conversations.c.id == conversation_id)).rowcount:
            # Erased a moment ago by someone else (another process's purge, say): roll back,
            # so the audit log holds one erase, not two.
            raise RecordsError(_(NOT_FOUND["id"], value=conversation_id))
        return int(removed or 0)

    def due(self, now: datetime, periods: ChatPeriods) -> dict[str, list[tuple[int, str]]]:
        """(id, chat id) of the conversations past their retention period, by kind.

        Measured from the last message. A chat people hold now is never due (one waiting
        for an agent, or an agent's); an offline message nobody has taken has its own period; a chat that ever reached people is a
        resolved chat; the rest are bot-only chats.
        """
        handed = exists().where(handoffs.c.conversation_id == conversations.c.id)
        open_offline = exists().where(and_(handoffs.c.conversation_id == conversations.c.id,
                                           handoffs.c.ended_at.is_(None), handoffs.c.offline.is_(True)))
        quiet = conversations.c.last_activity_at
        kinds = {
            "bot-only chats": and_(~handed, conversations.c.state.notin_(LIVE_STATES),
                                   quiet < now - periods.bot_chats),
            "resolved chats": and_(handed, ~open_offline, conversations.c.state.notin_(LIVE_STATES),
                                   quiet < now - periods.resolved_chats),
            "offline messages": and_(open_offline, conversations.c.state != "agent",
                                     quiet < now - periods.offline_messages),
        }
        with self.engine.connect() as conn:
            return {kind: [(r.id, r.public_id) for r in conn.execute(
                select(conversations.c.id, conversations.c.public_id).where(where).order_by(conversations.c.id))]
                for kind, where in kinds.items()}

    def chat_ids(self) -> set[str]:
        with self.engine.connect() as conn:
            return set(conn.execute(select(conversations.c.public_id)).scalars())

    @staticmethod
    def log(conn: Connection, action: str, conversation_id: int, actor: str, details: Optional[dict] = None) -> None:
        conn.execute(insert(data_requests).values(action=action, conversation_id=conversation_id, actor=actor[:120],
                                                  details=details, at=utcnow()))

    def requests(self, limit: int = 200) -> list[dict[str, Any]]:
        """The audit log of data requests, newest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(data_requests).order_by(data_requests.c.id.desc()).limit(limit))
            return [{**row._asdict(), "at": as_utc(row.at)} for row in rows]

    def purge_requests(self, before: datetime, dry_run: bool = False) -> int:
        with self.engine.begin() as conn:
            return remove_before(conn, data_requests.c.at, before, dry_run)


def _time(value: Optional[datetime]) -> Optional[str]:
    return as_utc(value).isoformat() if value is not None else None


def readable(export: dict[str, Any], language: Optional[str], shop: str = "") -> str:
    """The customer's download: the chat as plain text they can read and keep."""
    german = (language or export["conversation"].get("language")) == "de"
    names = {"customer": "Sie" if german else "You", "bot": "Bot", "system": "Nahbar"}
    head = (f"Chat #{export['conversation']['reference']}" + (f" – {shop}" if shop else "")
            + (f"\nBegonnen {export['conversation']['created_at']}" if german
               else f"\nStarted {export['conversation']['created_at']}"))
    lines = [head, ""]
    for message in export["messages"]:
        who = message.get("name") if message["sender"] == "agent" and message.get("name") else names.get(
            message["sender"], message["sender"])
        lines.append(f"[{message['time'][:19].replace('T', ' ')} UTC] {who}: {message['text']}")
    return "\n".join(lines) + "\n"
