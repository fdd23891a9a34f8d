"""Where Rasa keeps its dialogue state: the configured database, so restarts lose nothing.

Rasa 3.6's `SQLTrackerStore` reads and replays a conversation's whole history from the
database on every message, and counts it again to save; with every turn that gets slower
(a third of the time of a message in the profile of issue 11). `CachedSQLTrackerStore`
keeps recent trackers in memory and still writes every event through at once: the
database stays the record. A cached tracker is used only while the database agrees with
it (the newest event id of the conversation is the one the cache saw, so another process
that wrote meanwhile forces a fresh read) and while nothing was added to it unsaved (a
turn that failed midway). Rasa works on one conversation at a time under its lock store,
which is what makes handing out the cached object itself safe.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional, Sequence, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.engine import Engine, make_url


@dataclass
class _Cached:
    tracker: DialogueStateTracker
    events: int  # how many of its events are stored
    newest_id: Optional[int]  # the newest stored event id of the conversation when cached


class CachedSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, capacity: int = 2000,
                 engine_factory: Optional[Callable[[str], Engine]] = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if engine_factory is not None:
            # Rasa's own SQLite engine opens a new connection (file open, no WAL) for every
            # session: three of them per message. The caller's engine pools them.
            url = self.engine.url
            self.engine.dispose()
            self.engine = engine_factory(url.render_as_string(hide_password=False))
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self.capacity = capacity
        self._cache: OrderedDict[str, _Cached] = OrderedDict()
        self._cache_lock = threading.Lock()
        # Conversations erased in this process: a turn, a resume or a timed-out task still
        # holding the tracker must not write it back (a conversation id is never reused).
        self._erased: OrderedDict[str, None] = OrderedDict()

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        with self._cache_lock:
            cached = self._cache.pop(sender_id, None)
        if cached is not None and len(cached.tracker.events) == cached.events and \
                self._newest_id(sender_id) == cached.newest_id:
            self._remember(sender_id, cached)
            return cached.tracker
        tracker = await super().retrieve(sender_id)
        if tracker is not None:
            self._remember(sender_id, _Cached(tracker, len(tracker.events), self._newest_id(sender_id)))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's `SQLTrackerStore.save`, without counting the stored events again when the
        tracker came from here, and noting the newest event id it wrote."""
        sender_id = tracker.sender_id
        if sender_id in self._erased:
            return
        await self.stream_events(tracker)
        with self._cache_lock:
            cached = self._cache.pop(sender_id, None)
        stored = cached.events if cached is not None and cached.tracker is tracker else None
        with self.session_scope() as session:
            if stored is None:
                stored = self._event_query(session, sender_id, fetch_events_from_all_sessions=False).count()
            new = list(itertools.islice(tracker.events, stored, None))
            rows = [self._row(sender_id, event) for event in new]
            session.add_all(rows)
            session.flush()
            newest = rows[-1].id if rows else (cached.newest_id if cached is not None else None)
            session.commit()
        # A new session among the new events makes the stored session shorter than the
        # tracker: read it back next time, as Rasa would.
        if (rows or cached is not None) and not any(isinstance(event, SessionStarted) for event in new):
            self._remember(sender_id, _Cached(tracker, len(tracker.events), newest))

    def erase(self, sender_ids: Sequence[str]) -> int:
        """Every stored event of these conversations, and their trackers in memory: an erased
        chat leaves nothing in Rasa's store (Rasa 3.6 open source has no way to delete a
        tracker, rasa#10719). Repeatable: a second call finds nothing and removes nothing."""
        events = self.SQLEvent.__table__
        removed = 0
        senders = list(sender_ids)
        with self._cache_lock:
            for sender_id in senders:
                self._erased[sender_id] = None
        with self.engine.begin() as conn:
            for start in range(0, len(senders), 500):
                chunk = senders[start:start + 500]
                removed += conn.execute(sa.delete(events).where(events.c.sender_id.in_(chunk))).rowcount
        with self._cache_lock:
            for sender_id in senders:
                self._cache.pop(sender_id, None)
            while len(self._erased) > 100_000:
                self._erased.popitem(last=False)
        return removed

    def idle_senders(self, before: float) -> list[str]:
        """Conversations whose newest event is older than `before` (a Unix time)."""
        events = self.SQLEvent.__table__
        query = sa.select(events.c.sender_id).group_by(events.c.sender_id).having(
            sa.func.max(events.c.timestamp) < before)
        with self.engine.connect() as conn:
            return [row.sender_id for row in conn.execute(query)]

    def _row(self, sender_id: str, event: Any) -> Any:
        data = event.as_dict()
        return self.SQLEvent(
            sender_id=sender_id,
            type_name=event.type_name,
            timestamp=data.get("timestamp"),
            intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            action_name=data.get("name"),
            data=json.dumps(data),
        )

    def _remember(self, sender_id: str, cached: _Cached) -> None:
        with self._cache_lock:
            self._cache[sender_id] = cached
            while len(self._cache) > self.capacity:
                self._cache.popitem(last=False)

    def _newest_id(self, sender_id: str) -> Optional[int]:
        events = self.SQLEvent.__table__
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.max(events.c.id)).where(events.c.sender_id == sender_id)).scalar()


def sql_tracker_store(database_url: str, data_dir: Path, capacity: int = 2000,
                      engine_factory: Optional[Callable[[str], Engine]] = None) -> CachedSQLTrackerStore:
    """Rasa's SQL tracker store on our database (on SQLite: a file of its own beside ours,
    so Rasa's writes and ours never wait on one file lock), with recent trackers cached.
    `engine_factory` makes the engine (the server's: pooled, WAL on SQLite, pre-ping)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return CachedSQLTrackerStore(dialect="sqlite", db=str(data_dir / "rasa-tracker.db"), capacity=capacity,
                                     engine_factory=engine_factory)
    return CachedSQLTrackerStore(
        dialect=url.drivername,
        host=url.host,
        port=url.port,
        db=url.database or "rasa",
        username=url.username,
        password=url.password,
        query=dict(url.query),
        capacity=capacity,
        engine_factory=engine_factory,
    )
