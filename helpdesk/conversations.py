"""Conversations and their messages in the database.

Every message is committed here before anyone else sees it: the widget gets a reply
only after it is stored, so a crash or a reconnect can lose a delivery but never a message.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable, Optional, Sequence

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.engine import Connection, Engine, Row
from sqlalchemy.exc import IntegrityError

from helpdesk.schema import conversations, events, messages, metadata, turns
from knowledge.store import as_utc, utcnow

TOKEN_BYTES = 32

# Built once: SQLAlchemy then computes its cache key once, not for every message.
_NEXT_TURN = (
    select(messages, turns.c.language.label("turn_language"), *[c.label(f"c_{c.name}") for c in conversations.c])
    .join(turns, turns.c.message_id == messages.c.id)
    .join(conversations, conversations.c.id == turns.c.conversation_id)
    .where(turns.c.conversation_id == bindparam("conversation_id"), turns.c.handled_at.is_(None))
    .order_by(messages.c.id)
    .limit(1)
)


def new_token() -> str:
    """A session token a customer's browser holds; unguessable, so it cannot be forged."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Conversation:
    """A conversation's identity and language. Who holds it (bot, waiting, agent) is not
    here: the helpdesk's queue owns that state (helpdesk.queue, helpdesk.handoff_store)."""

    id: int
    public_id: str
    token_hash: str
    language: Optional[str]
    offered_commands: frozenset[str]
    last_activity_at: datetime


@dataclass(frozen=True)
class StoredMessage:
    id: int
    sender: str
    text: str
    data: dict[str, Any]
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "sender": self.sender, "text": self.text, **self.data, "time": self.created_at.isoformat()}


@dataclass(frozen=True)
class Turn:
    """A customer message waiting for its answer, the language it was written in, and its conversation."""

    message: StoredMessage
    language: str
    conversation: Conversation


class ConversationStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create_tables(self) -> None:
        """This part's tables alone, for its tests and benchmarks; a server's database gets every
        table from the schema migrations (`nahbar db upgrade`, run at each start)."""
        metadata.create_all(self.engine)

    def get(self, conversation_id: int) -> Optional[Conversation]:
        with self.engine.connect() as conn:
            row = conn.execute(select(conversations).where(conversations.c.id == conversation_id)).first()
        return _conversation(row) if row else None

    def by_public_ids(self, public_ids: Sequence[str]) -> list[Conversation]:
        if not public_ids:
            return []
        with self.engine.connect() as conn:
            rows = conn.execute(select(conversations).where(conversations.c.public_id.in_(list(public_ids))))
            return [_conversation(row) for row in rows]

    def find(self, token: str, max_age: timedelta) -> Optional[Conversation]:
        """The conversation this token opened, if it exists and was active within `max_age`."""
        query = select(conversations).where(conversations.c.token_hash == hash_token(token))
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        conversation = _conversation(row)
        if utcnow() - conversation.last_activity_at > max_age:
            return None
        return conversation

    def find_or_create(self, token: str, language: Optional[str], offered: Sequence[str] = ()) -> Conversation:
        """The token's conversation; created on first use (two tabs may race to do so), with
        `offered` as the commands it accepts before the bot has offered any."""
        try:
            return self._create(token, language, offered)
        except IntegrityError:
            found = self.find(token, timedelta.max)
            if found is None:
                raise
            return found

    def _create(self, token: str, language: Optional[str], offered: Sequence[str]) -> Conversation:
        now = utcnow()
        with self.engine.begin() as conn:
            new_id = conn.execute(
                insert(conversations).values(
                    public_id=secrets.token_hex(16),
                    token_hash=hash_token(token),
                    language=language,
                    state="bot",
                    offered_commands=sorted(offered),
                    created_at=now,
                    last_activity_at=now,
                )
            ).inserted_primary_key[0]
            return _conversation(conn.execute(select(conversations).where(conversations.c.id == new_id)).one())

    def add_message(
        self, conversation_id: int, sender: str, text: str, data: Optional[dict[str, Any]] = None,
        language: Optional[str] = None, also: Optional[Callable[[Connection, StoredMessage], Any]] = None,
    ) -> StoredMessage:
        """`also(conn, message)` writes what belongs with the message in its transaction (an
        agent's reply and its mail): both are stored, or neither."""
        now = utcnow()
        values: dict[str, Any] = {"last_activity_at": now}
        if language:
            values["language"] = language
        with self.engine.begin() as conn:
            message_id = conn.execute(
                insert(messages).values(
                    conversation_id=conversation_id, sender=sender, text=text, data=data or {}, created_at=now
                )
            ).inserted_primary_key[0]
            conn.execute(update(conversations).where(conversations.c.id == conversation_id).values(**values))
            message = StoredMessage(message_id, sender, text, data or {}, now)
            if also is not None:
                also(conn, message)
        return message

    def accept(
        self, conversation_id: int, text: str, language: Optional[str], client_id: Optional[str] = None
    ) -> tuple[StoredMessage, bool]:
        """Store a customer's widget message with its turn, once per `client_id`.

        Returns the stored message and whether it is new. A resend of an id this
        conversation already has (the widget lost the acknowledgement) returns the first
        copy: the unique constraint on (conversation, client id) decides, so two processes
        or two tabs resending at once still store one message.
        """
        now = utcnow()
        values: dict[str, Any] = {"last_activity_at": now}
        if language:
            values["language"] = language
        try:
            with self.engine.begin() as conn:
                message_id = conn.execute(
                    insert(messages).values(
                        conversation_id=conversation_id, sender="customer", text=text, data={}, created_at=now
                    )
                ).inserted_primary_key[0]
                conn.execute(insert(turns).values(message_id=message_id, conversation_id=conversation_id,
                                                  client_id=client_id, language=language))
                conn.execute(update(conversations).where(conversations.c.id == conversation_id).values(**values))
            return StoredMessage(message_id, "customer", text, {}, now), True
        except IntegrityError:
            if client_id is None:
                raise
            first = self._by_client_id(conversation_id, client_id)
            if first is None:
                raise
            return first, False

    def _by_client_id(self, conversation_id: int, client_id: str) -> Optional[StoredMessage]:
        query = (
            select(messages)
            .join(turns, turns.c.message_id == messages.c.id)
            .where(turns.c.conversation_id == conversation_id, turns.c.client_id == client_id)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return _message(row) if row else None

    def next_turn(self, conversation_id: int) -> Optional["Turn"]:
        """The oldest customer message of this conversation not handled yet, with its
        conversation as it is now (one query: it runs for every message)."""
        with self.engine.connect() as conn:
            row = conn.execute(_NEXT_TURN, {"conversation_id": conversation_id}).first()
        if row is None:
            return None
        conversation = Conversation(
            id=row.c_id, public_id=row.c_public_id, token_hash=row.c_token_hash, language=row.c_language,
            offered_commands=frozenset(row.c_offered_commands or ()), last_activity_at=as_utc(row.c_last_activity_at),
        )
        return Turn(_message(row), row.turn_language or conversation.language or "en", conversation)

    def with_open_turns(self, accepted_before: Optional[datetime] = None) -> list[int]:
        """Conversations with accepted messages nobody handled (a process stopped midway);
        with `accepted_before`, only those with such a message older than that."""
        query = (
            select(turns.c.conversation_id, func.min(turns.c.message_id).label("first"))
            .where(turns.c.handled_at.is_(None))
            .group_by(turns.c.conversation_id)
            .order_by("first")
        )
        if accepted_before is not None:
            query = query.join(messages, messages.c.id == turns.c.message_id).where(
                messages.c.created_at < accepted_before)
        with self.engine.connect() as conn:
            return [row.conversation_id for row in conn.execute(query)]

    def mark_handled(self, message_id: int) -> bool:
        """Close a turn that needs no bot answer (people hold the chat); False if it was closed."""
        with self.engine.begin() as conn:
            return _close_turn(conn, message_id, utcnow())

    def add_bot_messages(
        self, conversation_id: int, replies: Sequence[tuple[str, dict[str, Any]]], offered: Sequence[str],
        answer: Optional[dict[str, Any]] = None, vote: Optional[tuple[int, dict[str, Any]]] = None,
        answering: Optional[int] = None,
    ) -> Optional[list[StoredMessage]]:
        """Store the bot's replies, the commands they offer and what the bot did, in one transaction.

        `answer`: the article the replies answered from (recorded against the first reply);
        `vote`: (the customer's message id, the article and whether it helped);
        `answering`: the customer message whose turn these replies close. If that turn was
        closed already (another worker answered it), nothing is stored and None returned:
        every message is answered once.
        """
        now = utcnow()
        stored: list[StoredMessage] = []
        with self.engine.begin() as conn:
            if answering is not None and not _close_turn(conn, answering, now):
                return None  # nothing was written in this transaction
            for text, data in replies:
                if answering is not None:
                    data = {**data, "reply_to": answering}  # which message this answers, for audits
                message_id = conn.execute(
                    insert(messages).values(
                        conversation_id=conversation_id, sender="bot", text=text, data=data, created_at=now
                    )
                ).inserted_primary_key[0]
                stored.append(StoredMessage(message_id, "bot", text, data, now))
            if answer is not None and stored:
                conn.execute(insert(events).values(
                    conversation_id=conversation_id, message_id=stored[0].id, kind="answer",
                    article_id=answer.get("article_id"), article_slug=answer.get("slug"),
                    article_version=answer.get("version"), score=answer.get("score"),
                    confidence=answer.get("confidence"), created_at=now))
            if vote is not None:
                message_id, data = vote
                conn.execute(insert(events).values(
                    conversation_id=conversation_id, message_id=message_id, kind="vote",
                    article_id=data.get("article_id"), article_slug=data.get("slug"),
                    helpful=bool(data.get("helpful")), created_at=now))
            conn.execute(
                update(conversations)
                .where(conversations.c.id == conversation_id)
                .values(offered_commands=list(offered), last_activity_at=now)
            )
        return stored

    def history(self, conversation_id: int, limit: int = 500, after: Optional[int] = None) -> list[StoredMessage]:
        """The latest `limit` messages, oldest first; with `after`, only those a client that
        has message `after` has not seen yet."""
        query = select(messages).where(messages.c.conversation_id == conversation_id)
        if after is not None:
            query = query.where(messages.c.id > after)
        query = query.order_by(messages.c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            rows = list(conn.execute(query))
        return [_message(row) for row in reversed(rows)]


def _close_turn(conn: Any, message_id: int, now: datetime) -> bool:
    closed = conn.execute(
        update(turns).where(turns.c.message_id == message_id, turns.c.handled_at.is_(None)).values(handled_at=now)
    )
    return closed.rowcount == 1


def _message(row: Row) -> StoredMessage:
    return StoredMessage(row.id, row.sender, row.text, row.data or {}, as_utc(row.created_at))


def _conversation(row: Row) -> Conversation:
    return Conversation(
        id=row.id,
        public_id=row.public_id,
        token_hash=row.token_hash,
        language=row.language,
        offered_commands=frozenset(row.offered_commands or ()),
        last_activity_at=as_utc(row.last_activity_at),
    )
