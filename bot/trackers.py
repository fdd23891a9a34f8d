"""Where Rasa keeps its dialogue state: the configured database, so restarts lose nothing."""

from __future__ import annotations

from pathlib import Path

from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy.engine import make_url


def sql_tracker_store(database_url: str, data_dir: Path) -> SQLTrackerStore:
    """Rasa's SQL tracker store on our database (on SQLite: a file of its own beside ours,
    so Rasa's writes and ours never wait on one file lock)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return SQLTrackerStore(dialect="sqlite", db=str(data_dir / "rasa-tracker.db"))
    return SQLTrackerStore(
        dialect=url.drivername,
        host=url.host,
        port=url.port,
        db=url.database or "rasa",
        username=url.username,
        password=url.password,
        query=dict(url.query),
    )
