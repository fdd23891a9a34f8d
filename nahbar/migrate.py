"""Every part's tables brought to this release's schema with Alembic: at each start and by `nahbar db upgrade`.

Alembic is configured here in code from the engine the settings made, so nothing but the
package is needed where Nahbar runs (no alembic.ini); the migration environment and the
revisions live in nahbar/migrations. A database made before migrations existed (tables,
no `alembic_version`) is recognised by the baseline revision itself: it creates only what
is missing, adds the columns later releases added, and is then recorded like any other.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from sqlalchemy import MetaData, inspect
from sqlalchemy.engine import Connection, Engine

from nahbar.database import make_engine
from nahbar.settings import SettingsError

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Key of the PostgreSQL advisory lock the migration transaction holds ("nahb" in ASCII):
# processes starting at once migrate one after the other.
LOCK_KEY = 0x6E616862
# Alembic's `context` and `op` are module-wide proxies: one migration at a time in a process.
_ONE_AT_A_TIME = threading.Lock()


class SchemaTooNew(SettingsError):
    """The database was upgraded by a newer release: this code must not run on it (nor touch it)."""


@dataclass(frozen=True)
class Upgrade:
    before: Optional[str]  # the revision the database was at; None for an empty or pre-migration one
    after: str
    had_tables: bool  # tables without a revision: made by a release before migrations

    def line(self) -> str:
        if self.before == self.after:
            return f"the database schema is up to date (revision {self.after})"
        if self.before is None:
            start = "the tables of a release before migrations" if self.had_tables else "an empty database"
            return f"the database schema was upgraded from {start} to revision {self.after}"
        return f"the database schema was upgraded from revision {self.before} to revision {self.after}"


def target_metadata() -> tuple[MetaData, ...]:
    """Every part's tables: what the newest revision must have made."""
    from bridge.schema import metadata as bridge_tables
    from helpdesk.schema import metadata as helpdesk_tables
    from knowledge.schema import metadata as knowledge_tables
    from staff.schema import metadata as staff_tables

    return knowledge_tables, staff_tables, helpdesk_tables, bridge_tables


def include_name(name: Optional[str], type_: str, _parents: dict[str, Any]) -> bool:
    """Only our own tables count: Rasa's tracker store shares the database on PostgreSQL."""
    if type_ == "table":
        return any(name in tables.tables for tables in target_metadata())
    return True


def config(connection: Optional[Connection] = None) -> Config:
    """Alembic's configuration, in code; env.py migrates `connection`."""
    alembic_config = Config()
    alembic_config.set_main_option("script_location", str(MIGRATIONS))
    alembic_config.set_main_option("path_separator", "os")
    # Files sort by date, though the order is the `down_revision` chain.
    alembic_config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    alembic_config.attributes["connection"] = connection
    return alembic_config


def scripts() -> ScriptDirectory:
    """The revisions this code knows (nahbar/migrations/versions)."""
    return ScriptDirectory.from_config(config())


def head() -> str:
    """The newest revision this code knows."""
    return scripts().get_current_head()


def current(engine: Engine) -> Optional[str]:
    """The revision the database is at; None if it has none (empty, or older than migrations)."""
    with engine.connect() as connection:
        return _current(connection)


def upgrade(engine: Engine) -> Upgrade:
    """Bring the database to the newest revision; SchemaTooNew, touching nothing, if it is
    at a revision this code does not know."""
    with engine.connect() as connection:
        present = set(inspect(connection).get_table_names())
        had_tables = any(name in present for tables in target_metadata() for name in tables.tables)
        connection.rollback()  # the migration starts its own transaction
        alembic_config = config(connection)
        with _ONE_AT_A_TIME:
            command.upgrade(alembic_config, "head")
    before = alembic_config.attributes["before"]
    done = Upgrade(before, alembic_config.attributes["after"], had_tables and before is None)
    if done.before != done.after:
        logger.info(done.line())
    return done


def refuse_unknown(known: ScriptDirectory, revision: Optional[str]) -> None:
    """SchemaTooNew if a newer release upgraded the database: its tables may hold what this
    code would misread or lose, so it must not start on them (env.py asks, under the lock)."""
    if revision is not None and revision not in {script.revision for script in known.walk_revisions()}:
        raise SchemaTooNew(
            f"the database schema is at revision {revision}, which this release of Nahbar does not know "
            f"(its newest is {known.get_current_head()}): a newer release upgraded it. Run that release, or "
            "restore the backup taken before that upgrade.")


def history() -> list[Script]:
    """Every revision, newest first."""
    return list(scripts().walk_revisions())


def differences(connection: Connection) -> list[Any]:
    """What the tables in the database lack or have beyond the models (Alembic's autogenerate diff)."""
    context = MigrationContext.configure(connection, opts={"include_name": include_name})
    return compare_metadata(context, target_metadata())


def new_revision(message: str, empty: bool = False) -> Path:
    """A revision file for what the models changed since the newest revision, written by
    Alembic's autogenerate against a scratch SQLite database at head (the developer's own
    database may be anywhere). In a checkout: the file goes into nahbar/migrations/versions."""
    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(f"sqlite:///{Path(scratch) / 'head.db'}")
        try:
            upgrade(engine)
            with engine.connect() as connection:
                if not empty and not differences(connection):
                    raise SettingsError("the models and the newest revision agree: no revision to write "
                                        "(`--empty` writes one for a data migration)")
                connection.rollback()
                with _ONE_AT_A_TIME:
                    written = command.revision(config(connection), message, autogenerate=not empty)
        finally:
            engine.dispose()
    return Path(written.path)  # type: ignore[union-attr]


def _current(connection: Connection) -> Optional[str]:
    return MigrationContext.configure(connection).get_current_revision()
