"""Figures of customers' ratings: an agent's own, every agent's and the team's per week, and
the recent ones `/metrics` exports.

Read from the database when asked, so they are the same whichever process serves the
page or the scrape, and they only ever cover ratings still kept: a rating is erased with
its conversation. The team is every agent together (staff accounts have no teams).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import case, func, select
from sqlalchemy.engine import Engine

from helpdesk.schema import ratings
from i18n import N_
from knowledge.store import as_utc
from staff.accounts import StaffStore

GOOD_STARS = 4  # "satisfied": 4 or 5 stars


@dataclass(frozen=True)
class Figures:
    rated: int = 0
    skipped: int = 0
    stars: int = 0  # their sum
    good: int = 0  # rated 4 or 5

    @property
    def average(self) -> Optional[float]:
        return self.stars / self.rated if self.rated else None

    @property
    def good_share(self) -> Optional[float]:
        return self.good / self.rated if self.rated else None

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(self.rated + other.rated, self.skipped + other.skipped, self.stars + other.stars,
                       self.good + other.good)


@dataclass(frozen=True)
class Comment:
    conversation_id: int
    stars: int
    comment: str
    created_at: datetime


@dataclass(frozen=True)
class AgentRatings:
    """What an agent sees of their own ratings."""

    total: Figures
    comments: list[Comment]


@dataclass
class Row:
    agent_id: Optional[int]
    name: str
    weeks: list[Figures]

    @property
    def total(self) -> Figures:
        return sum(self.weeks, Figures())


@dataclass
class Weekly:
    """Per week (Monday 00:00 UTC, oldest first): each agent's figures and the team's."""

    weeks: list[datetime]
    agents: list[Row] = field(default_factory=list)

    @property
    def team(self) -> Row:
        return Row(None, N_("All agents"), [sum(column, Figures()) for column in zip(*(a.weeks for a in self.agents))]
                   if self.agents else [Figures() for _ in self.weeks])


def week_starts(now: datetime, weeks: int) -> list[datetime]:
    monday = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    return [monday - timedelta(weeks=n) for n in reversed(range(weeks))]


class RatingFigures:
    def __init__(self, engine: Engine, staff: StaffStore) -> None:
        """`staff` names the agents (by username: unique and stable, unlike display names)."""
        self.engine = engine
        self.staff = staff

    def agent(self, agent_id: int, comments: int = 10) -> AgentRatings:
        """All of the agent's kept ratings, and their latest comments."""
        with self.engine.connect() as conn:
            total = self._figures(conn, ratings.c.agent_id == agent_id).get(None, Figures())
            latest = conn.execute(
                select(ratings.c.conversation_id, ratings.c.stars, ratings.c.comment, ratings.c.created_at)
                .where(ratings.c.agent_id == agent_id, ratings.c.comment.is_not(None), ratings.c.stars.is_not(None))
                .order_by(ratings.c.id.desc()).limit(comments)
            )
            return AgentRatings(total, [Comment(r.conversation_id, r.stars, r.comment, as_utc(r.created_at))
                                        for r in latest])

    def weekly(self, now: datetime, weeks: int = 12, agent_id: Optional[int] = None) -> Weekly:
        """The last `weeks` weeks up to `now`, for every agent rated in them (or one agent)."""
        starts = week_starts(now, weeks)
        week = case(*[(ratings.c.created_at >= start, n) for n, start in reversed(list(enumerate(starts)))])
        where = [ratings.c.created_at >= starts[0], ratings.c.created_at <= now]
        if agent_id is not None:
            where.append(ratings.c.agent_id == agent_id)
        inner = select(ratings.c.agent_id, ratings.c.stars, week.label("week")).where(*where).subquery()
        query = (select(inner.c.agent_id, inner.c.week, *_sums(inner.c.stars))
                 .group_by(inner.c.agent_id, inner.c.week))
        result = Weekly(starts)
        rows: dict[Optional[int], list[Figures]] = {}
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                column = rows.setdefault(row.agent_id, [Figures() for _ in starts])
                column[row.week] = _figures(row)
        if agent_id is not None:
            rows.setdefault(agent_id, [Figures() for _ in starts])  # their own row, rated or not
        names = self.names()
        result.agents = sorted((Row(a, names.get(a, _unknown(a)), w) for a, w in rows.items()), key=lambda r: r.name)
        return result

    def by_agent(self, since: datetime) -> dict[str, Figures]:
        """Each agent's figures since `since`, by username (for `/metrics`)."""
        with self.engine.connect() as conn:
            figures = self._figures(conn, ratings.c.created_at >= since, by_agent=True)
        names = self.names()
        return {names.get(agent_id, _unknown(agent_id)): f for agent_id, f in figures.items()}

    def names(self) -> dict[Optional[int], str]:
        return {user.id: user.username for user in self.staff.list()}

    @staticmethod
    def _figures(conn, where, by_agent: bool = False) -> dict[Optional[int], Figures]:
        columns = [ratings.c.agent_id] if by_agent else []
        query = select(*columns, *_sums(ratings.c.stars)).where(where)
        if by_agent:
            query = query.group_by(ratings.c.agent_id)
        return {(row.agent_id if by_agent else None): _figures(row) for row in conn.execute(query) if row.answers}


def _sums(stars) -> list:
    return [func.count().label("answers"), func.count(stars).label("rated"),
            func.coalesce(func.sum(stars), 0).label("stars"),
            func.coalesce(func.sum(case((stars >= GOOD_STARS, 1), else_=0)), 0).label("good")]


def _figures(row) -> Figures:
    return Figures(int(row.rated), int(row.answers) - int(row.rated), int(row.stars), int(row.good))


def _unknown(agent_id: Optional[int]) -> str:
    return f"agent #{agent_id}" if agent_id is not None else "no agent"
