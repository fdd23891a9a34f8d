"""Schema migrations (Alembic) on SQLite and PostgreSQL: an operator upgrades without losing a row,
and the newest revision makes exactly the tables the parts' schema modules describe."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

from bridge.review import Review
from helpdesk.conversations import ConversationStore, hash_token, new_token
from helpdesk.handoff_store import HandoffStore
from knowledge.base import KnowledgeBase
from knowledge.store import ArticleStore
from nahbar.cli import main
from nahbar.database import make_engine
from nahbar.migrate import SchemaTooNew, current, head, include_name, scripts, target_metadata, upgrade
from nahbar.services import connect
from nahbar.settings import Settings
from staff.accounts import StaffStore
from tests.test_bridge import DOG_ANSWER, DOG_QUESTIONS

PASSWORD = "correct horse battery staple"


def release_before_migrations() -> sa.MetaData:
    """The tables as the release before migrations made them, frozen in the baseline revision
    (the parts' schema modules move on with every later revision)."""
    return scripts().get_revision(scripts().get_base()).module.baseline


def create_as_before_migrations(engine: Engine, tables: sa.MetaData | None = None) -> None:
    """What that release's start did (its nahbar.services.create_schema): `create_all` of every
    part's tables and the bridge lock's one row; no `alembic_version`."""
    tables = tables if tables is not None else release_before_migrations()
    tables.create_all(engine)
    lock = tables.tables["bridge_lock"]
    with engine.begin() as conn:
        conn.execute(sa.insert(lock).values(id=1, run_id=None, expires_at=None))


def every_row(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table of ours, in key order."""
    rows = {}
    with engine.connect() as conn:
        for table in release_before_migrations().sorted_tables:
            key = list(table.primary_key.columns)
            rows[table.name] = [tuple(row) for row in conn.execute(sa.select(table).order_by(*key))]
    return rows


def differences(engine: Engine) -> list:
    """What the database lacks or has beyond the models, as `alembic revision --autogenerate` sees it."""
    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn, opts={"include_name": include_name}),
                                target_metadata())


@pytest.fixture
def nahbar(empty_engine: Engine, tmp_path: Path, monkeypatch, capsys):
    """`nahbar …` on the test's database: (exit code, stdout, stderr)."""
    monkeypatch.setenv("DATABASE_URL", empty_engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("NAHBAR_DATA_DIR", str(tmp_path / "data"))

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def store_as_before_migrations(engine: Engine) -> dict[str, str]:
    """Rows in every part as that release's stores left them: a published article with its
    version, phrasings, a vote and a missed search; an agent with a session and a failed
    login; a chat with a turn, an answer event, a resolved handoff, its state changes, a note
    and an export record; a bridge draft of three pairs, its run and an editor's decision.
    Written to the frozen tables, not through today's stores: those follow the newest
    revision, which may have columns that release did not. Returns the secrets it used."""
    t = release_before_migrations().tables
    now = datetime.now(timezone.utc)
    secrets = {"customer": new_token(), "staff": "staff-session-token"}
    dog = DOG_QUESTIONS[0][1]
    with engine.begin() as conn:
        def add(table: str, **values) -> None:
            conn.execute(sa.insert(t[table]).values(**values))

        for id_, slug, status, origin, question, answer in (
                (1, "lieferzeit", "published", "editor", "Wie lange dauert die Lieferung?", "Zwei bis drei Werktage."),
                (2, "dog-on-tours", "draft", "bridge", dog, DOG_ANSWER)):
            add("kb_articles", id=id_, slug=slug, language="de" if id_ == 1 else "en", topic="general", tags=["tour"],
                question=question, answer=answer, status=status, origin=origin, version=1, created_at=now, updated_at=now)
            add("kb_article_versions", article_id=id_, version=1, question=question, answer=answer, topic="general",
                tags=["tour"], status=status, changed_by=origin, note="", created_at=now)
            add("kb_phrasings", article_id=id_, text=question, language="de" if id_ == 1 else "en", kind="question")
        add("kb_phrasings", article_id=1, text="Wann kommt mein Paket?", language="de", kind="alternative")
        add("kb_feedback", article_id=1, helpful=True, source="page", nonce="vote-1", created_at=now)
        add("kb_search_misses", query="Wo ist mein Paket?", language="de", best_score=0.2, source="bot", asker="c0ffee",
            anonymized=False, created_at=now)
        add("staff_users", id=1, username="alex", display_name="Alex", role="agent",
            password_hash=PasswordHasher().hash(PASSWORD), active=True, created_at=now)
        add("staff_sessions", token_hash=hashlib.sha256(secrets["staff"].encode()).hexdigest(), user_id=1, csrf_token="csrf", created_at=now,
            expires_at=now + timedelta(hours=8))
        add("staff_login_failures", key="user:kim", at=now)
        add("chat_conversations", id=1, public_id="c0ffee", token_hash=hash_token(secrets["customer"]), language="en",
            state="bot", offered_commands=["/request_human"], created_at=now, last_activity_at=now)
        for id_, sender, text, data in ((1, "customer", dog, {}), (2, "bot", "Sorry, I couldn't find a good answer.", {}),
                                        (3, "agent", DOG_ANSWER, {"agent_name": "Alex"})):
            add("chat_messages", id=id_, conversation_id=1, sender=sender, text=text, data=data, created_at=now)
        add("chat_turns", message_id=1, conversation_id=1, client_id="widget-1", language="en", handled_at=now)
        add("chat_events", conversation_id=1, message_id=2, kind="answer", article_id=1, article_slug="lieferzeit",
            article_version=1, score=0.31, confidence=0.2, created_at=now)
        add("chat_handoffs", conversation_id=1, reason="no_answer", priority=0, offline=False, requested_at=now,
            agent_id=1, agent_name="Alex", claimed_at=now, first_response_at=now, ended_at=now, outcome="resolved",
            resolution_summary="explained", resolution_kind="general")
        for before, after, cause in (("bot", "waiting", "escalated:no_answer"), ("waiting", "agent", "claimed"),
                                     ("agent", "bot", "resolved")):
            add("chat_state_changes", conversation_id=1, from_state=before, to_state=after, cause=cause, actor="Alex", at=now)
        add("chat_notes", conversation_id=1, author_id=1, author_name="Alex", text="asked twice", created_at=now)
        add("chat_data_requests", action="export", conversation_id=1, actor="dpo", details={"messages": 3}, at=now)
        add("bridge_groups", id=1, status="draft", draft_slug="dog-on-tours", customers=3, flags=[], created_at=now,
            updated_at=now)
        for number in (1, 2, 3):
            add("bridge_pairs", source_key=f"handoff:{number}", source="handoff", conversation_id=number,
                status="grouped", language="en", question=dog, answer=DOG_ANSWER, question_spans=[], answer_spans=[],
                vector=bytes(16), answer_vector=bytes(16), group_id=1, helpful=0, created_at=now)
        add("bridge_audit", actor="editor", action="reject", group_id=1, reason="a test", at=now)
        add("bridge_runs", id=1, started_by="schedule", status="done", done=3, total=3, summary=["3 chats read"],
            started_at=now, finished_at=now)
    return secrets


def test_a_database_of_the_release_before_migrations_is_upgraded_with_every_row_in_place(empty_engine, nahbar,
                                                                                          encoder, tmp_path):
    engine = empty_engine
    create_as_before_migrations(engine)
    secrets = store_as_before_migrations(engine)
    stored = every_row(engine)

    code, out, _ = nahbar("db", "upgrade")

    assert code == 0
    assert out.strip() == f"the database schema was upgraded from the tables of a release before migrations to revision {head()}"
    assert current(engine) == head()
    assert every_row(engine) == stored
    assert all(stored.values()), [name for name, rows in stored.items() if not rows]  # every table had rows
    # … and every part reads its rows as before:
    articles = ArticleStore(engine)
    assert articles.get("lieferzeit").answer == "Zwei bis drei Werktage."
    assert [v["changed_by"] for v in articles.versions("lieferzeit")] == ["editor"]
    assert articles.alternatives(1) == ["Wann kommt mein Paket?"]
    assert articles.feedback_counts(1) == {"helpful": 1, "unhelpful": 0}
    assert [m["query"] for m in articles.misses()] == ["Wo ist mein Paket?"]
    staff = StaffStore(engine)
    assert staff.authenticate("alex", PASSWORD).display_name == "Alex"
    assert staff.session(secrets["staff"]).user.username == "alex"
    assert staff.failures("user:kim", timedelta(hours=1))[0] == 1
    chats = ConversationStore(engine)
    chat = chats.find(secrets["customer"], timedelta(days=1))
    assert [m.text for m in chats.history(chat.id)][-1] == DOG_ANSWER and chats.next_turn(chat.id) is None
    handoffs = HandoffStore(engine)
    assert [(h.agent_name, h.outcome) for h in handoffs.handoffs(chat.id)] == [("Alex", "resolved")]
    assert [c.to_state for c in handoffs.state_changes(chat.id)] == ["waiting", "agent", "bot"]
    assert [n.text for n in handoffs.notes(chat.id)] == ["asked twice"]
    (draft,) = Review(engine, KnowledgeBase(articles, encoder, tmp_path / "knowledge.faiss")).queue()
    assert (draft.slug, draft.evidence, draft.question) == ("dog-on-tours", 3, DOG_QUESTIONS[0][1])


def test_a_database_from_before_later_columns_gains_them_and_keeps_its_rows(empty_engine):
    """Releases before migrations added nullable columns at start (add_missing_columns): a
    database that missed some gets them, with their indexes, from the baseline revision."""
    engine = empty_engine
    older = sa.MetaData()
    for table in release_before_migrations().sorted_tables:
        table.to_metadata(older)
    pairs, misses = older.tables["bridge_pairs"], older.tables["kb_search_misses"]
    pairs._columns.remove(pairs.c.answer_vector)
    misses.indexes.clear()
    misses._columns.remove(misses.c.asker)
    misses._columns.remove(misses.c.anonymized)
    create_as_before_migrations(engine, older)
    with engine.begin() as conn:
        conn.execute(sa.insert(misses).values(query="Wo ist mein Paket?", source="bot", created_at=sa.func.now()))
        conn.execute(sa.insert(pairs).values(source_key="handoff:1", source="handoff", conversation_id=1,
                                             status="private", skip_reason="private topic: health",
                                             helpful=0, created_at=sa.func.now()))

    upgrade(engine)

    assert differences(engine) == []
    assert [m["query"] for m in ArticleStore(engine).misses()] == ["Wo ist mein Paket?"]
    with engine.connect() as conn:
        assert conn.execute(sa.select(pairs.c.skip_reason)).scalars().all() == ["private topic: health"]


def test_the_newest_revision_makes_exactly_the_tables_the_models_describe(empty_engine):
    """When a table changes in a schema module, this fails until a revision says how (`nahbar db revision`)."""
    engine = empty_engine
    missing = {diff[1].name for diff in differences(engine) if diff[0] == "add_table"}
    assert missing == {name for tables in target_metadata() for name in tables.tables}  # the comparison sees them
    upgrade(engine)
    assert differences(engine) == []


def test_a_database_whose_tables_the_parts_made_with_this_releases_models_starts(empty_engine):
    """Benchmarks and tests make a part's tables with `create_tables()`, then start a server on
    them: no revision may try to make a table twice."""
    engine = empty_engine
    for tables in target_metadata():
        tables.create_all(engine)
    upgrade(engine)
    assert current(engine) == head()
    assert differences(engine) == []


def test_tables_of_others_in_the_same_database_are_left_alone(empty_engine):
    """Rasa's tracker store shares a PostgreSQL database with ours: no revision may drop it."""
    engine = empty_engine
    theirs = sa.Table("events", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True))
    theirs.create(engine)
    try:
        upgrade(engine)
        assert differences(engine) == []
        assert sa.inspect(engine).has_table("events")
    finally:
        theirs.drop(engine)


def test_upgrading_an_up_to_date_database_changes_nothing(engine, nahbar):
    StaffStore(engine).add_user("alex", PASSWORD, "agent", "Alex")
    stored = every_row(engine)

    code, out, _ = nahbar("db", "upgrade")

    assert (code, out.strip()) == (0, f"the database schema is up to date (revision {head()})")
    assert every_row(engine) == stored
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all() == [head()]


def test_every_start_brings_the_database_to_the_newest_revision(empty_engine, tmp_path):
    settings = Settings.from_env({"DATABASE_URL": empty_engine.url.render_as_string(hide_password=False),
                                  "NAHBAR_DATA_DIR": str(tmp_path / "data")})
    connect(settings).dispose()
    assert current(empty_engine) == head()


def test_a_database_upgraded_by_a_newer_release_is_refused_naming_both_revisions(engine, nahbar, tmp_path):
    StaffStore(engine).add_user("alex", PASSWORD, "agent", "Alex")
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = 'f0f0f0f0f0f0'"))
    stored = every_row(engine)

    code, _, err = nahbar("db", "upgrade")

    assert code == 2
    assert "revision f0f0f0f0f0f0, which this release of Nahbar does not know" in err
    assert f"its newest is {head()}" in err
    settings = Settings.from_env({"DATABASE_URL": engine.url.render_as_string(hide_password=False),
                                  "NAHBAR_DATA_DIR": str(tmp_path / "data")})
    with pytest.raises(SchemaTooNew, match="f0f0f0f0f0f0"):
        connect(settings)  # a server's start
    assert current(engine) == "f0f0f0f0f0f0"
    assert every_row(engine) == stored


def test_db_current_and_history_tell_where_the_database_stands(empty_engine, nahbar):
    assert nahbar("db", "current")[:2] == (0, f"no revision (an empty database, or one made before migrations); "
                                              f"`nahbar db upgrade` brings it to {head()}\n")
    nahbar("db", "upgrade")
    assert nahbar("db", "current")[:2] == (0, f"revision {head()}: the newest this release knows\n")
    code, out, _ = nahbar("db", "history")
    assert code == 0 and out.splitlines()[0].startswith(head()) and out.splitlines()[0].endswith("(newest)")
    assert out.splitlines()[-1].startswith(scripts().get_base())


def test_db_init_is_the_old_name_of_db_upgrade(empty_engine, nahbar):
    assert nahbar("db", "init")[0] == 0
    assert current(empty_engine) == head()


def test_no_revision_is_written_while_the_models_and_the_migrations_agree(empty_engine, nahbar):
    versions = sorted(path.name for path in (Path(scripts().dir) / "versions").glob("*.py"))
    code, _, err = nahbar("db", "revision", "-m", "nothing changed")
    assert code == 2 and "the models and the newest revision agree" in err
    assert sorted(path.name for path in (Path(scripts().dir) / "versions").glob("*.py")) == versions


# A server process as far as its start's upgrade: it says "ready", then upgrades when told to.
PROCESS = """
import sys
from nahbar.database import make_engine
from nahbar.migrate import upgrade
engine = make_engine(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()
print(upgrade(engine).line(), flush=True)
"""


def test_processes_starting_at_once_on_an_empty_database_migrate_one_after_the_other(empty_engine):
    if empty_engine.dialect.name != "postgresql":
        pytest.skip("SQLite serves one process; the advisory lock is PostgreSQL's")
    url = empty_engine.url.render_as_string(hide_password=False)
    processes = [subprocess.Popen([sys.executable, "-c", PROCESS, url], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(3)]
    for process in processes:
        assert process.stdout.readline() == "ready\n"
    for process in processes:  # all at once
        process.stdin.write("go\n")
        process.stdin.flush()
    results = [process.communicate(timeout=60) for process in processes]

    assert [process.returncode for process in processes] == [0] * 3, [err for _, err in results]
    assert sorted(out.strip() for out, _ in results) == sorted(
        [f"the database schema was upgraded from an empty database to revision {head()}"]
        + [f"the database schema is up to date (revision {head()})"] * 2)
    assert current(empty_engine) == head() and differences(empty_engine) == []
