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
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url


@dataclass
class _Cached:
    tracker: DialogueStateTracker
    events: int  # how many of its events are stored
    newest_id: Optional[int]  # the newest stored event id of the conversation when cached


class CachedSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, capacity: int = 2000, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.capacity = capacity
        self._cache: OrderedDict[str, _Cached] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._stored_before: dict[str, int] = {}
        self.hits = 0
        self.misses = 0

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        with self._cache_lock:
            cached = self._cache.pop(sender_id, None)
        if cached is not None and len(cached.tracker.events) == cached.events and \
                self._newest_id(sender_id) == cached.newest_id:
            self.hits += 1
            self._remember(sender_id, cached)
            return cached.tracker
        self.misses += 1
        tracker = await super().retrieve(sender_id)
        if tracker is not None:
            self._remember(sender_id, _Cached(tracker, len(tracker.events), self._newest_id(sender_id)))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        sender_id = tracker.sender_id
        with self._cache_lock:
            self._cache.pop(sender_id, None)  # whatever happens below, an old entry is stale now
        await super().save(tracker)
        before = self._stored_before.pop(sender_id, None)
        new = list(itertools.islice(tracker.events, before or 0, None)) if before is not None else []
        # A new session among the new events makes the stored session shorter than the tracker:
        # read it back next time, as Rasa would.
        if before is not None and not any(isinstance(event, SessionStarted) for event in new):
            self._remember(sender_id, _Cached(tracker, len(tracker.events), self._newest_id(sender_id)))

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        stored = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False).count()
        self._stored_before[tracker.sender_id] = stored
        return itertools.islice(tracker.events, stored, len(tracker.events))

    def forget(self, sender_id: str) -> None:
        with self._cache_lock:
            self._cache.pop(sender_id, None)

    def _remember(self, sender_id: str, cached: _Cached) -> None:
        with self._cache_lock:
            self._cache[sender_id] = cached
            while len(self._cache) > self.capacity:
                self._cache.popitem(last=False)

    def _newest_id(self, sender_id: str) -> Optional[int]:
        events = self.SQLEvent.__table__
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.max(events.c.id)).where(events.c.sender_id == sender_id)).scalar()


def sql_tracker_store(database_url: str, data_dir: Path, capacity: int = 2000) -> CachedSQLTrackerStore:
    """Rasa's SQL tracker store on our database (on SQLite: a file of its own beside ours,
    so Rasa's writes and ours never wait on one file lock), with recent trackers cached."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return CachedSQLTrackerStore(dialect="sqlite", db=str(data_dir / "rasa-tracker.db"), capacity=capacity)
    return CachedSQLTrackerStore(
        dialect=url.drivername,
        host=url.host,
        port=url.port,
        db=url.database or "rasa",
        username=url.username,
        password=url.password,
        query=dict(url.query),
        capacity=capacity,
    )
