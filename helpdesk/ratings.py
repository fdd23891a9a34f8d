"""Customers' ratings of the help they got: "How did we do?" once an agent resolved their chat.

Asked once per resolved handoff. A rating and a skip are both stored as the answer (the
skip server-side too, so no other tab, reload or browser asks again), and the unique
constraint on the handoff decides between two answers sent at once: the second is refused
with a clear error, the first is never written over. A rating belongs to its conversation
and is erased with it (helpdesk.records).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import and_, insert, select
from sqlalchemy.engine import Engine, Row
from sqlalchemy.exc import IntegrityError

from bot.text import MessageError, validate_text
from helpdesk.conversations import Conversation
from helpdesk.metrics import HelpdeskMetrics
from helpdesk.notifications import Notifications
from helpdesk.schema import conversations, events, handoffs, messages, ratings
from i18n import N_
from knowledge.store import as_utc, utcnow

STARS = (1, 2, 3, 4, 5)
MAX_COMMENT_CHARS = 1000
# What an agent's message records when it sends an article (helpdesk.desk): a rating of the
# chat then concerns that article, as one of a bot answer from it does.
ARTICLE_SENT = "article_slug"


class RatingError(MessageError):
    """A rating that cannot be stored; `code` is stable for the widget, `message` readable."""


@dataclass(frozen=True)
class Rating:
    id: int
    conversation_id: int
    handoff_id: int
    agent_id: Optional[int]
    stars: Optional[int]  # None: the customer skipped the question
    comment: Optional[str]
    language: Optional[str]
    created_at: datetime

    @property
    def skipped(self) -> bool:
        return self.stars is None

    def to_dict(self) -> dict[str, Any]:
        return {"handoff_id": self.handoff_id, "stars": self.stars, "comment": self.comment,
                "skipped": self.skipped, "time": self.created_at.isoformat()}


@dataclass(frozen=True)
class LowRating:
    """A low rating with a comment on a chat that concerns articles: a hint for the editors."""

    id: int
    conversation_id: int
    stars: int
    comment: str
    language: Optional[str]
    articles: tuple[str, ...]  # slugs: the bot answered from them, or an agent sent them


def validate_stars(stars: Any) -> int:
    if isinstance(stars, bool) or not isinstance(stars, int) or stars not in STARS:
        raise RatingError("bad_stars", N_("Choose 1 to 5 stars."))
    return stars


def validate_comment(comment: Any) -> Optional[str]:
    """The optional comment: None when empty, else checked as a message is, with its own bound."""
    if comment is None or (isinstance(comment, str) and not comment.strip()):
        return None
    try:
        return validate_text(comment, MAX_COMMENT_CHARS)
    except MessageError as exc:
        if exc.code == "too_long":
            raise RatingError("too_long", N_("The comment is longer than {limit} characters."), limit=MAX_COMMENT_CHARS) from exc
        raise RatingError(exc.code, N_("The comment must be text without control characters.")) from exc


def _handoff_id(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RatingError("malformed", N_("A rating names the chat it rates by its handoff_id, a number."))
    return value


class RatingStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def due(self, conversation_id: int) -> Optional[int]:
        """The handoff to ask about: the conversation's latest, if an agent resolved it and
        the customer has neither rated nor skipped it yet."""
        with self.engine.connect() as conn:
            latest = conn.execute(
                select(handoffs.c.id, handoffs.c.outcome).where(handoffs.c.conversation_id == conversation_id)
                .order_by(handoffs.c.id.desc()).limit(1)
            ).first()
            if latest is None or latest.outcome != "resolved":
                return None
            answered = conn.execute(select(ratings.c.id).where(ratings.c.handoff_id == latest.id)).first()
            return None if answered else latest.id

    def answer(self, conversation_id: int, handoff_id: Any, stars: Optional[int], comment: Optional[str]) -> Rating:
        """Store the customer's answer (`stars` None: skipped); validated values only."""
        handoff_id = _handoff_id(handoff_id)
        try:
            with self.engine.begin() as conn:
                handoff = conn.execute(
                    select(handoffs.c.conversation_id, handoffs.c.outcome, handoffs.c.agent_id)
                    .where(handoffs.c.id == handoff_id)
                ).first()
                if handoff is None or handoff.conversation_id != conversation_id:
                    raise RatingError("not_yours", N_("There is no chat of yours with this id to rate."))
                if handoff.outcome != "resolved":
                    raise RatingError("not_resolved", N_("Only a chat our team has resolved can be rated."))
                if conn.execute(select(ratings.c.id).where(ratings.c.handoff_id == handoff_id)).first():
                    raise _already()
                language = conn.execute(
                    select(conversations.c.language).where(conversations.c.id == conversation_id)).scalar()
                values = dict(conversation_id=conversation_id, handoff_id=handoff_id, agent_id=handoff.agent_id,
                              stars=stars, comment=comment, language=language, created_at=utcnow())
                new_id = conn.execute(insert(ratings).values(**values)).inserted_primary_key[0]
        except IntegrityError as exc:
            with self.engine.connect() as conn:
                answered = conn.execute(select(ratings.c.id).where(ratings.c.handoff_id == handoff_id)).first()
            if answered:  # another tab or process answered a moment ago: the first answer stands
                raise _already() from exc
            # the chat was erased at this moment (its handoff is gone)
            raise RatingError("not_yours", N_("There is no chat of yours with this id to rate.")) from exc
        return Rating(id=new_id, **{**values, "created_at": as_utc(values["created_at"])})

    def of_conversation(self, conversation_id: int) -> list[Rating]:
        query = select(ratings).where(ratings.c.conversation_id == conversation_id).order_by(ratings.c.id)
        with self.engine.connect() as conn:
            return [_rating(row) for row in conn.execute(query)]

    def low_with_comment(self, max_stars: int, limit: int = 500) -> list[LowRating]:
        """The newest ratings of at most `max_stars` with a comment, on chats that concern an
        article: the bot answered from it before the chat was resolved, or an agent sent it."""
        with self.engine.connect() as conn:
            rows = list(conn.execute(
                select(ratings.c.id, ratings.c.conversation_id, ratings.c.stars, ratings.c.comment,
                       ratings.c.language, handoffs.c.ended_at)
                .join(handoffs, handoffs.c.id == ratings.c.handoff_id)
                .where(ratings.c.stars <= max_stars, ratings.c.comment.is_not(None))
                .order_by(ratings.c.id.desc()).limit(limit)
            ))
            chats = {row.conversation_id for row in rows}
            if not chats:
                return []
            answered = list(conn.execute(
                select(events.c.conversation_id, events.c.article_slug, events.c.created_at)
                .where(and_(events.c.conversation_id.in_(chats), events.c.kind == "answer",
                            events.c.article_slug.is_not(None)))
                .order_by(events.c.id)
            ))
            sent = list(conn.execute(
                select(messages.c.conversation_id, messages.c.data, messages.c.created_at)
                .where(messages.c.conversation_id.in_(chats), messages.c.sender == "agent")
                .order_by(messages.c.id)
            ))
        found = []
        for row in rows:
            ended = as_utc(row.ended_at) if row.ended_at is not None else None
            slugs = [e.article_slug for e in answered
                     if e.conversation_id == row.conversation_id and _before(e.created_at, ended)]
            slugs += [m.data[ARTICLE_SENT] for m in sent
                      if m.conversation_id == row.conversation_id and isinstance(m.data, dict)
                      and m.data.get(ARTICLE_SENT) and _before(m.created_at, ended)]
            if slugs:
                found.append(LowRating(row.id, row.conversation_id, row.stars, row.comment, row.language,
                                       tuple(dict.fromkeys(slugs))))
        return found


class CustomerRatings:
    """What the widget's rating does: validated, stored once, counted, and every tab of the
    customer told (the question disappears in each)."""

    def __init__(self, store: RatingStore, notifications: Notifications, metrics: HelpdeskMetrics) -> None:
        self.store = store
        self.notifications = notifications
        self.metrics = metrics

    async def rate(self, conversation: Conversation, handoff_id: Any, stars: Any, comment: Any) -> Rating:
        rating = await asyncio.to_thread(self.store.answer, conversation.id, handoff_id, validate_stars(stars),
                                         validate_comment(comment))
        self.metrics.ratings.labels(str(rating.stars)).inc()
        return await self._told(conversation, rating)

    async def skip(self, conversation: Conversation, handoff_id: Any) -> Rating:
        rating = await asyncio.to_thread(self.store.answer, conversation.id, handoff_id, None, None)
        self.metrics.ratings_skipped.inc()
        return await self._told(conversation, rating)

    async def _told(self, conversation: Conversation, rating: Rating) -> Rating:
        await self.notifications.customer(conversation, "rating_stored",
                                          {"handoff_id": rating.handoff_id, "skipped": rating.skipped})
        return rating


def _already() -> RatingError:
    return RatingError("already_rated", N_("This chat has been rated already; thank you."))


def _before(at: datetime, end: Optional[datetime]) -> bool:
    return end is None or as_utc(at) <= end


def _rating(row: Row) -> Rating:
    return Rating(row.id, row.conversation_id, row.handoff_id, row.agent_id, row.stars, row.comment, row.language,
                  as_utc(row.created_at))
