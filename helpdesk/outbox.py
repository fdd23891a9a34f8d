"""The mail outbox: agents' replies waiting to go out by e-mail, and what became of them.

A row is queued in the transaction that stores its reply (`queue`, on the caller's
connection), so a reply is never stored without its mail nor mailed without being stored.
Every change of a row is a conditional UPDATE from the status it must have, as the
handoff store's transitions are: a sender takes a row (`claim`) before it talks to the
mail server, so with several processes each mail is taken, and sent, once.

`revision` grows with every change, so a console that hears of a mail twice (live, and
in a transcript loaded meanwhile) keeps the newer word.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import and_, insert, select, update
from sqlalchemy.engine import Connection, Engine, Row

from helpdesk.schema import messages, outgoing_mail
from i18n import N_
from knowledge.store import as_utc, utcnow

STATUSES = ("pending", "sending", "sent", "failed")
MAX_ERROR_CHARS = 500

# A mail whose sender never finished (its process stopped mid-send) may or may not have
# reached the customer: it is not sent again by itself, an agent decides.
INTERRUPTED = N_("The server stopped while this mail was being sent; it may have reached the customer. Retry only if not.")


@dataclass(frozen=True)
class OutgoingMail:
    id: int
    conversation_id: int
    message_id: int
    to: str
    language: str
    status: str
    attempts: int
    last_error: Optional[str]
    next_attempt_at: datetime
    sent_at: Optional[datetime]
    revision: int

    @property
    def shown(self) -> str:
        """What agents read: queued, sending, sent, retrying (an attempt failed, more follow) or failed."""
        if self.status == "pending":
            return "retrying" if self.attempts else "queued"
        return self.status

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "conversation_id": self.conversation_id, "message_id": self.message_id, "to": self.to,
            "status": self.shown, "attempts": self.attempts, "error": self.last_error,
            "next_attempt_at": self.next_attempt_at.isoformat() if self.status == "pending" else None,
            "sent_at": self.sent_at.isoformat() if self.sent_at else None, "revision": self.revision,
        }


@dataclass(frozen=True)
class Claimed:
    """A mail a sender has taken, with the words of the reply it carries."""

    mail: OutgoingMail
    text: str
    agent_name: str


class Outbox:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @staticmethod
    def queue(conn: Connection, conversation_id: int, message_id: int, to: str, language: Optional[str]) -> int:
        """A mail for this reply, in the caller's transaction (the one that stores the reply)."""
        now = utcnow()
        return conn.execute(insert(outgoing_mail).values(
            conversation_id=conversation_id, message_id=message_id, to_address=to,
            language="de" if language == "de" else "en", status="pending", attempts=0, next_attempt_at=now,
            created_at=now, revision=0,
        )).inserted_primary_key[0]

    def get(self, mail_id: int) -> Optional[OutgoingMail]:
        with self.engine.connect() as conn:
            row = conn.execute(select(outgoing_mail).where(outgoing_mail.c.id == mail_id)).first()
        return _mail(row) if row else None

    def by_message(self, message_id: int) -> Optional[OutgoingMail]:
        with self.engine.connect() as conn:
            row = conn.execute(select(outgoing_mail).where(outgoing_mail.c.message_id == message_id)).first()
        return _mail(row) if row else None

    def of_conversation(self, conversation_id: int) -> list[OutgoingMail]:
        query = select(outgoing_mail).where(outgoing_mail.c.conversation_id == conversation_id).order_by(
            outgoing_mail.c.id)
        with self.engine.connect() as conn:
            return [_mail(row) for row in conn.execute(query)]

    def due(self, now: datetime, limit: int = 50) -> list[int]:
        """Mails waiting for their next attempt, oldest first."""
        query = (select(outgoing_mail.c.id)
                 .where(outgoing_mail.c.status == "pending", outgoing_mail.c.next_attempt_at <= now)
                 .order_by(outgoing_mail.c.next_attempt_at, outgoing_mail.c.id).limit(limit))
        with self.engine.connect() as conn:
            return list(conn.execute(query).scalars())

    def claim(self, mail_id: int, now: datetime) -> Optional[Claimed]:
        """Take a due mail for sending; None when another sender took it first (or it is gone)."""
        with self.engine.begin() as conn:
            taken = _change(conn, mail_id, and_(outgoing_mail.c.status == "pending",
                                                outgoing_mail.c.next_attempt_at <= now),
                            # claimed now, not at the pass's start: a long pass must not look half-sent to others
                            status="sending", attempts=outgoing_mail.c.attempts + 1, claimed_at=utcnow())
            if not taken:
                return None
            row = conn.execute(
                select(outgoing_mail, messages.c.text, messages.c.data)
                .join(messages, messages.c.id == outgoing_mail.c.message_id)
                .where(outgoing_mail.c.id == mail_id)
            ).one()
        return Claimed(_mail(row), row.text, (row.data or {}).get("agent_name") or "")

    def sent(self, mail_id: int) -> Optional[OutgoingMail]:
        """The mail server took it. None when the row is gone (its chat erased meanwhile)."""
        with self.engine.begin() as conn:
            if not _change(conn, mail_id, outgoing_mail.c.status == "sending", status="sent", sent_at=utcnow(),
                           last_error=None, claimed_at=None):
                return None
            return _get(conn, mail_id)

    def not_sent(self, mail_id: int, error: str, retry_at: Optional[datetime]) -> Optional[OutgoingMail]:
        """An attempt failed: tried again at `retry_at`, or failed for good when that is None."""
        values: dict[str, Any] = {"last_error": error[:MAX_ERROR_CHARS], "claimed_at": None}
        if retry_at is None:
            values["status"] = "failed"
        else:
            values.update(status="pending", next_attempt_at=retry_at)
        with self.engine.begin() as conn:
            if not _change(conn, mail_id, outgoing_mail.c.status == "sending", **values):
                return None
            return _get(conn, mail_id)

    def interrupted(self, claimed_before: datetime) -> list[OutgoingMail]:
        """Mails a sender took before `claimed_before` and never finished (its process
        stopped mid-send): failed, with a reason that says they may have gone out."""
        with self.engine.connect() as conn:
            ids = list(conn.execute(select(outgoing_mail.c.id).where(
                outgoing_mail.c.status == "sending", outgoing_mail.c.claimed_at < claimed_before)).scalars())
        changed = []
        for mail_id in ids:
            with self.engine.begin() as conn:
                if _change(conn, mail_id, and_(outgoing_mail.c.status == "sending",
                                               outgoing_mail.c.claimed_at < claimed_before),
                           status="failed", last_error=INTERRUPTED, claimed_at=None):
                    changed.append(_get(conn, mail_id))
        return changed

    def retry(self, mail_id: int, now: datetime) -> Optional[OutgoingMail]:
        """A failed mail queued again, with its attempts counted afresh; None unless it had failed."""
        with self.engine.begin() as conn:
            if not _change(conn, mail_id, outgoing_mail.c.status == "failed", status="pending", attempts=0,
                           next_attempt_at=now):
                return None
            return _get(conn, mail_id)


def _change(conn: Connection, mail_id: int, condition: Any, **values: Any) -> bool:
    """One conditional UPDATE of one mail; True when it held (and the revision grew)."""
    return bool(conn.execute(
        update(outgoing_mail).where(outgoing_mail.c.id == mail_id, condition)
        .values(revision=outgoing_mail.c.revision + 1, **values)
    ).rowcount)


def _get(conn: Connection, mail_id: int) -> OutgoingMail:
    return _mail(conn.execute(select(outgoing_mail).where(outgoing_mail.c.id == mail_id)).one())


def _mail(row: Row) -> OutgoingMail:
    return OutgoingMail(
        id=row.id, conversation_id=row.conversation_id, message_id=row.message_id, to=row.to_address,
        language=row.language, status=row.status, attempts=row.attempts, last_error=row.last_error,
        next_attempt_at=as_utc(row.next_attempt_at), sent_at=as_utc(row.sent_at) if row.sent_at else None,
        revision=row.revision,
    )
