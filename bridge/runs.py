"""Bridge runs: one at a time, whoever starts them, with progress and the last summary.

The schedule inside the server, the editor's button and `nahbar bridge run` all go
through `BridgeRuns.run`. A lease row in the database is the lock, taken with one
conditional UPDATE (as the handoff store takes a claim), so it holds across threads and
processes; a run that dies without releasing it blocks others only until its lease
expires. Each run is a row with who started it, how far it got, and its summary.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable, Iterable, Iterator, Optional

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine

from bridge.pipeline import Bridge, RunSummary
from bridge.schema import lock, metadata, runs
from i18n import N_, gettext as _
from knowledge.store import as_utc, utcnow

LEASE = timedelta(minutes=5)  # renewed as chats are read; a crashed run frees the lock after this
PROGRESS_EVERY = 1.0  # seconds between progress writes (one small transaction each)
# A run's status, shown as a word in the editor console (translated there).
STATUSES = (N_("running"), N_("done"), N_("failed"))
# Stored in English with the run (a record); the console translates the line when it shows it.
FAILED_LINE = N_("the run failed; the server log says why")


@dataclass(frozen=True)
class RunState:
    id: int
    started_by: str
    status: str
    done: int
    total: Optional[int]
    summary: list[str]
    started_at: datetime
    finished_at: Optional[datetime]


def create_tables(engine: Engine) -> None:
    """The bridge's tables and the lock's one row, for the bridge's tests and benchmarks; a
    server's database gets them from the schema migrations (`nahbar db upgrade`, run at each start)."""
    metadata.create_all(engine)
    with engine.begin() as conn:
        if conn.execute(select(lock.c.id).where(lock.c.id == 1)).first() is None:
            conn.execute(insert(lock).values(id=1, run_id=None, expires_at=None))


class AlreadyRunning(RuntimeError):
    """Another bridge run holds the lock; the message says which."""


class BridgeRuns:
    def __init__(self, engine: Engine, bridge: Bridge, lease: timedelta = LEASE) -> None:
        self.engine = engine
        self.bridge = bridge
        self.lease = lease

    def create_tables(self) -> None:
        create_tables(self.engine)

    def start(self, started_by: str) -> int:
        """Take the lock and record a new run; AlreadyRunning if another run holds it."""
        now = utcnow()
        with self.engine.begin() as conn:
            run_id = conn.execute(insert(runs).values(started_by=started_by[:120], status="running", done=0,
                                                      started_at=now)).inserted_primary_key[0]
            taken = conn.execute(
                update(lock).where(lock.c.id == 1, (lock.c.run_id.is_(None)) | (lock.c.expires_at < now))
                .values(run_id=run_id, expires_at=now + self.lease)
            ).rowcount
            if not taken:
                raise AlreadyRunning(self._busy_message(conn))
        return run_id

    def run(self, started_by: str, progress: Optional[Callable[[Iterable[Any]], Iterable[Any]]] = None) -> RunSummary:
        """Run the bridge now under the lock; AlreadyRunning if another run is under way."""
        return self.carry_out(self.start(started_by), progress)

    def carry_out(self, run_id: int, progress: Optional[Callable[[Iterable[Any]], Iterable[Any]]] = None) -> RunSummary:
        """Carry out a run that `start` recorded, then release the lock, whatever happens."""
        def tracked(items: Iterable[Any]) -> Iterator[Any]:
            items = list(items)
            self._progress(run_id, 0, len(items))
            reported = time.monotonic()
            for number, item in enumerate(progress(items) if progress else items, start=1):
                yield item
                if time.monotonic() - reported >= PROGRESS_EVERY or number == len(items):
                    self._progress(run_id, number, len(items))  # also renews the lease
                    reported = time.monotonic()

        try:
            summary = self.bridge.run(progress=tracked)
        except BaseException:
            self._finish(run_id, "failed", [FAILED_LINE])
            raise
        self._finish(run_id, "done", summary.lines())
        return summary

    def latest(self) -> Optional[RunState]:
        with self.engine.connect() as conn:
            row = conn.execute(select(runs).order_by(runs.c.id.desc()).limit(1)).first()
            holder = conn.execute(select(lock.c.run_id, lock.c.expires_at).where(lock.c.id == 1)).first()
        if row is None:
            return None
        status = row.status
        if status == "running" and (holder is None or holder.run_id != row.id or as_utc(holder.expires_at) < utcnow()):
            status = "failed"  # its process died: the lease ran out or another run took over
        return RunState(row.id, row.started_by, status, row.done, row.total, list(row.summary or []),
                        as_utc(row.started_at), as_utc(row.finished_at) if row.finished_at else None)

    # -- helpers ----------------------------------------------------------------------------

    def _progress(self, run_id: int, done: int, total: int) -> None:
        now = utcnow()
        with self.engine.begin() as conn:
            conn.execute(update(runs).where(runs.c.id == run_id).values(done=done, total=total))
            conn.execute(update(lock).where(lock.c.id == 1, lock.c.run_id == run_id).values(expires_at=now + self.lease))

    def _finish(self, run_id: int, status: str, summary: list[str]) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(runs).where(runs.c.id == run_id)
                         .values(status=status, summary=summary, finished_at=utcnow()))
            conn.execute(update(lock).where(lock.c.id == 1, lock.c.run_id == run_id).values(run_id=None, expires_at=None))

    def _busy_message(self, conn) -> str:
        holder = conn.execute(select(runs.c.started_by, runs.c.started_at, runs.c.done, runs.c.total)
                              .join(lock, lock.c.run_id == runs.c.id)).first()
        if holder is None:
            return _("Another bridge run is under way.")
        return _("Another bridge run is under way: started by {who} at {time} UTC, {done} of {total} chats read.",
                 who=holder.started_by, time=as_utc(holder.started_at).strftime("%H:%M"), done=holder.done,
                 total=holder.total or "?")
