"""Tables of the bridge: mined pairs, their groups, and the editors' audit log.

Private material never reaches these tables: a pair skipped as private keeps only why it
was skipped (so it is not read again), never its text.
"""

from __future__ import annotations

from sqlalchemy import (JSON, Column, DateTime, ForeignKey, Index, Integer, LargeBinary, MetaData, String, Table,
                        Text, UniqueConstraint)

metadata = MetaData()

pairs = Table(
    "bridge_pairs",
    metadata,
    Column("id", Integer, primary_key=True),
    # "handoff:<id>" or "helpful:<message id>": what makes a re-run idempotent.
    Column("source_key", String(64), nullable=False),
    Column("source", String(8), nullable=False),
    Column("conversation_id", Integer, nullable=False),
    Column("status", String(16), nullable=False),  # grouped, private, personal, uncertain, empty
    Column("skip_reason", String(80), nullable=True),
    Column("language", String(2), nullable=True),
    Column("question", Text, nullable=True),
    Column("answer", Text, nullable=True),
    Column("question_spans", JSON, nullable=True),
    Column("answer_spans", JSON, nullable=True),
    Column("vector", LargeBinary, nullable=True),
    Column("answer_vector", LargeBinary, nullable=True),  # added after the first release (the baseline revision adds it)
    Column("group_id", Integer, ForeignKey("bridge_groups.id"), nullable=True),
    Column("helpful", Integer, nullable=False, default=0),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("source_key", name="uq_bridge_pairs_source"),
    Index("ix_bridge_pairs_group", "group_id"),
)

groups = Table(
    "bridge_groups",
    metadata,
    Column("id", Integer, primary_key=True),
    # collecting → draft → approved | rejected | merged; attached: an existing article answers it;
    # folded: its pairs moved to another group (the row stays so its id is never reused).
    Column("status", String(12), nullable=False),
    Column("article_id", Integer, nullable=True),  # the published or merged-into article
    Column("draft_slug", String(120), nullable=True),
    Column("customers", Integer, nullable=False, default=0),
    Column("size_at_decision", Integer, nullable=True),
    Column("reason", Text, nullable=True),
    Column("flags", JSON, nullable=False, default=list),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

audit = Table(
    "bridge_audit",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("actor", String(64), nullable=False),
    Column("action", String(16), nullable=False),
    Column("group_id", Integer, nullable=True),
    Column("article_slug", String(120), nullable=True),
    Column("before", JSON, nullable=True),
    Column("after", JSON, nullable=True),
    Column("reason", Text, nullable=True),
    Column("at", DateTime(timezone=True), nullable=False),
)


# Bridge runs (bridge/runs.py): the lease that lets one run at a time, and each run's record.
lock = Table(
    "bridge_lock",
    metadata,
    Column("id", Integer, primary_key=True),  # always 1
    Column("run_id", Integer, nullable=True),
    Column("expires_at", DateTime(timezone=True), nullable=True),
)

runs = Table(
    "bridge_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("started_by", String(120), nullable=False),
    Column("status", String(12), nullable=False),  # running, done, failed
    Column("done", Integer, nullable=False, default=0),
    Column("total", Integer, nullable=True),
    Column("summary", JSON, nullable=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
)
