"""Alembic's environment for Nahbar: every part's tables, on the connection nahbar.migrate hands in.

Alembic is configured in code (nahbar.migrate), never from an alembic.ini: the connection to
migrate arrives in the config's attributes, made from the settings like every other one.

On PostgreSQL all revisions run in one transaction that first takes an advisory lock, so
server processes starting side by side migrate one after the other and the second finds
the schema already at head. SQLite serves one process, which needs no lock.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from nahbar.migrate import LOCK_KEY, include_name, refuse_unknown, target_metadata

connection = context.config.attributes.get("connection")
if context.is_offline_mode() or connection is None:
    raise RuntimeError("Nahbar's migrations run through `nahbar db upgrade` (nahbar.migrate), on a live connection")

context.configure(
    connection=connection,
    target_metadata=target_metadata(),
    include_name=include_name,  # Rasa's tracker tables share the PostgreSQL database: not ours to compare
    # Batch operations: SQLite alters most things only by copying a table; on PostgreSQL the
    # same revision runs as plain ALTERs, so one revision file serves both.
    render_as_batch=True,
)
with context.begin_transaction():
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})  # released at commit
    # Where this process starts from, read under the lock: another may have just migrated.
    before = context.get_context().get_current_revision()
    refuse_unknown(context.script, before)
    context.run_migrations()
    context.config.attributes.update(before=before, after=context.script.get_current_head())
