"""Builds the long-lived parts of Nahbar from settings, for the server, the CLI and actions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from knowledge.base import KnowledgeBase
from knowledge.embeddings import load_encoder
from knowledge.store import ArticleStore
from nahbar.database import make_engine
from nahbar.migrate import upgrade
from nahbar.settings import Settings, SettingsError

if TYPE_CHECKING:
    from actions.context import ActionContext
    from bridge.pipeline import Bridge
    from bridge.runs import BridgeRuns


def connect(settings: Settings) -> Engine:
    """An engine whose database answered and has this release's schema, or a SettingsError
    that says where it failed. The one place tables are made, for the server and every command."""
    engine = open_database(settings)
    upgrade(engine)
    return engine


def open_database(settings: Settings) -> Engine:
    """An engine whose database answered, its schema as it is (for `nahbar db current`)."""
    settings.prepare()
    engine = make_engine(settings.database_url)
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        raise SettingsError(
            f"DATABASE_URL={engine.url.render_as_string(hide_password=True)!r} cannot be reached: {exc.orig}"
        ) from exc
    return engine


def open_knowledge(settings: Settings, engine: Engine) -> KnowledgeBase:
    """The knowledge base with its index checked against the database (`connect` made its tables)."""
    english = load_encoder(settings.english_model, "NAHBAR_ENGLISH_MODEL") if settings.english_model else None
    knowledge = KnowledgeBase(ArticleStore(engine), load_encoder(settings.embedding_model), settings.index_path,
                              settings.index_kind, settings.index_nprobe, english)
    knowledge.open()
    if settings.redis_url:  # other processes refresh their index when this one writes
        from nahbar.cluster import tell_knowledge_changes

        tell_knowledge_changes(settings, knowledge)
    return knowledge


def open_bridge(settings: Settings, engine: Engine, knowledge: KnowledgeBase) -> "Bridge":
    """The bridge pipeline: Presidio set up offline, and the private topics."""
    from bridge.anonymize import load_anonymizer
    from bridge.pipeline import Bridge, BridgeSettings
    from bridge.privacy import PrivateTopics

    return Bridge(
        engine,
        knowledge,
        load_anonymizer(str(settings.data_dir / "nlp")),
        PrivateTopics.load(settings.private_topics_path, settings.bridge_sensitive_threshold),
        BridgeSettings(min_customers=settings.bridge_min_customers, group_threshold=settings.bridge_group_threshold,
                       answer_threshold=settings.bridge_answer_threshold),
    )


def action_context(settings: Settings, knowledge: KnowledgeBase) -> "ActionContext":
    """What the custom actions need, for the server (in-process) and for `nahbar actions`."""
    from actions.context import ActionContext

    return ActionContext(knowledge, settings.base_url, settings.answer_threshold, settings.answer_confidence,
                         settings.clarify_confidence)


def open_bridge_runs(engine: Engine, bridge: "Bridge") -> "BridgeRuns":
    """Bridge runs under one lock."""
    from bridge.runs import BridgeRuns

    return BridgeRuns(engine, bridge)
