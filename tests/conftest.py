"""Shared fixtures: real encoder, real databases, a real trained Rasa model, a real server.

Expensive things are built once per session (the encoder, the Rasa model, the running
server); what tests change (databases, indexes) is fresh for every test.
"""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Iterator

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

import pytest  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

from knowledge.base import KnowledgeBase  # noqa: E402
from knowledge.embeddings import Encoder, load_encoder  # noqa: E402
from knowledge.store import ArticleStore  # noqa: E402
from benchmarks.server_process import free_port  # noqa: E402
from nahbar.cli import DEMO_FILE, read_articles  # noqa: E402
from nahbar.database import make_engine  # noqa: E402
from nahbar.migrate import upgrade  # noqa: E402
from nahbar.server import ServerThread  # noqa: E402
from nahbar.settings import PROJECT_ROOT, Settings  # noqa: E402
from tests.agent_client import AgentClient  # noqa: E402
from tests.widget_client import WidgetClient  # noqa: E402

PASSWORD = "correct horse battery staple"
METRICS_TOKEN = "test-metrics-token"

POSTGRES_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("NAHBAR_TEST_REDIS_URL", "")  # scripts/test.sh sets it when the machine's Redis answers
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL.startswith("postgresql") else [])


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    return load_encoder()


@pytest.fixture(scope="session")
def demo_entries() -> list:
    return read_articles(DEMO_FILE)


def _reset_postgres(engine: Engine) -> None:
    from helpdesk.schema import metadata as helpdesk_metadata
    from knowledge.schema import metadata as kb_metadata
    from bridge.schema import metadata as bridge_metadata
    from staff.schema import metadata as staff_metadata

    bridge_metadata.drop_all(engine)
    helpdesk_metadata.drop_all(engine)
    kb_metadata.drop_all(engine)
    staff_metadata.drop_all(engine)
    with engine.begin() as conn:  # the schema revision goes with the tables it describes
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(params=BACKENDS)
def empty_engine(request, tmp_path: Path) -> Iterator[Engine]:
    """A fresh database of each configured kind without a single table (where migrations start)."""
    if request.param == "sqlite":
        db = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
    else:
        db = make_engine(POSTGRES_URL)
        _reset_postgres(db)
    yield db
    if request.param == "postgresql":
        _reset_postgres(db)
    db.dispose()


@pytest.fixture
def engine(empty_engine: Engine) -> Engine:
    """A fresh database of each configured kind with this release's tables, made as at a
    server's start: by the schema migrations (an upgrade on SQLite takes about 0.05 s)."""
    upgrade(empty_engine)
    return empty_engine


@pytest.fixture
def store(engine: Engine) -> ArticleStore:
    articles = ArticleStore(engine)
    articles.create_tables()
    return articles


@pytest.fixture
def knowledge(store: ArticleStore, encoder: Encoder, tmp_path: Path) -> KnowledgeBase:
    kb = KnowledgeBase(store, encoder, tmp_path / "index" / "knowledge.faiss")
    kb.open()
    return kb


@pytest.fixture
def demo_knowledge(knowledge: KnowledgeBase, demo_entries: list) -> KnowledgeBase:
    knowledge.import_articles(demo_entries, actor="test")
    return knowledge


@pytest.fixture(scope="session")
def rasa_model() -> Path:
    """The bot's model, trained once (and reused across runs while its data is unchanged)."""
    from bot.training import ensure_model

    return ensure_model(PROJECT_ROOT / "models")


@pytest.fixture(scope="session")
def server(rasa_model: Path, tmp_path_factory, demo_entries) -> Iterator[ServerThread]:
    """One server for the end-to-end tests: SQLite, the demo knowledge base, the trained bot."""
    data_dir = tmp_path_factory.mktemp("server-data")
    port = free_port()
    settings = replace(
        Settings.from_env({}),
        data_dir=data_dir,
        database_url=f"sqlite:///{data_dir / 'nahbar.db'}",
        port=port,
        rasa_model=rasa_model,
        max_message_chars=2000,
        agent_grace_seconds=1.5,
        metrics_token=METRICS_TOKEN,
        bridge_interval_minutes=0,
        purge_interval_hours=0,
    )
    running = ServerThread(settings).start()
    running.parts.knowledge.import_articles(demo_entries, actor="test")
    yield running
    running.stop()


def wipe_conversations(engine: Engine) -> None:
    """No conversation, handoff, bridge group or bridge run left: what one test did to the
    shared server's helpdesk cannot change what the next one sees (queue places, offline
    forms, drafts). The knowledge base stays: tests that publish use their own slugs."""
    from sqlalchemy.schema import sort_tables

    from bridge.schema import metadata as bridge_metadata
    from helpdesk.schema import metadata as helpdesk_metadata

    tables = {*bridge_metadata.tables.values(), *helpdesk_metadata.tables.values()}
    tables.discard(bridge_metadata.tables["bridge_lock"])  # the lock's one row is part of the schema
    with engine.begin() as conn:
        for table in reversed(sort_tables(tables)):  # rows that refer to others first
            conn.execute(table.delete())


@pytest.fixture(autouse=True)
def fresh_helpdesk(request) -> None:
    """Every test on the shared server starts from an empty helpdesk (see wipe_conversations)."""
    if "server" in request.fixturenames:
        wipe_conversations(request.getfixturevalue("server").parts.engine)


@pytest.fixture
async def widget(server):
    """A connected widget with a fresh session on the shared server."""
    client = await WidgetClient(server.url).open()
    yield client
    await client.close()


@pytest.fixture
def make_staff(server):
    """Creates staff accounts with unique names on the shared server: (user, password)."""

    def make(role: str = "agent", display_name: str | None = None):
        user = server.parts.staff.add_user(f"{role}-{secrets.token_hex(4)}", PASSWORD, role, display_name)
        return user, PASSWORD

    return make


@pytest.fixture
async def agent(server, make_staff):
    """A logged-in agent ("Alex") with the console's socket open."""
    user, password = make_staff("agent", "Alex")
    client = await (await AgentClient(server.url).login(user.username, password)).connect()
    client.user = user
    yield client
    await client.close()


def chromium_path() -> str:
    for candidate in (os.environ.get("NAHBAR_CHROMIUM"), "/usr/lib/chromium/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file():
            return candidate
    raise RuntimeError("no chromium found: run scripts/install-browser.sh or set NAHBAR_CHROMIUM")


@pytest.fixture
async def browser():
    """Debian's chromium driven by Playwright (scripts/install-browser.sh installs it)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=chromium_path(),
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
        )
        yield launched
        await launched.close()
