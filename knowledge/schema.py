"""Tables of the public knowledge base.

SQLAlchemy Core in the 2.0 style that 1.4 supports, so the same code runs on SQLite (the
embedded default) and PostgreSQL, and the later move to SQLAlchemy 2 is mechanical.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

LANGUAGES = ("de", "en")
STATUSES = ("draft", "published", "withdrawn")
ORIGINS = ("editor", "bridge")

articles = Table(
    "kb_articles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(120), nullable=False, unique=True),
    Column("language", String(2), nullable=False),
    Column("topic", String(80), nullable=False, default="general"),
    Column("tags", JSON, nullable=False, default=list),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("status", String(12), nullable=False, default="draft"),
    Column("origin", String(12), nullable=False, default="editor"),
    Column("version", Integer, nullable=False, default=1),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_kb_articles_status_language", "status", "language"),
)

# Every change to an article is a new row here: the full text as it was, who changed it, why.
article_versions = Table(
    "kb_article_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("kb_articles.id", ondelete="CASCADE"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("topic", String(80), nullable=False),
    Column("tags", JSON, nullable=False),
    Column("status", String(12), nullable=False),
    Column("changed_by", String(120), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("article_id", "version"),
)

# The texts that find an article: its question, and alternative phrasings (real customers'
# wording arrives here from the bridge). The row id is the vector's id in the FAISS index.
phrasings = Table(
    "kb_phrasings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("kb_articles.id", ondelete="CASCADE"), nullable=False),
    Column("text", Text, nullable=False),
    Column("language", String(2), nullable=False),
    Column("kind", String(12), nullable=False, default="question"),
    Index("ix_kb_phrasings_article", "article_id"),
)

feedback = Table(
    "kb_feedback",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("kb_articles.id", ondelete="CASCADE"), nullable=False),
    Column("helpful", Boolean, nullable=False),
    Column("source", String(12), nullable=False),
    # One vote per rendered page or bot answer: a double click or a replayed form counts once.
    Column("nonce", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Searches that found nothing good enough: the editors' list of missing knowledge.
search_misses = Table(
    "kb_search_misses",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("query", Text, nullable=False),
    Column("language", String(2), nullable=True),
    Column("best_score", Float, nullable=True),
    Column("source", String(12), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # Who asked, as an opaque reference the caller chose (the bot's conversation id), so that
    # erasing a customer's data finds their questions too; None for anonymous searches.
    Column("asker", String(64), nullable=True),
    # The words are what the editors may see only once anonymized; until then they are raw.
    Column("anonymized", Boolean, nullable=True),
    Index("ix_kb_search_misses_asker", "asker"),
)

# Which article a customer picked when the bot asked "Did you mean …?": their question is a
# wording of that article, offered to editors to add (never published by itself). Like a
# miss, the words are raw until anonymized, and the asker lets an erasure find them.
clarifications = Table(
    "kb_clarifications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("kb_articles.id", ondelete="CASCADE"), nullable=False),
    Column("query", Text, nullable=False),
    Column("language", String(2), nullable=True),
    Column("asker", String(64), nullable=True),
    Column("anonymized", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_kb_clarifications_asker", "asker"),
    Index("ix_kb_clarifications_article", "article_id"),
)
