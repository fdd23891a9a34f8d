"""Handoffs in the database: who waits, who has which chat, and every change of state.

Each change of state is one conditional UPDATE (`... WHERE state = 'waiting'`) in the same
transaction as its handoff row and its log entry, so two agents claiming one chat at the
same moment (in one process or in several) cannot both win.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Optional

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.engine import Connection, Engine, Row

from helpdesk.schema import conversations, handoffs, messages, notes, state_changes
from i18n import gettext as _
from knowledge.store import as_utc, utcnow

STATES = ("bot", "waiting", "agent", "resolved")
REASONS = ("request", "no_answer", "unhelpful", "upset", "safety")
RESOLUTION_KINDS = ("general", "personal")


class HandoffError(ValueError):
    """A handoff request that cannot be carried out; `message` is for the agent to read."""


@dataclass(frozen=True)
class Handoff:
    id: int
    conversation_id: int
    reason: str
    priority: int
    offline: bool
    contact_email: Optional[str]
    requested_at: datetime
    agent_id: Optional[int]
    agent_name: Optional[str]
    claimed_at: Optional[datetime]
    first_response_at: Optional[datetime]
    ended_at: Optional[datetime]
    outcome: Optional[str]
    resolution_summary: Optional[str]
    resolution_kind: Optional[str]

    @property
    def wait_seconds(self) -> Optional[float]:
        return (self.claimed_at - self.requested_at).total_seconds() if self.claimed_at else None

    @property
    def first_response_seconds(self) -> Optional[float]:
        if self.first_response_at is None or self.claimed_at is None:
            return None
        return (self.first_response_at - self.claimed_at).total_seconds()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "reason": self.reason,
            "priority": self.priority,
            "offline": self.offline,
            "contact_email": self.contact_email,
            "requested_at": self.requested_at.isoformat(),
            "agent_name": self.agent_name,
            "claimed_at": self.claimed_at.isoformat() if self.claimed_at else None,
            "wait_seconds": self.wait_seconds,
            "first_response_seconds": self.first_response_seconds,
            "outcome": self.outcome,
            "resolution_summary": self.resolution_summary,
            "resolution_kind": self.resolution_kind,
        }


@dataclass(frozen=True)
class QueueEntry:
    conversation_id: int
    language: Optional[str]
    handoff: Handoff
    last_customer_text: str
    last_customer_at: Optional[datetime]


@dataclass(frozen=True)
class StateChange:
    from_state: str
    to_state: str
    cause: str
    actor: Optional[str]
    at: datetime


@dataclass(frozen=True)
class Note:
    id: int
    author_name: str
    text: str
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "author": self.author_name, "text": self.text, "time": self.created_at.isoformat()}


class HandoffStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def state(self, conversation_id: int) -> str:
        with self.engine.connect() as conn:
            return conn.execute(select(conversations.c.state).where(conversations.c.id == conversation_id)).scalar_one()

    def escalate(self, conversation_id: int, reason: str, priority: int, offline: bool) -> Handoff:
        """Put the conversation in the queue; a conversation already there keeps its place."""
        if reason not in REASONS:
            raise HandoffError(f"unknown handoff reason {reason!r}")
        with self.engine.begin() as conn:
            previous = _state(conn, conversation_id)
            if previous in ("waiting", "agent"):
                return _open(conn, conversation_id)
            if not _move(conn, conversation_id, previous, "waiting", f"escalated:{reason}", None):
                return _open(conn, conversation_id)  # someone else escalated it a moment ago
            new_id = conn.execute(
                insert(handoffs).values(
                    conversation_id=conversation_id, reason=reason, priority=priority,
                    offline=offline, requested_at=utcnow(),
                )
            ).inserted_primary_key[0]
            return _handoff(conn.execute(select(handoffs).where(handoffs.c.id == new_id)).one())

    def claim(self, conversation_id: int, agent_id: int, agent_name: str) -> Handoff:
        with self.engine.begin() as conn:
            if not _move(conn, conversation_id, "waiting", "agent", "claimed", agent_name):
                current = _open_or_none(conn, conversation_id)
                if current is not None and current.agent_name:
                    raise HandoffError(_("{name} has taken this chat already.", name=current.agent_name))
                raise HandoffError(_("This chat is not waiting for an agent any more."))
            handoff = _open(conn, conversation_id)
            values: dict[str, Any] = {"agent_id": agent_id, "agent_name": agent_name}
            if handoff.claimed_at is None:
                values["claimed_at"] = utcnow()
            conn.execute(update(handoffs).where(handoffs.c.id == handoff.id).values(**values))
            return _open(conn, conversation_id)

    def release(self, conversation_id: int, agent_id: int, cause: str, actor: Optional[str]) -> Optional[Handoff]:
        """Back to the queue, in its old place; None when the agent no longer had the chat."""
        with self.engine.begin() as conn:
            handoff = _open_or_none(conn, conversation_id)
            if handoff is None or handoff.agent_id != agent_id:
                return None
            if not _move(conn, conversation_id, "agent", "waiting", cause, actor):
                return None
            conn.execute(update(handoffs).where(handoffs.c.id == handoff.id).values(agent_id=None, agent_name=None))
            return _open(conn, conversation_id)

    def finish(
        self, conversation_id: int, agent_id: int, actor: str, outcome: str, to_state: str,
        summary: Optional[str] = None, kind: Optional[str] = None,
    ) -> Handoff:
        with self.engine.begin() as conn:
            handoff = self._owned(conn, conversation_id, agent_id)
            _move(conn, conversation_id, "agent", to_state, outcome, actor)
            conn.execute(
                update(handoffs).where(handoffs.c.id == handoff.id).values(
                    ended_at=utcnow(), outcome=outcome, resolution_summary=summary, resolution_kind=kind
                )
            )
            return _handoff(conn.execute(select(handoffs).where(handoffs.c.id == handoff.id)).one())

    def check_owner(self, conversation_id: int, agent_id: int) -> Handoff:
        with self.engine.connect() as conn:
            return self._owned(conn, conversation_id, agent_id)

    @staticmethod
    def _owned(conn: Connection, conversation_id: int, agent_id: int) -> Handoff:
        handoff = _open_or_none(conn, conversation_id)
        if handoff is None or _state(conn, conversation_id) != "agent" or handoff.agent_id != agent_id:
            raise HandoffError(_("You don't have this chat; claim it first."))
        return handoff

    def reopen(self, conversation_id: int) -> bool:
        """A resolved conversation the customer writes to again goes back to the bot."""
        with self.engine.begin() as conn:
            return _move(conn, conversation_id, "resolved", "bot", "customer wrote again", None)

    def mark_first_response(self, handoff_id: int) -> Optional[Handoff]:
        """Record the first agent reply's time; the handoff when this was the first one."""
        with self.engine.begin() as conn:
            done = conn.execute(
                update(handoffs)
                .where(handoffs.c.id == handoff_id, handoffs.c.first_response_at.is_(None))
                .values(first_response_at=utcnow())
            ).rowcount
            if not done:
                return None
            return _handoff(conn.execute(select(handoffs).where(handoffs.c.id == handoff_id)).one())

    def set_contact(self, conversation_id: int, email: str) -> Handoff:
        with self.engine.begin() as conn:
            handoff = _open_or_none(conn, conversation_id)
            if handoff is None:
                raise HandoffError(_("This conversation is not waiting for our team."))
            conn.execute(update(handoffs).where(handoffs.c.id == handoff.id).values(contact_email=email))
            return _open(conn, conversation_id)

    def open_handoff(self, conversation_id: int) -> Optional[Handoff]:
        with self.engine.connect() as conn:
            return _open_or_none(conn, conversation_id)

    def handoffs(self, conversation_id: int) -> list[Handoff]:
        query = select(handoffs).where(handoffs.c.conversation_id == conversation_id).order_by(handoffs.c.id)
        with self.engine.connect() as conn:
            return [_handoff(row) for row in conn.execute(query)]

    def queue(self) -> list[QueueEntry]:
        """Waiting conversations: safety incidents first, then upset customers, then the longest waiting."""
        last_customer = (
            select(messages.c.conversation_id, func.max(messages.c.id).label("message_id"))
            .where(messages.c.sender == "customer")
            .group_by(messages.c.conversation_id)
            .subquery()
        )
        query = (
            select(handoffs, conversations.c.language, messages.c.text.label("last_text"),
                   messages.c.created_at.label("last_at"))
            .join(conversations, conversations.c.id == handoffs.c.conversation_id)
            .outerjoin(last_customer, last_customer.c.conversation_id == handoffs.c.conversation_id)
            .outerjoin(messages, messages.c.id == last_customer.c.message_id)
            .where(conversations.c.state == "waiting", handoffs.c.ended_at.is_(None))
            .order_by(handoffs.c.priority.desc(), handoffs.c.requested_at, handoffs.c.id)
        )
        with self.engine.connect() as conn:
            return [
                QueueEntry(row.conversation_id, row.language, _handoff(row), row.last_text or "",
                           as_utc(row.last_at) if row.last_at else None)
                for row in conn.execute(query)
            ]

    def claimed_by(self, agent_id: int) -> list[Handoff]:
        query = (
            select(handoffs)
            .join(conversations, conversations.c.id == handoffs.c.conversation_id)
            .where(handoffs.c.agent_id == agent_id, handoffs.c.ended_at.is_(None), conversations.c.state == "agent")
            .order_by(handoffs.c.claimed_at)
        )
        with self.engine.connect() as conn:
            return [_handoff(row) for row in conn.execute(query)]

    def claiming_agents(self) -> list[tuple[int, str]]:
        """Agents (id, display name) who have chats at this moment."""
        query = (
            select(handoffs.c.agent_id, handoffs.c.agent_name)
            .join(conversations, conversations.c.id == handoffs.c.conversation_id)
            .where(handoffs.c.ended_at.is_(None), handoffs.c.agent_id.is_not(None), conversations.c.state == "agent")
            .distinct()
        )
        with self.engine.connect() as conn:
            return [(row.agent_id, row.agent_name or "") for row in conn.execute(query)]

    def recent_waits(self, since: timedelta, limit: int = 50) -> list[float]:
        """Waiting times of recent live (not offline) handoffs, for the customer's estimate."""
        query = (
            select(handoffs.c.requested_at, handoffs.c.claimed_at)
            .where(handoffs.c.claimed_at.is_not(None), handoffs.c.offline.is_(False),
                   handoffs.c.claimed_at >= utcnow() - since)
            .order_by(handoffs.c.claimed_at.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [(as_utc(c) - as_utc(r)).total_seconds() for r, c in conn.execute(query)]

    def add_note(self, conversation_id: int, author_id: int, author_name: str, text: str) -> Note:
        now = utcnow()
        with self.engine.begin() as conn:
            new_id = conn.execute(
                insert(notes).values(conversation_id=conversation_id, author_id=author_id,
                                     author_name=author_name, text=text, created_at=now)
            ).inserted_primary_key[0]
        return Note(new_id, author_name, text, now)

    def notes(self, conversation_id: int) -> list[Note]:
        query = select(notes).where(notes.c.conversation_id == conversation_id).order_by(notes.c.id)
        with self.engine.connect() as conn:
            return [Note(r.id, r.author_name, r.text, as_utc(r.created_at)) for r in conn.execute(query)]

    def state_changes(self, conversation_id: int) -> list[StateChange]:
        query = select(state_changes).where(state_changes.c.conversation_id == conversation_id).order_by(state_changes.c.id)
        with self.engine.connect() as conn:
            return [StateChange(r.from_state, r.to_state, r.cause, r.actor, as_utc(r.at)) for r in conn.execute(query)]

    def counts_by_state(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(conversations.c.state, func.count()).group_by(conversations.c.state))
            return {state: int(count) for state, count in rows}


def _state(conn: Connection, conversation_id: int) -> str:
    state = conn.execute(select(conversations.c.state).where(conversations.c.id == conversation_id)).scalar()
    if state is None:
        raise HandoffError(_("There is no such conversation."))
    return state


def _move(conn: Connection, conversation_id: int, from_state: str, to_state: str, cause: str,
          actor: Optional[str]) -> bool:
    now = utcnow()
    moved = conn.execute(
        update(conversations)
        .where(and_(conversations.c.id == conversation_id, conversations.c.state == from_state))
        .values(state=to_state)
    ).rowcount
    if moved:
        conn.execute(
            insert(state_changes).values(conversation_id=conversation_id, from_state=from_state, to_state=to_state,
                                         cause=cause[:32], actor=actor, at=now)
        )
    return bool(moved)


def _open_or_none(conn: Connection, conversation_id: int) -> Optional[Handoff]:
    row = conn.execute(
        select(handoffs)
        .where(handoffs.c.conversation_id == conversation_id, handoffs.c.ended_at.is_(None))
        .order_by(handoffs.c.id.desc())
    ).first()
    return _handoff(row) if row else None


def _open(conn: Connection, conversation_id: int) -> Handoff:
    handoff = _open_or_none(conn, conversation_id)
    if handoff is None:
        raise HandoffError(_("This conversation has no open handoff."))
    return handoff


def _handoff(row: Row) -> Handoff:
    def at(value: Optional[datetime]) -> Optional[datetime]:
        return as_utc(value) if value is not None else None

    return Handoff(
        id=row.id, conversation_id=row.conversation_id, reason=row.reason, priority=row.priority,
        offline=bool(row.offline), contact_email=row.contact_email, requested_at=as_utc(row.requested_at),
        agent_id=row.agent_id, agent_name=row.agent_name, claimed_at=at(row.claimed_at),
        first_response_at=at(row.first_response_at), ended_at=at(row.ended_at), outcome=row.outcome,
        resolution_summary=row.resolution_summary, resolution_kind=row.resolution_kind,
    )

