"""Tables of the one-to-one side: conversations in the widget and their messages."""

from __future__ import annotations

from sqlalchemy import (JSON, Boolean, CheckConstraint, Column, DateTime, Float, ForeignKey, Index, Integer, MetaData,
                        String, Table, Text, UniqueConstraint)

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
    # Ids are never reused on SQLite either (PostgreSQL's sequences never do): a conversation's
    # id is the reference customers and agents quote, a message's id what a reconnecting
    # widget names as the last it has.
    sqlite_autoincrement=True,
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
    sqlite_autoincrement=True,
)

# Every customer message accepted from a widget, as work to be done: the database, not a
# queue in memory, says which messages still wait for the bot (or the agent's screen), so a
# process that dies loses none of them. `client_id` is the id the customer's widget gave the
# message: a resend after a lost acknowledgement finds the first copy instead of adding a
# second (the unique constraint decides, not memory). `handled_at` is set in the same
# transaction that stores the answer, by a conditional UPDATE: answered exactly once.
turns = Table(
    "chat_turns",
    metadata,
    Column("message_id", Integer, ForeignKey("chat_messages.id", ondelete="CASCADE"), primary_key=True),
    Column("conversation_id", Integer, ForeignKey("chat_conversations.id", ondelete="CASCADE"), nullable=False),
    Column("client_id", String(64), nullable=True),
    Column("language", String(2), nullable=True),  # detected when accepted; the bot answers in it
    Column("handled_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("conversation_id", "client_id", name="uq_chat_turns_client_id"),
    Index("ix_chat_turns_pending", "handled_at", "conversation_id"),
)

# What the bot did, as data: answered from an article (its id, version, score and
# confidence; `message_id` the bot's answer) or a vote on that answer (`message_id` the
# customer's message, `helpful`). The bridge, the gap list and metrics read these rows,
# never the bot's words.
events = Table(
    "chat_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("conversation_id", Integer, ForeignKey("chat_conversations.id", ondelete="CASCADE"), nullable=False),
    Column("message_id", Integer, ForeignKey("chat_messages.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(12), nullable=False),  # answer, vote
    Column("article_id", Integer, nullable=True),
    Column("article_slug", String(120), nullable=True),
    Column("article_version", Integer, nullable=True),
    Column("score", Float, nullable=True),
    Column("confidence", Float, nullable=True),
    Column("helpful", Boolean, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_chat_events_kind", "kind", "id"),
    Index("ix_chat_events_conversation", "conversation_id", "id"),
)

# One row per time a conversation is handed to people; a conversation handed back to the
# bot and escalated again gets a second row. Times are kept for waiting and first-response
# figures; the outcome and resolution feed the bridge.
handoffs = Table(
    "chat_handoffs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("conversation_id", Integer, ForeignKey("chat_conversations.id", ondelete="CASCADE"), nullable=False),
    Column("reason", String(16), nullable=False),
    Column("priority", Integer, nullable=False, default=0),
    # Asked outside office hours or with nobody online: a message to answer later.
    Column("offline", Boolean, nullable=False, default=False),
    Column("contact_email", String(254), nullable=True),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("agent_id", Integer, nullable=True),
    Column("agent_name", String(64), nullable=True),
    Column("claimed_at", DateTime(timezone=True), nullable=True),
    Column("first_response_at", DateTime(timezone=True), nullable=True),
    Column("ended_at", DateTime(timezone=True), nullable=True),
    Column("outcome", String(16), nullable=True),
    Column("resolution_summary", Text, nullable=True),
    Column("resolution_kind", String(16), nullable=True),
    Index("ix_chat_handoffs_open", "conversation_id", "ended_at"),
)

state_changes = Table(
    "chat_state_changes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("conversation_id", Integer, ForeignKey("chat_conversations.id", ondelete="CASCADE"), nullable=False),
    Column("from_state", String(16), nullable=False),
    Column("to_state", String(16), nullable=False),
    Column("cause", String(32), nullable=False),
    Column("actor", String(64), nullable=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_chat_state_changes_conversation", "conversation_id", "id"),
)

# The customer's answer to "How did we do?" after an agent resolved their chat: one per
# resolved handoff (the unique constraint decides, so a second answer from another tab or
# process is refused, never written over the first). `stars` is NULL when the customer
# skipped the question: stored too, so it is asked once. The agent is the handoff's; the
# rating belongs to the conversation and is erased with it.
ratings = Table(
    "chat_ratings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("conversation_id", Integer, ForeignKey("chat_conversations.id", ondelete="CASCADE"), nullable=False),
    Column("handoff_id", Integer, ForeignKey("chat_handoffs.id", ondelete="CASCADE"), nullable=False),
    Column("agent_id", Integer, nullable=True),
    Column("stars", Integer, nullable=True),
    Column("comment", Text, nullable=True),
    Column("language", String(2), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("handoff_id", name="uq_chat_ratings_handoff"),
    CheckConstraint("stars IS NULL OR (stars >= 1 AND stars <= 5)", name="ck_chat_ratings_stars"),
    Index("ix_chat_ratings_created", "created_at"),
    Index("ix_chat_ratings_agent", "agent_id", "created_at"),
)

# Agents' internal notes: never part of what the customer can load.
notes = Table(
    "chat_notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("conversation_id", Integer, ForeignKey("chat_conversations.id", ondelete="CASCADE"), nullable=False),
    Column("author_id", Integer, nullable=False),
    Column("author_name", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Agents' replies to customers who left an address for an offline message, as mail to be
# sent: one row per reply, queued in the transaction that stores the reply (the unique
# message id: never queued twice), so a process that dies before sending loses none. A
# sender takes a row by a conditional UPDATE from `pending` to `sending` before it talks
# to the mail server (several processes: each mail goes out once); `sent`, or back to
# `pending` with `next_attempt_at` after a failure, or `failed` with the reason for good.
# The mail's words are read from the message when it is sent; nothing here outlives the chat.
outgoing_mail = Table(
    "chat_outgoing_mail",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("conversation_id", Integer, ForeignKey("chat_conversations.id", ondelete="CASCADE"), nullable=False),
    Column("message_id", Integer, ForeignKey("chat_messages.id", ondelete="CASCADE"), nullable=False, unique=True),
    Column("to_address", String(254), nullable=False),
    Column("language", String(2), nullable=False),
    Column("status", String(12), nullable=False),  # pending, sending, sent, failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=True),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("claimed_at", DateTime(timezone=True), nullable=True),  # when a sender took it
    Column("sent_at", DateTime(timezone=True), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revision", Integer, nullable=False, default=0),  # grows with every change (helpdesk.outbox)
    Index("ix_chat_outgoing_mail_due", "status", "next_attempt_at"),
    Index("ix_chat_outgoing_mail_conversation", "conversation_id", "id"),
    sqlite_autoincrement=True,
)

# Who exported or erased which conversation, and when: the audit log of customers' data
# requests (GDPR Art. 15, 17, 20) and of the retention purge. It names the conversation by
# its reference number only (no foreign key: the conversation is gone after an erase) and
# never holds what was erased; `details` are counts.
data_requests = Table(
    "chat_data_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("action", String(12), nullable=False),  # export, erase, purge
    Column("conversation_id", Integer, nullable=False),
    Column("actor", String(120), nullable=False),
    Column("details", JSON, nullable=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_chat_data_requests_at", "at"),
)
