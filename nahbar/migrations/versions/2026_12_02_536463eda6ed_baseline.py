"""Baseline: every table as the release before migrations made it.

Revision ID: 536463eda6ed
Revises:
Create Date: 2026-12-02

The tables are written out here, frozen, rather than taken from the parts' schema modules:
those change with every later revision, this one must not. Run on an empty database it
creates them all; run on a database made by `create_all` before migrations existed (tables,
no `alembic_version`) it creates only the tables that are missing and adds the columns
and indexes that release lacked (nullable columns only, as it added them itself), so every
row stays where it is. Either way the database ends at this revision.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from nahbar.settings import SettingsError

revision = "536463eda6ed"
down_revision = None
branch_labels = None
depends_on = None

baseline = sa.MetaData()

sa.Table(
    "kb_articles",
    baseline,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("slug", sa.String(length=120), nullable=False),
    sa.Column("language", sa.String(length=2), nullable=False),
    sa.Column("topic", sa.String(length=80), nullable=False),
    sa.Column("tags", sa.JSON(), nullable=False),
    sa.Column("question", sa.Text(), nullable=False),
    sa.Column("answer", sa.Text(), nullable=False),
    sa.Column("status", sa.String(length=12), nullable=False),
    sa.Column("origin", sa.String(length=12), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("slug"),
    sa.Index("ix_kb_articles_status_language", "status", "language"),
)

sa.Table(
    "kb_search_misses",
    baseline,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("query", sa.Text(), nullable=False),
    sa.Column("language", sa.String(length=2), nullable=True),
    sa.Column("best_score", sa.Float(), nullable=True),
    sa.Column("source", sa.String(length=12), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("asker", sa.String(length=64), nullable=True),
    sa.Column("anonymized", sa.Boolean(), nullable=True),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_kb_search_misses_asker", "asker"),
)

sa.Table(
    "kb_article_versions",
    baseline,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("article_id", sa.Integer(), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("question", sa.Text(), nullable=False),
    sa.Column("answer", sa.Text(), nullable=False),
    sa.Column("topic", sa.String(length=80), nullable=False),
    sa.Column("tags", sa.JSON(), nullable=False),
    sa.Column("status", sa.String(length=12), nullable=False),
    sa.Column("changed_by", sa.String(length=120), nullable=False),
    sa.Column("note", sa.Text(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["article_id"], ["kb_articles.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("article_id", "version"),
)

sa.Table(
    "kb_feedback",
    baseline,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("article_id", sa.Integer(), nullable=False),
    sa.Column("helpful", sa.Boolean(), nullable=False),
    sa.Column("source", sa.String(length=12), nullable=False),
    sa.Column("nonce", sa.String(length=64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["article_id"], ["kb_articles.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("nonce"),
)

sa.Table(
    "kb_phrasings",
    baseline,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("article_id", sa.Integer(), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("language", sa.String(length=2), nullable=False),
    sa.Column("kind", sa.String(length=12), nullable=False),
    sa.ForeignKeyConstraint(["article_id"], ["kb_articles.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_kb_phrasings_article", "article_id"),
)

sa.Table(
    "staff_login_failures",
    baseline,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("key", sa.String(length=200), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_staff_login_failures_key_at", "key", "at"),
)

sa.Table(
    "staff_users",
    baseline,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("username", sa.String(length=64), nullable=False),
    sa.Column("display_name", sa.String(length=64), nullable=False),
    sa.Column("role", sa.String(length=8), nullable=False),
    sa.Column("password_hash", sa.String(length=255), nullable=False),
    sa.Column("active", sa.Boolean(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("username"),
)

sa.Table(
    "staff_sessions",
    baseline,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("token_hash", sa.String(length=64), nullable=False),
    sa.Column("user_id", sa.Integer(), nullable=False),
    sa.Column("csrf_token", sa.String(length=64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["user_id"], ["staff_users.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("token_hash"),
)

sa.Table(
    "chat_conversations",
    baseline,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("public_id", sa.String(length=32), nullable=False),
    sa.Column("token_hash", sa.String(length=64), nullable=False),
    sa.Column("language", sa.String(length=2), nullable=True),
    sa.Column("state", sa.String(length=16), nullable=False),
    sa.Column("offered_commands", sa.JSON(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("public_id"),
    sa.UniqueConstraint("token_hash"),
    sqlite_autoincrement=True,
)

sa.Table(
    "chat_data_requests",
    baseline,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("action", sa.String(length=12), nullable=False),
    sa.Column("conversation_id", sa.Integer(), nullable=False),
    sa.Column("actor", sa.String(length=120), nullable=False),
    sa.Column("details", sa.JSON(), nullable=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_chat_data_requests_at", "at"),
)

sa.Table(
    "chat_handoffs",
    baseline,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("conversation_id", sa.Integer(), nullable=False),
    sa.Column("reason", sa.String(length=16), nullable=False),
    sa.Column("priority", sa.Integer(), nullable=False),
    sa.Column("offline", sa.Boolean(), nullable=False),
    sa.Column("contact_email", sa.String(length=254), nullable=True),
    sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("agent_id", sa.Integer(), nullable=True),
    sa.Column("agent_name", sa.String(length=64), nullable=True),
    sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("first_response_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("outcome", sa.String(length=16), nullable=True),
    sa.Column("resolution_summary", sa.Text(), nullable=True),
    sa.Column("resolution_kind", sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(["conversation_id"], ["chat_conversations.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_chat_handoffs_open", "conversation_id", "ended_at"),
)

sa.Table(
    "chat_messages",
    baseline,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("conversation_id", sa.Integer(), nullable=False),
    sa.Column("sender", sa.String(length=12), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("data", sa.JSON(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["conversation_id"], ["chat_conversations.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_chat_messages_conversation", "conversation_id", "id"),
    sqlite_autoincrement=True,
)

sa.Table(
    "chat_notes",
    baseline,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("conversation_id", sa.Integer(), nullable=False),
    sa.Column("author_id", sa.Integer(), nullable=False),
    sa.Column("author_name", sa.String(length=64), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["conversation_id"], ["chat_conversations.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id"),
)

sa.Table(
    "chat_state_changes",
    baseline,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("conversation_id", sa.Integer(), nullable=False),
    sa.Column("from_state", sa.String(length=16), nullable=False),
    sa.Column("to_state", sa.String(length=16), nullable=False),
    sa.Column("cause", sa.String(length=32), nullable=False),
    sa.Column("actor", sa.String(length=64), nullable=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["conversation_id"], ["chat_conversations.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_chat_state_changes_conversation", "conversation_id", "id"),
)

sa.Table(
    "chat_events",
    baseline,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("conversation_id", sa.Integer(), nullable=False),
    sa.Column("message_id", sa.Integer(), nullable=False),
    sa.Column("kind", sa.String(length=12), nullable=False),
    sa.Column("article_id", sa.Integer(), nullable=True),
    sa.Column("article_slug", sa.String(length=120), nullable=True),
    sa.Column("article_version", sa.Integer(), nullable=True),
    sa.Column("score", sa.Float(), nullable=True),
    sa.Column("confidence", sa.Float(), nullable=True),
    sa.Column("helpful", sa.Boolean(), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["conversation_id"], ["chat_conversations.id"], ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["message_id"], ["chat_messages.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_chat_events_conversation", "conversation_id", "id"),
    sa.Index("ix_chat_events_kind", "kind", "id"),
)

sa.Table(
    "chat_turns",
    baseline,
    sa.Column("message_id", sa.Integer(), nullable=False),
    sa.Column("conversation_id", sa.Integer(), nullable=False),
    sa.Column("client_id", sa.String(length=64), nullable=True),
    sa.Column("language", sa.String(length=2), nullable=True),
    sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(["conversation_id"], ["chat_conversations.id"], ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["message_id"], ["chat_messages.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("message_id"),
    sa.UniqueConstraint("conversation_id", "client_id", name="uq_chat_turns_client_id"),
    sa.Index("ix_chat_turns_pending", "handled_at", "conversation_id"),
)

sa.Table(
    "bridge_audit",
    baseline,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("actor", sa.String(length=64), nullable=False),
    sa.Column("action", sa.String(length=16), nullable=False),
    sa.Column("group_id", sa.Integer(), nullable=True),
    sa.Column("article_slug", sa.String(length=120), nullable=True),
    sa.Column("before", sa.JSON(), nullable=True),
    sa.Column("after", sa.JSON(), nullable=True),
    sa.Column("reason", sa.Text(), nullable=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("id"),
)

sa.Table(
    "bridge_groups",
    baseline,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("status", sa.String(length=12), nullable=False),
    sa.Column("article_id", sa.Integer(), nullable=True),
    sa.Column("draft_slug", sa.String(length=120), nullable=True),
    sa.Column("customers", sa.Integer(), nullable=False),
    sa.Column("size_at_decision", sa.Integer(), nullable=True),
    sa.Column("reason", sa.Text(), nullable=True),
    sa.Column("flags", sa.JSON(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("id"),
)

sa.Table(
    "bridge_lock",
    baseline,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("run_id", sa.Integer(), nullable=True),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint("id"),
)

sa.Table(
    "bridge_runs",
    baseline,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("started_by", sa.String(length=120), nullable=False),
    sa.Column("status", sa.String(length=12), nullable=False),
    sa.Column("done", sa.Integer(), nullable=False),
    sa.Column("total", sa.Integer(), nullable=True),
    sa.Column("summary", sa.JSON(), nullable=True),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint("id"),
)

sa.Table(
    "bridge_pairs",
    baseline,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("source_key", sa.String(length=64), nullable=False),
    sa.Column("source", sa.String(length=8), nullable=False),
    sa.Column("conversation_id", sa.Integer(), nullable=False),
    sa.Column("status", sa.String(length=16), nullable=False),
    sa.Column("skip_reason", sa.String(length=80), nullable=True),
    sa.Column("language", sa.String(length=2), nullable=True),
    sa.Column("question", sa.Text(), nullable=True),
    sa.Column("answer", sa.Text(), nullable=True),
    sa.Column("question_spans", sa.JSON(), nullable=True),
    sa.Column("answer_spans", sa.JSON(), nullable=True),
    sa.Column("vector", sa.LargeBinary(), nullable=True),
    sa.Column("answer_vector", sa.LargeBinary(), nullable=True),
    sa.Column("group_id", sa.Integer(), nullable=True),
    sa.Column("helpful", sa.Integer(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["group_id"], ["bridge_groups.id"]),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("source_key", name="uq_bridge_pairs_source"),
    sa.Index("ix_bridge_pairs_group", "group_id"),
)


def upgrade() -> None:
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    present = {table.name: {column["name"] for column in inspector.get_columns(table.name)}
               for table in baseline.sorted_tables if inspector.has_table(table.name)}
    required = [f"{table.name}.{column.name}" for table in baseline.sorted_tables if table.name in present
                for column in table.columns if column.name not in present[table.name] and not column.nullable]
    if required:  # no release added a required column: these tables are not Nahbar's
        raise SettingsError(f"the database has tables of Nahbar's names without the columns {', '.join(required)}; "
                            "it is not a database Nahbar made, so nothing was changed")
    baseline.create_all(bind)  # checkfirst: only the tables that are missing
    for table in baseline.sorted_tables:
        if table.name not in present:
            continue
        for column in table.columns:
            if column.name not in present[table.name]:
                op.add_column(table.name, sa.Column(column.name, column.type, nullable=True))
        indexes = {index["name"] for index in inspector.get_indexes(table.name)}
        for index in table.indexes:
            if index.name not in indexes:
                op.create_index(index.name, table.name, [column.name for column in index.columns], unique=index.unique)
    lock = baseline.tables["bridge_lock"]  # its one row is part of the schema (bridge.runs)
    if bind.execute(sa.select(lock.c.id).where(lock.c.id == 1)).first() is None:
        bind.execute(sa.insert(lock).values(id=1, run_id=None, expires_at=None))


def downgrade() -> None:
    baseline.drop_all(op.get_bind())
