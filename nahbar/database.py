"""One SQLAlchemy engine for the whole process, set up for the configured database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.pool import QueuePool
from sqlalchemy.engine import Engine, make_url


def make_engine(url: str, future: bool = True) -> Engine:
    """An engine in SQLAlchemy 2.0 style; SQLite gets WAL and foreign keys, as a server DB has.
    `future=False` for Rasa's tracker store, whose ORM code is 1.x style."""
    parsed = make_url(url)
    # A database server can restart under us: a pooled connection is checked before use. A
    # SQLite file cannot, and the check cost a tenth of every database step under load.
    # `hide_parameters`: a database error names the statement, never the values (a customer's
    # message, an address), so an error in the log holds no personal data.
    kwargs: dict[str, Any] = {"future": future, "pool_pre_ping": parsed.get_backend_name() != "sqlite",
                              "hide_parameters": True}
    if parsed.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        if parsed.database not in (None, "", ":memory:"):
            # SQLAlchemy 1.4 (what Rasa 3.6 pins) opens a new SQLite connection per checkout
            # by default: file open plus the pragmas below, ~3.5 ms, on every database step
            # of a customer's message. A pool keeps them open (SQLAlchemy 2.0's default too).
            kwargs.update(poolclass=QueuePool, pool_size=8, max_overflow=16)
    engine = create_engine(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
