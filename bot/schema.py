"""Tables of the one-to-one side: conversations in the widget and their messages."""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

conversations = Table(
    "chat_conversations",
    metadata,
    Column("id", Integer, primary_key=True),
    # The id Rasa knows the conversation by; never shown to the customer.
    Column("public_id", String(32), nullable=False, unique=True),
    # The customer's session token is a bearer secret: only its SHA-256 is stored.
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("language", String(2), nullable=True),
    Column("state", String(16), nullable=False, default="bot"),
    # Payloads of the buttons the bot offered last; only these may reach Rasa as commands.
    Column("offered_commands", JSON, nullable=False, default=list),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_activity_at", DateTime(timezone=True), nullable=False),
)

messages = Table(
    "chat_messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("conversation_id", Integer, ForeignKey("chat_conversations.id", ondelete="CASCADE"), nullable=False),
    Column("sender", String(12), nullable=False),
    Column("text", Text, nullable=False),
    Column("data", JSON, nullable=False, default=dict),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_chat_messages_conversation", "conversation_id", "id"),
)
