"""Tables of staff accounts: who may work in the consoles, and their login sessions."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Index, Integer, MetaData, String, Table

metadata = MetaData()

users = Table(
    "staff_users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    # What customers see; agents may choose a name other than their real one.
    Column("display_name", String(64), nullable=False),
    Column("role", String(8), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

sessions = Table(
    "staff_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    # The cookie value is a bearer secret: only its SHA-256 is stored.
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", Integer, ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

login_failures = Table(
    "staff_login_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    # "user:<name>" or "ip:<address>": both are limited, so neither guessing one account's
    # password from many addresses nor many accounts from one address gets far.
    Column("key", String(200), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_staff_login_failures_key_at", "key", "at"),
)
